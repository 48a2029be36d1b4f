"""Accounts of the review app: hashes, throttle window, sessions, and the ``phytowatch users`` commands."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.review import accounts
from crawler.review.accounts import (
    FAILURE_WINDOW,
    MAX_ADDRESS_FAILURES,
    SESSION_IDLE,
    SESSION_MAX,
    AccountError,
    SignInRefused,
    SignInThrottled,
    add_user,
    authenticate,
    end_session,
    session_for,
    set_disabled,
    set_password,
    start_session,
)
from crawler.store import Store

PASSWORD = "a long enough passphrase"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "accounts.db") as store:
        yield store  # type: ignore[misc]


def test_passwords_are_kept_as_argon2id_hashes_only(store: Store) -> None:
    add_user(store, "anna", "admin", PASSWORD)
    stored = store.conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(store, "anna", PASSWORD, "127.0.0.1").name == "anna"
    assert authenticate(store, "ANNA", PASSWORD, "127.0.0.1").name == "anna"  # names are case-insensitive


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("anna", "admin", "short", "at least 12 characters"),
        ("anna", "boss", PASSWORD, "unknown role 'boss'"),
        ("an na", "admin", PASSWORD, "must be 1-64 letters"),
        ("", "admin", PASSWORD, "must be 1-64 letters"),
        ("anna.smith.pw", "admin", "anna.smith.pw", "must not be the account name"),
    ],
)
def test_bad_accounts_are_refused_with_one_clear_line(store: Store, name: str, role: str, password: str,
                                                      message: str) -> None:  # fmt: skip
    with pytest.raises(AccountError, match=message):
        add_user(store, name, role, password)


def test_names_are_unique_whatever_their_case(store: Store) -> None:
    add_user(store, "anna", "admin", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        add_user(store, "Anna", "reviewer", PASSWORD)


def test_the_throttle_lifts_after_the_window(store: Store) -> None:
    add_user(store, "anna", "reviewer", PASSWORD)
    for minute in range(5):
        with pytest.raises(SignInRefused if minute < 4 else SignInThrottled):
            authenticate(store, "anna", "wrong", "192.0.2.1", now=T0 + timedelta(minutes=minute))
    with pytest.raises(SignInThrottled) as throttled:
        authenticate(store, "anna", PASSWORD, "192.0.2.1", now=T0 + timedelta(minutes=10))
    assert throttled.value.minutes == 5  # the fifth failure was at minute 4: free again at minute 19
    # Sliding window: at minute 15 the first failure is out, four are left.
    assert authenticate(store, "anna", PASSWORD, "192.0.2.1", now=T0 + FAILURE_WINDOW + timedelta(seconds=1))
    # A success clears this address's failures.
    assert store.conn.execute("SELECT count(*) FROM login_failures").fetchone()[0] == 0


def test_one_address_trying_many_names_is_throttled_as_a_whole(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_ADDRESS_FAILURES == 50
    monkeypatch.setattr(accounts, "MAX_ADDRESS_FAILURES", 9)  # 9 argon2 checks instead of 50
    add_user(store, "anna", "reviewer", PASSWORD)
    for n in range(9):
        with pytest.raises(SignInRefused if n < 8 else SignInThrottled):
            authenticate(store, f"guess{n // 4}", "wrong", "198.51.100.9", now=T0)  # 4 a name: under the account limit
    with pytest.raises(SignInThrottled, match="Too many failed sign-ins from your address: try again in 15 minutes"):
        authenticate(store, "anna", PASSWORD, "198.51.100.9", now=T0)
    assert authenticate(store, "anna", PASSWORD, "198.51.100.10", now=T0)  # other addresses are not affected


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(store: Store) -> None:
    user = add_user(store, "ben", "reviewer", PASSWORD)
    token = start_session(store, user, "127.0.0.1")
    assert session_for(store, token) is not None
    set_disabled(store, "ben", True)
    assert session_for(store, token) is None
    with pytest.raises(SignInRefused):
        authenticate(store, "ben", PASSWORD, "127.0.0.1")
    set_disabled(store, "ben", False)
    assert authenticate(store, "ben", PASSWORD, "127.0.0.1")


def test_sessions_end_when_idle_or_old_and_on_password_change(store: Store) -> None:
    user = add_user(store, "anna", "admin", PASSWORD)
    used = start_session(store, user, "127.0.0.1", now=T0)
    idle = start_session(store, user, "127.0.0.1", now=T0)
    assert session_for(store, used, now=T0 + SESSION_IDLE - timedelta(minutes=1)) is not None  # use moves it on
    assert session_for(store, idle, now=T0 + SESSION_IDLE + timedelta(minutes=1)) is None
    assert session_for(store, used, now=T0 + SESSION_IDLE + timedelta(minutes=1)) is not None
    # Kept alive by use, it still ends at SESSION_MAX.
    token = start_session(store, user, "127.0.0.1", now=T0)
    moment = T0
    while moment < T0 + SESSION_MAX - timedelta(hours=1):
        moment += timedelta(hours=1)
        assert session_for(store, token, now=moment) is not None
    assert session_for(store, token, now=T0 + SESSION_MAX + timedelta(seconds=1)) is None
    token = start_session(store, user, "127.0.0.1")
    set_password(store, "anna", "another long passphrase")
    assert session_for(store, token) is None
    token = start_session(store, user, "127.0.0.1")
    end_session(store, token)
    assert session_for(store, token) is None


def test_users_add_reads_the_password_from_stdin_never_argv(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    runner = CliRunner()
    result = runner.invoke(main, ["users", "add", "anna", "--role", "admin", "--db", str(db)], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "account anna (admin) added" in result.output
    result = runner.invoke(main, ["users", "add", "ben", "--db", str(db)], input=PASSWORD + "\n")
    assert result.exit_code == 0
    listed = runner.invoke(main, ["users", "list", "--db", str(db)])
    assert listed.output.splitlines() == ["anna\tadmin\tactive", "ben\treviewer\tactive"]
    with Store(db) as store:
        assert authenticate(store, "ben", PASSWORD, "127.0.0.1").role == "reviewer"
    # The command has no password option at all.
    refused = runner.invoke(main, ["users", "add", "eve", "--password", PASSWORD, "--db", str(db)])
    assert refused.exit_code == 2 and "No such option" in refused.output


def test_users_commands_fail_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    runner = CliRunner()
    short = runner.invoke(main, ["users", "add", "anna", "--db", str(db)], input="short\n")
    assert short.exit_code == 1 and short.output == "Error: the password must have at least 12 characters\n"
    empty = runner.invoke(main, ["users", "add", "anna", "--db", str(db)], input="")
    assert empty.exit_code == 1 and "no password given" in empty.output
    runner.invoke(main, ["users", "add", "anna", "--db", str(db)], input=PASSWORD + "\n")
    twice = runner.invoke(main, ["users", "add", "ANNA", "--db", str(db)], input=PASSWORD + "\n")
    assert twice.output == "Error: an account named 'ANNA' already exists\n"
    missing = runner.invoke(main, ["users", "disable", "zoe", "--db", str(db)])
    assert missing.output == "Error: no account named 'zoe'\n"
    assert runner.invoke(main, ["users", "disable", "anna", "--db", str(db)]).output == "account anna disabled\n"
    changed = runner.invoke(main, ["users", "password", "anna", "--db", str(db)], input="a new long passphrase\n")
    assert changed.exit_code == 0 and "sessions are signed out" in changed.output


def test_serve_refuses_a_missing_database_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no database at ") and len(result.output.splitlines()) == 1


def test_the_commands_have_examples_and_the_readme_documents_every_serve_option() -> None:
    runner = CliRunner()
    for command in (["serve"], ["users", "add"], ["users", "list"], ["users", "password"], ["users", "disable"]):
        assert "Example: phytowatch" in runner.invoke(main, [*command, "--help"]).output, command
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Review web app"):readme.index("## How it is built")]
    serve = main.get_command(None, "serve")  # type: ignore[arg-type]
    assert serve is not None
    for option in serve.params:
        for flag in option.opts:
            if flag.startswith("--"):
                assert f"`{flag}" in section, flag
