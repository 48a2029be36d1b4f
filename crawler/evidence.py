"""Evidence of a listing page: a WARC of the HTTP exchange and a full-page PNG, with their digests.

Listings vanish, often soon after an NPPO takes an interest, so what an officer
confirms must be kept as it was: :func:`capture_evidence` fetches the listing's
page once (our User-Agent, a deadline), writes the exact request and response
into a WARC file, draws a full-page screenshot in Chromium *from that recorded
response* (:mod:`crawler.screenshot`: the browser never reaches the live site by
itself), and appends a row to the ``evidence`` table with the capture time and
the SHA-256 of both files. Rows are never edited or deleted; files are written
once, under names that cannot collide (time and a random UUID, created
exclusively), and made read-only.

Nothing the site does crashes the caller: a refused connection, a timeout, a
404 or 410 (the listing is gone), a page cut short or a browser that fails
become an evidence row with its ``error``, and the WARC is written for every
HTTP response that was received. Only the caller's own mistakes raise
:class:`EvidenceError`: a listing id that does not exist, an evidence folder
that cannot be written, an empty ``captured_by``.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from crawler.items import utc_now
from crawler.recording import Exchange, FetchError, fetch_following
from crawler.store.evidence import evidence_rows, insert_evidence, listing_to_capture
from crawler.store.store import Store

#: Seconds one capture may take, fetch and screenshot together (plus a few to close the browser).
EVIDENCE_TIMEOUT = 30.0
#: The share of the time the page's own fetch may use; the browser gets the rest.
FETCH_SHARE = 0.5
#: HTTP statuses that mean the listing is no longer there.
GONE = frozenset({404, 410})


class EvidenceError(Exception):
    """The capture was asked for wrongly (unknown listing, unusable folder); the message is for an officer."""


@dataclass(frozen=True)
class EvidenceRecord:
    """One capture of a listing's page, as stored; paths are absolute."""

    id: int
    listing: int
    url: str
    captured_at: str
    http_status: int | None
    warc_path: Path | None
    warc_sha256: str | None
    png_path: Path | None
    png_sha256: str | None
    error: str | None
    captured_by: str


FileState = Literal["ok", "missing", "tampered"]


@dataclass(frozen=True)
class FileCheck:
    """Whether one evidence file is still the file whose digest was stored."""

    record: int
    kind: Literal["warc", "png"]
    path: Path
    state: FileState


def evidence_dir_for(database: str | Path, evidence_dir: str | Path | None = None) -> Path:
    """Where evidence of ``database`` is kept: ``evidence_dir``, or ``phytowatch.db`` -> ``phytowatch-evidence/``."""
    if evidence_dir:
        return Path(evidence_dir)
    db = Path(database)
    return db.with_name(f"{db.stem}-evidence")


def capture_evidence(
    store: Store,
    listing_row_id: int,
    *,
    evidence_dir: Path,
    captured_by: str,
    screenshot: bool = True,
    user_agent: str | None = None,
    timeout: float = EVIDENCE_TIMEOUT,
    allow_private: bool = False,
) -> EvidenceRecord:
    """Capture a listing's page now and append the evidence row; see the module's docstring.

    Safe in a web request: synchronous, done in about ``timeout`` seconds at
    most (a few more to close the browser), no database lock held while the
    network is waited for. Cost on a quick page: one request to the site plus
    one per sub-resource the page draws, a Chromium start (about a second) and
    files of some kilobytes to a few megabytes. ``user_agent`` defaults to the one built from
    ``phytowatch.toml``'s contact. A listing whose address is loopback,
    private or link-local is not fetched unless ``allow_private`` (a test
    marketplace, an intranet): listing URLs are scraped, and could point at
    the machines next to ours.
    """
    who = captured_by.strip()
    if not who:
        raise EvidenceError("say who captures the evidence (captured_by is empty)")
    listing = listing_to_capture(store, listing_row_id)
    if listing is None:
        raise EvidenceError(f"no listing with id {listing_row_id}")
    folder = _writable_folder(Path(evidence_dir), listing_row_id)
    agent = user_agent or _configured_user_agent()
    deadline = time.monotonic() + timeout
    captured_at = utc_now()
    errors: list[str] = []
    try:
        exchanges = fetch_following(listing["url"], user_agent=agent, allow_private=allow_private,
                                    deadline=time.monotonic() + timeout * FETCH_SHARE)  # fmt: skip
        page: Exchange | None = exchanges[-1]
    except FetchError as exc:
        exchanges, page = exc.exchanges, None
        errors.append(str(exc))
    status = exchanges[-1].status if exchanges else None
    if page is not None:
        errors.extend(_page_problems(page))
    png = None
    if screenshot and page is not None:
        from crawler.screenshot import render_screenshot

        rendering = render_screenshot(page, user_agent=agent, deadline=deadline)
        exchanges = exchanges + rendering.resources
        png = rendering.png
        if rendering.error:
            errors.append(rendering.error)
    stem = f"{captured_at[:19].replace('-', '').replace(':', '')}Z-{uuid.uuid4().hex}"
    values: dict[str, Any] = {"listing": listing_row_id, "url": listing["url"], "captured_at": captured_at,
                                 "http_status": status, "captured_by": who}  # fmt: skip
    try:
        if exchanges:
            warc = _warc(exchanges, f"{stem}.warc.gz", _warcinfo(listing_row_id, agent, captured_at), errors)
            if warc is not None:
                values["warc_path"], values["warc_sha256"] = _write_once(store, folder / f"{stem}.warc.gz", warc)
        if png is not None:
            values["png_path"], values["png_sha256"] = _write_once(store, folder / f"{stem}.png", png)
    except OSError as exc:
        errors.append(f"could not write the evidence files in {folder}: {exc.strerror or exc}")
    values["error"] = "; ".join(errors) or None
    row_id = insert_evidence(store, values)
    return _record(store, {"id": row_id, **values})


