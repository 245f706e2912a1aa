"""Coaching built from the scenario and the graded turns: hints during, the debrief after."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trainer.scenarios import Fact, Scenario, Stage
from trainer.store import TurnRow, averages, expected_scores
from trainer.types import DIMENSIONS

_NEEDS = {
    "listening": "repeat back the specifics {name} gave you",
    "acknowledgement": "name how this is affecting {name}",
    "apology": "apologise for the specific failure",
    "personalization": "talk about {name}'s own situation, not policy",
}
_FIRST_PERSON = {"I", "I'm", "I'll", "I've", "I'd"}


def first_name(scenario: Scenario) -> str:
    return scenario.customer.name.split()[0]


def personalise(reply: str, name: str) -> str:
    """Address the customer by name unless the reply already does."""
    if name.lower() in reply.lower():
        return reply
    word = reply.split(" ", 1)[0]
    keep_case = word in _FIRST_PERSON or word.isupper() or (len(word) > 1 and word[1].isupper())
    rest = reply if keep_case else reply[:1].lower() + reply[1:]
    return f"{name}, {rest}"


def build_hint(
    scenario: Scenario,
    stage: Stage,
    revealed: list[Fact],
    used_fact_ids: Iterable[str],
    nth: int = 0,
) -> str:
    """What to do now: the stage's goal, facts not yet picked up, and a strong reply to adapt."""
    name = first_name(scenario)
    used = set(used_fact_ids)
    lines = [f"Now: {stage.goal}"]
    unused = [f for f in revealed if f.id not in used]
    if unused:
        lines.append(f"Show you heard {name}: " + "; ".join(f.text.rstrip(".") for f in unused[:3]))
    when = stage.advance_when
    needs = [_NEEDS[d].format(name=name) for d in when.min_scores if d in _NEEDS]
    if when.apology and "apology" not in when.min_scores:
        needs.append(_NEEDS["apology"])
    if when.offer:
        needs.append("offer something concrete that fixes it")
    if needs:
        lines.append("To move on: " + ", ".join(needs) + ".")
    strong = stage.strong_replies[nth % len(stage.strong_replies)]
    lines.append(f'Try something like: "{personalise(strong, name)}"')
    return "\n".join(lines)


@dataclass
class Moment:
    """One employee reply singled out in the debrief, in the trainee's own words."""

    idx: int
    quote: str
    scores: dict[str, int]
    mean: float
    reason: str
    stage_id: str | None = None
    better_reply: str | None = None
    tip: str | None = None


@dataclass
class Debrief:
    """The end-of-session summary."""

    outcome: str | None
    averages: dict[str, float | None]
    best: Moment | None
    weakest: Moment | None
    unused_facts: list[Fact]
    mood_path: list[int]
    replies: int
    hints_used: int

    def as_text(self) -> str:
        """A plain-text debrief for the terminal."""
        out = [f"Outcome: {self.outcome or 'unfinished'}"]
        out.append(
            "Averages: "
            + ", ".join(
                f"{d} {v:.0f}" if v is not None else f"{d} -" for d, v in self.averages.items()
            )
        )
        out.append("Mood: " + " -> ".join(str(m) for m in self.mood_path))
        if self.best:
            out.append(f'Best reply: "{self.best.quote}" ({self.best.reason})')
        if self.weakest and (not self.best or self.weakest.idx != self.best.idx):
            out.append(f'Weakest reply: "{self.weakest.quote}" ({self.weakest.reason})')
            if self.weakest.better_reply:
                out.append(f'Try instead: "{self.weakest.better_reply}"')
        if self.unused_facts:
            out.append(
                "Never picked up: " + "; ".join(f.text.rstrip(".") for f in self.unused_facts)
            )
        if self.hints_used:
            out.append(f"Hints used: {self.hints_used}")
        return "\n".join(out)


def _mean(turn: TurnRow) -> float:
    scores = turn.scores or {}
    return sum(scores.get(d, 0) for d in DIMENSIONS) / len(DIMENSIONS)


def _moment(turn: TurnRow, best: bool, scenario: Scenario) -> Moment:
    scores = dict(turn.scores or {})
    evidence = turn.evidence or {}
    pick = max if best else min
    dim = pick(DIMENSIONS, key=lambda d: scores.get(d, 0))
    reason = f"{dim} {scores.get(dim, 0)}"
    if evidence.get(dim):
        reason += f": {evidence[dim]}"
    moment = Moment(
        idx=turn.idx,
        quote=turn.text,
        scores=scores,
        mean=round(_mean(turn), 1),
        reason=reason,
        stage_id=turn.stage_id,
        tip=turn.tip,
    )
    if not best:
        stage = next((s for s in scenario.stages if s.id == turn.stage_id), scenario.stages[0])
        fallback = personalise(stage.strong_replies[0], first_name(scenario))
        moment.better_reply = turn.model_reply or fallback
    return moment


HARMFUL_SIGNALS = ("blamed", "dismissive", "sarcastic", "hostile", "doubt", "belittle", "policy")
"""A reply that did any of these is never held up as the best one, however it scored."""


def may_be_best(turn: TurnRow) -> bool:
    return not any((turn.signals or {}).get(s) for s in HARMFUL_SIGNALS)


def build_debrief(
    scenario: Scenario, turns: list[TurnRow], revealed: list[Fact], outcome: str | None
) -> Debrief:
    """Summarise non-retracted `turns`; `revealed` are the facts the customer has given."""
    graded = [t for t in turns if t.role == "employee" and t.scores]
    praised = [t for t in graded if may_be_best(t)]
    best = max(praised, key=_mean) if praised else None
    weakest = min(graded, key=_mean) if graded else None
    used = {fid for t in graded for fid in t.facts_used or []}
    path = [scenario.customer.mood] + [t.mood for t in graded if t.mood is not None]
    return Debrief(
        outcome=outcome,
        averages=averages([expected_scores(t) for t in graded]),
        best=_moment(best, True, scenario) if best else None,
        weakest=_moment(weakest, False, scenario) if weakest else None,
        unused_facts=[f for f in revealed if f.id not in used],
        mood_path=path,
        replies=len(graded),
        hints_used=sum(1 for t in graded if t.hint_used),
    )
