"""``phytowatch demo --serve``: the review web app over the demo's database, its marketplace still up.

The demo marketplace is our own server on 127.0.0.1, and listing addresses on
loopback are exactly what the review app refuses to fetch for real (scraped URLs
could point at the machines next to ours). So the demo's app is given the
explicit settings that allow it, :data:`DEMO_REVIEW` below, and nothing else is:
``phytowatch serve`` keeps refusing unless told otherwise. The demo's app listens
on loopback only, since it may fetch from loopback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.config import load_config
from crawler.review import ReviewSettings, create_app

#: What the demo turns on: evidence captures and images may come from its marketplace on 127.0.0.1.
DEMO_REVIEW: dict[str, Any] = {"allow_private_addresses": True, "allow_private_images": True}
HOST = "127.0.0.1"


def demo_review_settings(database: Path, config_path: str | None = None) -> ReviewSettings:
    """The review app's settings for the demo's database: ``phytowatch.toml``'s, with loopback allowed."""
    config = load_config(config_path)
    return ReviewSettings(
        database=database.resolve(),
        state_dir=Path(config.state_dir) if config.state_dir else None,
        evidence_dir=Path(config.evidence_dir) if config.evidence_dir else None,
        contact=config.contact,
        pseudonym_key_file=config.pseudonym_key_file,
        **DEMO_REVIEW,
    )


def serve_demo_review(database: Path, port: int, *, threads: int = 8, say: Any = print) -> None:
    """Run the review app over the demo's database on ``127.0.0.1:port`` until Ctrl-C (the caller keeps the
    marketplace up meanwhile)."""
    from waitress import serve

    from crawler.review.accounts import list_users
    from crawler.store import Store

    app = create_app(demo_review_settings(database))
    with Store(database) as store:
        if not list_users(store):
            say(f"No review accounts yet: add one in another terminal with 'phytowatch users add NAME --role admin"
                f" --db {database}'")
    say(f"Review app on http://{HOST}:{port}/ (evidence captures may reach the demo marketplace on loopback);"
        " Ctrl-C stops it and the marketplace")
    serve(app, host=HOST, port=port, threads=threads, ident="phytowatch", _quiet=True)
