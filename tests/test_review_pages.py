"""The review app's pages through Flask's test client: listing, decisions, bulk, trader, dashboard, users, export."""

from __future__ import annotations

import csv
import io
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from crawler.evidence import EvidenceRecord
from crawler.items import Listing
from crawler.review import queue as queue_module
from crawler.review.listing import evidence_capture_available
from crawler.store import Store
from tests.review_data import (
    DELISTED_AT,
    HOSTILE_TITLE,
    PASSWORD,
    add_accounts,
    build_store,
    csrf_token,
    delist,
    make_app,
    sign_in,
)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    build_store(path)
    add_accounts(path)
    return path


@pytest.fixture()
def ids(db: Path) -> dict[str, int]:
    with Store(db) as store:
        rows = store.conn.execute("SELECT listing_id, id FROM listings")
        return {key: row_id for key, row_id in rows}


@pytest.fixture()
def client(db: Path) -> Any:
    client = make_app(db).test_client()
    assert sign_in(client).status_code == 303
    return client


def test_the_listing_page_shows_fields_evidence_history_and_trader(client: Any, ids: dict[str, int]) -> None:
    page = client.get(f"/listings/{ids['hyacinth']}").get_data(as_text=True)
    note = "Eichhornia crassipes (EU IAS Union list, prohibited)"
    assert f'<mark class="hl-taxon" title="{note}">Eichhornia crassipes</mark>' in page
    assert '<mark class="hl-reason"' in page and ">pond plant</mark>" in page
    assert ('<a class="original" href="https://ebay.de/item/hyacinth" target="_blank" rel="noopener noreferrer">'
            in page)  # fmt: skip
    assert "EU IAS Union list" in page and "EICCR" in page
    assert page.count("<td>2026-10-") >= 2  # two history rows: new, then cheaper
    assert "6.75 EUR" in page and "7.50 EUR" in page
    assert 'href="/traders/ebay.de/pondshop"' in page
    assert "Fresh mango box 4 kg" in page and "Garden hose 20 m" in page  # the trader's other listings
    if evidence_capture_available():
        assert "No evidence captured yet." in page and "Capture the page as evidence again" in page
    else:
        assert "Evidence capture is not installed" in page
    assert client.get("/listings/424242").status_code == 404


def test_a_dismissal_needs_a_reason_and_a_confirmation_reaches_the_audit_log(client: Any, db: Path,
                                                                             ids: dict[str, int]) -> None:  # fmt: skip
    listing = ids["tulips"]
    token = csrf_token(client, f"/listings/{listing}")
    url = f"/listings/{listing}/decide"
    refused = client.post(url, data={"csrf_token": token, "decision": "dismiss", "reason": " "})
    assert refused.status_code == 400
    assert "a dismissal needs a reason" in refused.get_data(as_text=True)
    odd = client.post(url, data={"csrf_token": token, "decision": "approve"})
    assert odd.status_code == 400 and "unknown decision" in odd.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "decision": "confirm", "reason": "non-compliant",
                                  "note": "no passport"})  # fmt: skip
    assert done.status_code == 303
    with Store(db) as store:
        rows = list(store.db.query("SELECT listing, decision, reason, note, reviewer FROM review_decisions"))
    assert rows == [{"listing": listing, "decision": "confirm", "reason": "non-compliant", "note": "no passport",
                     "reviewer": "anna"}]  # fmt: skip
    audit = client.get("/audit").get_data(as_text=True)
    assert "Tulip bulbs Darwin mix 50 pcs" in audit and "no passport" in audit and "<td>anna</td>" in audit
    assert "Tulip bulbs" not in client.get("/queue").get_data(as_text=True)
    assert "Tulip bulbs" in client.get("/queue?status=confirm").get_data(as_text=True)


