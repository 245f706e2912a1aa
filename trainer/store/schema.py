"""The sessions database: its tables (as of the latest migration) and how to reach it.

The tables here are what queries use; trainer/migrations.py builds them step by step.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool

from trainer.errors import TrainerError

metadata = MetaData()

migrations_table = Table(
    "_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied", DateTime(timezone=True), nullable=False),
)

trainees = Table(
    "trainees",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("created", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("trainee", String(200), ForeignKey("trainees.name"), nullable=False),
    Column("scenario_id", String(80), nullable=False),
    Column("scenario_version", Integer, nullable=False),
    Column("scenario_title", Text, nullable=False),
    Column("sector", String(40), nullable=False),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("ended", DateTime(timezone=True)),
    Column("outcome", String(20)),
    Column("seed", Integer),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(40), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("role", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("scores", JSON),
    Column("evidence", JSON),
    Column("tip", Text),
    Column("mood", Integer),
    Column("latency_ms", Float),
    Column("source", String(10)),
    Column("stage_id", String(80)),
    Column("retracted", Boolean, nullable=False, default=False),
    Column("hint_used", Boolean, nullable=False, default=False),
    Column("created", DateTime(timezone=True), nullable=False),
    # Added by m003: what the engine needs to replay a session without grading again.
    Column("signals", JSON),
    Column("facts_used", JSON),
    Column("model_reply", Text),
    Column("facts_said", JSON),
    Column("intent", JSON),
    # Added by m006: the dimensions the stage expected of an employee reply.
    Column("expects", JSON),
    UniqueConstraint("session_id", "idx", name="uq_turns_session_idx"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(40), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_idx", Integer),
    Column("author", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("seen", Boolean, nullable=False, default=False),
    # Added by m010: when the lead last changed the note.
    Column("edited", DateTime(timezone=True)),
)

team_settings = Table(
    "team_settings",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("session_id", String(40), primary_key=True),
    Column("trainee", String(200), nullable=False),
    Column("deleted", DateTime(timezone=True), nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_id", String(80), nullable=False),
    Column("trainee", String(200), nullable=False),
    Column("due", DateTime(timezone=True)),
    Column("assigned", DateTime(timezone=True), nullable=False),
    Column("assigned_by", String(200), nullable=False),
    UniqueConstraint("scenario_id", "trainee", name="uq_assignments_scenario_trainee"),
)

members = Table(
    "members",
    metadata,
    Column("login", String(63), primary_key=True),
    Column("trainee", String(200), nullable=False),
    Column("role", String(10), nullable=False),
)


# --- reaching the database -------------------------------------------------------------------


class StoreError(TrainerError):
    """The database cannot be used; the message is one line saying what and where."""


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def normalize_url(url: str) -> str:
    """Accept sqlite:///path, a bare *.db path and postgresql://…; pick the psycopg driver."""
    url = url.strip()
    if "://" not in url and url.endswith((".db", ".sqlite", ".sqlite3")):
        return f"sqlite:///{Path(url).expanduser()}"
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for in-memory databases)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser()


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file (--db sqlite:///path/file.db)")
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: folder {path.parent} does not exist; create it or pick another --db"
        )
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"{path}: no permission to read and write this database file")
    elif not os.access(path.parent, os.W_OK):
        raise StoreError(f"{path}: cannot create a database in {path.parent} (no write permission)")


def _set_wal(cur: Any, attempts: int = 100) -> None:
    """Switch to WAL, waiting out another process that is creating the same file.

    Changing the journal mode needs an exclusive lock, and SQLite can report "database is
    locked" for it at once, without the busy handler, when two processes open a new file
    together; so retry here instead of failing the second one.
    """
    import sqlite3

    for attempt in range(attempts):
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        _check_sqlite_file(path)
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so the driver must not open transactions on its own.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        _set_wal(cur)
        # NORMAL is durable against a killed process in WAL mode (only power loss can drop
        # the last commits) and much faster than FULL for one commit per turn.
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front: a deferred transaction that reads then writes can
        # fail with SQLITE_BUSY at once instead of waiting out the busy timeout.
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def connect(url: str) -> Engine:
    """An Engine for `url`, configured for this app; raises StoreError for unusable URLs."""
    normalized = normalize_url(url)
    try:
        parsed = make_url(normalized)
    except ArgumentError:
        raise StoreError(
            f"'{url}' is not a database URL; use sqlite:///path/file.db or "
            "postgresql://user@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(normalized)
    if backend == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        except Exception as exc:  # a missing driver or a malformed query string
            raise StoreError(f"{safe_url(url)}: {_first_line(exc)}") from None
    raise StoreError(
        f"unsupported database '{backend}' in {safe_url(url)}; use sqlite:///path/file.db or "
        "postgresql://user@host/dbname"
    )


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
    return lines[0] if lines else type(orig).__name__


def describe_error(exc: BaseException, url: str) -> StoreError:
    """Turn a driver error into a one-line StoreError that says what to do."""
    where = safe_url(url)
    message = _first_line(exc)
    low = message.lower()
    if url.startswith("sqlite") or "://" not in url:
        path = sqlite_path(normalize_url(url))
        where = str(path) if path else where
        if "file is not a database" in low or "malformed" in low:
            return StoreError(f"{where}: not an SQLite database (corrupt, or another kind of file)")
        if "database is locked" in low:
            return StoreError(f"{where}: database is locked by another program; try again")
        if "readonly" in low or "read-only" in low:
            return StoreError(f"{where}: database is read-only")
        if "unable to open" in low:
            return StoreError(f"{where}: cannot open the database file")
        if "disk" in low and "full" in low:
            return StoreError(f"{where}: the disk is full")
        return StoreError(f"{where}: {message}")
    if "row-level security" in low:
        return StoreError(
            f"{where}: this database login may only write its own trainee's sessions; "
            "practise under the name your lead set for it (--trainee, or trainee in config.toml)"
        )
    if "permission denied" in low or "must be owner" in low:
        return StoreError(
            f"{where}: this database login may not do that ({message}); "
            "trainee logins see only their own sessions, leads' logins everything"
        )
    if isinstance(exc, OperationalError | InterfaceError) or "connect" in low:
        return StoreError(f"cannot connect to {where}: {message}")
    return StoreError(f"{where}: {message}")
