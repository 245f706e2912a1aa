"""Pilot tests of the lead's review app on real played sessions in a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_tui_support import type_text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, ListView, OptionList, Static

from trainer.store import open_store
from trainer.tui.review.app import ReviewApp, build_review_app
from trainer.tui.review.session import SessionDetailScreen
from trainer.tui.review.sessions import SessionsScreen
from trainer.tui.review.trends import TrendsScreen
from trainer.tui.review.turn import TurnItem

LISTEN = (
    "Dana, this is your third visit for the same flicker after you paid 180 dollars. "
    "I'd be furious too."
)


def _play(store: Any, scenario: Any, fake_grader: Any, trainee: str, replies: list[str]) -> str:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    session = Session.start(scenario, trainee, store, fake_grader, make_backend("scripted"), seed=4)
    session.hint()
    for reply in replies:
        session.submit(reply)
    return session.id


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, scenario: Any, fake_grader: Any) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'sessions.db'}"
    store = open_store(url)
    first = _play(store, scenario, fake_grader, "Priya Raman", ["Did you bring your receipt?"])
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    # Undo the weak reply, then a good one: the transcript keeps the retracted attempt.
    session = Session.resume(first, scenario, store, fake_grader, make_backend("scripted"))
    session.undo()
    session.submit(LISTEN)
    _play(store, scenario, fake_grader, "Tom Okafor", ["Right. What is the problem?", LISTEN])
    _play(store, scenario, fake_grader, "Tom Okafor", ["Sorry for any inconvenience."])
    store.close()
    yield url


@pytest.fixture
def store(db: str) -> Iterator[Any]:
    opened = open_store(db)
    yield opened
    opened.close()


async def _settle(app: ReviewApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _trainees(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_table_lists_every_session_and_filters(store: Any) -> None:
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        table = screen.query_one(DataTable)
        assert sorted(_trainees(table)) == ["Priya Raman", "Tom Okafor", "Tom Okafor"]
        await pilot.press("slash")
        assert app.focused is screen.query_one("#filter-trainee", Input)
        await type_text(pilot, "tom")
        await pilot.pause()
        assert _trainees(table) == ["Tom Okafor", "Tom Okafor"]
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "2000-13-01")  # not a date: marked, ignored
        await pilot.pause()
        assert screen.query_one("#filter-date_from", Input).has_class("-bad-date")
        assert table.row_count == 2
        await pilot.press("tab")
        await type_text(pilot, "2000-01-02")  # `to` a day long before any session
        await pilot.pause()
        assert table.row_count == 0
        assert "0 of 3" in str(screen.query_one("#sessions-title", Static).render())


async def test_sort_by_keyboard(store: Any) -> None:
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        table = screen.query_one(DataTable)
        await pilot.press("s", "s")  # date -> outcome -> listening (highest first)
        assert screen.sort_column == "listening" and screen.sort_reverse
        numbers = [float(str(table.get_row_at(i)[5])) for i in range(table.row_count)]
        assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) > 1
        await pilot.press("S")
        again = [float(str(table.get_row_at(i)[5])) for i in range(table.row_count)]
        assert again == sorted(numbers)


async def test_open_session_shows_transcript_and_saves_notes(store: Any) -> None:
    priya = next(s for s in store.list_sessions() if s.trainee == "Priya Raman")
    turns = store.turns(priya.id, include_retracted=True)
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(priya.id))
        await pilot.press("enter")
        await _settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen)
        items = list(detail.query(TurnItem))
        assert [i.turn.text for i in items] == [t.text for t in turns]
        assert [i.has_class("-retracted") for i in items] == [t.retracted for t in turns]
        graded = next(i for i in items if i.turn.scores and not i.turn.retracted)
        shown = str(graded.query_one(Static).render())
        assert all(str(v) in shown for v in (graded.turn.scores or {}).values())
        assert "[hint used]" in str(items[1].query_one(Static).render())
        # Note on the highlighted reply.
        listing = detail.query_one(ListView)
        listing.index = items.index(graded)
        await pilot.press("n")
        await type_text(pilot, "Great recap")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        # Note on the whole session, from another tab.
        await pilot.press("3", "N")
        await type_text(pilot, "Try naming Friday")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        notes = store.notes(session_id=priya.id)
        assert [(n.turn_idx, n.text, n.author) for n in notes] == [
            (graded.turn.idx, "Great recap", "Lead Lee"),
            (None, "Try naming Friday", "Lead Lee"),
        ]
        unseen = store.notes(trainee="Priya Raman", unseen_only=True)
        assert len(unseen) == 2  # what the trainee's home screen shows next time
        await pilot.press("4")
        await _settle(app, pilot)
        shown = [str(s.render()) for s in detail.query("#notes-list Static")]
        assert any("Great recap" in text for text in shown)
        await pilot.press("escape")
        assert isinstance(app.screen, SessionsScreen)


async def test_escape_cancels_a_note(store: Any) -> None:
    sid = store.list_sessions()[0].id
    before = len(store.notes(session_id=sid))
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        app.push_screen(SessionDetailScreen(sid))
        await _settle(app, pilot)
        await pilot.press("N")
        await type_text(pilot, "never mind")
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, SessionDetailScreen)
    assert len(store.notes(session_id=sid)) == before


async def test_trends_per_team_and_trainee(store: Any) -> None:
    app = build_review_app(store, author="Lead Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("t")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        who = screen.query_one(OptionList)
        labels = [str(who.get_option_at_index(i).prompt) for i in range(who.option_count)]
        assert labels == ["Team", "Priya Raman (1)", "Tom Okafor (2)"]
        weakest = str(screen.query_one("#trends-weakest", Static).render())
        assert "Team, weakest dimensions" in weakest
        assert "The laptop that came back broken" in weakest
        assert screen.report is not None
        first_dim = screen.report.weakest_dimensions[0][0]
        assert weakest.index(first_dim) < weakest.index("Weakest scenarios")
        await pilot.press("down", "down")
        assert who.highlighted == 2
        await pilot.pause()
        # The weakest panel follows the selection: Tom's own dimensions, weakest first.
        weakest = str(screen.query_one("#trends-weakest", Static).render())
        toms = screen.report.trainee_weakest["Tom Okafor"]
        assert weakest.startswith("Tom Okafor, weakest dimensions: ")
        assert f"{toms[0][0]} {toms[0][1]:.0f}" in weakest
        table = str(screen.query_one("#trends-table", Static).render()).splitlines()
        assert table[0].startswith("trainee  (± 7d)")
        assert table[1].startswith("Priya Raman") and table[2].startswith("Tom Okafor")
        await pilot.press("escape")
        assert isinstance(app.screen, SessionsScreen)


def test_cli_review_unreachable_db_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.cli import main

    assert main(["review", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("empathy-trainer:") and len(err.splitlines()) == 1
