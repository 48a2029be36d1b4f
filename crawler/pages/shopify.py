"""Shopify shops: the public ``/products.json`` catalogue and ``/meta.json`` shop card.

Every Shopify store answers ``/products.json?limit=250&page=N`` with its
published products; ``/meta.json`` names the shop, its country and its
currency. The store is the trader.
"""

from __future__ import annotations

from typing import Any

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.pages import PageError, load_json
from crawler.pages.text import clean_title, html_to_text
from crawler.sites import site_key

PLATFORM = "shopify"


def parse_shop_meta(store_url: str, body: bytes | str) -> Trader:
    """The trader behind a store, from its ``/meta.json``."""
    meta = load_json(body, "Shopify meta.json")
    if not isinstance(meta, dict):
        raise PageError("Shopify meta.json is not an object")
    key = site_key(store_url)
    domain = meta.get("domain")
    return Trader(
        marketplace=key,
        seller_key=key,
        display_name=clean_title(meta.get("name")),
        profile_url=store_url.rstrip("/") + "/",
        country=country_code(meta.get("country")),
        shop_website=f"https://{domain}" if domain else None,
        platform=PLATFORM,
    )


def shop_currency(body: bytes | str) -> str | None:
    """The shop's currency from ``/meta.json`` (prices in products.json carry none)."""
    meta = load_json(body, "Shopify meta.json")
    currency = meta.get("currency") if isinstance(meta, dict) else None
    return str(currency).upper() if currency else None


def parse_products(
    store_url: str,
    body: bytes | str,
    *,
    currency: str | None = None,
    country: str | None = None,
    search_query: str | None = None,
) -> list[Listing]:
    """Listings of one ``products.json`` page.

    A product is one listing; its price is the lowest price among the variants
    on sale (all variants when none is), and it is available when any variant is.
    Independent shops ship from their own country, so ``ships_from`` is the
    shop's ``country`` unless the caller knows better.
    """
    data = load_json(body, "Shopify products.json")
    products = data.get("products") if isinstance(data, dict) else None
    if not isinstance(products, list):
        raise PageError("Shopify products.json has no 'products' list")
    key = site_key(store_url)
    base = store_url.rstrip("/")
    listings = []
    for product in products:
        if not isinstance(product, dict) or product.get("id") is None:
            continue
        listings.append(_listing(product, key, base, currency, country, search_query))
    return listings


def _listing(
    product: dict[str, Any],
    key: str,
    base: str,
    currency: str | None,
    country: str | None,
    search_query: str | None,
) -> Listing:
    variants = [v for v in product.get("variants") or [] if isinstance(v, dict)]
    on_sale = [v for v in variants if v.get("available")] or variants
    prices = [p for p in (_price(v.get("price")) for v in on_sale) if p is not None]
    skus = [str(v["sku"]) for v in variants if v.get("sku")]
    tags = product.get("tags") or []
    if isinstance(tags, str):  # older stores send "a, b, c"
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    handle = product.get("handle") or product["id"]
    return Listing(
        marketplace=key,
        listing_id=str(product["id"]),
        url=f"{base}/products/{handle}",
        title=clean_title(product.get("title")) or "",
        description=html_to_text(product.get("body_html")),
        price=min(prices) if prices else None,
        currency=currency,
        available=any(bool(v.get("available")) for v in variants) if variants else None,
        sku=skus[0] if skus else None,
        category_path=[p for p in [product.get("product_type")] if p] + [str(t) for t in tags],
        image_urls=[img["src"] for img in product.get("images") or [] if isinstance(img, dict) and img.get("src")],
        ships_from=country,
        seller_key=key,
        search_query=search_query,
        platform=PLATFORM,
    )


def _price(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
