"""Contact identifiers in trader and listing text: website domains, e-mail addresses, phone numbers.

Pure functions, no store: :mod:`crawler.traders` links traders that share one.
Values come out normalised, so that equal means the same business:

* a domain is the registrable domain, lower case, without ``www.``
  (``https://shop.Vandermeer.co.uk/x`` -> ``vandermeer.co.uk``; hosting platforms on the
  Public Suffix List keep the shop's own name: ``tulips.myshopify.com``);
* an e-mail address is lower case; a business address (not a free-mail provider)
  also gives its domain;
* a phone number is E.164 (``+31252417215``), read with the `phonenumbers` library
  in the trader's country, so that national formats (``0252-417 215``) are understood.

Marketplaces, social networks, link shorteners and hosting platforms' own
domains identify nobody and are never returned; neither are IP addresses.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

import phonenumbers
import tldextract

KINDS: tuple[str, ...] = ("domain", "email", "phone")

#: Registrable-domain names (any suffix) that belong to platforms, not to traders.
PLATFORM_NAMES = frozenset({
    "aliexpress", "alibaba", "amazon", "ebay", "etsy", "facebook", "google", "instagram", "leboncoin",
    "craigslist", "marktplaats", "kleinanzeigen", "vinted", "pinterest", "linkedin", "twitter", "tiktok",
    "youtube", "whatsapp", "telegram", "paypal", "shopify", "wordpress", "wix", "squarespace", "schema",
    "w3", "apple", "microsoft", "temu", "wish", "bol", "allegro", "mercadolibre", "rakuten",
})  # fmt: skip
#: Whole domains that identify nobody: short links, messaging, standards.
PLATFORM_DOMAINS = frozenset({
    "fb.com", "fb.me", "wa.me", "t.me", "x.com", "bit.ly", "goo.gl", "tinyurl.com", "youtu.be", "ow.ly",
    "linktr.ee", "gstatic.com", "googleusercontent.com", "cloudfront.net", "amazonaws.com",
})  # fmt: skip
#: Free-mail providers: the address identifies its owner, its domain does not.
FREEMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "outlook.com", "live.com",
    "live.nl", "msn.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "ymail.com", "aol.com", "icloud.com",
    "me.com", "mail.com", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "freenet.de", "orange.fr",
    "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "libero.it", "virgilio.it", "tiscali.it", "alice.it",
    "ziggo.nl", "kpnmail.nl", "home.nl", "planet.nl", "telenet.be", "skynet.be", "proton.me", "protonmail.com",
    "qq.com", "163.com", "126.com", "sina.com", "yandex.ru", "mail.ru", "seznam.cz", "wp.pl", "o2.pl",
    "sapo.pt", "terra.com.br", "uol.com.br", "bigpond.com", "btinternet.com", "sky.com", "virginmedia.com",
})  # fmt: skip

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?![\w-])", re.I)
_URL_HOST = re.compile(r"\bhttps?://([^/\s\"'<>?#:]+)|(?<![\w.@-])(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.I)
#: A run of digits a phone number could hide in; the matcher only runs where there is one.
_PHONE_HINT = re.compile(r"(?:\+|\b00|\b0)\d[\d\s().\-/]{5,}\d")
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@dataclass(frozen=True)
class Identifier:
    kind: str  # "domain" | "email" | "phone"
    value: str
    #: Where in the text: "url", "e-mail address", "phone number".
    via: str


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The domain a business registers (``shop.example.co.uk`` -> ``example.co.uk``), or None for nobody's."""
    host = host.strip().strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host or host == "localhost" or "." not in host:
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.suffix:
        domain = f"{parts.domain}.{parts.suffix}"
    else:  # a suffix the list does not know (.example, .test): its last two labels
        domain = ".".join(host.split(".")[-2:])
    name = domain.split(".")[0]
    if name in PLATFORM_NAMES or domain in PLATFORM_DOMAINS:
        return None
    return domain


def url_domain(url: str | None) -> str | None:
    """The registrable domain of a web address (with or without its scheme)."""
    if not url:
        return None
    match = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#:@]+)", url.strip(), re.I) or re.match(
        r"^([^/?#:@\s]+\.[^/?#:@\s]+)", url.strip()
    )
    return registrable_domain(match.group(1)) if match else None


def e164(number: str, country: str | None) -> str | None:
    """A phone number in E.164, read in ``country`` (ISO alpha-2) when it has no +prefix; None if not valid."""
    try:
        parsed = phonenumbers.parse(number, (country or "ZZ").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def find_identifiers(text: str | None, country: str | None = None) -> list[Identifier]:
    """Every domain, e-mail address and phone number in ``text``, normalised, each once.

    ``country`` (the trader's, ISO alpha-2) is how numbers without a ``+`` prefix are read;
    without it only international numbers are found.
    """
    if not text:
        return []
    found: dict[tuple[str, str], Identifier] = {}

    def add(kind: str, value: str | None, via: str) -> None:
        if value and (kind, value) not in found:
            found[(kind, value)] = Identifier(kind, value, via)

    if "@" in text:
        for match in _EMAIL.finditer(text):
            email = match.group(1).lower().strip(".")
            domain = registrable_domain(email.rpartition("@")[2])
            if domain is None:
                continue  # an address at a platform (ebay, facebook...) identifies nobody
            add("email", email, "e-mail address")
            if domain not in FREEMAIL:
                add("domain", domain, "e-mail address")
    if "http" in text or "www." in text.lower():
        for match in _URL_HOST.finditer(text):
            add("domain", registrable_domain(match.group(1) or match.group(2)), "web address")
    if _PHONE_HINT.search(text):
        region = (country or "ZZ").upper()
        matches: Iterable[Any] = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        for match in matches:  # PhoneNumberMatch objects (the library's stubs say re.Match)
            add("phone", phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
                "phone number")  # fmt: skip
    return list(found.values())
