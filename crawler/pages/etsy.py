"""Etsy listings: from a listing page, and from the Etsy Open API v3.

Etsy search pages sit behind a DataDome captcha for plain HTTP clients (see
:mod:`crawler.pages.blocked`), so search goes through the Open API
(``GET /v3/application/listings/active?keywords=...``), and listing pages are read for
what the API does not say: the shop's name and the "Ships from" country.

A listing page publishes a schema.org Product, read by :mod:`crawler.pages.schema_org`;
this module adds the listing id (from the URL), the shop as the :class:`Trader` and the
country the item ships from. The shop's numeric ``shop_id`` is the trader's key in both
sources, so a shop found by the API and by a page is one trader.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages import PageError, load_json
from crawler.pages.schema_org import parse_product_page
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title

MARKETPLACE = "etsy.com"
PLATFORM = "etsy"

_LISTING_ID = re.compile(r"/listing/(\d+)")
_SHOP_ID = re.compile(r'"shop_id"\s*:\s*(\d+)')
_SHOP_NAME = re.compile(r'"shop_name"\s*:\s*"([^"\\]+)"')
#: "Ships from United States" in the languages of Etsy's locales.
_SHIPS_FROM = re.compile(
    r"^\s*(?:ships from|dispatched from|se envía desde|envío desde|versand aus|wird versandt aus"
    r"|expédié depuis|expédition depuis|spedito da|spedizione da|verzonden vanuit"
    r"|wysyłka z|enviado de|envia de)\s*:?\s*(.+?)\s*$",
    re.IGNORECASE,
)


def parse_listing(url: str, body: bytes | str) -> list[Listing | Trader]:
    """A listing page (``/listing/<id>/...``) as ``[Listing, Trader]`` (``[]`` if no Product)."""
    items = parse_product_page(url, body, marketplace=MARKETPLACE)
    listing = next((item for item in items if isinstance(item, Listing)), None)
    if listing is None:
        return []
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text)
    listing_id = _listing_id(url) or _listing_id(sel.css("link[rel=canonical]::attr(href)").get() or "")
    if listing_id:
        listing.listing_id = listing_id
        listing.url = f"https://www.etsy.com/listing/{listing_id}"
    listing.platform = PLATFORM
    listing.ships_from = listing.ships_from or _ships_from(sel)
    shop_id, shop_name = _SHOP_ID.search(text), _SHOP_NAME.search(text)
    if shop_name is None:
        shop_link = sel.css("a[href*='/shop/']::attr(href)").re_first(r"/shop/([\w-]+)")
        name = shop_link
    else:
        name = shop_name.group(1)
    key = shop_id.group(1) if shop_id else name
    if not key:
        return [listing]
    listing.seller_key = key
    trader = Trader(
        marketplace=MARKETPLACE,
        seller_key=key,
        display_name=name,
        profile_url=f"https://www.etsy.com/shop/{name}" if name else None,
        platform=PLATFORM,
    )
    return [listing, trader]


def parse_open_api_listings(url: str, body: bytes | str) -> SearchPage:
    """An Open API v3 listings response (``{"count": n, "results": [...]}``) as a SearchPage.

    Prices come as ``{"amount": 1999, "divisor": 100, "currency_code": "USD"}``. Each
    listing's shop becomes a trader keyed by ``shop_id`` (named when the response
    includes ``shop``). ``next_page`` is the same request with the next ``offset``, while
    ``count`` says there are more results.
    """
    data = load_json(body, "Etsy Open API listings response")
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise PageError("Etsy Open API listings response has no 'results' list")
    query = dict(parse_qsl(urlsplit(url).query))
    listings: list[Listing] = []
    traders: dict[str, Trader] = {}
    for result in data["results"]:
        if not isinstance(result, dict):
            continue
        listing = _api_listing(result, query.get("keywords"))
        if listing is None:
            continue
        listings.append(listing)
        if listing.seller_key and listing.seller_key not in traders:
            traders[listing.seller_key] = _api_trader(listing.seller_key, result.get("shop"))
    return SearchPage(listings, list(traders.values()), _next_page(url, data, query))


def _api_listing(result: dict[str, Any], keywords: str | None) -> Listing | None:
    listing_id, title = result.get("listing_id"), clean_title(result.get("title"))
    if listing_id is None or not title:
        return None
    price = result["price"] if isinstance(result.get("price"), dict) else {}
    amount, currency = None, None
    if isinstance(price.get("amount"), int) and isinstance(price.get("divisor"), int):
        amount, currency = parse_price(round(price["amount"] / (price["divisor"] or 1), 6), price.get("currency_code"))
    quantity = result.get("quantity")
    state = result.get("state")
    shipping = result.get("shipping_profile")
    origin = shipping.get("origin_country_iso") if isinstance(shipping, dict) else None
    images = [
        image.get("url_fullxfull") or image.get("url_570xN")
        for image in result.get("images") or []
        if isinstance(image, dict)
    ]
    shop_id = result.get("shop_id")
    return Listing(
        marketplace=MARKETPLACE,
        listing_id=str(listing_id),
        url=result.get("url") or f"https://www.etsy.com/listing/{listing_id}",
        title=title,
        description=_plain(result.get("description")),
        price=amount,
        currency=currency,
        quantity_available=quantity if isinstance(quantity, int) else None,
        available=(state == "active" and (quantity or 0) > 0) if state else None,
        image_urls=[image for image in images if image],
        ships_from=country_code(origin) if origin else None,
        seller_key=str(shop_id) if shop_id is not None else None,
        search_query=keywords,
        platform=PLATFORM,
    )


def _api_trader(shop_id: str, shop: Any) -> Trader:
    shop = shop if isinstance(shop, dict) else {}
    name = shop.get("shop_name")
    rating = shop.get("review_average")
    return Trader(
        marketplace=MARKETPLACE,
        seller_key=shop_id,
        display_name=name,
        profile_url=shop.get("url") or (f"https://www.etsy.com/shop/{name}" if name else None),
        country=country_code(shop.get("shop_location_country_iso")),
        feedback_count=shop.get("review_count") if isinstance(shop.get("review_count"), int) else None,
        rating=round(rating / 5, 4) if isinstance(rating, (int, float)) else None,
        platform=PLATFORM,
    )


def _next_page(url: str, data: dict[str, Any], query: dict[str, str]) -> str | None:
    count, results = data.get("count"), data["results"]
    try:
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 25))
    except ValueError:
        return None
    if not isinstance(count, int) or not results or offset + len(results) >= count:
        return None
    query["offset"] = str(offset + len(results))
    parts = urlsplit(url)
    query.setdefault("limit", str(limit))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _ships_from(sel: Selector) -> str | None:
    for text in sel.xpath("//body//text()[not(ancestor::script)]").getall():
        if len(text) < 80 and (match := _SHIPS_FROM.match(text)):
            if code := country_code(match.group(1)):
                return code
    return None


def _plain(text: Any) -> str | None:
    """The API's plain-text description (not HTML: a "<3" must survive), trimmed."""
    return text.strip() or None if isinstance(text, str) else None


def _listing_id(url: str) -> str | None:
    match = _LISTING_ID.search(url)
    return match.group(1) if match else None
