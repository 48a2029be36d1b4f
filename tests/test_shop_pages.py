"""Shopify and WooCommerce page modules, on small API answers written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.pages import PageError, shopify, woocommerce

FIXTURES = Path(__file__).parent / "fixtures"
STORE = "https://kwekerij-detulp.example"


def test_shopify_meta_gives_the_trader_and_currency() -> None:
    body = (FIXTURES / "shopify_meta.json").read_bytes()
    trader = shopify.parse_shop_meta(STORE, body)
    assert (trader.marketplace, trader.seller_key) == ("kwekerij-detulp.example",) * 2
    assert trader.display_name == "Kwekerij De Tulp & Zn"
    assert trader.country == "NL"
    assert trader.shop_website == "https://kwekerij-detulp.example"
    assert shopify.shop_currency(body) == "EUR"


def test_shopify_products_page() -> None:
    body = (FIXTURES / "shopify_products.json").read_bytes()
    listings = shopify.parse_products(STORE, body, currency="EUR", country="NL", search_query=STORE)
    assert [l.listing_id for l in listings] == ["7001", "7002"]
    tulip, soil = listings
    assert tulip.title == "Tulpenbollen 'Queen of Night' – 25 stuks"
    assert tulip.url == "https://kwekerij-detulp.example/products/tulpenbollen-queen-of-night"
    assert tulip.description == "Donkerpaarse tulp.\nPlantdiepte 10 cm."
    assert (tulip.price, tulip.currency, tulip.available) == (15.50, "EUR", True)  # cheapest variant on sale
    assert tulip.sku == "TQN-25"
    assert tulip.category_path == ["Bloembollen", "najaar", "tulp"]
    assert tulip.image_urls == ["https://cdn.example/tulp.jpg"]
    assert (tulip.ships_from, tulip.seller_key, tulip.platform) == ("NL", "kwekerij-detulp.example", "shopify")
    assert (soil.price, soil.available, soil.description, soil.sku) == (6.99, False, None, None)
    assert soil.category_path == ["potgrond", "substraat"]  # old stores send tags as one string


@pytest.mark.parametrize("body", [b"<html>Password required</html>", b'{"errors": "Not Found"}', b"[]"])
def test_shopify_wrong_documents_are_page_errors(body: bytes) -> None:
    with pytest.raises(PageError):
        shopify.parse_products(STORE, body)


def test_woocommerce_index_gives_trader_and_country_from_time_zone() -> None:
    trader = woocommerce.parse_site_index(
        "https://semillasdelsur.example", (FIXTURES / "woocommerce_index.json").read_bytes())
    assert (trader.display_name, trader.country, trader.platform) == ("Semillas del Sur", "ES", "woocommerce")
    assert woocommerce.country_from_timezone("America/Sao_Paulo") == "BR"
    assert woocommerce.country_from_timezone("UTC+1") is None


def test_woocommerce_products_page_prices_in_minor_units() -> None:
    body = (FIXTURES / "woocommerce_products.json").read_bytes()
    seeds, shears = woocommerce.parse_products("https://semillasdelsur.example", body, country="ES")
    assert seeds.title == "Semillas de tomate ‘Corazón de Buey’"
    assert (seeds.price, seeds.currency, seeds.available, seeds.quantity_available) == (2.95, "EUR", True, 4)
    assert seeds.description == "Sobre de 50 semillas."  # short and long descriptions identical: once
    assert (seeds.sku, seeds.category_path, seeds.ships_from) == ("TOM-CB", ["Semillas"], "ES")
    assert seeds.url == "https://semillasdelsur.example/producto/semillas-tomate-corazon/"
    assert (shears.price, shears.currency, shears.available, shears.sku) == (1200, "JPY", False, None)


def test_woocommerce_error_object_is_a_page_error() -> None:
    with pytest.raises(PageError, match="not a list"):
        woocommerce.parse_products("https://x.example", b'{"code": "rest_no_route", "data": {"status": 404}}')
