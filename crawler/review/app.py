"""The review web app: a Flask application over the store, built by :func:`create_app`.

Every request passes the same gate before any page code runs: the login page
and static files are the only things served without a live session; every
request that is not GET/HEAD/OPTIONS must carry the CSRF token of its session
(of the sign-in form's cookie, for signing in); every answer carries the security
headers of :mod:`crawler.review.security`. Pages therefore cannot forget either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from crawler.config import Config, state_dir_for, user_agent
from crawler.review.accounts import session_for
from crawler.review.capture import CaptureWorker
from crawler.review.security import SAFE_METHODS, add_security_headers, login_cookie, session_cookie, tokens_match
from crawler.store import Store

#: Endpoints served without signing in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})


@dataclass(frozen=True)
class ReviewSettings:
    """How one review app runs."""

    database: Path
    #: Cookies only over HTTPS. Turn off only for plain-http use that is not on localhost (see README).
    secure_cookies: bool = True
    #: The scheduler's state folder, under which the image cache lives (default: beside the database).
    state_dir: Path | None = None
    #: Where captured evidence lives (default: ``<database>-evidence/`` beside the database, as crawler.evidence).
    evidence_dir: Path | None = None
    #: Fetch listing images from loopback and private addresses too (tests, the demo marketplace).
    allow_private_images: bool = False
    #: Let evidence captures fetch listing pages from loopback and private addresses too. Off for real use:
    #: listing URLs are scraped and could point at the machines next to ours. ``phytowatch demo --serve``
    #: turns it on, as its marketplace is on 127.0.0.1; ``phytowatch serve --allow-private-addresses`` too.
    allow_private_addresses: bool = False
    #: Reverse proxies in front of the app whose X-Forwarded-For is trusted (for the sign-in throttle).
    trusted_proxies: int = 0
    contact: str = Config.contact
    #: ``pseudonym_key_file`` of phytowatch.toml: the key of pseudonymised exports, found as the CLI finds it
    #: (``$PHYTOWATCH_PSEUDONYM_KEY_FILE`` first). Read when an export asks for it, never shown.
    pseudonym_key_file: str | None = None

    @property
    def state(self) -> Path:
        return Path(state_dir_for(self.database, self.state_dir))

    @property
    def image_dir(self) -> Path:
        return self.state / "images"

    @property
    def evidence_folder(self) -> Path:
        return self.evidence_dir or self.database.with_name(f"{self.database.stem}-evidence")

    @property
    def user_agent(self) -> str:
        return user_agent(self.contact)


def settings() -> ReviewSettings:
    """The settings of the app serving this request."""
    from flask import current_app

    value: ReviewSettings = current_app.config["REVIEW"]
    return value


def capture_worker() -> CaptureWorker:
    """The app's evidence-capture worker (captures nothing where evidence capture is not installed)."""
    from flask import current_app

    worker: CaptureWorker = current_app.extensions["phytowatch_capture"]
    return worker


def store() -> Store:
    """This request's store, opened on first use and closed when the request ends."""
    if g.get("store") is None:
        g.store = Store(settings().database)
    opened: Store = g.store
    return opened


def create_app(review: ReviewSettings) -> Flask:
    """The app for one database; opening it applies the store's migrations (a broken database fails here)."""
    from crawler.review import routes_admin, routes_auth, routes_listing, routes_overview, routes_queue, routes_trader

    Store(review.database).close()
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(REVIEW=review, MAX_CONTENT_LENGTH=1024 * 1024, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.extensions["phytowatch_cache"] = {}
    app.extensions["phytowatch_capture"] = CaptureWorker(review.database, review.evidence_folder,
                                                         user_agent=review.user_agent,
                                                         allow_private=review.allow_private_addresses)  # fmt: skip
    if review.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=review.trusted_proxies, x_proto=review.trusted_proxies
        )
    for module in (routes_auth, routes_queue, routes_listing, routes_trader, routes_overview, routes_admin):
        app.register_blueprint(module.blueprint)
    app.before_request(_gate)
    app.after_request(_headers)
    app.teardown_request(_close_store)
    app.register_error_handler(HTTPException, _error_page)
    app.context_processor(_template_globals)
    app.add_url_rule("/", "home", lambda: redirect(url_for("queue.queue")))
    return app


def _gate() -> Any:
    """Sign-in and CSRF checks for every request, before any page code."""
    endpoint = request.endpoint
    review = settings()
    g.session = None
    if endpoint not in PUBLIC_ENDPOINTS:
        g.session = session_for(store(), request.cookies.get(session_cookie(review.secure_cookies)))
        if g.session is None:
            if request.method in SAFE_METHODS:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            abort(401, "Sign in first.")
    if request.method not in SAFE_METHODS:
        if endpoint == "auth.login":
            expected = request.cookies.get(login_cookie(review.secure_cookies))
        else:
            expected = g.session.csrf_token if g.session else None
        given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
        if not tokens_match(expected, given):
            abort(403, "The form's security token is missing or out of date: reload the page and try again.")
    return None


def _headers(response: Response) -> Response:
    return add_security_headers(response, static=request.endpoint == "static")


def _close_store(exc: BaseException | None) -> None:
    opened = g.pop("store", None)
    if opened is not None:
        opened.close()


def _error_page(error: HTTPException) -> Any:
    code = error.code or 500
    return render_template("error.html", code=code, title=error.name, message=error.description), code


def _template_globals() -> dict[str, Any]:
    session = g.get("session")
    return {
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else g.get("login_token", ""),
    }
