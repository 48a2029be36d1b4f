"""A small store for the review app's tests: listings we wrote, with verdicts, traders, history and a hostile one.

Verdicts are written by hand (the classifier is not run), with reasons and taxa at
real offsets of ``title + "\\n" + description``, as the classifier gives them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.items import Listing, Trader, listing_text
from crawler.store import Store

PASSWORD = "correct horse battery staple"
HOSTILE_TITLE = "<script>alert(1)</script>"


def span(text: str, phrase: str, label: str, source: str = "rules", weight: float = 0.9) -> dict[str, Any]:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase, "label": label, "weight": weight,
            "source": source}  # fmt: skip


def taxon(text: str, phrase: str, name: str, list_name: str = "EU IAS Union list") -> dict[str, Any]:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase, "scientific_name": name,
            "list_name": list_name, "status": "prohibited", "eppo_code": "EICCR",
            "matched_as": "scientific"}  # fmt: skip


def verdict(categories: list[str], risk: str, *, reasons: list[dict[str, Any]] = (),  # type: ignore[assignment]
            taxa: list[dict[str, Any]] = (), needs_review: bool = False) -> dict[str, Any]:  # type: ignore[assignment]
    return {"categories": categories, "scores": {c: 0.9 for c in categories}, "risk": risk, "taxa": list(taxa),
            "reasons": list(reasons), "needs_review": needs_review, "model_version": "test-1"}  # fmt: skip


LISTINGS: list[dict[str, Any]] = [
    {"id": "hyacinth", "title": "Water hyacinth Eichhornia crassipes pond plant",
     "description": "Floating pond plant, ships in a bag.\nEichhornia crassipes, 3 plants.",
     "market": "ebay.de", "seller": "pondshop", "country": "NL", "price": 7.5,
     "categories": ["plants_for_planting"], "risk": "high", "taxon": "Eichhornia crassipes",
     "reason": "pond plant", "images": ["/img/hyacinth.png"]},
    {"id": "hostile", "title": HOSTILE_TITLE, "description": "<img src=x onerror=alert(2)> seeds for sowing",
     "market": "ebay.de", "seller": "<b>evil</b>", "country": "DE", "price": 1.0,
     "categories": ["seeds"], "risk": "high", "reason": "seeds for sowing", "url": "javascript:alert(3)"},
    {"id": "tomato", "title": "Tomato seeds San Marzano 200 pcs", "description": "Heirloom seeds for sowing",
     "market": "etsy.com", "seller": "seedlady", "country": "IT", "price": 2.49, "categories": ["seeds"],
     "risk": "high", "reason": "seeds", "needs_review": True},
    {"id": "tulips", "title": "Tulip bulbs Darwin mix 50 pcs", "description": "Tulipa bulbs for autumn planting",
     "market": "shop.example", "seller": "shop.example", "country": "NL", "price": 12.0,
     "categories": ["bulbs_tubers"], "risk": "high", "reason": "bulbs"},
    {"id": "mango", "title": "Fresh mango box 4 kg", "description": "Alphonso mangoes, air freight",
     "market": "ebay.de", "seller": "pondshop", "country": "FR", "price": 30.0, "categories": ["fresh_produce"],
     "risk": "medium", "reason": "Fresh mango"},
    {"id": "hose", "title": "Garden hose 20 m", "description": "Green PVC hose", "market": "ebay.de",
     "seller": "pondshop", "country": "NL", "price": 15.0, "categories": ["not_regulated"], "risk": "none"},
]  # fmt: skip


def build_store(path: Path, image_base: str | None = None) -> dict[str, int]:
    """Write the listings (each stored twice, the second time cheaper, for history); return row ids by key."""
    ids = {}
    with Store(path) as store:
        run = store.start_run("ebay", {}, watch="nightly-test")
        for n, spec in enumerate(LISTINGS):
            store.save_trader(Trader(spec["market"], spec["seller"], display_name=spec["seller"].title(),
                                     country=spec["country"], fetched_at="2026-10-01T00:00:00+00:00"))  # fmt: skip
            text = listing_text(spec["title"], spec["description"])
            reasons = [span(text, spec["reason"], spec["categories"][0])] if spec.get("reason") else []
            taxa = [taxon(text, spec["taxon"], spec["taxon"])] if spec.get("taxon") else []
            images = [image_base + p for p in spec.get("images", [])] if image_base else []
            for price, day in ((spec["price"], "2026-10-0%d" % (n + 1)), (spec["price"] * 0.9, "2026-10-2%d" % n)):
                listing = Listing(
                    spec["market"], spec["id"], spec.get("url", f"https://{spec['market']}/item/{spec['id']}"),
                    spec["title"], spec["description"], price=round(price, 2), currency="EUR",
                    ships_from=spec["country"], seller_key=spec["seller"], available=True,
                    image_urls=images, fetched_at=f"{day}T08:00:00+00:00",
                )  # fmt: skip
                stored = store.save_listing(listing, run_id=run, classification=verdict(
                    spec["categories"], spec["risk"], reasons=reasons, taxa=taxa,
                    needs_review=spec.get("needs_review", False)))  # fmt: skip
            ids[spec["id"]] = stored.row_id
        store.finish_run(run, "finished", {})
    return ids


#: When :func:`delist` marks listings gone (after the last of build_store's sightings).
DELISTED_AT = "2026-10-28T02:00:00+00:00"


def delist(path: Path, row_ids: list[int], at: str = DELISTED_AT) -> None:
    """Mark listings gone as missed nights do (:func:`crawler.store.incremental.record_misses`).

    ``delisted_at``, the miss counter, and a ``delisted`` history row holding the last offer.
    """
    from crawler.store.rows import TRACKED_FIELDS

    tracked = ", ".join(TRACKED_FIELDS)
    with Store(path) as store, store.transaction() as conn:
        for row_id in row_ids:
            conn.execute(f"INSERT INTO listing_history (listing, observed_at, change, {tracked})"
                         f" SELECT id, ?, 'delisted', {tracked} FROM listings WHERE id = ?", (at, row_id))  # fmt: skip
            conn.execute("UPDATE listings SET delisted_at = ?, missed_runs = 3 WHERE id = ?", (at, row_id))


def add_accounts(path: Path) -> None:
    from crawler.review.accounts import add_user

    with Store(path) as store:
        add_user(store, "anna", "admin", PASSWORD)
        add_user(store, "ben", "reviewer", PASSWORD)


def make_app(db: Path, **settings: Any) -> Any:
    """The review app over ``db`` (plain-http cookies unless ``secure_cookies=True``)."""
    from crawler.review import ReviewSettings, create_app

    settings.setdefault("secure_cookies", False)
    return create_app(ReviewSettings(database=db, **settings))


def sign_in(client: Any, name: str = "anna", password: str = PASSWORD, *, secure: bool = False) -> Any:
    """Sign in through the login form (its CSRF cookie and field), as a browser does."""
    from crawler.review.security import login_cookie

    client.get("/login")
    cookie = client.get_cookie(login_cookie(secure))
    token = cookie.value if cookie else ""
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def csrf_token(client: Any, path: str = "/queue") -> str:
    """The CSRF token the forms of a page carry."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def tiny_png(rgb: tuple[int, int, int] = (31, 107, 58)) -> bytes:
    """A valid 1x1 PNG of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
