"""The same store and engine on a real PostgreSQL server started by the test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_session import GOOD
from tests.test_store import SCORES, fill
from trainer import cli
from trainer.engine.session import Session
from trainer.report.sessions import scored_sessions
from trainer.store import NoteRow, open_store
from trainer.store.migrations import MIGRATIONS


def test_round_trip(pg_url: str, scenario: Any) -> None:
    store = open_store(pg_url)
    assert store.dialect == "postgresql"
    sid = fill(store, scenario)
    turns = store.turns(sid)
    assert turns[1].scores == SCORES and turns[3].signals == {"apologized": True}
    assert turns[0].created.utcoffset() is not None
    store.add_note(NoteRow(session_id=sid, turn_idx=1, author="lead", text="Nice"))
    store.retract_turns(sid, 3)
    summary = scored_sessions(store, trainee="ann")[0]
    assert summary.turns == 3 and summary.averages["listening"] == 80.0
    assert store.latest_incomplete("ann", scenario.id).id == sid  # type: ignore[union-attr]
    store.close()
    again = open_store(pg_url)  # reopening migrates nothing twice
    with again.engine.connect() as conn:
        names = conn.exec_driver_sql("SELECT name FROM _migrations ORDER BY name").scalars().all()
    assert names == sorted(n for n, _ in MIGRATIONS)
    assert again.delete_session(sid) and again.notes(session_id=sid) == []


def test_engine_session_and_resume_on_postgres(
    pg_url: str,
    scenario: Any,
    grader: Any,
    scripted_customer: Any,
) -> None:
    store = open_store(pg_url)
    session = Session.start(scenario, "ann", store, grader, scripted_customer, seed=2)
    session.submit(GOOD[0])
    back = Session.resume(session.id, scenario, open_store(pg_url), grader, scripted_customer)
    assert (back.mood, back.stage.id) == (session.mood, session.stage.id)
    for reply in GOOD[1:]:
        if back.finished:
            break
        back.submit(reply)
    assert back.outcome == "resolved"
    assert store.get_session(session.id).outcome == "resolved"  # type: ignore[union-attr]


def test_push_from_sqlite_keeps_ids_and_never_duplicates(
    tmp_path: Path,
    pg_url: str,
    scenario: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    local = open_store(local_url)
    ids = {fill(local, scenario, "ann"), fill(local, scenario, "bob")}
    local.add_note(NoteRow(session_id=sorted(ids)[0], author="ann", text="note"))
    # A plain postgresql:// URL works (mapped to the psycopg driver).
    assert pg_url.startswith("postgresql://")
    for expected in (2, 0):
        assert cli.main(["sessions", "push", "--to", pg_url, "--db", local_url]) == 0
        assert f"pushed {expected} session(s)" in capsys.readouterr().out
    assert cli.main(["sessions", "list", "--json", "--db", pg_url]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["session_id"] for i in items} == ids and all(i["turns"] == 5 for i in items)
    team = open_store(pg_url)
    assert len(team.notes()) == 1
    for sid in ids:
        assert [t.text for t in team.turns(sid)] == [t.text for t in local.turns(sid)]
