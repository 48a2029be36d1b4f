"""Listings from AliExpress search pages, and from the search items their pages embed.

AliExpress serves search results in two shapes:

* aliexpress.com embeds the results as JSON (``window._dida_config_._init_data_`` /
  ``__INIT_DATA__``, under ``"itemList": {"content": [...]}``), one dict per item with
  ``productId``, ``title.displayTitle``, ``prices.salePrice``, ``trade.tradeDesc``
  ("1000+ sold") and ``image.imgUrl``: :func:`parse_search_items` reads those dicts;
* aliexpress.ru renders "snippet" cards on the server (``div[data-product-id]`` with
  ``RedSnippet`` classes), which :func:`parse_search` reads when no JSON is embedded.

A page with neither is a shell that only JavaScript fills in: :class:`PageError` says so,
rather than reporting an empty result. Prices are in the currency the page was served
in (AliExpress picks it from the visitor's region), which the price text names.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages import PageError
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title
from crawler.sites import site_key

PLATFORM = "aliexpress"

_EMBEDDED = re.compile(r"(?:_init_data_|__INIT_DATA__|__INITIAL_STATE__)\s*=\s*(?=\{)")
#: "1000+ sold", "1 663 sold", "10K+ sold", "5 000+ продано", "123 vendidos".
_SOLD = re.compile(
    r"(\d[\d\s\u00a0.,]*)\s*([kK]|тыс\.?)?\s*\+?\s*(?:sold|продан|купил|vendid|verkauft|vendu|venduti)", re.I
)


def parse_search(url: str, body: bytes | str) -> SearchPage:
    """Listings of a search (or ``/popular/``, ``/wholesale``) page.

    Raises :class:`PageError` ("needs JavaScript rendering") when the page carries
    neither embedded search JSON nor server-rendered cards.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    items = _embedded_items(text)
    if items is not None:
        page = parse_search_items(items, url)
    else:
        sel = Selector(text=text)
        cards = sel.css("div[data-product-id]")
        if not cards:
            raise PageError("needs JavaScript rendering: no embedded search data or result cards")
        seen: dict[str, Listing] = {}
        for card in cards:
            listing = _card(card, url)
            if listing is not None:
                seen.setdefault(listing.listing_id, listing)
        page = SearchPage(list(seen.values()), [], None)
    page.next_page = _next_page(url, text)
    return page


def parse_search_items(items: list[dict[str, Any]], url: str) -> SearchPage:
    """Search result dicts as AliExpress embeds them (``itemList.content``) -> SearchPage.

    ``url`` is the search page the items came from (it gives the marketplace and the
    query). A store named in an item (``store.storeId`` / ``storeName``) becomes a trader.
    """
    listings: dict[str, Listing] = {}
    traders: dict[str, Trader] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        listing = _item(item, url)
        if listing is None:
            continue
        listings.setdefault(listing.listing_id, listing)
        trader = _store(item, url)
        if trader is not None:
            listing.seller_key = trader.seller_key
            traders.setdefault(trader.seller_key, trader)
    return SearchPage(list(listings.values()), list(traders.values()), None)


def _item(item: dict[str, Any], url: str) -> Listing | None:
    product_id = item.get("productId") or item.get("redirectedId")
    title = clean_title(_dig(item, "title", "displayTitle"))
    if not product_id or not title:
        return None
    sale = _dig(item, "prices", "salePrice") or {}
    price, currency = parse_price(sale.get("minPrice"), sale.get("currencyCode"))
    if price is None:
        price, currency = parse_price(sale.get("formattedPrice"), sale.get("currencyCode"))
    image = _dig(item, "image", "imgUrl")
    return Listing(
        marketplace=site_key(url),
        listing_id=str(product_id),
        url=_item_url(url, str(product_id)),
        title=title,
        price=price,
        currency=currency,
        quantity_sold=_sold(_dig(item, "trade", "tradeDesc")),
        image_urls=[urljoin("https:", image)] if isinstance(image, str) and image else [],
        ships_from=_ship_from(item),
        search_query=_query(url),
        platform=PLATFORM,
    )


