"""What the UI reads of a live session: where the conversation stands, what the customer has
said, the turns so far. Only `Session` (engine/session.py) moves any of it."""

from __future__ import annotations

from trainer.engine.heard import heard_quotes
from trainer.engine.rules import State
from trainer.scenarios import Fact, Scenario, Stage
from trainer.store import SessionRow, TurnRow


class SessionView:
    """The read side of `Session`: properties over its scenario, record, state and turns."""

    scenario: Scenario
    row: SessionRow
    _state: State
    _turns: list[TurnRow]
    _pending: TurnRow | None

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def state(self) -> State:
        """Where the conversation stands (read it; only the session moves it)."""
        return self._state

    @property
    def trainee(self) -> str:
        return self.row.trainee

    @property
    def mood(self) -> int:
        return self._state.mood

    @property
    def stage(self) -> Stage:
        return self._state.stage(self.scenario)

    @property
    def revealed_facts(self) -> list[Fact]:
        """What the customer has said so far: all the trainee can know, hints and grading
        included (a fact its stage allows but nobody said is not known)."""
        return self._state.said_facts(self.scenario)

    @property
    def heard(self) -> list[str]:
        """What the customer has told the trainee, in the sentences that said it."""
        return heard_quotes(self.scenario, self._turns)

    @property
    def facts_to_ask_about(self) -> list[Fact]:
        """Gated facts the customer never gave: what the trainee could have learned by asking
        (or by earning their trust), for the debrief."""
        said = set(self._state.said)
        return [f for f in self.scenario.facts if f.gated and f.id not in said]

    @property
    def open_facts(self) -> list[Fact]:
        """Facts the customer would give if asked now (their stage has come)."""
        return self._state.revealed_facts(self.scenario)

    @property
    def turns(self) -> list[TurnRow]:
        """Committed, non-retracted turns, oldest first (the opening line included)."""
        return list(self._turns)

    @property
    def opening(self) -> TurnRow:
        return self._turns[0]

    @property
    def outcome(self) -> str | None:
        """resolved / walked_out / out_of_turns once decided, else None."""
        return self.row.outcome or self._state.outcome

    @property
    def finished(self) -> bool:
        """True once the session has ended (decided and closed, or stopped early)."""
        return self.row.ended is not None

    @property
    def awaiting_customer(self) -> bool:
        """A graded reply waits for the customer's answer (call respond())."""
        return self._pending is not None and not self.finished

    @property
    def turns_left(self) -> int:
        return max(0, self.scenario.ending.max_turns - self._state.replies)

    @property
    def replies(self) -> int:
        """Employee replies so far (non-retracted)."""
        return self._state.replies

    @property
    def mood_path(self) -> list[int]:
        """The mood at the start and after each employee reply."""
        start = [self.scenario.customer.mood]
        return start + [t.mood for t in self._turns if t.role == "employee" and t.mood is not None]
