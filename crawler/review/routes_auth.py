"""Signing in and out."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from crawler.review.accounts import SESSION_MAX, AccountError, SignInThrottled, authenticate, end_session, start_session
from crawler.review.app import settings, store
from crawler.review.security import login_cookie, new_token, safe_next, session_cookie

blueprint = Blueprint("auth", __name__)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: Hosts on which browsers keep Secure cookies over plain http.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _login_page(message: str | None = None, status: int = 200, name: str = "") -> Any:
    """The sign-in form with the browser's sign-in CSRF token in its cookie and in the form.

    A browser keeps its token while it has one: a second sign-in page loading meanwhile
    (another tab, the favicon's redirect) must not invalidate the form already shown.
    """
    review = settings()
    existing = request.cookies.get(login_cookie(review.secure_cookies)) or ""
    g.login_token = existing if _TOKEN.fullmatch(existing) else new_token()
    plain_http = review.secure_cookies and request.scheme == "http" and request.host.split(":")[0] not in LOOPBACK
    page = render_template("login.html", message=message, name=name, next=safe_next(request.values.get("next")),
                           plain_http=plain_http)  # fmt: skip
    response = make_response(page, status)
    response.set_cookie(login_cookie(review.secure_cookies), g.login_token, httponly=True, secure=review.secure_cookies,
                        samesite="Strict", path="/")  # fmt: skip
    return response


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return _login_page()
    review = settings()
    name = (request.form.get("name") or "").strip()
    password = request.form.get("password") or ""
    ip = request.remote_addr or "unknown"
    try:
        user = authenticate(store(), name, password, ip)
    except SignInThrottled as exc:
        return _login_page(str(exc), 429, name)
    except AccountError as exc:
        return _login_page(str(exc), 401, name)
    token = start_session(store(), user, ip)
    response = redirect(safe_next(request.form.get("next")), code=303)
    response.set_cookie(session_cookie(review.secure_cookies), token, httponly=True, secure=review.secure_cookies,
                        samesite="Lax", path="/", max_age=int(SESSION_MAX.total_seconds()))  # fmt: skip
    response.delete_cookie(login_cookie(review.secure_cookies), path="/", secure=review.secure_cookies)
    return response


@blueprint.route("/logout", methods=["POST"])
def logout() -> Any:
    review = settings()
    end_session(store(), request.cookies.get(session_cookie(review.secure_cookies)))
    response = redirect(url_for("auth.login"), code=303)
    response.delete_cookie(session_cookie(review.secure_cookies), path="/", secure=review.secure_cookies,
                           httponly=True, samesite="Lax")  # fmt: skip
    return response
