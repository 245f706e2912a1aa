"""The practice screen: talk to the customer, see scores after every reply, get hints, undo, end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.widgets import Static

from trainer.tui import messages as m
from trainer.tui.practice.conversation import ConversationLog, Line
from trainer.tui.practice.feedback import FeedbackScreen, why_lines
from trainer.tui.practice.load_status import LoadStatus
from trainer.tui.practice.reply_box import ReplyBox
from trainer.tui.practice.side_panel import SidePanel
from trainer.tui.practice.status_line import OUTCOME_WORDS, status_line
from trainer.tui.practice.workers import PracticeWorkers
from trainer.tui.widgets.footer import Footer
from trainer.tui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.scenarios import Scenario
    from trainer.store import TurnRow


class PracticeScreen(PracticeWorkers):
    """One practice conversation; every engine call runs in a thread worker (`PracticeWorkers`)."""

    BINDINGS = [
        Binding("ctrl+g,f2", "hint", "Hint", priority=True),
        Binding("ctrl+f,f3", "feedback", "Feedback", priority=True),
        Binding("ctrl+b,f4", "undo", "Undo", priority=True),
        Binding("ctrl+d,f5", "end", "End", priority=True),
    ]

    session: var[Session | None] = var(None)
    """The engine session, once started or resumed (models may still be loading)."""
    busy: var[bool] = var(False)
    """A reply is being scored or answered: sending waits, typing does not."""
    customer_typing: var[bool] = var(False)
    """The customer is writing their line."""
    finished: var[bool] = var(False)
    """The conversation is over (resolved, walked out, out of turns or ended)."""
    no_answer: var[str | None] = var(None)
    """Why the customer could not answer the last (graded) reply; Enter asks again."""

    def __init__(self, scenario: Scenario, trainee: str, resume_id: str | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.trainee = trainee
        self.resume_id = resume_id
        self.first_name = scenario.customer.name.split()[0]
        self.pending: str | None = None
        self.last_graded: TurnRow | None = None
        self._reply_line: Line | None = None
        self._customer_line: Line | None = None
        self._customer_text = ""

    def compose(self) -> ComposeResult:
        title = f"{self.scenario.title} · with {self.scenario.customer.name}"
        yield Static(title, id="practice-title", markup=False)
        with Horizontal(id="practice-body"):
            yield ConversationLog(self.first_name, id="conversation")
            yield SidePanel(self.scenario, id="side")
        yield LoadStatus(id="status")
        reply = ReplyBox(id="reply")
        reply.border_title = "Your reply · Enter sends · ctrl+j new line"
        yield reply
        yield Footer()
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one(SidePanel).show_start()
        if self.resume_id is None:
            # The opening is scripted: show it before any model has loaded.
            self.query_one(ConversationLog).add_customer(self.scenario.opening)
        else:
            self.query_one(SidePanel).wait_for_stored()
        self.query_one(ReplyBox).focus()
        for name in ("load_text", "load_fraction", "load_error", "models_ready"):
            self.watch(self.app, name, lambda _value: self._show_status(), init=False)
        self._show_status()
        self.open_session()

    # --- status -------------------------------------------------------------------

    def _show_status(self) -> None:
        status = self.query_one(LoadStatus)
        status.text, status.fraction = status_line(
            self.app,
            self.session,
            first_name=self.first_name,
            finished=self.finished,
            no_answer=self.no_answer,
            busy=self.busy,
            customer_typing=self.customer_typing,
        )

    def watch_busy(self) -> None:
        self._show_status()

    def watch_no_answer(self) -> None:
        self._show_status()

    def watch_customer_typing(self) -> None:
        self._show_status()

    def watch_finished(self, finished: bool) -> None:
        self.query_one(ReplyBox).read_only = finished
        self._show_status()

    # --- sending ------------------------------------------------------------------

    @on(ReplyBox.Submitted)
    def send(self, event: ReplyBox.Submitted) -> None:
        if self.finished:
            return
        if self.busy:
            if event.text:
                self.notify(f"Sending waits until {self.first_name} has answered; keep typing.")
            return
        if self.session is not None and self.session.awaiting_customer:
            # The customer failed to answer (model server down...): ask again; whatever is in
            # the box stays there for the next turn.
            self.no_answer = None
            self.busy = True
            self.run_turn(self.session, None)
            return
        if not event.text:
            return
        event.reply_box.clear()
        self.busy = True
        self._reply_line = self.query_one(ConversationLog).add_employee(event.text)
        if self.session is None:
            self.pending = event.text
            self._reply_line.set_note("waiting for the grader to load…")
            self._show_status()
        else:
            self._reply_line.set_note("scoring…")
            self.run_turn(self.session, event.text)

    @on(m.TranscriptLoaded)
    def show_transcript(self, event: m.TranscriptLoaded) -> None:
        """A resumed session from the store, before the grader has loaded: the transcript and
        the stored mood, stage, replies left and facts said, so nothing shows the start state."""
        turns = event.turns
        self.query_one(ConversationLog).show_turns(turns)
        side = self.query_one(SidePanel)
        graded = [t for t in turns if t.role == "employee" and t.scores]
        if graded:
            self.last_graded = graded[-1]
            side.show_scores(graded[-1].scores)
        side.show_stored(turns)

    @on(m.SessionReady)
    def session_ready(self, event: m.SessionReady) -> None:
        self.session = event.session
        if self.resume_id is not None:
            self.query_one(ConversationLog).show_turns(event.session.turns)
            graded = [t for t in event.session.turns if t.role == "employee" and t.scores]
            if graded:
                self.last_graded = graded[-1]
                self.query_one(SidePanel).show_scores(graded[-1].scores)
        self._sync_panels()
        self.finished = bool(event.session.finished)
        if event.session.awaiting_customer:
            # Resumed after a crash between the reply and the answer: get the answer first.
            self.busy = True
            self.run_turn(event.session, None)
        elif self.pending is not None:
            reply, self.pending = self.pending, None
            if self._reply_line is not None:
                self._reply_line.set_note("scoring…")
            self.run_turn(event.session, reply)
        self._show_status()

    @on(m.ReplyGraded)
    def reply_graded(self, event: m.ReplyGraded) -> None:
        self.last_graded = event.turn
        if self._reply_line is not None:
            self._reply_line.set_scores(event.turn.scores)
            if event.turn.hint_used:
                self._reply_line.set_note("(after a hint)")
        self.query_one(SidePanel).show_scores(event.turn.scores)
        self._show_status()

    @on(m.CustomerStarted)
    def customer_started(self) -> None:
        self._customer_text = ""
        self._customer_line = self.query_one(ConversationLog).typing()
        self.customer_typing = True

    @on(m.CustomerChunk)
    def customer_chunk(self, event: m.CustomerChunk) -> None:
        self._customer_text += event.text
        if self._customer_line is not None:
            self._customer_line.remove_class("-typing")
            self._customer_line.set_text(self._customer_text)

    @on(m.CustomerDone)
    def customer_done(self, event: m.CustomerDone) -> None:
        line = self._customer_line or self.query_one(ConversationLog).add_customer("")
        line.remove_class("-typing")
        line.set_text(event.turn.text)
        self._customer_line = None
        self._sync_panels()
        self.customer_typing = False
        self.no_answer = None
        self.busy = False
        if self.pending is not None and self.session is not None and not event.finished:
            reply, self.pending = self.pending, None
            self.busy = True
            self.run_turn(self.session, reply)
        if event.finished:
            self.query_one(ConversationLog).add_note(
                f"Conversation over: {OUTCOME_WORDS.get(event.outcome, event.outcome)}. "
                "Press ctrl+d for your debrief."
            )
            self.finished = True

    @on(m.TurnFailed)
    def turn_failed(self, event: m.TurnFailed) -> None:
        if not event.reply and self.session is not None and self.session.awaiting_customer:
            # Graded and saved, but no answer: say so and let Enter ask again.
            self.no_answer = event.error
            self.notify(
                f"{event.error}\nYour reply is saved; press Enter to ask again.",
                title=f"{self.first_name} could not answer",
                severity="error",
                timeout=10,
            )
        else:
            self.notify(event.error, title="Reply not sent", severity="error")
        if event.reply and self._reply_line is not None:
            self._reply_line.remove()
            reply = self.query_one(ReplyBox)
            if not reply.text.strip():
                reply.text = event.reply
        if self._customer_line is not None:
            self._customer_line.remove()
            self._customer_line = None
        self.customer_typing = False
        self.busy = False

    def _sync_panels(self) -> None:
        """Copy mood, stage, turns left and revealed facts from the engine into the side panel."""
        if self.session is not None:
            self.query_one(SidePanel).sync(self.session)

    # --- actions ------------------------------------------------------------------

    def _ready(self, what: str) -> Session | None:
        if self.session is None:
            self.notify(f"{what} works once the grader has loaded.")
            return None
        if self.busy:
            self.notify(f"Wait until {self.first_name} has answered.")
            return None
        return self.session

    def action_hint(self) -> None:
        if self.finished:
            return
        session = self._ready("Hint")
        if session is not None:
            self.get_hint(session)

    @on(m.HintReady)
    def hint_ready(self, event: m.HintReady) -> None:
        self.query_one(ConversationLog).add_hint(event.text)

    def action_feedback(self) -> None:
        if self.last_graded is None:
            self.notify("Send a reply first: feedback is about your last reply.")
            return
        better = getattr(self.last_graded, "model_reply", None)
        why = why_lines(self.session, self.last_graded)
        self.app.push_screen(FeedbackScreen(self.last_graded, better, why))

    def action_undo(self) -> None:
        if self.finished and self.session is not None and self.session.outcome is None:
            self.notify("You ended this session: press ctrl+d for your debrief.")
            return
        session = self._ready("Undo")
        if session is not None:
            self.undo_exchange(session)

    @on(m.Undone)
    def undone(self, event: m.Undone) -> None:
        if not event.ok or self.session is None:
            self.notify("Nothing to undo yet.")
            return
        turns = self.session.turns
        self.query_one(ConversationLog).show_turns(turns)
        graded = [t for t in turns if t.role == "employee" and t.scores]
        self.last_graded = graded[-1] if graded else None
        self.query_one(SidePanel).show_scores(graded[-1].scores if graded else None)
        self._sync_panels()
        self.finished = bool(self.session.finished)
        reply = self.query_one(ReplyBox)
        if event.reply and not reply.text.strip():
            reply.text = event.reply
            reply.move_cursor(reply.document.end)
        self.notify("Took back your last reply and the answer to it.")

    def action_end(self) -> None:
        if self.session is None:
            self.app.pop_screen()
            return
        session = self._ready("Ending")
        if session is not None:
            self.busy = True
            self.end_session(session)

    @on(m.DebriefReady)
    def debrief_ready(self, event: m.DebriefReady) -> None:
        self.busy = False
        self.app.show_debrief(self.scenario, event.session, event.debrief)
