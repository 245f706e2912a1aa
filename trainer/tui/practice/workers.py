"""The practice screen's thread workers: every blocking engine call happens here, and each one
reports back only by posting a message (`trainer.tui.messages`) for the screen to handle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen

from trainer.tui import messages as m
from trainer.tui.services import Cancelled, one_line

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.scenarios import Scenario
    from trainer.tui.app import TrainerApp


class PracticeWorkers(Screen[None]):
    """The practice screen's engine calls, one thread worker each; the screen subclasses this."""

    app: TrainerApp  # type: ignore[assignment]
    scenario: Scenario
    trainee: str
    resume_id: str | None

    @work(thread=True, exit_on_error=False, group="session", name="open-session")
    def open_session(self) -> None:
        services = self.app.services
        try:
            if self.resume_id is not None:
                self.post_message(m.TranscriptLoaded(services.transcript(self.resume_id)))
                session = services.resume(self.resume_id, self.scenario)
            else:
                session = services.start(self.scenario, self.trainee)
        except Cancelled:
            return
        self.post_message(m.SessionReady(session))

    @work(thread=True, exit_on_error=False, group="turn", name="reply")
    def run_turn(self, session: Session, reply: str | None) -> None:
        """Grade `reply` (None: a resumed session's reply still waits for its answer), then
        let the customer answer."""
        services = self.app.services
        graded = False
        try:
            with services.lock:
                if reply is not None:
                    turn = session.grade(reply)
                    graded = True
                    self.post_message(m.ReplyGraded(turn))
                services.wait_customer()
                self.post_message(m.CustomerStarted())
                line = session.respond(on_chunk=self._chunk_from_thread)
            self.post_message(m.CustomerDone(line, session.outcome, bool(session.finished)))
        except Cancelled:
            return
        except Exception as exc:
            self.post_message(m.TurnFailed(one_line(exc), "" if graded else reply or ""))

    def _chunk_from_thread(self, text: str) -> None:
        self.post_message(m.CustomerChunk(text))

    @work(thread=True, exit_on_error=False, group="turn", name="hint")
    def get_hint(self, session: Session) -> None:
        with self.app.services.lock:
            self.post_message(m.HintReady(session.hint()))

    @work(thread=True, exit_on_error=False, group="turn", name="undo")
    def undo_exchange(self, session: Session) -> None:
        with self.app.services.lock:
            replies = [t for t in session.turns if t.role == "employee"]
            text = replies[-1].text if replies else ""
            ok = session.undo()
        self.post_message(m.Undone(ok, text if ok else ""))

    @work(thread=True, exit_on_error=False, group="turn", name="end")
    def end_session(self, session: Session) -> None:
        with self.app.services.lock:
            if not session.finished:
                session.end()
            debrief = session.debrief()
        self.post_message(m.DebriefReady(session, debrief))
