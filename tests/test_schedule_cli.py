"""``phytowatch schedule run-now | list | run``: thin commands, one clear line when something is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.scheduler import ScheduleService
from crawler.store import Store
from crawler.watches import load_watches
from crawler.watchrun import WatchLock
from tests.localserver import LocalServer, shopify_shop
from tests.scheduling import place_in, runs, watches_file
from tests.test_cli import one_line_error


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_schedule_command_has_help_with_an_example(runner: CliRunner) -> None:
    assert all(c in runner.invoke(main, ["schedule", "--help"]).output for c in ("run", "list", "run-now"))
    for command in ("run", "list", "run-now"):
        assert "Example: phytowatch schedule " in runner.invoke(main, ["schedule", command, "--help"]).output


def test_run_now_crawls_the_watch_and_records_the_run(runner: CliRunner, tmp_path: Path) -> None:
    with LocalServer(shopify_shop(300)) as server:
        watches = watches_file(tmp_path, server.url)
        frontier = load_watches(watches).get("roses").frontier
        db = tmp_path / "phytowatch.db"
        with Store(db) as store:  # what older runs left: another argument set's frontier, and one of this one's
            for key in ("roses:0ld", frontier):
                store.conn.execute("INSERT INTO crawl_frontier (frontier, watch, fingerprint, state, request,"
                                   " added_at) VALUES (?, 'roses', 'ab', 'pending', x'00', '')", (key,))  # fmt: skip
            store.conn.commit()
        result = runner.invoke(main, ["schedule", "run-now", "roses", "--watches", str(watches), "--db", str(db),
                                      "--fresh"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "roses: run 1 finished; 300 listings stored (log: " in result.output
    assert "watch roses: started shopify crawl (pid " in result.output
    [run] = runs(db)
    assert (run["status"], run["watch"], run["exit_status"], run["resumed_from"]) == ("finished", "roses", 0, None)
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM crawl_frontier").fetchone()[0] == 0
    [log] = (tmp_path / "phytowatch-state" / "logs" / "roses").glob("*.log")
    text = log.read_text()
    assert "'DOWNLOAD_DELAY': '0'" in text and "crawler.frontier.FrontierMiddleware" in text  # a watch's crawl
    assert "resuming" not in text and "frontier/unreadable" not in text  # --fresh dropped the saved frontier

    listing = runner.invoke(main, ["schedule", "list", "--watches", str(watches), "--db", str(db)])
    assert listing.exit_code == 0, listing.output
    [row] = [line for line in listing.output.splitlines() if "roses" in line]
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells[:4] == ["roses", "shopify", "0 2 * * *", "yes"]
    assert cells[4].endswith("Z") and cells[5] == "finished" and cells[6].endswith("02:00 UTC")
    assert "scheduler: not running" in listing.output


def test_a_watch_already_running_is_not_started_again(runner: CliRunner, tmp_path: Path) -> None:
    place = place_in(tmp_path)
    held = WatchLock(place.lock("roses"))
    assert held.acquire()
    held.note("crawl pid 4242, started 2026-11-24T02:00:00+00:00\n")
    try:
        with LocalServer(shopify_shop(10)) as server:
            result = runner.invoke(main, ["schedule", "run-now", "roses", "--db", str(place.database),
                                          "--watches", str(watches_file(tmp_path, server.url))])  # fmt: skip
            hits = sum(server.hits.values())
    finally:
        held.release()
    assert one_line_error(result) == ("Error: watch roses is already running (crawl pid 4242, started"
                                      " 2026-11-24T02:00:00+00:00); not starting another run")
    assert hits == 0 and not place.database.exists()


def test_list_shows_the_scheduler_that_runs_and_its_next_runs(runner: CliRunner, tmp_path: Path) -> None:
    watches = watches_file(tmp_path, "https://plantshop.example", schedule="30 1 * * 0")
    place = place_in(tmp_path)
    service = ScheduleService(load_watches(watches), place)
    service.start(paused=True)
    try:
        result = runner.invoke(main, ["schedule", "list", "--watches", str(watches), "--db", str(place.database)])
    finally:
        service.shutdown()
    assert result.exit_code == 0, result.output
    assert "scheduler: running (scheduler pid " in result.output
    [row] = [line for line in result.output.splitlines() if "roses" in line]
    assert "30 1 * * 0" in row and " - " in row and "01:30 UTC" in row


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "list"], "watches file watches.toml does not exist"),
        (["schedule", "run-now", "tulips", "--watches", "{w}"], "there is no watch called 'tulips' (watches: roses)"),
        (["schedule", "run", "--watches", "{bad}"], "bad.toml:9: watches.roses.politeness.DOWNLOAD_DELAY: must be"),
        (["schedule", "list", "--config", "nowhere.toml"], "configuration file nowhere.toml does not exist"),
    ],
)
def test_errors_are_one_clear_line(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   args: list[str], message: str) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w").mkdir()
    good = watches_file(tmp_path / "w", "https://plantshop.example")
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace("DOWNLOAD_DELAY = 0", "DOWNLOAD_DELAY = -1"))
    result = runner.invoke(main, [a.replace("{w}", str(good)).replace("{bad}", str(bad)) for a in args])
    assert message in one_line_error(result)


def test_the_watches_file_and_database_come_from_phytowatch_toml(runner: CliRunner, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    watches_file(tmp_path / "conf", "https://plantshop.example")
    (tmp_path / "phytowatch.toml").write_text('watches = "conf/watches.toml"\ndatabase = "data.db"\n')
    result = runner.invoke(main, ["schedule", "list"])
    assert result.exit_code == 0, result.output
    assert "watches in conf/watches.toml" in result.output and "roses" in result.output


def test_a_watch_without_its_api_key_is_listed_as_skipped_and_refused_by_run_now(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ETSY_API_KEY", raising=False)
    watches = watches_file(tmp_path, "https://plantshop.example")
    etsy = '\n[watches.etsy-seeds]\nspider = "etsy"\narguments = { query = "monstera" }\n'
    watches.write_text(watches.read_text() + etsy)
    db = tmp_path / "phytowatch.db"
    listing = runner.invoke(main, ["schedule", "list", "--watches", str(watches), "--db", str(db)])
    assert listing.exit_code == 0, listing.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.strip("│ ").split("│")]
            for line in listing.output.splitlines() if line.startswith("│")}  # fmt: skip
    assert rows["roses"][3] == "yes" and rows["roses"][6].endswith("02:00 UTC")  # the others still run
    assert (rows["etsy-seeds"][3], rows["etsy-seeds"][6]) == ("skipped", "-")
    assert ("etsy-seeds: cannot run on this machine, not scheduled: Etsy search needs an Open API key: set"
            " ETSY_API_KEY (https://www.etsy.com/developers)") in listing.output  # fmt: skip

    refused = runner.invoke(main, ["schedule", "run-now", "etsy-seeds", "--watches", str(watches), "--db", str(db)])
    assert one_line_error(refused).startswith(f"Error: {watches}: watch etsy-seeds cannot run on this machine: Etsy"
                                              " search needs an Open API key: set ETSY_API_KEY")  # fmt: skip
    assert not db.exists()  # nothing started


def test_list_says_when_the_last_run_finished_without_counting_its_misses(runner: CliRunner, tmp_path: Path) -> None:
    watches = watches_file(tmp_path, "http://127.0.0.1:9")
    db = tmp_path / "phytowatch.db"
    with Store(db) as store:
        run = store.start_run("shopify", {"stores": "http://127.0.0.1:9"}, watch="roses")
        counts = {"store/listings_new": 3, "spider_exceptions/count": 1, "spider_exceptions/ValueError": 1}
        store.finish_run(run, "finished", counts)  # a sitemap callback raised: Scrapy's counts
    listing = runner.invoke(main, ["schedule", "list", "--watches", str(watches), "--db", str(db)])
    assert listing.exit_code == 0, listing.output
    [row] = [line for line in listing.output.splitlines() if "│ roses" in line]
    assert [cell.strip() for cell in row.strip("│ ").split("│")][5] == "finished, incomplete"
    assert "roses: its last run did not count missed listings, because not every page was read (" in listing.output
    assert "program error in the spider" in listing.output
