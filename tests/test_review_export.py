"""The queue's export button: exactly what the queue shows, and pseudonymised as the CLI pseudonymises.

The export launched from the queue takes the queue's own filters as its filter
(one WHERE clause, one date filter), so for every filter the set of listings in
the file is the set of listings on the queue's pages. Pseudonymisation uses the
NPPO's key found as ``phytowatch export --pseudonymise`` finds it, and the key
never travels in a request, a URL or a page.
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
from tests.exportdata import build_export_store, personal_data
from tests.review_data import add_accounts, make_app, sign_in
from tests.test_export_pseudonymise import KEY, OTHER_KEY, leaks

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


@pytest.mark.usefixtures("no_key_env")
def test_pseudonymise_is_offered_only_with_a_key(db: Path, tmp_path: Path) -> None:
    without = client_for(db)
    page = without.get("/queue").get_data(as_text=True)
    assert '<input type="checkbox" name="pseudonymise" value="1" disabled>' in page
    refused = without.get("/export?format=csv&pseudonymise=1")
    message = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "needs the NPPO&#39;s pseudonymisation key" in message
    key_file = tmp_path / "nppo.key"
    key_file.write_bytes(b"tooshortakey")
    short = client_for(db, pseudonym_key_file=str(key_file)).get("/export?format=csv&pseudonymise=1")
    assert short.status_code == 400 and "pseudonymisation key" in short.get_data(as_text=True)
    assert str(key_file) not in short.get_data(as_text=True) and "tooshortakey" not in short.get_data(as_text=True)
    key_file.write_bytes(KEY)
    page = client_for(db, pseudonym_key_file=str(key_file)).get("/queue").get_data(as_text=True)
    assert '<input type="checkbox" name="pseudonymise" value="1">' in page
    assert str(key_file) not in page and KEY.decode() not in page


@pytest.mark.usefixtures("no_key_env")
@pytest.mark.parametrize("fmt", ["csv", "json", "rppo"])
def test_a_pseudonymised_export_is_the_cli_s_with_the_same_key(db: Path, tmp_path: Path, fmt: str) -> None:
    key_file = tmp_path / "nppo.key"
    key_file.write_bytes(KEY)
    client = client_for(db, pseudonym_key_file=str(key_file))
    response = download(client, "status=all", fmt, pseudonymise="1")
    assert "-pseudonymised." in response.headers["Content-Disposition"]
    from_app = tmp_path / f"app.{fmt}"
    from_app.write_bytes(response.data)
    assert leaks([from_app], personal_data(db)) == []
    out = tmp_path / f"cli.{fmt}"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, "--output", str(out),
                                       "--pseudonymise", "--key-file", str(key_file)])  # fmt: skip
    assert result.exit_code == 0, result.output
    if fmt == "rppo":  # created_at and the filters' wording differ; the records and the key do not
        app_zip, cli_zip = zipfile.ZipFile(from_app), zipfile.ZipFile(out)
        for member in ("listings.csv", "traders.csv", "decisions.csv"):
            assert app_zip.read(member) == cli_zip.read(member), member
        assert json.loads(app_zip.read("manifest.json"))["key_id"] == json.loads(cli_zip.read("manifest.json"))[
            "key_id"]
    else:
        assert from_app.read_bytes() == out.read_bytes()


def test_the_key_is_found_as_the_cli_finds_it_and_never_from_the_request(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``$PHYTOWATCH_PSEUDONYM_KEY_FILE`` before ``pseudonym_key_file``; a key file named in the request is ignored."""
    monkeypatch.delenv("PHYTOWATCH_CONFIG", raising=False)
    configured, environment, requested = tmp_path / "a.key", tmp_path / "b.key", tmp_path / "c.key"
    for path, key in ((configured, KEY), (environment, OTHER_KEY), (requested, b"c" * 40)):
        path.write_bytes(key)

    def first_seller(client: Any, **extra: str) -> str:
        rows = csv.DictReader(io.StringIO(download(client, "status=all", "csv", pseudonymise="1", **extra)
                                          .get_data(as_text=True)))  # fmt: skip
        return next(rows)["seller_key"]

    def cli_seller(key_file: Path) -> str:
        out = tmp_path / "cli.csv"
        CliRunner().invoke(main, ["export", "--db", str(db), "--output", str(out), "--pseudonymise",
                                  "--key-file", str(key_file)])  # fmt: skip
        return next(csv.DictReader(out.open(encoding="utf-8")))["seller_key"]

    monkeypatch.delenv("PHYTOWATCH_PSEUDONYM_KEY_FILE", raising=False)
    client = client_for(db, pseudonym_key_file=str(configured))
    assert first_seller(client) == cli_seller(configured)
    assert first_seller(client, key_file=str(requested), key=(b"c" * 40).decode()) == cli_seller(configured)
    monkeypatch.setenv("PHYTOWATCH_PSEUDONYM_KEY_FILE", str(environment))
    assert first_seller(client) == cli_seller(environment) != cli_seller(configured)


@pytest.mark.usefixtures("no_key_env")
def test_a_pseudonymised_package_pseudonymises_the_filters_that_may_name_a_seller(db: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "nppo.key"
    key_file.write_bytes(KEY)
    client = client_for(db, pseudonym_key_file=str(key_file))
    query = "status=all&marketplace=kwekerij-detulp.nl&watch=nl-bulbs&q=SeedVaultEmporium tulip*"
    package = zipfile.ZipFile(io.BytesIO(download(client, query, "rppo", pseudonymise="1").data))
    filters = json.loads(package.read("manifest.json"))["filters"]
    assert filters["marketplace"].startswith("pw:seller:") and filters["watch"].startswith("pw:watch:")
    assert "SeedVaultEmporium" not in filters["search"] and "tulip*" in filters["search"]
    assert "kwekerij" not in package.read("README.md").decode().lower()
    plain = zipfile.ZipFile(io.BytesIO(download(client, "status=all&marketplace=ebay.de", "rppo",
                                                pseudonymise="1").data))  # fmt: skip
    assert json.loads(plain.read("manifest.json"))["filters"]["marketplace"] == "ebay.de"  # names no seller


def test_serve_hands_the_configured_key_file_to_the_app(db: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """``phytowatch serve --config`` gives the app ``pseudonym_key_file``, as ``phytowatch export`` reads it."""
    import waitress

    served: list[Any] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: served.append(app))
    config = tmp_path / "phytowatch.toml"
    config.write_text(f'pseudonym_key_file = "{tmp_path / "nppo.key"}"\n')
    result = CliRunner().invoke(main, ["serve", "--db", str(db), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert served[0].config["REVIEW"].pseudonym_key_file == str(tmp_path / "nppo.key")
