"""The conversation engine the TUI, the headless `run` command and the tests all drive.

One employee reply goes: grade (grader) -> mood (trainer.engine.mood) -> stage advance, fact reveals
and end check (trainer.engine.rules) -> commit the employee turn -> the customer's line
(streamed) -> commit the customer turn. No UI code here; callbacks carry progress out.

Here is the flow (start, resume, submit, undo, hint, debrief); what the grader is handed is in
trainer.engine.grading, what the customer is handed in trainer.engine.customer_context, the
rows committed in trainer.engine.turn_rows, the rebuild on resume and undo in
trainer.engine.replay, and what the UI reads in trainer.engine.session_view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from trainer.customer.base import CustomerBackend, OnChunk
from trainer.engine.coaching import Debrief, build_debrief, build_hint
from trainer.engine.customer_context import answer_intent, customer_context
from trainer.engine.grading import grade_request, warm
from trainer.engine.mood import MoodStep, next_mood
from trainer.engine.replay import replay
from trainer.engine.rules import State, check_reply
from trainer.engine.session_view import SessionView
from trainer.engine.turn_rows import answer_row, opening_row, reply_row
from trainer.errors import TrainerError
from trainer.scenarios import Scenario
from trainer.store import SessionRow, Store, TurnRow, utcnow
from trainer.types import Grader

__all__ = ["Exchange", "Session", "SessionStateError", "check_reply"]

OnGraded = Callable[[TurnRow], None]


class SessionStateError(TrainerError, RuntimeError):
    """A call that does not fit the session's state (reply after the end, respond twice)."""


@dataclass
class Exchange:
    """One employee reply and the customer's answer to it."""

    employee: TurnRow
    customer: TurnRow
    outcome: str | None
    stage_changed: bool


