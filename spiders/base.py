"""What every phytowatch spider shares: validated arguments and counted page errors.

Spider arguments arrive as strings from ``-a key=value`` or a watch file. They
are parsed once, at start-up, so a wrong nightly configuration fails before the
first request with a message that says what is wrong.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response


class SpiderArgumentError(ValueError):
    """A spider argument is missing or wrong; the message is meant for an officer."""


def split_list(value: str | None) -> list[str]:
    """``"a, b c"`` -> ``["a", "b", "c"]``: lists given on a command line."""
    return [part for part in re.split(r"[\s,]+", value or "") if part]


def parse_shop_urls(value: str | None, argument: str) -> list[str]:
    """Shop base URLs from a list of URLs or bare domains (``shop.example`` -> ``https://shop.example``)."""
    urls = []
    for raw in split_list(value):
        url = raw if "://" in raw else f"https://{raw}"
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SpiderArgumentError(f"{argument}: {raw!r} is not a web address (expected e.g. https://shop.example)")
        urls.append(f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}")
    return list(dict.fromkeys(urls))


def parse_positive_int(value: str | int | None, argument: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"{argument} must be a whole number of at least 1, not {value!r}")
    return number


class PhytowatchSpider(scrapy.Spider):
    """Base spider: keeps its validated arguments for the crawl-run record."""

    #: Argument names this spider accepts (besides Scrapy's own).
    accepted_arguments: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        unknown = set(kwargs) - self.accepted_arguments - {"_job"}
        if unknown:
            accepted = ", ".join(sorted(self.accepted_arguments)) or "none"
            raise SpiderArgumentError(
                f"spider {self.name!r} does not take {', '.join(sorted(unknown))} (it takes: {accepted})"
            )
        self.arguments: dict[str, Any] = {k: v for k, v in kwargs.items() if not k.startswith("_")}
        super().__init__(*args, **kwargs)

    def page_error(self, response: Response, error: Exception) -> None:
        """Count and log a page its module could not read; the crawl goes on."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")
        self.logger.warning("could not read %s: %s", response.url, error)
