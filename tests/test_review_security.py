"""Security of the review app: nothing without signing in, CSRF on every POST, scraped text stays text, throttling,
security headers and cookies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crawler.review.accounts import MAX_FAILURES
from crawler.review.security import session_cookie
from crawler.store import Store
from tests.review_data import PASSWORD, add_accounts, build_store, csrf_token, make_app, sign_in


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    build_store(path)
    add_accounts(path)
    return path


@pytest.fixture()
def app(db: Path) -> Any:
    return make_app(db)


def _url(rule: Any) -> str:
    """A concrete address for a route: 1 for numbers, a word for the rest."""
    values = {name: 1 if type(conv).__name__ == "IntegerConverter" else "x" for name, conv in rule._converters.items()}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _routes(app: Any) -> list[tuple[str, str, str]]:
    """Every (endpoint, method, address) of the app but the login page and static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.login"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, _url(rule)))
    return found


def test_the_app_has_the_routes_these_tests_walk(app: Any) -> None:
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    assert {"queue.queue", "queue.bulk", "queue.export", "listing.listing", "listing.decide_listing", "listing.image",
            "trader.trader", "trader.followup", "overview.dashboard", "overview.audit", "admin.users",
            "admin.create_user", "admin.change_user", "auth.logout", "home"} <= endpoints  # fmt: skip


def test_every_route_refuses_a_visitor_who_has_not_signed_in(app: Any, db: Path) -> None:
    client = app.test_client()
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method, data={"csrf_token": "x"})
        if method == "GET":
            assert response.status_code == 302, (endpoint, url, response.status_code)
            assert response.headers["Location"].startswith("/login?next="), (endpoint, response.headers["Location"])
        else:
            assert response.status_code == 401, (endpoint, method, url, response.status_code)
        assert "Eichhornia" not in response.get_data(as_text=True)
    # Even a made-up address says nothing but "sign in".
    assert client.get("/no/such/page").status_code == 302
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM review_decisions").fetchone()[0] == 0


def test_a_forged_or_expired_session_cookie_is_no_session(app: Any) -> None:
    client = app.test_client()
    client.set_cookie(session_cookie(False), "forged-token")
    assert client.get("/queue").status_code == 302


def test_only_the_login_page_and_static_files_answer_without_a_session(app: Any) -> None:
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_every_post_needs_the_sessions_csrf_token(app: Any, db: Path) -> None:
    client = app.test_client()
    assert sign_in(client).status_code == 303
    token = csrf_token(client)
    posts = [(e, u) for e, m, u in _routes(app) if m == "POST"]
    assert len(posts) >= 6
    for endpoint, url in posts:
        for data in ({}, {"csrf_token": ""}, {"csrf_token": token[:-2] + "xx"}):
            response = client.post(url, data={**data, "decision": "confirm", "status": "contacted", "name": "eve",
                                               "role": "admin", "password": "x" * 20, "password_again": "x" * 20,
                                               "action": "disable", "upto": "99", "count": "1"})  # fmt: skip
            assert response.status_code == 403, (endpoint, url, data, response.status_code)
    # The header form works for scripts; the token is the session's, not any valid-looking string.
    assert client.post("/logout", headers={"X-CSRF-Token": "nope"}).status_code == 403
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM review_decisions").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM trader_followups").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 2
    assert client.get("/queue").status_code == 200  # still signed in: the logouts were refused


def test_the_token_of_another_session_is_refused(app: Any) -> None:
    first, second = app.test_client(), app.test_client()
    sign_in(first, "anna")
    sign_in(second, "ben")
    response = first.post("/logout", data={"csrf_token": csrf_token(second)})
    assert response.status_code == 403


def test_signing_in_needs_the_login_forms_token(app: Any) -> None:
    client = app.test_client()
    response = client.post("/login", data={"name": "anna", "password": PASSWORD})
    assert response.status_code == 403
    client.get("/login")
    response = client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf_token": "guessed"})
    assert response.status_code == 403


def _assert_text_not_markup(html: str) -> None:
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    assert "<b>evil</b>" not in html


def test_a_listing_titled_script_renders_as_text_everywhere(app: Any, db: Path) -> None:
    client = app.test_client()
    sign_in(client)
    with Store(db) as store:
        row_id = store.listing_row_id("ebay.de", "hostile")
    listing = client.get(f"/listings/{row_id}").get_data(as_text=True)
    _assert_text_not_markup(listing)
    assert "&lt;img src=x onerror=alert(2)&gt;" in listing
    assert 'href="javascript:' not in listing  # the listing's javascript: URL is not made a link
    _assert_text_not_markup(client.get("/queue").get_data(as_text=True))
    _assert_text_not_markup(client.get("/queue?q=sowing").get_data(as_text=True))
    trader = client.get("/traders/ebay.de/%3Cb%3Eevil%3C/b%3E").get_data(as_text=True)
    assert "&lt;b&gt;evil&lt;/b&gt;" in trader and "<b>evil</b>" not in trader
    token = csrf_token(client, f"/listings/{row_id}")
    client.post(f"/listings/{row_id}/decide", data={"csrf_token": token, "decision": "dismiss",
                                                    "reason": "<i>not</i> regulated",
                                                    "note": "</td><script>x</script>"})  # fmt: skip
    audit = client.get("/audit").get_data(as_text=True)
    _assert_text_not_markup(audit)
    assert "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;" in audit and "&lt;i&gt;not&lt;/i&gt;" in audit


def test_no_template_marks_scraped_text_safe() -> None:
    templates = Path(__file__).resolve().parent.parent / "crawler" / "review" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, template.name
        assert "<script" not in text and "style=" not in text and " on" + "click" not in text, template.name


