"""A tiny HTTP server on 127.0.0.1 that answers from a table of canned responses.

Crawl tests point real spiders at it to show how they behave on pages and
failures we choose (missing endpoints, malformed JSON, 500 storms).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: Any
    body: bytes


@dataclass
class Canned:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    #: Seconds to wait before answering: a slow site (the wait ends early when the server closes).
    delay: float = 0.0


class LocalServer:
    """Routes are matched on path + query (exact), then on path alone."""

    def __init__(self, routes: dict[str, Canned]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.requests: list[Recorded] = []
        self.closing = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(Recorded(self.command, self.path, self.headers, self.rfile.read(length)))
                server.hits[self.path] += 1
                server.user_agents.add(self.headers.get("User-Agent", ""))
                canned = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                canned = canned or Canned(404, b"not found", {"Content-Type": "text/plain"})
                if canned.delay and server.closing.wait(canned.delay):
                    return
                try:
                    self.send_response(canned.status)
                    for key, value in canned.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(canned.body)))
                    self.end_headers()
                    self.wfile.write(canned.body)
                except (BrokenPipeError, ConnectionResetError):  # the crawl was stopped or killed meanwhile
                    pass

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


#: Settings for crawling our own loopback servers quickly.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "RETRY_TIMES": "2", "LOG_LEVEL": "INFO"}


def html(page: Path | bytes | str) -> Canned:
    """An HTML answer: a saved page from the corpus (a path), or page text written by a test."""
    from tests.conftest import read_fixture

    body = read_fixture(page) if isinstance(page, Path) else page.encode() if isinstance(page, str) else page
    return Canned(body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    """Rows of a query on a crawl's database."""
    from crawler.store import Store

    with Store(db) as store:
        return list(store.db.query(sql))


def run_record(db: Path, run_id: int = 1, status: str = "finished") -> dict[str, Any]:
    """A crawl run's record, checked to have ended with ``status``."""
    from crawler.store import Store

    with Store(db) as store:
        run = store.get_run(run_id)
    assert run is not None and run["status"] == status, run
    return run


def scrapy_command(
    spider: str, arguments: dict[str, str], db: Path, settings: dict[str, str] | None = None
) -> list[str]:
    """``scrapy crawl`` with phytowatch's test settings (run it from the repository root)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in arguments.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**FAST, "PHYTOWATCH_DB": str(db), **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def run_scrapy(spider: str, arguments: dict[str, str], db: Path, settings: dict[str, str] | None = None,
               timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl`` from the repository root in a fresh process (a reactor cannot restart)."""
    cmd = scrapy_command(spider, arguments, db, settings)
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


ROBOTS_ALLOW_ALL = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})


def shopify_shop(products: int, *, delay: float = 0.0, slow_from_page: int = 1) -> dict[str, Canned]:
    """Routes of a Shopify shop without a shop card: ``products`` roses, 250 a page.

    Pages from ``slow_from_page`` on answer after ``delay`` seconds: a crawl still running when a test stops it.
    """
    import json

    routes = {"/robots.txt": ROBOTS_ALLOW_ALL}
    pages = (products + 249) // 250
    for page in range(1, pages + 1):
        batch = [
            {"id": n, "title": f"Rosa 'Gloria Dei' wurzelnackt, Pflanze {n}", "handle": f"rosa-{n}",
             "body_html": "<p>Wurzelnackte Rose</p>", "images": [],
             "variants": [{"id": n, "price": "9.90", "available": True, "sku": f"R{n}"}]}
            for n in range((page - 1) * 250 + 1, min(page * 250, products) + 1)
        ]  # fmt: skip
        routes[f"/products.json?limit=250&page={page}"] = Canned(
            body=json.dumps({"products": batch}).encode(), delay=delay if page >= slow_from_page else 0.0
        )
    return routes


def products_page(page: int) -> str:
    """Path of a page of :func:`shopify_shop`."""
    return f"/products.json?limit=250&page={page}"
