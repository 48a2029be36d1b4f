"""The multilingual keyword catalogue: what marketplace spiders type into search boxes.

``data/keywords/catalogue.toml`` lists, for each commodity category and language,
the searches a buyer would make. A spider takes either its own ``query`` or a
``category`` (and optionally ``lang``) and expands it here, so surveillance in a
new language is a data change, not a code change.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from classifiers.types import CATEGORIES
from crawler.paths import data_dir


class KeywordError(ValueError):
    """A category or language the catalogue does not have; the message lists what it has."""


@dataclass(frozen=True)
class SearchTerm:
    """One search to run, with where it came from (kept on each listing it finds)."""

    text: str
    category: str | None = None
    lang: str | None = None


@lru_cache(maxsize=4)
def load_catalogue(path: Path | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{category: {lang: terms}}`` from the catalogue file, checked against the known categories."""
    file = path or data_dir() / "keywords" / "catalogue.toml"
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KeywordError(f"cannot read the keyword catalogue {file}: {exc}") from None
    catalogue: dict[str, dict[str, tuple[str, ...]]] = {}
    for category, languages in raw.items():
        if category not in CATEGORIES:
            raise KeywordError(f"{file}: unknown category {category!r} (known: {', '.join(CATEGORIES)})")
        catalogue[category] = {}
        for lang, entry in languages.items():
            terms = entry.get("terms") if isinstance(entry, dict) else None
            if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
                raise KeywordError(f"{file}: [{category}.{lang}] needs terms = [\"...\", ...]")
            catalogue[category][lang] = tuple(dict.fromkeys(t.strip() for t in terms))
    return catalogue


def expand(
    *, query: str | None = None, category: str | None = None, lang: str | None = None, path: Path | None = None
) -> list[SearchTerm]:
    """The searches a spider runs: its ``query`` (``;``-separated for several), or a category's terms.

    ``lang`` is a comma list of language codes (``"de,nl"``); none means every
    language the catalogue has for the category.
    """
    if query and category:
        raise KeywordError("give either query or category, not both")
    if query:
        return [SearchTerm(q.strip()) for q in query.split(";") if q.strip()]
    if not category:
        raise KeywordError("give a query (e.g. -a query=\"tulip bulbs\") or a category (e.g. -a category=seeds)")
    catalogue = load_catalogue(path)
    if category not in catalogue:
        raise KeywordError(f"no keywords for category {category!r} (the catalogue has: {', '.join(catalogue)})")
    by_lang = catalogue[category]
    wanted = [code.strip().lower() for code in (lang or "").split(",") if code.strip()] or list(by_lang)
    missing = [code for code in wanted if code not in by_lang]
    if missing:
        raise KeywordError(
            f"no {category} keywords in {', '.join(missing)} (languages available: {', '.join(by_lang)})"
        )
    return [SearchTerm(term, category, code) for code in wanted for term in by_lang[code]]