def test_the_audit_log_pages_and_filters(client: Any, db: Path, ids: dict[str, int]) -> None:
    with Store(db) as store:
        for n in range(130):
            store.record_decision(ids["mango"], "refer" if n % 2 else "contact", "ben" if n % 3 else "anna")
    first = client.get("/audit").get_data(as_text=True)
    assert first.count("<tr><td>") == 100 and "Older decisions" in first
    second = client.get("/audit?before=31").get_data(as_text=True)
    assert second.count("<tr><td>") == 30 and "Older decisions" not in second
    only = client.get("/audit?reviewer=anna&decision=contact").get_data(as_text=True)
    assert only.count("<tr><td>") == len([n for n in range(130) if n % 2 == 0 and n % 3 == 0])
    assert client.get("/audit?before=x").status_code == 400


def test_bulk_decisions_show_the_count_first_and_decide_on_exactly_those(client: Any, db: Path,
                                                                         ids: dict[str, int]) -> None:  # fmt: skip
    confirm = client.get("/queue/bulk?category=seeds").get_data(as_text=True)
    assert '<strong id="bulk-count">2</strong>' in confirm
    token = csrf_token(client, "/queue/bulk?category=seeds")
    form = {"csrf_token": token, "decision": "refer", "note": "batch to the RPPO", "upto": str(max(ids.values())),
            "count": "2"}  # fmt: skip
    stale = client.post("/queue/bulk?category=seeds", data={**form, "count": "3"})
    assert stale.status_code == 400 and "now selects 2 listings, not 3" in stale.get_data(as_text=True)
    no_reason = client.post("/queue/bulk?category=seeds", data={**form, "decision": "dismiss"})
    assert no_reason.status_code == 400
    done = client.post("/queue/bulk?category=seeds", data=form)
    assert done.status_code == 303 and done.headers["Location"].startswith("/audit?done=2")
    with Store(db) as store:
        refer = store.conn.execute("SELECT listing FROM review_decisions WHERE decision = 'refer'")
        decided = sorted(r[0] for r in refer)
    assert decided == sorted([ids["tomato"], ids["hostile"]])
    assert "2 decisions recorded." in client.get("/audit?done=2").get_data(as_text=True)


def test_bulk_decisions_are_refused_above_the_limit(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_module, "BULK_LIMIT", 3)
    monkeypatch.setattr("crawler.review.routes_queue.BULK_LIMIT", 3)
    page = client.get("/queue/bulk").get_data(as_text=True)
    assert "at most 3 can be decided at once" in page and "<form method=\"post\"" not in page


def test_the_trader_page_and_its_follow_up_history(client: Any, db: Path, ids: dict[str, int]) -> None:
    page = client.get("/traders/ebay.de/pondshop").get_data(as_text=True)
    assert "Pondshop" in page and "Follow-up: <span class=\"followup followup-none\">none</span>" in page
    assert "Water hyacinth" in page and "Fresh mango" in page and "Garden hose" in page
    assert "<svg" in page and "plants_for_planting: high 1" in page
    token = csrf_token(client, "/traders/ebay.de/pondshop")
    bad = client.post("/trader-followup/ebay.de/pondshop", data={"csrf_token": token, "status": "arrested"})
    assert bad.status_code == 400 and "unknown follow-up status" in bad.get_data(as_text=True)
    for status, note in (("contacted", "letter sent 2 Nov"), ("compliant", "listing removed")):
        done = client.post("/trader-followup/ebay.de/pondshop", data={"csrf_token": token, "status": status,
                                                                      "note": note})  # fmt: skip
        assert done.status_code == 303
    page = client.get("/traders/ebay.de/pondshop").get_data(as_text=True)
    assert "followup-compliant" in page and "letter sent 2 Nov" in page and "listing removed" in page
    with Store(db) as store:
        with pytest.raises(Exception, match="append-only"):
            store.conn.execute("UPDATE trader_followups SET status = 'none'")
    assert client.get("/traders/ebay.de/nobody").status_code == 404
    missing = client.post("/trader-followup/ebay.de/nobody", data={"csrf_token": token, "status": "contacted"})
    assert missing.status_code == 404


