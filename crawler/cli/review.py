"""``phytowatch serve`` and ``phytowatch users``: the review web app and its accounts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.common import F, _database, _db_option, _existing_database, _officer_errors, main
from crawler.config import load_config


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@click.option("--insecure-cookies", is_flag=True,
              help="Let cookies travel over plain http (a LAN without TLS). Not needed on localhost.")
@click.option("--trusted-proxies", type=click.IntRange(min=0), default=0, show_default=True,
              help="Reverse proxies in front of the app whose X-Forwarded-For to trust (sign-in throttle).")
@click.option("--allow-private-images", is_flag=True,
              help="Fetch listing images from private and loopback addresses too (the demo marketplace).")
@click.option("--allow-private-addresses", is_flag=True,
              help="Let evidence captures fetch listing pages from private and loopback addresses too (a test "
                   "marketplace, an intranet). 'phytowatch demo --serve' does this for its own marketplace.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@_officer_errors
def serve(host: str, port: int, db: Path | None, config_path: str | None, insecure_cookies: bool,
          trusted_proxies: int, allow_private_images: bool, allow_private_addresses: bool, threads: int) -> None:
    """Run the review web app (queue, listings, traders, decisions, dashboard) until Ctrl-C.

    Sign in with an account made by 'phytowatch users add'.

    Example: phytowatch serve --port 8000 --db phytowatch.db
    """
    from waitress import serve as waitress_serve

    from crawler.review import ReviewSettings, create_app
    from crawler.review.accounts import list_users
    from crawler.store import Store

    config = load_config(config_path)
    database = _existing_database(db or Path(config.database))
    review = ReviewSettings(
        database=database.resolve(),
        secure_cookies=not insecure_cookies,
        state_dir=Path(config.state_dir) if config.state_dir else None,
        evidence_dir=Path(evidence) if (evidence := getattr(config, "evidence_dir", None)) else None,
        allow_private_images=allow_private_images,
        allow_private_addresses=allow_private_addresses,
        trusted_proxies=trusted_proxies,
        contact=config.contact,
        pseudonym_key_file=config.pseudonym_key_file,
    )
    app = create_app(review)
    with Store(database) as store:
        if not list_users(store):
            click.echo("no accounts yet: add one with 'phytowatch users add NAME --role admin'", err=True)
    click.echo(f"phytowatch review app on http://{host}:{port}/ (database {database}); Ctrl-C stops it", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="phytowatch", _quiet=True)


@main.group("users")
def users_group() -> None:
    """Accounts of the review web app."""


def _read_password(confirm: bool = True) -> str:
    """From a hidden prompt on a terminal, else the first line of stdin; never from the command line."""
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=confirm)
        return password
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("no password given: type it at the prompt or pipe it on stdin")
    return line


def _account_errors(func: F) -> F:
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crawler.review.accounts import AccountError

        try:
            return func(*args, **kwargs)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer", show_default=True)
@_db_option
@_officer_errors
@_account_errors
def users_add(name: str, role: str, db: Path | None) -> None:
    """Add an account; the password is asked for (or read from stdin), never given as an argument.

    Example: phytowatch users add anna --role admin
    """
    from crawler.review.accounts import add_user, check_name
    from crawler.store import Store

    check_name(name)
    password = _read_password()
    with Store(_database(db)) as store:
        add_user(store, name, role, password)
    click.echo(f"account {name} ({role}) added")


@users_group.command("password")
@click.argument("name")
@_db_option
@_officer_errors
@_account_errors
def users_password(name: str, db: Path | None) -> None:
    """Set a new password (asked for, or read from stdin); the account's sessions end.

    Example: phytowatch users password anna
    """
    from crawler.review.accounts import set_password
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        set_password(store, name, _read_password())
    click.echo(f"password of {name} changed; its sessions are signed out")


@users_group.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@_db_option
@_officer_errors
@_account_errors
def users_disable(name: str, enable: bool, db: Path | None) -> None:
    """Disable an account (and sign it out); its decisions stay in the audit log under its name.

    Example: phytowatch users disable anna
    """
    from crawler.review.accounts import set_disabled
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        set_disabled(store, name, not enable)
    click.echo(f"account {name} {'enabled' if enable else 'disabled'}")


@users_group.command("list")
@_db_option
@_officer_errors
def users_list(db: Path | None) -> None:
    """The accounts, their roles and whether they are disabled.

    Example: phytowatch users list
    """
    from crawler.review.accounts import list_users
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        for user in list_users(store):
            state = f"disabled {user['disabled_at']}" if user["disabled_at"] else "active"
            click.echo(f"{user['name']}\t{user['role']}\t{state}")
