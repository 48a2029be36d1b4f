"""Page modules: pure functions from a fetched page (url + body) to items.

One module per marketplace family or shop platform. They never touch the
network, Scrapy state or the database, so they are tested on saved pages and
reused by the offline ``phytowatch extract`` command.
"""

from __future__ import annotations

import json
from typing import Any


class PageError(ValueError):
    """A page is not what its module expects (not JSON, wrong shape, a block page...)."""


def load_json(body: bytes | str, what: str) -> Any:
    """Parse a JSON body, or raise :class:`PageError` saying which document was malformed."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PageError(f"{what} is not valid JSON ({exc})") from None
