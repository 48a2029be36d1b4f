"""Classified-ad page modules (Craigslist, Facebook Marketplace, leboncoin) on real saved pages.

The Craigslist and Facebook pages are hyacinth's test pages and two Zyte benchmark
postings (``craigslist/``, ``facebook_marketplace/`` in the shared corpus, see its
SOURCES.md). leboncoin has no saved page: its ads are tested as another tool copied
them out of ``__NEXT_DATA__`` (``scrapfly_outputs/``), and the page around them on a
small page written here. Counts were taken by hand from the pages (result cards with a
``data-pid``, ``marketplace_listing_title`` entries, ads in the list).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import Listing, Trader
from crawler.normalise.price import currency_code
from crawler.pages import PageError, craigslist, facebook, leboncoin
from crawler.pages.search import SearchPage
from tests.conftest import read_fixture

CL_SEARCH = "https://boston.craigslist.org/search/sss"


def _page(corpus: Path, name: str) -> bytes:
    return read_fixture(corpus / name)


# --- Craigslist ---------------------------------------------------------------------------


def test_craigslist_search_page(corpus: Path) -> None:
    page = craigslist.parse_search(CL_SEARCH, _page(corpus, "craigslist/craigslist-search-results-sample_2023.html"))
    assert isinstance(page, SearchPage)
    assert len(page.listings) == 120  # "1 - 120 of >10,000"
    assert len({l.listing_id for l in page.listings}) == 120
    assert page.traders == []  # Craigslist does not show who posts
    assert page.next_page == "https://boston.craigslist.org/search/sss?s=120"
    by_id = {l.listing_id: l for l in page.listings}

    tea = page.listings[0]
    assert tea.listing_id == "7692736931"
    assert tea.url == "https://boston.craigslist.org/nos/for/d/peabody-solar-tea-light/7692736931.html"
    assert (tea.title, tea.price, tea.currency, tea.ships_from) == ("Solar tea light", 5.0, "USD", "US")
    assert tea.image_urls[0] == "https://images.craigslist.org/00L0L_20Tz7LpfcXD_0dp0t2_600x450.jpg"
    assert len(tea.image_urls) == 4  # from the JSON-LD list, matched by title
    assert (tea.marketplace, tea.seller_key, tea.platform) == ("craigslist.org", None, "craigslist")

    wine = by_id["7692736836"]  # no picture
    assert wine.title == "Alessi “Noe” and Santa Margherita Modular Wine Rack/Bottle Holder."
    assert (wine.price, wine.currency, wine.image_urls) == (25.0, "USD", [])
    assert wine.url == "https://boston.craigslist.org/sob/hsh/d/pembroke-alessi-noe-and-santa/7692736836.html"

    troy = by_id["7684409287"]
    assert (troy.title, troy.price) == ("Troy Bilt leaf vacuum/shredder", 300.0)
    assert len(troy.image_urls) == 11
    assert [l.price for l in page.listings[:10]] == [
        5,
        75,
        300,
        55,
        50,
        25,
        300,
        15,
        3200,
        5000,
    ]


def test_craigslist_last_search_page_has_no_next(corpus: Path) -> None:
    page = craigslist.parse_search(
        f"{CL_SEARCH}?query=aaa",
        _page(corpus, "craigslist/craigslist-search-results-last-page-sample_2023.html"),
    )
    assert page.next_page is None  # "121 - 124 of 124", next button disabled
    assert [(l.listing_id, l.title, l.price) for l in page.listings] == [
        ("7637945164", "Roku voice remote", 20.0),
        ("7637570351", "Gaming Computer - Desktop", 600.0),
        ("7637552136", "Britax Stroller Organizer, Snack tray, Hooks, Leash for 2 Baby monitor", 15.0),
        ("7626251518", "Terminator 2 Judgement Day T2 T-800 Endoskull Schwarzenegger 6 DVD set", 300.0),
    ]
    roku = page.listings[0]
    assert roku.url == "https://boston.craigslist.org/gbs/ele/d/lowell-roku-voice-remote/7637945164.html"
    # the saved page points its pictures at local files; the JSON-LD keeps the real ones
    assert roku.image_urls[0] == "https://images.craigslist.org/00A0A_i7yoQeUOYXo_0t20Cz_600x450.jpg"
    assert {l.ships_from for l in page.listings} == {"US"}


def test_craigslist_posting_with_price(corpus: Path) -> None:
    url = "https://boston.craigslist.org/nos/for/d/peabody-solar-tea-light/7692736931.html"
    items = craigslist.parse_posting(url, _page(corpus, "craigslist/craigslist-result-details-sample_2023.html"))
    assert len(items) == 1 and isinstance(items[0], Listing)  # no Trader: see module doc
    tea = items[0]
    assert (tea.listing_id, tea.url, tea.title) == ("7692736931", url, "Solar tea light")
    assert (tea.price, tea.currency, tea.ships_from) == (5.0, "USD", "US")
    assert tea.description == "Small solar tea light new inbox"
    assert len(tea.image_urls) == 4
    assert tea.category_path == ["boston", "north shore", "for sale by owner", "general for sale"]
    assert tea.seller_key is None


def test_craigslist_posting_without_price_is_none_not_zero(corpus: Path) -> None:
    body = _page(corpus, "craigslist/craigslist-result-details-no-price-sample_2023.html")
    url = "https://boston.craigslist.org/nos/mcd/d/salem-2019-suzuki-dr650-skuuk-ca-suzuki/7647523987.html"
    [bike] = craigslist.parse_posting(url, body)
    assert isinstance(bike, Listing)
    assert (bike.price, bike.currency) == (None, None)
    assert bike.listing_id == "7647523987"
    assert bike.title == "2019 Suzuki DR650 SKU:UK2101120-CA Suzuki DR650"
    assert bike.description is not None
    assert bike.description.startswith("Nault's Windham Motorcycles\n")
    assert "QR Code" not in bike.description
    assert bike.ships_from == "US"  # geo.region US-MA
    assert bike.category_path[2] == "for sale by dealer"
    assert len(bike.image_urls) == 2
    assert craigslist.other_postings_url(url, body) == (
        "https://boston.craigslist.org/search/sss?userpostingid=7647523987"
    )


def test_craigslist_posting_single_image_and_updated(corpus: Path) -> None:
    [kz] = craigslist.parse_posting(
        "https://boston.craigslist.org/sob/mcy/d/plymouth-1981-kawasaki-kz75oh/7647759587.html",
        _page(corpus, "craigslist/craigslist-result-details-single-image-sample_2023.html"),
    )
    assert isinstance(kz, Listing)
    assert (kz.title, kz.price, kz.currency, kz.condition) == ("1981 Kawasaki KZ75OH", 500.0, "USD", "fair")
    assert kz.image_urls == ["https://images.craigslist.org/00N0N_chjyoxN0KD1_0CI0mC_600x450.jpg"]
    [lg] = craigslist.parse_posting(
        "https://boston.craigslist.org/bmw/ele/d/sudbury-24-lg-monitors-in-excellent/7643980056.html",
        _page(corpus, "craigslist/craigslist-result-details-with-update-sample_2023.html"),
    )
    assert isinstance(lg, Listing)
    assert (lg.listing_id, lg.price, lg.condition) == ("7643980056", 90.0, "like new")
    assert lg.description == "2 24” LG Monitors in Excellent Condition. $90 ea. or $170 for both."
    assert lg.image_urls == [
        "https://images.craigslist.org/01515_dG7yMR58uEU_0t20CI_600x450.jpg",
        "https://images.craigslist.org/00e0e_gGoMol2VT1H_0t20CI_600x450.jpg",
    ]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        (
            "craigslist_listing_birmingham-craigslist-org__grd-d-birmingham-metal-garage-4mx5m-13ftx17ft-7221__d932425d85_2020.html.gz",
            "Metal garage 4mx5m 13ftx17ft Matt black | Cheap steel garages",
        ),
        (
            "craigslist_listing_manchester-craigslist-org__app-d-salford-indesit-washing-machine-6kg-72352166__3d3ee8ebe1_2020.html.gz",
            "Indesit Washing Machine 6kg",
        ),
    ],
)
def test_craigslist_2020_postings_match_the_ground_truth(corpus: Path, name: str, title: str) -> None:
    truth_all = json.loads((corpus / "jsonld/zyte_product_extraction_benchmark_ground-truth.json").read_text())
    [truth] = [v for k, v in truth_all.items() if k.startswith(name.rsplit("__", 1)[1][:10])]
    [posting] = craigslist.parse_posting(truth["url"], _page(corpus, f"craigslist/{name}"))
    assert isinstance(posting, Listing)
    assert posting.title == title
    assert posting.price == float(truth["price"][0])
    assert posting.currency == currency_code(truth["currency"][0]) == "GBP"
    assert posting.listing_id == truth["sku"][0]
    assert posting.url == truth["url"]
    assert posting.ships_from == "GB"  # a UK site: birmingham / manchester.craigslist.org


def test_craigslist_site_host_gives_the_country_when_the_page_does_not() -> None:
    result = (
        '<li class="cl-search-result" data-pid="7000000001" title="Hosta plants">'
        '<a class="posting-title" href="/grd/d/hosta/7000000001.html">x</a>'
        '<span class="priceinfo">£4</span></li>'
    )
    page = craigslist.parse_search("https://manchester.craigslist.org/search/sss?query=hosta", result)
    [hosta] = page.listings
    assert (hosta.ships_from, hosta.price, hosta.currency) == ("GB", 4.0, "GBP")
    assert hosta.url == "https://manchester.craigslist.org/grd/d/hosta/7000000001.html"
    assert page.next_page is None
    assert craigslist.parse_posting("https://boston.craigslist.org/", "<html></html>") == []


# --- Facebook Marketplace ---------------------------------------------------------------


def test_facebook_search_page(corpus: Path) -> None:
    page = facebook.parse_search(
        "https://www.facebook.com/marketplace/boston/motorcycles/",
        _page(corpus, "facebook_marketplace/marketplace-search-results-sample_2023.html"),
    )
    assert len(page.listings) == 24
    assert page.next_page is None
    assert {l.ships_from for l in page.listings} == {"US"}
    assert {l.currency for l in page.listings} == {"USD"}
    by_id = {l.listing_id: l for l in page.listings}

    harley = page.listings[0]
    assert harley.listing_id == "1677104469719388"
    assert harley.url == "https://www.facebook.com/marketplace/item/1677104469719388/"
    assert harley.title == "2003 Harley-Davidson sportster 1200 100th anniversary"
    assert (harley.price, harley.available) == (4500.0, True)
    assert harley.image_urls[0].startswith(
        "https://scontent-bos5-1.xx.fbcdn.net/v/t39.30808-6/448210835_1863424314161558_"
    )
    assert harley.seller_key == "pfbid02hkF1JAZbKwizX9KKepDWy6nHeLJ4AMi62J7vvNZKaLtw89HoyqoZYfsSoykVHLeBl"

    freewheeler = by_id["990682652490036"]
    assert (freewheeler.title, freewheeler.price) == ("2017 Harley-Davidson FLRT - Freewheeler®", 20900.0)
    chopper = by_id["1001884544837634"]
    assert (chopper.title, chopper.price) == ("2006 Yamaha Custom made Chopper", 14500.0)

    traders = {t.seller_key: t for t in page.traders}
    assert len(traders) == 3  # one dealer lists 22 of the 24
    assert traders[harley.seller_key or ""].display_name == "Devan Bartlett"
    assert traders[freewheeler.seller_key or ""].display_name == "Todd Antosh"
    assert sum(l.seller_key == freewheeler.seller_key for l in page.listings) == 22


def test_facebook_listing_page(corpus: Path) -> None:
    url = "https://www.facebook.com/marketplace/item/1677104469719388/"
    items = facebook.parse_listing(
        url, _page(corpus, "facebook_marketplace/marketplace-result-details-sample_2023.html")
    )
    [listing] = [i for i in items if isinstance(i, Listing)]  # not the 21 "more listings"
    [trader] = [i for i in items if isinstance(i, Trader)]
    assert (listing.listing_id, listing.url) == ("1677104469719388", url)
    assert listing.title == "2003 Harley-Davidson sportster 1200 100th anniversary"
    assert (listing.price, listing.currency, listing.condition) == (4500.0, "USD", "used")
    assert listing.description is not None
    assert listing.description.startswith("2003 Harley Davidson Sportster 1200 100th Anniversary")
    assert listing.description.endswith("screaming eagle pipes on it")
    assert (listing.ships_from, listing.available) == ("US", True)
    assert len(listing.image_urls) == 6
    assert trader.seller_key == listing.seller_key
    assert (trader.display_name, trader.rating, trader.feedback_count) == ("Devan Bartlett", None, None)


def test_facebook_free_listing_has_no_price() -> None:
    listing = {
        "id": "42",
        "marketplace_listing_title": "Free seed potatoes",
        "listing_price": {"formatted_amount": "Free", "amount": "0.00"},
        "location": {"reverse_geocode": {"city": "Antioch", "state": "CA"}},
        "is_sold": True,
    }
    blob = json.dumps({"marketplace_search": {"feed_units": {"edges": [{"node": {"listing": listing}}]}}})
    page = facebook.parse_search(
        "https://www.facebook.com/marketplace/sf/search?query=seed", f'<script type="application/json">{blob}</script>'
    )
    [potatoes] = page.listings
    assert (potatoes.price, potatoes.currency, potatoes.available, potatoes.ships_from) == (None, None, False, "US")
    assert (potatoes.seller_key, page.traders) == (None, [])
    assert facebook.parse_listing("https://www.facebook.com/login/", "<html></html>") == []


# --- leboncoin ----------------------------------------------------------------------------

LBC_SEARCH = "https://www.leboncoin.fr/recherche?text=coffe"


def test_leboncoin_ads(corpus: Path) -> None:
    ads = json.loads((corpus / "scrapfly_outputs/scrapfly_leboncoin_search.json").read_text())
    page = leboncoin.parse_ads(ads, LBC_SEARCH)
    assert len(page.listings) == 70
    assert {l.currency for l in page.listings} == {"EUR"}
    assert {l.ships_from for l in page.listings} == {"FR"}

    box = page.listings[0]
    assert (box.listing_id, box.title, box.price, box.condition) == ("3055076563", "Boîte coffe", 4.0, "new")
    assert box.url == "https://www.leboncoin.fr/ad/arts_de_la_table/3055076563"
    assert box.category_path == ["Arts de la table"]
    assert len(box.image_urls) == 2
    assert box.description is None  # the copied ads have an empty body

    by_id = {l.listing_id: l for l in page.listings}
    almanach = by_id["3028184496"]  # sold by a shop
    assert (almanach.title, almanach.price, almanach.seller_key) == ("L'almanach Jean-Pierre Coffe", 4.0, "77397972")
    assert (by_id["3056953695"].price, by_id["3056953695"].condition) == (200.0, None)
    assert by_id["3059311104"].condition == "used"  # "bonetat"

    traders = {t.seller_key: t for t in page.traders}
    shop = traders["77397972"]
    assert (shop.display_name, shop.profile_url, shop.country) == (
        "AMMAREAL",
        "https://www.leboncoin.fr/boutique/77397972",
        "FR",
    )
    person = traders[box.seller_key or ""]  # a private seller: name and user id only
    assert person.seller_key == "5136d0d8-9190-49ad-9618-b4b6373f20d8"
    assert (person.display_name, person.profile_url, person.country, person.rating) == ("eva2019", None, None, None)
    owners = {(a["owner"]["type"], a["owner"].get("store_id") or a["owner"]["user_id"]) for a in ads}
    assert len(page.traders) == len(owners)


def _next_data(ads: list[dict[str, object]], **search: object) -> str:
    data = {"props": {"pageProps": {"searchData": {"ads": ads, **search}}}, "page": "/recherche"}
    return (
        "<!DOCTYPE html><html lang='fr'><head><title>Annonces bulbes</title></head><body>"
        '<div id="__next"></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
        "</body></html>"
    )


def test_leboncoin_search_page_written_here() -> None:
    ads = [
        {
            "list_id": 2900000001,
            "subject": "Bulbes de tulipes  x50",
            "body": "Bulbes du jardin.\n",
            "url": "https://www.leboncoin.fr/ad/jardin/2900000001",
            "price": [12],
            "status": "active",
            "category_name": "Jardin & Plantes",
            "images": {"urls": ["https://img.leboncoin.fr/api/v1/lbcpb1/images/aa/tulipe.jpg?rule=ad-image"]},
            "location": {"city": "Angers", "zipcode": "49000", "country_id": "FR"},
            "owner": {"user_id": "u-1", "type": "private", "name": "Maryse", "no_salesmen": True},
            "attributes": [{"key": "condition", "value": "etatneuf"}],
        },
        {
            "list_id": 2900000002,
            "subject": "Olivier en pot",
            "body": "",
            "url": "/ad/jardin/2900000002",
            "price": [],
            "location": {"city": "Nice", "country_id": "FR"},
            "owner": {"store_id": "555", "user_id": "u-2", "type": "pro", "name": "Pépinière Azur"},
        },
    ]
    page = leboncoin.parse_search(f"{LBC_SEARCH}&page=1", _next_data(ads, total=80, max_pages=3))
    tulips, olive = page.listings
    assert (tulips.title, tulips.description, tulips.price, tulips.currency) == (
        "Bulbes de tulipes x50",
        "Bulbes du jardin.",
        12.0,
        "EUR",
    )
    assert (tulips.condition, tulips.ships_from, tulips.seller_key, tulips.available) == ("new", "FR", "u-1", True)
    assert tulips.image_urls == ["https://img.leboncoin.fr/api/v1/lbcpb1/images/aa/tulipe.jpg?rule=ad-image"]
    assert (olive.price, olive.currency, olive.seller_key) == (None, None, "555")
    assert olive.url == "https://www.leboncoin.fr/ad/jardin/2900000002"
    assert [(t.seller_key, t.display_name) for t in page.traders] == [("u-1", "Maryse"), ("555", "Pépinière Azur")]
    assert page.next_page == "https://www.leboncoin.fr/recherche?text=coffe&page=2"
    last = leboncoin.parse_search(f"{LBC_SEARCH}&page=3", _next_data(ads, total=80, max_pages=3))
    assert last.next_page is None


@pytest.mark.parametrize("body", ["<html><body>captcha</body></html>", _next_data([]).replace('"ads": []', '"x": 1')])
def test_leboncoin_pages_without_ads_are_page_errors(body: str) -> None:
    with pytest.raises(PageError):
        leboncoin.parse_search(LBC_SEARCH, body)
