"""The trader page and its follow-up status."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from crawler.review.app import store
from crawler.review.charts import RISK_COLOURS, stacked_bars
from crawler.review.traders import FOLLOWUP_STATUSES, FollowupError, set_followup, trader_view

blueprint = Blueprint("trader", __name__)


@blueprint.route("/traders/<marketplace>/<path:seller_key>")
def trader(marketplace: str, seller_key: str, error: str | None = None, status: int = 200) -> Any:
    view = trader_view(store(), marketplace, seller_key)
    if view is None:
        abort(404, "There is no such trader.")
    categories = sorted({row["category"] for row in view["by_category"]})
    counts = {(row["category"], row["risk"]): row["listings"] for row in view["by_category"]}
    chart = stacked_bars(
        "Listings by category and risk",
        categories,
        {risk: [counts.get((c, risk), 0) for c in categories] for risk in RISK_COLOURS},
        RISK_COLOURS,
        width=560,
    )
    return render_template("trader.html", v=view, t=view["trader"], category_chart=chart, statuses=FOLLOWUP_STATUSES,
                           error=error), status  # fmt: skip


@blueprint.route("/trader-followup/<marketplace>/<path:seller_key>", methods=["POST"])
def followup(marketplace: str, seller_key: str) -> Any:
    try:
        set_followup(store(), marketplace, seller_key, request.form.get("status", ""), request.form.get("note"),
                     g.session.user.name)  # fmt: skip
    except FollowupError as exc:
        return trader(marketplace, seller_key, str(exc), 400)
    return redirect(url_for("trader.trader", marketplace=marketplace, seller_key=seller_key) + "#followup", code=303)
