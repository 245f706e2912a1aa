"""The store on real SQLite files: schema migrations, commits, errors, concurrency, push."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trainer.report.sessions import scored_sessions
from trainer.store import NoteRow, Store, StoreError, TurnRow, new_session_id, open_store
from trainer.store.migrations import MIGRATIONS

SCORES = {"listening": 80, "acknowledgement": 60, "apology": 40, "personalization": 20}


def fill(store: Store, scenario: Any, trainee: str = "ann", replies: int = 2) -> str:
    """A session with an opening line and `replies` exchanges; returns its id."""
    row = store.create_session(trainee, scenario, seed=7)
    idx = 0
    store.add_turn(TurnRow(session_id=row.id, idx=idx, role="customer", text="opening", mood=70))
    for n in range(replies):
        idx += 1
        store.add_turn(
            TurnRow(
                session_id=row.id,
                idx=idx,
                role="employee",
                text=f"reply {n}",
                scores=SCORES,
                evidence={"listening": "quoted"},
                mood=60 - n,
                signals={"apologized": n == 1},
                facts_used=["third-visit"],
            )
        )
        idx += 1
        store.add_turn(
            TurnRow(session_id=row.id, idx=idx, role="customer", text=f"answer {n}", mood=60 - n)
        )
    return row.id


def test_new_file_is_migrated_in_wal_mode_with_every_migration_recorded(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"trainees", "sessions", "turns", "notes", "_migrations"} <= tables
    with store.engine.connect() as c:
        assert (c.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 10000
    store.close()
    open_store(sqlite_url).close()  # reopening applies nothing twice
    assert conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_old_database_is_upgraded_step_by_step(tmp_path: Path, scenario: Any) -> None:
    from sqlalchemy import create_engine

    from trainer.store.schema import migrations_table

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    name, first = MIGRATIONS[0]
    with engine.begin() as conn:  # a database written by the first release
        migrations_table.create(conn)
        first(conn)
        conn.execute(migrations_table.insert().values(name=name, applied=datetime.now(UTC)))
    engine.dispose()
    store = open_store(f"sqlite:///{path}")
    sid = fill(store, scenario)
    assert store.turns(sid)[1].facts_used == ["third-visit"]  # a column added by a later step
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(turns)")}
    assert {"signals", "facts_used", "model_reply"} <= cols


def test_session_turn_and_note_round_trip(sqlite_url: str, scenario: Any) -> None:
    store = open_store(sqlite_url)
    sid = fill(store, scenario)
    row = store.get_session(sid)
    assert row is not None and row.trainee == "ann" and row.scenario_id == scenario.id
    assert row.started.tzinfo is not None and row.ended is None and row.seed == 7
    turns = store.turns(sid)
    assert [t.idx for t in turns] == [0, 1, 2, 3, 4]
    assert turns[1].scores == SCORES and turns[1].evidence == {"listening": "quoted"}
    assert turns[3].signals == {"apologized": True}
    assert store.latest_incomplete("ann", scenario.id) == row
    assert store.next_turn_idx(sid) == 5

    assert store.retract_turns(sid, 3) == 2
    assert [t.idx for t in store.turns(sid)] == [0, 1, 2]
    assert [t.retracted for t in store.turns(sid, include_retracted=True)][-2:] == [True, True]
    assert store.next_turn_idx(sid) == 5  # retracted turns keep their idx

    summary = store.list_sessions()[0]
    assert summary.turns == 3
    assert not hasattr(summary, "averages"), "the store computes no scores"
    scored = scored_sessions(store)[0]
    assert scored.turns == 3 and scored.averages["listening"] == 80.0
    # Only the live reply's scores come back, not its retracted successor's.
    assert [r.scores for r in store.reply_scores([sid])[sid]] == [SCORES]

    note = store.add_note(NoteRow(session_id=sid, turn_idx=1, author="lead", text="Good start"))
    assert note.id is not None
    assert [n.text for n in store.notes(trainee="ann", unseen_only=True)] == ["Good start"]
    store.mark_notes_seen([note.id])
    assert store.notes(session_id=sid, unseen_only=True) == []

    store.finish_session(sid, "resolved")
    assert store.get_session(sid).outcome == "resolved"  # type: ignore[union-attr]
    assert store.latest_incomplete("ann") is None
    assert store.delete_session(sid) is True
    assert store.delete_session(sid) is False
    assert store.turns(sid, include_retracted=True) == [] and store.notes(session_id=sid) == []


def test_filters_and_order(sqlite_url: str, scenario: Any) -> None:
    store = open_store(sqlite_url)
    first = fill(store, scenario, "ann", replies=1)
    second = fill(store, scenario, "bob", replies=0)
    assert [s.id for s in store.list_sessions()] == [second, first]  # newest first
    assert [s.id for s in store.list_sessions(trainee="ann")] == [first]
    assert store.list_sessions(scenario="other") == []
    assert scored_sessions(store, trainee="bob")[0].averages["apology"] is None
    assert store.trainees() == ["ann", "bob"]


def test_session_ids_are_short_unique_and_sortable() -> None:
    ids = [new_session_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 16 and i.isalnum() for i in ids)
    assert ids[0][:8] <= ids[-1][:8]


def _garbage(d: Path) -> Path:
    path = d / "x.db"
    path.write_bytes(b"hello, not sqlite" * 100)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_garbage, "not an SQLite"),
        (lambda d: d / "missing" / "x.db", "does not exist"),
        (lambda d: d, "is a folder"),
    ],
)
def test_unusable_files_give_one_line(tmp_path: Path, make: Any, expected: str) -> None:
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{path}")
    assert expected in str(err.value) and "\n" not in str(err.value)
    if before is not None:
        assert path.read_bytes() == before  # a corrupt file is left exactly as it was


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://nobody@127.0.0.1:1/none", "cannot connect"),
        ("mysql://x@localhost/y", "unsupported database"),
        ("not a url", "not a database URL"),
    ],
)
def test_bad_urls_give_one_line(url: str, expected: str) -> None:
    with pytest.raises(StoreError) as err:
        open_store(url)
    assert expected in str(err.value) and "\n" not in str(err.value)


WRITER = textwrap.dedent(
    """
    import sys
    from trainer.scenarios import load_scenario_file
    from trainer.store import TurnRow, open_store
    from trainer import locations
    scenario, _ = load_scenario_file(locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml")
    store = open_store(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()  # both start writing together, when the test says go
    for s in range(3):
        row = store.create_session(sys.argv[2], scenario)
        for i in range(100):
            store.add_turn(TurnRow(session_id=row.id, idx=i, role="customer", text=f"{i}"))
    print("ok")
    """
)


def test_two_processes_write_one_file_at_once(sqlite_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, sqlite_url, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ann", "bob")
    ]
    for proc in procs:  # both have the store open before either writes
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            pytest.fail(f"a writer failed to start: {proc.communicate(timeout=120)[1]}")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "ok", (out, err)
    store = open_store(sqlite_url)
    sessions = store.list_sessions()
    assert sorted(s.trainee for s in sessions) == ["ann"] * 3 + ["bob"] * 3
    assert all(s.turns == 100 for s in sessions)


def test_push_copies_without_duplicates(tmp_path: Path, scenario: Any) -> None:
    local = open_store(f"sqlite:///{tmp_path / 'local.db'}")
    team = open_store(f"sqlite:///{tmp_path / 'team.db'}")
    sid = fill(local, scenario)
    local.add_note(NoteRow(session_id=sid, author="ann", text="self-review"))
    assert local.push_to(team) == 1
    assert local.push_to(team) == 0
    assert [t.text for t in team.turns(sid)] == [t.text for t in local.turns(sid)]
    assert len(team.notes(session_id=sid)) == 1

    # The session goes on locally (a retraction, a new turn, the end): a second push syncs it.
    local.retract_turns(sid, 3)
    local.add_turn(TurnRow(session_id=sid, idx=5, role="employee", text="retry", scores=SCORES))
    local.finish_session(sid, "resolved")
    assert local.push_to(team) == 1
    assert [t.text for t in team.turns(sid)] == [t.text for t in local.turns(sid)]
    assert team.get_session(sid).outcome == "resolved"  # type: ignore[union-attr]
    assert len(team.turns(sid, include_retracted=True)) == 6
