"""The two things phytowatch harvests, listings and the traders who publish them, and sightings.

A :class:`Sighting` is not harvested: it says that a listing the store knows was
seen again by a crawl that chose not to read its page (the recrawl policy).

Items are plain dataclasses so that page modules, pipelines, the store and the
exports share one typed vocabulary, and so that Scrapy (through itemadapter)
can carry them without a separate ``scrapy.Item`` declaration.

Conventions every page module follows:

* ``marketplace`` is a stable key of the site the listing lives on: ``"ebay.de"``,
  ``"etsy.com"`` or, for an independent shop, the shop itself
  (``"greenthumb.example"``; see :func:`crawler.sites.site_key`).
* countries are ISO 3166-1 alpha-2 codes (``"DE"``), currencies ISO 4217 (``"EUR"``).
* ``fetched_at`` is an ISO 8601 UTC timestamp.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any


def utc_now() -> str:
    """Current time as the ISO 8601 UTC string stored everywhere in phytowatch."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Trader:
    """A seller on one marketplace, or an independent shop (then the shop is the trader)."""

    marketplace: str
    seller_key: str
    display_name: str | None = None
    profile_url: str | None = None
    country: str | None = None
    #: Number of feedback ratings the seller has received (eBay "(113)").
    feedback_count: int | None = None
    #: Seller rating normalised to 0..1 (eBay 99.5 % positive -> 0.995; 4.8 of 5 stars -> 0.96).
    rating: float | None = None
    shop_website: str | None = None
    #: Software or marketplace family: "shopify", "woocommerce", "schema.org", "ebay", ...
    platform: str | None = None
    #: True when the page says the seller is a private person, not a business (leboncoin "private").
    #: Contact details found in a private person's listings are kept only as digests (docs/traders.md).
    private: bool | None = None
    fetched_at: str = field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Listing:
    """One offer of goods as published by a trader."""

    marketplace: str
    listing_id: str
    url: str
    title: str
    description: str | None = None
    price: float | None = None
    currency: str | None = None
    #: Units still on offer, where the page says so.
    quantity_available: int | None = None
    #: Units already sold, where the page says so (eBay "23 sold").
    quantity_sold: int | None = None
    #: In stock / purchasable right now, where the page says so.
    available: bool | None = None
    condition: str | None = None
    sku: str | None = None
    category_path: list[str] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)
    ships_from: str | None = None
    ships_to: list[str] = field(default_factory=list)
    #: ``Trader.seller_key`` of the trader on the same marketplace.
    seller_key: str | None = None
    #: The search query (or shop) that led the crawl to this listing.
    search_query: str | None = None
    language: str | None = None
    platform: str | None = None
    #: True when read from the listing's own page rather than a search card (the recrawl policy's clock).
    item_page: bool = False
    #: The address the crawl asked for to read this page, when it is not ``url`` (a sitemap entry that
    #: redirects to the product's own address): how the next crawl recognises the page before fetching it.
    page_url: str | None = None
    fetched_at: str = field(default_factory=utc_now)
    #: The classifier's verdict (``Classification.to_dict()``), set by the classify stage.
    classification: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def text(self) -> str:
        """Title and description as the one text the classifier reads."""
        return listing_text(self.title, self.description)


@dataclass
class Sighting:
    """A stored listing seen again without its page being read: recorded as seen again, unchanged.

    A sitemap names a shop's product pages; the recrawl policy may say a known
    listing's page is not worth fetching tonight. The listing is still on offer, so
    it must count as seen (or it would be counted missing, then delisted). It
    carries only the listing's identity, so the store can change nothing but the
    sighting (``last_seen``, ``times_seen``, ``missed_runs``), and nothing is
    classified again from less text than the stored listing had.
    """

    marketplace: str
    listing_id: str
    #: Its trader (as stored), whose ``last_seen`` moves with it.
    seller_key: str | None = None
    fetched_at: str = field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def listing_text(title: str | None, description: str | None) -> str:
    """Join title and description the way classifier offsets are counted.

    The title comes first, then a newline, then the description; a span with
    ``start < len(title)`` is therefore in the title.
    """
    title = title or ""
    return f"{title}\n{description}" if description else title
