"""Demo listings in the formats real shops publish: pure functions, no HTTP.

* Shopify's public storefront JSON (``/products.json``, ``/meta.json``) and theme
  product pages with a JSON-LD ``Product``;
* the WooCommerce Store API v1 (``/wp-json/wc/store/v1/products``), the WordPress
  REST index and WooCommerce product pages with their JSON-LD ``@graph``;
* plain shops with schema.org ``Product`` as JSON-LD or microdata, sitemaps.org
  sitemap indexes and urlsets.

Every string that reaches HTML goes through :func:`html.escape`; JSON embedded in
``<script>`` has ``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc.
:mod:`crawler.demo.server` caches what these functions return.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from crawler.demo.catalogue import DemoListing, DemoTrader

SCHEMA = "https://schema.org"
#: Woo shows "only N left" (``low_stock_remaining``) at or below this stock.
WOO_LOW_STOCK = 5

_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "THB": "฿"}
_UI = {  # add to cart, in stock, out of stock, home, about, contact, products
    "nl": ("In winkelwagen", "Op voorraad", "Uitverkocht", "Home", "Over ons", "Contact", "Producten"),
    "en": ("Add to cart", "In stock", "Sold out", "Home", "About us", "Contact", "Products"),
    "de": ("In den Warenkorb", "Auf Lager", "Ausverkauft", "Startseite", "Über uns", "Kontakt", "Produkte"),
    "fr": ("Ajouter au panier", "En stock", "Épuisé", "Accueil", "À propos", "Contact", "Produits"),
    "es": ("Añadir al carrito", "En stock", "Agotado", "Inicio", "Quiénes somos", "Contacto", "Productos"),
    "it": ("Aggiungi al carrello", "Disponibile", "Esaurito", "Home", "Chi siamo", "Contatti", "Prodotti"),
    "pt": ("Adicionar ao carrinho", "Em stock", "Esgotado", "Início", "Quem somos", "Contactos", "Produtos"),
}


def ui(trader: DemoTrader) -> tuple[str, ...]:
    return _UI.get(trader.language, _UI["en"])


def stable_int(text: str, digits: int) -> int:
    """A deterministic ``digits``-digit integer derived from ``text``."""
    n = int(hashlib.sha1(text.encode()).hexdigest(), 16)
    return 10 ** (digits - 1) + n % (9 * 10 ** (digits - 1))


def minor(amount: Decimal) -> str:
    return str(int((amount * 100).to_integral_value()))


def money(amount: Decimal, trader: DemoTrader) -> str:
    """The price as the shop prints it: "8,95 €" on the continent, "£8.95" in GB and the US."""
    symbol = _SYMBOLS.get(trader.currency, trader.currency)
    if trader.language == "en":
        return f"{symbol}{amount:.2f}"
    return f"{amount:.2f}".replace(".", ",") + f"\u00a0{symbol}"


def stamp(day: str, trader: DemoTrader, seed: str) -> str:
    """ISO 8601 timestamp with the shop's UTC offset on ``day``, at a seeded time of day."""
    n = stable_int(seed, 6)
    local = datetime.combine(datetime.fromisoformat(day).date(), time(8 + n % 10, n % 60, n % 59))
    return local.replace(tzinfo=ZoneInfo(trader.timezone)).isoformat()