def evidence_for(store: Store, listing_row_id: int) -> list[EvidenceRecord]:
    """A listing's captures, oldest first (the listing view shows them; exports may include the files)."""
    return [_record(store, row) for row in evidence_rows(store, listing_row_id)]


def all_evidence(store: Store) -> list[EvidenceRecord]:
    """Every capture in the database, oldest first."""
    return [_record(store, row) for row in evidence_rows(store)]


def verify_record(record: EvidenceRecord) -> list[FileCheck]:
    """Check each file of a capture against its stored SHA-256: ``ok``, ``missing`` or ``tampered``."""
    checks = []
    files = (("warc", record.warc_path, record.warc_sha256), ("png", record.png_path, record.png_sha256))
    for kind, path, digest in files:
        if path is None or digest is None:
            continue
        if not path.is_file():
            state: FileState = "missing"
        else:
            state = "ok" if file_sha256(path) == digest else "tampered"
        checks.append(FileCheck(record.id, kind, path, state))  # type: ignore[arg-type]
    return checks


def verify_all(store: Store) -> list[FileCheck]:
    """Every evidence file in the database checked against its digest."""
    return [check for record in all_evidence(store) for check in verify_record(record)]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (WARCs can be tens of megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _warc(exchanges: list[Exchange], filename: str, info: dict[str, str], errors: list[str]) -> bytes | None:
    """The WARC file's bytes; a response warcio cannot write is an error of the capture, not the caller's crash."""
    from crawler.warc import warc_bytes

    try:
        return warc_bytes(exchanges, filename=filename, info=info)
    except Exception as exc:  # warcio parses what the site sent: hostile bytes must not lose the row
        errors.append(f"could not write the WARC: {exc}")
        return None


def _page_problems(page: Exchange) -> list[str]:
    problems = []
    if page.status in GONE:
        problems.append(f"listing gone: HTTP {page.status} {page.reason}".rstrip())
    elif page.status >= 400:
        problems.append(f"HTTP {page.status} {page.reason}".rstrip())
    if page.truncated:
        cause = {"time": "the page was still arriving at the deadline", "length": "the page is too large",
                 "disconnect": "the connection broke"}.get(page.truncated, page.truncated)  # fmt: skip
        problems.append(f"page cut short: {cause}")
    return problems + page.notes


def prepare_evidence_dir(evidence_dir: Path) -> Path:
    """Make the evidence folder and check files can be written in it (:class:`EvidenceError` if not)."""
    return _writable_folder(evidence_dir, None)


def _writable_folder(evidence_dir: Path, listing_row_id: int | None) -> Path:
    """The listing's evidence folder, made and checked before anything is fetched."""
    folder = evidence_dir if listing_row_id is None else evidence_dir / str(listing_row_id)
    if evidence_dir.exists() and not evidence_dir.is_dir():
        raise EvidenceError(f"cannot write evidence into {evidence_dir}: it is a file, not a folder")
    try:
        folder.mkdir(mode=0o750, parents=True, exist_ok=True)
        probe = folder / f".probe-{uuid.uuid4().hex}"
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        raise EvidenceError(f"cannot write evidence into {evidence_dir}: {exc.strerror or exc}") from None
    return folder


def _write_once(store: Store, path: Path, data: bytes) -> tuple[str, str]:
    """Write a new file (never over an existing one), read-only and not for other users; its stored path and SHA-256.

    Evidence holds personal data of sellers: owner and group may read it (the
    review app's account), nobody may change it, others see nothing.
    """
    with path.open("xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    path.chmod(0o440)
    return _stored_path(store, path), hashlib.sha256(data).hexdigest()


def _stored_path(store: Store, path: Path) -> str:
    """Relative to the database's folder when inside it (the two move together), else absolute."""
    absolute = path.resolve()
    if store.path is not None:
        try:
            return absolute.relative_to(store.path.resolve().parent).as_posix()
        except ValueError:
            pass
    return str(absolute)


def _resolved_path(store: Store, stored: str | None) -> Path | None:
    if stored is None:
        return None
    path = Path(stored)
    if not path.is_absolute() and store.path is not None:
        path = store.path.resolve().parent / path
    return path


def _record(store: Store, row: dict[str, Any]) -> EvidenceRecord:
    return EvidenceRecord(
        id=int(row["id"]),
        listing=int(row["listing"]),
        url=str(row["url"]),
        captured_at=str(row["captured_at"]),
        http_status=None if row.get("http_status") is None else int(row["http_status"]),
        warc_path=_resolved_path(store, row.get("warc_path")),
        warc_sha256=row.get("warc_sha256"),
        png_path=_resolved_path(store, row.get("png_path")),
        png_sha256=row.get("png_sha256"),
        error=row.get("error"),
        captured_by=str(row["captured_by"]),
    )


def _warcinfo(listing_row_id: int, user_agent: str, captured_at: str) -> dict[str, str]:
    from crawler import __version__

    return {
        "software": f"phytowatch/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "http-header-user-agent": user_agent,
        "description": f"evidence of listing {listing_row_id}, captured {captured_at}: the page, then the"
                       " sub-resources its screenshot was drawn from",
    }  # fmt: skip


def _configured_user_agent() -> str:
    from crawler.config import load_config, user_agent

    return user_agent(load_config().contact)
