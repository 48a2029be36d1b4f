"""eBay page modules on real saved pages (search results, item pages, Browse API, bot wall).

Counts and field values below were read by hand from the saved pages; the 2020 item
pages are checked against the Zyte product-extraction benchmark's ground truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import Listing, Trader
from crawler.pages import PageError
from crawler.pages.ebay import SearchPage, count, item_id, parse_search, quantity_sold
from crawler.pages.ebay_api import parse_browse_search
from crawler.pages.ebay_item import parse_item
from tests.conftest import read_fixture

DE_APPLE = ("ebay_de_search_apple_2022.html", "https://www.ebay.de/sch/i.html?_from=R40&_nkw=apple&_sacat=58058")
EARBUDS = (
    "ebay_com_search_wireless-earbuds_s-card_2026-03.html",
    "https://www.ebay.com/sch/i.html?_nkw=wireless+earbuds&_sop=12",
)
JETTA = (
    "ebay_com_search_vw-jetta-cold-air-intake_s-card_2026-05.html",
    "https://www.ebay.com/sch/i.html?_nkw=2011+volkswagen+jetta+cold+air+intake+apr&_sop=12",
)
CHARIZARD = (
    "ebay_com_search_charizard_s-card_ko-KR-locale_2025-12.html",
    "https://www.ebay.com/sch/i.html?_nkw=charizard&_sop=12",
)
API_URL = "https://api.ebay.com/buy/browse/v1/item_summary/search?q=iphone&limit=100"


def _search(corpus: Path, page: tuple[str, str]) -> SearchPage:
    name, url = page
    return parse_search(url, read_fixture(corpus / "ebay" / name))


def _by_id(page: SearchPage) -> dict[str, Listing]:
    return {listing.listing_id: listing for listing in page.listings}


def _trader(page: SearchPage, key: str) -> Trader:
    return next(t for t in page.traders if t.seller_key == key)


@pytest.mark.parametrize(
    ("page", "listings", "traders", "next_page"),
    [
        # 69 li.s-item: 1 placeholder, 60 in the results river, 8 in a "Refurbished"
        # carousel of which 4 repeat river items.
        (DE_APPLE, 64, 0, "https://www.ebay.de/sch/i.html?_from=R40&_nkw=apple&_sacat=58058&_pgn=2"),
        # 62 li.s-card each: 2 "Shop on eBay" placeholders + 60 items.
        (EARBUDS, 60, 40, "https://www.ebay.com/sch/i.html?_nkw=wireless+earbuds&_sop=12&_pgn=2"),
        (JETTA, 60, 46, None),  # the saved page has no pagination
        (CHARIZARD, 60, 0, "https://www.ebay.com/sch/i.html?_nkw=Charizard&_pgn=2"),
    ],
    ids=["de-s-item", "earbuds-s-card", "jetta-s-card", "charizard-ko"],
)
def test_search_counts(corpus: Path, page: tuple[str, str], listings: int, traders: int, next_page: str | None) -> None:
    result = _search(corpus, page)
    ids = [listing.listing_id for listing in result.listings]
    assert len(ids) == listings
    assert len(set(ids)) == listings
    assert "123456" not in ids
    assert len(result.traders) == traders
    assert result.next_page == next_page
    marketplace = "ebay.de" if page is DE_APPLE else "ebay.com"
    for listing in result.listings:
        assert listing.marketplace == marketplace
        assert listing.url == f"https://www.{marketplace}/itm/{listing.listing_id}"
        assert listing.price is not None and listing.currency is not None
        assert listing.title and listing.image_urls and listing.platform == "ebay"
    assert {t.seller_key for t in result.traders} == {
        listing.seller_key for listing in result.listings if listing.seller_key
    }


def test_search_legacy_s_item_de(corpus: Path) -> None:
    listings = _by_id(_search(corpus, DE_APPLE))
    first = listings["144278067683"]
    assert first.title == ("3x 2m Ladekabel NYLON für Original iPhone 6 7 8 11 12 X XS XR Pro Max USB Apple")
    assert (first.price, first.currency, first.condition) == (10.79, "EUR", "Brandneu")
    assert first.quantity_sold is None and first.ships_from is None and first.seller_key is None
    assert first.image_urls == ["https://i.ebayimg.com/thumbs/images/g/MMcAAOSwYLBjfqw~/s-l225.webp"]
    # "Neues Angebot" (new listing) is a badge, not part of the title
    auction = listings["125633387556"]
    assert auction.title == ('Apple MacBook Pro 15" A1398, 16GB/256GB - MJLQ2D/A - OVP - Juni 2015 - Silber')
    assert (auction.price, auction.condition) == (152.0, "Gebraucht")
    # "EUR 234,95 bis EUR 269,95": the low end; "514+ verkauft"
    ranged = listings["373649272098"]
    assert (ranged.price, ranged.currency, ranged.quantity_sold) == (234.95, "EUR", 514)
    assert listings["402990526723"].price == 1049.0  # "EUR 1.049,00"
    assert listings["175504719541"].quantity_sold == 321
    assert listings["124924977463"].quantity_sold == 6698  # "6.698+ verkauft"
    # only in the carousel, where the condition sits in the details
    carousel = listings["204100268164"]
    assert (carousel.price, carousel.condition) == (199.9, "Sehr gut - Refurbished")


def test_search_s_card_earbuds(corpus: Path) -> None:
    page = _search(corpus, EARBUDS)
    listings = _by_id(page)
    jlab = listings["335251351456"]
    assert jlab.title == ("JLab Go POP+ True Wireless Bluetooth Earbuds, In-Ear Headphones, Refurbished")
    assert (jlab.price, jlab.currency, jlab.condition) == (19.94, "USD", "Certified - Refurbished")
    assert (jlab.ships_from, jlab.seller_key, jlab.quantity_sold) == ("US", "jlabllc", None)
    assert jlab.image_urls == ["https://i.ebayimg.com/images/g/QwsAAOSwRkdjauQ5/s-l500.webp"]
    ranged = listings["356712571825"]  # "$6.79 to $9.48", "26+ sold"
    assert (ranged.price, ranged.quantity_sold, ranged.condition) == (6.79, 26, "Brand New")
    italy = listings["376918489801"]
    assert (italy.price, italy.ships_from, italy.seller_key) == (65.5, "IT", "laurichshop")
    assert listings["384400156306"].quantity_sold == 5620
    assert listings["157684663303"].ships_from == "JO"
    assert listings["226910730171"].condition == "Pre-Owned"
    seller = _trader(page, "tiffanysacc0")  # "98.7% positive (59.8K)"
    assert (seller.display_name, seller.feedback_count, seller.rating) == ("tiffanysacc0", 59800, 0.987)
    assert seller.marketplace == "ebay.com" and seller.platform == "ebay"
    assert (_trader(page, "laurichshop").feedback_count, _trader(page, "laurichshop").rating) == (6, 0.8)
    assert (_trader(page, "aurexen").feedback_count, _trader(page, "aurexen").rating) == (0, 0.0)
    assert sum(listing.quantity_sold is not None for listing in page.listings) == 43


def test_search_s_card_jetta(corpus: Path) -> None:
    page = _search(corpus, JETTA)
    listings = _by_id(page)
    apr = listings["135533719878"]
    assert (apr.price, apr.condition, apr.ships_from, apr.seller_key) == (280.95, "Brand New", "US", "customautoparts")
    afe = listings["143242608237"]  # seller and rating in one span: "revotec  99.8% positive"
    assert (afe.price, afe.seller_key) == (356.04, "revotec")
    used = listings["277409128798"]
    assert (used.price, used.condition, used.seller_key) == (300.0, "Pre-Owned", "usedpartsrusrus")
    assert (_trader(page, "revotec").feedback_count, _trader(page, "revotec").rating) == (99600, 0.998)
    assert (_trader(page, "usedpartsrusrus").feedback_count, _trader(page, "usedpartsrusrus").rating) == (876, 0.997)
    assert all(listing.quantity_sold is None for listing in page.listings)


def test_search_s_card_korean_locale(corpus: Path) -> None:
    listings = _by_id(_search(corpus, CHARIZARD))
    first = listings["156967936119"]
    assert first.title == "메가 등급 10 리자몽 포켓몬 카드 미스터리 초 희귀 + 빠른 배송!"
    assert (first.price, first.currency, first.quantity_sold) == (129680.08, "KRW", 425)
    assert (first.condition, first.ships_from) == ("새 상품(기타)", None)
    japan = listings["357980860618"]  # "출발지 일본"
    assert (japan.price, japan.ships_from, japan.condition) == (83569.98, "JP", "사전 소유 상품")
    italy = listings["374943567955"]  # "KRW1,711.13 ~ KRW68,445.28", "54개 이상 판매됨"
    assert (italy.price, italy.ships_from, italy.quantity_sold) == (1711.13, "IT", 54)
    assert listings["126224517846"].quantity_sold == 9549


def test_search_bot_wall_is_an_error(corpus: Path) -> None:
    body = read_fixture(corpus / "blocked_pages" / "ebay_com_bot-block_pardon-our-interruption_2025-10.html")
    with pytest.raises(PageError, match="blocked"):
        parse_search("https://www.ebay.com/sch/i.html?_nkw=pokemon", body)
    with pytest.raises(PageError, match="blocked"):
        parse_item("https://www.ebay.com/itm/226771798286", body)


ITEM_PAGES = [
    ("ebay_item_ebay-ca__123808916008__361022ee41_2020.html.gz", "newshop201616", 7187, 0.993, "CN", "New with tags"),
    ("ebay_item_ebay-co-uk__143863282131__359ca699f8_2020.html.gz", "clipclopthriftshop", 179, 1.0, "GB", "Used"),
    (
        "ebay_item_ebay-com__302474151804__21e72a8e6d_2020.html.gz",
        "phoenixemporium",
        8116,
        0.995,
        "GB",
        "New with tags",
    ),
    ("ebay_item_ebay-fr__293565036718__ccc114af83_2020.html.gz", "hightowershop", 9960, 0.996, "IE", "Neuf"),
    ("ebay_item_ebay-ie__114532738197__5cea6e89b1_2020.html.gz", "john-maikeaw-aidan", 566, 1.0, "IE", "Used"),
    (
        "ebay_item_ebay-ie__223820586800__9edbb12683_2020.html.gz",
        "tshirtsprinting.ie",
        292,
        1.0,
        "IE",
        "New without tags",
    ),
    (
        "ebay_item_ebay-it__133588510845__2d3e52568d_2020.html.gz",
        "shaabasr",
        459,
        0.991,
        "GB",
        "Nuovo: altro (vedi dettagli)",
    ),
]


@pytest.mark.parametrize(
    ("name", "seller", "feedback", "rating", "ships_from", "condition"),
    ITEM_PAGES,
    ids=[row[0].split("__")[1] for row in ITEM_PAGES],
)
def test_item_2020_layout_against_ground_truth(
    corpus: Path,
    name: str,
    seller: str,
    feedback: int,
    rating: float,
    ships_from: str,
    condition: str,
) -> None:
    truths = json.loads(read_fixture(corpus / "jsonld" / "zyte_product_extraction_benchmark_ground-truth.json"))
    truth = next(v for k, v in truths.items() if k.startswith(name.split("__")[2][:10]))
    items = parse_item(truth["url"], read_fixture(corpus / "ebay" / name))
    listing, trader = items
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert listing.price == float(truth["price"][0])
    assert listing.sku == listing.listing_id == truth["sku"][0]
    assert listing.url == truth["url"]
    if truth.get("currency") == ["£"]:
        assert listing.currency == "GBP"
    assert listing.available is (truth["availability"] == ["InStock"])
    assert (listing.ships_from, listing.condition) == (ships_from, condition)
    assert not listing.title.startswith(("Details", "Détails", "Dettagli"))
    assert (trader.seller_key, trader.feedback_count, trader.rating) == (seller, feedback, rating)
    assert listing.seller_key == seller and trader.marketplace == listing.marketplace


def test_item_2020_quantities_and_title(corpus: Path) -> None:
    com = parse_item(
        "https://www.ebay.com/itm/302474151804",
        read_fixture(corpus / "ebay" / "ebay_item_ebay-com__302474151804__21e72a8e6d_2020.html.gz"),
    )[0]
    assert isinstance(com, Listing)
    assert com.title == ("Halloween Zombie Scars Tattoos Fake Blood Scab Scar Wound Costume Make-Up Kit UK")
    assert (com.quantity_sold, com.quantity_available) == (6881, None)  # "More than 10 available"
    assert (com.price, com.currency) == (1.99, "GBP")
    ca = parse_item(
        "https://www.ebay.ca/itm/123808916008",
        read_fixture(corpus / "ebay" / "ebay_item_ebay-ca__123808916008__361022ee41_2020.html.gz"),
    )[0]
    assert isinstance(ca, Listing) and ca.quantity_available == 8
    it = parse_item(
        "https://www.ebay.it/itm/133588510845",
        read_fixture(corpus / "ebay" / "ebay_item_ebay-it__133588510845__2d3e52568d_2020.html.gz"),
    )[0]
    assert isinstance(it, Listing) and it.title == "Angel Teddy Bear"  # no "mostra il titolo"


def test_item_current_layout(corpus: Path) -> None:
    url = "https://www.ebay.com/itm/226771798286"
    items = parse_item(url, read_fixture(corpus / "ebay" / "ebay_com_item_226771798286_new-layout_2025-06.html"))
    listing, trader = items
    assert isinstance(listing, Listing) and isinstance(trader, Trader)
    assert (listing.listing_id, listing.url, listing.marketplace) == ("226771798286", url, "ebay.com")
    assert listing.title == "NVIDIA GeForce RTX 5090 FE Founders Edition"
    assert (listing.price, listing.currency, listing.condition) == (3971.45, "USD", "New")
    assert listing.ships_from == "FR"  # "Located in: Paris, France"
    assert listing.quantity_sold is None  # "43 items sold" is the seller's store total
    assert listing.category_path[-1] == "Graphics/Video Cards"
    assert listing.image_urls == ["https://i.ebayimg.com/images/g/qvsAAOSwwLFoMPT6/s-l1600.jpg"]
    assert (trader.seller_key, trader.feedback_count, trader.rating) == ("salomon0651", 113, 1.0)
    assert listing.seller_key == "salomon0651"


@pytest.mark.parametrize(
    ("name", "traders", "first_id", "first_seller", "next_offset"),
    [
        (
            "ebay_browse_api_item_summary_search_q-iphone_best-match_limit100_2023.json",
            38,
            "334691749565",
            ("cocosprinkles", 31327, 0.999),
            "limit=100&offset=100",
        ),
        (
            "ebay_browse_api_item_summary_search_q-iphone_sort-price_limit100_2023.json",
            11,
            "385462201428",
            ("funda48", 1541, 0.946),
            "limit=100&sort=price&offset=100",
        ),
    ],
    ids=["best-match", "sort-price"],
)
def test_browse_api_search(
    corpus: Path,
    name: str,
    traders: int,
    first_id: str,
    first_seller: tuple[str, int, float],
    next_offset: str,
) -> None:
    page = parse_browse_search(API_URL, read_fixture(corpus / "ebay" / name))
    assert len(page.listings) == 100 and len({x.listing_id for x in page.listings}) == 100
    assert len(page.traders) == traders
    assert page.next_page == (f"https://api.ebay.com/buy/browse/v1/item_summary/search?q=iphone&{next_offset}")
    first = page.listings[0]
    assert (first.listing_id, first.url, first.marketplace) == (
        first_id,
        f"https://www.ebay.com/itm/{first_id}",
        "ebay.com",
    )
    trader = _trader(page, first_seller[0])
    assert (trader.seller_key, trader.feedback_count, trader.rating) == first_seller
    assert all(x.currency == "USD" and x.price is not None for x in page.listings)


def test_browse_api_fields(corpus: Path) -> None:
    best = parse_browse_search(
        API_URL,
        read_fixture(corpus / "ebay" / "ebay_browse_api_item_summary_search_q-iphone_best-match_limit100_2023.json"),
    )
    first = best.listings[0]
    assert first.title == ("2020 Apple iPhone SE 2nd Gen (Great Condition) Unlocked Verizon ATT TMobile")
    assert (first.price, first.currency, first.condition, first.ships_from) == (189.99, "USD", "Used", "US")
    assert first.image_urls == ["https://i.ebayimg.com/thumbs/images/g/XTEAAOSwAPBgrTPy/s-l225.jpg"]
    by_price = _by_id(
        parse_browse_search(
            API_URL,
            read_fixture(
                corpus / "ebay" / "ebay_browse_api_item_summary_search_q-iphone_sort-price_limit100_2023.json"
            ),
        )
    )
    joltik = by_price["165631783617"]  # located in Canada, price converted from CAD 0.99
    assert (joltik.title, joltik.price, joltik.ships_from, joltik.seller_key) == (
        "Joltik (#595) - Pokémon GO",
        0.75,
        "CA",
        "ikieu",
    )
    assert by_price["385462201428"].ships_from == "CN"


def test_browse_api_rejects_other_json() -> None:
    with pytest.raises(PageError):
        parse_browse_search(API_URL, b"<html>")
    with pytest.raises(PageError):
        parse_browse_search(API_URL, b'{"itemSummaries": {}}')
    assert parse_browse_search(API_URL, b'{"total": 0}').listings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.1K", 5100),
        ("263.6K", 263600),
        ("130K", 130000),
        ("0", 0),
        ("1,234", 1234),
        ("1.234", 1234),
        ("113", 113),
        ("n/a", None),
    ],
)
def test_count(text: str, expected: int | None) -> None:
    assert count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 sold", 23),
        ("1.234 verkauft", 1234),
        ("3,797+ sold", 3797),
        ("54개 이상 판매됨", 54),
        ("Fast ausverkauft", None),
        ("87 watchers", None),
    ],
)
def test_quantity_sold(text: str, expected: int | None) -> None:
    assert quantity_sold(text) == expected


def test_item_id() -> None:
    assert item_id("https://www.ebay.de/itm/144278067683?hash=item2197a499e3") == "144278067683"
    assert item_id("https://www.ebay.com/itm/Some-Title-Slug/302474151804?hash=x") == ("302474151804")
    assert item_id("https://www.ebay.com/sch/i.html?_nkw=x") is None
