"""Snapshots of the review app's key screens at 80x24 and 120x40 on fixed, real data.

Sessions are played for real (scripted customer, the fake grader of tests/fakes.py); ids and timestamps are then
pinned so the pictures do not change from run to run. Update with `--snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import update
from textual.pilot import Pilot
from textual.widgets import DataTable

from trainer.store import NoteRow, Store, open_store
from trainer.store import schema as S
from trainer.tui.review.app import ReviewApp, build_review_app

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
GOOD = (
    "Dana, this is your third visit for the same flicker after you paid 180 dollars. "
    "I'd be furious too."
)
STAKES = "With your interview on Friday and your work depending on this laptop, that's stressful."
PLAYS: list[tuple[str, list[str]]] = [
    ("Priya Raman", ["Did you bring your receipt?", GOOD, STAKES]),
    ("Tom Okafor", ["Calm down please.", "Sorry for any inconvenience."]),
    ("Priya Raman", [GOOD, STAKES]),
    ("Tom Okafor", [GOOD]),
]


def _pin(store: Store, session_id: str, start: datetime) -> None:
    """Fixed timestamps: the session starts at `start`, turn n is n*20 seconds later."""
    with store.engine.begin() as conn:
        conn.execute(
            update(S.sessions)
            .where(S.sessions.c.id == session_id)
            .values(started=start, ended=start + timedelta(minutes=5))
        )
        for turn in store.turns(session_id, include_retracted=True):
            conn.execute(
                update(S.turns)
                .where(S.turns.c.id == turn.id)
                .values(created=start + timedelta(seconds=20 * turn.idx))
            )


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, scenario: Any, fake_grader: Any
) -> Iterator[Store]:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    url = f"sqlite:///{tmp_path_factory.mktemp('snap') / 'sessions.db'}"
    opened = open_store(url)
    ids = count(1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("trainer.store.database.new_session_id", lambda: f"snap{next(ids):012d}")
        for n, (trainee, replies) in enumerate(PLAYS):
            session = Session.start(
                scenario, trainee, opened, fake_grader, make_backend("scripted"), seed=n
            )
            if n == 0:
                session.hint()
            for i, reply in enumerate(replies):
                if session.outcome is not None:
                    break
                session.submit(reply)
                if n == 0 and i == 0:
                    session.undo()
            session.end()
            _pin(opened, session.id, T0 + timedelta(days=n, hours=n))
    opened.add_note(
        NoteRow(
            session_id="snap000000000001",
            turn_idx=5,
            author="Lead Lee",
            text="Good recap of the third visit.",
            created=T0 + timedelta(days=5),
        )
    )
    yield opened
    opened.close()


def _app(store: Store) -> ReviewApp:
    return build_review_app(store, author="Lead Lee")


async def _settle(pilot: Pilot[Any]) -> None:
    """Workers done, their messages handled, layout and animations finished."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)


def _open_first(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        table = pilot.app.screen.query_one("#sessions-table", DataTable)
        table.move_cursor(row=table.row_count - 1)  # the oldest session: Priya's first
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press(*keys)
        await _settle(pilot)

    return run


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_sessions_table(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(_app(store), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_session_transcript(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(_app(store), terminal_size=size, run_before=_open_first())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_session_charts(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(_app(store), terminal_size=size, run_before=_open_first("2"))


def test_session_debrief(snap_compare: Any, store: Store) -> None:
    assert snap_compare(_app(store), terminal_size=(80, 24), run_before=_open_first("3"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_trends(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("t")
        await _settle(pilot)

    assert snap_compare(_app(store), terminal_size=size, run_before=run)
