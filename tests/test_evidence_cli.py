"""``phytowatch evidence``: capture, show, verify; wrong input ends in one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.config import user_agent
from crawler.evidence import evidence_for
from crawler.items import Listing
from crawler.store import Store
from tests.localserver import Canned, LocalServer
from tests.test_cli import one_line_error
from tests.test_evidence import HTML, TALL_PAGE, needs_chromium, png_size

#: (listing id, path, risk, last seen)
LISTINGS = [
    ("a", "/item/a", "high", "2026-11-20T01:00:00+00:00"),
    ("b", "/item/b", "high", "2026-10-01T01:00:00+00:00"),
    ("c", "/item/c", "low", "2026-11-20T01:00:00+00:00"),
    ("d", "/item/gone", "high", "2026-11-21T01:00:00+00:00"),
]


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    routes = {"/item/a": Canned(200, TALL_PAGE, HTML), "/item/b": Canned(200, TALL_PAGE, HTML),
              "/item/c": Canned(200, TALL_PAGE, HTML)}  # fmt: skip
    with LocalServer(routes) as running:
        yield running


@pytest.fixture
def db(tmp_path: Path, server: LocalServer) -> Path:
    path = tmp_path / "phytowatch.db"
    with Store(path) as store:
        for listing_id, page, risk, seen in LISTINGS:
            store.save_listing(
                Listing(marketplace="bulbs.example", listing_id=listing_id, url=server.url + page,
                        title=f"Tulipa \x1b[31m{listing_id}", fetched_at=seen),
                classification={"categories": ["bulbs_tubers"], "risk": risk, "model_version": "t", "scores": {}},
            )  # fmt: skip
    return path


def run(*args: str) -> object:
    """``phytowatch evidence ...``; captures may reach the marketplace on 127.0.0.1."""
    extra = ["--allow-private-addresses"] if args[:1] == ("capture",) and "--help" not in args else []
    return CliRunner().invoke(main, ["evidence", *args, *extra])


def row_id(db: Path, listing_id: str) -> int:
    with Store(db) as store:
        found = store.listing_row_id("bulbs.example", listing_id)
    assert found is not None
    return found


@needs_chromium
def test_capture_by_id_writes_warc_and_screenshot_beside_the_database(db: Path, server: LocalServer) -> None:
    a = row_id(db, "a")
    result = run("capture", str(a), "--db", str(db), "--captured-by", "anna")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.output.splitlines() == [  # type: ignore[attr-defined]
        f"listing {a}: evidence 1 (HTTP 200; WARC and screenshot)",
        f"1 captured into {db.parent / 'phytowatch-evidence'}",
    ]
    with Store(db) as store:
        [record] = evidence_for(store, a)
    assert record.captured_by == "anna" and record.png_path is not None
    assert record.png_path.parent == db.parent / "phytowatch-evidence" / str(a)
    assert png_size(record.png_path.read_bytes())[1] > 2000
    assert server.user_agents == {user_agent("nppo-surveillance@example.org")}  # the default contact


def test_all_high_risk_skips_listings_with_evidence_unless_again(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    common = ["--db", str(db), "--evidence-dir", str(folder), "--no-screenshot", "--captured-by", "nightly"]
    first = run("capture", "--all-high-risk", "--since", "2026-11-01", *common)
    assert first.exit_code == 1  # the vanished listing is an error, recorded all the same  # type: ignore[attr-defined]
    lines = first.output.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == f"listing {row_id(db, 'd')}: evidence 1 (HTTP 404; WARC): listing gone: HTTP 404 Not Found"
    assert lines[1] == f"listing {row_id(db, 'a')}: evidence 2 (HTTP 200; WARC)"
    assert lines[2] == f"2 captured into {folder}, 1 with errors"  # b was seen before --since, c is low risk

    again = run("capture", "--all-high-risk", "--since", "2026-11-01", *common)
    assert again.exit_code == 0 and again.output == "no high-risk listings without evidence seen since 2026-11-01\n"  # type: ignore[attr-defined]

    everything = run("capture", "--all-high-risk", "--again", "--limit", "2", *common)
    assert everything.output.splitlines()[-1] == f"2 captured into {folder}, 1 with errors"  # type: ignore[attr-defined]
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == 4


def test_show_and_verify_report_tampered_and_missing_files(db: Path, tmp_path: Path) -> None:
    a = row_id(db, "a")
    common = ["--db", str(db), "--evidence-dir", str(tmp_path / "ev")]
    for _ in range(2):
        assert run("capture", str(a), "--no-screenshot", "--captured-by", "anna", *common).exit_code == 0  # type: ignore[attr-defined]
    shown = run("show", str(a), "--db", str(db))
    assert shown.exit_code == 0, shown.output  # type: ignore[attr-defined]
    lines = shown.output.splitlines()  # type: ignore[attr-defined]
    # A scraped title's escape sequences are shown, not obeyed by the terminal.
    assert lines[0].startswith(f"listing {a}: Tulipa \\x1b[31ma <http://127.0.0.1:")
    assert lines[1].startswith("evidence 1: captured 20") and lines[1].endswith("by anna, HTTP 200")
    assert lines[2].startswith("  warc: ") and " ok (sha256 " in lines[2]
    assert lines[-1] == "2 evidence files checked: all match their SHA-256"
    assert run("verify", "--db", str(db)).output == "2 evidence files checked: all match their SHA-256\n"  # type: ignore[attr-defined]

    with Store(db) as store:
        first, second = evidence_for(store, a)
    assert first.warc_path is not None and second.warc_path is not None
    first.warc_path.chmod(0o644)
    first.warc_path.write_bytes(b"an edited WARC")
    second.warc_path.unlink()
    shown = run("show", str(a), "--db", str(db))
    assert shown.exit_code == 1  # type: ignore[attr-defined]
    assert f"  warc: {first.warc_path} TAMPERED (sha256 {first.warc_sha256})" in shown.output  # type: ignore[attr-defined]
    assert f"  warc: {second.warc_path} MISSING (sha256 {second.warc_sha256})" in shown.output  # type: ignore[attr-defined]
    verified = run("verify", "--db", str(db))
    assert verified.exit_code == 1  # type: ignore[attr-defined]
    assert verified.output.splitlines() == [  # type: ignore[attr-defined]
        f"evidence 1: warc TAMPERED: {first.warc_path}",
        f"evidence 2: warc MISSING: {second.warc_path}",
        "2 evidence files checked: 1 missing, 1 tampered",
    ]


def test_show_a_listing_without_evidence(db: Path) -> None:
    c = row_id(db, "c")
    result = run("show", str(c), "--db", str(db))
    assert result.exit_code == 0 and result.output.splitlines()[-1] == f"listing {c} has no evidence"  # type: ignore[attr-defined]


def test_config_names_the_evidence_folder(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "phytowatch.toml"
    config.write_text(f'evidence_dir = "{tmp_path / "kept"}"\ncontact = "officer@nppo.example"\n')
    result = run("capture", str(row_id(db, "a")), "--db", str(db), "--config", str(config), "--no-screenshot")
    assert result.output.splitlines()[-1] == f"1 captured into {tmp_path / 'kept'}"  # type: ignore[attr-defined]


NO_LISTING = "Error: no listing with id {ids} in {db}"
NO_DB = "Error: no database at {tmp}/none.db: run 'phytowatch crawl' first, or pass --db"
ONE_OF_TWO = "Error: name listing ids or use --all-high-risk (one of the two)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["capture", "999"], NO_LISTING.replace("{ids}", "999")),
        (["capture", "1", "999", "998"], NO_LISTING.replace("{ids}", "999, 998")),
        (["capture", "1", "--evidence-dir", "{blocker}/ev"],
         "Error: cannot write evidence into {blocker}/ev: Not a directory"),
        (["capture", "1", "--evidence-dir", "{blocker}"],
         "Error: Invalid value for '--evidence-dir': Directory '{blocker}' is a file."),
        (["capture"], ONE_OF_TWO),
        (["capture", "1", "--all-high-risk"], ONE_OF_TWO),
        (["capture", "1", "--since", "2026-11-01"], "Error: --since, --again and --limit go with --all-high-risk"),
        (["capture", "--all-high-risk", "--since", "last week"],
         "Error: Invalid value for --since: 'last week' is not a date like 2026-11-01"),
        (["capture", "tulip"], "Error: Invalid value for '[LISTING_ID]...': 'tulip' is not a valid integer."),
        (["show", "999"], NO_LISTING.replace("{ids}", "999")),
        (["capture", "1", "--db", "{tmp}/none.db"], NO_DB),
        (["verify", "--db", "{tmp}/none.db"], NO_DB),
    ],
)  # fmt: skip
def test_bad_input_ends_in_one_clear_line_and_captures_nothing(db: Path, tmp_path: Path, server: LocalServer,
                                                               args: list[str], message: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    values = {"db": str(db), "blocker": str(blocker), "tmp": str(tmp_path)}
    argv = [a.format(**values) for a in args]
    if "--db" not in argv:
        argv += ["--db", str(db)]
    result = run(*argv, "--no-screenshot") if argv[0] == "capture" else run(*argv)
    assert one_line_error(result) == message.format(**values)
    assert server.hits == {}
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0


def test_every_evidence_command_has_an_example() -> None:
    for command in ("capture", "show", "verify"):
        assert "Example: phytowatch evidence" in run(command, "--help").output  # type: ignore[attr-defined]


def test_the_readme_examples_work(tmp_path: Path, server: LocalServer) -> None:
    """The configuration and the Python example of the README's evidence section, run as written."""
    import re

    from crawler.config import load_config

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    [config_block] = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "evidence_dir" in b]
    (tmp_path / "phytowatch.toml").write_text(config_block.replace('"phytowatch-evidence"', f'"{tmp_path}/ev"'))
    config = load_config(tmp_path / "phytowatch.toml")
    [example] = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "capture_evidence" in b]
    db_path = tmp_path / "phytowatch.db"
    with Store(db_path) as store:
        listing_row_id = store.save_listing(Listing(marketplace="bulbs.example", listing_id="a",
                                                    url=f"{server.url}/item/a", title="Tulipa")).row_id  # fmt: skip
        example = example.replace("screenshot=True)", "screenshot=True, allow_private=True)")
        exec(example, {"store": store, "listing_row_id": listing_row_id, "db_path": db_path, "config": config})
        [record] = evidence_for(store, listing_row_id)
    assert record.warc_path is not None and record.warc_path.parent == tmp_path / "ev" / str(listing_row_id)
