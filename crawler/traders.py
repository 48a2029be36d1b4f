"""Trader entities: the same business across marketplaces and shops, its country and its risk.

A *trader* is a seller on one marketplace (or an independent shop). A *trader
entity* groups the traders the evidence says are one business (see
``docs/traders.md`` for the rules, the risk score and what personal data is kept):

* a shared identifier: website domain, e-mail address or phone number, found in
  the trader's own details (shop website, profile link, shop address) or in the
  text of its listings;
* closely matching names (:mod:`crawler.names`) of two traders based in the
  same country; never a name alone across countries.

Every link is stored with its evidence; an officer can undo one
(:func:`crawler.trader_links.unlink`), which keeps the two traders apart in every
later refresh, and take that back (:func:`crawler.trader_links.relink`).
:func:`refresh_traders` brings identifiers, links and entity figures up to
date; :func:`list_traders` is the outreach list of ``phytowatch traders``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from classifiers.types import CATEGORIES, RISK_LEVELS, risk_rank
from crawler.identifiers import find_identifiers, registrable_domain, url_domain
from crawler.names import MAX_SHARED, NAME_SIMILARITY, name_links, normalise_name
from crawler.store import Store
from crawler.store import traders as db
from crawler.store.traders import ListingGroup, TraderRow

#: Strongest evidence first: when an officer's undo keeps two groups apart, stronger links win.
KIND_ORDER: tuple[str, ...] = ("email", "phone", "domain", "name")
#: ``(trader_id, kind, match_key, value, found_in, listing_id, found_at)``, as stored.
IdentifierRow = tuple[int, str, str, str | None, str, int | None, str]
#: Days since last activity -> weight of the score (the first bound not exceeded applies).
RECENCY: tuple[tuple[float, float], ...] = ((30, 1.0), (180, 0.5), (math.inf, 0.25))


@dataclass
class RefreshReport:
    listings_read: int = 0
    identifiers_added: int = 0
    links_added: int = 0
    links_held_apart: int = 0
    entities: int = 0
    traders: int = 0
    seconds: float = 0.0


# -- the risk score ----------------------------------------------------------------


def risk_score(
    high: int, medium: int, low: int, taxa_listings: int, listings: int, last_activity: str | None,
    now: datetime,
) -> float:  # fmt: skip
    """A trader entity's risk score, documented in ``docs/traders.md``::

        recency x (10 log2(1+H) + 4 log2(1+M) + log2(1+L) + 12 log2(1+T) + 10 S)

    H, M, L: its listings at high, medium and low risk; T: its listings naming a
    regulated taxon; S: the share of its listings at high or medium risk (the
    regulated categories); recency: 1 when last active within 30 days, 0.5 within
    180 days, 0.25 before. Logarithms, so that volume counts but one large shop of
    garden tools does not outrank a small trader of prohibited plants.
    """
    if not listings:
        return 0.0
    share = (high + medium) / listings
    base = (10 * math.log2(1 + high) + 4 * math.log2(1 + medium) + math.log2(1 + low)
            + 12 * math.log2(1 + taxa_listings) + 10 * share)  # fmt: skip
    return round(_recency(last_activity, now) * base, 1)


def _recency(last_activity: str | None, now: datetime) -> float:
    if not last_activity:
        return RECENCY[-1][1]
    seen = datetime.fromisoformat(last_activity)
    seen = seen if seen.tzinfo else seen.replace(tzinfo=timezone.utc)
    days = (now - seen).total_seconds() / 86400
    return next(weight for bound, weight in RECENCY if days <= bound)


# -- grouping --------------------------------------------------------------------


class _Groups:
    """Union-find whose root is the smallest trader id, with pairs an officer keeps apart."""

    def __init__(self, ids: Iterable[int], apart: Iterable[tuple[int, int]]) -> None:
        self.parent = {i: i for i in ids}
        self.apart = list(apart)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: int, b: int) -> bool:
        """Join the groups of ``a`` and ``b`` unless that would join a pair kept apart; False if refused."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        for x, y in self.apart:
            if {self.find(x), self.find(y)} == {ra, rb}:
                return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


