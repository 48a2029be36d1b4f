"""``phytowatch traders``: the outreach list, its formats, and an officer's unlink; linking through a real crawl."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.catalogue import Catalogue
from crawler.demo.run import LOOPBACK_SETTINGS, crawl_in_child
from crawler.demo.server import start_demo_server
from crawler.runner import CrawlJob
from crawler.store import Store
from tests.test_traders import fill


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "phytowatch.db"
    with Store(path) as store:
        fill(store)
    return path


def run(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "160"}).invoke(main, list(args))


def one_line_error(result: Any) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.strip()][-1]


def test_json_has_entities_with_their_traders_and_evidence(db: Path) -> None:
    result = run("traders", "--db", str(db), "--country", "Netherlands", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["name"] for r in rows][0] == "Tulpen-Shop"
    top = rows[0]
    assert {m["seller_key"] for m in top["members"]} == {"tulpen-shop.nl", "bulbs4u", "1234"}
    assert {(link["kind"], link["value"]) for link in top["links"]} >= {("domain", "tulpen-shop.nl"),
                                                                        ("phone", "+31252417215")}


def test_csv_for_the_configured_home_country(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "nppo.toml"
    config.write_text(f'home_country = "BE"\ndatabase = "{db}"\n', encoding="utf-8")
    monkeypatch.setenv("PHYTOWATCH_CONFIG", str(config))
    result = run("traders", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 11 and {r["country"] for r in rows} == {"BE"}
    assert rows[0]["marketplaces"].startswith("reseller") and rows[0]["risk"] == "high"
    out = tmp_path / "be.csv"
    assert run("traders", "--format", "csv", "--output", str(out), "--limit", "2").exit_code == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 2


def test_table_and_risk_filter(db: Path) -> None:
    result = run("traders", "--db", str(db), "--country", "NL")
    assert result.exit_code == 0, result.output
    assert "Tulpen-Shop" in result.output and "riskiest first" in result.output
    nothing = run("traders", "--db", str(db), "--country", "DE", "--min-risk", "high", "--format", "json")
    assert [r["name"] for r in json.loads(nothing.output)] == ["Tulpen Shop"]


def test_unlink_from_the_command_line(db: Path) -> None:
    rows = json.loads(run("traders", "--db", str(db), "--country", "NL", "--format", "json").output)
    [domain] = [link for link in rows[0]["links"] if link["kind"] == "domain"]
    result = run("traders", "unlink", str(domain["id"]), "--db", str(db), "--by", "J. de Vries",
                 "--reason", "a reseller quoting the shop")
    assert result.exit_code == 0, result.output
    assert f"link {domain['id']} (domain tulpen-shop.nl)" in result.output and "undone" in result.output
    after = json.loads(run("traders", "--db", str(db), "--country", "NL", "--format", "json").output)
    assert "bulbs4u" not in {m["seller_key"] for m in after[0]["members"]}
    again = run("traders", "unlink", str(domain["id"]), "--db", str(db), "--by", "x", "--reason", "again please")
    assert "already undone" in one_line_error(again)


def test_relink_and_unlinked_from_the_command_line(db: Path) -> None:
    rows = json.loads(run("traders", "--db", str(db), "--country", "NL", "--format", "json").output)
    [domain] = [link for link in rows[0]["links"] if link["kind"] == "domain"]
    assert "none" in run("traders", "unlinked", "--db", str(db)).output
    run("traders", "unlink", str(domain["id"]), "--db", str(db), "--by", "J. de Vries", "--reason", "<b>reseller</b>")
    table = run("traders", "unlinked", "--db", str(db))
    assert table.exit_code == 0 and "J. de Vries" in table.output and "<b>reseller</b>" in table.output
    [held] = json.loads(run("traders", "unlinked", "--db", str(db), "--format", "json").output)
    assert (held["id"], held["unlinked_by"], held["unlink_reason"]) == (domain["id"], "J. de Vries", "<b>reseller</b>")
    result = run("traders", "relink", str(domain["id"]), "--db", str(db), "--by", "A. Janssen",
                 "--reason", "the shop's own eBay account")
    assert result.exit_code == 0, result.output
    assert f"link {domain['id']} (domain tulpen-shop.nl)" in result.output and "counts again" in result.output
    assert f"unlink {held['unlink_id']} by J. de Vries taken back" in result.output
    after = json.loads(run("traders", "--db", str(db), "--country", "NL", "--format", "json").output)
    assert "bulbs4u" in {m["seller_key"] for m in after[0]["members"]}
    assert json.loads(run("traders", "unlinked", "--db", str(db), "--format", "json").output) == []
    again = run("traders", "relink", str(domain["id"]), "--db", str(db), "--by", "x", "--reason", "again please")
    assert "is not undone" in one_line_error(again)


@pytest.mark.parametrize(("args", "message"), [
    (["traders"], "no country: pass --country"),
    (["traders", "--country", "Atlantis"], "is not a country"),
    (["traders", "unlink", "999", "--by", "x", "--reason", "no such link"], "there is no trader link 999"),
    (["traders", "relink", "999", "--by", "x", "--reason", "no such link"], "there is no trader link 999"),
    (["traders", "--country", "NL", "--format", "pdf"], "Invalid value for '--format'"),
])  # fmt: skip
def test_errors_are_one_clear_line(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   args: list[str], message: str) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # phytowatch.db here is the fixture's database, no home_country configured
    assert message in one_line_error(run(*args))


def test_link_command_reports_what_it_did(db: Path) -> None:
    result = run("traders", "link", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "4 links added; 17 traders in 14 entities" in result.output


def test_shops_linked_by_an_address_quoted_in_a_listing_crawled_from_the_demo_server(tmp_path: Path) -> None:
    """A Dutch pond-plant shop's listing quotes the Dutch bulb shop's e-mail address: one business."""
    catalogue = Catalogue.load()
    listings = list(catalogue.listings)
    i = next(k for k, x in enumerate(listings) if x.trader == "vijverplanten-direct")
    listings[i] = replace(listings[i], description=listings[i].description
                          + " Bloembollen bestellen: verkoop@bloembollen-vandermeer.example")  # fmt: skip
    db = tmp_path / "linked.db"
    with start_demo_server(Catalogue(catalogue.traders, tuple(listings))) as server:
        jobs = [CrawlJob("shopify", {"stores": server.shop_url("bloembollen-vandermeer")}),
                CrawlJob("sitemap", {"sites": server.shop_url("vijverplanten-direct")})]  # fmt: skip
        outcomes = crawl_in_child(db, jobs, LOOPBACK_SETTINGS)
    assert [o.reason for o in outcomes] == ["finished", "finished"]
    result = run("traders", "--db", str(db), "--country", "NL", "--format", "json")
    assert result.exit_code == 0, result.output
    [business] = json.loads(result.output)
    assert sorted(m["display_name"] for m in business["members"]) == ["Bloembollen Van der Meer",
                                                                        "Vijverplanten Direct"]
    [link] = business["links"]
    assert (link["kind"], link["value"]) == ("domain", "bloembollen-vandermeer.example")
    assert link["evidence"]["a"]["found_in"] == "shop website"
    assert link["evidence"]["b"]["found_in"] == "listing description (e-mail address)"
    assert business["listings"] == 39 + 33 and business["traders"] == 2


def test_every_traders_command_has_help_with_an_example() -> None:
    assert "traders" in run("--help").output
    for command in (["traders"], ["traders", "link"], ["traders", "unlink"], ["traders", "relink"],
                    ["traders", "unlinked"], ["demo"]):
        assert "Example: phytowatch" in run(*command, "--help").output
    assert "--days" in run("demo", "--help").output
