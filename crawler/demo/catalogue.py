"""The bundled demo marketplace as typed data: traders, their listings and the labels we intend.

The data lives in ``data/demo/`` (``traders.toml`` and ``listings/<trader>.jsonl``,
see ``data/demo/README.md``). :func:`Catalogue.load` reads it; the demo server
(:mod:`crawler.demo.server`) serves it in the formats of real shops, and tests use
``expected_categories`` / ``expected_risk`` / ``expected_taxa`` as ground truth.

>>> cat = Catalogue.load()
>>> len(cat.scaled(5000).listings)
5000
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from crawler.paths import data_dir

#: The three shop families the demo serves, as named in ``traders.toml``.
PLATFORMS: tuple[str, ...] = ("shopify", "woocommerce", "sitemap")


@dataclass(frozen=True)
class DemoTrader:
    """One invented shop; ``key`` is also its URL slug (``/shops/<key>/``)."""

    key: str
    name: str
    #: "shopify", "woocommerce" or "sitemap" (a plain shop with schema.org markup).
    platform: str
    #: ISO 3166-1 alpha-2.
    country: str
    city: str
    #: ISO 4217.
    currency: str
    #: BCP 47 primary language subtag ("nl", "en", ...): the language the shop writes in.
    language: str
    #: IANA time zone, e.g. "Europe/Amsterdam".
    timezone: str
    #: The shop's (invented) own domain, e.g. "bloembollen-vandermeer.example".
    domain: str
    email: str
    description: str = ""
    region: str = ""
    postal_code: str = ""
    street: str = ""
    #: Alpha-2 codes the shop ships to; "*" means the rest of the world.
    ships_to: tuple[str, ...] = ()
    #: Sitemap shops only: "json-ld" or "microdata" product markup.
    markup: str = "json-ld"
    #: Sitemap shops only: whether offers carry schema.org OfferShippingDetails.
    shipping_details: bool = False

    @property
    def slug(self) -> str:
        return self.key


@dataclass(frozen=True)
class DemoListing:
    """One product of one demo trader, with the labels its author intends."""

    id: str
    trader: str
    title: str
    description: str
    #: In the trader's currency.
    price: Decimal
    quantity: int
    available: bool
    #: Unique across the whole catalogue: the key to join crawled items back to this record.
    sku: str
    #: URL slug, unique within the trader.
    handle: str
    category_path: tuple[str, ...]
    product_type: str
    expected_categories: tuple[str, ...]
    expected_risk: str
    compare_at_price: Decimal | None = None
    tags: tuple[str, ...] = ()
    #: Relative paths (``images/<trader>/<file>``), served under the shop's root.
    images: tuple[str, ...] = ()
    #: ISO dates.
    created_at: str = "2024-01-01"
    updated_at: str = "2024-01-01"
    #: True for listings written to look like regulated goods that are not (seed beads, silk plants...).
    look_alike: bool = False
    #: EU Union-list (Regulation 1143/2014) species the text names, by accepted scientific name.
    expected_taxa: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DemoListing:
        compare = d.get("compare_at_price")
        return cls(
            id=d["id"],
            trader=d["trader"],
            title=d["title"],
            description=d["description"],
            price=Decimal(str(d["price"])),
            quantity=int(d["quantity"]),
            available=bool(d["available"]),
            sku=d["sku"],
            handle=d["handle"],
            category_path=tuple(d["category_path"]),
            product_type=d.get("product_type") or d["category_path"][-1],
            expected_categories=tuple(d["expected_categories"]),
            expected_risk=d["expected_risk"],
            compare_at_price=Decimal(str(compare)) if compare is not None else None,
            tags=tuple(d.get("tags", ())),
            images=tuple(d.get("images", ())),
            created_at=d.get("created_at", "2024-01-01"),
            updated_at=d.get("updated_at", "2024-01-01"),
            look_alike=bool(d.get("look_alike", False)),
            expected_taxa=tuple(d.get("expected_taxa", ())),
        )


@dataclass(frozen=True)
class Catalogue:
    """All demo traders and listings, in file order."""

    traders: tuple[DemoTrader, ...]
    listings: tuple[DemoListing, ...]
    _by_trader: dict[str, tuple[DemoListing, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        groups: dict[str, list[DemoListing]] = {t.key: [] for t in self.traders}
        for listing in self.listings:
            if listing.trader not in groups:
                raise ValueError(f"listing {listing.id} names unknown trader {listing.trader!r}")
            groups[listing.trader].append(listing)
        self._by_trader.update({k: tuple(v) for k, v in groups.items()})

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Catalogue:
        """Read ``traders.toml`` and every ``listings/*.jsonl`` from ``data_dir`` (default: bundled demo)."""
        root = Path(data_dir) if data_dir is not None else _default_dir()
        with open(root / "traders.toml", "rb") as fh:
            raw = tomllib.load(fh)
        traders = tuple(_trader(t) for t in raw["trader"])
        listings: list[DemoListing] = []
        for t in traders:
            path = root / "listings" / f"{t.key}.jsonl"
            if not path.is_file():
                continue
            with open(path, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, start=1):
                    if line.strip():
                        try:
                            listings.append(DemoListing.from_dict(json.loads(line)))
                        except (KeyError, ValueError) as exc:
                            raise ValueError(f"{path}:{lineno}: bad listing: {exc}") from exc
        return cls(traders, tuple(listings))

    def trader(self, key: str) -> DemoTrader:
        for t in self.traders:
            if t.key == key:
                return t
        raise KeyError(key)

    def listings_of(self, key: str) -> tuple[DemoListing, ...]:
        return self._by_trader[key]

    def traders_on(self, platform: str) -> tuple[DemoTrader, ...]:
        return tuple(t for t in self.traders if t.platform == platform)

    @cached_property
    def by_sku(self) -> dict[str, DemoListing]:
        return {listing.sku: listing for listing in self.listings}

    @cached_property
    def by_id(self) -> dict[str, DemoListing]:
        return {listing.id: listing for listing in self.listings}

    @property
    def countries(self) -> set[str]:
        return {t.country for t in self.traders}

    @property
    def languages(self) -> set[str]:
        return {t.language for t in self.traders}

    def scaled(self, n: int) -> Catalogue:
        """A catalogue of exactly ``n`` listings, cycling the real ones.

        The first pass keeps the originals; pass ``k`` (2, 3, ...) adds copies with
        ``-lot<k>`` ids, handles and skus and a " — lot k" title suffix, so every
        id, sku and handle stays unique. Traders are unchanged.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if not self.listings and n:
            raise ValueError("cannot scale an empty catalogue")
        out: list[DemoListing] = []
        k = 1
        while len(out) < n:
            for listing in self.listings:
                if len(out) == n:
                    break
                out.append(listing if k == 1 else _lot(listing, k))
            k += 1
        return Catalogue(self.traders, tuple(out))


def _lot(listing: DemoListing, k: int) -> DemoListing:
    return replace(
        listing,
        id=f"{listing.id}-lot{k}",
        title=f"{listing.title} — lot {k}",
        sku=f"{listing.sku}-L{k}",
        handle=f"{listing.handle}-lot-{k}",
    )


def _trader(d: dict[str, Any]) -> DemoTrader:
    d = dict(d)
    d["ships_to"] = tuple(d.get("ships_to", ()))
    if d.get("platform") not in PLATFORMS:
        raise ValueError(f"trader {d.get('key')!r}: platform must be one of {', '.join(PLATFORMS)}")
    return DemoTrader(**d)


def _default_dir() -> Path:
    return data_dir() / "demo"
