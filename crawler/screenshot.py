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
it can only draw from recorded bytes. The browser is driven by Playwright's
async API in a thread of its own, with its own event loop, so the function can
be called from any web framework's request handler (with or without a loop of
its own), and sub-resources are fetched a few at a time while it waits.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from crawler.browser import CHROMIUM_ARGS, CHROMIUM_NOT_FOUND, chromium_path
from crawler.recording import Exchange, FetchError, fetch_following, is_public

#: Sub-resources fetched for one screenshot at most.
MAX_RESOURCES = 150
#: Bytes of sub-resources fetched for one screenshot at most.
MAX_RESOURCE_BYTES = 40 * 1024 * 1024
#: Seconds one sub-resource may take: a picture that never comes must not hold the page.
RESOURCE_TIMEOUT = 8.0
#: Sub-resources fetched at the same time (a browser opens about six connections to a site).
PARALLEL_FETCHES = 4
#: Seconds kept back for drawing the picture, whatever the page is still waiting for.
DRAWING_RESERVE = 5.0
#: A desktop window: listings are laid out for it.
VIEWPORT = {"width": 1280, "height": 900}
#: Taller pages are cut here: a 1280 px wide PNG this tall already takes ~150 MB to draw.
MAX_HEIGHT_PX = 30_000
#: After the load event, how long late requests (lazy images, XHR) may take before the picture.
SETTLE_MS = 3_000
#: Seconds the browser gets to close.
BROWSER_CLOSE_S = 5.0
PAGE_HEIGHT_JS = "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
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


@dataclass
class _Answer:
    done: threading.Event = field(default_factory=threading.Event)
    exchange: Exchange | None = None


class _Resources:
    """Serves the browser's sub-resource requests from recordings, fetching each URL once.

    Called from several threads at once (:data:`PARALLEL_FETCHES`); ``closed``
    refuses everything from the moment the picture is taken.
    """

    def __init__(self, page: Exchange, user_agent: str, deadline: float) -> None:
        self.user_agent = user_agent
        self.deadline = deadline
        self.allow_private = not is_public(page.remote_ip or "")
        self.answers: dict[str, _Answer] = {}
        self.recorded: list[Exchange] = []
        self.bytes = 0
        self.refused = 0
        self.closed = False
        self.lock = threading.Lock()

    def answer(self, url: str, method: str) -> Exchange | None:
        with self.lock:
            slot = self.answers.get(url)
            fetching = slot is None and self._may_fetch(url, method)
            if fetching:
                slot = self.answers[url] = _Answer()
            elif slot is None:
                self.refused += 1
                return None
        assert slot is not None
        if not fetching:
            slot.done.wait(max(0.0, self.deadline - time.monotonic()))
            return slot.exchange
        try:
            hops = fetch_following(url, user_agent=self.user_agent, allow_private=self.allow_private,
                                   deadline=min(self.deadline, time.monotonic() + RESOURCE_TIMEOUT))  # fmt: skip
            slot.exchange = hops[-1]
        except FetchError as exc:
            hops = exc.exchanges
        finally:
            slot.done.set()
        with self.lock:
            self.recorded.extend(hops)
            self.bytes += sum(len(h.response) for h in hops)
            self.refused += slot.exchange is None
        return slot.exchange

    def _may_fetch(self, url: str, method: str) -> bool:
        return (not self.closed and method == "GET" and url.startswith(("http://", "https://"))
                and len(self.answers) < MAX_RESOURCES and self.bytes < MAX_RESOURCE_BYTES
                and time.monotonic() < self.deadline)  # fmt: skip

    def close(self) -> list[Exchange]:
        """Refuse what the page asks for from now on; the exchanges recorded so far."""
        with self.lock:
            self.closed = True
            return list(self.recorded)


def served_headers(exchange: Exchange) -> dict[str, str]:
    """The recorded response headers as the browser gets them (repeated headers joined)."""
    headers: dict[str, str] = {}
    for name, value in exchange.headers:
        key = name.lower()
        if key not in UNSERVED_HEADERS:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _is_main_navigation(request: Any) -> bool:
    try:
        return bool(request.is_navigation_request() and request.frame.parent_frame is None)
    except Exception:  # a request without a frame (service worker) is not the page
        return False


