"""Resume and undo: the same state rebuilt by feeding the stored turns through the rules again.

The stored mood is used as it was (so a later change to the mood rule never rewrites an old
session); rows without one, written by other tools, get the rule's value. A customer line adds
the facts it said, which is also what opens an asked-for gated fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trainer.customer.reactions import facts_in
from trainer.engine.mood import MoodStep, next_mood
from trainer.engine.rules import State
from trainer.scenarios import Scenario
from trainer.store import TurnRow


@dataclass
class Replayed:
    state: State
    last_step: MoodStep | None = None
    pending: TurnRow | None = None
    """The last employee turn when the customer has not answered it yet."""
    stage_changed: bool = False


def replay(scenario: Scenario, turns: Sequence[TurnRow]) -> Replayed:
    """The state after `turns` (live, non-retracted turns in order)."""
    out = Replayed(State.initial(scenario))
    state = out.state
    for turn in turns:
        if turn.role == "employee":
            before = state.mood
            after = turn.mood
            if after is None:
                after = next_mood(
                    before,
                    turn.scores or {},
                    turn.signals or {},
                    scenario.customer,
                    scenario.difficulty,
                ).after
            out.stage_changed = state.apply(scenario, turn.scores or {}, turn.signals or {}, after)
            out.last_step = MoodStep(before=before, after=after)
            out.pending = turn
        else:
            said = turn.facts_said
            if said is None:  # rows from before lines recorded their facts
                said = facts_in(turn.text, scenario.facts)
            state.hear(said)
            out.pending = None
    return out
