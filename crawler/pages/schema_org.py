"""Listings (and named sellers) from the schema.org ``Product`` data a page publishes.

Most independent shops (Shopify, WooCommerce, Shopware, Magento, ...) and many
marketplaces publish a schema.org Product, as JSON-LD or microdata, so that search
engines can show price and stock. Reading it gives phytowatch a usable listing from a
shop nobody has written a selector for, which is what makes crawling the long tail of
small nurseries and seed sellers possible. Site-specific page modules remain better
where they exist; this one is the generic fallback and the first thing they can try.

A page module is pure: ``(url, body)`` in, items out, no network, and it never raises on
a broken page. It does not decide who the shop's own trader is (the spider knows that);
it only reports a seller the data names.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import fields
from typing import Any
from urllib.parse import urljoin

from crawler.items import Listing, Trader
from crawler.normalise.price import currency_code, parse_price
from crawler.pages._jsonld import (
    Node,
    as_list,
    breadcrumb,
    category_names,
    clean_text,
    enum_name,
    extract_nodes,
    find_products,
    first,
    image_urls,
    index_ids,
    integer,
    iter_offers,
    name_of,
    place_country,
    resolve,
    types_of,
)
from crawler.sites import site_key

logger = logging.getLogger(__name__)

PLATFORM = "schema.org"
#: Prefix of a listing id made from the URL, for products without sku or productID.
URL_ID_PREFIX = "url:"

# fmt: off
#: ItemAvailability -> "can be bought now". Pre-orders, back-orders and made-to-order
#: goods can be ordered, which is what matters for a plant that may enter the country.
_AVAILABLE = {
    "instock": True, "instoreonly": True, "onlineonly": True, "limitedavailability": True,
    "preorder": True, "presale": True, "backorder": True, "madetoorder": True,
    "outofstock": False, "soldout": False, "discontinued": False,
}
#: priceSpecification types that are not what the buyer pays.
_NOT_SELLING_PRICE = frozenset({"listprice", "strikethroughprice", "msrp", "srp", "invoiceprice",
                                "minimumadvertisedprice"})
# fmt: on


def parse_product_page(
    url: str, body: bytes | str, *, marketplace: str | None = None
) -> list[Listing | Trader]:
    """Every schema.org Product on a page as a Listing, plus a Trader per named seller.

    JSON-LD and microdata are both read; when they describe the same product (same id,
    or same title and no id) the two are merged, JSON-LD first. A page without a
    Product, or one that cannot be parsed at all, gives ``[]``.
    """
    marketplace = marketplace or site_key(url)
    nodes, canonical = extract_nodes(body, url)
    refs = index_ids(nodes)
    products = find_products(nodes, refs)
    many = len({_title(product) for product in products} - {None}) > 1
    page = canonical or url.split("#")[0]
    listings: list[Listing] = []
    traders: dict[str, Trader] = {}
    for product in products:
        own_url = _own_url(product, url)
        if many:  # a list of products: each by its own link, else by its title
            seed = own_url or f"{page}#{_title(product)}"
        else:  # tracking parameters vary from visit to visit; the canonical link does not
            seed = canonical or own_url or page
        product_url = own_url if many and own_url else url
        for item in parse_product(
            product, product_url, marketplace=marketplace, refs=refs, id_seed=seed
        ):
            if isinstance(item, Trader):
                traders.setdefault(item.seller_key, item)
            elif not _merge_into(listings, item):
                listings.append(item)
    if len(listings) == 1 and not listings[0].category_path:
        listings[0].category_path = breadcrumb(nodes, listings[0].title, url)
    return [*listings, *traders.values()]


def parse_product(
    data: Node,
    url: str,
    *,
    marketplace: str | None = None,
    refs: dict[str, Node] | None = None,
    id_seed: str | None = None,
) -> list[Listing | Trader]:
    """A schema.org Product (a dict, as extruct gives it) -> ``[Listing]`` or ``[Listing, Trader]``.

    ``refs`` maps ``@id`` to nodes so that ``{"@id": ...}`` references (common in
    WooCommerce/Yoast ``@graph`` output) can be followed. ``id_seed`` (default ``url``) is
    hashed into the listing id when the product has neither ``sku`` nor ``productID``.
    A product without a name (or whose "name" is a link, as broken microdata
    gives) is dropped and logged, as a listing needs a title.
    """
    refs = refs or {}
    marketplace = marketplace or site_key(url)
    title = _title(data)
    if not title:
        logger.info("drop_item/no_title: schema.org Product without a name on %s", url)
        return []
    offers = list(iter_offers(data.get("offers"), refs))
    if not offers and "ProductGroup" in types_of(data):  # offers sit on the variants
        for variant in as_list(data.get("hasVariant")):
            variant = resolve(variant, refs)
            if isinstance(variant, dict):
                offers.extend(iter_offers(variant.get("offers"), refs))
    main = _main_offer(offers)
    price, currency = _price(main)
    sku = clean_text(data.get("sku")) or clean_text(main.get("sku"))
    seller = next(
        (s for s in (_seller(offer, refs) for offer in [main, *offers]) if s is not None), None
    )
    trader = _trader(seller, marketplace, url, refs)
    listing = Listing(
        marketplace=marketplace,
        listing_id=sku or clean_text(data.get("productID")) or _url_id(id_seed or url),
        url=url,
        title=title,
        description=clean_text(data.get("description"), keep_lines=True),
        price=price,
        currency=currency,
        quantity_available=integer(main.get("inventoryLevel")),
        available=_availability(offers),
        condition=_condition(main.get("itemCondition") or data.get("itemCondition")),
        sku=sku,
        category_path=category_names(data.get("category")),
        image_urls=image_urls(data.get("image"), url),
        ships_from=_ships_from(main, seller, refs),
        ships_to=_ships_to(offers, refs),
        seller_key=trader.seller_key if trader else None,
        platform=PLATFORM,
    )
    return [listing, trader] if trader else [listing]


def _main_offer(offers: list[Node]) -> Node:
    """The offer whose price we report: the first one on sale now, else the first priced one."""
    priced = [offer for offer in offers if _price(offer)[0] is not None]
    on_sale = [offer for offer in priced if _availability([offer]) is not False]
    return (on_sale or priced or offers or [{}])[0]


def _price(offer: Node) -> tuple[float | None, str | None]:
    """Amount and currency of an Offer, AggregateOffer (``lowPrice``) or priceSpecification."""
    specs = [spec for spec in as_list(offer.get("priceSpecification")) if isinstance(spec, dict)]
    selling = [spec for spec in specs if enum_name(spec.get("priceType")) not in _NOT_SELLING_PRICE]
    spec = (selling or specs or [{}])[0]
    hint = currency_code(clean_text(offer.get("priceCurrency") or spec.get("priceCurrency")))
    for raw in (offer.get("price"), offer.get("lowPrice"), spec.get("price"), spec.get("minPrice")):
        raw = first(raw)
        if raw is None or raw == "" or isinstance(raw, (dict, list)):
            continue
        amount, code = parse_price(raw, hint)
        if amount is not None:
            return amount, code or hint
    return None, None


def _availability(offers: list[Node]) -> bool | None:
    """True if any offer can be bought now, False if all that say so cannot, else None."""
    states = [_AVAILABLE.get(enum_name(offer.get("availability"))) for offer in offers]
    if True in states:
        return True
    return False if False in states else None


def _condition(value: Any) -> str | None:
    """ "https://schema.org/UsedCondition" -> "used"; a shop's own words are kept, lower-cased."""
    text = name_of(value)
    if text and ("schema.org" in text or text.endswith("Condition")):
        return enum_name(text).removesuffix("condition") or None
    return text.casefold() if text else None


