"""eBay search result pages: ``(url, body)`` -> the listings and sellers on one results page.

Two generations of result markup are read:

* ``li.s-card`` (2025 onwards): title, condition subtitle, price, then "attribute rows"
  ("Located in China", "1,234 sold", "seller 99.1% positive (5.1K)");
* ``li.s-item`` (until 2025): the same facts in ``s-item__*`` spans (sellers not read:
  the saved page of this markup shows none).

eBay pads every results page with "Shop on eBay" ghost cards linking to item ``123456``;
they are skipped, as are repeats of a listing (eBay shows some items twice, once in a
carousel). The bot wall ("Pardon Our Interruption...") raises :class:`PageError` so that
a blocked crawl is never mistaken for a search without results.

Item pages live in :mod:`crawler.pages.ebay_item`, Browse API answers in
:mod:`crawler.pages.ebay_api`; the helpers shared by the three are here.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages import PageError
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title
from crawler.sites import site_key

#: The item id of eBay's "Shop on eBay" placeholder cards.
PLACEHOLDER_ID = "123456"
#: ``/itm/123456789012`` or ``/itm/some-title-slug/123456789012``.
_ITEM_ID = re.compile(r"/itm/(?:[^/?#]+/)?(\d{6,19})(?:[/?#]|$)")
#: Currency of a site, for prices written with a bare "$".
_SITE_CURRENCY = {
    "ebay.com": "USD", "ebay.ca": "CAD", "ebay.com.au": "AUD", "ebay.co.uk": "GBP",
    "ebay.ie": "EUR", "ebay.de": "EUR", "ebay.at": "EUR", "ebay.fr": "EUR", "ebay.it": "EUR",
    "ebay.es": "EUR", "ebay.nl": "EUR", "ebay.be": "EUR", "ebay.ch": "CHF", "ebay.pl": "PLN",
}  # fmt: skip
#: "1,234 sold", "6.698+ verkauft", "54개 이상 판매됨", "12 vendus", "3 venduti".
_SOLD = re.compile(
    r"(\d[\d.,\u00a0\u202f]*)\+?\s*(?:items?\s+)?(?:sold|verkauft|vendus?|venduti|vendidos?|"
    r"개\s*(?:이상\s*)?판매됨)",
    re.IGNORECASE,
)
#: "Located in United States", "Located in: Paris, France", "aus China", "출발지 일본".
_LOCATED = re.compile(r"^\s*(?:Located in|Item location|Standort|aus|From|출발지)\s*:?\s+(.+)$", re.IGNORECASE)
#: "jlabllc 99.1% positive (5.1K)" (one or two spans; the seller name has no spaces).
_SELLER = re.compile(r"(?P<name>\S+)\s+(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%\s*[^\d()]*\((?P<count>\d[\d.,]*\s*[KkMm]?)\)")


def parse_search(url: str, body: bytes | str) -> SearchPage:
    """Listings, sellers and the next-page link of an eBay search results page.

    Raises :class:`PageError` for eBay's bot wall instead of returning an empty page.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text)
    check_blocked(sel)
    marketplace = site_key(url)
    page = SearchPage()
    seen: set[str] = set()
    traders: dict[str, Trader] = {}
    # Cards outside carousels first: a carousel repeats listings with fewer details.
    found_cards = sel.css("li.s-card, li.s-item")
    cards = [c for c in found_cards if not _in_carousel(c)] + [c for c in found_cards if _in_carousel(c)]
    for card in cards:
        if "s-card" in card.attrib.get("class", "").split():
            found = _s_card(card, marketplace)
        else:
            found = _s_item(card, marketplace)
        if found is None or found[0].listing_id in seen:
            continue
        listing, trader = found
        seen.add(listing.listing_id)
        page.listings.append(listing)
        if trader is not None:
            traders.setdefault(trader.seller_key, trader)
    page.traders = list(traders.values())
    next_link = sel.css("a.pagination__next")
    href = next_link.attrib.get("href") if next_link else None
    if href and next_link.attrib.get("aria-disabled") != "true":
        page.next_page = urljoin(url, href)
    return page


def check_blocked(sel: Selector) -> None:
    """Raise :class:`PageError` when the page is eBay's "Pardon Our Interruption" bot wall."""
    title = " ".join(sel.css("title::text").getall())
    if "Pardon Our Interruption" in title:
        raise PageError("blocked: eBay bot wall 'Pardon Our Interruption'")


def item_id(url: str | None) -> str | None:
    """The eBay item id in an item link (``https://www.ebay.de/itm/144278067683?hash=...``)."""
    match = _ITEM_ID.search(url or "")
    return match.group(1) if match else None


def item_url(marketplace: str, listing_id: str) -> str:
    """The canonical link of an item: ``https://www.ebay.de/itm/144278067683``."""
    return f"https://www.{marketplace}/itm/{listing_id}"


def site_currency(marketplace: str) -> str | None:
    """The currency a site's prices are in when written with a bare symbol ("$")."""
    return _SITE_CURRENCY.get(marketplace)


def located_in(text: str | None) -> str | None:
    """Country code of "Located in: Shenzhen, China", "aus China", "출발지 일본"; else ``None``."""
    match = _LOCATED.match(text or "")
    return country_code(match.group(1)) if match else None


