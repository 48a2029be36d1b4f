"""The listing page, its decisions, its images (through the cache) and its evidence."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, send_file, url_for

from crawler.review.app import capture_worker, settings, store
from crawler.review.charts import sparkline
from crawler.review.decisions import CONFIRM, CONFIRM_REASONS, DECISIONS, DecisionError, check_decision, decide
from crawler.review.images import ImageCache, ImageError
from crawler.review.listing import evidence_capture_available, image_urls, listing_view

blueprint = Blueprint("listing", __name__)
log = logging.getLogger(__name__)
SHOWN_IMAGES = 4


@blueprint.route("/listings/<int:listing_id>")
def listing(listing_id: int, error: str | None = None, status: int = 200) -> Any:
    view = listing_view(store(), listing_id)
    if view is None:
        abort(404, f"There is no listing {listing_id}.")
    prices = [(h["observed_at"][:10], float(h["price"])) for h in view.history if h["price"] is not None]
    return render_template(
        "listing.html",
        view=view,
        l=view.listing,
        decisions=DECISIONS,
        confirm_reasons=CONFIRM_REASONS,
        price_chart=sparkline("Price over time", prices),
        shown_images=min(view.images, SHOWN_IMAGES),
        can_capture=evidence_capture_available(),
        capturing=capture_worker().is_pending(listing_id),
        error=error,
    ), status


@blueprint.route("/listings/<int:listing_id>/decide", methods=["POST"])
def decide_listing(listing_id: int) -> Any:
    try:
        decision = check_decision(request.form.get("decision", ""), request.form.get("reason"),
                                  request.form.get("note"))  # fmt: skip
        decide(store(), listing_id, decision, g.session.user.name)
    except DecisionError as exc:
        return listing(listing_id, str(exc), 400)
    if decision.decision == CONFIRM:
        capture_worker().submit([listing_id], g.session.user.name)  # listings vanish: keep the page as it is now
    return redirect(url_for("listing.listing", listing_id=listing_id, decided=decision.decision) + "#decisions",
                    code=303)  # fmt: skip


@blueprint.route("/listings/<int:listing_id>/image/<int:number>")
def image(listing_id: int, number: int) -> Any:
    """The listing's ``number``-th image from the cache (fetched once if need be); 404 if there is none."""
    row = store().conn.execute("SELECT image_urls FROM listings WHERE id = ?", (listing_id,)).fetchone()
    urls = image_urls({"image_urls": row[0]}) if row else []
    if number >= len(urls):
        abort(404, "No such image.")
    review = settings()
    cache = ImageCache(review.image_dir, review.user_agent, allow_private=review.allow_private_images)
    try:
        data, kind = cache.get(urls[number])
    except ImageError as exc:
        log.info("listing %s image %s: %s", listing_id, number, exc)
        abort(404, "The image could not be fetched.")
    response = Response(data, mimetype=kind)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


@blueprint.route("/listings/<int:listing_id>/evidence", methods=["POST"])
def capture(listing_id: int) -> Any:
    """Capture the listing's page as evidence, in the background (when this installation has evidence capture)."""
    if not evidence_capture_available():
        abort(404, "Evidence capture is not installed.")
    if store().conn.execute("SELECT 1 FROM listings WHERE id = ?", (listing_id,)).fetchone() is None:
        abort(404, f"There is no listing {listing_id}.")
    capture_worker().submit([listing_id], g.session.user.name)
    return redirect(url_for("listing.listing", listing_id=listing_id) + "#evidence", code=303)


@blueprint.route("/listings/<int:listing_id>/evidence/<int:record_id>/<kind>")
def evidence_file(listing_id: int, record_id: int, kind: str) -> Any:
    """A captured screenshot (shown) or WARC file (downloaded), only from inside the evidence folder."""
    view = listing_view(store(), listing_id)
    if view is None or not view.evidence or kind not in ("png", "warc"):
        abort(404)
    record = next((r for r in view.evidence if getattr(r, "id", None) == record_id), None)
    name = getattr(record, f"{kind}_path", None) if record is not None else None
    if not name:
        abort(404)
    folder = settings().evidence_folder.resolve()
    path = Path(name) if Path(name).is_absolute() else folder / name
    path = path.resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        abort(404)
    if kind == "png":
        return send_file(path, mimetype="image/png")
    return send_file(path, mimetype="application/warc", as_attachment=True, download_name=path.name)
