"""What the engine hands the grader: the request for one reply (the conversation, the facts it
is scored against, the stage's model replies), and the texts to encode ahead of time so
grading a reply encodes only the reply."""

from __future__ import annotations

from collections.abc import Sequence

from trainer.scenarios import Fact, Scenario, Stage
from trainer.store import TurnRow
from trainer.types import FactRef, Grader, GradeRequest, Turn


def grade_request(
    scenario: Scenario,
    reply: str,
    turns: Sequence[TurnRow],
    open_facts: Sequence[Fact],
    stage: Stage,
) -> GradeRequest:
    """`reply` after the committed `turns`, scored against the open facts and the stage's
    model replies."""
    return GradeRequest(
        reply=reply,
        history=[Turn(t.role, t.text) for t in turns],
        customer_name=scenario.customer.name,
        facts=fact_refs(open_facts),
        strong_replies=list(stage.strong_replies),
    )


def fact_refs(open_facts: Sequence[Fact]) -> list[FactRef]:
    """Scored against every fact whose stage has come and whose gate is open, said or not: the
    library's model replies are written that way. What the trainee is *shown* is only what
    was said."""
    return [
        FactRef(
            id=f.id, text=f"{f.text} {f.says}" if f.says else f.text, keywords=tuple(f.keywords)
        )
        for f in open_facts
    ]


def warm(
    grader: Grader, scenario: Scenario, turns: Sequence[TurnRow], texts: list[str] | None = None
) -> None:
    """Let the grader encode the customer's side ahead of the reply. With no texts: every line
    so far, every fact and every stage's model replies (what later GradeRequests carry)."""
    prepare = getattr(grader, "prepare", None)
    if prepare is None:  # graders without a cache have nothing to warm
        return
    if texts is None:
        facts = [f"{f.text} {f.says}" if f.says else f.text for f in scenario.facts]
        strong = [r for stage in scenario.stages for r in stage.strong_replies]
        texts = [t.text for t in turns if t.role == "customer"] + facts + strong
        texts += [t.text for t in turns if t.role == "employee"]
    prepare(texts)
