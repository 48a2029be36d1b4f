"""Evidence capture against a marketplace on 127.0.0.1: real WARCs, real screenshots in Debian's Chromium."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import sqlite3
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.browser import CHROMIUM_NOT_FOUND, chromium_path
from crawler.evidence import (
    EvidenceError,
    EvidenceRecord,
    evidence_for,
    file_sha256,
    verify_all,
    verify_record,
)
from crawler.items import Listing
from crawler.recording import FetchError, fetch, is_public
from crawler.store import Store
from tests.localserver import Canned, LocalServer

needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="Chromium not installed (apt-get install chromium, or set CHROMIUM_PATH); CI installs it",
)

UA = "phytowatch/test (evidence tests; +officer@nppo.example)"
ROWS = 60  # rows of 100 px: the page is about 6,000 px tall, far more than the 900 px window
TALL_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Tulipa sprengeri bulbs</title>"
    "<link rel='stylesheet' href='/static/shop.css'></head><body>"
    "<h1>Tulipa sprengeri — 10 bulbs, ships worldwide</h1>"
    + "".join(f"<p class='row'>lot {n}</p>" for n in range(ROWS))
    + "</body></html>"
).encode()
CSS = b".row { height: 100px; margin: 0; background: #dfd; }"
HTML = {"Content-Type": "text/html; charset=utf-8", "X-Shop-Node": "eu-3", "Cache-Control": "no-store"}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking it is whole: signature, chunk CRCs, pixel data, IEND."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append(kind)
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    channels = {2: 3, 6: 4}[colour]
    assert depth == 8 and len(zlib.decompress(idat)) == height * (1 + width * channels)
    return width, height


def records(path: Path) -> list:  # type: ignore[type-arg]
    """(type, target URI, WARC headers, HTTP headers, raw payload) of each record, its digests checked."""
    out = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh, check_digests="raise"):
            raw = record.raw_stream.read()
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record.rec_headers,
                        record.http_headers, raw))  # fmt: skip
    return out


def decoded(path: Path, url: str) -> bytes:
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                return record.content_stream().read()  # type: ignore[no-any-return]
    raise AssertionError(f"no response for {url}")


def capture_evidence(*args: Any, **kwargs: Any) -> EvidenceRecord:
    """The library's capture, allowed to reach our marketplace on 127.0.0.1."""
    from crawler.evidence import capture_evidence as capture

    return capture(*args, allow_private=True, **kwargs)


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "phytowatch.db") as opened:
        yield opened


def listing(store: Store, url: str, n: int = 1) -> int:
    saved = store.save_listing(Listing(marketplace="bulbs.example", listing_id=str(n), url=url,
                                       title="Tulipa sprengeri 10 bulbs"))  # fmt: skip
    return saved.row_id


@needs_chromium
def test_a_listing_page_is_kept_as_warc_and_full_page_screenshot(store: Store, tmp_path: Path) -> None:
    routes = {"/item/7": Canned(200, TALL_PAGE, HTML),
              "/static/shop.css": Canned(200, CSS, {"Content-Type": "text/css"})}  # fmt: skip
    with LocalServer(routes) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "phytowatch-evidence", captured_by="anna",
                                  user_agent=UA)  # fmt: skip
        hits = dict(server.hits)
        agents = server.user_agents
    assert record.error is None and record.http_status == 200 and record.captured_by == "anna"
    assert record.url == f"{server.url}/item/7" and record.listing == row
    # The page was fetched once: the screenshot was drawn from the recording, not from a second visit.
    assert hits == {"/item/7": 1, "/static/shop.css": 1} and agents == {UA}

    assert record.warc_path is not None and record.png_path is not None
    assert file_sha256(record.warc_path) == record.warc_sha256
    assert file_sha256(record.png_path) == record.png_sha256
    assert record.warc_path.parent == tmp_path / "phytowatch-evidence" / str(row)
    assert record.warc_path.name.endswith(".warc.gz")
    assert not record.warc_path.stat().st_mode & 0o227  # nobody may change it; other users may not read it

    kinds = [(kind, uri) for kind, uri, *_ in records(record.warc_path)]
    page, css = f"{server.url}/item/7", f"{server.url}/static/shop.css"
    assert kinds[0] == ("warcinfo", None)
    assert sorted(kinds[1:]) == sorted([("request", page), ("response", page), ("request", css), ("response", css)])
    for kind, uri, warc_headers, http_headers, raw in records(record.warc_path)[1:]:
        assert warc_headers.get_header("WARC-Date").startswith(record.captured_at[:10])
        if kind == "request":
            assert http_headers.get_header("User-Agent") == UA
            continue
        assert warc_headers.get_header("WARC-IP-Address") == "127.0.0.1"
        algorithm, digest = warc_headers.get_header("WARC-Payload-Digest").split(":")
        assert algorithm == "sha1" and base64.b32encode(hashlib.sha1(raw).digest()).decode() == digest
        if uri == page:
            assert raw == TALL_PAGE  # the exact body
            assert http_headers.statusline == "200 OK"
            for name, value in HTML.items():  # and the headers, as sent
                assert http_headers.get_header(name) == value
            assert http_headers.get_header("Content-Length") == str(len(TALL_PAGE))

    width, height = png_size(record.png_path.read_bytes())
    assert width == 1280 and height >= ROWS * 100  # the whole page, not the 900 px window
    assert evidence_for(store, row) == [record]
    assert [c.state for c in verify_record(record)] == ["ok", "ok"]


