"""Pilot tests of the practice screen: a whole session with the scripted customer and the fake grader."""

from __future__ import annotations

import threading
from typing import Any

from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    GOOD_REPLY,
    TRAINEE,
    make_app,
    reply,
    screen_name,
    session_ready,
    store_fixture,
    type_text,
    wait_for,
)

from trainer.customer.scripted import ScriptedCustomer
from trainer.tui.practice.context_panel import ContextPanel
from trainer.tui.practice.conversation import ConversationLog, Line
from trainer.tui.practice.load_status import LoadStatus
from trainer.tui.practice.mood_meter import MoodMeter
from trainer.tui.practice.reply_box import ReplyBox
from trainer.tui.practice.score_chips import ScoreChip


def lines(screen: Any, kind: str) -> list[str]:
    return [w.text for w in screen.query_one(ConversationLog).query(Line) if w.kind == kind]


def chip_texts(screen: Any) -> dict[str, str]:
    return {c.dimension: str(c.render()) for c in screen.query(ScoreChip)}


async def test_whole_session_from_home_to_debrief(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(100, 34)) as pilot:
        # Home: narrow the list to one scenario, pick it with Enter.
        assert screen_name(app) == "HomeScreen"
        app.screen.query_one("#search").focus()
        await type_text(pilot, "laptop flicker")
        options = app.screen.query_one("#scenarios")
        assert options.option_count == 1
        options.focus()
        await pilot.press("enter")
        screen = await session_ready(pilot)
        assert lines(screen, "customer")[0] == screen.scenario.opening

        # One reply: scores show as numbers and words, the customer answers, panels move.
        await reply(pilot, GOOD_REPLY)
        employee = [t for t in screen.session.turns if t.role == "employee"]
        assert len(employee) == 1 and employee[0].text == GOOD_REPLY
        chips = chip_texts(screen)
        for dim, score in employee[0].scores.items():
            assert str(score) in chips[dim]
            assert any(word in chips[dim] for word in ("strong", "fair", "weak"))
        customer_line = screen.session.turns[-1]
        assert customer_line.role == "customer"
        assert lines(screen, "customer")[-1] == customer_line.text
        assert screen.query_one(MoodMeter).mood == screen.session.mood
        facts = screen.query_one(ContextPanel).facts
        assert facts == tuple(f"“{q}”" for q in screen.session.heard) and facts
        assert "Your turn" in screen.query_one(LoadStatus).text

        # Feedback is one key away and quotes the evidence.
        await pilot.press("ctrl+f")
        assert screen_name(app) == "FeedbackScreen"
        shown = str(app.screen.query_one("#feedback-text").render())
        assert GOOD_REPLY in shown
        assert next(iter(employee[0].evidence.values())) in shown
        why = app.screen.query_one("#feedback-why")
        assert not why.display
        await pilot.press("w")  # why the mood and stage moved: the engine's explanation
        assert why.display
        text = str(why.render())
        mood = screen.session.turns[-2].mood
        assert f"-> {mood}" in text and "resolve_at" in text and "stage" in text
        await pilot.press("escape")
        assert app.screen is screen

        # Undo takes back the exchange and returns the reply to the box.
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: screen.session.replies == 0)
        assert screen.query_one(ReplyBox).text == GOOD_REPLY
        assert len(lines(screen, "employee")) == 0
        assert len(lines(screen, "customer")) == 1

        # Hint appears in the conversation; the next reply is recorded as hinted.
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: lines(screen, "hint"))
        assert lines(screen, "hint")[0].startswith("Now:")

        # Send again (after the hint), then end and read the debrief.
        screen.query_one(ReplyBox).text = ""
        await reply(pilot, GOOD_REPLY)
        assert screen.session.turns[-2].hint_used
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen")
        debrief = app.screen
        assert "Ended early" in str(debrief.query_one("#debrief-outcome").render())
        assert "1 reply, 1 after a hint" in str(debrief.query_one("#debrief-outcome").render())
        best = str(debrief.query_one("#debrief-best").render())
        assert GOOD_REPLY in best
        bars = str(debrief.query_one("#debrief-bars").render())
        assert "Listening" in bars and "Apology" in bars
        assert debrief.query("#debrief-chart")
        stored = store.get_session(screen.session.id)
        # Ended by the trainee: stored as ended_early (store/outcomes.py), not as unfinished.
        assert stored is not None and stored.ended is not None and stored.outcome == "ended_early"

        # Practice again opens a fresh session of the same scenario.
        await pilot.press("p")
        again = await session_ready(pilot)
        assert again.session.id != screen.session.id
        assert again.scenario.id == "retail-laptop-repair"


