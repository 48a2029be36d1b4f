"""Trader entities: links on evidence, never on a name across countries; officers' undo; country; risk score."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing, Trader
from crawler.names import NAME_SIMILARITY, name_links, normalise_name
from crawler.store import Store
from crawler.trader_links import LinkError, link_trail, links_held_apart, relink, unlink
from crawler.traders import list_traders, needs_refresh, refresh_traders, risk_score

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)
SEEN = "2026-11-19T02:00:00+00:00"
HIGH = {"categories": ["bulbs_tubers"], "risk": "high", "model_version": "t", "scores": {}}
MEDIUM = {"categories": ["fresh_produce"], "risk": "medium", "model_version": "t", "scores": {}}
NONE = {"categories": ["not_regulated"], "risk": "none", "model_version": "t", "scores": {}}
TAXON = {**HIGH, "taxa": [{"scientific_name": "Ludwigia grandiflora", "status": "prohibited"}]}
WHOLESALER = "info@grossiste-bulbes.example"

#: (marketplace, seller_key, display name, country, private), listings: (description, ships_from, verdict)
TRADERS: list[tuple[tuple[str, str, str, str | None, bool | None], list[tuple[str, str | None, dict[str, Any]]]]] = [
    (("tulpen-shop.nl", "tulpen-shop.nl", "Tulpen-Shop", "NL", None),  # an independent shop
     [("Vragen? Bel 0252 417 215.", "NL", HIGH), ("Tulpenbollen mix", "NL", HIGH), ("Vaas", "NL", NONE)]),
    (("ebay.de", "bulbs4u", "bulbs4u", "NL", None),
     [("Ook in onze webshop www.tulpen-shop.nl, tel. +31 252 417 215", "NL", TAXON)]),
    (("etsy.com", "tulpenshop", "Tulpen Shop", "DE", None),  # the same name in another country
     [("Tulpenzwiebeln", "DE", HIGH)]),
    (("marktplaats.nl", "1234", "Tulpen Shop B.V.", None, None),  # no location given: ships from NL
     [("Bollen", "NL", MEDIUM), ("Bollen 2", "NL", HIGH)]),
    (("leboncoin.fr", "u-1", "Marie", None, True),  # a private person
     [("Bulbes, contact marie.dupont@gmail.com ou 06 12 34 56 78", "FR", HIGH)]),
    (("ebay.fr", "jardin_marie", "jardin_marie", "FR", None),
     [("Écrivez à marie.dupont@gmail.com", "FR", HIGH)]),
] + [  # eleven resellers quoting their wholesaler: a generic identifier, no links
    ((f"reseller{n}.example", f"reseller{n}.example", f"Reseller number {n}", "BE", None),
     [(f"Grossiste: {WHOLESALER}", "BE", HIGH)])
    for n in range(11)
]  # fmt: skip


def fill(store: Store, traders: list[Any] = TRADERS) -> dict[str, int]:
    """Store the traders and listings; return trader ids by seller key."""
    n = 0
    for (marketplace, seller, name, country, private), listings in traders:
        store.save_trader(Trader(marketplace=marketplace, seller_key=seller, display_name=name, country=country,
                                 private=private, fetched_at=SEEN))  # fmt: skip
        for description, ships_from, verdict in listings:
            n += 1
            store.save_listing(Listing(
                marketplace=marketplace, listing_id=str(n), url=f"https://{marketplace}/{n}", title=f"Listing {n}",
                description=description, ships_from=ships_from, seller_key=seller, fetched_at=SEEN,
            ), classification=verdict)  # fmt: skip
    return {r[1]: r[0] for r in store.conn.execute("SELECT id, seller_key FROM traders")}


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "traders.db") as s:
        yield s


@pytest.fixture
def linked(store: Store) -> tuple[Store, dict[str, int]]:
    ids = fill(store)
    refresh_traders(store, now=NOW)
    return store, ids


def entity(store: Store, trader_id: int) -> int:
    return int(store.conn.execute("SELECT entity_id FROM traders WHERE id = ?", (trader_id,)).fetchone()[0])


def link_rows(store: Store) -> list[dict[str, Any]]:
    rows = list(store.db.query("SELECT * FROM trader_links ORDER BY id"))
    for row in rows:
        row["evidence"] = json.loads(row["evidence"])
    return rows


def test_the_same_business_across_marketplaces_is_one_entity(linked: tuple[Store, dict[str, int]]) -> None:
    store, ids = linked
    shop, ebay, etsy, marktplaats = ids["tulpen-shop.nl"], ids["bulbs4u"], ids["tulpenshop"], ids["1234"]
    assert entity(store, shop) == entity(store, ebay) == entity(store, marktplaats) == shop  # smallest id
    assert entity(store, etsy) == etsy  # a close name in another country is no evidence
    assert entity(store, ids["u-1"]) == entity(store, ids["jardin_marie"])
    assert len({entity(store, ids[f"reseller{n}.example"]) for n in range(11)}) == 11

    links = {(r["kind"], r["trader_a"], r["trader_b"]): r for r in link_rows(store)}
    domain = links[("domain", shop, ebay)]
    assert domain["value"] == "tulpen-shop.nl"
    assert domain["evidence"]["a"] == {"trader": shop, "found_in": "shop address"}
    assert domain["evidence"]["b"]["found_in"] == "listing description (web address)"
    assert domain["evidence"]["b"]["listing"] == store.listing_row_id("ebay.de", "4")
    assert links[("phone", shop, ebay)]["value"] == "+31252417215"
    name = links[("name", shop, marktplaats)]
    assert name["similarity"] >= NAME_SIMILARITY and name["evidence"]["country"] == "NL"
    assert name["evidence"]["a"]["name"] == "Tulpen-Shop" and name["evidence"]["b"]["name"] == "Tulpen Shop B.V."
    assert not any(etsy in (r["trader_a"], r["trader_b"]) for r in links.values())


def test_a_private_persons_contact_details_are_kept_only_as_digests(linked: tuple[Store, dict[str, int]]) -> None:
    store, ids = linked
    private = list(store.db.query("SELECT * FROM trader_identifiers WHERE trader_id = ?", [ids["u-1"]]))
    assert {r["kind"] for r in private} == {"email", "phone"}
    assert all(r["value"] is None and r["match_key"].startswith("hmac:") for r in private)
    assert "+33612345678" not in "\n".join(store.conn.iterdump())  # kept nowhere but in the listing's own text
    [email] = [r for r in link_rows(store) if r["kind"] == "email"]
    assert email["value"] == "marie.dupont@gmail.com"  # as the other, non-private seller published it


def test_entity_figures_country_and_risk(linked: tuple[Store, dict[str, int]]) -> None:
    store, ids = linked
    [nl] = [r for r in list_traders(store, "NL", details=True) if r["id"] == ids["tulpen-shop.nl"]]
    assert (nl["country"], nl["country_basis"]) == ("NL", "seller location")
    assert nl["country_evidence"] == {"seller_location": {"NL": 2}, "ships_from": {"NL": 6}}
    assert nl["marketplaces"] == ["ebay.de", "marktplaats.nl", "tulpen-shop.nl"]
    assert (nl["traders"], nl["listings"], nl["high"], nl["medium"], nl["unregulated"]) == (3, 6, 4, 1, 1)
    assert nl["by_category"] == {"bulbs_tubers": 4, "fresh_produce": 1, "not_regulated": 1}
    assert (nl["taxa_listings"], nl["taxa"]) == (1, ["Ludwigia grandiflora"])
    assert (nl["risk"], nl["regulated_share"]) == ("high", round(5 / 6, 3))
    assert nl["risk_score"] == risk_score(4, 1, 0, 1, 6, SEEN, NOW)
    assert {m["seller_key"] for m in nl["members"]} == {"tulpen-shop.nl", "bulbs4u", "1234"}
    assert {link["kind"] for link in nl["links"]} == {"domain", "phone", "name"}
    [marie] = list_traders(store, "FR")
    assert (marie["country"], marie["country_basis"]) == ("FR", "seller location")


def test_list_filters_by_country_and_risk_and_ranks_by_score(linked: tuple[Store, dict[str, int]]) -> None:
    store, ids = linked
    be = list_traders(store, "BE")
    assert len(be) == 11 and all(r["country"] == "BE" for r in be)
    assert [r["id"] for r in list_traders(store, "DE")] == [ids["tulpenshop"]]
    assert list_traders(store, "NL", min_risk="high", limit=1)[0]["id"] == ids["tulpen-shop.nl"]
    assert list_traders(store, "JP") == []
    scores = [r["risk_score"] for r in list_traders(store, "BE")]
    assert scores == sorted(scores, reverse=True)


def test_an_officers_unlink_is_recorded_and_respected(linked: tuple[Store, dict[str, int]]) -> None:
    store, ids = linked
    shop, ebay = ids["tulpen-shop.nl"], ids["bulbs4u"]
    [domain] = [r for r in link_rows(store) if r["kind"] == "domain" and r["trader_b"] == ebay]
    done = unlink(store, domain["id"], "J. de Vries", "webshop quoted by a reseller, not the same business")
    assert entity(store, ebay) == ebay and entity(store, shop) == shop  # the phone link no longer joins them
    assert done.report.links_held_apart == 1
    assert entity(store, ids["1234"]) == shop
    again = refresh_traders(store, now=NOW, rescan=True)
    assert entity(store, ebay) == ebay and again.links_held_apart == 1
    record = store.conn.execute("SELECT link_id, unlinked_by, reason FROM trader_unlinks").fetchall()
    assert record == [(domain["id"], "J. de Vries", "webshop quoted by a reseller, not the same business")]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM trader_unlinks")
    store.conn.rollback()
    with pytest.raises(LinkError, match="already undone by J. de Vries"):
        unlink(store, domain["id"], "someone", "twice over")
    with pytest.raises(LinkError, match="no trader link 999"):
        unlink(store, 999, "someone", "no such link")
    with pytest.raises(LinkError, match="officer's name"):
        unlink(store, domain["id"], " ", "why")


def test_an_officers_relink_takes_the_unlink_back_and_both_stay_on_record(
    linked: tuple[Store, dict[str, int]],
) -> None:
    store, ids = linked
    shop, ebay = ids["tulpen-shop.nl"], ids["bulbs4u"]
    [domain] = [r for r in link_rows(store) if r["kind"] == "domain" and r["trader_b"] == ebay]
    with pytest.raises(LinkError, match="is not undone"):
        relink(store, domain["id"], "J. de Vries", "nothing to take back")
    undone = unlink(store, domain["id"], "J. de Vries", "webshop quoted by a reseller")
    assert entity(store, ebay) == ebay and [r["id"] for r in links_held_apart(store)] == [domain["id"]]
    done = relink(store, domain["id"], "A. Janssen", "the reseller is the shop's own eBay account")
    assert done.link["unlink_id"] == undone.unlink_id and done.report.links_held_apart == 0
    assert entity(store, ebay) == shop and links_held_apart(store) == []
    assert entity(store, ebay) == shop and refresh_traders(store, now=NOW, rescan=True).links_held_apart == 0
    [nl] = [r for r in list_traders(store, "NL", details=True) if r["id"] == shop]
    assert domain["id"] in {link["id"] for link in nl["links"]}  # the link is shown as joining them again
    with pytest.raises(LinkError, match="is not undone"):
        relink(store, domain["id"], "A. Janssen", "twice over")
    again = unlink(store, domain["id"], "J. de Vries", "checked again: two businesses after all")
    assert entity(store, ebay) == ebay and again.unlink_id != undone.unlink_id
    trail = [(r["decision"], r["officer"]) for r in link_trail(store, domain["id"])]
    assert trail == [("unlink", "J. de Vries"), ("relink", "A. Janssen"), ("unlink", "J. de Vries")]
    record = store.conn.execute("SELECT unlink_id, link_id, relinked_by, reason FROM trader_relinks").fetchall()
    assert record == [(undone.unlink_id, domain["id"], "A. Janssen", "the reseller is the shop's own eBay account")]
    for statement in ("DELETE FROM trader_relinks", "UPDATE trader_relinks SET reason = 'x'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute(statement)
        store.conn.rollback()
    with pytest.raises(LinkError, match="no trader link 999"):
        relink(store, 999, "someone", "no such link")
    with pytest.raises(LinkError, match="officer's name"):
        relink(store, domain["id"], "someone", "why")


def test_refresh_is_incremental_and_knows_when_it_is_due(store: Store) -> None:
    fill(store, TRADERS[:2])
    assert needs_refresh(store)
    first = refresh_traders(store, now=NOW)
    assert not needs_refresh(store)
    assert (first.listings_read, first.links_added) == (4, 2)
    second = refresh_traders(store, now=NOW)
    assert (second.listings_read, second.identifiers_added, second.links_added) == (0, 0, 0)
    fill(store, TRADERS[3:4])
    assert needs_refresh(store)
    third = refresh_traders(store, now=NOW)
    assert (third.listings_read, third.links_added) == (2, 1)


def test_names_are_normalised_and_linked_only_within_a_country() -> None:
    assert normalise_name("Hedgerow & Hive Ltd.") == normalise_name("hedgerow and hive") == "hedgerow and hive"
    assert normalise_name("Pépinière des Trois Chênes SARL") == "pepiniere des trois chenes"
    pairs = name_links([
        (1, "Bloembollen Van der Meer", "NL"), (2, "Van der Meer Bloembollen B.V.", "NL"),
        (3, "Bloembollen Van der Meer", "BE"),  # the same name across a border: no link
        (4, "Bloembollen Jansen", "NL"),  # shares a word only
        (5, "Flora", "NL"), (6, "Flora", "NL"),  # too short to tell businesses apart
        (7, "Tuincentrum Noord 1", "NL"), (8, "Tuincentrum Noord 2", "NL"),  # numbered: not the same
    ])  # fmt: skip
    assert [(a, b) for a, b, *_ in pairs] == [(1, 2)]


def test_risk_score_formula() -> None:
    recent, months, old = (NOW - timedelta(days=d) for d in (10, 100, 400))
    # 10 log2(4) + 4 log2(2) + 0 + 12 log2(2) + 10 * 4/5
    assert risk_score(3, 1, 0, 1, 5, recent.isoformat(), NOW) == 44.0
    assert risk_score(3, 1, 0, 1, 5, months.isoformat(), NOW) == 22.0
    assert risk_score(3, 1, 0, 1, 5, old.isoformat(), NOW) == 11.0
    assert risk_score(0, 0, 3, 0, 3, recent.isoformat(), NOW) == 2.0  # only processed products
    assert risk_score(0, 0, 0, 0, 0, None, NOW) == 0.0
    prohibited_plant = risk_score(1, 0, 0, 1, 1, recent.isoformat(), NOW)
    garden_centre = risk_score(0, 0, 50, 0, 200, recent.isoformat(), NOW)  # tools and dried flowers
    assert prohibited_plant > garden_centre
