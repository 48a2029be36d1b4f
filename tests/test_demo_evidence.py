"""Evidence captured from the review app over the demo: loopback allowed there, and only there.

The demo marketplace runs on 127.0.0.1, which the capture's guard refuses for real
use (scraped listing URLs could point at the machines next to ours). The demo turns
on the one setting that allows it (``ReviewSettings.allow_private_addresses``), and a
listing confirmed in its app is then captured: the page's WARC and screenshot, no
error. The same app without the setting records the refusal. Everything is served
on 127.0.0.1: the demo marketplace itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import main
from crawler.demo import run as demo_run
from crawler.demo.catalogue import Catalogue
from crawler.demo.review import DEMO_REVIEW, demo_review_settings
from crawler.demo.server import DemoServer, start_demo_server
from crawler.evidence import EvidenceRecord, evidence_for
from crawler.items import Listing
from crawler.runner import CrawlOutcome
from crawler.store import Store
from tests.review_data import add_accounts, csrf_token, make_app, sign_in, verdict

VERDICT = verdict(["plants_for_planting"], "high")


def store_demo_listings(db: Path, server: DemoServer, count: int = 2) -> list[int]:
    """Listings of the demo's sitemap shops at their addresses on the running marketplace, as a crawl stores them."""
    catalogue = server.catalogue
    chosen = [l for l in catalogue.listings if catalogue.trader(l.trader).platform == "sitemap"][:count]
    with Store(db) as store:
        return [store.save_listing(Listing(marketplace="demo.example", listing_id=listing.id,
                                           url=server.product_url(listing), title=listing.title),
                                   classification=VERDICT).row_id for listing in chosen]  # fmt: skip


def confirm_and_capture(client: Any, db: Path, listing: int) -> EvidenceRecord:
    """Confirm the listing in the app, as an officer does; wait for the background capture; its record."""
    token = csrf_token(client, f"/listings/{listing}")
    done = client.post(f"/listings/{listing}/decide", data={"csrf_token": token, "decision": "confirm"})
    assert done.status_code == 303
    client.application.extensions["phytowatch_capture"].wait()
    with Store(db) as store:
        [record] = evidence_for(store, listing)
    return record


def assert_captured(record: EvidenceRecord, url: str) -> None:
    assert record.error is None and record.http_status == 200
    assert record.warc_path is not None and record.png_path is not None
    with record.warc_path.open("rb") as fh:
        targets = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert targets[0] == url
    assert record.png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_demo_setting_lets_a_capture_reach_the_marketplace_and_nothing_else_does(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    Store(db).close()
    add_accounts(db)
    settings = demo_review_settings(db)
    assert settings.allow_private_addresses and settings.allow_private_images
    with start_demo_server(Catalogue.load()) as server:
        demo_listing, real_listing = store_demo_listings(db, server)
        client = make_app(db, **DEMO_REVIEW).test_client()
        assert sign_in(client).status_code == 303
        with Store(db) as store:
            url = store.conn.execute("SELECT url FROM listings WHERE id = ?", (demo_listing,)).fetchone()[0]
        assert_captured(confirm_and_capture(client, db, demo_listing), url)
        # the same app without the setting, as `phytowatch serve` runs by default: the guard holds
        guarded = make_app(db).test_client()
        assert sign_in(guarded).status_code == 303
        refused = confirm_and_capture(guarded, db, real_listing)
    assert refused.error is not None and "local or private address" in refused.error
    assert refused.warc_path is None and refused.http_status is None


def test_phytowatch_demo_serve_runs_the_app_with_the_setting_while_the_marketplace_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``phytowatch demo --serve`` end to end, with the crawl and the classifier's training left out."""
    import waitress

    db = tmp_path / "demo.db"
    servers: list[DemoServer] = []
    real_start = demo_run.start_demo_server

    @contextmanager
    def recorded(catalogue: Catalogue, **kwargs: Any) -> Iterator[DemoServer]:
        with real_start(catalogue, **kwargs) as server:
            servers.append(server)
            yield server

    def crawled(jobs: Any, settings: Any, on_item: Any = None) -> list[CrawlOutcome]:
        [row] = store_demo_listings(db, servers[-1], count=1)
        add_accounts(db)
        return [CrawlOutcome("sitemap", None, "finished", {"store/listings_new": 1})]

    captured: list[tuple[str, EvidenceRecord, str, dict[str, Any]]] = []

    def serve(app: Any, **kwargs: Any) -> None:
        """Instead of serving until Ctrl-C: an officer confirms a listing while the marketplace is up."""
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"  # the demo's app keeps Secure cookies, as any other
        assert sign_in(client, secure=True).status_code == 303
        with Store(db) as store:
            row, url = store.conn.execute("SELECT id, url FROM listings").fetchone()
        captured.append((url, confirm_and_capture(client, db, row), servers[-1].base_url, kwargs))

    monkeypatch.setattr(demo_run, "prepare", lambda: None)
    monkeypatch.setattr(demo_run, "start_demo_server", recorded)
    monkeypatch.setattr(demo_run, "run_crawls", crawled)
    monkeypatch.setattr(waitress, "serve", serve)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--db", str(db), "--export-dir", str(tmp_path / "exports"),
                                       "--serve", "--port", "8765"])  # fmt: skip
    assert result.exit_code == 0, result.output
    [(url, record, marketplace, kwargs)] = captured
    assert url.startswith(marketplace + "/") and marketplace.startswith("http://127.0.0.1:")
    assert_captured(record, url)
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 8765)  # an app that may fetch loopback stays on it
    assert "Review app on http://127.0.0.1:8765/" in result.output and "Riskiest traders" in result.output
