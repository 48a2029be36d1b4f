"""The review app in a real browser: ``phytowatch serve`` on 127.0.0.1, driven by Playwright in Debian's Chromium.

Sign in, filter the queue, open a listing, confirm it, find the decision in the audit log,
and export the selection as CSV and as an RPPO package and check what they hold. Along the way: no console
error (a CSP violation would be one), no dialog (a script in scraped text would open one),
the listing's image arrives through the app's own route.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from crawler.browser import CHROMIUM_ARGS, chromium_path
from tests.localserver import PROJECT_ROOT, Canned, LocalServer
from tests.review_data import PASSWORD, add_accounts, build_store, tiny_png

pytestmark = pytest.mark.skipif(
    chromium_path() is None,
    reason="Chromium not installed (apt-get install chromium, or set CHROMIUM_PATH); CI installs it",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``phytowatch serve`` in its own process (secure cookies, the default); a local shop serves the images."""
    folder = tmp_path_factory.mktemp("browser")
    images = LocalServer({"/img/hyacinth.png": Canned(body=tiny_png(), headers={"Content-Type": "image/png"})})
    with images:
        db = folder / "review.db"
        build_store(db, image_base=images.url)
        add_accounts(db)
        port = _free_port()
        log = (folder / "serve.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port), "--allow-private-images"],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/login", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        problem = (folder / "serve.log").read_text()
                        raise RuntimeError(f"phytowatch serve did not start: {problem}") from None
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()


@pytest.fixture()
def page(served: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS), headless=True)
        context = browser.new_context(accept_downloads=True)
        tab = context.new_page()
        tab.problems = []  # type: ignore[attr-defined]
        tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))  # type: ignore[attr-defined]
        tab.on("pageerror", lambda e: tab.problems.append(str(e)))  # type: ignore[attr-defined]
        tab.on("dialog", lambda d: (tab.problems.append("dialog: " + d.message), d.dismiss()))  # type: ignore[attr-defined]
        try:
            yield tab
        finally:
            browser.close()


def test_sign_in_filter_open_confirm_audit_and_export(served: str, page: Any, tmp_path: Path) -> None:
    page.goto(served + "/queue")
    assert "/login?next=/queue" in page.url  # nothing before signing in
    page.get_by_label("Account").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(served + "/queue")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 5
    # The listing titled <script>alert(1)</script> is there, as text.
    assert page.get_by_role("link", name="<script>alert(1)</script>").count() == 1

    page.get_by_label("Category").select_option("plants_for_planting")
    page.get_by_label("Ships from").fill("NL")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url("**/queue?*category=plants_for_planting*")
    assert rows.count() == 1
    page.get_by_role("link", name="Water hyacinth Eichhornia crassipes pond plant").click()
    page.wait_for_url("**/listings/*")
    assert page.locator("h1 mark.hl-taxon").inner_text() == "Eichhornia crassipes"
    image = page.locator("section.images img").first
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth === 1", arg=image.element_handle())
    original = page.get_by_role("link", name="Open the original listing on ebay.de")
    assert original.get_attribute("rel") == "noopener noreferrer"

    confirm = page.locator("form.decision-confirm")
    confirm.get_by_label("non-compliant").check()
    confirm.get_by_label("Note").fill("no plant passport; ships to the EU")
    confirm.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_url("**/listings/*#decisions")
    assert "confirm" in page.locator("#decisions table").inner_text()

    page.get_by_role("link", name="Audit log").click()
    entry = page.locator("table.audit tbody tr").first
    assert "Water hyacinth Eichhornia crassipes pond plant" in entry.inner_text()
    assert "anna" in entry.inner_text() and "no plant passport; ships to the EU" in entry.inner_text()

    page.goto(served + "/queue?status=confirm")
    assert page.locator("table.queue tbody tr").count() == 1
    page.get_by_label("Export as").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("phytowatch-") and download.suggested_filename.endswith(".csv")
    saved = tmp_path / "export.csv"
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        exported = list(reader)
    assert {"marketplace", "listing_id", "title", "trader_name", "risk", "taxa"} <= set(reader.fieldnames or ())
    hyacinth = next(r for r in exported if r["listing_id"] == "hyacinth")
    assert hyacinth["title"] == "Water hyacinth Eichhornia crassipes pond plant"
    assert hyacinth["taxa"] == "Eichhornia crassipes [EICCR] (EU IAS Union list)"
    assert hyacinth["trader_name"] == "Pondshop" and hyacinth["risk"] == "high"
    assert [r["listing_id"] for r in exported] == ["hyacinth"] and hyacinth["decision"] == "confirm"

    # The RPPO package of the same selection: the confirmed listing, its decision, checksums that hold.
    page.get_by_label("Export as").select_option("rppo")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export", exact=True).click()
    package = tmp_path / "package.zip"
    download_info.value.save_as(package)
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        assert {"listings.csv", "traders.csv", "decisions.csv", "README.md", "SHA256SUMS"} <= names
        for line in zf.read("SHA256SUMS").decode().splitlines():
            digest, name = line.split(maxsplit=1)
            assert hashlib.sha256(zf.read(name.lstrip("*"))).hexdigest() == digest, name
        listings = list(csv.DictReader(io.StringIO(zf.read("listings.csv").decode("utf-8"))))
        decisions = list(csv.DictReader(io.StringIO(zf.read("decisions.csv").decode("utf-8"))))
    assert [r["listing_id"] for r in listings] == ["hyacinth"]
    assert [(d["decision"], d["reviewer"]) for d in decisions] == [("confirm", "anna")]

    page.get_by_role("link", name="Dashboard").click()
    assert page.locator("figure.chart > svg").count() == 4
    assert page.problems == []  # type: ignore[attr-defined]


def test_a_wrong_password_five_times_in_the_browser(served: str, page: Any) -> None:
    for _ in range(5):
        page.goto(served + "/login")
        page.get_by_label("Account").fill("ben")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    assert "Too many failed sign-ins for this account from your address" in page.locator("p.error").inner_text()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "try again in" in page.locator("p.error").inner_text()
    assert [p for p in page.problems if "status of 4" not in p] == []  # type: ignore[attr-defined]