def _ships_from(offer: Node, seller: Node | str | None, refs: dict[str, Node]) -> str | None:
    """Country the goods leave from: shipping origin, else the offer's place, else the seller's."""
    for details in as_list(offer.get("shippingDetails")):
        if isinstance(details, dict) and (
            code := place_country(details.get("shippingOrigin"), refs)
        ):
            return code
    if code := place_country(offer.get("availableAtOrFrom"), refs):
        return code
    return place_country(seller.get("address"), refs) if isinstance(seller, dict) else None


def _ships_to(offers: list[Node], refs: dict[str, Node]) -> list[str]:
    """Countries the offers deliver to (shippingDestination, eligibleRegion), each once."""
    places: list[Any] = []
    for offer in offers:
        for details in as_list(offer.get("shippingDetails")):
            if isinstance(details, dict):
                places.extend(as_list(details.get("shippingDestination")))
        places.extend(as_list(offer.get("eligibleRegion")))
    codes: list[str] = []
    for place in places:
        place = resolve(place, refs)
        has_countries = isinstance(place, dict) and "addressCountry" in place
        for country in as_list(place.get("addressCountry")) if has_countries else [place]:
            code = place_country(country, refs)
            if code and code not in codes:
                codes.append(code)
    return codes


def _seller(offer: Node, refs: dict[str, Node]) -> Node | str | None:
    """The seller an offer names (an Organization, a Person, or just a name)."""
    seller = resolve(first(offer.get("seller") or offer.get("offeredBy")), refs)
    if isinstance(seller, (dict, str)) and name_of(seller):
        return seller
    return None


