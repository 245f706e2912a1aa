"""What the engine hands the grader: the facts a reply is scored against, and the texts to
encode ahead of time so grading a reply encodes only the reply."""

from __future__ import annotations

from collections.abc import Sequence

from trainer.scenarios import Fact, Scenario
from trainer.store import TurnRow
from trainer.types import FactRef, Grader


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
