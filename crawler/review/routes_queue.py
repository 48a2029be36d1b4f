"""The queue page, bulk decisions on a filtered set, and the export button."""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, url_for

from classifiers.types import CATEGORIES, RISK_LEVELS
from crawler.exports import ExportError
from crawler.review.app import capture_worker, settings, store
from crawler.review.dashboard import cached
from crawler.review.decisions import CONFIRM, CONFIRM_REASONS, DECISIONS, DecisionError, check_decision, decide_bulk
from crawler.review.exports import (
    KeyUnavailable,
    applied_filters,
    export_formats,
    export_key,
    export_suffix,
    pseudonym_key_named,
    write_queue_export,
)
from crawler.review.queue import (
    BULK_LIMIT,
    LISTED,
    STATUSES,
    Cursor,
    FilterError,
    QueueFilters,
    bulk_listing_ids,
    bulk_scope,
    queue_page,
)

blueprint = Blueprint("queue", __name__)


def filter_options() -> dict[str, Any]:
    """Choices of the filter form; the ones read from the database are cached a few minutes."""
    cache = current_app.extensions["phytowatch_cache"]

    def from_store() -> dict[str, list[str]]:
        conn = store().conn
        return {
            "marketplaces": [r[0] for r in conn.execute("SELECT DISTINCT marketplace FROM traders ORDER BY 1")],
            "watches": [r[0] for r in conn.execute(
                "SELECT DISTINCT watch FROM crawl_runs WHERE watch IS NOT NULL ORDER BY 1")],  # fmt: skip
        }

    return {
        **cached(cache, "filter_options", from_store, time.monotonic()),
        "taxa_lists": taxa_lists(),
        "countries": countries(),
        "statuses": STATUSES,
        "listed": LISTED,
        "categories": CATEGORIES,
        "risks": RISK_LEVELS,
    }


def taxa_lists() -> list[str]:
    """The names of the regulated-taxa lists the classifier matches (``list_name`` of ``data/taxa/*.csv``)."""
    from crawler.paths import data_dir

    names: set[str] = set()
    for path in sorted((data_dir() / "taxa").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names.add((row.get("list_name") or path.stem).strip())
    return sorted(names)


def countries() -> list[tuple[str, str]]:
    import pycountry

    return sorted((c.alpha_2, c.name) for c in pycountry.countries)


def _filters() -> QueueFilters:
    try:
        return QueueFilters.from_args(request.values)
    except FilterError as exc:
        abort(400, str(exc))


@blueprint.route("/queue")
def queue() -> Any:
    filters = _filters()
    try:
        after = Cursor.parse(request.args.get("after"))
    except FilterError as exc:
        abort(400, str(exc))
    page = queue_page(store(), filters, after)
    return render_template(
        "queue.html",
        filters=filters,
        page=page,
        after=after,
        options=filter_options(),
        formats=export_formats(),
        export_filters=applied_filters(filters),
        can_pseudonymise=pseudonym_key_named(settings().pseudonym_key_file),
    )


@blueprint.route("/queue/bulk", methods=["GET", "POST"])
def bulk() -> Any:
    """GET: how many listings the filter selects, and the decision form. POST: decide on exactly those."""
    filters = _filters()
    if request.method == "GET":
        count, upto = bulk_scope(store(), filters)
        return render_template("bulk.html", filters=filters, count=count, upto=upto, limit=BULK_LIMIT,
                               decisions=DECISIONS, confirm_reasons=CONFIRM_REASONS, error=None)  # fmt: skip
    bound = request.form.get("upto", "")
    if not bound.isdigit():
        abort(400, "the confirmation step is missing: start the bulk decision again")
    upto = int(bound)
    ids = bulk_listing_ids(store(), filters, upto)
    error = None
    try:
        decision = check_decision(request.form.get("decision", ""), request.form.get("reason"),
                                  request.form.get("note"))  # fmt: skip
        if len(ids) > BULK_LIMIT:
            raise DecisionError(f"{len(ids):,} listings are more than {BULK_LIMIT:,} at once: narrow the filter")
        if str(len(ids)) != request.form.get("count"):
            raise DecisionError(f"the filter now selects {len(ids):,} listings, not {request.form.get('count')}:"
                                " check the new count and confirm again")  # fmt: skip
    except DecisionError as exc:
        error = str(exc)
    if error:
        return render_template("bulk.html", filters=filters, count=len(ids), upto=upto, limit=BULK_LIMIT,
                               decisions=DECISIONS, confirm_reasons=CONFIRM_REASONS, error=error), 400  # fmt: skip
    done = decide_bulk(store(), ids, decision, g.session.user.name)
    if decision.decision == CONFIRM:
        capture_worker().submit(ids, g.session.user.name)
    return redirect(url_for("overview.audit", done=done), code=303)


@blueprint.route("/export")
def export() -> Any:
    """Download the export of exactly the queue's listings in the chosen format, pseudonymised if asked.

    ``pseudonymise=1`` is all the request says about pseudonymisation: the key is
    the installation's (see :mod:`crawler.review.exports`), never the request's.
    """
    filters = _filters()
    fmt = request.args.get("format", "")
    if fmt not in {f for f, _ in export_formats()}:
        abort(400, f"unknown export format {fmt!r}")
    key = None
    if request.args.get("pseudonymise") in ("1", "on", "yes"):
        try:
            key = export_key(settings().pseudonym_key_file)
        except KeyUnavailable as exc:
            abort(400, str(exc))
    folder = Path(tempfile.mkdtemp(prefix="phytowatch-export-"))
    try:
        path = write_queue_export(store(), fmt, filters, folder, key)
        suffix = f"{'-pseudonymised' if key else ''}.{export_suffix(fmt)}"
        response = send_file(path, as_attachment=True,
                             download_name=f"phytowatch-{time.strftime('%Y%m%d-%H%M%S')}{suffix}")  # fmt: skip
    except ExportError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        abort(400, f"The export refused the filter: {exc}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    return response
