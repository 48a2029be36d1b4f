"""What one evidence capture costs, and that it stays within its time limit.

Captures product pages of the bundled demo marketplace (served on 127.0.0.1,
with their pictures) the way the review app does when an officer confirms a
listing: ``capture_evidence`` with and without the screenshot. Then two sites
that misbehave, to show the time bound holds: one that accepts the connection
and never answers, and a page whose picture never arrives.

    .venv/bin/python bench/evidence_capture.py [--captures 8] [--timeout 10]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UA = "phytowatch/bench (evidence capture benchmark; +bench@nppo.example)"


def silent_server() -> tuple[socket.socket, str]:
    """A port that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/item/1"


def stalled_picture_server() -> tuple[ThreadingHTTPServer, str]:
    """A page that loads at once and whose only picture never arrives."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path.startswith("/img"):
                stop.wait(120)
                return
            body = b"<html><body><h1>Tulipa sprengeri</h1><img src='/img/1.jpg'></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/item/1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--captures", type=int, default=8, help="captures of each kind")
    parser.add_argument("--timeout", type=float, default=10.0, help="the capture's time limit for the bad sites")
    args = parser.parse_args()

    from crawler.demo.catalogue import Catalogue
    from crawler.demo.server import start_demo_server
    from crawler.evidence import capture_evidence
    from crawler.items import Listing
    from crawler.store import Store

    catalogue = Catalogue.load()
    chosen = [listing for listing in catalogue.listings if catalogue.trader(listing.trader).platform == "sitemap"]
    chosen = chosen[: args.captures]
    with start_demo_server(catalogue) as server, tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        evidence_dir = Path(tmp) / "bench-evidence"
        rows = [store.save_listing(Listing(marketplace="demo", listing_id=listing.id, url=server.product_url(listing),
                                           title=listing.title)).row_id for listing in chosen]  # fmt: skip
        for screenshot in (False, True):
            seconds, warc_kb, png_kb, heights = [], [], [], []
            for row in rows:
                start = time.perf_counter()
                record = capture_evidence(store, row, evidence_dir=evidence_dir, captured_by="bench",
                                          screenshot=screenshot, user_agent=UA, allow_private=True)  # fmt: skip
                seconds.append(time.perf_counter() - start)
                assert record.error is None, record.error
                assert record.warc_path is not None
                warc_kb.append(record.warc_path.stat().st_size / 1024)
                if record.png_path is not None:
                    png = record.png_path.read_bytes()
                    png_kb.append(len(png) / 1024)
                    heights.append(int.from_bytes(png[20:24], "big"))
            label = "WARC + screenshot" if screenshot else "WARC only       "
            line = (f"{label}: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s per capture"
                    f" ({len(seconds)} demo product pages); WARC {statistics.median(warc_kb):.0f} KB")
            if png_kb:
                line += f", PNG {statistics.median(png_kb):.0f} KB ({statistics.median(heights):.0f} px tall)"
            print(line, flush=True)

        silent, silent_url = silent_server()
        stalled, stalled_url = stalled_picture_server()
        for name, url in (("no answer", silent_url), ("picture never arrives", stalled_url)):
            row = store.save_listing(Listing(marketplace="bad", listing_id=name, url=url, title=name)).row_id
            start = time.perf_counter()
            record = capture_evidence(store, row, evidence_dir=evidence_dir, captured_by="bench", user_agent=UA,
                                      timeout=args.timeout, allow_private=True)  # fmt: skip
            took = time.perf_counter() - start
            print(f"{name:<22}: returned after {took:.1f} s with timeout {args.timeout:.0f} s"
                  f" (error: {record.error}; WARC {'yes' if record.warc_path else 'no'},"
                  f" PNG {'yes' if record.png_path else 'no'})", flush=True)
        silent.close()
        stalled.shutdown()
        store.close()


if __name__ == "__main__":
    main()