def test_the_trader_page_shows_the_entity_where_the_store_has_entities(client: Any, db: Path) -> None:
    """A trader linked to another: the entity, its identities and the evidence of the link show, escaped."""
    with Store(db) as store:
        conn = store.conn
        pond = conn.execute("SELECT id FROM traders WHERE seller_key = 'pondshop'").fetchone()[0]
        lady = conn.execute("SELECT id FROM traders WHERE seller_key = 'seedlady'").fetchone()[0]
        conn.execute("UPDATE traders SET entity_id = ? WHERE id IN (?, ?)", (pond, pond, lady))
        conn.execute(
            "INSERT OR REPLACE INTO trader_entities (id, name, country, traders, listings, active_listings, high,"
            " medium, low, unregulated, regulated_share, taxa_listings, risk, risk_rank, risk_score, refreshed_at)"
            " VALUES (?, 'Pond & Seed Co', 'NL', 2, 3, 3, 2, 0, 0, 1, 0.67, 1, 'high', 0, 0.91, '2026-10-02')",
            (pond,),
        )
        conn.execute("INSERT INTO trader_identifiers VALUES (1, ?, 'domain', 'pond.example', 'pond.example',"
                     " 'shop website', NULL, '2026-10-01')", (pond,))  # fmt: skip
        conn.execute("INSERT INTO trader_identifiers VALUES (2, ?, 'email', 'k', NULL, 'listing text', NULL, '2026')",
                     (lady,))  # fmt: skip
        evidence = json.dumps({"a": {"found_in": "shop website"}, "b": {"found_in": "<script>x</script>"}})
        conn.execute("INSERT INTO trader_links VALUES (1, ?, ?, 'domain', 'pond.example', ?, NULL, '2026-10-02')",
                     (pond, lady, evidence))  # fmt: skip
        conn.commit()
    page = client.get("/traders/etsy.com/seedlady").get_data(as_text=True)
    assert "Entity: the same trader elsewhere" in page and "Pond &amp; Seed Co" in page and "0.91" in page
    assert 'href="/traders/ebay.de/pondshop"' in page
    assert "(private person: withheld)" in page
    assert "b.found_in: &lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


def test_the_dashboard_draws_its_four_charts_as_svg(client: Any, db: Path, ids: dict[str, int]) -> None:
    with Store(db) as store:
        store.record_decision(ids["mango"], "dismiss", "anna", reason="x")
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.count("<figure class=\"chart\">") == 4 and page.count("<svg") >= 4
    assert "Flagged listings by ships-from country" in page and "Review backlog" in page
    assert "<title>NL: 2</title>" in page  # hyacinth and tulips ship from NL
    assert "<script" not in page


def test_admins_manage_accounts_in_the_app(client: Any, db: Path) -> None:
    token = csrf_token(client, "/users")
    added = client.post("/users", data={"csrf_token": token, "name": "carla", "role": "reviewer",
                                        "password": PASSWORD, "password_again": PASSWORD})  # fmt: skip
    assert added.status_code == 303
    assert "Account carla added." in client.get(added.headers["Location"]).get_data(as_text=True)
    mismatch = client.post("/users", data={"csrf_token": token, "name": "dan", "role": "reviewer",
                                           "password": PASSWORD, "password_again": PASSWORD + "!"})  # fmt: skip
    assert mismatch.status_code == 400 and "The two passwords differ." in mismatch.get_data(as_text=True)
    carla = make_app(db).test_client()
    assert sign_in(carla, "carla").status_code == 303
    assert client.post("/users/carla", data={"csrf_token": token, "action": "disable"}).status_code == 303
    assert carla.get("/queue").status_code == 302  # signed out at once
    self_disable = client.post("/users/anna", data={"csrf_token": token, "action": "disable"})
    assert self_disable.status_code == 400 and "cannot disable your own account" in self_disable.get_data(as_text=True)
    assert client.post("/users/ben", data={"csrf_token": token, "action": "role", "role": "admin"}).status_code == 303
    with Store(db) as store:
        assert dict(store.conn.execute("SELECT name, role FROM users")) == {"anna": "admin", "ben": "admin",
                                                                             "carla": "reviewer"}  # fmt: skip


