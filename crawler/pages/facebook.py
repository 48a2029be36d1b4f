"""Facebook Marketplace search and listing pages (logged-out HTML with embedded Relay JSON).

The listings are not in the markup but in ``<script type="application/json">`` blocks
that Facebook's Relay client reads: a search page holds ``marketplace_search`` feed units
whose ``node.listing`` is a listing; a listing page holds the listing as
``marketplace_product_details_page.target`` (plus a feed of other listings, ignored).

The seller is a person or a page: ``marketplace_listing_seller.id`` is the key (the
``pfbid...`` form logged-out pages show) and the name is kept as shown, so that an
officer can find the profile; nothing else about a private person is stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title

logger = logging.getLogger(__name__)

PLATFORM = "facebook"
MARKETPLACE = "facebook.com/marketplace"
ITEM_URL = "https://www.facebook.com/marketplace/item/{}/"

Node = dict[str, Any]


def parse_search(url: str, body: bytes | str, *, currency: str | None = None) -> SearchPage:
    """The listings of a Marketplace search or category page, in feed order.

    ``currency`` is the currency of the place searched; search results only carry a
    formatted price ("$4,500"), whose symbol is read with it as a tie-breaker (default
    US dollars for "$"). Facebook loads further pages by a GraphQL cursor, not a link,
    so ``next_page`` is always ``None``.
    """
    listings: dict[str, Listing] = {}
    traders: dict[str, Trader] = {}
    for data in _json_blocks(body):
        for search in _find(data, "marketplace_search"):
            for edge in _edges(search):
                node = edge.get("node")
                listing = node.get("listing") if isinstance(node, dict) else None
                if isinstance(listing, dict):
                    _add(listing, url, currency, listings, traders)
    return SearchPage(list(listings.values()), list(traders.values()), None)


def parse_listing(url: str, body: bytes | str) -> list[Listing | Trader]:
    """The listing of a Marketplace item page (``/marketplace/item/<id>/``) and its seller.

    A page without the listing (a login wall, a removed item) gives ``[]``.
    """
    listings: dict[str, Listing] = {}
    traders: dict[str, Trader] = {}
    photos: dict[str, list[str]] = {}
    for data in _json_blocks(body):
        for page in _find(data, "marketplace_product_details_page"):
            target = page.get("target") if isinstance(page, dict) else None
            if isinstance(target, dict) and target.get("marketplace_listing_title"):
                _add(target, url, None, listings, traders)
        for node in _find_parents(data, "listing_photos"):
            uris = [
                photo["image"]["uri"]
                for photo in node["listing_photos"] or []
                if isinstance(photo, dict) and isinstance((photo.get("image") or {}).get("uri"), str)
            ]
            if node.get("id") and uris:
                photos.setdefault(str(node["id"]), uris)
    for listing in listings.values():  # the full-size pictures come in a separate query
        listing.image_urls = photos.get(listing.listing_id) or listing.image_urls
    if not listings:
        logger.info("drop_item/no_listing: no Marketplace listing on %s", url)
    return [*listings.values(), *traders.values()]


def _add(
    node: Node,
    url: str,
    currency: str | None,
    listings: dict[str, Listing],
    traders: dict[str, Trader],
) -> None:
    listing_id = str(node.get("id") or "")
    title = clean_title(node.get("marketplace_listing_title") or node.get("custom_title"))
    if not listing_id or not title:
        logger.info("drop_item/no_title: Marketplace listing without id or title on %s", url)
        return
    trader = _trader(node.get("marketplace_listing_seller"))
    if trader:
        traders.setdefault(trader.seller_key, trader)
    price, code = _price(node, currency)
    photo = (node.get("primary_listing_photo") or {}).get("image") or {}
    description = (node.get("redacted_description") or {}).get("text")
    condition = node.get("condition")
    listings.setdefault(
        listing_id,
        Listing(
            marketplace=MARKETPLACE,
            listing_id=listing_id,
            url=ITEM_URL.format(listing_id),
            title=title,
            description=description.strip() or None if isinstance(description, str) else None,
            price=price,
            currency=code,
            available=_available(node),
            condition=condition.casefold() if isinstance(condition, str) else None,
            image_urls=[photo["uri"]] if isinstance(photo.get("uri"), str) else [],
            ships_from=_country(node),
            seller_key=trader.seller_key if trader else None,
            platform=PLATFORM,
        ),
    )


def _price(node: Node, currency: str | None) -> tuple[float | None, str | None]:
    """``listing_price.amount`` in its currency; else the formatted price ("$4,500", "Free")."""
    price = node.get("listing_price") or {}
    formatted = price.get("formatted_amount") or (node.get("formatted_price") or {}).get("text")
    if price.get("currency") and price.get("amount") is not None:
        amount, code = parse_price(price["amount"], price["currency"])
        if amount:  # Facebook writes a give-away ("Free") as 0.00: no price, not zero
            return amount, code
        return None, None
    return parse_price(formatted, currency)


def _available(node: Node) -> bool | None:
    if node.get("is_sold") or node.get("is_pending"):
        return False
    return True if node.get("is_live") else None


def _country(node: Node) -> str | None:
    """Country of ``location.reverse_geocode`` ("Epping", "NH" -> US) or ``location_text``."""
    geo = (node.get("location") or {}).get("reverse_geocode") or {}
    page = (geo.get("city_page") or {}).get("display_name")
    for text in (
        f"{geo.get('city')}, {geo.get('state')}" if geo.get("state") else None,
        page,
        (node.get("location_text") or {}).get("text"),
    ):
        if text and (code := country_code(text)):
            return code
    return None


def _trader(seller: Any) -> Trader | None:
    if not isinstance(seller, dict) or not seller.get("id"):
        return None
    stats = (seller.get("marketplace_ratings_stats_by_role") or {}).get("seller_stats") or {}
    count = stats.get("five_star_total_rating_count_by_role")
    average = stats.get("five_star_ratings_average")
    rated = isinstance(count, int) and count > 0 and isinstance(average, (int, float))
    rating = round(float(average) / 5, 4) if rated and average is not None else None
    return Trader(
        marketplace=MARKETPLACE,
        seller_key=str(seller["id"]),
        display_name=clean_title(seller.get("name")),
        profile_url=f"https://www.facebook.com/marketplace/profile/{seller['id']}/",
        feedback_count=count if rated else None,
        rating=rating,
        platform=PLATFORM,
    )


def _json_blocks(body: bytes | str) -> Iterator[Any]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    for script in Selector(text=text).xpath('//script[@type="application/json"]/text()').getall():
        if "marketplace" not in script:
            continue
        try:
            yield json.loads(script)
        except ValueError:
            continue


def _find(data: Any, key: str) -> Iterator[Any]:
    """Every value stored under ``key`` anywhere in a JSON document."""
    for node in _find_parents(data, key):
        yield node[key]


def _find_parents(data: Any, key: str) -> Iterator[Node]:
    """Every object that has ``key``, anywhere in a JSON document."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if key in value:
                yield value
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))


def _edges(search: Any) -> list[Node]:
    units = search.get("feed_units") if isinstance(search, dict) else None
    edges = units.get("edges") if isinstance(units, dict) else None
    return [edge for edge in edges or [] if isinstance(edge, dict)]
