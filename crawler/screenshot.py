"""A full-page PNG of a recorded page, rendered by Debian's Chromium through Playwright.

The screenshot must show what the WARC holds, not what the site shows a second
later, so the browser never reaches the network by itself. Every request it
makes is intercepted (Playwright routing):

* the main document is served from the recorded response, byte for byte as
  fetched, without a second request to the site;
* a sub-resource (stylesheet, image, font, script, frame, the page's own
  ``fetch``/XHR GETs) is fetched once by :func:`crawler.recording.fetch_following`
  with our User-Agent, recorded, and served to the browser from that recording;
  the caller writes these recordings into the same WARC as the page, so the
  WARC holds every byte the screenshot was drawn from;
* what cannot be recorded is refused: requests other than GET, other
  navigations of the main frame (a script or meta refresh leaving the page),
  WebSockets, service workers, and anything past the budget
  (:data:`MAX_RESOURCES` requests, :data:`MAX_RESOURCE_BYTES` in all, the
  capture's deadline). A page from a public address may not make us fetch from
  a private one (``http://192.168.0.1/...`` in a hostile page).

JavaScript runs, because many marketplaces build their listing pages with it;
it can only draw from recorded bytes. Playwright's sync API cannot run inside
an asyncio loop, so the browser is driven from a thread of its own: the
function can be called from any web framework's request handler.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from crawler.browser import CHROMIUM_ARGS, CHROMIUM_NOT_FOUND, chromium_path
from crawler.recording import Exchange, FetchError, fetch_following, is_public

#: Sub-resources fetched for one screenshot at most.
MAX_RESOURCES = 150
#: Bytes of sub-resources fetched for one screenshot at most.
MAX_RESOURCE_BYTES = 40 * 1024 * 1024
#: A desktop window: listings are laid out for it.
VIEWPORT = {"width": 1280, "height": 900}
#: Taller pages are cut here: a 1280 px wide PNG this tall already takes ~150 MB to draw.
MAX_HEIGHT_PX = 30_000
#: After the load event, how long late requests (lazy images, XHR) may take before the picture.
SETTLE_MS = 3_000
#: Response headers not passed to the browser: the body it gets is already decoded and whole.
UNSERVED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection",
                              "keep-alive", "set-cookie"})  # fmt: skip


@dataclass
class Rendering:
    """A screenshot, or why there is none, and the sub-resources recorded to draw it."""

    png: bytes | None = None
    error: str | None = None
    resources: list[Exchange] = field(default_factory=list)
    refused: int = 0  # requests the browser made and did not get


class _Resources:
    """Serves the browser's sub-resource requests from recordings, fetching each URL once."""

    def __init__(self, page: Exchange, user_agent: str, deadline: float) -> None:
        self.user_agent = user_agent
        self.deadline = deadline
        self.allow_private = not is_public(page.remote_ip or "")
        self.answers: dict[str, Exchange | None] = {}
        self.recorded: list[Exchange] = []
        self.bytes = 0
        self.refused = 0
        self.lock = threading.Lock()

    def answer(self, url: str, method: str) -> Exchange | None:
        if method != "GET" or not url.startswith(("http://", "https://")):
            self.refused += 1
            return None
        if url in self.answers:
            return self.answers[url]
        exchange = None
        if len(self.answers) < MAX_RESOURCES and self.bytes < MAX_RESOURCE_BYTES:
            try:
                hops = fetch_following(url, user_agent=self.user_agent, deadline=self.deadline,
                                       allow_private=self.allow_private)  # fmt: skip
            except FetchError as exc:
                hops = exc.exchanges
            else:
                exchange = hops[-1]
            with self.lock:
                self.recorded.extend(hops)
            self.bytes += sum(len(h.response) for h in hops)
        self.answers[url] = exchange
        self.refused += exchange is None
        return exchange

    def snapshot(self) -> list[Exchange]:
        with self.lock:
            return list(self.recorded)