# -- refresh -------------------------------------------------------------------------


def needs_refresh(store: Store) -> bool:
    """Whether listings, traders or finished crawls are newer than the trader entities."""
    last = db.get_state(store, "traders_refreshed_for")
    return last != json.dumps(db.latest_activity(store))


def refresh_traders(store: Store, *, now: datetime | None = None, rescan: bool = False) -> RefreshReport:
    """Read new identifiers, link traders, regroup them into entities and recompute the entities' figures.

    Listing text is read once, when a listing is new (``rescan`` reads every listing
    again, e.g. after the extraction rules changed); trader details every time.
    All of it is one transaction.
    """
    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    stamp = now.replace(microsecond=0).isoformat()
    report = RefreshReport()
    traders = db.trader_rows(store)
    by_key = {(t.marketplace, t.seller_key): t for t in traders}
    stats = _trader_stats(db.listing_groups(store))
    country = {t.id: _country(Counter([t.country] if t.country else []), _of(stats, t).ships_from)[0] for t in traders}
    with store.transaction() as conn:
        key = _digest_key(store, conn)
        watermark = 0 if rescan else int(db.get_state(store, "identifiers_read_to") or 0)
        found, last_id, report.listings_read = _identifiers(store, traders, by_key, country, watermark, key, stamp)
        report.identifiers_added = db.save_identifiers(conn, found)
        db.set_state(conn, "identifiers_read_to", str(max(last_id, watermark)))
        report.links_added = db.save_links(conn, _candidate_links(store, traders, country, stamp))
        entity_of, report.links_held_apart = _group(store, traders)
        db.write_entity_ids(conn, entity_of)
        rows = _entity_rows(traders, entity_of, stats, db.taxa_by_trader(store), now, stamp)
        db.replace_entities(conn, rows)
        db.set_state(conn, "traders_refreshed_for", json.dumps(db.latest_activity(store)))
    report.entities, report.traders = len(rows), len(traders)
    report.seconds = time.perf_counter() - started
    return report


def _digest_key(store: Store, conn: Any) -> bytes:
    """This database's key for the digests of private persons' contact details (made on first use)."""
    key = db.get_state(store, "identifier_key")
    if key is None:
        key = secrets.token_hex(32)
        db.set_state(conn, "identifier_key", key)
    return bytes.fromhex(key)


def _identifiers(
    store: Store, traders: list[TraderRow], by_key: dict[tuple[str, str], TraderRow], country: dict[int, str | None],
    watermark: int, key: bytes, stamp: str,
) -> tuple[list[IdentifierRow], int, int]:  # fmt: skip
    """Identifier rows from every trader's details and from listings after ``watermark``.

    Also returns the last listing id read and how many listings were read.
    """
    rows: list[IdentifierRow] = []
    for t in traders:
        shop = t.marketplace == t.seller_key  # an independent shop: the marketplace's address is its own
        marketplace_domain = registrable_domain(t.marketplace.split("/")[0])
        own = [("shop website", url_domain(t.shop_website)), ("profile link", url_domain(t.profile_url)),
               ("shop address", marketplace_domain if shop else None)]  # fmt: skip
        for found_in, domain in own:
            if domain and (shop or domain != marketplace_domain):
                rows.append(_identifier_row(t, "domain", domain, found_in, None, key, stamp))
    last_id, read = watermark, 0
    for listing_id, marketplace, seller_key, title, description, ships_from in db.listing_texts(store, watermark):
        last_id, read = listing_id, read + 1
        trader = by_key.get((marketplace, seller_key))
        if trader is None:
            continue
        own_domain = registrable_domain(marketplace.split("/")[0]) if marketplace != seller_key else None
        for part, text in (("title", title), ("description", description)):
            for ident in find_identifiers(text, country.get(trader.id) or ships_from):
                if ident.kind == "domain" and ident.value == own_domain:
                    continue  # a marketplace seller quoting the marketplace
                rows.append(_identifier_row(trader, ident.kind, ident.value, f"listing {part} ({ident.via})",
                                            listing_id, key, stamp))  # fmt: skip
    return rows, last_id, read


