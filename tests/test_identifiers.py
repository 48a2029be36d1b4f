"""Contact identifiers in text: domains, e-mail addresses and phone numbers, normalised."""

from __future__ import annotations

import pytest

from crawler.identifiers import find_identifiers, registrable_domain, url_domain


def found(text: str, country: str | None = None) -> set[tuple[str, str]]:
    return {(i.kind, i.value) for i in find_identifiers(text, country)}


@pytest.mark.parametrize(("text", "country", "expected"), [
    ("Mail info@Bloembollen-Vandermeer.nl", None,
     {("email", "info@bloembollen-vandermeer.nl"), ("domain", "bloembollen-vandermeer.nl")}),
    ("Contact: jan.smit@gmail.com", None, {("email", "jan.smit@gmail.com")}),  # free mail: no domain
    ("Bestel op https://shop.Vandermeer.co.uk/tulpen?x=1", None, {("domain", "vandermeer.co.uk")}),
    ("zie www.tulpen-shop.nl.", None, {("domain", "tulpen-shop.nl")}),
    ("Bel 0252-417 215 of 06 12345678", "NL", {("phone", "+31252417215"), ("phone", "+31612345678")}),
    ("Bel 0252-417 215", None, set()),  # a national number needs the trader's country
    ("Tel. +44 20 7946 0958", "NL", {("phone", "+442079460958")}),
    ("Appelez le 06 12 34 56 78", "FR", {("phone", "+33612345678")}),
    ("EAN 8712345678906, 23 sold, 2024-11-01, 12,50 EUR", "NL", set()),
    ("Also on https://www.ebay.de/usr/tulpen and https://instagram.com/tulpen", None, set()),
    ("Questions: member@ebay.com; http://127.0.0.1:8080/shops/x; http://localhost/a", None, set()),
    ("Shop at https://tulpen.myshopify.com/", None, {("domain", "tulpen.myshopify.com")}),
    ("", "NL", set()),
])  # fmt: skip
def test_identifiers_in_text(text: str, country: str | None, expected: set[tuple[str, str]]) -> None:
    assert found(text, country) == expected


def test_each_identifier_once_with_how_it_was_written() -> None:
    ids = find_identifiers("info@tulpen.nl, INFO@tulpen.nl, www.tulpen.nl", "NL")
    assert [(i.kind, i.value, i.via) for i in ids] == [
        ("email", "info@tulpen.nl", "e-mail address"), ("domain", "tulpen.nl", "e-mail address")]


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.Bloembollen-Vandermeer.example/", "bloembollen-vandermeer.example"),
    ("bloembollen-vandermeer.example", "bloembollen-vandermeer.example"),
    ("//cdn.shop.example.co.uk/x", "example.co.uk"),
    ("http://127.0.0.1:8123/shops/x/", None),
    ("https://www.leboncoin.fr/boutique/1", None),
    ("https://fb.me/x", None),
    (None, None),
    ("not a url", None),
])  # fmt: skip
def test_url_domain(url: str | None, domain: str | None) -> None:
    assert url_domain(url) == domain


def test_registrable_domain_ignores_ip_addresses_and_bare_hosts() -> None:
    assert registrable_domain("::1") is None and registrable_domain("192.168.1.10") is None
    assert registrable_domain("localhost") is None
    assert registrable_domain("WWW.Example.ORG.") == "example.org"
