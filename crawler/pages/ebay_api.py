"""eBay Browse API ``item_summary/search`` answers: ``(url, body)`` -> listings and sellers.

The API returns JSON, one ``itemSummaries`` entry per listing, and a ``next`` link to
the following page. An entry's ``itemId`` ("v1|334691749565|543843548440") names one
variation; ``legacyItemId`` (or the middle part of ``itemId``) is the item id of the
listing on eBay's web pages, so the API and the web crawl give the same ``listing_id``.
The marketplace is taken from the entry's web link ("ebay.com"), not from the API host.
``categories`` is not read: it lists the leaf first but the ancestors in no fixed order
("Screen Protectors", "Cell Phones & Accessories", "Cell Phone Accessories").

See https://developer.ebay.com/api-docs/buy/browse/resources/item_summary/methods/search
"""

from __future__ import annotations

from typing import Any

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages import PageError, load_json
from crawler.pages.ebay import SearchPage, item_id, item_url, percent, trader
from crawler.pages.text import clean_title
from crawler.sites import site_key

#: Browse API marketplace ids of the sites phytowatch crawls, for entries without a web link.
_MARKETPLACES = {
    "EBAY_US": "ebay.com", "EBAY_DE": "ebay.de", "EBAY_GB": "ebay.co.uk", "EBAY_FR": "ebay.fr",
    "EBAY_IT": "ebay.it", "EBAY_ES": "ebay.es", "EBAY_NL": "ebay.nl", "EBAY_AT": "ebay.at",
    "EBAY_CH": "ebay.ch", "EBAY_IE": "ebay.ie", "EBAY_PL": "ebay.pl", "EBAY_CA": "ebay.ca",
    "EBAY_AU": "ebay.com.au", "EBAY_BE": "ebay.be",
}  # fmt: skip


def parse_browse_search(url: str, body: bytes | str) -> SearchPage:
    """Listings, sellers and the next page of one Browse API ``item_summary/search`` answer.

    Variations of one listing (same legacy item id) give one listing, the first one.
    """
    data = load_json(body, "eBay Browse API search answer")
    if not isinstance(data, dict) or not isinstance(data.get("itemSummaries", []), list):
        raise PageError("eBay Browse API search answer has no itemSummaries list")
    page = SearchPage(next_page=data.get("next") or None)
    traders: dict[str, Trader] = {}
    for entry in data.get("itemSummaries", []):
        if not isinstance(entry, dict):
            continue
        listing = _listing(entry)
        if listing is None or any(x.listing_id == listing.listing_id for x in page.listings):
            continue
        seller = _seller(entry, listing.marketplace)
        if seller is not None:
            listing.seller_key = seller.seller_key
            traders.setdefault(seller.seller_key, seller)
        page.listings.append(listing)
    page.traders = list(traders.values())
    return page


def _listing(entry: dict[str, Any]) -> Listing | None:
    web_url = entry.get("itemWebUrl") or ""
    legacy = str(entry.get("legacyItemId") or "") or item_id(web_url)
    if not legacy:
        parts = str(entry.get("itemId") or "").split("|")
        legacy = parts[1] if len(parts) == 3 and parts[1].isdigit() else ""
    title = clean_title(entry.get("title"))
    if not legacy or not title:
        return None
    marketplace = (
        site_key(web_url) if web_url else _MARKETPLACES.get(entry.get("listingMarketplaceId", ""))
    ) or "ebay.com"
    price = entry.get("price") or {}
    amount, currency = parse_price(price.get("value"), price.get("currency"))
    image = (entry.get("image") or {}).get("imageUrl")
    location = entry.get("itemLocation") or {}
    return Listing(
        marketplace=marketplace,
        listing_id=legacy,
        url=item_url(marketplace, legacy),
        title=title,
        price=amount,
        currency=currency,
        condition=entry.get("condition") or None,
        image_urls=[image] if image else [],
        ships_from=country_code(location.get("country")),
        platform="ebay",
    )


def _seller(entry: dict[str, Any], marketplace: str) -> Trader | None:
    seller = entry.get("seller") or {}
    name = seller.get("username")
    if not name:
        return None
    score = seller.get("feedbackScore")
    pct = seller.get("feedbackPercentage")
    return trader(
        marketplace,
        str(name),
        feedback_count=int(score) if isinstance(score, (int, float)) else None,
        rating=percent(str(pct)) if pct is not None else None,
    )