def _identifier_row(
    trader: TraderRow, kind: str, value: str, found_in: str, listing_id: int | None, key: bytes, stamp: str
) -> IdentifierRow:
    """E-mail addresses and phone numbers are compared by a keyed digest; a private person's is kept only so."""
    if kind == "domain":
        return (trader.id, kind, value, value, found_in, listing_id, stamp)
    digest = "hmac:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
    return (trader.id, kind, digest, None if trader.private else value, found_in, listing_id, stamp)


def _candidate_links(
    store: Store, traders: list[TraderRow], country: dict[int, str | None], stamp: str
) -> list[tuple[int, int, str, str, str, float | None, str]]:
    """Links from shared identifiers (each trader of a value to the first) and from close names."""
    rows: list[tuple[int, int, str, str, str, float | None, str]] = []
    for (kind, match_key), holders in db.identifier_groups(store).items():
        first: dict[int, db.Holder] = {}
        for holder in holders:
            first.setdefault(holder.trader_id, holder)
        if len(first) > MAX_SHARED:
            continue
        anchor, *others = sorted(first)
        for other in others:
            one, two = first[anchor], first[other]
            # the readable value when either side is not a private person, else the digest
            value = one.value or two.value or match_key
            evidence = {"a": _where(one), "b": _where(two)}
            rows.append((anchor, other, kind, value, json.dumps(evidence, ensure_ascii=False), None, stamp))
    named = ((t.id, t.display_name or "", country.get(t.id) or "") for t in traders)
    for a, b, score, name_a, name_b in name_links(named):
        why = {"a": {"trader": a, "name": name_a}, "b": {"trader": b, "name": name_b}, "similarity": score,
               "country": country.get(a), "threshold": NAME_SIMILARITY}  # fmt: skip
        value = f"{normalise_name(name_a)} ~ {normalise_name(name_b)}"
        rows.append((a, b, "name", value, json.dumps(why, ensure_ascii=False), score, stamp))
    return rows


def _where(holder: db.Holder) -> dict[str, Any]:
    where: dict[str, Any] = {"trader": holder.trader_id, "found_in": holder.found_in}
    if holder.listing_id is not None:
        where["listing"] = holder.listing_id
    return where


def _group(store: Store, traders: list[TraderRow]) -> tuple[dict[int, int], int]:
    """Entity id (smallest member id) of every trader, and how many links an undo held apart."""
    all_links = db.links(store)
    apart = [(link.trader_a, link.trader_b) for link in all_links if link.undone]
    groups = _Groups((t.id for t in traders), apart)
    held = 0
    for link in sorted(all_links, key=lambda x: (KIND_ORDER.index(x.kind), x.id)):
        if not link.undone and not groups.join(link.trader_a, link.trader_b):
            held += 1
    return {t.id: groups.find(t.id) for t in traders}, held


# -- entity figures ------------------------------------------------------------------


@dataclass
class _Stats:
    listings: int = 0
    active: int = 0
    by_rank: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    by_category: Counter[str] = field(default_factory=Counter)
    ships_from: Counter[str] = field(default_factory=Counter)
    taxa_listings: int = 0
    first: str | None = None
    last: str | None = None

    def add(self, other: _Stats) -> None:
        self.listings += other.listings
        self.active += other.active
        self.by_rank = [x + y for x, y in zip(self.by_rank, other.by_rank)]
        self.by_category.update(other.by_category)
        self.ships_from.update(other.ships_from)
        self.taxa_listings += other.taxa_listings
        self.first = min(filter(None, (self.first, other.first)), default=None)
        self.last = max(filter(None, (self.last, other.last)), default=None)


StatsByKey = dict[tuple[str, str], _Stats]


def _of(stats: StatsByKey, trader: TraderRow) -> _Stats:
    return stats.get((trader.marketplace, trader.seller_key)) or _Stats()


