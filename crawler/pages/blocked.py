"""Recognise the bot walls marketplaces serve instead of the page that was asked for.

A captcha or "Pardon Our Interruption" page parsed as a search page looks like a search
with no results: a crawl would then report that nobody sells the plant. Spiders ask
:func:`detect_block` first and record the reason (``drop_page/blocked``) instead.

Each rule looks for a marker that only the wall itself carries (its title, the captcha
host, the captcha element), never for a vendor's script alone: normal pages of
protected sites load the same bot-detection scripts, and a false alarm would hide a
real page from the officers.
"""

from __future__ import annotations

import re

#: (reason, pattern over the lower-cased start of the body). First match wins.
_BODY_RULES: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("DataDome captcha", re.compile(rb"(?:geo\.)?captcha-delivery\.com")),
    (
        'PerimeterX (HUMAN) captcha: "Robot or human?"',
        re.compile(rb"<title>\s*robot or human\??\s*</title>|id=[\"']px-captcha[\"']"),
    ),
    ('bot check: "Pardon Our Interruption"', re.compile(rb"<title>\s*pardon our interruption")),
    (
        "Amazon robot check (captcha)",
        re.compile(rb"<title[^>]*>\s*robot check\s*</title>|/errors/validatecaptcha"),
    ),
    (
        "Cloudflare challenge",
        re.compile(rb"<title>\s*just a moment\.\.\.\s*</title>|/cdn-cgi/challenge-platform/h/[bg]/orchestrate"),
    ),
    ("Cloudflare block", re.compile(rb"<title>\s*attention required! \| cloudflare\s*</title>")),
    ("Imperva (Incapsula) block", re.compile(rb"_incapsula_resource|incapsula incident id")),
    ("AliExpress slider captcha", re.compile(rb"/_____tmd_____/punish|x5secdata")),
    (
        "Akamai access denied",
        re.compile(rb"<title>\s*access denied\s*</title>[\s\S]{0,2000}errors\.edgesuite\.net"),
    ),
)
#: Block pages are small; the markers sit near the top of them.
_HEAD_BYTES = 200_000


def detect_block(url: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> str | None:
    """A short, officer-readable reason why this response is a bot wall, or ``None``.

    ``url`` is accepted for the log line a caller writes and for rules that will need
    the site; the verdict comes from the status, the headers and the body.

    >>> detect_block("https://www.etsy.com/search?q=x", 403,
    ...              b"<script src='https://geo.captcha-delivery.com/c.js'></script>")
    'DataDome captcha'
    >>> detect_block("https://example.com/", 200, b"<html><title>Seeds</title></html>") is None
    True
    """
    head = body[:_HEAD_BYTES].lower()
    for reason, pattern in _BODY_RULES:
        if pattern.search(head):
            return reason
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    if status == 403 and "x-datadome" in lowered:
        return "DataDome block (HTTP 403)"
    if status in (403, 503) and lowered.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge"
    if status == 429:
        return "rate limited (HTTP 429 Too Many Requests)"
    return None