def test_five_wrong_passwords_throttle_the_account_from_that_address(app: Any) -> None:
    client = app.test_client()
    for attempt in range(1, MAX_FAILURES + 1):
        response = sign_in(client, "anna", "wrong password!")
        page = response.get_data(as_text=True)
        if attempt < MAX_FAILURES:
            assert response.status_code == 401 and "Wrong account name or password." in page
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account from your address: try again in 15 minutes." in page
    # Now even the right password is refused, with the same clear message.
    response = sign_in(client, "anna", PASSWORD)
    assert response.status_code == 429 and "try again in" in response.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    # Another account from the same address, and the same account from another address, are not affected.
    assert sign_in(app.test_client(), "ben", PASSWORD).status_code == 303
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(other, "anna", PASSWORD).status_code == 303


def test_unknown_accounts_are_throttled_too_and_read_like_wrong_passwords(app: Any) -> None:
    client = app.test_client()
    first = sign_in(client, "nobody", PASSWORD).get_data(as_text=True)
    assert "Wrong account name or password." in first
    for _ in range(MAX_FAILURES - 1):
        response = sign_in(client, "nobody", PASSWORD)
    assert response.status_code == 429


def test_security_headers_on_every_kind_of_answer(app: Any, db: Path) -> None:
    client = app.test_client()
    answers = [client.get("/login"), client.get("/queue"), client.get("/static/app.css")]
    sign_in(client)
    with Store(db) as store:
        row_id = store.listing_row_id("ebay.de", "hyacinth")
    answers += [client.get(p) for p in ("/queue", f"/listings/{row_id}", "/dashboard", "/audit", "/users",
                                        "/listings/999999", "/traders/ebay.de/pondshop")]  # fmt: skip
    answers.append(client.post("/logout"))
    for response in answers:
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert answers[3].headers["Cache-Control"] == "no-store"


def test_cookies_are_httponly_samesite_and_secure_when_configured(db: Path) -> None:
    app = make_app(db, secure_cookies=True)
    client = app.test_client()
    login_page = client.get("/login", base_url="https://localhost")
    login_cookie = login_page.headers["Set-Cookie"]
    assert login_cookie.startswith("__Host-phytowatch-login=")
    assert "Secure" in login_cookie and "HttpOnly" in login_cookie and "SameSite=Strict" in login_cookie
    token = client.get_cookie("__Host-phytowatch-login").value
    response = client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost")  # fmt: skip
    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-phytowatch="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session and "Path=/" in session
    assert "Domain" not in session
    # Plain-http use (documented): the same flags but Secure, under a name without the __Host- prefix.
    plain = make_app(db).test_client()
    cookie = sign_in(plain).headers.getlist("Set-Cookie")
    assert any(c.startswith("phytowatch_session=") and "HttpOnly" in c and "Secure" not in c for c in cookie)


def test_the_login_page_warns_when_secure_cookies_cannot_work(db: Path) -> None:
    client = make_app(db, secure_cookies=True).test_client()
    assert "signing in\n    will not stick" in client.get("/login", base_url="http://review.nppo.example").get_data(as_text=True)
    for base in ("http://127.0.0.1:8000", "http://localhost", "https://review.nppo.example"):
        assert "will not stick" not in client.get("/login", base_url=base).get_data(as_text=True), base


def test_the_session_token_is_not_stored_only_its_hash(app: Any, db: Path) -> None:
    client = app.test_client()
    sign_in(client)
    token = client.get_cookie(session_cookie(False)).value
    with Store(db) as store:
        stored = [r[0] for r in store.conn.execute("SELECT token_hash FROM sessions")]
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_sign_in_never_redirects_off_site(app: Any) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client = app.test_client()
        client.get("/login")
        token = client.get_cookie("phytowatch_login").value
        response = client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token,
                                               "next": target})  # fmt: skip
        assert response.headers["Location"] == "/queue", target


def test_reviewers_cannot_manage_accounts(app: Any, db: Path) -> None:
    client = app.test_client()
    sign_in(client, "ben")
    assert client.get("/users").status_code == 403
    token = csrf_token(client)
    response = client.post("/users", data={"csrf_token": token, "name": "mallory", "role": "admin",
                                           "password": "p" * 14, "password_again": "p" * 14})  # fmt: skip
    assert response.status_code == 403
    assert client.post("/users/anna", data={"csrf_token": token, "action": "disable"}).status_code == 403
    with Store(db) as store:
        assert [r[0] for r in store.conn.execute("SELECT name FROM users ORDER BY name")] == ["anna", "ben"]


def test_signing_out_ends_the_session_on_the_server(app: Any, db: Path) -> None:
    client = app.test_client()
    sign_in(client)
    token = client.get_cookie(session_cookie(False)).value
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 303
    again = app.test_client()
    again.set_cookie(session_cookie(False), token)  # a copied cookie is worthless after signing out
    assert again.get("/queue").status_code == 302


def test_filter_values_are_data_not_sql(app: Any) -> None:
    client = app.test_client()
    sign_in(client)
    for query in ({"q": "'; DROP TABLE listings; --"}, {"q": '" OR 1=1 NEAR('}, {"marketplace": "x' OR '1'='1"},
                  {"watch": "a\" OR 1=1 --"}, {"taxa_list": "%' OR 1=1 --"}):  # fmt: skip
        response = client.get("/queue", query_string=query)
        assert response.status_code == 200, query
        assert "No listings match." in response.get_data(as_text=True), query
    assert client.get("/queue", query_string={"country": "N'L"}).status_code == 400
    assert client.get("/queue", query_string={"category": "seeds' --"}).status_code == 400
    assert "Eichhornia" in client.get("/queue").get_data(as_text=True)  # the table is still there