def _trader_stats(groups: Iterable[ListingGroup]) -> StatsByKey:
    """Each trader's listing figures, by ``(marketplace, seller_key)``, from the grouped listings."""
    by_key: StatsByKey = {}
    categories: dict[str, list[str]] = {}
    for g in groups:
        s = by_key.setdefault((g.marketplace, g.seller_key), _Stats())
        s.listings += g.listings
        s.active += g.active
        s.by_rank[min(max(g.risk_rank, 0), 3)] += g.listings
        if g.categories not in categories:
            categories[g.categories] = [c for c in json.loads(g.categories) if c in CATEGORIES]
        for c in categories[g.categories]:
            s.by_category[c] += g.listings
        if g.ships_from:
            s.ships_from[g.ships_from] += g.listings
        s.taxa_listings += g.taxa_listings
        s.first = min(filter(None, (s.first, g.first_seen)), default=None)
        s.last = max(filter(None, (s.last, g.last_seen)), default=None)
    return by_key


def _country(seller: Counter[str], ships_from: Counter[str]) -> tuple[str | None, str | None]:
    """The country most of its sellers give as their location; failing that, the one most listings ship from."""
    for votes, basis in ((seller, "seller location"), (ships_from, "ships from")):
        if votes:
            return sorted(votes.items(), key=lambda kv: (-kv[1], -ships_from.get(kv[0], 0), kv[0]))[0][0], basis
    return None, None


def _entity_rows(
    traders: list[TraderRow], entity_of: dict[int, int], stats: StatsByKey, taxa: dict[tuple[str, str], set[str]],
    now: datetime, stamp: str,
) -> list[dict[str, Any]]:  # fmt: skip
    members: dict[int, list[TraderRow]] = defaultdict(list)
    for t in traders:
        members[entity_of[t.id]].append(t)
    rows = []
    for entity_id, group in members.items():
        total = _Stats()
        names: set[str] = set()
        biggest = max(group, key=lambda t: (_of(stats, t).listings, -t.id))
        for t in group:
            total.add(_of(stats, t))
            names |= taxa.get((t.marketplace, t.seller_key), set())
            total.first = min(filter(None, (total.first, t.first_seen)), default=None)
            total.last = max(filter(None, (total.last, t.last_seen)), default=None)
        seller = Counter(t.country for t in group if t.country)
        country, basis = _country(seller, total.ships_from)
        high, medium, low, unregulated = total.by_rank
        ranked = [rank for rank, n in enumerate(total.by_rank) if n]
        rank = min(ranked) if ranked else 3
        rows.append({
            "id": entity_id, "name": biggest.display_name or biggest.seller_key, "country": country,
            "country_basis": basis,
            "country_evidence": {"seller_location": dict(seller), "ships_from": dict(total.ships_from.most_common())},
            "traders": len(group), "marketplaces": sorted({t.marketplace for t in group}),
            "listings": total.listings, "active_listings": total.active, "high": high, "medium": medium,
            "low": low, "unregulated": unregulated, "by_category": dict(total.by_category.most_common()),
            "regulated_share": round((high + medium) / total.listings, 3) if total.listings else 0.0,
            "taxa_listings": total.taxa_listings, "taxa": sorted(names),
            "first_activity": total.first, "last_activity": total.last,
            "risk": RISK_LEVELS[rank], "risk_rank": rank,
            "risk_score": risk_score(high, medium, low, total.taxa_listings, total.listings, total.last, now),
            "refreshed_at": stamp,
        })  # fmt: skip
    return rows


def list_traders(
    store: Store, country: str, *, min_risk: str = "medium", limit: int | None = None, details: bool = False,
    refresh: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """The trader entities based in ``country`` whose riskiest listing is at ``min_risk`` or above, riskiest first.

    With ``details``, each has ``members`` (its traders) and ``links`` (the evidence joining them).
    With ``refresh``, the entities are brought up to date first if crawls changed the store since.
    """
    if refresh and needs_refresh(store):
        refresh_traders(store)
    rows = db.entities_in(store, country, risk_rank(min_risk), limit)
    if details and rows:
        members, links = db.members_and_links(store, [r["id"] for r in rows])
        for row in rows:
            row["members"], row["links"] = members[row["id"]], links[row["id"]]
    return rows
