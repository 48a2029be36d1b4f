"""schema.org Product extraction, on real saved shop pages and on small pages written here.

The real pages are the Zyte product-extraction benchmark's (``jsonld/`` in the shared
corpus, see its SOURCES.md); their ground truth gives price, currency symbol and sku.
Where the schema.org data on a page says something else than the ground truth, the
difference is listed in ``GAPS`` with the reason, and the test asserts what we do
extract, so that a fix (or a regression) shows up as a failure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing, Trader
from crawler.normalise.price import currency_code
from crawler.pages.schema_org import URL_ID_PREFIX, parse_product, parse_product_page
from tests.conftest import read_fixture

GROUND_TRUTH = "zyte_product_extraction_benchmark_ground-truth.json"

#: Benchmark page -> the currency of the site's country (ground truth only has the symbol).
BENCHMARK = {
    "argos-co-uk__product-4667999__25910052ee_2020.html.gz": "GBP",
    "boscovs-com__shop-prod-sealy-soybean-nature-couture-crib-mattre__be99f19753_2020.html.gz": "USD",
    "currys-ie__ieen-computing-tablets-and-ereaders-tablets-apple-__9df72c4ef9_2020.html.gz": "EUR",
    "eduscho-at__umstandskleid-in-wickeloptik-p400138908-html__f45a21d268_2020.html.gz": "EUR",
    "emag-ro__whiskey-jack-daniel-s-single-barrel-45-0-7l-509987__2fa16d14a9_2020.html.gz": "RON",
    "ikea-com__gb-en-p-fjantig-hook-black-60347102__4f29e8cc08_2020.html.gz": "GBP",
    "ikea-com__gb-en-p-moeckelby-table-oak-00293772__0666abebc0_2020.html.gz": "GBP",
    "jumbo-ch__de-filzstift-fibralo-medium-24718__15944e4fe5_2020.html.gz": "CHF",
    "k-rauta-ee__p-robotniiduk-bosch-indego-400-400-m-db35__42b022ac44_2020.html.gz": "EUR",
    "leroymerlin-pl__ceramika-lazienkowa-wc-zestawy-podtynkowe-zestaw-p__4b3a17058e_2020.html.gz": "PLN",
    "mediamarkt-pt__products-micro-ondas-panasonic-nn-k35hwmebg-800w-2__4d2ce26fa4_2020.html.gz": "EUR",
    "otto-de__p-kaercher-hochdruckreiniger-k-3-full-control-8480__040c3ea5ea_2020.html.gz": "EUR",
    "paris-cl__consola-retro-tipo-joypad-sobremesa-ultra-mki6ikw1__0bf9a33384_2020.html.gz": "CLP",
    "zalando-ie__adidas-performance-terrex-adilette-pool-slides-ad5__644a6b0286_2020.html.gz": "EUR",
}

#: (page prefix, field) -> (what the page's schema.org data gives, why the ground truth differs).
GAPS: dict[tuple[str, str], tuple[Any, str]] = {
    ("argos", "sku"): (
        "4667999",
        "microdata sku is 4667999; ground truth is the displayed '466/7999'",
    ),
    ("boscovs", "sku"): (None, "microdata has no sku; ground truth comes from the URL / 'Item #'"),
    ("currys", "sku"): (
        "10206131",
        "JSON-LD sku is the product id; ground truth is the 'Product code'",
    ),
    ("eduscho", "sku"): (None, "JSON-LD has only mpn 378452; ground truth is the 'Bestellnummer'"),
    ("emag", "sku"): ("DWFWKMMBM", "JSON-LD sku is eMAG's part number; ground truth is the EAN"),
    ("mediamarkt", "sku"): (
        None,
        "no sku in JSON-LD or microdata; ground truth is from Shopify analytics",
    ),
    ("paris", "sku"): (
        "MKI6IKW1N4-1",
        "JSON-LD sku carries a '-1' variant suffix the ground truth drops",
    ),
    # Ground truth read the visible "$24.990" with "." as decimal point; in Chile "." groups
    # thousands and the peso has no cents. The JSON-LD says 24990 CLP, which is right.
    ("paris", "price"): (24990.0, "ground truth misreads '$24.990' (Chilean thousands separator)"),
    ("argos", "available"): (None, "microdata offer has no availability"),
    ("boscovs", "available"): (None, "microdata offer has no availability"),
    ("leroymerlin", "available"): (None, "microdata offer has no availability"),
}

#: The two pages outside the benchmark, checked by hand: url, price, currency, sku, title.
HAND_CHECKED = {
    "jossandmain_product_pendant_2019.html": (
        "https://www.jossandmain.com/lighting/pdx/duprey-4-light-lantern-pendant-j001109161.html",
        98.99,
        "USD",
        "J001109161",
        "Duprey 4-Light Lantern Pendant",
    ),
    "wayfair_product_armchair_2021.html": (
        "https://www.wayfair.com/furniture/pdp/wade-logan-penhook-2047-wide-armchair-w005759888.html",
        111.99,
        "USD",
        "W005759888",
        "Penhook 20.47'' Wide Armchair",
    ),
}

#: Titles checked by hand against the page's <h1>/<title> (entities decoded).
TITLES = {
    "argos": "TP-Link Tapo C200 Pan/Tilt 1080P Wi-Fi Smart Indoor Camera",
    "currys": '11" iPad Pro (2020) - 512 GB, Silver',  # JSON-LD has "11&quot; iPad"
    "otto": "KÄRCHER Hochdruckreiniger »K 3 Full Control«",
    "ikea-com__gb-en-p-moeckelby": "MÖCKELBY Table - oak 235x100 cm",
    "leroymerlin": "Zestaw podtynkowy WC SEREL GROHE",
    "jumbo": "Filzstift FIBRALO MEDIUM",
    "mediamarkt": "Microondas Panasonic NN-K35HWMEBG 800W 23L",
    "emag": "Whiskey Jack Daniel'S Single Barrel, 45%, 0.7l",
    "k-rauta": "Robotniiduk Bosch Indego 400, 400 m²",
    "zalando": "TERREX ADILETTE SLIDES - Pool slides - core black/footwear white",
}


def _truth(corpus: Path, name: str) -> dict[str, Any]:
    table = json.loads((corpus / "jsonld" / GROUND_TRUTH).read_text(encoding="utf-8"))
    (entry,) = [value for key, value in table.items() if f"__{key[:10]}_" in name]
    return entry


def _only_listing(items: list[Listing | Trader]) -> Listing:
    listings = [item for item in items if isinstance(item, Listing)]
    assert len(listings) == 1, [listing.title for listing in listings]
    return listings[0]


def _expect(name: str, field: str, truth: Any) -> Any:
    prefix = name.split("-")[0].split("__")[0]
    if (prefix, field) in GAPS:
        value, _why = GAPS[(prefix, field)]
        assert value != truth, f"stale GAPS entry for {prefix}.{field}: ground truth is now met"
        return value
    return truth


@pytest.mark.parametrize("name", sorted(BENCHMARK))
def test_benchmark_page_matches_ground_truth(corpus: Path, name: str) -> None:
    truth = _truth(corpus, name)
    listing = _only_listing(
        parse_product_page(truth["url"], read_fixture(corpus / "jsonld" / name))
    )
    assert listing.price == _expect(name, "price", float(truth["price"][0]))
    assert listing.sku == _expect(name, "sku", truth["sku"][0])
    assert listing.available is _expect(
        name, "available", truth["availability"] == ["InStock"] or None
    )
    site_currency = BENCHMARK[name]
    assert currency_code(truth["currency"][0], site_currency) == site_currency
    assert listing.currency == site_currency
    assert listing.url == truth["url"] and listing.platform == "schema.org"
    assert listing.listing_id == (listing.sku or listing.listing_id)
    assert listing.title and listing.title == listing.title.strip()


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_pages(corpus: Path, name: str) -> None:
    url, price, currency, sku, title = HAND_CHECKED[name]
    listing = _only_listing(parse_product_page(url, read_fixture(corpus / "jsonld" / name)))
    assert (listing.price, listing.currency, listing.sku, listing.title) == (
        price,
        currency,
        sku,
        title,
    )
    assert listing.marketplace == url.split("/")[2].removeprefix("www.")
    assert listing.available is True and listing.listing_id == sku


@pytest.mark.parametrize(("prefix", "title"), sorted(TITLES.items()))
def test_titles(corpus: Path, prefix: str, title: str) -> None:
    (name,) = [name for name in BENCHMARK if name.startswith(prefix)]
    listing = _only_listing(
        parse_product_page(_truth(corpus, name)["url"], read_fixture(corpus / "jsonld" / name))
    )
    assert listing.title == title


def test_page_details_beyond_the_ground_truth(corpus: Path) -> None:
    def page(prefix: str) -> list[Listing | Trader]:
        (name,) = [name for name in BENCHMARK if name.startswith(prefix)]
        return parse_product_page(
            _truth(corpus, name)["url"], read_fixture(corpus / "jsonld" / name)
        )

    emag_listing, emag_trader = page("emag")  # offers.seller is a bare name
    assert isinstance(emag_trader, Trader) and isinstance(emag_listing, Listing)
    assert (emag_trader.seller_key, emag_trader.display_name, emag_trader.platform) == (
        "emag",
        "eMAG",
        "schema.org",
    )
    assert emag_listing.seller_key == "emag" and emag_listing.marketplace == "emag.ro"
    jumbo = _only_listing(page("jumbo"))  # price in priceSpecification, category "A/B/C"
    assert jumbo.category_path == [
        "DECO",
        "Creativzone",
        "Papeterie",
        "Stifte",
        "Schreiber",
        "Marker",
    ]
    otto = _only_listing(
        page("otto")
    )  # category from the page's BreadcrumbList, "Startseite" dropped
    assert otto.category_path == ["Baumarkt", "Reinigungsgeräte", "Hochdruckreiniger"]
    currys = _only_listing(page("currys"))  # entity-escaped HTML in JSON-LD becomes text
    assert currys.description and currys.description.startswith(
        "Transform your iPad into a laptop\n"
    )
    assert "<" not in currys.description and "&" not in currys.description
    mediamarkt = _only_listing(
        page("mediamarkt")
    )  # JSON-LD (in itemReviewed) merged with microdata
    assert mediamarkt.listing_id.startswith(URL_ID_PREFIX)
    assert mediamarkt.available is True and mediamarkt.image_urls[0].startswith(
        "https://cdn.shopify.com/"
    )
    argos = _only_listing(
        page("argos")
    )  # related-product microdata with a link as "name" is skipped
    assert argos.category_path == ["Technology", "Smart home technology", "Smart home monitoring"]
    zalando = _only_listing(page("zalando"))  # one size in stock of four
    assert zalando.available is True and zalando.image_urls[0].startswith("https://img01.ztat.net/")


def test_listing_id_without_sku_hashes_the_canonical_link(corpus: Path) -> None:
    (name,) = [name for name in BENCHMARK if name.startswith("boscovs")]
    body = read_fixture(corpus / "jsonld" / name)
    canonical = (
        "https://www.boscovs.com/shop/prod/sealy-soybean-nature-couture-crib-mattress/418295.htm"
    )
    from_ad = _only_listing(parse_product_page(_truth(corpus, name)["url"], body))  # utm_* query
    direct = _only_listing(parse_product_page(canonical, body))
    assert from_ad.listing_id == direct.listing_id and from_ad.listing_id.startswith(URL_ID_PREFIX)
    assert (from_ad.url, direct.url) == (_truth(corpus, name)["url"], canonical)  # url as given


def test_ebay_2020_item_nested_offer_and_location(corpus: Path) -> None:
    name = "ebay_item_ebay-co-uk__143863282131__359ca699f8_2020.html.gz"
    listing = _only_listing(
        parse_product_page(
            "https://www.ebay.co.uk/itm/143863282131", read_fixture(corpus / "ebay" / name)
        )
    )
    # Offer inside an Offer; availableAtOrFrom is the text "Ballycastle, United Kingdom"
    assert (listing.price, listing.currency, listing.available) == (115.0, "GBP", True)
    assert (listing.ships_from, listing.condition) == ("GB", "used")


def test_craigslist_search_page_gives_one_listing_per_product(corpus: Path) -> None:
    url = "https://boston.craigslist.org/search/sss"
    items = parse_product_page(
        url, read_fixture(corpus / "craigslist" / "craigslist-search-results-sample_2023.html")
    )
    listings = [item for item in items if isinstance(item, Listing)]
    assert len(listings) > 100 and len({listing.listing_id for listing in listings}) == len(
        listings
    )
    first = listings[0]
    assert (first.title, first.price, first.currency) == (
        "Kids Lange Ski Boots Size 20.5",
        50.0,
        "USD",
    )
    assert first.ships_from == "US"  # addressCountry "" but "Boxford, MA"
    assert first.category_path == []  # the page's breadcrumb is not the product's category


def test_etsy_product_dicts(corpus: Path) -> None:
    data = json.loads(
        (corpus / "scrapfly_outputs" / "scrapfly_etsy_products.json").read_text(encoding="utf-8")
    )
    stand, _, desk = (parse_product(product, product["url"])[0] for product in data)
    assert isinstance(stand, Listing) and isinstance(desk, Listing)
    assert (stand.price, stand.currency, stand.sku, stand.ships_from) == (
        72.0,
        "USD",
        "949905096",
        "PL",
    )
    assert stand.category_path == ["Electronics & Accessories", "Docking & Stands", "Stands"]
    assert stand.image_urls[0].endswith(
        "il_fullxfull.4369079578_p74k.jpg"
    )  # ImageObject.contentURL
    assert stand.marketplace == "etsy.com" and stand.listing_id == "949905096"
    assert (desk.price, desk.ships_from, desk.available) == (164.0, "US", True)


GRAPH_PAGE = """<html><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "Organization", "@id": "https://kwekerij.example/#org",
   "name": "Kwekerij De Tulp &amp; Zn",
   "url": "/over-ons", "address": {"@type": "PostalAddress", "addressCountry": "Nederland"},
   "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.8", "ratingCount": "113"}},
  {"@type": "WebPage", "@id": "https://kwekerij.example/p/olijf#page",
   "mainEntity": {"@type": "Product", "name": "  Olea europaea &#39;Arbequina&#39; \\n 80 cm ",
     "productID": "OLV-80", "category": ["Planten", "Bomen"],
     "image": [{"@type": "ImageObject", "url": "/img/olijf.jpg"}, "/img/olijf.jpg"],
     "offers": {"@type": "Offer", "availability": "https://schema.org/OutOfStock",
       "itemCondition": "https://schema.org/NewCondition", "inventoryLevel": {"value": "0"},
       "priceSpecification": [
         {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice",
          "price": "59.00", "priceCurrency": "EUR"},
         {"@type": "UnitPriceSpecification", "price": "49,95", "priceCurrency": "EUR"}],
       "seller": {"@id": "https://kwekerij.example/#org"},
       "shippingDetails": [{"@type": "OfferShippingDetails",
         "shippingDestination": [{"@type": "DefinedRegion", "addressCountry": ["NL", "BE"]},
                                 {"@type": "DefinedRegion", "addressCountry": "Deutschland"}]}]}}}
]}</script></head><body></body></html>"""


def test_graph_with_main_entity_and_references() -> None:
    listing, trader = parse_product_page("https://www.kwekerij.example/p/olijf?ref=x", GRAPH_PAGE)
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.title == "Olea europaea 'Arbequina' 80 cm"
    assert (listing.listing_id, listing.sku) == ("OLV-80", None)
    assert (listing.price, listing.currency) == (
        49.95,
        "EUR",
    )  # the selling price, not the list price
    assert (listing.available, listing.quantity_available, listing.condition) == (False, 0, "new")
    assert listing.image_urls == ["https://www.kwekerij.example/img/olijf.jpg"]
    assert listing.category_path == ["Planten", "Bomen"]
    assert listing.ships_to == ["NL", "BE", "DE"] and listing.ships_from == "NL"  # seller's address
    assert (
        listing.marketplace == "kwekerij.example"
        and listing.url == "https://www.kwekerij.example/p/olijf?ref=x"
    )
    assert (trader.seller_key, trader.display_name, trader.country) == (
        "kwekerij-de-tulp-zn",
        "Kwekerij De Tulp & Zn",
        "NL",
    )
    assert trader.profile_url == "https://www.kwekerij.example/over-ons"
    assert (trader.rating, trader.feedback_count, trader.marketplace) == (
        0.96,
        113,
        "kwekerij.example",
    )
    assert listing.seller_key == trader.seller_key


def test_breadcrumb_without_home_and_product_crumbs() -> None:
    page = """<script type="application/ld+json">{"@type": "Product", "name": "Tomato 'Moneymaker'"}
    </script><script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": [
      {"@type": "ListItem", "position": 3, "name": "Tomato", "item": "/p/tomato?utm=x"},
      {"@type": "ListItem", "position": 1, "name": "Seeds Direct", "item": "https://seeds.example/"},
      {"@type": "ListItem", "position": 2, "name": "Vegetable seeds", "item": ""}]}</script>"""
    (listing,) = parse_product_page("https://seeds.example/p/tomato", page)
    assert isinstance(listing, Listing) and listing.category_path == ["Vegetable seeds"]


BROKEN_JSONLD_PAGE = """<html><head>
<script type="application/ld+json">{"@type": "Product", "name": "broken", </script>
</head><body><div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">Tomatensamen  Ochsenherz</h1><meta itemprop="sku" content="T-17">
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <span itemprop="price" content="2.95">2,95 €</span>
    <meta itemprop="priceCurrency" content="EUR">
    <link itemprop="availability" href="https://schema.org/InStock">
    <div itemprop="availableAtOrFrom">Standort: Berlin, Deutschland</div>
  </div></div></body></html>"""


def test_invalid_json_ld_does_not_hide_microdata() -> None:
    (listing,) = parse_product_page(
        "https://samen.example/tomate", BROKEN_JSONLD_PAGE.encode("utf-8")
    )
    assert isinstance(listing, Listing)
    assert (listing.title, listing.sku, listing.price, listing.currency) == (
        "Tomatensamen Ochsenherz",
        "T-17",
        2.95,
        "EUR",
    )
    assert (listing.available, listing.ships_from, listing.seller_key) == (True, "DE", None)


def test_one_broken_json_ld_block_does_not_hide_another() -> None:
    page = """<script type="application/ld+json">{oops</script>
    <script type="application/ld+json">{"@type": "ProductGroup", "name": "Hosta 'Sieboldiana'",
      "hasVariant": [{"@type": "Product", "name": "P9", "offers": {"@type": "Offer", "price": 4.5,
        "priceCurrency": "GBP", "availability": "SoldOut"}},
       {"@type": "Product", "name": "2 L", "offers": {"@type": "Offer", "price": "8.00",
        "priceCurrency": "GBP", "availability": "InStock"}}]}</script>"""
    (listing,) = parse_product_page("https://plants.example/hosta", page)
    assert isinstance(listing, Listing)
    assert (listing.title, listing.price, listing.currency, listing.available) == (
        "Hosta 'Sieboldiana'",
        8.0,
        "GBP",
        True,
    )
    assert listing.listing_id.startswith(URL_ID_PREFIX)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        "<html><body><h1>Nothing for sale</h1></body></html>",
        b"\x00\xff\xfe garbage",
        b'<script type="application/ld+json">{"@type": "Organization", "name": "Shop"}</script>',
        b'<script type="application/ld+json">{"@type": "Product", "offers": {"price": 3}}</script>',
        b'<script type="application/ld+json">[1, "two", null]</script>',
    ],
)
def test_pages_without_a_usable_product_give_nothing(body: bytes | str) -> None:
    assert parse_product_page("https://shop.example/", body) == []


def test_listing_id_is_stable_without_sku() -> None:
    page = '<script type="application/ld+json">{"@type": "Product", "name": "Rosa rugosa"}</script>'
    (first,) = parse_product_page("https://rosen.example/p/1", page)
    (again,) = parse_product_page("https://rosen.example/p/1", page)
    (other,) = parse_product_page("https://rosen.example/p/2", page)
    assert isinstance(first, Listing) and isinstance(again, Listing) and isinstance(other, Listing)
    assert first.listing_id == again.listing_id != other.listing_id
    assert (first.price, first.currency, first.available) == (None, None, None)
