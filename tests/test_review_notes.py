"""Pilot tests of coach notes in the review app: saved whole when typed fast, edited, deleted;
and the trainee's card that says which session and reply a note is about."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_tui_support import type_text
from textual import events
from textual.pilot import Pilot
from textual.widgets import ListView, Static

from trainer.store import NoteRow, TurnRow, open_store
from trainer.tui.review.app import ReviewApp, build_review_app
from trainer.tui.review.session import SessionDetailScreen
from trainer.types import DIMENSIONS

NOTE = (
    "Good recap of the third visit and the 180 dollars; next time name the interview on Friday "
    "before you offer the loan laptop, all right?"
)


@pytest.fixture
def store(sqlite_url: str, scenario: Any) -> Iterator[Any]:
    opened = open_store(sqlite_url)
    row = opened.create_session("Priya Raman", scenario)
    opened.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Third time!", mood=70))
    opened.add_turn(
        TurnRow(
            session_id=row.id,
            idx=1,
            role="employee",
            text="Dana, a third visit for the same flicker.",
            scores=dict.fromkeys(DIMENSIONS, 60),
        )
    )
    yield opened
    opened.close()


async def _settle(app: ReviewApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_note_typed_fast_and_saved_at_once_is_whole(store: Any) -> None:
    assert len(NOTE) >= 130
    sid = store.list_sessions()[0].id
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(SessionDetailScreen(sid))
        await _settle(app, pilot)
        await pilot.press("N")
        await pilot.pause()
        # A burst, as from a fast typist or a terminal that sends a line at once: every key is
        # queued before any is handled, and ctrl+s comes right behind them.
        for char in NOTE:
            app.post_message(events.Key(char if char != " " else "space", char))
        app.post_message(events.Key("ctrl+s", None))
        await _settle(app, pilot)
    (note,) = store.notes(session_id=sid)
    assert note.text == NOTE and note.author == "Lead Lee"


async def test_edit_and_delete_a_note(store: Any) -> None:
    sid = store.list_sessions()[0].id
    store.add_note(NoteRow(session_id=sid, turn_idx=1, author="Lead Lee", text="First try"))
    store.mark_notes_seen([n.id for n in store.notes(session_id=sid) if n.id])
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(SessionDetailScreen(sid))
        await _settle(app, pilot)
        detail = app.screen
        await pilot.press("4")
        await _settle(app, pilot)
        assert detail.query_one("#notes-list", ListView).index == 0
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end")
        await type_text(pilot, " and more")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        (note,) = store.notes(session_id=sid)
        assert note.text == "First try and more" and note.edited is not None
        assert not note.seen  # the trainee sees the changed note again
        shown = " ".join(str(s.render()) for s in detail.query("#notes-list Static"))
        assert "First try and more" in shown and "edited" in shown
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")  # no: kept
        await _settle(app, pilot)
        assert len(store.notes(session_id=sid)) == 1
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        assert store.notes(session_id=sid) == []
        assert str(detail.query_one("#notes-text", Static).render()).startswith("No coach notes")


def test_the_trainees_card_names_the_session_and_quotes_the_reply(store: Any) -> None:
    sid = store.list_sessions()[0].id
    store.add_note(NoteRow(session_id=sid, turn_idx=1, author="Lead Lee", text="Nice"))
    store.add_note(NoteRow(session_id=sid, turn_idx=None, author="Lead Lee", text="Overall"))
    on_reply, on_session = store.note_cards("Priya Raman")
    assert on_reply.scenario_title == "The laptop that came back broken"
    assert on_reply.quote == "Dana, a third visit for the same flicker."
    assert on_session.quote is None and on_session.session_started is not None
    assert store.note_cards("Tom") == []
