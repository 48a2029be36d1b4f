"""The CLI: each command works, and wrong input ends in one clear line, never a traceback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.items import Listing, Trader
from crawler.store import Store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "phytowatch.db"
    with Store(path) as store:
        store.save_trader(Trader(marketplace="semillas.example", seller_key="semillas.example",
                                 display_name="Semillas del Sur", country="ES"))
        for n, (title, risk, cats) in enumerate([
            ("Semillas de tomate 'Corazón de Buey'", "high", ["seeds"]),
            ("Pimentón de la Vera 250 g", "low", ["processed_plant_products"]),
            ("Cuentas de semilla Miyuki 11/0", "none", ["not_regulated"]),
        ]):
            store.save_listing(
                Listing(marketplace="semillas.example", listing_id=str(n), url=f"https://semillas.example/p/{n}",
                        title=title, price=2.5, currency="EUR", seller_key="semillas.example",
                        fetched_at=f"2026-11-0{n + 1}T01:00:00+00:00"),
                classification={"categories": cats, "risk": risk, "model_version": "t", "scores": {}},
            )
    return path


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert lines, "an error must say something"
    return lines[-1]


def test_help_lists_every_command_with_examples(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "crawl", "classify", "export", "db"):
        assert command in result.output
    for command in (["demo"], ["crawl"], ["classify"], ["export"], ["db", "stats"]):
        assert "Example: phytowatch" in runner.invoke(main, [*command, "--help"]).output


def test_export_csv_filters_by_risk(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "high.csv"
    result = runner.invoke(main, ["export", "--db", str(db), "--format", "csv", "--output", str(out),
                                  "--min-risk", "low"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["risk"] for r in rows] == ["high", "low"]
    assert rows[0]["trader_name"] == "Semillas del Sur" and rows[0]["categories"] == "seeds"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_json_since(runner: CliRunner, db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"x.{fmt}"
    result = runner.invoke(main, ["export", "--db", str(db), "--format", fmt, "--output", str(out),
                                  "--since", "2026-11-02"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    rows = json.loads(text) if fmt == "json" else [json.loads(l) for l in text.splitlines()]
    assert sorted(r["listing_id"] for r in rows) == ["1", "2"]


def test_db_stats(runner: CliRunner, db: Path) -> None:
    result = runner.invoke(main, ["db", "stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "listings: 3" in result.output and "traders: 1" in result.output
    figures = json.loads(runner.invoke(main, ["db", "stats", "--db", str(db), "--json"]).output)
    assert figures["by_risk"] == {"high": 1, "medium": 0, "low": 1, "none": 1}


def test_classify_jsonl(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": 1, "title": "Graines de tomate ancienne, sachet de 30 graines"}) + "\n"
        + json.dumps({"id": "b", "title": "Lampe LED E27 ampoule 9 W", "description": "Blanc chaud"}) + "\n",
        encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["classify", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    seeds, lamp = [json.loads(l) for l in target.read_text(encoding="utf-8").splitlines()]
    assert seeds["id"] == 1 and "seeds" in seeds["categories"] and seeds["risk"] == "high"
    assert set(seeds) >= {"categories", "scores", "risk", "taxa", "reasons"}
    assert any(r["text"].lower().startswith("graine") for r in seeds["reasons"])
    assert lamp["risk"] == "none" and lamp["description"] == "Blanc chaud"


def test_classify_reports_bad_lines_and_keeps_good_ones(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "title": "Samen Tomate"}\n{broken\n{"title": "no id"}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["classify", "--input", str(source), "--output", str(target)])
    assert "line 2: not valid JSON" in result.output and "line 3: no 'id'" in result.output
    assert one_line_error(result) == "Error: 2 input lines could not be classified"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--output", "x.csv", "--db", "nowhere.db"], "no database at nowhere.db"),
        (["export", "--output", "x.csv", "--format", "pdf"], "Invalid value for '--format'"),
        (["export", "--output", "x.csv", "--since", "last tuesday"], "is not a date like 2026-11-01"),
        (["classify", "--input", "missing.jsonl", "--output", "o.jsonl"], "does not exist"),
        (["crawl", "amazonas"], "there is no spider called 'amazonas'"),
        (["crawl", "shopify"], "stores: give at least one Shopify store"),
        (["crawl", "shopify", "-a", "stores"], "must look like key=value"),
        (["crawl", "shopify", "-a", "stores=ftp://x"], "is not a web address"),
        (["crawl", "shopify", "-a", "shops=x.example"], "does not take shops"),
        (["crawl", "shopify", "-a", "stores=x.example", "-a", "max_pages=-1"], "max_pages must be a whole number"),
    ],
)
def test_errors_are_one_clear_line(runner: CliRunner, tmp_path: Path, args: list[str], message: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert message in one_line_error(runner.invoke(main, args))


def test_database_that_is_not_sqlite(runner: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database" * 200)
    assert "cannot use" in one_line_error(runner.invoke(main, ["db", "stats", "--db", str(junk)]))


def test_bad_config_file_names_file_and_key(runner: CliRunner, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "phytowatch.toml").write_text('contact = "nppo@example.org"\nhome_contry = "NL"\n')
    line = one_line_error(runner.invoke(main, ["crawl", "shopify", "-a", "stores=x.example"]))
    assert "phytowatch.toml: unknown key 'home_contry'" in line


def test_extract_prints_items_of_a_saved_answer(runner: CliRunner) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    result = runner.invoke(main, ["extract", "--url", "https://kwekerij-detulp.example/products.json?page=1",
                                  str(fixtures / "shopify_products.json")])
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.output.splitlines()]
    assert [(i["type"], i["listing_id"]) for i in items] == [("listing", "7001"), ("listing", "7002")]
    card = runner.invoke(main, ["extract", "--url", "https://semillasdelsur.example/wp-json/",
                                str(fixtures / "woocommerce_index.json")])
    assert json.loads(card.output)["type"] == "trader" and json.loads(card.output)["country"] == "ES"


def test_extract_real_shop_page_from_the_corpus(runner: CliRunner, corpus: Path) -> None:
    page = corpus / "jsonld" / "otto-de__p-kaercher-hochdruckreiniger-k-3-full-control-8480__040c3ea5ea_2020.html.gz"
    url = "https://www.otto.de/p/kaercher-hochdruckreiniger-k-3-full-control-848068924/"
    result = runner.invoke(main, ["extract", "--url", url, str(page)])
    assert result.exit_code == 0, result.output
    [listing] = [json.loads(line) for line in result.output.splitlines() if '"listing"' in line]
    assert (listing["price"], listing["currency"], listing["sku"]) == (119.01, "EUR", "2800395267")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "ftp://x/y", "{f}"], "no page module recognises 'ftp://x/y'"),
        (["--url", "https://x.example/", "--page", "nope", "{f}"], "no page type 'nope'"),
        (["--url", "https://x.example/products.json", "{f}"], "is not valid JSON"),
    ],
)
def test_extract_errors(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    junk = tmp_path / "page.html"
    junk.write_text("<html>not json</html>")
    result = runner.invoke(main, ["extract", *[a.replace("{f}", str(junk)) for a in args]])
    assert message in one_line_error(result)