def served_headers(exchange: Exchange) -> dict[str, str]:
    """The recorded response headers as the browser gets them (repeated headers joined)."""
    headers: dict[str, str] = {}
    for name, value in exchange.headers:
        key = name.lower()
        if key not in UNSERVED_HEADERS:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _fulfill(route: Any, exchange: Exchange) -> None:
    route.fulfill(status=exchange.status, headers=served_headers(exchange), body=exchange.body)


def _is_main_navigation(request: Any) -> bool:
    try:
        return bool(request.is_navigation_request() and request.frame.parent_frame is None)
    except Exception:  # a request without a frame (service worker) is not the page
        return False


def _draw(page_exchange: Exchange, resources: _Resources, executable: str, deadline: float) -> tuple[bytes, int]:
    """Open Chromium, load the recorded page; its full-page PNG and height (Playwright errors propagate)."""
    from playwright.sync_api import sync_playwright

    def left_ms() -> float:
        return max(1.0, (deadline - time.monotonic()) * 1000)

    page_url = page_exchange.url.split("#")[0]

    def route(route: Any) -> None:
        request = route.request
        url = request.url.split("#")[0]
        if _is_main_navigation(request):
            if url == page_url:
                _fulfill(route, page_exchange)
            else:
                resources.refused += 1
                route.abort()
            return
        answer = resources.answer(url, request.method)
        if answer is None:
            route.abort()
        else:
            _fulfill(route, answer)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS),
                                             timeout=left_ms())  # fmt: skip
        try:
            context = browser.new_context(viewport=VIEWPORT, service_workers="block", accept_downloads=False)  # type: ignore[arg-type]
            page = context.new_page()
            page.route("**/*", route)
            page.route_web_socket("**/*", lambda socket: socket.close())
            page.goto(page_url, wait_until="load", timeout=left_ms())
            try:
                page.wait_for_load_state("networkidle", timeout=min(SETTLE_MS, left_ms()))
            except Exception:  # a page that keeps polling is drawn as it is
                pass
            height = int(page.evaluate("() => Math.max(document.documentElement.scrollHeight,"
                                       " document.body ? document.body.scrollHeight : 0)"))  # fmt: skip
            clip = None
            if height > MAX_HEIGHT_PX:
                clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_HEIGHT_PX}
            png = page.screenshot(full_page=True, clip=clip, type="png", animations="disabled",  # type: ignore[arg-type]
                                  timeout=left_ms())  # fmt: skip
            return png, height
        finally:
            browser.close()


def render_screenshot(page: Exchange, *, user_agent: str, deadline: float, executable: str | None = None) -> Rendering:
    """Draw ``page`` (a recorded response) as a full-page PNG; never raises, never outlives ``deadline`` by much.

    The rendering's ``resources`` are the sub-resources fetched for it, to be
    written into the WARC next to the page even when drawing failed.
    """
    executable = executable or chromium_path()
    if executable is None:
        return Rendering(error=f"screenshot failed: {CHROMIUM_NOT_FOUND}")
    resources = _Resources(page, user_agent, deadline)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["png"], height = _draw(page, resources, executable, deadline)
            if height > MAX_HEIGHT_PX:
                outcome["error"] = f"screenshot cut at {MAX_HEIGHT_PX} px of a {height} px page"
        except Exception as exc:  # Playwright's errors (timeouts, a crashed browser) are the capture's, not ours
            outcome["error"] = f"screenshot failed: {_first_line(exc)}"

    thread = threading.Thread(target=work, name="evidence-screenshot", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()) + 10)  # Playwright's own timeouts end it before this
    if thread.is_alive():
        outcome.setdefault("error", "screenshot failed: the browser did not finish in time")
    return Rendering(png=outcome.get("png"), error=outcome.get("error"), resources=resources.snapshot(),
                     refused=resources.refused)  # fmt: skip


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
