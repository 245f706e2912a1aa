"""Assignments: stored with a due date, and pending / in progress / completed per person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trainer.cli import main
from trainer.report.assignments import COMPLETED, IN_PROGRESS, PENDING, progress
from trainer.store import TurnRow, open_store

SCENARIO = "retail-laptop-repair"


def _session(url: str, scenario: Any, trainee: str, outcome: str | None, ended: bool) -> str:
    store = open_store(url)
    row = store.create_session(trainee, scenario)
    store.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
    if ended:
        store.finish_session(row.id, outcome)
    store.close()
    return row.id


def test_assign_and_follow_progress(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str], user_dirs: Path
) -> None:
    (user_dirs / "config").mkdir(exist_ok=True)
    (user_dirs / "config" / "config.toml").write_text('lead = "Coach Kim"\n', encoding="utf-8")
    for name in ("Tom Becker", "Sam Lee", "Priya Raman"):
        _session(sqlite_url, scenario, name, "resolved", ended=True)  # before: does not count
    args = ["assign", SCENARIO, "--db", sqlite_url]
    assert main([*args, "--to", "tom,Sam Lee", "--due", "2000-01-31", "--as", "Lead Lee"]) == 0
    out = capsys.readouterr().out
    assert "assigned retail-laptop-repair to 2 trainee(s), due 2000-01-31" in out
    assert "Tom Becker" in out and "Sam Lee" in out
    assert main([*args, "--team"]) == 0
    assert "to 3 trainee(s): Priya Raman, Sam Lee, Tom Becker" in capsys.readouterr().out
    store = open_store(sqlite_url)
    rows = store.assignments()
    # --as named the first assigner; the renewal by --team is the configured lead's.
    assert [r.assigned_by for r in rows] == ["Coach Kim"] * 3
    assert all(r.due is None for r in rows)  # --team without --due renewed them undated
    store.close()


def test_status_per_person(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("Tom Becker", "Sam Lee", "Priya Raman", "Ana Diaz"):
        _session(sqlite_url, scenario, name, "resolved", ended=True)
    assert main(["assign", SCENARIO, "--team", "--due", "2999-12-31", "--db", sqlite_url]) == 0
    capsys.readouterr()
    _session(sqlite_url, scenario, "Tom Becker", "walked_out", ended=True)
    _session(sqlite_url, scenario, "Sam Lee", None, ended=False)
    _session(sqlite_url, scenario, "Priya Raman", None, ended=True)  # ended early
    store = open_store(sqlite_url)
    rows = {p.assignment.trainee: p for p in progress(store)}
    assert rows["Tom Becker"].status == COMPLETED
    assert [a.outcome for a in rows["Tom Becker"].attempts] == ["walked_out"]
    assert rows["Sam Lee"].status == IN_PROGRESS
    assert rows["Priya Raman"].status == IN_PROGRESS
    assert rows["Priya Raman"].attempts[0].outcome == "ended_early"
    assert rows["Ana Diaz"].status == PENDING and not rows["Ana Diaz"].overdue
    # Past the due day, what is not completed is overdue.
    store.assign(SCENARIO, ["Ana Diaz"], datetime(2000, 1, 1, tzinfo=UTC), "lead")
    late = next(p for p in progress(store) if p.assignment.trainee == "Ana Diaz")
    assert late.overdue and late.status == PENDING
    assert store.assignments(trainee="Tom Becker")[0].scenario_id == SCENARIO
    store.close()
    assert main(["sessions", "assignments", "--json", "--db", sqlite_url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {p["assignment"]["trainee"]: p["status"] for p in listed}["Sam Lee"] == "in_progress"
    assert main(["sessions", "assignments", "--trainee", "ana", "--db", sqlite_url]) == 0
    assert (
        "Ana Diaz: retail-laptop-repair due 1999-12-31 · pending, overdue"
        in capsys.readouterr().out
    )
    assert main(["report", "--team", "--format", "md", "--db", sqlite_url]) == 0
    md = capsys.readouterr().out
    assert "## Assignments" in md and "completed" in md and "pending, overdue" in md


def test_assign_errors_are_one_line(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assign", "no-such-scenario", "--to", "x", "--db", sqlite_url]) == 1
    assert main(["assign", SCENARIO, "--team", "--db", sqlite_url]) == 1
    assert "nobody has practised" in capsys.readouterr().err
    assert main(["assign", SCENARIO, "--to", "x", "--due", "soon", "--db", sqlite_url]) == 1
    assert "--due" in capsys.readouterr().err


def test_assigning_again_renews(sqlite_url: str, scenario: Any) -> None:
    store = open_store(sqlite_url)
    (first,) = store.assign(SCENARIO, ["Tom"], None, "lead")
    (again,) = store.assign(SCENARIO, ["Tom"], datetime.now(UTC) + timedelta(days=3), "lead")
    assert again.id == first.id and again.assigned >= first.assigned and again.due is not None
    assert len(store.assignments()) == 1
    store.close()