def count(text: str) -> int | None:
    """An integer as eBay abbreviates it: "1,234" / "1.234" -> 1234, "5.1K" -> 5100."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    match = re.fullmatch(r"(\d[\d.,]*)([KkMm]?)", text)
    if not match:
        return None
    number, suffix = match.groups()
    if suffix:
        value = float(number.replace(",", "."))
        return round(value * (1000 if suffix in "Kk" else 1_000_000))
    return int(re.sub(r"\D", "", number))


def quantity_sold(text: str) -> int | None:
    """Units sold of "1,234 sold", "6.698+ verkauft", "425개 판매됨"; else ``None``."""
    match = _SOLD.search(text)
    return count(match.group(1)) if match else None


def percent(text: str) -> float | None:
    """ "99.1" or "99,6" (percent positive feedback) as a rating between 0 and 1."""
    try:
        return round(float(text.replace(",", ".")) / 100, 4)
    except ValueError:
        return None


def trader(marketplace: str, name: str, *, feedback_count: int | None, rating: float | None) -> Trader:
    """An eBay seller; the key is the user name in lower case (eBay names are case-blind)."""
    return Trader(
        marketplace=marketplace,
        seller_key=name.lower(),
        display_name=name,
        profile_url=f"https://www.{marketplace}/usr/{name}",
        feedback_count=feedback_count,
        rating=rating,
        platform="ebay",
    )


def _in_carousel(card: Selector) -> bool:
    return bool(card.xpath("ancestor::*[contains(@class, 'carousel')]"))


def _texts(node: Selector | list[Selector], query: str = "::text") -> str:
    nodes = node if isinstance(node, list) else [node]
    parts = [t.strip() for n in nodes for t in n.css(query).getall()]
    return " ".join(t for t in parts if t)


def _s_card(card: Selector, marketplace: str) -> tuple[Listing, Trader | None] | None:
    """One ``li.s-card`` (2025+ markup)."""
    listing_id = item_id(card.css("a.s-card__link::attr(href)").get())
    title = clean_title(_texts(card.css(".s-card__title span:not(.clipped)")))
    if not listing_id or listing_id == PLACEHOLDER_ID or not title:
        return None
    price, currency = parse_price(card.css(".s-card__price::text").get(), site_currency(marketplace))
    subtitles = card.css(".s-card__subtitle")
    listing = Listing(
        marketplace=marketplace,
        listing_id=listing_id,
        url=item_url(marketplace, listing_id),
        title=title,
        price=price,
        currency=currency,
        condition=_texts(subtitles[-1]) or None if subtitles else None,
        image_urls=_image(card, "img.s-card__image"),
        platform="ebay",
    )
    seller: Trader | None = None
    for row in card.css(".s-card__attribute-row"):
        text = _texts(row)
        if listing.ships_from is None and (country := located_in(text)):
            listing.ships_from = country
        elif listing.quantity_sold is None and (sold := quantity_sold(text)) is not None:
            listing.quantity_sold = sold
        elif seller is None and (match := _SELLER.search(text)):
            seller = trader(
                marketplace, match["name"], feedback_count=count(match["count"]), rating=percent(match["pct"])
            )
            listing.seller_key = seller.seller_key
    return listing, seller


def _s_item(card: Selector, marketplace: str) -> tuple[Listing, Trader | None] | None:
    """One ``li.s-item`` (markup until 2025)."""
    listing_id = item_id(card.css("a.s-item__link::attr(href)").get())
    title_spans = card.css(".s-item__title ::text").getall()
    prefix = card.css(".s-item__title .LIGHT_HIGHLIGHT ::text, .s-item__title .clipped ::text")
    for skip in prefix.getall():  # "Neues Angebot" / "New listing" is not part of the title
        title_spans.remove(skip)
    title = clean_title(" ".join(title_spans))
    if not listing_id or listing_id == PLACEHOLDER_ID or not title:
        return None
    price, currency = parse_price(_texts(card.css(".s-item__price")), site_currency(marketplace))
    condition = card.css(
        ".s-item__subtitle .SECONDARY_INFO::text, .s-item__normalizedCondition .SECONDARY_INFO::text"
    ).get()
    listing = Listing(
        marketplace=marketplace,
        listing_id=listing_id,
        url=item_url(marketplace, listing_id),
        title=title,
        price=price,
        currency=currency,
        condition=clean_title(condition),
        quantity_sold=quantity_sold(_texts(card.css(".s-item__quantitySold, .s-item__hotness"))),
        ships_from=located_in(_texts(card.css(".s-item__location, .s-item__itemLocation"))),
        image_urls=_image(card, "img.s-item__image-img"),
        platform="ebay",
    )
    # The saved legacy page (ebay.de 2022) shows no seller; its seller markup is not read.
    return listing, None


def _image(card: Selector, query: str) -> list[str]:
    """The card's picture; lazy-loaded ones keep theirs in ``data-src`` / ``data-defer-load``."""
    img = card.css(query)
    if not img:
        return []
    for attr in ("data-defer-load", "data-src", "src"):
        src = img.attrib.get(attr)
        if src and src.startswith("http") and "ebaystatic.com" not in src:
            return [src]
    return []
