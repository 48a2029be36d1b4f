"""Export filters: each one, combined, as SQL parameters, and wrong values as one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.export import ExportError, ExportFilters, write_export
from crawler.items import Listing
from crawler.store import Store
from tests.exportdata import build_export_store

TULIP_SHOP, HYACINTH, EBAY_TULIPS = "7001", "7002", "325987654321"
ETSY_SEEDS, DATURA, COIR, BEADS, ORANGES = "1584736291", "2468013579", "B0C7K2M9XQ", "176543210987", "413"
EVERYTHING = {TULIP_SHOP, HYACINTH, EBAY_TULIPS, ETSY_SEEDS, DATURA, COIR, BEADS, ORANGES}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export_store(tmp_path_factory.mktemp("filters") / "phytowatch.db")


def selected(database: Path, tmp_path: Path, **filters: object) -> list[str]:
    with Store(database) as store:
        path = write_export(store, "json", tmp_path / "out.json", ExportFilters(**filters))  # type: ignore[arg-type]
    return [r["listing_id"] for r in json.loads(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, EVERYTHING),
        ({"since": "2026-11-05"}, {TULIP_SHOP, HYACINTH, ORANGES}),
        ({"until": "2026-11-02"}, {TULIP_SHOP, EBAY_TULIPS, ETSY_SEEDS, BEADS}),
        ({"since": "2026-11-02", "until": "2026-11-03"}, {TULIP_SHOP, EBAY_TULIPS, DATURA}),
        ({"until": "2026-11-02T01:00:00"}, {TULIP_SHOP, ETSY_SEEDS, BEADS}),
        ({"since": "2026-11-05T04:00:00+02:00"}, {TULIP_SHOP, HYACINTH, ORANGES}),
        # first seen in the range, as the review queue reads dates: the tulip (found 1 November) is not new
        ({"since": "2026-11-05", "dates": "first_seen"}, {HYACINTH, ORANGES}),
        ({"since": "2026-11-02", "until": "2026-11-03", "dates": "first_seen"}, {EBAY_TULIPS, DATURA}),
        ({"until": "2026-11-01", "dates": "first_seen"}, {TULIP_SHOP, ETSY_SEEDS, BEADS}),
        ({"categories": ["seeds"]}, {ETSY_SEEDS, DATURA}),
        ({"categories": ("seeds", "bulbs_tubers")}, {ETSY_SEEDS, DATURA, EBAY_TULIPS, TULIP_SHOP}),
        ({"categories": "wood_bark"}, set()),
        ({"min_risk": "high"}, EVERYTHING - {BEADS, ORANGES}),
        ({"min_risk": "medium"}, EVERYTHING - {BEADS}),
        ({"min_risk": "none"}, EVERYTHING),
        ({"decision": "confirm"}, {EBAY_TULIPS}),
        ({"decision": "contact"}, set()),  # superseded by the confirmation: only the latest decision counts
        ({"decision": "refer"}, {HYACINTH, ETSY_SEEDS}),
        ({"decision": "dismiss"}, {COIR}),
        ({"decision": "undecided"}, {TULIP_SHOP, DATURA, BEADS, ORANGES}),
        ({"decision": "none"}, EVERYTHING),
        ({"country": "NL"}, {TULIP_SHOP, HYACINTH}),
        ({"country": "CN"}, {COIR}),  # the trader is Chinese…
        ({"country": "de"}, {EBAY_TULIPS, BEADS, COIR}),  # …and ships from a German warehouse
        ({"country": "Germany"}, {EBAY_TULIPS, BEADS, COIR}),
        ({"country": "FR"}, {DATURA}),  # a private seller without a country: ships-from decides
        ({"watch": "nl-bulbs"}, {TULIP_SHOP, HYACINTH}),  # the tulip through its history
        ({"watch": "de-marketplaces"}, {EBAY_TULIPS, COIR, BEADS, TULIP_SHOP}),  # the tulip: last seen by it
        ({"categories": ["seeds"], "country": "US", "decision": "refer"}, {ETSY_SEEDS}),
        ({"min_risk": "high", "since": "2026-11-03", "watch": "de-marketplaces"}, {COIR, TULIP_SHOP}),
    ],
)
def test_filter(database: Path, tmp_path: Path, filters: dict[str, object], expected: set[str]) -> None:
    assert set(selected(database, tmp_path, **filters)) == expected


def test_order_is_riskiest_then_latest(database: Path, tmp_path: Path) -> None:
    ids = selected(database, tmp_path)
    assert ids[:2] == [TULIP_SHOP, HYACINTH] and ids[-2:] == [ORANGES, BEADS]


def test_filter_values_are_parameters_never_sql(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        for hostile in (
            ExportFilters(watch="x' OR '1'='1"),
            ExportFilters(categories=["seeds') OR 1=1 --"]),
            ExportFilters(country="NL' OR 1=1 --"),
            ExportFilters(decision="confirm' OR 'a'='a"),
            ExportFilters(since="2026-11-01' OR 1=1 --"),
            ExportFilters(listed="delisted' OR 1=1 --"),
            ExportFilters(since="2026-11-01", dates="last_seen' OR 1=1 --"),  # type: ignore[arg-type]
        ):
            with pytest.raises(ExportError):
                write_export(store, "csv", tmp_path / "x.csv", hostile)
        assert store.conn.execute("SELECT count(*) FROM listings").fetchone()[0] == len(EVERYTHING)
    # A watch whose name holds a quote works as any other: the name is a value, not SQL.
    quoted = tmp_path / "quoted.db"
    with Store(quoted) as store:
        run = store.start_run("shopify", {}, watch="o'brien's \"shops\"; --")
        store.save_listing(Listing(marketplace="m.example", listing_id="1", url="https://m.example/1", title="t"),
                           run_id=run)  # fmt: skip
        store.save_listing(Listing(marketplace="m.example", listing_id="2", url="https://m.example/2", title="u"))
    assert selected(quoted, tmp_path, watch="o'brien's \"shops\"; --") == ["1"]


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [l for l in result.output.splitlines() if l.strip()]
    return lines[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last tuesday"], "Error: since 'last tuesday' is not a date like 2026-11-01"),
        (["--until", "2026-13-01"], "Error: until '2026-13-01' is not a date like 2026-11-01"),
        (["--since", "2026-11-10", "--until", "2026-11-01"], "Error: since 2026-11-10 is after until 2026-11-01"),
        (["--category", "sedes"], "Error: unknown category 'sedes'; choose from plants_for_planting, seeds,"),
        (["--decision", "maybe"], "Error: decision 'maybe' is not one of confirm, dismiss, refer, contact, undecided"),
        (["--country", "Atlantis"], "Error: country 'Atlantis' is not an ISO 3166 country"),
        (["--watch", "nightly"],
         "Error: no crawl run of watch 'nightly' in this database (watches with runs: de-marketplaces, nl-bulbs)"),
        (["--min-risk", "extreme"], "Error: Invalid value for '--min-risk'"),
        (["--listed", "gone"], "Error: Invalid value for '--listed'"),
        (["--dates", "last-seen"], "Error: Invalid value for '--dates'"),
        (["--format", "pdf"], "Error: Invalid value for '--format'"),
        (["--include-evidence"], "Error: evidence can only be included in an RPPO package (format rppo)"),
    ],
)
def test_bad_values_give_one_clear_line(database: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--db", str(database), "--output", str(out), *args])
    assert one_line_error(result).startswith(message)
    assert not out.exists()


def test_output_that_is_a_folder(database: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(database), "--output", str(tmp_path)])
    assert one_line_error(result).endswith("is a directory.")
    with Store(database) as store, pytest.raises(ExportError, match="is a folder; give the file to write"):
        write_export(store, "csv", tmp_path)


def test_cli_filters_match_the_library(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["export", "--db", str(database), "--format", "jsonl", "--output", str(out),
                                       "--category", "seeds", "--category", "bulbs_tubers", "--country", "US",
                                       "--since", "2026-10-01", "--until", "2026-11-30", "--decision", "refer",
                                       "--min-risk", "high"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"1 listings written to {out}"
    assert [json.loads(line)["listing_id"] for line in out.read_text().splitlines()] == [ETSY_SEEDS]
    watch = CliRunner().invoke(main, ["export", "--db", str(database), "--format", "jsonl", "--output", str(out),
                                      "--watch", "nl-bulbs"])  # fmt: skip
    assert watch.exit_code == 0, watch.output
    assert {json.loads(line)["listing_id"] for line in out.read_text().splitlines()} == {TULIP_SHOP, HYACINTH}


def test_filters_as_the_manifest_states_them() -> None:
    described = ExportFilters(since="2026-11-01", categories="Seeds", min_risk="none", decision="",
                              country="Netherlands", watch=" nl-bulbs ").describe()  # fmt: skip
    assert described == {"since": "2026-11-01", "until": None, "categories": ["seeds"], "min_risk": None,
                         "decision": None, "country": "NL", "watch": "nl-bulbs", "listed": None,
                         "dates": "on_offer"}  # fmt: skip
    assert ExportFilters(listed=" Delisted ").describe()["listed"] == "delisted"
    assert ExportFilters(listed=" Delisted ").describe()["dates"] is None  # no date range, nothing to read


@pytest.fixture()
def with_delisted(tmp_path: Path) -> Path:
    """The export store with the Etsy seeds and the hyacinth marked gone, as three missed nights leave them."""
    path = build_export_store(tmp_path / "delisted.db")
    with Store(path) as store:
        store.conn.execute("UPDATE listings SET delisted_at = '2026-11-20T02:00:00+00:00', missed_runs = 3"
                           " WHERE listing_id IN (?, ?)", (ETSY_SEEDS, HYACINTH))  # fmt: skip
        store.conn.commit()
    return path


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"listed": "delisted"}, {ETSY_SEEDS, HYACINTH}),
        ({"listed": "on_sale"}, EVERYTHING - {ETSY_SEEDS, HYACINTH}),
        ({"listed": ""}, EVERYTHING),
        ({"listed": "delisted", "decision": "refer"}, {ETSY_SEEDS, HYACINTH}),
        ({"listed": "on_sale", "decision": "refer"}, set()),
    ],
)
def test_the_listed_filter(with_delisted: Path, tmp_path: Path, filters: dict[str, object],
                           expected: set[str]) -> None:  # fmt: skip
    assert set(selected(with_delisted, tmp_path, **filters)) == expected


def test_a_wrong_listed_value_is_named() -> None:
    with pytest.raises(ExportError, match="listed 'gone' is not one of on_sale, delisted"):
        ExportFilters(listed="gone").selection()


def test_cli_listed_filter(with_delisted: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["export", "--db", str(with_delisted), "--format", "jsonl", "--output",
                                       str(out), "--listed", "delisted"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["listing_id"] for r in rows} == {ETSY_SEEDS, HYACINTH}
    assert {r["delisted_at"] for r in rows} == {"2026-11-20T02:00:00+00:00"}
