"""Listings and sellers from Amazon search, best-seller and product (``/dp/``) pages.

Amazon publishes no schema.org Product, so the page is read from its own markup:

* search pages: one ``div[data-component-type=s-search-result]`` card per result, keyed
  by ``data-asin``; a sponsored result may repeat an organic one and is kept once;
* best-seller pages (``/zgbs/``): a grid of ``#gridItemRoot`` cells, in rank order;
* product pages: ``#productTitle``, the buy-box price, ``#availability`` and the
  "Sold by" merchant, whose ``seller=`` id becomes the :class:`Trader`.

The ASIN is both ``listing_id`` and ``sku``; the listing URL is the canonical
``https://<host>/dp/<ASIN>``, without the tracking path of the link that was followed.
Amazon pages name no country of dispatch ("Ships from Amazon"), so ``ships_from`` stays
``None``; product star ratings belong to the product, not the seller, and are not kept.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector, SelectorList

from crawler.items import Listing, Trader
from crawler.normalise.price import parse_price
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title
from crawler.sites import site_key

PLATFORM = "amazon"

# fmt: off
#: The currency each Amazon storefront trades in: the tie-breaker for "$" and "kr".
_CURRENCIES = {
    "com": "USD", "ca": "CAD", "com.mx": "MXN", "com.br": "BRL", "co.uk": "GBP", "de": "EUR",
    "fr": "EUR", "it": "EUR", "es": "EUR", "nl": "EUR", "com.be": "EUR", "ie": "EUR",
    "pl": "PLN", "se": "SEK", "com.tr": "TRY", "ae": "AED", "sa": "SAR", "eg": "EGP",
    "in": "INR", "co.jp": "JPY", "com.au": "AUD", "sg": "SGD",
}
#: Buy-box price blocks, newest layout first; the first one with a number is the price.
_PRICE_SELECTORS = (
    "#corePrice_feature_div .a-offscreen",
    "#corePriceDisplay_desktop_feature_div .priceToPay .a-offscreen",
    "#corePriceDisplay_desktop_feature_div .a-offscreen",
    "#priceblock_dealprice", "#priceblock_ourprice", "#priceblock_saleprice",
    "#price_inside_buybox", "#newBuyBoxPrice", "#apex_desktop .a-offscreen",
    "#buybox .a-price .a-offscreen",
    "[id^=dmusic_digital_buy_button] .a-text-bold",  # digital music: "Buy MP3 Album $9.49"
)
# fmt: on
_ASIN = re.compile(r"/(?:dp|gp/product|product-reviews)/([A-Z0-9]{10})(?:[/?]|$)")
_IN_STOCK = re.compile(r"in stock|auf lager|en stock|disponible|disponibile|op voorraad", re.I)
_OUT_OF_STOCK = re.compile(r"unavailable|out of stock|nicht verfügbar|indisponible|non disponibile|no disponible", re.I)
_LEFT_IN_STOCK = re.compile(r"(?:only|nur noch|plus que|solo)\s+(\d+)\b", re.I)
#: "Dispatched from and sold by Amazon.", "Verkauf und Versand durch Amazon.", "Sold by Amazon.com".
_SOLD_BY_AMAZON = re.compile(
    r"(?:sold by|verkauf(?: und versand)? durch|vendu par|venduto da|vendido por)\s+(?:sold by\s+)?amazon\b", re.I
)
#: A buy box that is not the main offer (used, or a renewed variant).
_SECONDARY = "ancestor::*[@id='usedAccordionRow' or @id='usedBuySection']"


def parse_search(url: str, body: bytes | str) -> SearchPage:
    """Listings of a search page (``/s?k=...``) or a best-seller grid (``/zgbs/...``).

    A page with neither (a captcha, an empty result) gives an empty :class:`SearchPage`;
    :func:`crawler.pages.blocked.detect_block` tells the two apart.
    """
    sel = _selector(body)
    query = next(iter(parse_qs(urlsplit(url).query).get("k", [])), None)
    listings: dict[str, Listing] = {}
    for card in sel.css("div[data-component-type=s-search-result]"):
        listing = _search_card(card, url, query)
        if listing is not None:
            listings.setdefault(listing.listing_id, listing)
    for cell in sel.css("#gridItemRoot"):
        listing = _grid_cell(cell, url)
        if listing is not None:
            listings.setdefault(listing.listing_id, listing)
    nxt = sel.css("a.s-pagination-next::attr(href)").get() or sel.css("ul.a-pagination li.a-last a::attr(href)").get()
    return SearchPage(list(listings.values()), [], urljoin(url, nxt) if nxt else None)


def parse_product(url: str, body: bytes | str) -> list[Listing | Trader]:
    """A product page as ``[Listing]``, or ``[Listing, Trader]`` when the seller is named.

    A page without an ASIN or a title (not a product page) gives ``[]``.
    """
    sel = _selector(body)
    asin = sel.css("input#ASIN::attr(value)").get() or _asin(url)
    asin = asin or _asin(sel.css("link[rel=canonical]::attr(href)").get() or "")
    title = clean_title(_text(sel.css("#productTitle")) or _text(sel.css("#dmusicProductTitle_feature_div h1")))
    if not asin or not title:
        return []
    price, currency = None, None
    for css in _PRICE_SELECTORS:
        price, currency = parse_price(_text(sel.css(css)), _currency(url))
        if price is not None:
            break
    availability = _text(sel.css("#availability"))
    left = _LEFT_IN_STOCK.search(availability or "")
    trader = _seller(sel, url)
    listing = Listing(
        marketplace=site_key(url),
        listing_id=asin,
        url=_dp_url(url, asin),
        title=title,
        description=_bullets(sel),
        price=price,
        currency=currency,
        quantity_available=int(left.group(1)) if left else None,
        available=_available(availability),
        sku=asin,
        category_path=[
            t for t in (clean_title(x) for x in sel.css("#wayfinding-breadcrumbs_feature_div li a::text").getall()) if t
        ],
        image_urls=[
            u
            for u in [sel.css("#landingImage::attr(data-old-hires)").get() or sel.css("#landingImage::attr(src)").get()]
            if u
        ],
        seller_key=trader.seller_key if trader else None,
        platform=PLATFORM,
    )
    return [listing, trader] if trader else [listing]


def _search_card(card: Selector, url: str, query: str | None) -> Listing | None:
    asin = card.attrib.get("data-asin")
    title = clean_title(_text(card.css("h2")))
    if not asin or not title:
        return None
    price, currency = parse_price(card.css(".a-price:not(.a-text-price) .a-offscreen::text").get(), _currency(url))
    return Listing(
        marketplace=site_key(url),
        listing_id=asin,
        url=_dp_url(url, asin),
        title=title,
        price=price,
        currency=currency,
        sku=asin,
        image_urls=card.css("img.s-image::attr(src)").getall()[:1],
        search_query=query,
        platform=PLATFORM,
    )


def _grid_cell(cell: Selector, url: str) -> Listing | None:
    asin = cell.css("[data-asin]::attr(data-asin)").get() or cell.css(".p13n-sc-uncoverable-faceout::attr(id)").get()
    title = clean_title(_text(cell.css("[class*=line-clamp]")) or cell.css("img::attr(alt)").get())
    if not asin or not title:
        return None
    price, currency = parse_price(_text(cell.css("[class*=p13n-sc-price]")), _currency(url))
    return Listing(
        marketplace=site_key(url),
        listing_id=asin,
        url=_dp_url(url, asin),
        title=title,
        price=price,
        currency=currency,
        sku=asin,
        image_urls=cell.css("img::attr(src)").getall()[:1],
        platform=PLATFORM,
    )


def _seller(sel: Selector, url: str) -> Trader | None:
    """The merchant of the main buy box: a third-party seller by id, or Amazon itself."""
    link = next((a for a in sel.css("#sellerProfileTriggerId") if not a.xpath(_SECONDARY)), None)
    if link is not None:
        seller_id = (parse_qs(urlsplit(link.attrib.get("href", "")).query).get("seller") or [""])[0]
        name = clean_title(_text(link))
        if seller_id and name:
            host = urlsplit(url).hostname or "www.amazon.com"
            return Trader(
                marketplace=site_key(url),
                seller_key=seller_id,
                display_name=name,
                profile_url=f"https://{host}/sp?seller={seller_id}",
                platform=PLATFORM,
            )
    merchant = " ".join(
        _text(block) or ""
        for block in sel.css("#merchant-info, #merchantInfoFeature_feature_div, #tabular-buybox")
        if not block.xpath(_SECONDARY)
    )
    if _SOLD_BY_AMAZON.search(merchant):
        return Trader(marketplace=site_key(url), seller_key="amazon", display_name="Amazon", platform=PLATFORM)
    return None


def _available(text: str | None) -> bool | None:
    if not text:
        return None
    if _OUT_OF_STOCK.search(text):
        return False
    return True if _IN_STOCK.search(text) or _LEFT_IN_STOCK.search(text) else None


def _bullets(sel: Selector) -> str | None:
    lines = [clean_title(x) for x in sel.css("#feature-bullets li span::text").getall()]
    return "\n".join(line for line in lines if line) or None


def _currency(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return _CURRENCIES.get(host.split("amazon.", 1)[-1]) if "amazon." in host else None


def _asin(url: str) -> str | None:
    match = _ASIN.search(url)
    return match.group(1) if match else None


def _dp_url(url: str, asin: str) -> str:
    host = urlsplit(url).hostname or "www.amazon.com"
    return f"https://{host}/dp/{asin}"


def _text(nodes: Selector | SelectorList[Selector]) -> str | None:
    """The visible text of (the first of) ``nodes``, scripts and styles left out, folded."""
    first = nodes if isinstance(nodes, Selector) else (nodes[0] if nodes else None)
    if first is None:
        return None
    text = " ".join(first.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    return " ".join(text.split()) or None


def _selector(body: bytes | str) -> Selector:
    return Selector(text=body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