def _trader(
    seller: Node | str | None, marketplace: str, url: str, refs: dict[str, Node]
) -> Trader | None:
    """A Trader for a named seller; its key is the slug of its name, as nothing better is given."""
    name = name_of(seller)
    if not name:
        return None
    details = seller if isinstance(seller, dict) else {}
    rating = details.get("aggregateRating")
    rating = rating if isinstance(rating, dict) else {}
    profile = first(details.get("url"))
    return Trader(
        marketplace=marketplace,
        seller_key=_slug(name),
        display_name=name,
        profile_url=urljoin(url, profile) if isinstance(profile, str) and profile.strip() else None,
        country=place_country(details.get("address"), refs),
        feedback_count=integer(rating.get("ratingCount") or rating.get("reviewCount")),
        rating=_rating(rating),
        platform=PLATFORM,
    )


def _rating(rating: Node) -> float | None:
    """AggregateRating -> 0..1 (4.8 of 5 -> 0.96), as Trader.rating is stored."""
    try:
        value, best = (
            float(first(rating.get("ratingValue"))),
            float(first(rating.get("bestRating")) or 5),
        )
    except (TypeError, ValueError):
        return None
    return round(value / best, 4) if best > 0 and 0 <= value <= best else None


def _merge_into(listings: list[Listing], new: Listing) -> bool:
    """Fill gaps of an already found listing for the same product; False if there is none.

    The same product is the same id, or the same title where one side has no real id
    (JSON-LD with a sku next to microdata without one, as on mediamarkt.pt).
    """
    for old in listings:
        hashed = old.listing_id.startswith(URL_ID_PREFIX) or new.listing_id.startswith(
            URL_ID_PREFIX
        )
        if old.listing_id == new.listing_id or (hashed and old.title == new.title):
            if old.listing_id.startswith(URL_ID_PREFIX):
                old.listing_id = new.listing_id
            if old.price is None and new.price is not None:
                old.price, old.currency = new.price, new.currency
            for field in fields(Listing):
                if getattr(old, field.name) in (None, "", []):
                    setattr(old, field.name, getattr(new, field.name))
            return True
    return False


def _title(product: Node) -> str | None:
    """The product's name, unless it is a link (argos' broken ``<a itemprop="name">``)."""
    title = name_of(product.get("name"))
    return None if not title or title.startswith(("/", "http://", "https://")) else title


def _own_url(product: Node, base_url: str) -> str | None:
    link = first(product.get("url"))
    return urljoin(base_url, link.strip()) if isinstance(link, str) and link.strip() else None


def _url_id(seed: str) -> str:
    return URL_ID_PREFIX + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:16]


def _slug(name: str) -> str:
    """ "Green Thumb Nursery Ltd." -> "green-thumb-nursery-ltd" (non-Latin letters kept)."""
    slug = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-_")
    return slug or hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
