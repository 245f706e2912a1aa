"""Snapshots of the practice app's screens at 80x24 and 120x40 (update: pytest --snapshot-update).

Deterministic: fixed trainee, fixed seed, scripted customer, a one-scenario library, a fresh
database (no dates on screen) and no blinking cursors.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    GOOD_REPLY,
    make_app,
    quiet_cursors,
    reply,
    screen_name,
    session_ready,
    store_fixture,
    wait_for,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture(scope="module")
def one_scenario(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A library of just the reference scenario, so new library files don't move the snapshots."""
    from trainer import locations
    from trainer.scenarios import load_library

    folder = tmp_path_factory.mktemp("library")
    shutil.copy(locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml", folder)
    return load_library([Path(folder)])


async def _settle(pilot: Any) -> None:
    quiet_cursors(pilot.app)
    # A toast (e.g. "Took back your last reply") times out on the clock, not on the test.
    pilot.app.clear_notifications()
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES)
def test_home(
    snap_compare: Any, one_scenario: Any, fake_grader: Any, store: Any, size: Any
) -> None:
    app = make_app(one_scenario, fake_grader, store)

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.models_ready and app.screen.loaded)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


LONG_NAME = "Maximiliana Featherstonehaugh-Oyelaran"


@pytest.mark.parametrize("size", SIZES)
def test_home_long_names(
    snap_compare: Any, fake_grader: Any, store: Any, size: Any, tmp_path: Path
) -> None:
    """A long trainee name and a long scenario title in the recent sessions (fixed date)."""
    import sqlite3

    from trainer import locations
    from trainer.customer import make_backend
    from trainer.engine.session import Session
    from trainer.scenarios import load_library

    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(locations.bundled_scenarios_dir() / "hospitality-anniversary-room.yaml", folder)
    library = load_library([folder])
    scenario = library.scenarios[0]
    done = Session.start(scenario, LONG_NAME, store, fake_grader, make_backend("scripted"), seed=1)
    done.submit("Tomás, you booked a sea-view suite and we gave you the car park. I'm sorry.")
    done.end()
    db = store.url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sessions SET started = '2025-03-04 09:30:00.000000'")
    app = make_app(library, fake_grader, store, trainee=LONG_NAME)

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.models_ready and app.screen.loaded)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_practice_after_one_reply(
    snap_compare: Any, one_scenario: Any, fake_grader: Any, store: Any, size: Any
) -> None:
    app = make_app(one_scenario, fake_grader, store, scenario_id="retail-laptop-repair")

    async def run_before(pilot: Any) -> None:
        await session_ready(pilot)
        await wait_for(pilot, lambda: app.models_ready)
        await reply(pilot, GOOD_REPLY)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def _debrief_with_a_retry_and_a_hint(pilot: Any) -> None:
    app = pilot.app
    await session_ready(pilot)
    await reply(pilot, "Calm down, it's only a laptop.")
    await pilot.press("ctrl+b")
    await wait_for(pilot, lambda: app.screen.session.replies == 0 and not app.screen.busy)
    app.screen.query_one("#reply").text = ""
    await reply(pilot, "Did you bring your receipt?")
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: len(app.screen.query(".-hint")) == 1)
    await reply(pilot, GOOD_REPLY)
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen")


@pytest.mark.parametrize("size", SIZES)
def test_debrief(
    snap_compare: Any, one_scenario: Any, fake_grader: Any, store: Any, size: Any
) -> None:
    app = make_app(one_scenario, fake_grader, store, scenario_id="retail-laptop-repair")

    async def run_before(pilot: Any) -> None:
        await _debrief_with_a_retry_and_a_hint(pilot)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_debrief_improved_reply(
    snap_compare: Any, one_scenario: Any, fake_grader: Any, store: Any, size: Any
) -> None:
    """Scrolled to the coaching: the weakest reply improved, the retry and the hint."""
    app = make_app(one_scenario, fake_grader, store, scenario_id="retail-laptop-repair")

    async def run_before(pilot: Any) -> None:
        await _debrief_with_a_retry_and_a_hint(pilot)
        await _settle(pilot)
        app.screen.query_one("#debrief-weakest").scroll_visible(animate=False, top=True)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(
    snap_compare: Any, one_scenario: Any, fake_grader: Any, store: Any, size: Any
) -> None:
    app = make_app(one_scenario, fake_grader, store)

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.models_ready and app.screen.loaded)
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen_name(app) == "HelpScreen")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
