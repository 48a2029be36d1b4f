"""The review app's web security: headers on every answer, CSRF checks, cookie names, safe redirects.

Scraped text is hostile and the app shows nothing else, so the browser is told to
run no script but our own files, load nothing from elsewhere, never be framed,
and send no Referer to the marketplaces officers click through to.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Response

#: No inline script or style anywhere: templates use only /static files; images come through our own route.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def add_security_headers(response: Response, *, static: bool = False) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not static:
        # Pages hold personal data of traders: not kept in shared or browser caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def session_cookie(secure: bool) -> str:
    """``__Host-`` cookies are refused by browsers unless Secure, path ``/`` and host-only: the strictest kind."""
    return "__Host-phytowatch" if secure else "phytowatch_session"


def login_cookie(secure: bool) -> str:
    """The sign-in form's CSRF cookie (double submit: there is no session yet to hold the token)."""
    return "__Host-phytowatch-login" if secure else "phytowatch_login"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (``//evil.example`` is not one)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
        c in target for c in "\r\n\\"
    ):
        return "/queue"
    return target
