"""leboncoin.fr search pages, read from the ads embedded in ``__NEXT_DATA__``.

A leboncoin search page is a Next.js page: the ads it shows are in
``<script id="__NEXT_DATA__">`` at ``props.pageProps.searchData.ads``, each with
``list_id``, ``subject``, ``body``, ``price`` (``[4]``, euros), ``location``, ``images``,
``attributes`` and ``owner``.

Sellers: a professional (``owner.type == "pro"``) is a shop and becomes a Trader keyed by
its ``store_id``, with its name, shop link and rating. A private person
(``owner.type == "private"``) is kept to what a follow-up needs and nothing more: the
name as shown on the ad and the ``user_id`` (the key); no rating, picture or location of
the person is stored.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.price import parse_price
from crawler.pages import PageError, load_json
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title

logger = logging.getLogger(__name__)

PLATFORM = "leboncoin"
MARKETPLACE = "leboncoin.fr"
BASE_URL = "https://www.leboncoin.fr"

# fmt: off
#: leboncoin's ``condition`` attribute -> Listing.condition.
_CONDITIONS = {"neuf": "new", "etatneuf": "new", "tresbonetat": "used", "bonetat": "used",
               "etatsatisfaisant": "used", "pourpieces": "for parts"}
# fmt: on


def parse_search(url: str, body: bytes | str) -> SearchPage:
    """The ads of a leboncoin search page, in the order shown; see the module doc.

    Raises :class:`PageError` for a page without ``__NEXT_DATA__`` (a captcha or block
    page), so that the spider counts it instead of reading it as "no results".
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    script = Selector(text=text).css("script#__NEXT_DATA__::text").get()
    if not script:
        raise PageError(f"no __NEXT_DATA__ script on {url}")
    data = load_json(script, "leboncoin __NEXT_DATA__")
    search = _path(data, "props", "pageProps", "searchData")
    ads = search.get("ads") if isinstance(search, dict) else None
    if not isinstance(ads, list):
        raise PageError(f"no searchData.ads in __NEXT_DATA__ on {url}")
    page = parse_ads(ads, url)
    page.next_page = _next_page(url, search, len(ads))
    return page


def parse_ads(ads: list[dict[str, Any]], url: str) -> SearchPage:
    """Listings and traders of a list of leboncoin ads (``searchData.ads``) found on ``url``."""
    listings: list[Listing] = []
    traders: dict[str, Trader] = {}
    for ad in ads:
        listing_id = str(ad.get("list_id") or "")
        title = clean_title(ad.get("subject"))
        if not listing_id or not title:
            logger.info("drop_item/no_title: leboncoin ad without id or subject on %s", url)
            continue
        trader = _trader(ad.get("owner"))
        if trader:
            traders.setdefault(trader.seller_key, trader)
        prices = ad.get("price") or []
        price, currency = parse_price(prices[0] if prices else None, "EUR")
        location = ad.get("location") or {}
        attributes = _attributes(ad)
        images = (ad.get("images") or {}).get("urls") or []
        category = ad.get("category_name")
        listings.append(
            Listing(
                marketplace=MARKETPLACE,
                listing_id=listing_id,
                url=urljoin(BASE_URL, ad.get("url") or f"/ad/{listing_id}"),
                title=title,
                description=(ad.get("body") or "").strip() or None,
                price=price or None,  # leboncoin writes "price on request" as no price or 0
                currency=currency if price else None,
                available=ad.get("status") == "active" if ad.get("status") else None,
                condition=_CONDITIONS.get(attributes.get("condition", "")),
                category_path=[category] if isinstance(category, str) else [],
                image_urls=[image for image in images if isinstance(image, str)],
                ships_from=(attributes.get("country_isocode3166") or location.get("country_id") or None),
                seller_key=trader.seller_key if trader else None,
                language="fr",
                platform=PLATFORM,
            )
        )
    return SearchPage(listings=listings, traders=list(traders.values()), next_page=None)


def _trader(owner: Any) -> Trader | None:
    if not isinstance(owner, dict):
        return None
    name = clean_title(owner.get("name"))
    if owner.get("type") == "pro" and owner.get("store_id"):
        return Trader(
            marketplace=MARKETPLACE,
            seller_key=str(owner["store_id"]),
            display_name=name,
            profile_url=f"{BASE_URL}/boutique/{owner['store_id']}",
            country="FR",
            platform=PLATFORM,
            private=False,
        )
    if owner.get("user_id"):  # a private person: name as shown and the id, nothing else
        return Trader(
            marketplace=MARKETPLACE,
            seller_key=str(owner["user_id"]),
            display_name=name,
            platform=PLATFORM,
            private=True,
        )
    return None


def _attributes(ad: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for attribute in ad.get("attributes") or []:
        if isinstance(attribute, dict) and attribute.get("key") and attribute.get("value"):
            found.setdefault(str(attribute["key"]), str(attribute["value"]))
    return found


def _next_page(url: str, search: dict[str, Any], shown: int) -> str | None:
    """``?page=N+1`` while ``max_pages`` (else the ``total`` count) says more ads follow."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    page = int(query["page"]) if re.fullmatch(r"\d+", query.get("page", "")) else 1
    max_pages, total = search.get("max_pages"), search.get("total")
    if isinstance(max_pages, int):
        more = page < max_pages
    else:
        more = isinstance(total, int) and page * shown < total
    if not shown or not more:
        return None
    query["page"] = str(page + 1)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _path(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