@needs_chromium
def test_a_gzipped_page_behind_a_redirect_keeps_every_hop_and_its_wire_bytes(store: Store, tmp_path: Path) -> None:
    wire = gzip.compress(TALL_PAGE)
    routes = {
        "/item/7": Canned(301, b"", {"Location": "/item/7-tulipa-sprengeri"}),
        "/item/7-tulipa-sprengeri": Canned(200, wire, {**HTML, "Content-Encoding": "gzip"}),
        "/static/shop.css": Canned(200, CSS, {"Content-Type": "text/css"}),
    }
    with LocalServer(routes) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
        hits = dict(server.hits)
    assert record.error is None and record.http_status == 200
    assert hits["/item/7"] == 1 and hits["/item/7-tulipa-sprengeri"] == 1
    assert record.warc_path is not None and record.png_path is not None
    responses = {uri: (http_headers, raw) for kind, uri, _, http_headers, raw in records(record.warc_path)
                 if kind == "response"}  # fmt: skip
    assert responses[f"{server.url}/item/7"][0].statusline.startswith("301")
    assert responses[f"{server.url}/item/7-tulipa-sprengeri"][1] == wire  # as it crossed the wire
    assert decoded(record.warc_path, f"{server.url}/item/7-tulipa-sprengeri") == TALL_PAGE
    assert png_size(record.png_path.read_bytes())[1] >= ROWS * 100  # the browser got the decoded page


@needs_chromium
@pytest.mark.parametrize("status", [404, 410])
def test_a_vanished_listing_is_recorded_with_its_error_and_the_answer_kept(store: Store, tmp_path: Path,
                                                                          status: int) -> None:
    gone = b"<html><body><h1>This listing has ended</h1></body></html>"
    with LocalServer({"/item/7": Canned(status, gone, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
    assert record.http_status == status
    assert record.error is not None and record.error.startswith(f"listing gone: HTTP {status}")
    assert record.warc_path is not None and decoded(record.warc_path, f"{server.url}/item/7") == gone
    assert record.png_path is not None and png_size(record.png_path.read_bytes())[0] == 1280
    assert evidence_for(store, row) == [record]


@needs_chromium
def test_a_capture_can_be_called_from_inside_an_event_loop(store: Store, tmp_path: Path) -> None:
    """A web framework's async handler (FastAPI, Starlette) calling it directly still gets its screenshot."""

    async def handler(row: int) -> EvidenceRecord:
        return capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)

    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        record = asyncio.run(handler(listing(store, f"{server.url}/item/7")))
    assert record.error is None and record.png_path is not None


def test_no_answer_is_an_evidence_row_with_its_error_and_no_files(store: Store, tmp_path: Path) -> None:
    with LocalServer({}) as server:
        closed = server.url  # the server is gone after this block: its port refuses connections
    row = listing(store, f"{closed}/item/7")
    record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
    assert record.http_status is None and record.warc_path is None and record.png_path is None
    assert record.error == f"cannot fetch {closed}/item/7: connection refused"
    assert evidence_for(store, row) == [record]
    assert list((tmp_path / "ev" / str(row)).iterdir()) == []


def test_a_site_that_does_not_answer_in_time_is_recorded(store: Store, tmp_path: Path) -> None:
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML, delay=30)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA,
                                  timeout=2)  # fmt: skip
    assert record.error == f"no answer from {server.url.removeprefix('http://')} in time"
    assert record.warc_path is None and record.http_status is None


def test_a_browser_that_fails_leaves_the_warc_and_says_why(store: Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n")
    not_a_browser.chmod(0o755)
    monkeypatch.setenv("CHROMIUM_PATH", str(not_a_browser))
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA,
                                  timeout=10)  # fmt: skip
    assert record.http_status == 200 and record.png_path is None
    assert record.error is not None and record.error.startswith("screenshot failed: ")
    assert record.warc_path is not None and decoded(record.warc_path, f"{server.url}/item/7") == TALL_PAGE