async def test_next_scenario_and_home_from_debrief(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen")
        assert "no replies to quote" in str(app.screen.query_one("#debrief-best").render())
        await pilot.press("n")
        nxt = await session_ready(pilot)
        assert nxt.scenario.id == app.next_scenario(screen.scenario).id != screen.scenario.id
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: screen_name(app) == "DebriefScreen")
        await pilot.press("h")
        await wait_for(pilot, lambda: screen_name(app) == "HomeScreen")


class GatedCustomer(ScriptedCustomer):
    """The scripted customer whose load() waits for the test: a slow model load on demand."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def load(self, progress: Any = None) -> None:
        if progress:
            progress("Loading the customer", 0.5)
        self.gate.wait(30)


async def test_trainee_types_and_sends_while_the_customer_loads(
    library: Any, fake_grader: Any, store: Any
) -> None:
    customer = GatedCustomer()
    app = make_app(
        library, fake_grader, store, customer=customer, scenario_id="retail-laptop-repair"
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await session_ready(pilot)
            assert lines(screen, "customer") == [screen.scenario.opening]
            await wait_for(pilot, lambda: app.load_fraction == 0.5)
            status = screen.query_one(LoadStatus)
            assert "Loading the customer" in status.text
            # Typing works while loading, and Enter sends: the grader is ready, so scores show.
            await type_text(pilot, "Dana, third visit, same flicker")
            assert screen.query_one(ReplyBox).text == "Dana, third visit, same flicker"
            await pilot.press("ctrl+j")
            await type_text(pilot, "sorry")
            assert screen.query_one(ReplyBox).text.endswith("flicker\nsorry")
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.last_graded is not None)
            assert screen.busy and "your reply will go when ready" in status.text
            # Sending again waits; typing does not.
            await type_text(pilot, "more")
            await pilot.press("enter")
            assert screen.query_one(ReplyBox).text == "more"
            customer.gate.set()
            await wait_for(pilot, lambda: not screen.busy)
            assert screen.session.turns[-1].role == "customer"
            assert app.models_ready
    finally:
        customer.gate.set()


async def test_errors_become_notifications(library: Any, fake_grader: Any, store: Any) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        long_reply = "word " * 1000
        box = screen.query_one(ReplyBox)
        box.text = long_reply
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.busy)
        notes = [n.message for n in app._notifications]
        assert any("4,000" in n or "4000" in n for n in notes), notes
        assert box.text.strip() == long_reply.strip()
        assert screen.session.replies == 0 and not lines(screen, "employee")
        await pilot.press("ctrl+f")  # nothing graded yet: a notice, not a crash
        assert screen_name(app) == "PracticeScreen"


async def test_resume_shows_the_stored_transcript(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    scenario = library.get("retail-laptop-repair")
    old = Session.start(scenario, TRAINEE, store, fake_grader, make_backend("scripted"), seed=3)
    old.submit(GOOD_REPLY)
    app = make_app(library, fake_grader, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.incomplete is not None)
        assert "Unfinished" in str(app.screen.query_one("#resume-box").render())
        await pilot.press("ctrl+r")
        screen = await session_ready(pilot)
        assert screen.session.id == old.id
        assert lines(screen, "employee") == [GOOD_REPLY]
        assert lines(screen, "customer") == [t.text for t in old.turns if t.role == "customer"]
        assert screen.last_graded is not None


async def test_resume_answers_a_reply_left_waiting(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    scenario = library.get("retail-laptop-repair")
    old = Session.start(scenario, TRAINEE, store, fake_grader, make_backend("scripted"), seed=3)
    old.grade(GOOD_REPLY)  # the app died before the customer answered
    app = make_app(library, fake_grader, store, scenario_id=scenario.id, resume_id=old.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        await wait_for(pilot, lambda: not screen.busy)
        roles = [t.role for t in screen.session.turns]
        assert roles == ["customer", "employee", "customer"]
        assert lines(screen, "customer")[-1] == screen.session.turns[-1].text


async def test_help_and_theme_keys(library: Any, fake_grader: Any, store: Any) -> None:
    from trainer.config import load_settings

    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        await session_ready(pilot)
        await pilot.press("f1")
        assert screen_name(app) == "HelpScreen"
        text = app.screen.query_one("#help-text")._markdown
        for word in ("Listening", "Acknowledgement", "Apology", "Personal touch", "ctrl+j"):
            assert word in text
        await pilot.press("escape")
        assert screen_name(app) == "PracticeScreen"
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before and app.theme in ("textual-dark", "textual-light")
        await app.workers.wait_for_complete()
        assert load_settings().theme == app.theme


async def test_context_panel_grows_with_revealed_facts(
    library: Any, fake_grader: Any, store: Any
) -> None:
    """Facts revealed later must be on screen, not below the panel's first height."""
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await session_ready(pilot)
        panel = screen.query_one(ContextPanel)
        first = len(panel.facts)
        await reply(pilot, GOOD_REPLY)
        await reply(pilot, GOOD_REPLY)
        await pilot.pause()
        assert len(panel.facts) > first
        shown = "\n".join(
            "".join(seg.text for seg in panel.render_line(y)) for y in range(panel.size.height)
        )
        for fact in panel.facts:
            assert fact.split()[-1].rstrip(".") in shown, f"{fact!r} is cut off"