def script_json(obj: Any) -> str:
    """JSON safe to embed in a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def paragraphs(text: str) -> str:
    return f"<p>{escape(text, quote=False)}</p>"


def first_sentence(text: str) -> str:
    for stop in (". ", "! ", "? "):
        if stop in text:
            return text.split(stop, 1)[0] + stop.strip()
    return text


def availability(listing: DemoListing) -> str:
    return f"{SCHEMA}/InStock" if listing.available else f"{SCHEMA}/OutOfStock"


# --------------------------------------------------------------------------- Shopify


def shopify_product(listing: DemoListing, trader: DemoTrader, shop_url: str) -> dict[str, Any]:
    """One product as in Shopify's public ``/products.json`` (tags as a list, prices as strings)."""
    pid = stable_int(listing.id, 13)
    vid = stable_int(listing.id + "/variant", 14)
    created = stamp(listing.created_at, trader, listing.id + "/c")
    updated = stamp(listing.updated_at, trader, listing.id + "/u")
    grams = stable_int(listing.id + "/g", 4) % 2400 + 20
    return {
        "id": pid,
        "title": listing.title,
        "handle": listing.handle,
        "body_html": paragraphs(listing.description),
        "published_at": created,
        "created_at": created,
        "updated_at": updated,
        "vendor": trader.name,
        "product_type": listing.product_type,
        "tags": list(listing.tags),
        "variants": [{
            "id": vid,
            "title": "Default Title",
            "option1": "Default Title",
            "option2": None,
            "option3": None,
            "sku": listing.sku,
            "requires_shipping": True,
            "taxable": True,
            "featured_image": None,
            "available": listing.available,
            "price": f"{listing.price:.2f}",
            "grams": grams,
            "compare_at_price": f"{listing.compare_at_price:.2f}" if listing.compare_at_price else None,
            "position": 1,
            "product_id": pid,
            "created_at": created,
            "updated_at": updated,
        }],
        "images": [{
            "id": stable_int(f"{listing.id}/img{i}", 14),
            "created_at": created,
            "position": i,
            "updated_at": updated,
            "product_id": pid,
            "variant_ids": [],
            "src": shop_url + path,
            "width": 1200,
            "height": 1200,
        } for i, path in enumerate(listing.images, start=1)],
        "options": [{"name": "Title", "position": 1, "values": ["Default Title"]}],
    }


def shopify_meta(trader: DemoTrader, product_count: int, collection_count: int) -> dict[str, Any]:
    """The shop as in Shopify's public ``/meta.json``."""
    symbol = _SYMBOLS.get(trader.currency, trader.currency)
    amount = "{{amount}}" if trader.language == "en" else "{{amount_with_comma_separator}}"
    return {
        "id": stable_int(trader.key, 11),
        "name": trader.name,
        "city": trader.city,
        "province": trader.region,
        "country": trader.country,
        "currency": trader.currency,
        "domain": trader.domain,
        "url": f"https://{trader.domain}",
        "myshopify_domain": f"{trader.key}.myshopify.com",
        "description": trader.description,
        "ships_to_countries": list(trader.ships_to),
        "money_format": f"{symbol}{amount}",
        "published_collections_count": collection_count,
        "published_products_count": product_count,
    }


def shopify_ld(listing: DemoListing, trader: DemoTrader, url: str, shop_url: str) -> dict[str, Any]:
    vid = stable_int(listing.id + "/variant", 14)
    return {
        "@context": "http://schema.org/",
        "@type": "Product",
        "@id": f"{url}#product",
        "name": listing.title,
        "url": url,
        "image": [shop_url + p for p in listing.images],
        "description": listing.description,
        "sku": listing.sku,
        "brand": {"@type": "Brand", "name": trader.name},
        "category": listing.product_type,
        "offers": [{
            "@type": "Offer",
            "@id": f"{url}?variant={vid}#offer",
            "availability": availability(listing).replace("https:", "http:"),
            "price": f"{listing.price:.2f}",
            "priceCurrency": trader.currency,
            "url": f"{url}?variant={vid}",
        }],
    }


# --------------------------------------------------------------------------- WooCommerce


def woo_prices(listing: DemoListing, trader: DemoTrader) -> dict[str, Any]:
    on_sale = listing.compare_at_price is not None
    symbol = _SYMBOLS.get(trader.currency, trader.currency)
    continental = trader.language != "en"
    return {
        "price": minor(listing.price),
        "regular_price": minor(listing.compare_at_price if on_sale else listing.price),  # type: ignore[arg-type]
        "sale_price": minor(listing.price),
        "price_range": None,
        "currency_code": trader.currency,
        "currency_symbol": symbol,
        "currency_minor_unit": 2,
        "currency_decimal_separator": "," if continental else ".",
        "currency_thousand_separator": "." if continental else ",",
        "currency_prefix": "" if continental else symbol,
        "currency_suffix": f" {symbol}" if continental else "",
    }