async def _draw(page_exchange: Exchange, resources: _Resources, executable: str,
                deadline: float) -> tuple[bytes, int, str | None]:
    """Open Chromium, load the recorded page; its full-page PNG, its height, and a note if it did not finish loading.

    Playwright's errors propagate. Sub-resources are fetched in threads, a few
    at a time, while the browser waits; from :data:`DRAWING_RESERVE` seconds
    before ``deadline`` the page gets nothing more and is drawn as it is.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    loop = asyncio.get_running_loop()
    fetchers = ThreadPoolExecutor(PARALLEL_FETCHES, thread_name_prefix="evidence-fetch")
    reserve = min(DRAWING_RESERVE, (deadline - time.monotonic()) / 2)
    resources.deadline = deadline - reserve
    page_url = page_exchange.url.split("#")[0]

    def left_ms(until: float = deadline) -> float:
        return max(1.0, (until - time.monotonic()) * 1000)

    async def route(route: Any) -> None:
        request = route.request
        url = request.url.split("#")[0]
        if _is_main_navigation(request):
            answer = page_exchange if url == page_url else None
        else:
            answer = await loop.run_in_executor(fetchers, resources.answer, url, request.method)
        try:
            if answer is None:
                await route.abort()
            else:
                await route.fulfill(status=answer.status, headers=served_headers(answer), body=answer.body)
        except Exception:  # the page was closed while this request waited: nothing left to serve
            pass

    note = None
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                       args=list(CHROMIUM_ARGS), timeout=left_ms())  # fmt: skip
            try:
                context = await browser.new_context(viewport=VIEWPORT, service_workers="block")  # type: ignore[arg-type]
                page = await context.new_page()
                await page.route("**/*", route)
                await page.route_web_socket("**/*", lambda socket: socket.close())
                try:
                    await page.goto(page_url, wait_until="load", timeout=left_ms(resources.deadline))
                    await page.wait_for_load_state("networkidle", timeout=min(SETTLE_MS, left_ms(resources.deadline)))
                except PlaywrightTimeout:
                    if time.monotonic() >= resources.deadline:
                        note = "the page had not finished loading at the deadline; the screenshot shows it as it was"
                resources.close()
                # A page script that never yields would hold evaluate() for ever: it gets what is left.
                height = await asyncio.wait_for(page.evaluate(PAGE_HEIGHT_JS), timeout=left_ms() / 1000)
                height = int(height) if isinstance(height, (int, float)) else 0
                clip = None
                if height > MAX_HEIGHT_PX:
                    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_HEIGHT_PX}
                png = await page.screenshot(full_page=True, clip=clip, type="png", animations="disabled",  # type: ignore[arg-type]
                                            timeout=left_ms())  # fmt: skip
                return png, height, note
            finally:
                resources.close()
                # Leaving async_playwright() stops the driver, which ends a browser that did not close in time.
                await asyncio.wait_for(browser.close(), timeout=BROWSER_CLOSE_S)
    finally:
        fetchers.shutdown(wait=False, cancel_futures=True)


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
            outcome["png"], height, note = asyncio.run(_draw(page, resources, executable, deadline))
            if height > MAX_HEIGHT_PX:
                outcome["error"] = f"screenshot cut at {MAX_HEIGHT_PX} px of a {height} px page"
            elif note:
                outcome["error"] = note
        except Exception as exc:  # Playwright's errors (timeouts, a crashed browser) are the capture's, not ours
            outcome["error"] = f"screenshot failed: {_first_line(exc)}"

    # A thread of its own: its own event loop, whatever the caller runs in (a web framework's loop, or none).
    thread = threading.Thread(target=work, name="evidence-screenshot", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()) + 10)  # Playwright's own timeouts end it before this
    if thread.is_alive():
        outcome.setdefault("error", "screenshot failed: the browser did not finish in time")
    return Rendering(png=outcome.get("png"), error=outcome.get("error"), resources=resources.close(),
                     refused=resources.refused)  # fmt: skip


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) and not str(exc).strip():  # asyncio.wait_for says nothing more
        return "the page did not let the browser draw it in time"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
