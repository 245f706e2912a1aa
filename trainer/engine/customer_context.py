"""What the engine hands the customer backend for its next line: the context (stage, mood,
the conversation, what the customer has said) and, while the conversation goes on, the
`LineIntent` that says what the line must do (engine/intent.py)."""

from __future__ import annotations

from collections.abc import Sequence

from trainer.customer.base import CustomerContext, LineIntent, Purpose
from trainer.customer.scripted import script_line
from trainer.engine.intent import build_intent
from trainer.engine.rules import State
from trainer.scenarios import Scenario
from trainer.store import SessionRow, TurnRow
from trainer.types import Turn


def customer_context(
    scenario: Scenario,
    state: State,
    turns: Sequence[TurnRow],
    row: SessionRow,
    purpose: Purpose,
    turn_index: int,
) -> CustomerContext:
    """The context for the line at `turn_index` after the committed `turns`."""
    return CustomerContext(
        scenario=scenario,
        stage=state.stage(scenario),
        mood=state.mood,
        mood_change=state.last_change,
        history=[Turn(t.role, t.text) for t in turns],
        revealed_facts=state.said_facts(scenario),
        purpose=purpose,
        turn_index=turn_index,
        seed=row.seed,
    )


def answer_intent(
    scenario: Scenario, state: State, ctx: CustomerContext, reply: TurnRow
) -> LineIntent:
    """What the customer's answer to the graded `reply` must do."""
    return build_intent(
        scenario,
        reply.text,
        reply.scores or {},
        reply.signals or {},
        ctx.history,
        open_ids=state.revealed,
        said_ids=state.said,
        stage_reveals=state.stage(scenario).reveals,
        then=script_line(ctx),
        askable_ids=state.askable(scenario),
        evidence=reply.evidence or {},
    )
