"""eBay item pages (``/itm/<id>``): ``(url, body)`` -> the listing and its seller.

Price, currency, category path, picture and availability come from the page's schema.org
Product (JSON-LD on the current layout, microdata on the 2020 "vi" layout), read by
:mod:`crawler.pages.schema_org`. What schema.org leaves out is read from the markup of
the two layouts:

* current (2023+): ``h1.x-item-title__mainTitle``, seller card ``.x-sellercard-atf``
  ("salomon0651", "(113)", "100% positive"), "Located in: Paris, France";
* 2020 "vi": ``#itemTitle``, ``#vi-itm-cond``, ``#qtySubTxt`` ("8 available"),
  "6,881 sold", seller ``.mbg-nw`` / ``.mbg-l a`` / ``#si-fb``, ``itemprop=availableAtOrFrom``.

The current layout's "43 items sold" belongs to the seller's store, not to the item,
and is therefore not read.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.pages import PageError
from crawler.pages.ebay import (
    check_blocked,
    count,
    item_id,
    item_url,
    located_in,
    percent,
    quantity_sold,
    trader,
)
from crawler.pages.schema_org import parse_product_page
from crawler.pages.text import clean_title
from crawler.sites import site_key

#: "8 available", "1 disponible", "3 disponibili", "5 verfügbar" (not "More than 10 available").
_AVAILABLE = re.compile(r"^\s*(\d[\d.,]*)\s+(?:available|disponibles?|disponibili|verfügbar)\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")


def parse_item(url: str, body: bytes | str) -> list[Listing | Trader]:
    """The listing of an eBay item page, followed by its seller when the page names one.

    Raises :class:`PageError` for the bot wall or a page without an item id or title.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text)
    check_blocked(sel)
    marketplace = site_key(url)
    listing_id = item_id(url) or _page_item_id(sel)
    if listing_id is None:
        raise PageError(f"no eBay item id in {url}")
    found = [i for i in parse_product_page(url, text, marketplace=marketplace) if isinstance(i, Listing)]
    schema = found[0] if found else None
    title = _title(sel) or (schema.title if schema else None)
    if not title:
        raise PageError(f"eBay item page without a title: {url}")
    listing = Listing(
        marketplace=marketplace,
        listing_id=listing_id,
        url=item_url(marketplace, listing_id),
        title=title,
        sku=listing_id,
        platform="ebay",
    )
    if schema is not None:
        listing.price, listing.currency = schema.price, schema.currency
        listing.available = schema.available
        listing.category_path = schema.category_path
        listing.image_urls = schema.image_urls
        listing.ships_from = schema.ships_from
        listing.condition = schema.condition
    listing.condition = _condition(sel) or listing.condition
    listing.ships_from = _ships_from(sel) or listing.ships_from
    available = " ".join(sel.css("#qtySubTxt ::text").getall())
    if match := _AVAILABLE.match(" ".join(available.split())):
        listing.quantity_available = count(match.group(1))
    listing.quantity_sold = quantity_sold(" ".join(sel.css(".vi-qtyS-hot-red ::text").getall()))
    seller = _seller(sel, marketplace)
    if seller is not None:
        listing.seller_key = seller.seller_key
        return [listing, seller]
    return [listing]


def _page_item_id(sel: Selector) -> str | None:
    canonical = sel.css("link[rel=canonical]::attr(href)").get()
    return item_id(canonical) or sel.css("#descItemNumber::text").get()


def _title(sel: Selector) -> str | None:
    # 2020: <h1 id="itemTitle"><span class="g-hdn">Details about </span>Title<span>...</span>
    old = " ".join(sel.css("#itemTitle::text").getall())
    new = sel.css("h1.x-item-title__mainTitle .ux-textspans::text").get()
    return clean_title(old) or clean_title(new)


def _condition(sel: Selector) -> str | None:
    text = (
        sel.css("#vi-itm-cond::text").get()
        or sel.css(".x-item-condition-text .ux-textspans::text, .x-item-condition-value .ux-textspans::text").get()
    )
    return clean_title(text)


def _ships_from(sel: Selector) -> str | None:
    place = sel.css("[itemprop=availableAtOrFrom]::text").get()
    if place and (code := country_code(place)):
        return code
    for line in sel.xpath("//body//*[not(self::script)]/text()[starts-with(normalize-space(), 'Located in')]").getall():
        if code := located_in(line):
            return code
    return None


def _seller(sel: Selector, marketplace: str) -> Trader | None:
    card = sel.css(".x-sellercard-atf")
    if card:  # current layout
        name = card.css(".x-sellercard-atf__info__about-seller a .ux-textspans::text").get()
        score = " ".join(card.css(".x-sellercard-atf__about-seller-item ::text").getall())
        positive = " ".join(card.css(".x-sellercard-atf__data-item ::text").getall())
    else:  # 2020 "vi" layout
        name = sel.css(".mbg-nw::text").get()
        score = sel.css(".mbg-l a::text").get() or ""
        positive = " ".join(sel.css("#si-fb::text").getall())
    if not name or not name.strip():
        return None
    digits = re.search(r"\d[\d.,]*\s*[KkMm]?", score)
    rating = _PERCENT.search(positive)
    return trader(
        marketplace,
        name.strip(),
        feedback_count=count(digits.group(0)) if digits else None,
        rating=percent(rating.group(1)) if rating else None,
    )
