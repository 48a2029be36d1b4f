"""The store's schema, as an ordered list of named migrations.

Each migration runs once, inside a transaction, and is recorded in
``_migrations``; a database created by an older phytowatch is brought up to
date on open. Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_core_tables(db: sqlite_utils.Database) -> None:
    """Traders, listings, history, classifications, crawl runs, review decisions."""
    db.table("traders").create(
        {
            "marketplace": str,
            "seller_key": str,
            "display_name": str,
            "profile_url": str,
            "country": str,
            "feedback_count": int,
            "rating": float,
            "shop_website": str,
            "platform": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("marketplace", "seller_key"),
        not_null={"first_seen", "last_seen"},
    )
    db.table("listings").create(
        {
            "id": int,
            "marketplace": str,
            "listing_id": str,
            "url": str,
            "title": str,
            "description": str,
            "price": float,
            "currency": str,
            "quantity_available": int,
            "quantity_sold": int,
            "available": int,
            "condition": str,
            "sku": str,
            "category_path": str,  # JSON list
            "image_urls": str,  # JSON list
            "ships_from": str,
            "ships_to": str,  # JSON list
            "seller_key": str,
            "search_query": str,
            "language": str,
            "platform": str,
            "first_seen": str,
            "last_seen": str,
            "last_run_id": int,
            # The current verdict, denormalised from `classifications` for fast queues.
            "categories": str,  # JSON list
            "risk": str,
            "risk_rank": int,
            "needs_review": int,
            "model_version": str,
        },
        pk="id",
        not_null={"marketplace", "listing_id", "url", "title", "first_seen", "last_seen"},
    )
    db.table("listings").create_index(["marketplace", "listing_id"], unique=True)
    db.table("listings").create_index(["risk_rank", "last_seen"])
    db.table("listings").create_index(["marketplace", "seller_key"])
    db.table("listing_history").create(
        {
            "id": int,
            "listing": int,
            "observed_at": str,
            "run_id": int,
            "change": str,  # "new" | "changed"
            "title": str,
            "price": float,
            "currency": str,
            "available": int,
            "quantity_available": int,
            "quantity_sold": int,
        },
        pk="id",
        foreign_keys=[("listing", "listings", "id")],
    )
    db.table("listing_history").create_index(["listing", "observed_at"])
    db.table("classifications").create(
        {
            "listing": int,
            "model_version": str,
            "categories": str,
            "scores": str,
            "risk": str,
            "needs_review": int,
            "taxa": str,
            "reasons": str,
            "classified_at": str,
        },
        pk=("listing", "model_version"),
        foreign_keys=[("listing", "listings", "id")],
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "spider": str,
            "arguments": str,  # JSON object
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | finished | failed | interrupted | blocked
            "counts": str,  # JSON object
            "errors": str,  # JSON list of messages
            "pid": int,
        },
        pk="id",
        not_null={"spider", "started_at", "status"},
    )
    db.table("review_decisions").create(
        {
            "id": int,
            "listing": int,
            "decision": str,
            "reason": str,
            "note": str,
            "reviewer": str,
            "decided_at": str,
        },
        pk="id",
        foreign_keys=[("listing", "listings", "id")],
        not_null={"listing", "decision", "reviewer", "decided_at"},
    )
    db.table("review_decisions").create_index(["listing", "decided_at"])
    # Decisions are an audit trail: refuse edits and deletions at the database level.
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER review_decisions_no_{event.lower()} BEFORE {event} ON review_decisions"
            " BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END"
        )


def m002_listing_search(db: sqlite_utils.Database) -> None:
    """FTS5 over listing title and description, kept current by triggers."""
    db.table("listings").enable_fts(["title", "description"], fts_version="FTS5", create_triggers=True)


def m003_search_index_on_text_changes_only(db: sqlite_utils.Database) -> None:
    """Re-index a listing only when its title or description changes.

    The trigger sqlite-utils creates re-indexes on every update, and a nightly
    crawl updates every listing it sees (``last_seen``): most of a recrawl's
    write time went into re-indexing unchanged text.
    """
    # Statement by statement: executescript() would commit in the middle of the migration.
    db.execute('DROP TRIGGER IF EXISTS "listings_au"')
    db.execute(
        """
        CREATE TRIGGER "listings_au" AFTER UPDATE OF "title", "description" ON "listings" BEGIN
          INSERT INTO "listings_fts" ("listings_fts", rowid, "title", "description")
            VALUES ('delete', old.rowid, old."title", old."description");
          INSERT INTO "listings_fts" (rowid, "title", "description")
            VALUES (new.rowid, new."title", new."description");
        END
        """
    )


def m004_crawl_run_watch(db: sqlite_utils.Database) -> None:
    """Name the watch a crawl run belongs to, so incremental state is kept per watch.

    A watch (``watches.toml``) revisits the same pages night after night; which
    listings went missing, and the last status shown by ``schedule list``, are
    questions about the runs of one watch. Runs started by hand have no watch.
    """
    db.execute("ALTER TABLE crawl_runs ADD COLUMN watch TEXT")
    db.execute("CREATE INDEX idx_crawl_runs_watch ON crawl_runs (watch, started_at)")


def m005_incremental_state_and_trader_entities(db: sqlite_utils.Database) -> None:
    """Listings remember how often and by which scope they were seen; traders link into entities.

    * ``listings``: ``times_seen`` (runs that saw it), ``missed_runs`` (consecutive complete
      runs of its scope that did not), ``delisted_at``, ``scope_id`` (the crawl scope that saw
      it last), ``item_page_at`` (last visit of its own page, for the recrawl policy) and
      ``taxa_hits`` (distinct regulated taxa its current verdict names); the review index
      on (risk_rank, last_seen) becomes (risk_rank, first_seen).
    * ``crawl_scopes``: a watch, or a spider with its arguments; ``crawl_runs.scope_id``.
    * ``traders`` gets a stable integer ``id`` (rebuilt: a table without an INTEGER PRIMARY
      KEY may have its rowids renumbered by VACUUM), ``private`` and ``entity_id``.
    * ``trader_identifiers``, ``trader_links``, ``trader_unlinks`` (append-only) and
      ``trader_entities``; ``store_state`` holds the store's own bookkeeping.
    """
    for column in (
        "times_seen INTEGER NOT NULL DEFAULT 1",
        "missed_runs INTEGER NOT NULL DEFAULT 0",
        "delisted_at TEXT",
        "scope_id INTEGER",
        "item_page_at TEXT",
        "taxa_hits INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE listings ADD COLUMN {column}")
    db.execute(
        """
        UPDATE listings SET taxa_hits = coalesce((
            SELECT count(DISTINCT json_extract(t.value, '$.scientific_name'))
            FROM classifications c, json_each(c.taxa) t
            WHERE c.listing = listings.id AND c.model_version = listings.model_version), 0)
        """
    )
    db.execute(
        "CREATE TABLE crawl_scopes (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
        " watch TEXT, spider TEXT, arguments TEXT)"
    )
    db.execute("ALTER TABLE crawl_runs ADD COLUMN scope_id INTEGER REFERENCES crawl_scopes (id)")
    # Runs and listings of an older database join the scopes they belong to.
    from crawler.store.incremental import scope_key

    for run_id, spider, arguments, watch in db.execute(
        "SELECT id, spider, arguments, watch FROM crawl_runs"
    ).fetchall():
        key = scope_key(spider, json.loads(arguments or "{}"), watch)
        db.execute("INSERT OR IGNORE INTO crawl_scopes (key, watch, spider, arguments) VALUES (?, ?, ?, ?)",
                   (key, watch, None if watch else spider, None if watch else arguments))
        db.execute("UPDATE crawl_runs SET scope_id = (SELECT id FROM crawl_scopes WHERE key = ?) WHERE id = ?",
                   (key, run_id))
    db.execute(
        "UPDATE listings SET scope_id = (SELECT scope_id FROM crawl_runs WHERE id = listings.last_run_id)"
        " WHERE last_run_id IS NOT NULL"
    )
    db.execute("CREATE INDEX idx_listings_scope ON listings (scope_id, delisted_at)")
    # A nightly run rewrites every listing's last_seen: an index on it moved half the cost of
    # seeing a listing again into index upkeep (bench/store_scale.py). Review queues sort new
    # listings by risk: first_seen, which never changes, serves them.
    db.execute("DROP INDEX IF EXISTS idx_listings_risk_rank_last_seen")
    db.execute("CREATE INDEX idx_listings_risk_rank_first_seen ON listings (risk_rank, first_seen)")
    db.execute("CREATE INDEX idx_listings_taxa ON listings (taxa_hits) WHERE taxa_hits > 0")

    db.execute(
        """
        CREATE TABLE traders_new (
            id INTEGER PRIMARY KEY,
            marketplace TEXT NOT NULL,
            seller_key TEXT NOT NULL,
            display_name TEXT,
            profile_url TEXT,
            country TEXT,
            feedback_count INTEGER,
            rating FLOAT,
            shop_website TEXT,
            platform TEXT,
            private INTEGER,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            entity_id INTEGER,
            UNIQUE (marketplace, seller_key)
        )
        """
    )
    columns = ("marketplace, seller_key, display_name, profile_url, country, feedback_count, rating,"
               " shop_website, platform, first_seen, last_seen")
    db.execute(f"INSERT INTO traders_new ({columns}) SELECT {columns} FROM traders ORDER BY rowid")
    db.execute("UPDATE traders_new SET entity_id = id")
    db.execute("DROP TABLE traders")
    db.execute("ALTER TABLE traders_new RENAME TO traders")
    db.execute("CREATE INDEX idx_traders_entity ON traders (entity_id)")

    db.execute(
        """
        CREATE TABLE trader_identifiers (
            id INTEGER PRIMARY KEY,
            trader_id INTEGER NOT NULL REFERENCES traders (id),
            kind TEXT NOT NULL,       -- domain | email | phone
            match_key TEXT NOT NULL,  -- what links compare: the domain; a keyed digest of an e-mail or phone
            value TEXT,               -- normalised, readable; NULL for a private person's e-mail or phone
            found_in TEXT NOT NULL,   -- shop website | profile link | shop address | listing title ...
            listing_id INTEGER REFERENCES listings (id),
            found_at TEXT NOT NULL,
            UNIQUE (trader_id, kind, match_key)
        )
        """
    )
    db.execute("CREATE INDEX idx_trader_identifiers_match ON trader_identifiers (kind, match_key)")
    db.execute(
        """
        CREATE TABLE trader_links (
            id INTEGER PRIMARY KEY,
            trader_a INTEGER NOT NULL REFERENCES traders (id),
            trader_b INTEGER NOT NULL REFERENCES traders (id),
            kind TEXT NOT NULL,       -- domain | email | phone | name
            value TEXT NOT NULL,      -- the shared identifier, or both names for a name link
            evidence TEXT NOT NULL,   -- JSON: where each side was found; name similarity and country
            similarity REAL,
            linked_at TEXT NOT NULL,
            UNIQUE (trader_a, trader_b, kind, value)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE trader_unlinks (
            id INTEGER PRIMARY KEY,
            link_id INTEGER NOT NULL REFERENCES trader_links (id),
            trader_a INTEGER NOT NULL,
            trader_b INTEGER NOT NULL,
            unlinked_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            unlinked_at TEXT NOT NULL
        )
        """
    )
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER trader_unlinks_no_{event.lower()} BEFORE {event} ON trader_unlinks"
            " BEGIN SELECT RAISE(ABORT, 'unlinks are append-only'); END"
        )
    db.execute(
        """
        CREATE TABLE trader_entities (
            id INTEGER PRIMARY KEY,   -- the smallest trader id among its members
            name TEXT,
            country TEXT,
            country_basis TEXT,       -- seller location | ships from
            country_evidence TEXT,    -- JSON
            traders INTEGER NOT NULL,
            marketplaces TEXT,        -- JSON list
            listings INTEGER NOT NULL,
            active_listings INTEGER NOT NULL,
            high INTEGER NOT NULL,
            medium INTEGER NOT NULL,
            low INTEGER NOT NULL,
            unregulated INTEGER NOT NULL,
            by_category TEXT,         -- JSON object
            regulated_share REAL NOT NULL,
            taxa_listings INTEGER NOT NULL,
            taxa TEXT,                -- JSON list of scientific names
            first_activity TEXT,
            last_activity TEXT,
            risk TEXT,
            risk_rank INTEGER,
            risk_score REAL NOT NULL,
            refreshed_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_trader_entities_country ON trader_entities (country, risk_score)")
    db.execute("CREATE TABLE store_state (key TEXT PRIMARY KEY, value TEXT)")
def m006_scheduled_runs(db: sqlite_utils.Database) -> None:
    """What the scheduler needs: a crawl's exit status, the run it resumed, and a crash-safe frontier.

    ``crawl_frontier`` holds the requests of a watch's crawl that are still to
    do (``pending``) or done (``done``), written in the same transactions as the
    listings they lead to: a crawl killed at any moment resumes where its last
    commit left it, never re-fetching a page whose listings are stored and never
    losing one whose listings are not. A crawl that finishes empties it.
    """
    db.execute("ALTER TABLE crawl_runs ADD COLUMN exit_status INTEGER")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN resumed_from INTEGER REFERENCES crawl_runs (id)")
    db.execute(
        """
        CREATE TABLE crawl_frontier (
            frontier TEXT NOT NULL,     -- watch name and a digest of its spider and arguments
            watch TEXT NOT NULL,
            fingerprint TEXT NOT NULL,  -- Scrapy's request fingerprint
            state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
            priority INTEGER NOT NULL DEFAULT 0,
            request BLOB,               -- the pickled request while it is pending
            added_at TEXT NOT NULL,
            UNIQUE (frontier, fingerprint)
        )
        """
    )
    db.execute("CREATE INDEX idx_crawl_frontier_watch ON crawl_frontier (watch, state)")


def m007_evidence(db: sqlite_utils.Database) -> None:
    """Evidence captured of listing pages: a WARC and a screenshot on disk, their digests here.

    Like review decisions, evidence is an audit trail that may end up before a
    court: a row is never edited or deleted (triggers refuse it), so a later
    capture is a new row. A capture that failed is a row too, with its error:
    that the listing was gone on that day is itself evidence. Paths are
    relative to the database's folder when the files are inside it, so the
    database and its evidence folder can be moved together.
    """
    db.execute(
        """
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            listing INTEGER NOT NULL REFERENCES listings (id),
            url TEXT NOT NULL,              -- the address fetched (the listing's URL at the time)
            captured_at TEXT NOT NULL,      -- when the request was sent (ISO 8601, UTC)
            http_status INTEGER,            -- the page's status after redirects; NULL when no answer came
            warc_path TEXT,
            warc_sha256 TEXT CHECK (warc_sha256 IS NULL OR length(warc_sha256) = 64),
            png_path TEXT,
            png_sha256 TEXT CHECK (png_sha256 IS NULL OR length(png_sha256) = 64),
            error TEXT,                     -- what went wrong, in an officer's words; NULL when all went well
            captured_by TEXT NOT NULL,      -- the officer, or the command, that asked for it
            CHECK ((warc_path IS NULL) = (warc_sha256 IS NULL)),
            CHECK ((png_path IS NULL) = (png_sha256 IS NULL))
        )
        """
    )
    db.execute("CREATE INDEX idx_evidence_listing ON evidence (listing, captured_at)")
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER evidence_no_{event.lower()} BEFORE {event} ON evidence"
            " BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END"
        )
def m008_review_app(db: sqlite_utils.Database) -> None:
    """What the review web app keeps: accounts, sessions, sign-in failures, trader follow-ups, queue indexes.

    * ``users`` (names unique whatever their case; role ``reviewer`` or ``admin``; an
      argon2 hash, never the password) and ``sessions`` (the SHA-256 of each cookie's token,
      never the token, with the session's CSRF token and its expiry).
    * ``login_failures``: failed sign-ins per account and address, for throttling.
    * ``trader_followups``: append-only history of a trader's follow-up status
      (none / contacted / compliant / referred) with who set it, when and why.
    * ``listings.review_status`` / ``reviewed_at``: the latest decision, kept by a trigger on
      ``review_decisions`` whoever writes it, so the queue filters on decisions through an
      index instead of a subquery per listing; filled from the decisions already made.
    * Indexes in the queue's order (risk, then newest first) so its pages are index seeks,
      with and without the decision status in front, carrying the columns the filters test;
      ``first_seen`` (dashboard weeks, date filters) and
      ``ships_from`` (country filter), which the queue starts from when they select few listings;
      a trader's listings by risk.
    """
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,   -- SHA-256 of the cookie's token
            user_id INTEGER NOT NULL REFERENCES users (id),
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ip TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_sessions_user ON sessions (user_id)")
    db.execute(
        """
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,            -- the account name as typed, lower-cased
            ip TEXT NOT NULL,
            failed_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_login_failures ON login_failures (name, ip, failed_at)")
    db.execute("CREATE INDEX idx_login_failures_address ON login_failures (ip, failed_at)")
    db.execute(
        """
        CREATE TABLE trader_followups (
            id INTEGER PRIMARY KEY,
            marketplace TEXT NOT NULL,
            seller_key TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('none', 'contacted', 'compliant', 'referred')),
            note TEXT,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_trader_followups_trader ON trader_followups (marketplace, seller_key, id)")
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER trader_followups_no_{event.lower()} BEFORE {event} ON trader_followups"
            " BEGIN SELECT RAISE(ABORT, 'trader follow-ups are append-only'); END"
        )
    db.execute("ALTER TABLE listings ADD COLUMN review_status TEXT")
    db.execute("ALTER TABLE listings ADD COLUMN reviewed_at TEXT")
    db.execute(
        """
        UPDATE listings SET (review_status, reviewed_at) = (
            SELECT d.decision, d.decided_at FROM review_decisions d
            WHERE d.listing = listings.id ORDER BY d.id DESC LIMIT 1)
        WHERE id IN (SELECT listing FROM review_decisions)
        """
    )
    db.execute(
        """
        CREATE TRIGGER review_decisions_latest AFTER INSERT ON review_decisions BEGIN
          UPDATE listings SET review_status = new.decision, reviewed_at = new.decided_at
            WHERE id = new.listing;
        END
        """
    )
    # The queue's order, then the columns its filters test, so that walking the index checks them without
    # reading each listing (several times faster when a filter is rare). None of them changes on a recrawl.
    filtered = "needs_review, ships_from, marketplace, categories"
    db.execute(
        "CREATE INDEX idx_listings_review_queue"
        f" ON listings (review_status, coalesce(risk_rank, 3), first_seen DESC, id DESC, {filtered})"
    )
    db.execute(
        "CREATE INDEX idx_listings_rank_recency"
        f" ON listings (coalesce(risk_rank, 3), first_seen DESC, id DESC, review_status, {filtered})"
    )
    db.execute("CREATE INDEX idx_listings_first_seen ON listings (first_seen)")
    # A trader's listings by risk without reading them: the trader page and the dashboard's traders by risk.
    db.execute("CREATE INDEX idx_listings_trader_risk ON listings (marketplace, seller_key, coalesce(risk_rank, 3))")
    db.execute("CREATE INDEX idx_listings_ships_from ON listings (ships_from)")


def m009_delisted_listings(db: sqlite_utils.Database) -> None:
    """An index of the delisted listings only, for the review queue's "delisted" filter and the dashboard.

    Partial: it holds the listings gone from their marketplace's pages and nothing
    else, so it stays small and changes only when a listing is delisted or relisted.
    While the delisted are few, the queue starts from it instead of walking its whole
    index to find them (see :func:`crawler.review.queue._source`).
    """
    db.execute("CREATE INDEX idx_listings_delisted ON listings (delisted_at) WHERE delisted_at IS NOT NULL")


def m010_listings_by_url(db: sqlite_utils.Database) -> None:
    """Find a shop's listings by their page URL.

    A sitemap names product pages, not listing ids: before fetching a page, the
    sitemap spider asks which stored listings live at it (the recrawl policy,
    :meth:`crawler.store.lookup.ListingLookup.known_at_urls`). Without this index
    each of its look-ups would read every listing of the shop. A listing's URL
    rarely changes, so the nightly sighting UPDATE never rewrites it.
    """
    db.execute("CREATE INDEX idx_listings_url ON listings (marketplace, url)")


def m011_listing_page_url(db: sqlite_utils.Database) -> None:
    """The address a crawl asked for to read a listing's page, where the listing's own URL is another.

    A sitemap names a product page by the address the shop lists, which may redirect
    to the page's final address (or name a page of several products, each with its own
    URL); the listing keeps the final one in ``url``. Without the address asked for,
    the sitemap spider's look-up (:meth:`crawler.store.lookup.ListingLookup.known_at_urls`)
    never recognises such a page and fetches it every night. NULL when the two are the
    same, so the index (partial) holds only the listings that need it.
    """
    db.execute("ALTER TABLE listings ADD COLUMN page_url TEXT")
    db.execute("CREATE INDEX idx_listings_page_url ON listings (marketplace, page_url) WHERE page_url IS NOT NULL")


def m012_trader_relinks(db: sqlite_utils.Database) -> None:
    """An officer's undo of an unlink: append-only, like the unlinks it takes back.

    ``trader_unlinks`` cannot be edited or deleted, so taking an unlink back is a
    row of its own, naming the unlink (once: ``UNIQUE``), who, why and when. A link
    is held apart while it has an unlink without a relink
    (:func:`crawler.store.link_decisions.held_apart`).
    """
    db.execute(
        """
        CREATE TABLE trader_relinks (
            id INTEGER PRIMARY KEY,
            unlink_id INTEGER NOT NULL UNIQUE REFERENCES trader_unlinks (id),
            link_id INTEGER NOT NULL REFERENCES trader_links (id),
            relinked_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            relinked_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_trader_unlinks_link ON trader_unlinks (link_id)")
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER trader_relinks_no_{event.lower()} BEFORE {event} ON trader_relinks"
            " BEGIN SELECT RAISE(ABORT, 'relinks are append-only'); END"
        )


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_core_tables", m001_core_tables),
    ("002_listing_search", m002_listing_search),
    ("003_search_index_on_text_changes_only", m003_search_index_on_text_changes_only),
    ("004_crawl_run_watch", m004_crawl_run_watch),
    ("005_incremental_state_and_trader_entities", m005_incremental_state_and_trader_entities),
    ("006_scheduled_runs", m006_scheduled_runs),
    ("007_evidence", m007_evidence),
    ("008_review_app", m008_review_app),
    ("009_delisted_listings", m009_delisted_listings),
    ("010_listings_by_url", m010_listings_by_url),
    ("011_listing_page_url", m011_listing_page_url),
    ("012_trader_relinks", m012_trader_relinks),
]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks, each atomically; return their names."""
    conn: sqlite3.Connection = db.conn
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    conn.commit()
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        # sqlite-utils commits DDL on its own; an explicit SAVEPOINT keeps each migration whole.
        conn.execute("SAVEPOINT migration")
        try:
            migration(db)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, datetime('now'))", (name,)
            )
        except BaseException:
            conn.execute("ROLLBACK TO migration")
            conn.execute("RELEASE migration")
            raise
        conn.execute("RELEASE migration")
        conn.commit()
        applied.append(name)
    return applied
