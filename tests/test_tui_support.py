"""Helpers shared by the practice-app tests: build the app like the CLI does, wait on its state.

No tests live here; the Pilot and snapshot test modules import these helpers and fixtures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SEED = 7
TRAINEE = "ana"
GOOD_REPLY = (
    "Dana, I'm so sorry: this is your third visit for the same flicker after you paid "
    "for the repair, and it still isn't fixed. That's not okay."
)


@pytest.fixture(name="store")
def store_fixture(tmp_path: Path) -> Iterator[Any]:
    from trainer.store import open_store

    opened = open_store(f"sqlite:///{tmp_path / 'tui.db'}")
    yield opened
    opened.close()


def make_app(
    library: Any,
    grader: Any,
    store: Any,
    *,
    customer: Any = None,
    scenario_id: str | None = None,
    resume_id: str | None = None,
    trainee: str = TRAINEE,
) -> Any:
    """The app exactly as `practice` builds it, with the test's grader, store and customer."""
    from trainer.customer import make_backend
    from trainer.tui.app import build_app
    from trainer.tui.services import EngineOptions

    return build_app(
        library,
        trainee,
        options=EngineOptions(customer="scripted", seed=SEED),
        store=store,
        grader=grader,
        customer=customer or make_backend("scripted"),
        scenario=library.get(scenario_id) if scenario_id else None,
        resume_id=resume_id,
        theme="textual-dark",
    )


async def wait_for(pilot: Any, check: Callable[[], object], timeout: float = 60.0) -> None:
    """Let the app run until `check()` is true (workers report back by messages).

    Each round lets every widget handle what is queued, then sleeps briefly; a short sleep
    keeps the test from idling long after the state it waits for has arrived."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


async def session_ready(pilot: Any) -> Any:
    """Wait until the practice screen has its engine session; return the screen."""
    app = pilot.app
    await wait_for(pilot, lambda: screen_name(app) == "PracticeScreen")
    await wait_for(pilot, lambda: app.screen.session is not None)
    return app.screen


async def reply(pilot: Any, text: str) -> None:
    """Put `text` in the reply box, press Enter and wait for the customer's answer."""
    from trainer.tui.practice.reply_box import ReplyBox

    screen = pilot.app.screen
    box = screen.query_one(ReplyBox)
    box.text = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: not screen.busy)


def quiet_cursors(app: Any) -> None:
    """Stop cursor blinking so screenshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in [*screen.query(TextArea), *screen.query(Input)]:
            widget.cursor_blink = False
            if isinstance(widget, TextArea):
                # TextArea caches a line drawn in the blink's "off" phase under the same key
                # that blink-off uses, so the frame would keep whichever phase a busy machine
                # happened to catch. Drop the cache; the line is drawn again with the cursor.
                widget._line_cache.clear()
            widget.refresh()


async def type_text(pilot: Any, text: str) -> None:
    """Type `text` into the focused widget the way a fast typist does: every key event is
    queued at once, in order, as in test_a_fast_burst_of_keys_loses_nothing, then the app
    settles. (`pilot.press` waits for the whole process to go idle after every key, at least
    40 ms a key.) Press keys that move focus or open screens with `pilot.press`."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for ch in text:
        app.post_message(events.Key(ch if ch.isalnum() else _character_to_key(ch), ch))
    # Once for the app to hand every key to the focused widget, once for the widget to
    # handle them, once for the messages that posts (Input.Changed) to reach its parents.
    for _ in range(3):
        await pilot.pause()
