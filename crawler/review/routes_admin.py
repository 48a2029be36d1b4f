"""Accounts, for administrators only."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from crawler.review.accounts import ROLES, AccountError, add_user, list_users, set_disabled, set_password, set_role
from crawler.review.app import store

blueprint = Blueprint("admin", __name__)


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not g.session.user.is_admin:
            abort(403, "Only administrators manage accounts.")
        return view(*args, **kwargs)

    return wrapper


def _page(error: str | None = None, message: str | None = None, status: int = 200) -> Any:
    return render_template("users.html", users=list_users(store()), roles=ROLES, error=error,
                           message=message), status  # fmt: skip


@blueprint.route("/users")
@admin_only
def users() -> Any:
    return _page(message=request.args.get("message"))


@blueprint.route("/users", methods=["POST"])
@admin_only
def create_user() -> Any:
    name = (request.form.get("name") or "").strip()
    password = request.form.get("password") or ""
    if password != request.form.get("password_again"):
        return _page("The two passwords differ.", status=400)
    try:
        add_user(store(), name, request.form.get("role", ""), password)
    except AccountError as exc:
        return _page(str(exc), status=400)
    return redirect(url_for("admin.users", message=f"Account {name} added."), code=303)


@blueprint.route("/users/<name>", methods=["POST"])
@admin_only
def change_user(name: str) -> Any:
    """One change to an account: its role, a new password, or disabling / enabling it."""
    action = request.form.get("action")
    try:
        if name.lower() == g.session.user.name.lower() and action in ("disable", "role"):
            raise AccountError("you cannot disable your own account or change your own role")
        if action == "role":
            set_role(store(), name, request.form.get("role", ""))
        elif action in ("disable", "enable"):
            set_disabled(store(), name, action == "disable")
        elif action == "password":
            if request.form.get("password") != request.form.get("password_again"):
                raise AccountError("the two passwords differ")
            set_password(store(), name, request.form.get("password") or "")
        else:
            raise AccountError(f"unknown action {action!r}")
    except AccountError as exc:
        return _page(str(exc), status=400)
    return redirect(url_for("admin.users", message=f"Account {name}: {action} done."), code=303)
