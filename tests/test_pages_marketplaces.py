"""Amazon, Etsy and AliExpress page modules and bot-wall detection, on real saved pages.

Counts were taken by script and checked by hand against the saved pages; the field
values of the listings named below were read off the pages themselves. The 2020 Amazon
product pages are checked against the Zyte product-extraction benchmark's ground truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import Listing, Trader
from crawler.pages import PageError, aliexpress, amazon, etsy
from crawler.pages.blocked import detect_block
from tests.conftest import read_fixture

# --- Amazon -------------------------------------------------------------------------------


def test_amazon_search_page(corpus: Path) -> None:
    body = read_fixture(corpus / "amazon/amazon_de_search_katzenfutter_2022.html")
    page = amazon.parse_search("https://www.amazon.de/-/en/s?k=katzenfutter", body)
    # 60 result cards; B07D4RV7PQ is shown twice (as an ad and as an organic result).
    assert len(page.listings) == 59
    assert len({l.listing_id for l in page.listings}) == 59
    assert page.traders == []
    assert page.next_page == (
        "https://www.amazon.de/-/en/s?k=katzenfutter&page=2&crid=2FDO0AEHVMNTK&qid=1671168846"
        "&sprefix=katzenfutter%2Caps%2C88&ref=sr_pg_1"
    )
    by_id = {l.listing_id: l for l in page.listings}
    felix = page.listings[0]
    assert felix.listing_id == felix.sku == "B013JF5F0C"
    assert felix.title == "FELIX Countryside Sensations Dry Cat Food with Beef and Chicken, Pack of 1 (1 x 1 kg)"
    assert (felix.price, felix.currency) == (2.95, "EUR")  # not the RRP €3.39
    assert felix.url == "https://www.amazon.de/dp/B013JF5F0C"
    assert felix.image_urls == ["https://m.media-amazon.com/images/I/81j2n1ziQcL._AC_UL320_.jpg"]
    assert (felix.marketplace, felix.search_query, felix.platform) == ("amazon.de", "katzenfutter", "amazon")
    venandi = by_id["B0882C8FZ5"]
    assert venandi.title == "Venandi Animal Premium Dry Cat Food Salmon Grain Free with Lots of Fresh Salmon 1.5 kg"
    assert (venandi.price, venandi.currency) == (12.99, "EUR")  # "Was: €15.49" is not the price
    assert venandi.image_urls == ["https://m.media-amazon.com/images/I/61Td69cmbKL._AC_UL320_.jpg"]
    mjam = by_id["B07D4RV7PQ"]
    assert mjam.title.startswith("MjAMjAM Premium Wet Food for Cats – Quetschie – Delicious Beef")
    assert (mjam.price, mjam.currency) == (17.88, "EUR")
    # The one card without a price (a choice of varieties and sizes) has no price, not 0.
    whiskas = by_id["B019FILDS0"]
    assert whiskas.title == "Whiskas Cat Food Dry Adult 1+ Various Varieties and Sizes"
    assert (whiskas.price, whiskas.currency) == (None, None)
    assert [l.listing_id for l in page.listings if l.price is None] == ["B019FILDS0"]


@pytest.mark.parametrize(
    ("name", "url", "first", "last", "next_page"),
    [
        (
            "amazon_com_bestsellers_electronics_2026-03.html",
            "https://www.amazon.com/Best-Sellers-Electronics/zgbs/electronics/",
            ("B08JHCVHTY", "blink plus plan with monthly auto-renewal", 6765.0, "XOF"),
            ("B0CXGXT6W8", "JLab Go Air Pop+ True Wireless Earbuds, in Ear Headphones", 14101.0, "XOF"),
            "https://www.amazon.com/Best-Sellers-Electronics/zgbs/electronics/ref=zg_bs_pg_2_electronics"
            "?_encoding=UTF8&pg=2",
        ),
        (
            "amazon_com_bestsellers_tools_home_improvement_2022.html",
            "https://www.amazon.com/Best-Sellers-Tools-Home-Improvement/zgbs/hi/",
            ("B08N5NQ869", "Ring Video Doorbell - 1080p HD video, improved motion detection", 59.99, "USD"),
            ("B07WNRN9WQ", "Glocusent LED Neck Reading Light, Book Light for Reading in Bed", 19.99, "USD"),
            "https://www.amazon.com/Best-Sellers-Tools-Home-Improvement/zgbs/hi/ref=zg_bs_pg_2?_encoding=UTF8&pg=2",
        ),
    ],
)
def test_amazon_bestsellers_grid_in_rank_order(
    corpus: Path,
    name: str,
    url: str,
    first: tuple[str, str, float, str],
    last: tuple[str, str, float, str],
    next_page: str,
) -> None:
    page = amazon.parse_search(url, read_fixture(corpus / "amazon" / name))
    assert len(page.listings) == 30  # ranks #1 to #30
    assert all(l.price is not None for l in page.listings)
    for listing, (asin, title, price, currency) in ((page.listings[0], first), (page.listings[-1], last)):
        assert listing.listing_id == asin
        assert listing.title.startswith(title)
        assert (listing.price, listing.currency) == (price, currency)
        assert listing.url == f"https://www.amazon.com/dp/{asin}"
        assert listing.image_urls[0].startswith("https://images-na.ssl-images-amazon.com/images/I/")
    assert page.next_page == next_page


def test_amazon_bestsellers_third_rank(corpus: Path) -> None:
    body = read_fixture(corpus / "amazon/amazon_com_bestsellers_tools_home_improvement_2022.html")
    third = amazon.parse_search("https://www.amazon.com/zgbs/hi/", body).listings[2]
    assert third.listing_id == "B0932M1666"
    assert third.title.startswith("Tenmiro Led Lights for Bedroom 100ft (2 Rolls of 50ft) Music Sync")
    assert (third.price, third.currency) == (19.99, "USD")


def _ground_truth(corpus: Path) -> dict[str, dict[str, object]]:
    data = json.loads((corpus / "jsonld/zyte_product_extraction_benchmark_ground-truth.json").read_text())
    return {key[:10]: value for key, value in data.items()}


_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR"}


@pytest.mark.parametrize(
    "name",
    [
        "amazon_product_amazon-co-uk__B004SNMXRS__27021c0c0a_2020.html.gz",
        "amazon_product_amazon-com__B01GOH7PKA__01efbb7479_2020.html.gz",
        "amazon_product_amazon-com__B081ZQK4BZ__b03d8c978c_2020.html.gz",
        "amazon_product_amazon-de__B006V2OP48__95f9586d43_2020.html.gz",
    ],
)
def test_amazon_product_matches_ground_truth(corpus: Path, name: str) -> None:
    truth = _ground_truth(corpus)[name.split("__")[2][:10]]
    items = amazon.parse_product(str(truth["url"]), read_fixture(corpus / "amazon" / name))
    listing = items[0]
    assert isinstance(listing, Listing)
    assert listing.price == float(truth["price"][0])  # type: ignore[index]
    assert listing.currency == _SYMBOLS[truth["currency"][0]]  # type: ignore[index]
    assert listing.sku == listing.listing_id == truth["sku"][0]  # type: ignore[index]
    assert listing.url == truth["url"]


def test_amazon_product_third_party_seller(corpus: Path) -> None:
    body = read_fixture(corpus / "amazon/amazon_product_amazon-com__B01GOH7PKA__01efbb7479_2020.html.gz")
    listing, trader = amazon.parse_product("https://www.amazon.com/dp/B01GOH7PKA", body)
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.title.startswith("Gothamite 36-inch Rolling Duffle Bag with Wheels")
    assert listing.available is True  # "In Stock."
    assert listing.category_path == ["Clothing, Shoes & Jewelry", "Luggage & Travel Gear", "Travel Duffels"]
    assert (trader.seller_key, trader.display_name) == ("A11W14YSY5BZ5H", "Gothamite")
    assert trader.profile_url == "https://www.amazon.com/sp?seller=A11W14YSY5BZ5H"
    assert listing.seller_key == trader.seller_key


def test_amazon_product_sold_by_amazon_not_the_used_offer(corpus: Path) -> None:
    # The main buy box says "Dispatched from and sold by Amazon."; the "Amazon Warehouse"
    # seller link belongs to the used offer next to it.
    body = read_fixture(corpus / "amazon/amazon_product_amazon-co-uk__B004SNMXRS__27021c0c0a_2020.html.gz")
    listing, trader = amazon.parse_product("https://www.amazon.co.uk/dp/B004SNMXRS", body)
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.title == "Tefal 5 Piece, Essential, Pots and Pans Set, Black, Aluminium, Non Stick"
    assert (trader.seller_key, trader.display_name) == ("amazon", "Amazon")
    assert listing.available is True  # "In stock."


def test_amazon_product_digital_music_page(corpus: Path) -> None:
    body = read_fixture(corpus / "amazon/amazon_product_amazon-com__B081ZQK4BZ__b03d8c978c_2020.html.gz")
    (listing,) = amazon.parse_product("https://www.amazon.com/dp/B081ZQK4BZ", body)
    assert isinstance(listing, Listing)
    assert listing.title == "The Movement Revisited: A Musical Portrait of Four Icons"


def test_amazon_product_current_layout(corpus: Path) -> None:
    body = read_fixture(corpus / "amazon/amazon_com_product_sunglasses_2025-07.html")
    url = "https://www.amazon.com/SOAR-EAGLE-Polarized-sunglasses-Fashion/dp/B0BVZ7LS9N"
    listing, trader = amazon.parse_product(url, body)
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.listing_id == "B0BVZ7LS9N"  # the variant on show, not the canonical parent
    assert listing.title == (
        "SOAR&EAGLE Y2K 3Pack Polarized sunglasses Wrap Around Men's Women's sunglasses Fashion Sport Shades"
        " Sun Glasses"
    )
    assert (listing.price, listing.currency, listing.available) == (14.99, "USD", True)
    assert listing.image_urls == ["https://m.media-amazon.com/images/I/61C4dLgX06L._AC_SL1500_.jpg"]
    assert (trader.seller_key, trader.display_name) == ("A1OADAD15ODE5G", "TURBO EYEWEAR")
    assert listing.ships_from is None  # "Ships from Amazon" names no country


def test_amazon_page_that_is_not_a_product() -> None:
    assert amazon.parse_product("https://www.amazon.de/dp/B000000000", b"<html><body>Hi</body></html>") == []
    empty = amazon.parse_search("https://www.amazon.de/s?k=x", b"<html></html>")
    assert (empty.listings, empty.next_page) == ([], None)


# --- Etsy ---------------------------------------------------------------------------------


def test_etsy_listing_page(corpus: Path) -> None:
    body = read_fixture(corpus / "etsy/etsy_listing_es_calabaza_doormat_2022.html")
    url = "https://www.etsy.com/es/listing/550571276/el-original-he-y-hay-calabaza-decoracion"
    listing, trader = etsy.parse_listing(url, body)
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.listing_id == "550571276"
    assert listing.url == "https://www.etsy.com/listing/550571276"
    assert listing.title.startswith("EL original he y hay calabaza / decoración de otoño")
    assert (listing.price, listing.currency, listing.available) == (43.9, "EUR", True)
    assert listing.ships_from == "US"  # "Se envía desde Estados Unidos"
    assert listing.category_path == ["Hogar y decoración", "Decoración del hogar"]
    assert (listing.marketplace, listing.platform) == ("etsy.com", "etsy")
    assert (trader.seller_key, trader.display_name) == ("12418300", "OliveCreativeCompany")
    assert trader.profile_url == "https://www.etsy.com/shop/OliveCreativeCompany"
    assert listing.seller_key == trader.seller_key


#: An Open API v3 ``GET /v3/application/listings/active?keywords=...`` answer, written for this
#: test with the field names of Etsy's public API reference (ShopListing, Money).
_ETSY_API = {
    "count": 57,
    "results": [
        {
            "listing_id": 1234567890,
            "user_id": 55501,
            "shop_id": 30001,
            "title": "Monstera deliciosa &quot;Thai Constellation&quot; rooted cutting",
            "description": "Rooted cutting in a 9 cm pot.\nShipped bare-root <3",
            "state": "active",
            "quantity": 4,
            "url": "https://www.etsy.com/listing/1234567890/monstera-deliciosa-thai-constellation",
            "price": {"amount": 4599, "divisor": 100, "currency_code": "USD"},
            "taxonomy_id": 1059,
            "tags": ["monstera", "houseplant"],
        },
        {
            "listing_id": 1234567891,
            "shop_id": 30002,
            "title": "Heirloom tomato seeds, 50 seeds",
            "description": "Saved from our own garden.",
            "state": "sold_out",
            "quantity": 0,
            "url": "https://www.etsy.com/listing/1234567891/heirloom-tomato-seeds",
            "price": {"amount": 350, "divisor": 100, "currency_code": "EUR"},
            "shipping_profile": {"origin_country_iso": "DE"},
            "shop": {"shop_id": 30002, "shop_name": "SaatgutGarten", "review_average": 4.9, "review_count": 211},
        },
        {"listing_id": 1234567892, "shop_id": 30001, "title": "", "price": None},
    ],
}


def test_etsy_open_api_listings() -> None:
    url = "https://openapi.etsy.com/v3/application/listings/active?keywords=monstera&limit=3"
    page = etsy.parse_open_api_listings(url, json.dumps(_ETSY_API).encode())
    assert [l.listing_id for l in page.listings] == ["1234567890", "1234567891"]  # the untitled one dropped
    monstera, seeds = page.listings
    assert monstera.title == 'Monstera deliciosa "Thai Constellation" rooted cutting'
    assert monstera.description == "Rooted cutting in a 9 cm pot.\nShipped bare-root <3"
    assert (monstera.price, monstera.currency) == (45.99, "USD")
    assert (monstera.quantity_available, monstera.available) == (4, True)
    assert (monstera.seller_key, monstera.search_query, monstera.ships_from) == ("30001", "monstera", None)
    assert monstera.url == "https://www.etsy.com/listing/1234567890/monstera-deliciosa-thai-constellation"
    assert (seeds.price, seeds.currency, seeds.available, seeds.ships_from) == (3.5, "EUR", False, "DE")
    assert [t.seller_key for t in page.traders] == ["30001", "30002"]
    shop = page.traders[1]
    assert (shop.display_name, shop.profile_url) == ("SaatgutGarten", "https://www.etsy.com/shop/SaatgutGarten")
    assert (shop.rating, shop.feedback_count) == (0.98, 211)
    assert page.next_page == (
        "https://openapi.etsy.com/v3/application/listings/active?keywords=monstera&limit=3&offset=3"
    )


def test_etsy_open_api_last_page_and_errors() -> None:
    url = "https://openapi.etsy.com/v3/application/listings/active"
    body = json.dumps({"count": 1, "results": _ETSY_API["results"][:1]})  # type: ignore[index]
    assert etsy.parse_open_api_listings(url, body).next_page is None
    with pytest.raises(PageError):
        etsy.parse_open_api_listings(url, b"<html>")
    with pytest.raises(PageError):
        etsy.parse_open_api_listings(url, b'{"error": "x"}')


# --- AliExpress ---------------------------------------------------------------------------


def test_aliexpress_ru_search_page_cards(corpus: Path) -> None:
    body = read_fixture(corpus / "aliexpress/aliexpress_ru_search_naushniki_2025-07.html")
    url = "https://aliexpress.ru/popular/%D0%BD%D0%B0%D1%83%D1%88%D0%BD%D0%B8%D0%BA%D0%B8"
    page = aliexpress.parse_search(url, body)
    # 45 server-rendered cards; three products are shown twice (once as "Recommended").
    assert len(page.listings) == 42
    assert page.next_page is not None and "page=2" in page.next_page
    xiaomi, _, sport = page.listings[:3]
    assert xiaomi.listing_id == "1005008813973992"
    assert xiaomi.url == "https://aliexpress.ru/item/1005008813973992.html"
    assert xiaomi.title.startswith("Xiaomi Bluetooth Wireless Earphones Sleek Design Superior Sound Quality")
    assert (xiaomi.price, xiaomi.currency, xiaomi.quantity_sold) == (4.68, "GEL", 332)  # not the old 10.88
    assert xiaomi.image_urls[0] == "https://ae04.alicdn.com/kf/S3f92057b4b3f46a1a9806e3c06fe8d16r.jpg_480x480.jpg"
    assert len(xiaomi.image_urls) == 7
    assert (xiaomi.marketplace, xiaomi.search_query, xiaomi.platform) == ("aliexpress.ru", "наушники", "aliexpress")
    assert sport.title.startswith("Sport HiFi Headphones with Mic Bass Wired In-Ear Earbuds")
    assert (sport.price, sport.quantity_sold) == (6.64, 1663)  # "1 663 sold"
    last = page.listings[-1]
    assert last.listing_id == "1005008667554902"
    assert (last.price, last.currency, last.quantity_sold) == (24.72, "GEL", 60)
    # A card without a "sold" line has no count rather than 0.
    p9 = next(l for l in page.listings if l.listing_id == "1005009075964452")
    assert (p9.price, p9.quantity_sold) == (40.36, None)


def test_aliexpress_page_without_data_needs_javascript() -> None:
    with pytest.raises(PageError, match="needs JavaScript rendering"):
        aliexpress.parse_search("https://www.aliexpress.com/w/wholesale-seeds.html", b"<html><div id=root></div>")


def test_aliexpress_embedded_init_data() -> None:
    item = {
        "productId": "1005001",
        "title": {"displayTitle": "100 pcs Bonsai seeds"},
        "prices": {"salePrice": {"currencyCode": "EUR", "minPrice": 1.5, "formattedPrice": "€1,50"}},
        "trade": {"tradeDesc": "1,000+ sold"},
        "image": {"imgUrl": "//ae01.alicdn.com/kf/x.jpg"},
        "store": {"storeId": 9911, "storeName": "Garden Seeds Store", "storeUrl": "//www.aliexpress.com/store/9911"},
    }
    data = {"data": {"root": {"fields": {"mods": {"itemList": {"content": [item]}}}}}}
    body = f"<script>window._dida_config_._init_data_ = {json.dumps(data)};</script>".encode()
    page = aliexpress.parse_search("https://www.aliexpress.com/w/wholesale-bonsai-seeds.html", body)
    (listing,) = page.listings
    assert (listing.listing_id, listing.title, listing.price, listing.currency) == (
        "1005001",
        "100 pcs Bonsai seeds",
        1.5,
        "EUR",
    )
    assert (listing.quantity_sold, listing.search_query) == (1000, "bonsai seeds")
    assert listing.image_urls == ["https://ae01.alicdn.com/kf/x.jpg"]
    (trader,) = page.traders
    assert (trader.seller_key, trader.display_name, listing.seller_key) == ("9911", "Garden Seeds Store", "9911")
    assert trader.profile_url == "https://www.aliexpress.com/store/9911"


def test_aliexpress_search_items_from_scrapfly(corpus: Path) -> None:
    items = json.loads((corpus / "scrapfly_outputs/scrapfly_aliexpress_search.json").read_text())
    page = aliexpress.parse_search_items(items, "https://www.aliexpress.com/w/wholesale-drill.html")
    assert len(page.listings) == 120
    assert all(l.price is not None and l.currency == "USD" for l in page.listings)
    drill = page.listings[0]
    assert drill.listing_id == "3256809260449850"
    assert drill.title.startswith("Multifunctional 21V rechargeable impact drill lithium battery")
    assert (drill.price, drill.currency, drill.quantity_sold, drill.ships_from) == (23.29, "USD", 84, "US")
    assert drill.image_urls == ["https://ae-pic-a1.aliexpress-media.com/kf/S7eb0b80475ca40e691cfd371ac97ed024.jpg"]
    assert drill.url == "https://www.aliexpress.com/item/3256809260449850.html"
    dewalt = page.listings[7]
    assert dewalt.title.startswith("DEWALT DCD805 20V Power Tools Brushless Impact Drill")
    assert (dewalt.price, dewalt.quantity_sold) == (36.36, None)  # no "sold" line
    step_bits = page.listings[11]
    assert step_bits.listing_id == "3256807629457972"
    assert (step_bits.price, step_bits.quantity_sold) == (1.33, 5000)  # "5,000+ sold"
    assert {l.ships_from for l in page.listings} == {"CN", "US", "GB"}


# --- Bot walls ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "reason"),
    [
        ("etsy_search_datadome_captcha_2026-03.html", "https://www.etsy.com/search?q=x", "DataDome captcha"),
        (
            "walmart_robot-or-human_perimeterx_2026-03.html",
            "https://www.walmart.com/search?q=x",
            'PerimeterX (HUMAN) captcha: "Robot or human?"',
        ),
        (
            "ebay_com_bot-block_pardon-our-interruption_2025-10.html",
            "https://www.ebay.com/sch/i.html?_nkw=x",
            'bot check: "Pardon Our Interruption"',
        ),
    ],
)
def test_bot_walls_are_recognised(corpus: Path, name: str, url: str, reason: str) -> None:
    body = read_fixture(corpus / "blocked_pages" / name)
    assert detect_block(url, 200, body) == reason
    assert detect_block(url, 403, body, {"Content-Type": "text/html"}) == reason


def test_no_false_alarm_on_ordinary_pages(corpus: Path) -> None:
    folders = ("ebay", "amazon", "jsonld", "etsy", "aliexpress", "craigslist", "classifieds")
    pages = [p for folder in folders for p in sorted((corpus / folder).glob("*.htm*"))]
    assert len(pages) >= 40
    alarms = {p.name: detect_block("https://example.com/", 200, read_fixture(p)) for p in pages}
    assert {name: reason for name, reason in alarms.items() if reason} == {}


def test_block_from_status_and_headers() -> None:
    assert detect_block("https://www.etsy.com/", 403, b"", {"X-DataDome": "protected"}) == "DataDome block (HTTP 403)"
    assert detect_block("https://www.etsy.com/", 200, b"<html></html>", {"X-DataDome": "protected"}) is None
    assert detect_block("https://x.example/", 429, b"") == "rate limited (HTTP 429 Too Many Requests)"
    assert detect_block("https://x.example/", 200, b"<title>Captcha tips for gardeners</title>") is None