def woo_price_html(listing: DemoListing, trader: DemoTrader) -> str:
    def amount(value: Decimal) -> str:
        return (f'<span class="woocommerce-Price-amount amount"><bdi>'
                f"{escape(money(value, trader)).replace(chr(160), '&nbsp;')}</bdi></span>")
    if listing.compare_at_price is not None:
        return (f'<del aria-hidden="true">{amount(listing.compare_at_price)}</del> '
                f'<ins aria-hidden="true">{amount(listing.price)}</ins>')
    return amount(listing.price)


def woo_product(
    listing: DemoListing, trader: DemoTrader, shop_url: str, pid: int, terms: dict[str, int]
) -> dict[str, Any]:
    """One product as in the WooCommerce Store API v1 (prices in minor units, as strings)."""
    labels = ui(trader)
    permalink = f"{shop_url}product/{listing.handle}/"
    low = listing.quantity if listing.available and listing.quantity <= WOO_LOW_STOCK else None

    def term(kind: str, name: str) -> dict[str, Any]:
        slug = name.lower().replace(" & ", "-").replace(" ", "-")
        base = "product-category" if kind == "cat" else "product-tag"
        return {"id": terms[f"{kind}:{name}"], "name": name, "slug": slug,
                "link": f"{shop_url}{base}/{slug}/"}

    return {
        "id": pid,
        "name": listing.title,
        "slug": listing.handle,
        "parent": 0,
        "type": "simple",
        "variation": "",
        "permalink": permalink,
        "sku": listing.sku,
        "short_description": paragraphs(first_sentence(listing.description)) + "\n",
        "description": paragraphs(listing.description) + "\n",
        "on_sale": listing.compare_at_price is not None,
        "prices": woo_prices(listing, trader),
        "price_html": woo_price_html(listing, trader),
        "average_rating": "0",
        "review_count": 0,
        "images": [woo_image(listing, shop_url, path, i) for i, path in enumerate(listing.images)],
        "categories": [term("cat", name) for name in listing.category_path],
        "tags": [term("tag", t) for t in listing.tags],
        "brands": [],
        "attributes": [],
        "variations": [],
        "grouped_products": [],
        "has_options": False,
        "is_purchasable": True,
        "is_in_stock": listing.available,
        "is_on_backorder": False,
        "low_stock_remaining": low,
        "sold_individually": False,
        "add_to_cart": {
            "text": labels[0] if listing.available else labels[2],
            "description": f"{labels[0]}: “{listing.title}”",
            "url": f"{shop_url}?add-to-cart={pid}" if listing.available else permalink,
            "single_text": labels[0],
            "minimum": 1,
            "maximum": 9999,
            "multiple_of": 1,
        },
        "extensions": {},
    }


def woo_thumbnail(path: str) -> str:
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-300x300.{ext}" if dot else path + "-300x300"


def woo_image(listing: DemoListing, shop_url: str, path: str, i: int) -> dict[str, Any]:
    src = shop_url + path
    thumb = shop_url + woo_thumbnail(path)
    return {
        "id": stable_int(f"{listing.id}/img{i}", 5),
        "src": src,
        "thumbnail": thumb,
        "srcset": f"{src} 1200w, {thumb} 300w",
        "sizes": "(max-width: 1200px) 100vw, 1200px",
        "name": path.rsplit("/", 1)[-1],
        "alt": listing.title if i == 0 else "",
    }


