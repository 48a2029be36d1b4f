"""A headless Chromium for pages that only JavaScript fills in, through scrapy-playwright.

Playwright's own browser download is not used: installations run the Chromium of
their operating system (Debian: ``apt-get install chromium``), found here or named
by ``CHROMIUM_PATH``. Only requests with ``meta={"playwright": True}`` go through the
browser; every other request keeps Scrapy's ordinary downloader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

#: Where distributions put Chromium, tried in order after ``$CHROMIUM_PATH``.
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Commands looked up on ``$PATH`` when none of the candidates exists.
COMMANDS = ("chromium", "chromium-browser", "google-chrome")

#: Headless, no sandbox (containers run as root), and no traffic of the browser's own:
#: without the background-networking flags Chromium calls Google hosts on start.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
)

#: Milliseconds a rendered page may take to load (Scrapy's DOWNLOAD_TIMEOUT is 60 s).
NAVIGATION_TIMEOUT_MS = 45_000

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


CHROMIUM_NOT_FOUND = "Chromium not found: install the Debian package chromium or set CHROMIUM_PATH"


class BrowserNotFound(RuntimeError):
    """Rendering was asked for and no Chromium binary exists."""


def chromium_path() -> str | None:
    """The Chromium to run: ``$CHROMIUM_PATH``, a distribution's binary, or one on ``$PATH``."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for command in COMMANDS:
        if found := shutil.which(command):
            return found
    return None


def playwright_settings(path: str | None = None) -> dict[str, Any]:
    """Scrapy settings that send ``meta={"playwright": True}`` requests through Chromium.

    Raises :class:`BrowserNotFound` when ``path`` is not given and no Chromium is installed.
    """
    executable = path or chromium_path()
    if executable is None:
        raise BrowserNotFound(CHROMIUM_NOT_FOUND)
    return {
        "DOWNLOAD_HANDLERS": {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": executable, "headless": True, "args": list(CHROMIUM_ARGS)},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": NAVIGATION_TIMEOUT_MS,
        # No more open tabs than CONCURRENT_REQUESTS_PER_DOMAIN lets plain requests run.
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "PLAYWRIGHT_ABORT_REQUEST": skip_heavy_resources,
    }


#: What a rendered page may not fetch: we read its text, not its pictures.
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})


def skip_heavy_resources(request: Any) -> bool:
    """Abort a browser's request for an image, video or font (``PLAYWRIGHT_ABORT_REQUEST``).

    The browser's own requests bypass Scrapy's politeness (robots.txt, delays), so a
    rendered page costs the marketplace only the requests the page needs to be read.
    """
    return request.resource_type in SKIPPED_RESOURCES


def renders(settings: Any) -> bool:
    """Whether a crawler's settings send ``playwright`` requests through a browser."""
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    return bool(handlers.get("https") == PLAYWRIGHT_HANDLER and handlers.get("http") == PLAYWRIGHT_HANDLER)
