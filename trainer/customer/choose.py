"""From sampled candidates to one customer line: filter, rerank, or fall back to the script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from trainer.customer.base import CustomerContext
from trainer.customer.filter import check_line, overlap, trim_to_sentence
from trainer.customer.rerank import MIN_ON_TOPIC, MIN_RELATED, Ranked, Reranker
from trainer.customer.scripted import last_customer_line, last_employee_line


@dataclass
class Choice:
    text: str | None
    source: str  # "model" or "script"
    candidates: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    ranked: list[Ranked] = field(default_factory=list)


def choose(ctx: CustomerContext, intent: str, raw: Sequence[str], reranker: Reranker) -> Choice:
    """The best in-character, on-topic candidate; `text` is None when none qualifies."""
    previous = last_customer_line(ctx)
    employee = last_employee_line(ctx)
    earlier = [t.text for t in ctx.history if t.role == "customer"]
    keywords = [k for fact in ctx.scenario.facts for k in fact.keywords]
    candidates = [trim_to_sentence(t) for t in raw]
    rejected: list[tuple[str, str]] = []
    passed: list[str] = []
    for text in candidates:
        verdict = check_line(
            text,
            customer_name=ctx.scenario.customer.name,
            previous_customer=previous,
            last_employee=employee,
            earlier_customer=earlier,
            own_keywords=keywords,
        )
        if not verdict.ok:
            rejected.append((text, verdict.reason))
        elif text not in passed:
            passed.append(text)
    ranked = reranker.rank(ctx, intent, passed)
    kept: list[Ranked] = []
    for item in ranked:
        if item.on_topic < MIN_ON_TOPIC:
            rejected.append((item.text, f"off topic ({item.on_topic:.2f})"))
        elif item.related < MIN_RELATED:
            rejected.append(
                (item.text, f"unrelated to the goal and the reply ({item.related:.2f})")
            )
        else:
            kept.append(item)
    best = kept[0] if kept else None
    if best is None:
        return Choice(None, "script", candidates, rejected, ranked)
    # A word-for-word copy of the scripted line is the script, however it was produced.
    copied = overlap(best.text, intent) >= 0.9 and overlap(intent, best.text) >= 0.9
    return Choice(best.text, "script" if copied else "model", candidates, rejected, ranked)
