"""Pilot tests of the home screen: filters, remembered trainee, recent sessions, coach notes."""

from __future__ import annotations

from typing import Any

from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    GOOD_REPLY,
    TRAINEE,
    make_app,
    store_fixture,
    type_text,
    wait_for,
)
from textual import events
from textual.widgets import DataTable, Input, OptionList, Select

from trainer.report.sessions import scored_sessions
from trainer.tui.practice.home import TABLE_HEADERS


def option_ids(app: Any) -> list[str]:
    options = app.screen.query_one("#scenarios", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_filters_narrow_the_library(library: Any, fake_grader: Any, store: Any) -> None:
    app = make_app(library, fake_grader, store)
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
        await type_text(pilot, "dana flicker")
        assert option_ids(app) == ["retail-laptop-repair"]
        detail = str(app.screen.query_one("#scenario-detail").render())
        assert library.get("retail-laptop-repair").objectives[0] in detail
        await type_text(pilot, "zzz")
        assert option_ids(app) == []
        assert "No scenario matches" in str(app.screen.query_one("#scenario-detail").render())


async def test_trainee_name_is_remembered(library: Any, fake_grader: Any, store: Any) -> None:
    from trainer.config import load_settings

    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        name = app.screen.query_one("#trainee", Input)
        assert name.value == TRAINEE
        name.focus()
        name.value = ""
        await type_text(pilot, "Sam Lee")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert app.trainee == "Sam Lee"
        assert load_settings().trainee == "Sam Lee"


async def test_name_is_saved_when_the_field_loses_focus(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from trainer.config import default_trainee, load_settings

    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        name = app.screen.query_one("#trainee", Input)
        name.focus()
        name.value = ""
        await type_text(pilot, "Sam Lee")
        await pilot.press("tab")  # no Enter: typed, then tabbed away
        await app.workers.wait_for_complete()
        assert app.focused is not name
        assert app.trainee == "Sam Lee"
        assert load_settings().trainee == "Sam Lee"
        # The session started next is stored under that name.
        await pilot.press("shift+tab", "shift+tab")
        app.screen.query_one("#scenarios", OptionList).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "session", None) is not None)
        assert app.screen.session.trainee == "Sam Lee"
    # After a restart (the CLI reads the trainee from the settings) the field shows it.
    again = make_app(library, fake_grader, store, trainee=default_trainee(load_settings()))
    async with again.run_test(size=(80, 24)):
        assert again.screen.query_one("#trainee", Input).value == "Sam Lee"


async def test_enter_in_search_starts_the_only_match(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "retail")
        assert len(option_ids(app)) > 1
        await pilot.press("enter")  # several match: Enter moves to the list, starts nothing
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.focused is app.screen.query_one("#scenarios")
        search = app.screen.query_one("#search", Input)
        search.value = "insulin"
        await pilot.pause()
        assert option_ids(app) == ["health-insulin-not-ready"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PracticeScreen")
        assert app.screen.scenario.id == "health-insulin-not-ready"


async def test_a_fast_burst_of_keys_loses_nothing(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        # While the home screen's first load (store, models) is still arriving.
        search = app.screen.query_one("#search", Input)
        search.focus()
        burst = "insulin pen tonight"
        for ch in burst:  # all posted at once, no waiting between keys
            app.post_message(events.Key(" " if ch == " " else ch, ch))
        await pilot.pause()
        await wait_for(pilot, lambda: search.value == burst, timeout=10)
        name = app.screen.query_one("#trainee", Input)
        name.focus()
        name.value = ""
        await pilot.press(*"Priya Nair-Okonkwo")
        assert name.value == "Priya Nair-Okonkwo"
        assert search.value == burst


async def test_recent_sessions_fit_at_80_columns(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    scenario = library.get("hospitality-anniversary-room")
    done = Session.start(scenario, TRAINEE, store, fake_grader, make_backend("scripted"), seed=1)
    done.submit(GOOD_REPLY)
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        await pilot.pause()
        table = app.screen.query_one("#recent", DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers[3:] == list(TABLE_HEADERS.values())
        # Every column is inside the table: no horizontal scrolling, nothing cut.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        title = str(table.get_row_at(0)[1])
        assert title.endswith("…") and scenario.title.startswith(title[:-1].rstrip())
        assert scenario.title[len(title[:-1].rstrip())] == " "  # cut at a word
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert str(table.get_row_at(0)[1]) == scenario.title


async def test_recent_sessions_and_coach_notes(library: Any, fake_grader: Any, store: Any) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session
    from trainer.store import NoteRow

    scenario = library.get("retail-laptop-repair")
    done = Session.start(scenario, TRAINEE, store, fake_grader, make_backend("scripted"), seed=1)
    done.submit(GOOD_REPLY)
    done.end()
    store.add_note(NoteRow(session_id=done.id, author="Coach Kim", text="Great use of her name."))
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.loaded)
        table = app.screen.query_one("#recent", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        # At 120 columns the whole title fits beside the outcome and the scores.
        assert row[1] == "The laptop that came back broken" and row[2] == "ended early"
        averages = scored_sessions(store, trainee=TRAINEE)[0].averages
        assert row[3] == str(round(averages["listening"]))
        notes = str(app.screen.query_one("#notes-box").render())
        assert "Coach Kim" in notes and "Great use of her name." in notes
        assert "New notes from your coach" in notes and "ctrl+o" in notes
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: all(n.seen for n in app.screen.notes))
        await pilot.pause()
        # Read, the note stays on the card (no longer "new"), so the trainee can reread it.
        after = str(app.screen.query_one("#notes-box").render())
        assert "Great use of her name." in after and "new ·" not in after
        assert "ctrl+o" not in after
        assert store.notes(trainee=TRAINEE, unseen_only=True) == []


async def test_the_home_screen_lists_what_the_lead_assigned(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from datetime import UTC, datetime

    due = datetime(2030, 3, 6, tzinfo=UTC)  # the end of 5 March
    store.assign("retail-laptop-repair", [TRAINEE], due, "Lee")
    store.assign("travel-lost-luggage", ["someone else"], None, "Lee")
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = app.screen.query_one("#assigned-box")
        assert box.display
        text = str(box.render())
        assert "The laptop that came back broken · due 05 Mar · pending" in text
        assert "lost" not in text.lower()  # someone else's


async def test_a_broken_file_is_skipped_with_a_located_warning(
    tmp_path: Any, fake_grader: Any, store: Any
) -> None:
    from pathlib import Path

    from trainer import locations
    from trainer.scenarios import load_library

    (Path(tmp_path) / "bomb.yaml").write_text("a: &a [1]\nb: *a\n", encoding="utf-8")
    library = load_library([locations.bundled_scenarios_dir(), Path(tmp_path)])
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any(
            f"Skipped {tmp_path}/bomb.yaml:1:4:" in m and f"scenarios validate {tmp_path}`" in m
            for m in shown
        ), shown
        assert len(option_ids(app)) == len(library.scenarios) >= 30  # the rest still load
