"""phytowatch's own configuration file (``phytowatch.toml``), validated at load.

A wrong nightly configuration must fail loudly before the first request, with
one message that names the file and the key, never half-way through a crawl.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from crawler.normalise.country import country_code

DEFAULT_CONFIG = "phytowatch.toml"


class ConfigError(Exception):
    """The configuration file is unreadable or holds a wrong value."""


@dataclass(frozen=True)
class Config:
    """Settings an NPPO sets once for its installation."""

    #: Who the sites' operators can contact about our crawler (e-mail or URL); goes into the User-Agent.
    contact: str = "nppo-surveillance@example.org"
    #: The SQLite database.
    database: str = "phytowatch.db"
    #: The NPPO's own country (ISO 3166-1 alpha-2): whose traders are followed up first.
    home_country: str | None = None
    #: Where exports are written by default.
    export_dir: str = "exports"
    #: The key of pseudonymised exports (``phytowatch export --pseudonymise``); made by ``phytowatch export-key``.
    pseudonym_key_file: str | None = None
    #: The watches file: what ``phytowatch schedule`` crawls, and when.
    watches: str = "watches.toml"
    #: The scheduler's own files (job store, crawl logs, locks); default: ``<database>-state/`` beside the database.
    state_dir: str | None = None
    #: Captured evidence (WARC files and screenshots); default: ``<database>-evidence/`` beside the database.
    evidence_dir: str | None = None


def state_dir_for(database: str | Path, state_dir: str | Path | None = None) -> Path:
    """Where the scheduler keeps its files for ``database``: ``phytowatch.db`` -> ``phytowatch-state/``."""
    if state_dir:
        return Path(state_dir)
    db = Path(database)
    return db.with_name(f"{db.stem}-state")


def load_config(path: str | Path | None = None) -> Config:
    """Read ``path`` (or ``$PHYTOWATCH_CONFIG``, or ``./phytowatch.toml`` if present).

    No file at the default place means the defaults; a file that was asked for
    and is missing, unparsable or wrong is a :class:`ConfigError`.
    """
    explicit = path or os.environ.get("PHYTOWATCH_CONFIG")
    file = Path(explicit or DEFAULT_CONFIG)
    if not file.exists():
        if explicit:
            raise ConfigError(f"configuration file {file} does not exist")
        return Config()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read configuration: {exc}") from None
    known = {f.name for f in fields(Config)}
    values = raw.get("phytowatch", raw)
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{file}: unknown key {key!r} (known keys: {', '.join(sorted(known))})")
        if not isinstance(value, str):
            raise ConfigError(f"{file}: {key} must be a text value, not {type(value).__name__}")
    if "home_country" in values:
        code = country_code(values["home_country"])
        if code is None:
            raise ConfigError(f"{file}: home_country {values['home_country']!r} is not a country")
        values = {**values, "home_country": code}
    return Config(**values)


def user_agent(contact: str) -> str:
    """An honest User-Agent: what we are, why we crawl, and whom to contact."""
    from crawler import __version__

    return f"phytowatch/{__version__} (plant-health surveillance crawler; +{contact})"
