"""Pilot tests: the lead assigns a scenario from the review app and sees who did it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_tui_support import type_text
from textual.pilot import Pilot
from textual.widgets import DataTable

from trainer.store import TurnRow, open_store
from trainer.tui.review.app import ReviewApp, build_review_app
from trainer.tui.review.assignments import AssignmentsScreen

SCENARIO = "retail-laptop-repair"


@pytest.fixture
def store(sqlite_url: str, scenario: Any) -> Iterator[Any]:
    opened = open_store(sqlite_url)
    for name in ("Sam Lee", "Tom Becker"):
        row = opened.create_session(name, scenario)
        opened.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
    yield opened
    opened.close()


async def _settle(app: ReviewApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _rows(screen: Any) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_assign_from_the_review_app_and_follow_it(store: Any, scenario: Any) -> None:
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssignmentsScreen) and _rows(screen) == []
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, SCENARIO)
        await pilot.press("enter")
        await type_text(pilot, "tom")
        await pilot.press("enter")
        await type_text(pilot, "2999-01-31")
        await pilot.press("enter")
        await _settle(app, pilot)
        assert _rows(screen) == [["Tom Becker", SCENARIO, "2999-01-31", "pending", "–"]]
        (row,) = store.assignments()
        assert row.assigned_by == "Lead Lee" and row.trainee == "Tom Becker"
        # Tom starts it: in progress, with the attempt listed.
        started = store.create_session("Tom Becker", scenario)
        await pilot.press("r")
        await _settle(app, pilot)
        ((_, _, _, status, attempts),) = _rows(screen)
        assert status == "in progress" and "unfinished" in attempts
        store.finish_session(started.id, "resolved")
        # The whole team, from the same form.
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, SCENARIO)
        await pilot.press("enter")
        await type_text(pilot, "team")
        await pilot.press("enter", "enter")
        await _settle(app, pilot)
        rows = {r[0]: r for r in _rows(screen)}
        assert set(rows) == {"Sam Lee", "Tom Becker"}
        assert rows["Sam Lee"][3] == "pending" and rows["Tom Becker"][2] == "–"
        # A scenario that does not exist is one line, nothing assigned.
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "no-such")
        await pilot.press("enter")
        await type_text(pilot, "sam")
        await pilot.press("enter", "enter")
        await _settle(app, pilot)
        assert len(store.assignments()) == 2
