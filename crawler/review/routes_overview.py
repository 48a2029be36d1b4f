"""The dashboard and the audit log."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request

from crawler.review.app import settings, store
from crawler.review.dashboard import CATEGORY_COLOURS, DashboardCache, cached, delisted_awaiting
from crawler.review.decisions import DECISIONS, audit_page
from crawler.store.link_decisions import link_decisions_log

blueprint = Blueprint("overview", __name__)


@blueprint.route("/dashboard")
def dashboard() -> Any:
    dashboards = current_app.extensions["phytowatch_cache"]
    cache = dashboards.setdefault("dashboard", DashboardCache(settings().database))
    charts = cache.get(store())
    delisted = cached(dashboards, "delisted_awaiting", lambda: delisted_awaiting(store()), time.monotonic())
    return render_template("dashboard.html", charts=charts, category_colours=CATEGORY_COLOURS,
                           delisted_awaiting=delisted)  # fmt: skip


@blueprint.route("/audit")
def audit() -> Any:
    """Every decision, newest first: who decided what on which listing, and when; on the first page also the
    latest decisions on trader links (``phytowatch traders unlink | relink``), which are made on the command line."""
    before = request.args.get("before", "")
    if before and not before.isdigit():
        abort(400, "the page link is damaged; start from the first page")
    reviewer = (request.args.get("reviewer") or "").strip() or None
    decision = request.args.get("decision") or None
    if decision and decision not in DECISIONS:
        abort(400, f"unknown decision {decision!r}")
    rows, next_before = audit_page(store(), before=int(before) if before else None, reviewer=reviewer,
                                   decision=decision)  # fmt: skip
    reviewers = [r[0] for r in store().conn.execute("SELECT name FROM users ORDER BY name")]
    links = [] if before else link_decisions_log(store())  # on the first page only
    return render_template("audit.html", rows=rows, next_before=next_before, reviewer=reviewer, decision=decision,
                           decisions=DECISIONS, reviewers=reviewers, done=request.args.get("done"),
                           link_decisions=links)  # fmt: skip