async def test_conversation_keeps_the_newest_line_in_view(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        log = screen.query_one(ConversationLog)

        def at_bottom() -> bool:
            return bool(log.scroll_y == log.max_scroll_y)

        # Replies that grow after they are added (scores, the customer's answer) must not
        # leave the latest answer below the fold.
        for _ in range(3):
            await reply(pilot, GOOD_REPLY)
            # Scrolling follows the layout, a refresh or two later on a busy machine.
            await wait_for(pilot, at_bottom, timeout=10)
        assert log.max_scroll_y > 0
        # A line that grows once on screen (the streamed answer) keeps the bottom in view.
        line = log.add_customer("…")
        await pilot.pause()
        line.set_text("Still here. " * 60)
        await wait_for(pilot, lambda: log.max_scroll_y > 0 and at_bottom(), timeout=10)
        # Scrolling up to reread stops the following; a new line does not yank the view.
        log.scroll_home(animate=False)
        await pilot.pause()
        assert not log.following
        log.add_note("a note")
        await pilot.pause()
        assert log.scroll_y == 0
        log.scroll_end(animate=False)
        await wait_for(pilot, lambda: log.following, timeout=10)


async def test_pasted_control_characters_are_dropped(
    library: Any, fake_grader: Any, store: Any
) -> None:
    from textual import events

    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        box = screen.query_one(ReplyBox)
        box.post_message(events.Paste("Dana,\tthird \x1b[31mvisit\x1b[0m\x07\r\nsorry\x00"))
        await pilot.pause()
        assert box.text == "Dana, third visit\nsorry"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.busy)
        assert [t.text for t in screen.session.turns if t.role == "employee"] == [
            "Dana, third visit\nsorry"
        ]


class FlakyCustomer(ScriptedCustomer):
    """The scripted customer whose model server is down for the first answer."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def respond(self, ctx: Any, on_chunk: Any = None) -> Any:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("cannot reach http://127.0.0.1:9/v1")
        return super().respond(ctx, on_chunk)


async def test_enter_asks_again_when_the_customer_could_not_answer(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(
        library, fake_grader, store, customer=FlakyCustomer(), scenario_id="retail-laptop-repair"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        await reply(pilot, GOOD_REPLY)
        # Graded and saved, no answer: the trainee is told why and what to do.
        assert screen.session.awaiting_customer
        status = screen.query_one(LoadStatus).text
        assert "did not answer" in status and "127.0.0.1:9" in status and "Enter" in status
        assert any("ask again" in n.message for n in app._notifications)
        # Enter (with a next reply already typed) asks again instead of failing for ever.
        await type_text(pilot, "next")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.busy)
        assert [t.role for t in screen.session.turns] == ["customer", "employee", "customer"]
        assert lines(screen, "customer")[-1] == screen.session.turns[-1].text
        assert screen.query_one(ReplyBox).text == "next"
        assert "Your turn" in screen.query_one(LoadStatus).text