def wp_index(trader: DemoTrader, shop_url: str, gmt_offset: float) -> dict[str, Any]:
    """The WordPress REST API index (``/wp-json/``) of a WooCommerce shop."""
    api = f"{shop_url}wp-json/"
    home = shop_url.rstrip("/")
    products_route = {
        "namespace": "wc/store/v1",
        "methods": ["GET"],
        "endpoints": [{"methods": ["GET"], "allow_batch": {"v1": True}, "args": {
            "page": {"type": "integer", "default": 1, "minimum": 1, "required": False},
            "per_page": {"type": "integer", "default": 10, "minimum": 1, "maximum": 100,
                         "required": False},
        }}],
        "_links": {"self": [{"href": f"{api}wc/store/v1/products"}]},
    }
    return {
        "name": trader.name,
        "description": trader.description,
        "url": home,
        "home": home,
        "gmt_offset": int(gmt_offset) if gmt_offset == int(gmt_offset) else gmt_offset,
        "timezone_string": trader.timezone,
        "page_for_posts": 0,
        "page_on_front": 0,
        "show_on_front": "posts",
        "namespaces": ["oembed/1.0", "wc/store", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3",
                       "wc-analytics", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
        "authentication": [],
        "routes": {"/wc/store/v1/products": products_route},
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def woo_cart(trader: DemoTrader) -> dict[str, Any]:
    """An empty Store API cart; WooCommerce fills the default customer address with the shop's base country."""
    address = {"first_name": "", "last_name": "", "company": "", "address_1": "", "address_2": "",
               "city": "", "state": "", "postcode": "", "country": trader.country, "phone": ""}
    zero = "0"
    return {
        "items": [], "coupons": [], "fees": [], "totals": {
            "total_items": zero, "total_items_tax": zero, "total_fees": zero, "total_fees_tax": zero,
            "total_discount": zero, "total_discount_tax": zero, "total_shipping": None,
            "total_shipping_tax": None, "total_price": zero, "total_tax": zero, "tax_lines": [],
            "currency_code": trader.currency, "currency_symbol": _SYMBOLS.get(trader.currency, trader.currency),
            "currency_minor_unit": 2},
        "shipping_address": address, "billing_address": {**address, "email": ""},
        "needs_payment": False, "needs_shipping": False, "payment_requirements": ["products"],
        "has_calculated_shipping": False, "shipping_rates": [], "items_count": 0, "items_weight": 0,
        "cross_sells": [], "errors": [], "payment_methods": [], "extensions": {},
    }


def woo_ld(listing: DemoListing, trader: DemoTrader, permalink: str, home: str) -> dict[str, Any]:
    price = f"{listing.price:.2f}"
    return {
        "@context": "https://schema.org/",
        "@graph": [{
            "@type": "Product",
            "@id": f"{permalink}#product",
            "name": listing.title,
            "url": permalink,
            "description": listing.description,
            "image": home + (listing.images[0] if listing.images else ""),
            "sku": listing.sku,
            "offers": [{
                "@type": "Offer",
                "price": price,
                "priceValidUntil": "2026-12-31",
                "priceSpecification": [{"@type": "UnitPriceSpecification", "price": price,
                                        "priceCurrency": trader.currency,
                                        "valueAddedTaxIncluded": True}],
                "priceCurrency": trader.currency,
                "availability": availability(listing),
                "url": permalink,
                "seller": {"@type": "Organization", "name": trader.name,
                           "url": f"https://{trader.domain}"},
            }],
        }],
    }


# --------------------------------------------------------------------------- schema.org shops


def postal_address(trader: DemoTrader) -> dict[str, Any]:
    return {"@type": "PostalAddress", "streetAddress": trader.street,
            "addressLocality": trader.city, "postalCode": trader.postal_code,
            "addressRegion": trader.region, "addressCountry": trader.country}


def organization(trader: DemoTrader, shop_url: str) -> dict[str, Any]:
    return {"@context": SCHEMA, "@type": "Organization", "name": trader.name, "url": shop_url,
            "email": trader.email, "address": postal_address(trader)}


def schema_product(listing: DemoListing, trader: DemoTrader, url: str, shop_url: str) -> dict[str, Any]:
    """A schema.org Product with one Offer, as a plain shop's JSON-LD (or microdata) carries it."""
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": url,
        "price": f"{listing.price:.2f}",
        "priceCurrency": trader.currency,
        "availability": availability(listing),
        "itemCondition": f"{SCHEMA}/NewCondition",
        "inventoryLevel": {"@type": "QuantitativeValue", "value": listing.quantity},
        "seller": {"@type": "Organization", "name": trader.name,
                   "url": f"https://{trader.domain}", "address": postal_address(trader)},
    }
    if trader.shipping_details:
        offer["shippingDetails"] = {
            "@type": "OfferShippingDetails",
            "shippingOrigin": {"@type": "DefinedRegion", "addressCountry": trader.country},
            "shippingDestination": [{"@type": "DefinedRegion", "addressCountry": c}
                                    for c in trader.ships_to if c != "*"],
        }
    return {
        "@context": SCHEMA,
        "@type": "Product",
        "name": listing.title,
        "description": listing.description,
        "sku": listing.sku,
        "image": [shop_url + p for p in listing.images],
        "category": " > ".join(listing.category_path),
        "brand": {"@type": "Brand", "name": trader.name},
        "offers": offer,
    }


def breadcrumbs(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {"@context": SCHEMA, "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "name": name, "item": url}
        for i, (name, url) in enumerate(items, start=1)]}


def microdata_product(listing: DemoListing, trader: DemoTrader, url: str, shop_url: str) -> str:
    """The same Product as :func:`schema_product`, written as schema.org microdata."""
    def meta(prop: str, value: object) -> str:
        return f'<meta itemprop="{prop}" content="{escape(str(value))}">'

    labels = ui(trader)
    imgs = "".join(f'<img itemprop="image" src="{escape(shop_url + p)}" alt="{escape(listing.title)}">'
                   for p in listing.images)
    ship = ""
    if trader.shipping_details:
        dests = "".join(f'<div itemprop="shippingDestination" itemscope itemtype="{SCHEMA}/DefinedRegion">'
                        f'{meta("addressCountry", c)}</div>' for c in trader.ships_to if c != "*")
        ship = (f'<div itemprop="shippingDetails" itemscope itemtype="{SCHEMA}/OfferShippingDetails">'
                f'<div itemprop="shippingOrigin" itemscope itemtype="{SCHEMA}/DefinedRegion">'
                f'{meta("addressCountry", trader.country)}</div>{dests}</div>')
    stock = labels[1] if listing.available else labels[2]
    return (
        f'<article itemscope itemtype="{SCHEMA}/Product">\n'
        f'<h1 itemprop="name">{escape(listing.title)}</h1>\n'
        f'<div class="gallery">{imgs}</div>\n'
        f'{meta("sku", listing.sku)}{meta("category", " > ".join(listing.category_path))}\n'
        f'<div itemprop="brand" itemscope itemtype="{SCHEMA}/Brand">{meta("name", trader.name)}</div>\n'
        f'<div itemprop="offers" itemscope itemtype="{SCHEMA}/Offer">'
        f'<link itemprop="url" href="{escape(url)}">'
        f'<p class="price">{escape(money(listing.price, trader))}</p>'
        f'{meta("price", f"{listing.price:.2f}")}{meta("priceCurrency", trader.currency)}'
        f'<link itemprop="availability" href="{availability(listing)}">'
        f'<link itemprop="itemCondition" href="{SCHEMA}/NewCondition">'
        f'<p class="stock">{escape(stock)}</p>'
        f'<div itemprop="inventoryLevel" itemscope itemtype="{SCHEMA}/QuantitativeValue">'
        f'{meta("value", listing.quantity)}</div>'
        f'<div itemprop="seller" itemscope itemtype="{SCHEMA}/Organization">{meta("name", trader.name)}'
        f'<div itemprop="address" itemscope itemtype="{SCHEMA}/PostalAddress">'
        f'{meta("addressLocality", trader.city)}{meta("addressCountry", trader.country)}</div></div>'
        f"{ship}</div>\n"
        f'<div itemprop="description">{paragraphs(listing.description)}</div>\n'
        f'<p class="sku">SKU: {escape(listing.sku)}</p>\n'
        f"</article>"
    )


def plain_product(listing: DemoListing, trader: DemoTrader, shop_url: str) -> str:
    """Visible product content without structured data (JSON-LD pages carry it in <head>)."""
    labels = ui(trader)
    imgs = "".join(f'<img src="{escape(shop_url + p)}" alt="{escape(listing.title)}">'
                   for p in listing.images)
    old = (f'<del class="compare-at">{escape(money(listing.compare_at_price, trader))}</del> '
           if listing.compare_at_price is not None else "")
    stock = labels[1] if listing.available else labels[2]
    return (
        f'<article class="product">\n<h1>{escape(listing.title)}</h1>\n'
        f'<div class="gallery">{imgs}</div>\n'
        f'<p class="price">{old}{escape(money(listing.price, trader))}</p>\n'
        f'<p class="stock">{escape(stock)}</p>\n'
        f'<div class="description">{paragraphs(listing.description)}</div>\n'
        f'<p class="sku">SKU: {escape(listing.sku)}</p>\n'
        f'<form method="post" action="{escape(shop_url)}cart/add"><button type="submit"'
        f'{"" if listing.available else " disabled"}>{escape(labels[0])}</button></form>\n'
        f"</article>"
    )


# --------------------------------------------------------------------------- pages & sitemaps


def page(
    trader: DemoTrader, shop_url: str, title: str, body: str, *,
    canonical: str = "", ld: Iterable[dict[str, Any]] = (), head: str = "",
    crumbs: Iterable[tuple[str, str]] = (),
) -> str:
    labels = ui(trader)
    scripts = "".join(f'<script type="application/ld+json">{script_json(obj)}</script>\n' for obj in ld)
    trail = "".join(f'<li><a href="{escape(u)}">{escape(n)}</a></li>' for n, u in crumbs)
    canon = f'<link rel="canonical" href="{escape(canonical)}">\n' if canonical else ""
    nav = f'<nav class="breadcrumb"><ol>{trail}</ol></nav>' if trail else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(trader.language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} | {escape(trader.name)}</title>\n{canon}{head}{scripts}</head>\n"
        f'<body>\n<header><a class="logo" href="{escape(shop_url)}">{escape(trader.name)}</a>\n'
        f'<nav><a href="{escape(shop_url)}">{escape(labels[3])}</a> '
        f'<a href="{escape(shop_url)}about.html">{escape(labels[4])}</a> '
        f'<a href="{escape(shop_url)}contact.html">{escape(labels[5])}</a></nav></header>\n'
        f"{nav}\n"
        f"<main>\n{body}\n</main>\n"
        f"<footer><p>{escape(trader.name)} · {escape(trader.street)}, {escape(trader.postal_code)} "
        f"{escape(trader.city)} · {escape(trader.country)} · "
        f'<a href="mailto:{escape(trader.email)}">{escape(trader.email)}</a></p></footer>\n'
        f"</body>\n</html>\n"
    )


def urlset(entries: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f"<url><loc>{xml_escape(loc)}</loc><lastmod>{lastmod}</lastmod></url>\n"
                   for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')


def sitemap_index(entries: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f"<sitemap><loc>{xml_escape(loc)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
                   for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')


def utc_offset_hours(tz: str, when: datetime | None = None) -> float:
    now = when or datetime.now(ZoneInfo(tz))
    offset = now.astimezone(ZoneInfo(tz)).utcoffset() or timedelta(0)
    return offset.total_seconds() / 3600