class Session(SessionView):
    """A live practice session; every turn is committed to the store as it happens."""

    def __init__(
        self,
        scenario: Scenario,
        row: SessionRow,
        store: Store,
        grader: Grader,
        customer: CustomerBackend,
    ):
        self.scenario = scenario
        self.row = row
        self.store = store
        self.grader = grader
        self.customer = customer
        self._turns: list[TurnRow] = []
        self._state = State.initial(scenario)
        self._pending: TurnRow | None = None
        self._stage_changed = False
        self._hint_pending = False
        self._hints_given = 0
        self._next_idx = 0
        self.last_step: MoodStep | None = None
        """How the last graded reply moved the mood (None before any reply)."""

    # --- lifecycle -------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        trainee: str,
        store: Store,
        grader: Grader,
        customer: CustomerBackend,
        seed: int | None = None,
    ) -> Session:
        """Create the session record and commit the customer's opening line."""
        row = store.create_session(trainee, scenario, seed=seed)
        session = cls(scenario, row, store, grader, customer)
        opening = opening_row(scenario, row.id)
        session._state.hear(opening.facts_said)
        session._commit(opening)
        session._prepare_grader()
        return session

    @classmethod
    def resume(
        cls,
        session_id: str,
        scenario: Scenario,
        store: Store,
        grader: Grader,
        customer: CustomerBackend,
    ) -> Session:
        """Rebuild a stored session's state by replaying its non-retracted turns."""
        row = store.get_session(session_id)
        if row is None:
            raise ValueError(f"no session '{session_id}' in {store!r}")
        if row.scenario_id != scenario.id:
            raise ValueError(
                f"session '{session_id}' is scenario '{row.scenario_id}', not '{scenario.id}'"
            )
        session = cls(scenario, row, store, grader, customer)
        session._replay(store.turns(session_id))
        session._next_idx = store.next_turn_idx(session_id)
        session._prepare_grader()
        return session

    def _prepare_grader(self, texts: list[str] | None = None) -> None:
        warm(self.grader, self.scenario, self._turns, texts)

    def _replay(self, turns: list[TurnRow]) -> None:
        self._turns = list(turns)
        replayed = replay(self.scenario, self._turns)
        self._state, self.last_step = replayed.state, replayed.last_step
        self._pending, self._stage_changed = replayed.pending, replayed.stage_changed

    def _commit(self, turn: TurnRow) -> TurnRow:
        turn = turn.model_copy(update={"idx": self._next_idx})
        saved = self.store.add_turn(turn)
        self._next_idx += 1
        self._turns.append(saved)
        return saved

    # --- one exchange ----------------------------------------------------------------------

    def submit(
        self,
        reply: str,
        on_graded: OnGraded | None = None,
        on_chunk: OnChunk | None = None,
    ) -> Exchange:
        """Grade `reply`, move the conversation on, and get the customer's answer."""
        employee = self.grade(reply, on_graded=on_graded)
        changed = self._stage_changed
        customer = self.respond(on_chunk=on_chunk)
        return Exchange(employee, customer, self.outcome, changed)

    def grade(self, reply: str, on_graded: OnGraded | None = None) -> TurnRow:
        """First half of submit(): score the reply, update mood and stage, commit the turn."""
        if self.finished or self._state.outcome is not None:
            raise SessionStateError("the conversation has ended; start a new session")
        if self._pending is not None:
            raise SessionStateError("the customer has not answered the last reply yet")
        text = check_reply(reply)
        started = time.perf_counter()
        result = self.grader.grade(
            grade_request(self.scenario, text, self._turns, self.open_facts, self.stage)
        )
        latency_ms = (time.perf_counter() - started) * 1000
        stage = self.stage
        step = next_mood(
            self.mood,
            result.scores,
            result.signals,
            self.scenario.customer,
            self.scenario.difficulty,
        )
        self._stage_changed = self._state.apply(
            self.scenario, result.scores, result.signals, step.after
        )
        self.last_step = step
        turn = self._commit(
            reply_row(
                self.id,
                self._next_idx,
                text,
                result,
                step.after,
                stage,
                latency_ms,
                hint_used=self._hint_pending,
            )
        )
        self._hint_pending = False
        self._pending = turn
        if on_graded is not None:
            on_graded(turn)
        return turn

    def respond(self, on_chunk: OnChunk | None = None) -> TurnRow:
        """Second half of submit(): the customer's line (closing line if it just ended)."""
        if self._pending is None or self.finished:
            raise SessionStateError("there is no graded reply waiting for the customer")
        outcome = self._state.outcome
        ctx = customer_context(
            self.scenario,
            self._state,
            self._turns,
            self.row,
            purpose=outcome or "reply",  # type: ignore[arg-type]
            turn_index=self._next_idx,
        )
        if outcome is None:
            ctx.intent = answer_intent(self.scenario, self._state, ctx, self._pending)
        line = self.customer.respond(ctx, on_chunk)
        answer = answer_row(
            self.scenario, self.id, self._next_idx, line, self.mood, self.stage, ctx.intent
        )
        self._state.hear(answer.facts_said)
        turn = self._commit(answer)
        self._pending = None
        if outcome is not None:
            self._finish(outcome)
        else:
            self._prepare_grader([turn.text])  # while the trainee reads and types
        return turn

    def _finish(self, outcome: str | None) -> None:
        self.store.finish_session(self.id, outcome)
        self.row = self.row.model_copy(update={"ended": utcnow(), "outcome": outcome})

    # --- help, undo, stop ------------------------------------------------------------------

    def hint(self) -> str:
        """A suggestion for this moment; the next employee turn is recorded as hint_used."""
        used = {fid for t in self._turns if t.role == "employee" for fid in t.facts_used or []}
        text = build_hint(self.scenario, self.stage, self.revealed_facts, used, self._hints_given)
        self._hints_given += 1
        self._hint_pending = True
        return text

    def undo(self) -> bool:
        """Take back the last exchange (kept in the store as retracted); False if none."""
        if self.finished and self.row.outcome is None:
            return False  # the trainee stopped the session; it stays as they left it
        last = next((t for t in reversed(self._turns) if t.role == "employee"), None)
        if last is None:
            return False
        self.store.retract_turns(self.id, last.idx)
        if self.finished:
            self.store.reopen_session(self.id)
            self.row = self.row.model_copy(update={"ended": None, "outcome": None})
        self._replay(self.store.turns(self.id))
        self._hint_pending = False
        return True

    def end(self) -> None:
        """The trainee stops early: the session is closed without an outcome."""
        if not self.finished:
            self._finish(self._state.outcome)

    def debrief(self) -> Debrief:
        """What went well, what to try instead, and how the customer's mood went; the
        retracted tries (kept in the store) feed its retries and hints."""
        history = self.store.turns(self.id, include_retracted=True)
        return build_debrief(
            self.scenario,
            self._turns,
            self.revealed_facts,
            self.outcome,
            history,
            to_ask_about=self.facts_to_ask_about,
        )
