"""Price and country normalisers, on real strings shops and marketplaces print.

Strings marked "corpus" were copied from the saved pages in ``../shared/fixtures``
(file named in the comment); the others are the shapes the brief and the sites we
crawl use. Each bug found goes in as one more line.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.normalise.country import country_code
from crawler.normalise.price import currency_code, parse_price

PRICES = [
    # corpus: ebay/ebay_de_search_apple_2022.html ("." thousands, "," decimals)
    ("EUR 10,79", None, 10.79, "EUR"),
    ("EUR 1.049,00", None, 1049.0, "EUR"),
    # corpus: ebay/ebay_item_ebay-fr__... and ebay-ca__..., ebay-ie__...
    ("5,95 EUR", None, 5.95, "EUR"),
    ("GBP 11.19", None, 11.19, "GBP"),
    ("EUR 25.00", None, 25.0, "EUR"),
    # corpus: ebay/ebay_com_item_226771798286_new-layout_2025-06.html
    ("US $3,971.45", None, 3971.45, "USD"),
    ("(approx US $170.21)", None, 170.21, "USD"),
    # corpus: ebay/ebay_com_search_charizard_s-card_ko-KR-locale_2025-12.html
    ("KRW129,680.08", None, 129680.08, "KRW"),
    # corpus: amazon/amazon_com_bestsellers_electronics_2026-03.html (West African CFA franc)
    ("XOF 6,765", None, 6765.0, "XOF"),
    # corpus: amazon/amazon_de_search_katzenfutter_2022.html, amazon_product_amazon-de__...
    ("€2.95", None, 2.95, "EUR"),
    ("8,71 €", None, 8.71, "EUR"),
    ("8,71 €(4,36 € / 100 ml)", None, 8.71, "EUR"),
    # corpus: amazon_product_amazon-co-uk__..., craigslist_listing_birmingham-...
    ("£48.99", None, 48.99, "GBP"),
    ("£1,899", None, 1899.0, "GBP"),
    # corpus: craigslist-search-results-sample_2023.html, amazon_com_bestsellers_...
    ("$3,200", None, 3200.0, "USD"),
    ("$59.99", None, 59.99, "USD"),
    # corpus: otto-de__..., k-rauta-ee__..., leroymerlin-pl__..., mediamarkt-pt__... (jsonld/)
    ("€ 119,01", None, 119.01, "EUR"),
    ("978,00 € / tk", None, 978.0, "EUR"),
    ("997 zł /szt.", None, 997.0, "PLN"),
    ("1\u00a0148 zł /szt.", None, 1148.0, "PLN"),
    ("109€\n109€\n109", "EUR", 109.0, "EUR"),
    # corpus: ikea-com__... (per-pack price), boscovs-com__...
    ("£3.50/ 3 pack", None, 3.5, "GBP"),
    ("Price: $169.99", None, 169.99, "USD"),
    # corpus: classifieds/alibaba-com__..., scrapfly_outputs/scrapfly_aliexpress_search.json
    ("US$11.99", None, 11.99, "USD"),
    ("US $0.99", None, 0.99, "USD"),
    # corpus: titles/amazon_in_products_2023_... (Indian rupee)
    ("₹1,999", None, 1999.0, "INR"),
    # Chilean pesos have no minor unit: "." is the thousands separator (paris.cl shows "$24.990")
    ("$24.990", "CLP", 24990.0, "CLP"),
    # eBay's other dollar prefixes
    ("C $12.00", None, 12.0, "CAD"),
    ("AU $5.00", None, 5.0, "AUD"),
    ("R$ 12,90", None, 12.9, "BRL"),
    ("CHF 19.50", None, 19.5, "CHF"),
    ("173,34 Lei", None, 173.34, "RON"),
    ("1 200 руб.", None, 1200.0, "RUB"),
    ("500 ₽", None, 500.0, "RUB"),
    ("₩12,000", None, 12000.0, "KRW"),
    # shared symbols: the site's currency decides, else the usual one or nothing
    ("¥1,200", None, 1200.0, "JPY"),
    ("¥1,200", "CNY", 1200.0, "CNY"),
    ("$15", "CAD", 15.0, "CAD"),
    ("12 kr", "SEK", 12.0, "SEK"),
    ("12 kr", None, 12.0, None),
    ("£5", "EUR", 5.0, "GBP"),  # the text's own symbol beats the site's currency
    # ranges give the cheapest variant
    ("EUR 5,99 bis EUR 12,00", None, 5.99, "EUR"),
    ("$5.99 - $12.00", None, 5.99, "USD"),
    # structured data: machine numbers with a separate currency
    ("19.99", "EUR", 19.99, "EUR"),
    ("24990", "CLP", 24990.0, "CLP"),
    (19.5, "CHF", 19.5, "CHF"),
    (978, "eur", 978.0, "EUR"),
    (Decimal(3), "GBP", 3.0, "GBP"),
    ("0,00 €", None, 0.0, "EUR"),  # a real zero stays zero
]


@pytest.mark.parametrize(("text", "hint", "amount", "currency"), PRICES)
def test_parse_price(text: object, hint: str | None, amount: float, currency: str | None) -> None:
    assert parse_price(text, hint) == (amount, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    # "N/A" is what scrapfly_facebook_marketplace.json holds for hidden prices.
    [None, "", "   ", "Free", "Gratis", "N/A", "Preis auf Anfrage", "USD $", True, float("nan")],
)
def test_text_without_a_price_is_no_price(text: object) -> None:
    assert parse_price(text, "EUR") == (None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("symbol", "hint", "code"),
    [
        # the currencies of the zyte benchmark's ground truth, with the sites' own currency
        ("€", None, "EUR"),
        ("£", None, "GBP"),
        ("Lei", None, "RON"),
        ("zł", None, "PLN"),
        ("CHF", None, "CHF"),
        ("$", None, "USD"),
        ("$", "CLP", "CLP"),
        # scrapfly_aliexpress_product.json writes "USD $"; leroymerlin.pl's microdata "pln"
        ("USD $", None, "USD"),
        ("pln", None, "PLN"),
        ("US $", None, "USD"),
        ("kr", None, None),
        ("kr", "DKK", "DKK"),
        (None, "eur", "EUR"),
        ("", None, None),
        ("???", None, None),
        (None, "€", "EUR"),
    ],
)
def test_currency_code(symbol: str | None, hint: str | None, code: str | None) -> None:
    assert currency_code(symbol, hint) == code


LOCATIONS = [
    # corpus: eBay "Item location:" / "Located in" (ebay/*.html*), in four languages
    ("Located in: Paris, France", "FR"),
    ("Located in United States", "US"),
    ("Located in China", "CN"),
    ("CN, China", "CN"),
    ("Ballycastle, United Kingdom", "GB"),
    ("dudley, United Kingdom", "GB"),
    ("GALWAY, Ireland", "IE"),
    ("Galway , Irlande (Eire)", "IE"),
    ("Hayes, Regno Unito", "GB"),
    # corpus: classifieds/liveauctioneers-com__... "Ships from ..."
    ("Ships from Oak Park, IL, United States", "US"),
    # corpus: scrapfly_outputs (eBay search, AliExpress, craigslist-style locations)
    ("United States", "US"),
    ("China", "CN"),
    ("Hong Kong", "HK"),
    ("San Francisco, CA", "US"),  # "City, ST": California, not Canada
    ("Hayward, CA", "US"),
    # the shapes named in the brief
    ("Located in: Shenzhen, China", "CN"),
    ("Standort: Berlin, Deutschland", "DE"),
    ("Ships from United Kingdom", "GB"),
    ("Brooklyn, NY, United States", "US"),
    ("Versand aus China", "CN"),
    ("Envío desde España", "ES"),
    ("Expédié depuis la France", "FR"),
    # country names in the languages of the markets we watch
    ("Deutschland", "DE"),
    ("Allemagne", "DE"),
    ("Alemania", "DE"),
    ("Germania", "DE"),
    ("Duitsland", "DE"),
    ("Alemanha", "DE"),
    ("Niemcy", "DE"),
    ("Vereinigte Staaten", "US"),
    ("États-Unis", "US"),
    ("Etats Unis", "US"),
    ("Estados Unidos", "US"),
    ("Stany Zjednoczone", "US"),
    ("Österreich", "AT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Svizzera", "CH"),
    ("Nederland", "NL"),
    ("Pays-Bas", "NL"),
    ("Holland", "NL"),
    ("Belgique", "BE"),
    ("Polska", "PL"),
    ("Sverige", "SE"),
    ("Norge", "NO"),
    ("Danmark", "DK"),
    ("Brasil", "BR"),
    ("México", "MX"),
    ("Türkiye", "TR"),
    ("Turkey", "TR"),
    ("Україна", "UA"),
    ("Россия", "RU"),
    ("中国", "CN"),
    ("日本", "JP"),
    ("대한민국", "KR"),
    # aliases and codes
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("Great Britain", "GB"),
    ("England", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("us", "US"),
    ("GB", "GB"),
    ("DEU", "DE"),
    ("Korea, Republic of", "KR"),
    ("South Korea", "KR"),
    ("Republic of Korea", "KR"),
    ("Taiwan", "TW"),
    ("Viet Nam", "VN"),
    ("Vietnam", "VN"),
    ("Czech Republic", "CZ"),
    ("Mainland China", "CN"),
    ("Eire", "IE"),
    ("Vatican", "VA"),
    ("Kowloon, Hong Kong", "HK"),
    ("Toronto, Ontario, Canada", "CA"),
    ("Sydney NSW, Australia", "AU"),
    ("Auckland, New Zealand", "NZ"),
]


@pytest.mark.parametrize(("text", "code"), LOCATIONS)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "  ",
        "N/A",
        "Worldwide",
        # corpus: classifieds/laendleanzeiger-at__... ("A" is Austria's car plate, not ISO)
        "Standort: A - 6850",
        # corpus: ebay-co-uk item "Shipping:" line; ships-to prose is not a location
        "United Kingdom and many other countries | See details",
        # a city, a region or a Canadian province alone is never guessed
        "Paris",
        "Berlin",
        "Shenzhen",
        "Texas",
        "Bavaria",
        "New South Wales",
        "Toronto, ON",
    ],
)
def test_unknown_locations_are_none(text: str | None) -> None:
    assert country_code(text) is None
