"""Turn a country name, code or seller location into an ISO 3166-1 alpha-2 code.

Shops write where goods ship from in every language and shape: "Located in: Shenzhen,
China", "Galway , Irlande (Eire)", "Hayes, Regno Unito", "CN, China", "San Francisco, CA".
For an NPPO the country of origin is the single most important fact about an offer, so a
wrong guess is worse than no answer: this module only answers from names it knows and
never from a city on its own.

The names come from ``pycountry`` (English names, official and common names, and its
gettext translations into the languages of the markets we watch) plus a short table of
the aliases shops actually use ("UK", "USA", "Holland", "Eire", "Mainland China").
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry

# fmt: off
#: Languages whose country names are read from pycountry's translations: the EU's, the
#: other big plant-trade markets', and those of the marketplaces phytowatch crawls.
_LANGUAGES = (
    "de", "fr", "es", "it", "nl", "pt", "pt_BR", "pl", "sv", "da", "nb_NO", "fi", "cs",
    "sk", "sl", "hr", "hu", "ro", "bg", "el", "et", "lv", "lt", "ga", "mt", "tr", "ru", "uk",
    "ja", "ko", "zh_CN", "zh_TW", "id", "vi", "th",
)
#: Names shops use that are not in pycountry (or are, but only in an inverted form).
_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "Grande-Bretagne", "Großbritannien", "Grossbritannien",
           "Gran Bretaña", "Gran Bretagna", "Groot-Brittannië", "Grã-Bretanha"),
    "US": ("USA", "U.S.A.", "U.S.", "America", "United States of America", "Stati Uniti d'America",
           "Estados Unidos de América", "Vereinigte Staaten von Amerika"),
    "NL": ("Holland", "The Netherlands"),
    "IE": ("Eire", "Éire", "Republic of Ireland"),
    "CN": ("Mainland China", "PRC", "People's Republic of China", "China Mainland"),
    "HK": ("Hong Kong SAR", "Hong Kong SAR China", "Hong Kong, China"),
    "TW": ("Taiwan ROC", "Republic of China", "Taiwan, China"),
    "KR": ("Korea", "Korea, South", "South Korea", "Republic of Korea", "Südkorea",
           "Corée du Sud", "Corea del Sur", "Coreia do Sul", "Zuid-Korea"),
    "RU": ("Russia", "Russland", "Russie", "Rusia", "Rússia", "Rosja", "Россия"),
    "TR": ("Turkey", "Türkei", "Turquie", "Turquía", "Turchia", "Turkije", "Turcja"),
    "CZ": ("Czech Republic", "Tschechische Republik", "République tchèque"),
    "VN": ("Vietnam", "Viet Nam"),
    "AE": ("UAE", "U.A.E."),
    "CI": ("Ivory Coast",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
}
#: Words that introduce a location ("Ships from", "Located in", "Versand aus", "Envío
#: desde"); they are dropped from the front of a part before it is looked up.
_FILLER = frozenset({
    "located", "location", "item", "in", "from", "ships", "shipped", "shipping", "dispatched",
    "sent", "the", "country",
    "standort", "artikelstandort", "versand", "aus", "von", "nach",                  # de
    "envio", "enviado", "desde", "ubicacion", "ubicado", "en", "de", "del", "el",    # es
    "los", "las",
    "expedie", "envoye", "depuis", "localisation", "situe", "lieu", "du", "la",      # fr
    "le", "les", "l",
    "spedito", "spedizione", "da", "dal", "dalla", "il", "lo",                       # it
    "verzonden", "vanuit", "uit",                                                    # nl
    "wysylka", "z",                                                                  # pl
    "origem",                                                                        # pt
})
# fmt: on
#: A location is split into parts at commas, semicolons, colons, pipes, brackets and " - ".
_SPLIT = re.compile(r"[,;:|()\[\]\n/]+|\s[-–—]\s")


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of the country a text names, or ``None``.

    Accepts a country name in many languages ("Deutschland", "États-Unis", "Regno Unito"),
    an alpha-2 or alpha-3 code ("DE", "USA"), or a location in which the *last* part that
    names a country wins ("Located in: Shenzhen, China" -> "CN"). A US-style "City, ST"
    with a two-letter state ("San Francisco, CA") is read as the United States, because
    that is how US marketplaces write a location; a city on its own gives ``None``.

    >>> country_code("Galway , Irlande (Eire)")
    'IE'
    >>> country_code("Brooklyn, NY, United States")
    'US'
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    if (code := _lookup(text, whole=True)) is not None:
        return code
    parts = [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if len(parts) >= 2 and parts[-1] in _us_states() and _lookup(parts[-2]) is None:
        return "US"
    for part in reversed(parts):
        if (code := _lookup(part)) is not None:
            return code
    for part in reversed(parts):
        if (code := _fuzzy(part)) is not None:
            return code
    return None


def _lookup(part: str, *, whole: bool = False) -> str | None:
    """Country code of one part of a location, dropping leading filler words.

    Codes ("DE", "USA") are only taken when written in capitals, or when they are the
    whole text, so that the word "in" or "de" inside a sentence is never India or Germany.
    """
    if (whole or part.isupper()) and (code := _codes().get(part.upper())):
        return code
    words = _key(part).split()
    while words:
        if (code := _names().get(" ".join(words))) is not None:
            return code
        if words[0] not in _FILLER:
            break
        words = words[1:]
    return None


def _fuzzy(part: str) -> str | None:
    """pycountry's fuzzy search, accepted only for one country whose name contains the part.

    ``search_fuzzy`` also matches subdivisions ("Texas" -> US, "Paris" -> FR) and pieces
    of names ("Korea" -> KP and KR); both would be guesses, so both are refused.
    """
    key = _key(part)
    if len(key) < 4:
        return None
    try:
        found = pycountry.countries.search_fuzzy(part)
    except LookupError:
        return None
    if len(found) != 1:
        return None
    names = " | ".join(_key(name) for name in _country_names(found[0]))
    return found[0].alpha_2 if re.search(rf"\b{re.escape(key)}\b", names) else None


def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name ("U.S.A." -> "usa")."""
    text = unicodedata.normalize("NFKD", text.replace(".", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _country_names(country: object) -> list[str]:
    """The English name, official name and common name pycountry has for a country."""
    names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
    return [name for name in names if name]


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Alpha-2 and alpha-3 codes -> alpha-2."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        table[country.alpha_2] = table[country.alpha_3] = country.alpha_2
    table["UK"] = "GB"  # not ISO, but what everyone writes
    return table


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised country name (any language, alias or inverted form) -> alpha-2.

    English names win over translations, and a short form that would name two countries
    ("Korea" in "Korea, Republik" and "Korea, Demokratische Volksrepublik") is dropped
    instead of being given to whichever came first.
    """
    table: dict[str, str] = {}
    heads: dict[str, set[str]] = {}
    translators = [gettext.NullTranslations()] + [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in _LANGUAGES
    ]
    for translator in translators:  # every English name first, then translations
        for country in pycountry.countries:
            for name in _country_names(country):
                local = translator.gettext(name)
                table.setdefault(_key(local), country.alpha_2)
                if ", " in local:  # "Korea, Republic of" -> "Republic of Korea", "Korea"
                    head, tail = local.split(", ", 1)
                    table.setdefault(_key(f"{tail} {head}"), country.alpha_2)
                    heads.setdefault(_key(head), set()).add(country.alpha_2)
    for head, codes in heads.items():
        if len(codes) == 1:
            table.setdefault(head, codes.pop())
    for alpha_2, aliases in _ALIASES.items():
        for alias in aliases:
            table[_key(alias)] = alpha_2
    return table


@lru_cache(maxsize=1)
def _us_states() -> frozenset[str]:
    """Two-letter codes of US states, districts and territories ("CA", "NY", "DC")."""
    return frozenset(
        sub.code.split("-")[1] for sub in pycountry.subdivisions.get(country_code="US")
    )