def _card(card: Selector, url: str) -> Listing | None:
    """A server-rendered aliexpress.ru snippet card."""
    product_id = card.attrib.get("data-product-id")
    title = clean_title(card.xpath("string(.//*[contains(@class,'Snippet__title')])").get())
    title = title or clean_title(card.css("img::attr(alt)").get())
    if not product_id or not title:
        return None
    price_text = card.xpath("string(.//*[contains(@class,'Snippet__priceNew')])").get()
    price, currency = parse_price(clean_title(price_text))
    sold = None
    for text in card.xpath(".//text()").getall():
        if (sold := _sold(text)) is not None:
            break
    images = card.css("img.gallery_Gallery__image__15bdcj::attr(src), [class*=Gallery__image]::attr(src)")
    return Listing(
        marketplace=site_key(url),
        listing_id=product_id,
        url=_item_url(url, product_id),
        title=title,
        price=price,
        currency=currency,
        quantity_sold=sold,
        image_urls=list(dict.fromkeys(images.getall())),
        search_query=_query(url),
        platform=PLATFORM,
    )


def _store(item: dict[str, Any], url: str) -> Trader | None:
    store = item.get("store")
    if not isinstance(store, dict):
        return None
    store_id = store.get("storeId") or store.get("aliMemberId")
    if not store_id:
        return None
    link = store.get("storeUrl")
    return Trader(
        marketplace=site_key(url),
        seller_key=str(store_id),
        display_name=clean_title(store.get("storeName")),
        profile_url=urljoin("https:", link) if isinstance(link, str) and link else None,
        platform=PLATFORM,
    )


def _ship_from(item: dict[str, Any]) -> str | None:
    """Ship-from country from the item's tracking parameters (``pdp_cdi`` "shipFrom")."""
    cdi = _dig(item, "trace", "pdpParams", "pdp_cdi")
    if not isinstance(cdi, str):
        return None
    try:
        data = json.loads(unquote(cdi))
    except ValueError:
        return None
    origin = data.get("shipFrom") if isinstance(data, dict) else None
    return country_code(origin) if isinstance(origin, str) else None


def _embedded_items(text: str) -> list[dict[str, Any]] | None:
    """The ``itemList.content`` list of the search JSON embedded in the page, if any."""
    decoder = json.JSONDecoder()
    for match in _EMBEDDED.finditer(text):
        try:
            data, _ = decoder.raw_decode(text, match.end())
        except ValueError:
            continue
        found = _find_item_list(data)
        if found is not None:
            return found
    return None


def _find_item_list(data: Any) -> list[dict[str, Any]] | None:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            item_list = node.get("itemList")
            if isinstance(item_list, dict) and isinstance(item_list.get("content"), list):
                return item_list["content"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _next_page(url: str, text: str) -> str | None:
    """The link to page n+1 of the result pagination, if the page has one."""
    current = int((parse_qs(urlsplit(url).query).get("page") or ["1"])[0] or 1)
    for link in Selector(text=text).css("a[href*='page=']::attr(href)").getall():
        page = (parse_qs(urlsplit(link).query).get("page") or [""])[0]
        if page == str(current + 1):
            return urljoin(url, link)
    return None


def _sold(text: Any) -> int | None:
    if not isinstance(text, str) or not (match := _SOLD.search(text)):
        return None
    number = re.sub(r"[\s\u00a0]", "", match.group(1)).rstrip(".,")
    if match.group(2):  # "1.5K+ sold": a decimal number of thousands
        try:
            return round(float(number.replace(",", ".")) * 1000)
        except ValueError:
            return None
    digits = re.sub(r"[.,]", "", number)
    return int(digits) if digits.isdigit() else None


def _item_url(url: str, product_id: str) -> str:
    host = urlsplit(url).hostname or "www.aliexpress.com"
    return f"https://{host}/item/{product_id}.html"


def _query(url: str) -> str | None:
    """The search words: ``SearchText=`` / ``text=`` parameters, or a ``/popular/<words>`` path."""
    parts = urlsplit(url)
    params = parse_qs(parts.query)
    for key in ("SearchText", "text", "q"):
        if params.get(key):
            return params[key][0]
    match = re.search(r"/(?:popular|w/wholesale-)/?([^/?]+?)(?:\.html)?$", parts.path)
    return unquote(match.group(1)).replace("-", " ") if match else None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