def test_the_export_button_downloads_what_crawler_export_writes(client: Any) -> None:
    page = client.get("/queue?risk=high").get_data(as_text=True)
    assert '<option value="csv">CSV</option>' in page and "risk = high" in page
    response = client.get("/export?format=csv&risk=high")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=phytowatch-")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["listing_id"] for r in rows} == {"hyacinth", "hostile", "tomato", "tulips"}
    assert "Eichhornia crassipes [EICCR] (EU IAS Union list)" in {r["taxa"] for r in rows}
    data = json.loads(client.get("/export?format=json").get_data(as_text=True))
    assert {r["listing_id"] for r in data} == {"hyacinth", "hostile", "tomato", "tulips", "mango"}  # as the queue
    assert client.get("/export?format=exe").status_code == 400


def test_the_evidence_section_uses_crawler_evidence_when_installed(
    client: Any, db: Path, tmp_path: Path, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in module with the agreed interface: the page lists records and serves files from the evidence folder."""
    folder = tmp_path / "review-evidence"  # beside review.db, as crawler.evidence keeps it
    (folder / str(ids["hyacinth"])).mkdir(parents=True)
    shot = folder / str(ids["hyacinth"]) / "1.png"  # absolute, in a folder per listing, as crawler.evidence writes
    shot.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (tmp_path / "secret.txt").write_text("not evidence")
    captured: list[tuple[int, str]] = []
    records = [EvidenceRecord(1, ids["hyacinth"], "https://ebay.de/item/hyacinth", "2026-11-02T09:00:00+00:00",
                                  200, None, None, shot, "ab" * 32, None, "anna"),
               EvidenceRecord(2, ids["hyacinth"], "https://ebay.de/item/hyacinth", "2026-11-02T09:05:00+00:00",
                                  None, None, None, tmp_path / "secret.txt", None, "timeout", "anna")]  # fmt: skip
    module = types.ModuleType("crawler.evidence")
    module.evidence_for = lambda store, listing: [r for r in records if r.listing == listing]  # type: ignore[attr-defined]
    module.capture_evidence = lambda store, listing, **kw: captured.append(  # type: ignore[attr-defined]
        (listing, kw["captured_by"], kw["evidence_dir"])
    )
    monkeypatch.setitem(sys.modules, "crawler.evidence", module)
    page = client.get(f"/listings/{ids['hyacinth']}").get_data(as_text=True)
    assert "Capture the page as evidence again" in page and "ab" * 32 in page and "timeout" in page
    served = client.get(f"/listings/{ids['hyacinth']}/evidence/1/png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert client.get(f"/listings/{ids['hyacinth']}/evidence/2/png").status_code == 404  # outside the folder
    assert client.get(f"/listings/{ids['hyacinth']}/evidence/1/warc").status_code == 404
    assert client.get(f"/listings/{ids['tulips']}/evidence/1/png").status_code == 404  # not this listing's
    token = csrf_token(client, f"/listings/{ids['hyacinth']}")
    worker = client.application.extensions["phytowatch_capture"]
    assert client.post(f"/listings/{ids['hyacinth']}/evidence", data={"csrf_token": token}).status_code == 303
    worker.wait()
    assert captured == [(ids["hyacinth"], "anna", folder)]
    # Confirming a listing captures it (in the background); so does a bulk confirmation, once per listing.
    client.post(f"/listings/{ids['tulips']}/decide", data={"csrf_token": token, "decision": "confirm"})
    seeds = {"csrf_token": token, "decision": "confirm", "upto": str(max(ids.values())), "count": "2"}
    assert client.post("/queue/bulk?category=seeds", data=seeds).status_code == 303
    client.post(f"/listings/{ids['mango']}/decide", data={"csrf_token": token, "decision": "refer"})  # not captured
    worker.wait()
    assert sorted(c[0] for c in captured[1:]) == sorted([ids["tulips"], ids["tomato"], ids["hostile"]])


# -- delisted listings ---------------------------------------------------------------------------------------------


@pytest.fixture()
def delisted(db: Path, ids: dict[str, int]) -> dict[str, int]:
    """The tulips and the hostile listing gone from their marketplaces' pages."""
    delist(db, [ids["tulips"], ids["hostile"]])
    return ids


def test_the_queue_marks_delisted_listings_and_filters_them(client: Any, delisted: dict[str, int]) -> None:
    page = client.get("/queue").get_data(as_text=True)
    assert page.count('<span class="delisted"') == 2  # both shown by default, each with its badge
    assert "delisted 2026-10-28</span>" in page and "Tomato seeds" in page
    assert '<select name="listed">' in page and '<option value="">on sale or delisted</option>' in page
    gone = client.get("/queue?listed=delisted").get_data(as_text=True)
    assert "Tulip bulbs" in gone and "Tomato seeds" not in gone
    assert '<option value="delisted" selected>' in gone
    assert '<input type="hidden" name="listed" value="delisted">' in gone  # carried to bulk and export
    assert "listed = delisted" in gone  # the export applies it too
    on_sale = client.get("/queue?listed=on_sale").get_data(as_text=True)
    assert "Tulip bulbs" not in on_sale and "Tomato seeds" in on_sale and 'class="delisted"' not in on_sale
    bad = client.get("/queue?listed=gone")
    assert bad.status_code == 400 and "unknown listed &#39;gone&#39;" in bad.get_data(as_text=True)


def test_delisted_badges_are_escaped(client: Any, db: Path, delisted: dict[str, int]) -> None:
    """The badge shows stored text: escaped like everything else, whatever got into the column."""
    with Store(db) as store:
        store.conn.execute("UPDATE listings SET delisted_at = ? WHERE id = ?",
                           ("2026-10-28<script>alert(4)</script>", delisted["hostile"]))  # fmt: skip
        store.conn.commit()
    for path in ("/queue", f"/listings/{delisted['hostile']}", "/traders/ebay.de/%3Cb%3Eevil%3C%2Fb%3E"):
        page = client.get(path).get_data(as_text=True)
        assert "delisted 2026-10-28" in page, path
        assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page and "<script>alert(4)" not in page, path
        assert "<script>alert(1)" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/queue").get_data(as_text=True)
    assert HOSTILE_TITLE not in client.get("/queue?listed=delisted").get_data(as_text=True)


def test_the_listing_page_shows_delisted_and_relisted(client: Any, db: Path, delisted: dict[str, int]) -> None:
    page = client.get(f"/listings/{delisted['tulips']}").get_data(as_text=True)
    assert f"title=\"gone from the marketplace's pages since {DELISTED_AT}" in page and "delisted 2026-10-28<" in page
    assert f"no, delisted {DELISTED_AT} (missing from 3 complete crawls of its pages in a row)" in page
    assert '<span class="change change-delisted"' in page
    [delisted_row] = [row for row in page.split("<tr>") if "change-delisted" in row]
    assert "<td>no longer listed</td>" in delisted_row  # its row keeps the last offer, but not "available: yes"
    with Store(db) as store:  # seen again: relisted, with a history row
        back = Listing("shop.example", "tulips", "https://shop.example/item/tulips", "Tulip bulbs Darwin mix 50 pcs",
                       "Tulipa bulbs for autumn planting", price=9.5, currency="EUR", ships_from="NL",
                       seller_key="shop.example", available=True, fetched_at="2026-11-02T08:00:00+00:00")  # fmt: skip
        assert store.save_listing(back).change == "relisted"
    page = client.get(f"/listings/{delisted['tulips']}").get_data(as_text=True)
    assert 'class="delisted"' not in page and "<dd>yes (relisted 2026-11-02" in page
    assert '<span class="change change-delisted"' in page and '<span class="change change-relisted"' in page
    never = client.get(f"/listings/{delisted['hyacinth']}").get_data(as_text=True)
    assert "<dt>On sale</dt><dd>yes</dd>" in never and "change-relisted" not in never


def test_bulk_and_export_honour_the_listed_filter(client: Any, db: Path, delisted: dict[str, int]) -> None:
    confirm = client.get("/queue/bulk?listed=delisted").get_data(as_text=True)
    assert '<strong id="bulk-count">2</strong>' in confirm
    token = csrf_token(client, "/queue/bulk?listed=delisted")
    form = {"csrf_token": token, "decision": "dismiss", "reason": "no longer offered",
            "upto": str(max(delisted.values())), "count": "2"}  # fmt: skip
    assert client.post("/queue/bulk?listed=delisted", data=form).status_code == 303
    with Store(db) as store:
        decided = sorted(r[0] for r in store.conn.execute("SELECT listing FROM review_decisions"))
    assert decided == sorted([delisted["tulips"], delisted["hostile"]])
    rows = list(csv.DictReader(io.StringIO(client.get("/export?format=csv&listed=delisted&status=all")
                                           .get_data(as_text=True))))  # fmt: skip
    assert {r["listing_id"] for r in rows} == {"tulips", "hostile"}
    assert {r["delisted_at"] for r in rows} == {DELISTED_AT}
    on_sale = json.loads(client.get("/export?format=json&listed=on_sale&status=all").get_data(as_text=True))
    assert {r["listing_id"] for r in on_sale} == {"hyacinth", "tomato", "mango", "hose"}


def test_the_dashboard_says_how_much_of_the_backlog_is_delisted(client: Any, db: Path,
                                                                delisted: dict[str, int]) -> None:  # fmt: skip
    with Store(db) as store:
        store.record_decision(delisted["hostile"], "refer", "anna")  # decided: no longer awaiting a decision
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The backlog includes delisted listings" in page
    assert '<a href="/queue?listed=delisted">1 flagged listing awaiting a decision is delisted</a>' in page


def test_the_audit_log_shows_the_officers_decisions_on_trader_links(client: Any, db: Path) -> None:
    from crawler.trader_links import relink, unlink

    with Store(db) as store:
        (a, a_key), (b, _) = store.conn.execute("SELECT id, seller_key FROM traders ORDER BY id LIMIT 2").fetchall()
        store.conn.execute("INSERT INTO trader_links (trader_a, trader_b, kind, value, evidence, linked_at)"
                           " VALUES (?, ?, 'phone', '+31 6 <i>1234</i>', '{}', '2026-11-01T02:00:00+00:00')",
                           (a, b))  # fmt: skip
        store.conn.commit()
        [link_id] = store.conn.execute("SELECT id FROM trader_links").fetchone()
        unlink(store, link_id, "J. de Vries", "a courier's <script>alert(7)</script> number")
        relink(store, link_id, "A. Janssen", "the same family business after all")
    page = client.get("/audit").get_data(as_text=True)
    section = page.split("Trader link decisions", 1)[1]
    assert section.index("linked again") < section.index("held apart")  # newest first
    assert "A. Janssen" in section and "J. de Vries" in section and f"{link_id}: phone" in section
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in section and "<script>alert(7)" not in page
    assert "+31 6 &lt;i&gt;1234&lt;/i&gt;" in section
    assert 'href="/traders/' in section and a_key in section
    assert "Trader link decisions" not in client.get("/audit?before=1").get_data(as_text=True)
