"""The rows a session commits: the customer's opening, a graded reply, the customer's answer.

Each is assembled from what the turn produced (the grade, the mood step, the customer's
line) and the stage it was said in; the session commits it, which sets its final `idx`.
"""

from __future__ import annotations

from dataclasses import asdict

from trainer.customer.base import CustomerLine, LineIntent
from trainer.customer.reactions import facts_in
from trainer.scenarios import Scenario, Stage
from trainer.store import TurnRow
from trainer.types import GradeResult


def opening_row(scenario: Scenario, session_id: str) -> TurnRow:
    """The scenario's opening line, said at the starting mood in the first stage."""
    return TurnRow(
        session_id=session_id,
        idx=0,
        role="customer",
        text=scenario.opening,
        mood=scenario.customer.mood,
        latency_ms=0.0,
        source="script",
        stage_id=scenario.stages[0].id,
        facts_said=facts_in(scenario.opening, scenario.facts),
    )


def reply_row(
    session_id: str,
    idx: int,
    text: str,
    result: GradeResult,
    mood: int,
    stage: Stage,
    latency_ms: float,
    hint_used: bool,
) -> TurnRow:
    """The employee's reply with its grade, the mood it moved to and the stage it answered
    (whose `expects` decide which scores count)."""
    return TurnRow(
        session_id=session_id,
        idx=idx,
        role="employee",
        text=text,
        scores=dict(result.scores),
        # The signals' words are stored with the evidence, so the customer's answer can react
        # to them (engine/intent.py); readers take the four dimensions by name.
        evidence={**result.evidence, **result.signal_evidence},
        tip=result.tip or None,
        mood=mood,
        latency_ms=round(latency_ms, 2),
        stage_id=stage.id,
        expects=list(stage.expects),
        hint_used=hint_used,
        signals=dict(result.signals),
        facts_used=list(result.facts_used),
        model_reply=result.model_reply,
    )


def answer_row(
    scenario: Scenario,
    session_id: str,
    idx: int,
    line: CustomerLine,
    mood: int,
    stage: Stage,
    intent: LineIntent | None,
) -> TurnRow:
    """The customer's line with the facts it says (the backend's, else found in its text)
    and the intent it was written from."""
    return TurnRow(
        session_id=session_id,
        idx=idx,
        role="customer",
        text=line.text,
        mood=mood,
        latency_ms=round(line.first_token_ms, 2),
        source=line.source,
        stage_id=stage.id,
        facts_said=line.facts_said or facts_in(line.text, scenario.facts),
        intent=asdict(intent) if intent else None,
    )
