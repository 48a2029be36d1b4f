"""Craigslist search pages and postings.

Craigslist hides who posts: a posting shows no seller name, and its "more ads by this
user" link (``/search/sss?userpostingid=<posting id>``) is keyed by the posting, not by
a stable account. So these functions return **no Trader** and leave
``Listing.seller_key`` as ``None``; a made-up key per posting would look like a trader
to the store and the review queue without telling an officer anything. The link to the
poster's other ads is given by :func:`other_postings_url` so that a spider can follow it.

Where the goods are comes from the page (schema.org ``addressCountry``, the
``geo.region`` meta, the site list Craigslist embeds), and only when the page says
nothing from the site's host: ``birmingham.craigslist.org`` is in England.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from crawler.items import Listing, Trader
from crawler.normalise.country import country_code
from crawler.normalise.price import parse_price
from crawler.pages.search import SearchPage
from crawler.pages.text import clean_title, html_to_text

logger = logging.getLogger(__name__)

PLATFORM = "craigslist"
MARKETPLACE = "craigslist.org"

# fmt: off
#: Craigslist sites outside the United States, by host name, for pages that do not say
#: the country themselves. Hosts not listed here are read as US sites only when the
#: page does not contradict it.
_HOST_COUNTRY: dict[str, str] = {
    **dict.fromkeys((
        "aberdeen", "bath", "belfast", "birmingham", "brighton", "bristol", "cambridgeuk",
        "cardiff", "coventry", "derby", "devon", "dundee", "eastmids", "edinburgh", "essex",
        "glasgow", "hampshire", "kent", "leeds", "liverpool", "london", "manchester",
        "newcastle", "nottingham", "oxford", "sheffield",
    ), "GB"),
    **dict.fromkeys((
        "toronto", "vancouver", "montreal", "calgary", "edmonton", "ottawa", "winnipeg",
        "halifax", "victoria", "quebec", "saskatoon", "regina", "hamilton", "kitchener",
    ), "CA"),
    **dict.fromkeys(("sydney", "melbourne", "brisbane", "perth", "adelaide"), "AU"),
    "dublin": "IE", "auckland": "NZ", "berlin": "DE", "paris": "FR", "amsterdam": "NL",
}
#: Currency of each country Craigslist prices in, for prices written with a bare symbol.
_CURRENCY = {"US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "IE": "EUR",
             "DE": "EUR", "FR": "EUR", "NL": "EUR"}
# fmt: on
_POSTING_ID = re.compile(r"/(\d{6,})\.html")
_PAGE_RANGE = re.compile(r"(\d[\d,]*)\s*-\s*(\d[\d,]*)\s+of\s+(>?)\s*(\d[\d,]*)")


def parse_search(url: str, body: bytes | str) -> SearchPage:
    """The postings of a search page (``/search/sss?query=...``), in the order shown.

    Each result gives id, link, title, price, the area shown next to it and its first
    picture; the JSON-LD list the page also carries (``ld_searchpage_results``) adds the
    full picture list and the region for results with the same title. ``next_page`` is
    the static-page link Craigslist serves without JavaScript (``?s=120``), built from
    the "1 - 120 of 10,000" counter; ``None`` on the last page.
    """
    sel = _selector(body)
    country = _site_country(url, sel)
    currency = _CURRENCY.get(country or "")
    by_title = _ld_results(sel)
    listings: list[Listing] = []
    seen: set[str] = set()
    for result in sel.css("li.cl-search-result, li.cl-static-search-result"):
        link = result.css("a.posting-title::attr(href), a::attr(href)").get()
        link = urljoin(url, link) if link else None
        match = _POSTING_ID.search(link or "")
        posting_id = result.attrib.get("data-pid") or (match.group(1) if match else None)
        title = clean_title(result.attrib.get("title") or result.css(".label::text, .title::text").get())
        if not (posting_id and link and title):
            logger.info("drop_item/no_id: Craigslist result without id, link or title on %s", url)
            continue
        if posting_id in seen:
            continue
        seen.add(posting_id)
        ld = by_title.get(title, {})
        price, code = parse_price(result.css(".priceinfo::text, .price::text").get(), currency)
        shown = [src for src in result.css("img::attr(src)").getall() if src.startswith("http")]
        listings.append(
            Listing(
                marketplace=MARKETPLACE,
                listing_id=posting_id,
                url=link,
                title=title,
                price=price,
                currency=code if price is not None else None,
                image_urls=_ld_images(ld) or shown,
                ships_from=_ld_country(ld) or country,
                platform=PLATFORM,
            )
        )
    return SearchPage(listings=listings, traders=[], next_page=_next_page(url, sel))


def parse_posting(url: str, body: bytes | str) -> list[Listing | Trader]:
    """A posting page (``/<area>/<cat>/d/<slug>/<id>.html``) as ``[Listing]``; see module doc.

    Title, price and pictures come from the posting's JSON-LD where it has one, else
    from the page; a posting without a price ("call for pricing") has ``price=None``.
    The description is the posting body without Craigslist's QR-code caption, the
    condition the "condition:" attribute, the category the breadcrumb. A page that is
    not a posting gives ``[]``.
    """
    sel = _selector(body)
    canonical = sel.css('link[rel="canonical"]::attr(href)').get() or url
    posting_id = _posting_id(sel, canonical)
    title = clean_title(sel.css("#titletextonly::text").get()) or clean_title(_ld_posting(sel).get("name"))
    if not (posting_id and title):
        logger.info("drop_item/not_a_posting: no Craigslist posting id or title on %s", url)
        return []
    ld = _ld_posting(sel)
    country = _ld_country(ld) or _region_country(sel) or _site_country(canonical, sel)
    offer = ld.get("offers")
    offer = offer if isinstance(offer, dict) else {}
    price, currency = parse_price(offer.get("price"), offer.get("priceCurrency"))
    if price is None:
        price, currency = parse_price(sel.css(".postingtitletext .price::text").get(), _CURRENCY.get(country or ""))
    attributes = _attributes(sel)
    return [
        Listing(
            marketplace=MARKETPLACE,
            listing_id=posting_id,
            url=canonical,
            title=title,
            description=_description(sel),
            price=price,
            currency=currency if price is not None else None,
            condition=attributes.get("condition"),
            category_path=_breadcrumb(sel),
            image_urls=_ld_images(ld) or _page_images(sel),
            ships_from=country,
            platform=PLATFORM,
        )
    ]


def other_postings_url(url: str, body: bytes | str) -> str | None:
    """The posting's "more ads by this user" search, the only link to the same poster."""
    link = _selector(body).css(".otherpostings a::attr(href)").get()
    return urljoin(url, link.strip()) if link else None


