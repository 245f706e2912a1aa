"""Figures a lead can defend: hints after undo, expected dimensions, per-reply team means,
one outcome vocabulary (fake grader, scripted customer: fast)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from trainer.cli import main
from trainer.report.sessions import scored_sessions
from trainer.store import Store, TurnRow, open_store
from trainer.store.outcomes import outcome_status
from trainer.types import DIMENSIONS

LISTEN = "Dana, your third visit for the flicker after paying, that's so frustrating."
SORRY = "I'm sorry Dana, we failed you twice; I'll replace the panel today and refund you."


def _session(store: Store, scenario: Any, grader: Any, trainee: str = "Priya Raman") -> Any:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    return Session.start(scenario, trainee, store, grader, make_backend("scripted"), seed=1)


def test_hint_before_an_undone_reply_still_counts(
    sqlite_url: str, scenario: Any, fake_grader: Any
) -> None:
    from trainer.report import render_session, session_report

    store = open_store(sqlite_url)
    session = _session(store, scenario, fake_grader)
    session.hint()
    session.submit(LISTEN)
    assert session.undo()
    session.submit(LISTEN)
    assert session.debrief().hints_used == 1
    report = session_report(store, session.id, scenario)
    assert report.debrief.hints_used == 1 and report.debrief.retracted == 1
    assert "Hints used: 1." in render_session(report, "md")
    assert "Hints used: 1." in render_session(report, "html")
    store.close()


def test_a_dimension_the_stage_does_not_expect_is_left_out(
    sqlite_url: str, scenario: Any, fake_grader: Any
) -> None:
    from trainer.report import session_report

    first = scenario.stages[0]
    assert "apology" not in first.expects, "the library's opening stage expects no apology"
    store = open_store(sqlite_url)
    session = _session(store, scenario, fake_grader)
    session.submit(LISTEN)
    reply = store.turns(session.id)[1]
    assert reply.expects == list(first.expects) and reply.scores is not None
    assert "apology" in reply.scores, "still scored, shown with the reply"
    report = session_report(store, session.id, scenario)
    assert report.averages["apology"] is None
    assert report.averages["listening"] == reply.scores["listening"]
    (summary,) = scored_sessions(store)
    assert summary.averages["apology"] is None
    store.close()


def test_turns_from_before_expects_count_all_four(sqlite_url: str) -> None:
    from trainer.scoring import expected_scores

    scores = dict.fromkeys(DIMENSIONS, 50)
    old = TurnRow(session_id="s", idx=1, role="employee", text="x", scores=scores)
    new = old.model_copy(update={"expects": ["listening"]})
    assert expected_scores(old) == scores and expected_scores(new) == {"listening": 50}


def _add(store: Store, scenario: Any, trainee: str, replies: list[dict[str, int]]) -> str:
    row = store.create_session(trainee, scenario)
    store.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
    for i, scores in enumerate(replies, start=1):
        expects = [d for d in DIMENSIONS if d != "apology"] if i == 1 else None
        store.add_turn(
            TurnRow(
                session_id=row.id,
                idx=i,
                role="employee",
                text=f"reply {i}",
                scores=scores,
                expects=expects,
                hint_used=i == 2,
            )
        )
    return row.id


def test_team_figures_are_per_reply_means_from_the_export(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(sqlite_url)
    # One long session of low scores and one short of high: a mean of session means would
    # read 60 for listening; per reply it is (20*4 + 100) / 5 = 36.
    _add(store, scenario, "Tom Becker", [dict.fromkeys(DIMENSIONS, 20)] * 4)
    _add(store, scenario, "Tom Becker", [dict.fromkeys(DIMENSIONS, 100)])
    _add(store, scenario, "Tomas Ruiz", [dict.fromkeys(DIMENSIONS, 70)] * 2)
    store.close()
    assert main(["export", "--format", "jsonl", "--db", sqlite_url]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["report", "--team", "--format", "json", "--db", sqlite_url]) == 0
    team = json.loads(capsys.readouterr().out)
    for trainee in ("Tom Becker", "Tomas Ruiz"):
        stats = next(t for t in team["trainees"] if t["trainee"] == trainee)
        for dim in DIMENSIONS:
            counted = [
                r[dim]
                for r in rows
                if r["trainee"] == trainee
                and r["role"] == "employee"
                and not r["retracted"]
                and dim in r["expected"].split()
            ]
            assert stats["averages"][dim] == pytest.approx(sum(counted) / len(counted), abs=0.05)
    tom = next(t for t in team["trainees"] if t["trainee"] == "Tom Becker")
    assert tom["averages"]["listening"] == 36.0 and tom["replies"] == 5 and tom["hints"] == 1
    # The first reply of each session expected no apology: 3 of Tom's 5 apology scores count.
    assert tom["averages"]["apology"] == pytest.approx((20 * 3) / 3)
    assert "per-reply" in team["definitions"]["means"]
    # --trainee is a read filter: whole words, any case.
    assert (
        main(["report", "--team", "--format", "json", "--trainee", "tom", "--db", sqlite_url]) == 0
    )
    only = json.loads(capsys.readouterr().out)
    assert [t["trainee"] for t in only["trainees"]] == ["Tom Becker"]


def test_team_report_until_and_change_since_the_previous_period(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(sqlite_url)
    early = _add(store, scenario, "Sam Lee", [dict.fromkeys(DIMENSIONS, 40)])
    late = _add(store, scenario, "Sam Lee", [dict.fromkeys(DIMENSIONS, 70)])
    later = _add(store, scenario, "Sam Lee", [dict.fromkeys(DIMENSIONS, 10)])
    with store.engine.begin() as conn:
        for sid, day in ((early, "2026-11-20"), (late, "2026-11-27"), (later, "2026-12-05")):
            conn.execute(
                text("UPDATE sessions SET started = :d WHERE id = :i"),
                {"d": datetime.fromisoformat(day).replace(tzinfo=UTC), "i": sid},
            )
    store.close()
    args = ["report", "--team", "--format", "json", "--db", sqlite_url]
    assert main([*args, "--since", "2026-11-24", "--until", "2026-11-30"]) == 0
    team = json.loads(capsys.readouterr().out)
    (sam,) = team["trainees"]
    assert sam["sessions"] == 1 and sam["averages"]["listening"] == 70.0
    assert sam["change"]["listening"] == 30.0  # the 7 days before: 40
    assert main([*args, "--since", "2027-01-01"]) == 0
    assert "no sessions match" in capsys.readouterr().err


def test_one_outcome_vocabulary(sqlite_url: str, scenario: Any, fake_grader: Any) -> None:
    store = open_store(sqlite_url)
    session = _session(store, scenario, fake_grader)
    session.submit(LISTEN)
    session.end()
    unfinished = _session(store, scenario, fake_grader, trainee="Tom")
    rows = {r.id: r for r in store.list_sessions()}
    assert rows[session.id].outcome == "ended_early"
    assert rows[unfinished.id].outcome is None
    assert outcome_status(None, None) == "unfinished"
    store.close()


def test_migration_names_sessions_ended_early_before_it(sqlite_url: str, scenario: Any) -> None:
    from trainer.store.migrations import MIGRATIONS

    store = open_store(sqlite_url)
    row = store.create_session("Priya", scenario)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET ended = started, outcome = NULL"))
        conn.execute(text("DELETE FROM _migrations WHERE name = 'm005_ended_early'"))
    fn = dict(MIGRATIONS)["m005_ended_early"]
    with store.engine.begin() as conn:
        fn(conn)
    got = store.get_session(row.id)
    assert got is not None and got.outcome == "ended_early"
    store.close()


def test_trends_table_shows_week_over_week_change(sqlite_url: str, scenario: Any) -> None:
    from datetime import timedelta

    from trainer.report.team import team_stats
    from trainer.tui.review.trends import side_by_side

    store = open_store(sqlite_url)
    first = _add(store, scenario, "Sam Lee", [dict.fromkeys(DIMENSIONS, 40)])
    second = _add(store, scenario, "Sam Lee", [dict.fromkeys(DIMENSIONS, 70)])
    with store.engine.begin() as conn:
        for sid, day in ((first, "2026-11-20"), (second, "2026-11-30")):
            conn.execute(
                text("UPDATE sessions SET started = :d WHERE id = :i"),
                {"d": datetime.fromisoformat(day).replace(tzinfo=UTC), "i": sid},
            )
    sessions = store.list_sessions()
    replies = store.replies(s.id for s in sessions)
    store.close()
    latest = max(s.started for s in sessions)
    week = team_stats(sessions, replies, since=latest - timedelta(days=7))
    (sam,) = week.trainees
    assert sam.change["listening"] == 30.0
    lines = side_by_side(team_stats(sessions, replies), week).splitlines()
    # Apology: no reply here expected one (the first reply of a session), so no figure.
    assert lines[1].split() == ["Sam", "Lee", "55", "+30", "55", "+30", "–", "55", "+30"]
