"""Turn the many ways shops write a price into ``(amount, ISO 4217 code)``.

The hard part, finding the number in "EUR 1.049,00", "5,95 EUR" or "US $3,971.45" and
deciding which separator is the decimal one, is left to ``price-parser`` (it has a large
corpus of its own). This module only adds what phytowatch needs on top:

* a currency *code* instead of the symbol price-parser returns ("€" -> "EUR"), using the
  site's currency as a tie-breaker for shared symbols ("$", "kr", "¥");
* machine values from structured data (``19.5``, ``Decimal("3")``, ``"24990"``), which
  schema.org writes with a "." decimal point and must not be re-guessed;
* "Free" / "Gratis" / "N/A" mean *no price*, not a price of 0: a listing that hides its
  price must not look like a give-away in the review queue.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pycountry
from price_parser import Price

# fmt: off
#: Symbols (as price-parser returns them, case-folded) that name one currency.
_SYMBOLS: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP",
    "us$": "USD", "usd$": "USD",
    "c$": "CAD", "ca$": "CAD", "can$": "CAD",
    "a$": "AUD", "au$": "AUD",
    "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "sg$": "SGD", "nt$": "TWD", "mx$": "MXN",
    "r$": "BRL",
    "zł": "PLN", "zl": "PLN",
    "lei": "RON", "leu": "RON",
    "kč": "CZK", "ft": "HUF", "лв": "BGN", "лв.": "BGN",
    "₹": "INR", "₩": "KRW", "₽": "RUB", "руб": "RUB", "руб.": "RUB", "р.": "RUB",
    "₴": "UAH", "грн": "UAH", "₺": "TRY", "tl": "TRY", "₪": "ILS", "฿": "THB",
    "₫": "VND", "₱": "PHP", "rm": "MYR", "rp": "IDR", "元": "CNY", "円": "JPY",
    "fr.": "CHF", "sfr.": "CHF",
}
#: Symbols shared by several currencies: the site's currency decides, else the default.
_SHARED: dict[str, tuple[str | None, frozenset[str]]] = {
    "$": ("USD", frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "MXN", "CLP",
                            "ARS", "COP", "UYU", "BRL"})),
    "¥": ("JPY", frozenset({"JPY", "CNY"})),
    "kr": (None, frozenset({"SEK", "NOK", "DKK", "ISK"})),
    "kr.": (None, frozenset({"SEK", "NOK", "DKK", "ISK"})),
    "rs": (None, frozenset({"INR", "PKR", "LKR", "NPR", "MUR"})),
    "rs.": (None, frozenset({"INR", "PKR", "LKR", "NPR", "MUR"})),
}
# fmt: on
#: eBay and AliExpress write "US $24.99", "C $12.00", "AU $5.00": price-parser keeps
#: only the "$", so the country prefix is read here.
_DOLLAR_PREFIX = re.compile(r"\b(US|USD|C|CA|CAN|AU|A|NZ|HK|S|SG|NT|MX|R)\s?\$", re.IGNORECASE)
#: A bare machine number as schema.org writes it ("19.99", "24990"): "." is the decimal point.
_MACHINE_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")

Number = float | int | Decimal


def currency_code(symbol: str | None, currency_hint: str | None = None) -> str | None:
    """ISO 4217 code for a currency symbol or code ("€", "zł", "US $", "pln").

    ``currency_hint`` is the currency the site trades in; it settles shared symbols
    ("$" on a Chilean shop is CLP, "kr" on a Swedish one SEK) and is the answer when
    the symbol is missing. An ambiguous symbol without a usable hint gives ``None``.
    """
    hint = _iso_code(currency_hint) or _SYMBOLS.get((currency_hint or "").strip().casefold())
    if not symbol or not symbol.strip():
        return hint
    text = symbol.strip()
    if (code := _iso_code(text)) is not None:
        return code
    key = text.casefold()
    if prefixed := _DOLLAR_PREFIX.search(text):
        key = prefixed.group(1).casefold() + "$"
        key = {"usd$": "us$", "can$": "c$", "ca$": "c$", "au$": "a$"}.get(key, key)
    if key in _SYMBOLS:
        return _SYMBOLS[key]
    if key in _SHARED:
        default, allowed = _SHARED[key]
        return hint if hint in allowed else default
    return hint


def parse_price(
    text: str | Number | None, currency_hint: str | None = None
) -> tuple[float | None, str | None]:
    """Amount and ISO 4217 code of a price, e.g. ``"EUR 12,99"`` -> ``(12.99, "EUR")``.

    ``text`` is either a price as shown to buyers ("US $24.99", "8,71 €", "997 zł /szt.")
    or a machine value from structured data (``19.5`` or ``"24990"``) whose currency then
    comes from ``currency_hint`` (schema.org ``priceCurrency``, or the site's currency).
    A range ("EUR 5,99 bis EUR 12,00") gives its first amount, which is what the buyer
    pays for the cheapest variant. Text without any digit ("Free", "Gratis", "N/A")
    gives ``(None, None)``, so that hidden prices are not mistaken for zero; a currency
    is only returned together with an amount.
    """
    if text is None or isinstance(text, bool):
        return None, None
    if isinstance(text, (int, float, Decimal)):
        amount: float | None = _to_float(Decimal(str(text)))
    elif _MACHINE_NUMBER.match(text):
        amount = _to_float(Decimal(text.strip()))
    elif not re.search(r"\d", text):
        return None, None
    else:
        parsed = Price.fromstring(text, currency_hint=currency_hint)
        if parsed.amount is None:
            return None, None
        prefixed = _DOLLAR_PREFIX.search(text)
        symbol = (
            prefixed.group(0) if prefixed and parsed.currency in {"$", None} else parsed.currency
        )
        return _to_float(parsed.amount), currency_code(symbol, currency_hint)
    return (amount, currency_code(None, currency_hint)) if amount is not None else (None, None)


def _iso_code(text: str | None) -> str | None:
    """``text`` upper-cased when it is an ISO 4217 code pycountry knows, else ``None``."""
    if not text:
        return None
    code = text.strip().upper()
    if len(code) == 3 and code.isalpha() and pycountry.currencies.get(alpha_3=code):
        return code
    return None


def _to_float(amount: Decimal) -> float | None:
    """Decimal -> float, rejecting NaN/infinity which some feeds write as a price."""
    try:
        return float(amount) if amount.is_finite() else None
    except (InvalidOperation, ValueError):
        return None