def _selector(body: bytes | str) -> Selector:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return Selector(text=text)


def _posting_id(sel: Selector, url: str) -> str | None:
    for info in sel.css(".postinginfo::text").getall():
        if match := re.search(r"post id:\s*(\d+)", info):
            return match.group(1)
    match = _POSTING_ID.search(url)
    return match.group(1) if match else None


def _ld_posting(sel: Selector) -> dict[str, Any]:
    data = _json(sel.css("script#ld_posting_data::text").get())
    return data if isinstance(data, dict) else {}


def _ld_results(sel: Selector) -> dict[str, dict[str, Any]]:
    """JSON-LD products of a search page by title (the list carries no links or ids)."""
    data = _json(sel.css("script#ld_searchpage_results::text").get())
    products: dict[str, dict[str, Any]] = {}
    for element in data.get("itemListElement", []) if isinstance(data, dict) else []:
        item = element.get("item") if isinstance(element, dict) else None
        if isinstance(item, dict) and (name := clean_title(item.get("name"))):
            products.setdefault(name, item)
    return products


def _ld_images(product: dict[str, Any]) -> list[str]:
    images = product.get("image")
    images = [images] if isinstance(images, str) else images or []
    return [image for image in images if isinstance(image, str) and image.startswith("http")]


def _ld_country(product: dict[str, Any]) -> str | None:
    """Country of the offer's place: ``addressCountry``, else a US state as region."""
    offer = product.get("offers")
    place = offer.get("availableAtOrFrom") if isinstance(offer, dict) else None
    address = place.get("address") if isinstance(place, dict) else None
    if not isinstance(address, dict):
        return None
    if code := country_code(address.get("addressCountry") or None):
        return code
    locality, region = address.get("addressLocality"), address.get("addressRegion")
    return country_code(f"{locality}, {region}") if locality and region else None


def _region_country(sel: Selector) -> str | None:
    region = sel.css('meta[name="geo.region"]::attr(content)').get() or ""
    return country_code(region.split("-")[0]) if region else None


def _site_country(url: str, sel: Selector) -> str | None:
    """Country of the Craigslist site a URL is on: the page's own area list, else the host."""
    host = (urlsplit(url).hostname or "").lower().removesuffix(".craigslist.org")
    if not host or "." in host:
        return None
    raw = sel.get()
    for area in re.findall(r'\{[^{}]*"hostname":"%s"[^{}]*' % re.escape(host), raw):
        if match := re.search(r'"country":"([A-Z]{2})"', area):
            return match.group(1)
    return _HOST_COUNTRY.get(host, "US")


def _next_page(url: str, sel: Selector) -> str | None:
    button = sel.css(".cl-next-page")
    if button and "bd-disabled" in (button[0].attrib.get("class") or ""):
        return None
    counter = " ".join(sel.css(".cl-page-number::text").getall()[:1])
    match = _PAGE_RANGE.search(counter)
    if not match:
        return None
    last, more = int(match.group(2).replace(",", "")), match.group(3)
    total = int(match.group(4).replace(",", ""))
    if not more and last >= total:
        return None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "s"] + [("s", str(last))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _description(sel: Selector) -> str | None:
    """The posting body as text, without the "QR Code Link to This Post" print caption."""
    body = sel.css("#postingbody")
    if not body:
        return None
    html = body[0].get()
    for caption in body[0].css(".print-information").getall():
        html = html.replace(caption, "")
    return html_to_text(html)


def _attributes(sel: Selector) -> dict[str, str]:
    """The "key: value" attributes under the posting ("condition: fair")."""
    found: dict[str, str] = {}
    for span in sel.css(".attrgroup span"):
        text = " ".join((span.xpath("string()").get() or "").split())
        key, sep, value = text.partition(":")
        if sep and value.strip():
            found.setdefault(key.strip().casefold(), value.strip())
    return found


def _breadcrumb(sel: Selector) -> list[str]:
    crumbs = sel.css("ul.breadcrumbs li.crumb") or sel.css(".breadcrumbs li.crumb")
    names = [" ".join((c.xpath("string()").get() or "").replace(">", " ").split()) for c in crumbs]
    return [name for name in names if name]


def _page_images(sel: Selector) -> list[str]:
    links = sel.css("#thumbs a::attr(href)").getall() or sel.css('meta[property="og:image"]::attr(content)').getall()
    return [link for link in links if link.startswith("http")]


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
