"""Reading schema.org data out of a page: the parts that do not know about items.

Shops publish the same facts as JSON-LD, as microdata, or both, and both are broken
often enough that one bad block must never hide the other. ``extruct`` reads both
syntaxes into the same dict shape (``uniform=True``); this module runs it once per
syntax so that a failure stays local, and falls back to reading JSON-LD block by block
when one ``<script>`` holds invalid JSON.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import extruct
import lxml.etree
import lxml.html
from w3lib.encoding import html_to_unicode

from crawler.normalise.country import country_code
from crawler.pages.text import clean_title, html_to_text

logger = logging.getLogger(__name__)

Node = dict[str, Any]

# fmt: off
#: schema.org types that describe one product on offer (Product and its subtypes).
PRODUCT_TYPES = frozenset({
    "Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts",
    "Vehicle", "Car", "Motorcycle", "DietarySupplement", "Drug",
})
#: Properties through which a page points at its main entity or a list of entities.
#: A Product's own properties (isRelatedTo, isSimilarTo, ...) are deliberately not
#: followed: those are other shops' recommendations, not this page's offer.
_CONTAINERS = ("@graph", "mainEntity", "mainEntityOfPage", "itemReviewed", "about",
               "itemListElement", "item", "itemOffered", "hasPart")
_HOME_CRUMBS = frozenset({"home", "homepage", "home page", "startseite", "accueil", "inicio",
                          "início", "strona główna", "etusivu", "hem", "forside"})
# fmt: on
_CATEGORY_SPLIT = re.compile(r"\s*(?:>|<|/|\||»|›)\s*")


class PageData(NamedTuple):
    """What a page says in structured data: its top-level nodes and its canonical URL."""

    nodes: list[Node]
    canonical: str | None


def extract_nodes(body: bytes | str, url: str) -> PageData:
    """Top-level JSON-LD and microdata nodes of a page; none when it cannot be parsed."""
    text = body if isinstance(body, str) else html_to_unicode(None, body)[1]
    try:
        tree = lxml.html.fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (ValueError, lxml.etree.ParserError) as exc:
        logger.debug("unparseable page %s: %s", url, exc)
        return PageData([], None)
    nodes: list[Node] = []
    for syntax in ("json-ld", "microdata"):
        try:
            found = extruct.extract(tree, base_url=url, syntaxes=[syntax], uniform=True)[syntax]
        except Exception as exc:  # noqa: BLE001 - extruct lets its parsers' errors through
            logger.info(
                "schema.org %s unreadable on %s (%s); reading what we can", syntax, url, exc
            )
            found = _jsonld_block_by_block(tree) if syntax == "json-ld" else []
        nodes.extend(node for node in found if isinstance(node, dict))
    links = tree.xpath('//link[@rel="canonical"]/@href')
    canonical = urljoin(url, links[0].strip()) if links and links[0].strip() else None
    return PageData(nodes, canonical if canonical and canonical.startswith("http") else None)


def _jsonld_block_by_block(tree: lxml.html.HtmlElement) -> list[Node]:
    """JSON-LD from every ``<script>`` that holds valid JSON, skipping the broken ones."""
    nodes: list[Node] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue
        nodes.extend(item for item in as_list(data) if isinstance(item, dict))
    return nodes


def index_ids(nodes: list[Node]) -> dict[str, Node]:
    """Every node with an ``@id`` and more than the id, so references can be followed."""
    index: dict[str, Node] = {}

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                index.setdefault(value["@id"], value)
            for child in value.values():
                visit(child)
        elif isinstance(value, list):
            for child in value:
                visit(child)

    visit(nodes)
    return index


def resolve(value: Any, refs: dict[str, Node]) -> Any:
    """The node a bare ``{"@id": ...}`` reference points at, else the value itself."""
    if isinstance(value, dict) and set(value) == {"@id"}:
        return refs.get(value["@id"], value)
    return value


def find_products(nodes: list[Node], refs: dict[str, Node]) -> list[Node]:
    """Product nodes of a page, wherever the page nests them, each once, in page order."""
    found: list[Node] = []

    def visit(value: Any, depth: int) -> None:
        value = resolve(value, refs)
        if depth > 8 or not isinstance(value, (dict, list)):
            return
        if isinstance(value, list):
            for child in value:
                visit(child, depth + 1)
            return
        if PRODUCT_TYPES & types_of(value):
            if not any(value is seen for seen in found):
                found.append(value)
            return
        for key in _CONTAINERS:
            if key in value:
                visit(value[key], depth + 1)

    visit(nodes, 0)
    return found


def breadcrumb(nodes: list[Node], title: str, page_url: str) -> list[str]:
    """Category path from the page's BreadcrumbList.

    The first crumb is dropped when it is the home page ("Home", a link to "/", or the
    shop's own name), and so is a crumb for the product itself (its title, or a link
    to the page), so that only the shop's categories remain.
    """
    host = urlsplit(page_url).hostname or ""
    for node in nodes:
        if "BreadcrumbList" not in types_of(node):
            continue
        crumbs = [
            element for element in as_list(node.get("itemListElement")) if isinstance(element, dict)
        ]
        crumbs.sort(key=lambda crumb: _position(crumb.get("position")))
        names: list[str] = []
        for number, crumb in enumerate(crumbs):
            item = crumb.get("item")
            name = clean_text(
                crumb.get("name") or (item.get("name") if isinstance(item, dict) else None)
            )
            link = item.get("@id") if isinstance(item, dict) else item
            link = (
                urljoin(page_url, link) if isinstance(link, str) and link[:1] in ("h", "/") else ""
            )
            if not name or name == title or (link and _page(link) == _page(page_url)):
                continue
            shop_name = len(name) > 2 and name.replace(" ", "").casefold() in host
            is_root = bool(link) and urlsplit(link).path in ("", "/")
            if number == 0 and (name.casefold() in _HOME_CRUMBS or shop_name or is_root):
                continue
            names.append(name)
        if names:
            return names
    return []


def _page(url: str) -> str:
    """A URL without query and fragment, to tell whether a link points at this page."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}".rstrip("/")


