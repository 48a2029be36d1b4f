"""WooCommerce shops: the public Store API (``/wp-json/wc/store/v1/products``).

The Store API is on by default in every WooCommerce shop since 2022. Prices come
in minor units with their currency; the WordPress index (``/wp-json/``) names
the shop and its time zone, from which the shop's country follows.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from crawler.items import Listing, Trader
from crawler.pages import PageError, load_json
from crawler.pages.text import clean_title, html_to_text
from crawler.sites import site_key

PLATFORM = "woocommerce"


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA time zone -> ISO country, from the tz database's ``zone.tab``."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _coords, zone = line.split("\t")[:3]
            zones[zone] = country
    return zones


def country_from_timezone(zone: str | None) -> str | None:
    """The country of an IANA time zone (``Europe/Madrid`` -> ``ES``); None for UTC offsets."""
    return _zone_countries().get(zone or "")


def parse_site_index(store_url: str, body: bytes | str) -> Trader:
    """The trader behind a WordPress shop, from its REST index ``/wp-json/``."""
    index = load_json(body, "WordPress REST index")
    if not isinstance(index, dict):
        raise PageError("WordPress REST index is not an object")
    key = site_key(store_url)
    return Trader(
        marketplace=key,
        seller_key=key,
        display_name=clean_title(index.get("name")),
        profile_url=store_url.rstrip("/") + "/",
        country=country_from_timezone(index.get("timezone_string")),
        shop_website=index.get("home") or index.get("url"),
        platform=PLATFORM,
    )


def parse_products(
    store_url: str,
    body: bytes | str,
    *,
    country: str | None = None,
    search_query: str | None = None,
) -> list[Listing]:
    """Listings of one Store API products page (a JSON list)."""
    products = load_json(body, "WooCommerce Store API products")
    if not isinstance(products, list):
        raise PageError("WooCommerce Store API products page is not a list")
    key = site_key(store_url)
    return [
        _listing(p, key, store_url, country, search_query)
        for p in products
        if isinstance(p, dict) and p.get("id") is not None
    ]


def _listing(
    product: dict[str, Any], key: str, store_url: str, country: str | None, search_query: str | None
) -> Listing:
    price, currency = _price(product.get("prices") or {})
    short = html_to_text(product.get("short_description"))
    long = html_to_text(product.get("description"))
    parts = list(dict.fromkeys(t for t in (short, long) if t))  # the two are often the same text
    description = "\n".join(parts) or None
    low_stock = product.get("low_stock_remaining")
    return Listing(
        marketplace=key,
        listing_id=str(product["id"]),
        url=product.get("permalink") or f"{store_url.rstrip('/')}/?p={product['id']}",
        title=clean_title(product.get("name")) or "",
        description=description,
        price=price,
        currency=currency,
        available=bool(product["is_in_stock"]) if "is_in_stock" in product else None,
        quantity_available=int(low_stock) if isinstance(low_stock, int) else None,
        sku=product.get("sku") or None,
        category_path=[c["name"] for c in product.get("categories") or [] if isinstance(c, dict) and c.get("name")],
        image_urls=[i["src"] for i in product.get("images") or [] if isinstance(i, dict) and i.get("src")],
        ships_from=country,
        seller_key=key,
        search_query=search_query,
        platform=PLATFORM,
    )


def _price(prices: dict[str, Any]) -> tuple[float | None, str | None]:
    """Store API prices are strings of minor units: ``"1250"`` with minor unit 2 is 12.50."""
    currency = prices.get("currency_code") or None
    raw: Any = prices.get("price")  # "not in (None, '')" below does not narrow for mypy
    try:
        minor_unit = int(prices.get("currency_minor_unit", 2))
        return (int(raw) / 10**minor_unit if raw not in (None, "") else None), currency
    except (TypeError, ValueError):
        return None, currency
