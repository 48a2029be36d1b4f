"""The queue's export button: exactly what the queue shows.

The export launched from the queue takes the queue's own filters as its filter
(one WHERE clause, one date filter), so for every filter the set of listings in
the file is the set of listings on the queue's pages.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.review.queue import QueueFilters, queue_page
from crawler.store import Store
from tests.exportdata import build_export_store
from tests.review_data import add_accounts, make_app, sign_in

TULIP_SHOP, HYACINTH, EBAY_TULIPS = "7001", "7002", "325987654321"
ETSY_SEEDS, DATURA, COIR, BEADS, ORANGES = "1584736291", "2468013579", "B0C7K2M9XQ", "176543210987", "413"

#: Queue filters, each a query string as the filter form sends it; together they use every filter.
QUEUE_FILTERS = [
    "", "status=all", "status=undecided", "status=needs_review", "status=confirm", "status=refer",
    "risk=high", "risk=medium&status=all", "category=seeds&status=all", "marketplace=ebay.de&status=all",
    "country=DE&status=all", "country=CN&status=all", "taxa_list=EU IAS Union list&status=all",
    "watch=nl-bulbs&status=all", "watch=de-marketplaces&status=all",
    "since=2026-11-02&status=all", "until=2026-11-01&status=all", "since=2026-11-02&until=2026-11-04&status=all",
    "since=2026-11-05", "q=seeds&status=all", "q=tulip*&status=all", "listed=on_sale&status=all",
    "since=2026-10-01&until=2026-11-30&category=bulbs_tubers&q=tulip*&status=all",
]  # fmt: skip


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = build_export_store(tmp_path / "phytowatch.db")
    add_accounts(path)
    return path


@pytest.fixture()
def no_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PHYTOWATCH_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.delenv("PHYTOWATCH_CONFIG", raising=False)


def client_for(db: Path, **settings: Any) -> Any:
    client = make_app(db, **settings).test_client()
    assert sign_in(client).status_code == 303
    return client


def queue_ids(db: Path, query: str) -> set[str]:
    """Every listing on every page of the queue for ``query`` (pages of 2, to walk the cursor)."""
    filters = QueueFilters.from_args(dict(pair.split("=", 1) for pair in query.split("&") if pair))
    found, after = [], None
    with Store(db) as store:
        while True:
            page = queue_page(store, filters, after, limit=2)
            found += [row["listing_id"] for row in page.rows]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert len(found) == len(set(found))
    return set(found)


def download(client: Any, query: str, fmt: str = "json", **extra: str) -> Any:
    args = dict(pair.split("=", 1) for pair in query.split("&") if pair)
    response = client.get("/export?" + urlencode({**args, "format": fmt, **extra}))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


@pytest.mark.usefixtures("no_key_env")
def test_the_export_holds_exactly_what_the_queue_shows_for_every_filter(db: Path) -> None:
    client = client_for(db)
    sizes = []
    for query in QUEUE_FILTERS:
        shown = queue_ids(db, query)
        exported = {r["listing_id"] for r in json.loads(download(client, query).get_data(as_text=True))}
        assert exported == shown, query
        sizes.append(len(shown))
    assert 0 in sizes and max(sizes) == 8 and len(set(sizes)) >= 5  # the filters do select, differently


@pytest.mark.usefixtures("no_key_env")
def test_where_queue_and_cli_read_filters_differently_the_button_follows_the_queue(db: Path, tmp_path: Path) -> None:
    """Dates (first seen vs on offer), ships-from vs trader country, the last run vs any run of a watch."""
    client = client_for(db)

    def exported(query: str) -> set[str]:
        return {r["listing_id"] for r in json.loads(download(client, query).get_data(as_text=True))}

    def cli(*options: str) -> set[str]:
        out = tmp_path / "cli.json"
        result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "json", "--output", str(out),
                                           *options])  # fmt: skip
        assert result.exit_code == 0, result.output
        return {r["listing_id"] for r in json.loads(out.read_text(encoding="utf-8"))}

    # the nursery's tulips: first seen on 1 November, seen again on the 8th
    assert TULIP_SHOP not in exported("since=2026-11-02&status=all") == queue_ids(db, "since=2026-11-02&status=all")
    assert TULIP_SHOP in cli("--since", "2026-11-02")  # on offer after the 2nd: the CLI's documented default
    assert cli("--since", "2026-11-02", "--dates", "first-seen") == exported("since=2026-11-02&status=all")
    assert cli("--since", "2026-11-02", "--until", "2026-11-04", "--dates", "first-seen") == exported(
        "since=2026-11-02&until=2026-11-04&status=all") == {EBAY_TULIPS, DATURA, COIR}
    assert exported("country=CN&status=all") == set() and cli("--country", "CN") == {COIR}  # trader in CN
    assert exported("watch=nl-bulbs&status=all") == {HYACINTH} and cli("--watch", "nl-bulbs") == {TULIP_SHOP,
                                                                                                 HYACINTH}


@pytest.mark.usefixtures("no_key_env")
def test_every_format_and_the_package_hold_the_queue_s_listings(db: Path) -> None:
    client = client_for(db)
    query = "category=seeds&status=all"
    shown = queue_ids(db, query)
    assert shown == {ETSY_SEEDS, DATURA}
    rows = csv.DictReader(io.StringIO(download(client, query, "csv").get_data(as_text=True)))
    assert {r["listing_id"] for r in rows} == shown
    lines = download(client, query, "jsonl").get_data(as_text=True).splitlines()
    assert {json.loads(line)["listing_id"] for line in lines} == shown
    package = zipfile.ZipFile(io.BytesIO(download(client, query, "rppo").data))
    assert {r["listing_id"] for r in csv.DictReader(io.StringIO(package.read("listings.csv").decode()))} == shown
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["filters"]["category"] == "seeds" and manifest["filters"]["queue_status"].startswith("all:")
    assert manifest["pseudonymised"] is False


@pytest.mark.usefixtures("no_key_env")
def test_the_page_says_what_the_export_holds_escaped(db: Path) -> None:
    client = client_for(db)
    page = client.get("/queue?" + urlencode({"q": "<script>alert(9)</script>", "since": "2026-11-02"}))
    text = page.get_data(as_text=True)
    assert "exactly the listings of this filter" in text
    assert "search = &lt;script&gt;alert(9)&lt;/script&gt;" in text and "<script>alert(9)" not in text
    assert "dates = first seen in the range" in text and "since = 2026-11-02" in text
