"""Ordered, named schema migrations recorded in `_migrations` (after simonw/llm's migrations.py).

Every migration is a function applied once, in order, and recorded by name, so an old database
is brought up to date step by step and never rebuilt. Add new ones at the end; never edit or
reorder applied ones. Each declares the tables as they were at its point in history, so later
changes to trainer/store_schema.py never change what an old migration does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)

from trainer.store.schema import migrations_table

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration, named after the function."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        "trainees",
        md,
        Column("name", String(200), primary_key=True),
        Column("created", DateTime(timezone=True), nullable=False),
    )
    Table(
        "sessions",
        md,
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
    Table(
        "turns",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "session_id", String(40), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
        ),
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
        UniqueConstraint("session_id", "idx", name="uq_turns_session_idx"),
    )
    Table(
        "notes",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "session_id", String(40), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False
        ),
        Column("turn_idx", Integer),
        Column("author", String(200), nullable=False),
        Column("text", Text, nullable=False),
        Column("created", DateTime(timezone=True), nullable=False),
        Column("seen", Boolean, nullable=False, default=False),
    )
    md.create_all(conn)


@migration
def m002_indexes(conn: Connection) -> None:
    md = MetaData()
    s = Table("sessions", md, autoload_with=conn)
    t = Table("turns", md, autoload_with=conn)
    n = Table("notes", md, autoload_with=conn)
    Index("ix_sessions_trainee_scenario", s.c.trainee, s.c.scenario_id).create(conn)
    Index("ix_sessions_started", s.c.started).create(conn)
    Index("ix_turns_session", t.c.session_id).create(conn)
    Index("ix_notes_session", n.c.session_id).create(conn)


@migration
def m003_turn_replay_columns(conn: Connection) -> None:
    # JSON is TEXT in SQLite and json in PostgreSQL; spell it per dialect for ALTER TABLE.
    json_type = "JSON" if conn.dialect.name == "postgresql" else "TEXT"
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN signals {json_type}"))
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN facts_used {json_type}"))
    conn.execute(text("ALTER TABLE turns ADD COLUMN model_reply TEXT"))


@migration
def m004_customer_line_columns(conn: Connection) -> None:
    json_type = "JSON" if conn.dialect.name == "postgresql" else "TEXT"
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN facts_said {json_type}"))
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN intent {json_type}"))


@migration
def m005_ended_early(conn: Connection) -> None:
    # A trainee who ended a session early used to leave outcome NULL, which read the same as
    # an unfinished session in exports and JSON; the outcome vocabulary now names it.
    conn.execute(
        text(
            "UPDATE sessions SET outcome = 'ended_early' WHERE ended IS NOT NULL AND outcome IS NULL"
        )
    )


@migration
def m006_turn_expects(conn: Connection) -> None:
    json_type = "JSON" if conn.dialect.name == "postgresql" else "TEXT"
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN expects {json_type}"))


@migration
def m007_team_settings_and_tombstones(conn: Connection) -> None:
    md = MetaData()
    # Team-wide values every client must agree on, e.g. the pseudonym key for exports.
    Table(
        "team_settings",
        md,
        Column("name", String(100), primary_key=True),
        Column("value", Text, nullable=False),
    )
    # A deleted session's id stays here so `sessions push` never copies it back.
    Table(
        "tombstones",
        md,
        Column("session_id", String(40), primary_key=True),
        Column("trainee", String(200), nullable=False),
        Column("deleted", DateTime(timezone=True), nullable=False),
    )
    md.create_all(conn)


@migration
def m008_assignments(conn: Connection) -> None:
    md = MetaData()
    # One row per scenario and trainee: assigning it again renews the date and the due date.
    t = Table(
        "assignments",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("scenario_id", String(80), nullable=False),
        Column("trainee", String(200), nullable=False),
        Column("due", DateTime(timezone=True)),
        Column("assigned", DateTime(timezone=True), nullable=False),
        Column("assigned_by", String(200), nullable=False),
        UniqueConstraint("scenario_id", "trainee", name="uq_assignments_scenario_trainee"),
    )
    md.create_all(conn)
    Index("ix_assignments_trainee", t.c.trainee).create(conn)


@migration
def m009_members(conn: Connection) -> None:
    md = MetaData()
    # Database logins on a shared PostgreSQL (team init): which trainee a login is, and
    # whether it is a trainee's or a lead's. Row-level security reads it.
    Table(
        "members",
        md,
        Column("login", String(63), primary_key=True),
        Column("trainee", String(200), nullable=False),
        Column("role", String(10), nullable=False),
    )
    md.create_all(conn)


@migration
def m010_note_edits(conn: Connection) -> None:
    moment = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    conn.execute(text(f"ALTER TABLE notes ADD COLUMN edited {moment}"))


def applied_migrations(conn: Connection) -> set[str]:
    return set(conn.execute(select(migrations_table.c.name)).scalars())


def migrate(conn: Connection) -> list[str]:
    """Apply pending migrations inside the caller's (locked) transaction; returns their names."""
    migrations_table.create(conn, checkfirst=True)
    done = applied_migrations(conn)
    applied: list[str] = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(migrations_table.insert().values(name=name, applied=datetime.now(UTC)))
        applied.append(name)
    return applied
