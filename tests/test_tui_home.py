"""Pilot tests of the home screen: filters, remembered trainee, recent sessions, coach notes."""

from __future__ import annotations

from typing import Any

from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    GOOD_REPLY,
    TRAINEE,
    library_fixture,
    make_app,
    store_fixture,
    wait_for,
)
from textual.widgets import DataTable, Input, OptionList, Select


def option_ids(app: Any) -> list[str]:
    options = app.screen.query_one("#scenarios", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_filters_narrow_the_library(library: Any, grader: Any, store: Any) -> None:
    app = make_app(library, grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        everything = option_ids(app)
        assert everything == [s.id for s in library.scenarios]
        app.screen.query_one("#sector", Select).value = "retail"
        await pilot.pause()
        retail = option_ids(app)
        assert retail and all(library.get(i).sector == "retail" for i in retail)
        assert len(retail) < len(everything)
        app.screen.query_one("#level", Select).value = 2
        await pilot.pause()
        assert all(library.get(i).difficulty == 2 for i in option_ids(app))
        app.screen.query_one("#sector", Select).clear()
        app.screen.query_one("#level", Select).clear()
        # "/" from the list jumps to the search box; typed there, it is text.
        assert app.focused is app.screen.query_one("#scenarios")
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press(*"dana flicker")
        assert option_ids(app) == ["retail-laptop-repair"]
        detail = str(app.screen.query_one("#scenario-detail").render())
        assert library.get("retail-laptop-repair").objectives[0] in detail
        await pilot.press(*"zzz")
        assert option_ids(app) == []
        assert "No scenario matches" in str(app.screen.query_one("#scenario-detail").render())


async def test_trainee_name_is_remembered(library: Any, grader: Any, store: Any) -> None:
    from trainer.config import load_settings

    app = make_app(library, grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        name = app.screen.query_one("#trainee", Input)
        assert name.value == TRAINEE
        name.focus()
        name.value = ""
        await pilot.press(*"Sam Lee", "enter")
        await app.workers.wait_for_complete()
        assert app.trainee == "Sam Lee"
        assert load_settings().trainee == "Sam Lee"


async def test_recent_sessions_and_coach_notes(library: Any, grader: Any, store: Any) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session
    from trainer.store import NoteRow

    scenario = library.get("retail-laptop-repair")
    done = Session.start(scenario, TRAINEE, store, grader, make_backend("scripted"), seed=1)
    done.submit(GOOD_REPLY)
    done.end()
    store.add_note(NoteRow(session_id=done.id, author="Coach Kim", text="Great use of her name."))
    app = make_app(library, grader, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        table = app.screen.query_one("#recent", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        # Long titles are clipped at a word so outcome and scores stay in view.
        assert row[1] == "The laptop that came…" and row[2] == "ended early"
        averages = store.list_sessions(trainee=TRAINEE)[0].averages
        assert row[3] == str(round(averages["listening"]))
        notes = str(app.screen.query_one("#notes-box").render())
        assert "Coach Kim" in notes and "Great use of her name." in notes
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: not app.screen.notes)
        assert not app.screen.query_one("#notes-box").display
        assert store.notes(trainee=TRAINEE, unseen_only=True) == []
