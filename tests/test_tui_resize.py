"""Resizing and resuming: the newest line stays in view, a too-small window gets a clear notice,
side-panel words are never cut, and a resumed session shows its stored state at once."""

from __future__ import annotations

import threading
from typing import Any

from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    GOOD_REPLY,
    TRAINEE,
    make_app,
    reply,
    session_ready,
    store_fixture,
    wait_for,
)

from trainer.customer.scripted import ScriptedCustomer
from trainer.tui.practice.context_panel import ContextPanel
from trainer.tui.practice.conversation import ConversationLog, Line
from trainer.tui.practice.mood_meter import MoodMeter
from trainer.tui.practice.score_chips import ScoreChip
from trainer.tui.widgets.too_small import TooSmall


def shown(widget: Any) -> str:
    return "\n".join(
        "".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height)
    )


def newest_in_view(log: ConversationLog) -> bool:
    last = list(log.query(Line))[-1]
    return last.region.y + last.region.height <= log.region.y + log.region.height and (
        last.region.height > 0
    )


async def test_newest_line_stays_in_view_through_resizes(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        for _ in range(3):
            await reply(pilot, GOOD_REPLY)
        log = screen.query_one(ConversationLog)
        for size in [(50, 15), (140, 45), (80, 24), (61, 20), (120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            if size[0] >= 60 and size[1] >= 20:
                assert log.max_scroll_y > 0 or size[1] > 30
                assert log.scroll_y == log.max_scroll_y, size
                assert newest_in_view(log), size


async def test_a_too_small_window_says_so(library: Any, fake_grader: Any, store: Any) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        notice = screen.query_one(TooSmall)
        assert not notice.display or notice.size.height == 0
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.has_class("-too-small")
        assert notice.size.width == 50 and "Make the window larger" in shown(notice)
        assert screen.query_one(ConversationLog).size.width == 0  # the layout is hidden
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.has_class("-too-small")
        assert screen.query_one(ConversationLog).size.width > 30


async def test_side_panel_words_are_never_cut(library: Any, fake_grader: Any, store: Any) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-birthday-bike")
    for size in [(80, 24), (120, 40)]:
        async with app.run_test(size=size) as pilot:
            screen = await session_ready(pilot)
            meter = screen.query_one(MoodMeter)
            meter.mood, meter.change = 88, 12
            await pilot.pause()
            text = shown(meter)
            assert "about to leave: 88/100 ▲12" in text, (size, text)
            for chip in screen.query(ScoreChip):
                assert "not yet" in shown(chip), (size, shown(chip))
            chip = screen.query(ScoreChip).first()
            chip.score = 100
            await pilot.pause()
            assert shown(chip).rstrip().endswith("100 strong"), size
        app = make_app(library, fake_grader, store, scenario_id="retail-birthday-bike")


class SlowCustomer(ScriptedCustomer):
    """A scripted customer whose model 'loads' until the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def load(self, progress: Any = None) -> None:
        self.go.wait(30)


async def test_resume_shows_the_stored_state_before_the_models_load(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    scenario = library.get("retail-laptop-repair")
    old = Session.start(scenario, TRAINEE, store, fake_grader, make_backend("scripted"), seed=3)
    old.submit(GOOD_REPLY)
    old.submit("I'm so sorry, Dana. I'll replace the screen today and refund the 180 dollars.")
    assert old.mood != scenario.customer.mood
    # A grader that is not ready yet: the session cannot be rebuilt for now.
    customer = SlowCustomer()
    app = make_app(library, None, store, customer=customer, resume_id=old.id,
                   scenario_id=scenario.id)  # fmt: skip
    app.services._grader = None
    blocker = threading.Event()

    def slow_grader(_options: Any) -> Any:
        blocker.wait(30)
        return fake_grader

    import trainer.runtime as runtime

    original = runtime.build_grader
    runtime.build_grader = slow_grader
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: type(app.screen).__name__ == "PracticeScreen")
            screen = app.screen
            side = screen.query_one("#side")
            meter = screen.query_one(MoodMeter)
            context = screen.query_one(ContextPanel)
            # Until the stored state is in, the panel shows nothing rather than the start.
            while side.has_class("-loading"):
                assert meter.mood == scenario.customer.mood or not side.visible
                await pilot.pause(0.01)
            await pilot.pause()  # let the panel repaint before reading what it shows
            assert screen.session is None  # the grader is still "loading"
            assert meter.mood == old.mood
            assert context.stage_index == [s.id for s in scenario.stages].index(old.stage.id)
            assert context.turns_left == old.turns_left
            assert set(context.facts) == {f"“{q}”" for q in old.heard}
            assert f"{old.mood}/100" in shown(meter)
            blocker.set()
            customer.go.set()
            await wait_for(pilot, lambda: screen.session is not None)
            assert meter.mood == old.mood
    finally:
        runtime.build_grader = original
        blocker.set()
        customer.go.set()