@needs_chromium
def test_a_page_whose_script_never_yields_cannot_hold_the_caller(store: Store, tmp_path: Path) -> None:
    busy = b"<html><body><h1>Tulipa</h1><script>while (true) {}</script></body></html>"
    with LocalServer({"/item/7": Canned(200, busy, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA,
                                  timeout=6)  # fmt: skip
    assert record.error == "screenshot failed: the page did not let the browser draw it in time"
    assert record.png_path is None and record.warc_path is not None


def test_without_chromium_the_capture_says_so(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-chromium"))
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
    assert record.error == f"screenshot failed: {CHROMIUM_NOT_FOUND}"
    assert record.warc_path is not None


def test_without_screenshot_only_the_warc_is_written(store: Store, tmp_path: Path) -> None:
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA,
                                  screenshot=False)  # fmt: skip
    assert record.error is None and record.png_path is None and record.png_sha256 is None
    assert record.warc_path is not None and decoded(record.warc_path, f"{server.url}/item/7") == TALL_PAGE


def test_evidence_is_append_only(store: Store, tmp_path: Path) -> None:
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        first = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA,
                                 screenshot=False)  # fmt: skip
        second = capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="ben", user_agent=UA,
                                  screenshot=False)  # fmt: skip
    assert second.warc_path != first.warc_path  # a second capture is a new row and new files
    for statement in ("UPDATE evidence SET warc_sha256 = ? WHERE id = 1", "DELETE FROM evidence WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="evidence is append-only"):
            with store.transaction() as conn:
                conn.execute(statement, ("0" * 64,) if "UPDATE" in statement else (first.id,))
    assert evidence_for(store, row) == [first, second]


def test_a_tampered_or_missing_file_is_reported(store: Store, tmp_path: Path) -> None:
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        first, second = (capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by="anna",
                                          user_agent=UA, screenshot=False) for _ in range(2))  # fmt: skip
    assert first.warc_path is not None and second.warc_path is not None
    first.warc_path.chmod(0o644)
    first.warc_path.write_bytes(first.warc_path.read_bytes() + b"\n")
    second.warc_path.unlink()
    assert [(c.record, c.kind, c.state) for c in verify_all(store)] == [(first.id, "warc", "tampered"),
                                                                       (second.id, "warc", "missing")]


def test_asking_wrongly_raises_before_anything_is_fetched(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        with pytest.raises(EvidenceError, match="no listing with id 999"):
            capture_evidence(store, 999, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
        with pytest.raises(EvidenceError, match=f"cannot write evidence into {blocker}/ev"):
            capture_evidence(store, row, evidence_dir=blocker / "ev", captured_by="anna", user_agent=UA)
        with pytest.raises(EvidenceError, match=f"cannot write evidence into {blocker}: it is a file, not a folder"):
            capture_evidence(store, row, evidence_dir=blocker, captured_by="anna", user_agent=UA)
        with pytest.raises(EvidenceError, match="captured_by is empty"):
            capture_evidence(store, row, evidence_dir=tmp_path / "ev", captured_by=" ", user_agent=UA)
        hits = sum(server.hits.values())
    assert hits == 0 and evidence_for(store, row) == []


def test_paths_are_kept_relative_to_the_database_so_both_can_move(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        with Store(tmp_path / "old" / "phytowatch.db") as store:
            row = listing(store, f"{server.url}/item/7")
            capture_evidence(store, row, evidence_dir=tmp_path / "old" / "phytowatch-evidence", captured_by="anna",
                             user_agent=UA, screenshot=False)  # fmt: skip
            stored = store.conn.execute("SELECT warc_path FROM evidence").fetchone()[0]
    assert stored.startswith(f"phytowatch-evidence/{row}/")
    (tmp_path / "old").rename(tmp_path / "new")
    with Store(tmp_path / "new" / "phytowatch.db") as moved:
        [record] = evidence_for(moved, row)
        assert record.warc_path == tmp_path / "new" / stored
        assert [c.state for c in verify_record(record)] == ["ok"]


def test_a_body_cut_at_the_size_limit_is_marked_truncated() -> None:
    with LocalServer({"/big": Canned(200, b"x" * 500_000, HTML)}) as server:
        exchange = fetch(f"{server.url}/big", user_agent=UA, deadline=time.monotonic() + 10, max_bytes=100_000,
                         allow_private=True)  # fmt: skip
    assert exchange.truncated == "length" and 100_000 < len(exchange.body) < 500_000


def test_a_public_page_cannot_make_us_fetch_private_addresses() -> None:
    assert is_public("93.184.216.34") and not is_public("127.0.0.1") and not is_public("192.168.1.10")
    assert not is_public("169.254.169.254") and not is_public("::1") and not is_public("fe80::1%eth0")
    with LocalServer({"/x": Canned(200, b"secret", HTML)}) as server:
        with pytest.raises(FetchError, match="is a local or private address"):
            fetch(f"{server.url}/x", user_agent=UA, deadline=time.monotonic() + 5)
        assert server.hits == {}


def test_a_listing_on_a_private_address_is_not_fetched_unless_allowed(store: Store, tmp_path: Path) -> None:
    """A scraped listing URL pointing at the machines next to ours (http://10.0.0.5/admin) is refused."""
    from crawler.evidence import capture_evidence as capture

    with LocalServer({"/item/7": Canned(200, TALL_PAGE, HTML)}) as server:
        row = listing(store, f"{server.url}/item/7")
        record = capture(store, row, evidence_dir=tmp_path / "ev", captured_by="anna", user_agent=UA)
        assert server.hits == {}
    assert record.error == "127.0.0.1 is a local or private address (127.0.0.1): not fetched unless allowed"
    assert record.warc_path is None and evidence_for(store, row) == [record]