def types_of(node: Node) -> set[str]:
    """Short type names of a node: "http://schema.org/Product" and ["Car", "Product"] alike."""
    return {re.split(r"[/#:]", str(kind))[-1] for kind in as_list(node.get("@type"))}


def as_list(value: Any) -> list[Any]:
    """A property value as a list: schema.org allows one value or many everywhere."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def first(value: Any) -> Any:
    """The first value of a property that may hold one value or many."""
    values = as_list(value)
    return values[0] if values else None


def name_of(value: Any) -> str | None:
    """Text of a value that is either plain text or a Thing with a ``name``."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return clean_text(value)


def clean_text(value: Any, *, keep_lines: bool = False) -> str | None:
    """Unescaped, whitespace-normalised text (tag-free with ``keep_lines``), or ``None``.

    Shops escape HTML inside JSON-LD ("11&quot; iPad", "&lt;strong&gt;Transform"), so
    entities are decoded *before* tags are removed; descriptions keep their line breaks.
    """
    value = first(value)
    if isinstance(value, dict):  # a JSON-LD value object {"@value": ..., "@language": ...}
        value = value.get("@value")
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = html.unescape(str(value))
    if keep_lines:
        return html_to_text(text.replace("\\n", "\n"))  # leroymerlin.pl writes a literal "\n"
    return clean_title(text)


def image_urls(value: Any, base_url: str) -> list[str]:
    """Absolute image URLs from text, lists or ImageObjects, each once."""
    urls: list[str] = []
    for image in as_list(value):
        if isinstance(image, dict):
            image = image.get("url") or image.get("contentUrl") or image.get("contentURL")
        image = first(image)
        if isinstance(image, str) and image.strip():
            absolute = urljoin(base_url, html.unescape(image.strip()))
            if absolute not in urls:
                urls.append(absolute)
    return urls


def iter_offers(value: Any, refs: dict[str, Node]) -> Iterator[Node]:
    """Offers of a product, flattened: eBay nests an Offer inside an Offer, and an
    AggregateOffer may list its offers; each child inherits what its parent says."""
    for offer in as_list(value):
        offer = resolve(offer, refs)
        if not isinstance(offer, dict):
            continue
        children = [child for child in as_list(offer.get("offers")) if isinstance(child, dict)]
        parent = {key: val for key, val in offer.items() if key != "offers"}
        if not children or any(
            key in parent for key in ("price", "lowPrice", "priceSpecification")
        ):
            yield parent
        for child in children:
            yield from iter_offers({**parent, **resolve(child, refs)}, refs)


def enum_name(value: Any) -> str:
    """Last segment of a schema.org enumeration, case-folded: ".../InStock" -> "instock"."""
    text = name_of(value) or ""
    return re.split(r"[/#:]", text.strip())[-1].replace(" ", "").casefold()


def integer(value: Any) -> int | None:
    """A non-negative count from a number, a numeric text or a QuantitativeValue."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("value")
    try:
        number = int(float(str(first(value))))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number >= 0 else None


def category_names(value: Any) -> list[str]:
    """ "Home & Garden > Plants > Seeds" (or a list, or Things) -> a list of names."""
    names = [name_of(item) for item in as_list(value)]
    if len(names) == 1 and names[0]:
        names = _CATEGORY_SPLIT.split(names[0])
    return [name for name in names if name]


def place_country(value: Any, refs: dict[str, Node]) -> str | None:
    """Country of a Place, PostalAddress, DefinedRegion, Country or location text.

    Craigslist leaves ``addressCountry`` empty but gives "Boxford" and "MA", which
    :func:`country_code` reads as a US "City, ST".
    """
    value = resolve(first(value), refs)
    if not isinstance(value, dict):
        return country_code(clean_text(value))
    if code := place_country(value.get("addressCountry"), refs):
        return code
    if "address" in value:
        return place_country(value.get("address"), refs)
    if "addressCountry" not in value and (name := name_of(value)):
        return country_code(name)
    town = [name_of(value.get(key)) for key in ("addressLocality", "addressRegion")]
    return country_code(", ".join(town)) if all(town) else None  # type: ignore[arg-type]


def _position(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")
