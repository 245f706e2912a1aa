"""Coaching built from the scenario and the graded turns: hints during, the debrief after."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from trainer.customer.reactions import facts_in
from trainer.engine.history import HintUse, Retry, hints, retries
from trainer.engine.mood import HARM_WORDS
from trainer.engine.rewrite import Rewrite, improve
from trainer.engine.said import Known, context_of
from trainer.scenarios import Fact, Scenario, Stage
from trainer.scoring import averages, expected_scores
from trainer.store import TurnRow
from trainer.types import DIMENSIONS

_NEEDS = {
    "listening": "repeat back the specifics {name} gave you",
    "acknowledgement": "name how this is affecting {name}",
    "apology": "apologise for the specific failure",
    "personalization": "talk about {name}'s own situation, not policy",
}
_FIRST_PERSON = {"I", "I'm", "I'll", "I've", "I'd"}


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
    """What to do now: the stage's goal, facts not yet picked up, a strong reply to adapt
    (one that uses only what the customer has said) and a weak one to avoid."""
    name = scenario.customer.first_name
    used = set(used_fact_ids)
    lines = [f"Now: {stage.goal}"]
    unused = [f for f in revealed if f.id not in used]
    if unused:
        lines.append(f"Show you heard {name}: " + "; ".join(f.gist.rstrip(".") for f in unused[:3]))
    when = stage.advance_when
    needs = [_NEEDS[d].format(name=name) for d in when.min_scores if d in _NEEDS]
    if when.apology and "apology" not in when.min_scores:
        needs.append(_NEEDS["apology"])
    if when.offer:
        needs.append("offer something concrete that fixes it")
    if needs:
        lines.append("To move on: " + ", ".join(needs) + ".")
    said = {f.id for f in revealed}
    # A model reply that names a fact nobody has said would teach listening back to nothing.
    clean = [r for r in stage.strong_replies if set(facts_in(r, scenario.facts)) <= said]
    if clean:
        strong = clean[nth % len(clean)]
        lines.append(f'Try something like: "{personalise(strong, name)}"')
    if stage.weak_replies:
        weak = stage.weak_replies[nth % len(stage.weak_replies)]
        lines.append(f'Avoid: "{weak}"')
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
    """The reply to learn from: the improved one if anything was added, else another way."""
    tip: str | None = None
    improved: Rewrite | None = None
    """The trainee's own reply with what was missing added (weakest reply only)."""
    another_way: str | None = None
    """A model reply for the same moment, never the trainee's own words back."""


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
    retries: list[Retry] = field(default_factory=list)
    hints: list[HintUse] = field(default_factory=list)
    to_ask_about: list[Fact] = field(default_factory=list)
    """Gated facts the customer never gave: what asking (or earning trust) would have found."""
    facts_revealed: int = 0
    """How many facts the customer told in all (used or not)."""

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
        weak = self.weakest
        if weak and (not self.best or weak.idx != self.best.idx or _adds(weak)):
            out.append(f'Weakest reply: "{weak.quote}" ({weak.reason})')
            if weak.improved is not None and weak.improved.added:
                out.append(f'Your reply, improved («added»): "{weak.improved.marked()}"')
            if weak.another_way:
                out.append(f'Another way to say it: "{weak.another_way}"')
        if self.unused_facts:
            out.append(
                "Never picked up: " + "; ".join(f.text.rstrip(".") for f in self.unused_facts)
            )
        if self.to_ask_about:
            out.append(
                "What you could have learned by asking: "
                + "; ".join(f.text.rstrip(".") for f in self.to_ask_about)
            )
        for retry in self.retries:
            change = "" if retry.change is None else f" ({retry.change:+.0f} on average)"
            out.append(f'Taken back: "{retry.first}" -> "{retry.then or "nothing yet"}"{change}')
        for hint in self.hints:
            out.append(f"Hint: {hint.goal} -> {hint_outcome(hint)}")
        if self.hints_used and not self.hints:
            out.append(f"Hints used: {self.hints_used}")
        return "\n".join(out)


def _adds(moment: Moment) -> bool:
    return moment.improved is not None and bool(moment.improved.added)


def hint_outcome(hint: HintUse) -> str:
    """What the trainee did with a hint, in a few words."""
    parts = []
    if hint.copied:
        parts.append("used the suggested reply almost word for word")
    elif hint.suggested:
        got = len(hint.picked_up)
        parts.append(f"said back {got} of the {len(hint.suggested)} details it pointed to")
    if hint.before is not None:
        parts.append(f"average {hint.before:.0f} -> {hint.after:.0f}")
    else:
        parts.append(f"average {hint.after:.0f}")
    return "; ".join(parts)


def _mean_of(scores: dict[str, int]) -> float:
    return sum(scores.get(d, 0) for d in DIMENSIONS) / len(DIMENSIONS)


def _mean(turn: TurnRow) -> float:
    return _mean_of(turn.scores or {})


def _same(a: str, b: str) -> bool:
    """Equal once case, spacing and punctuation are set aside."""

    def norm(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    return norm(a) == norm(b)


def _stage(scenario: Scenario, stage_id: str | None) -> Stage:
    return next((s for s in scenario.stages if s.id == stage_id), scenario.stages[0])


def _another_way(scenario: Scenario, turn: TurnRow, known: Known, avoid: list[str]) -> str | None:
    """The grader's model reply or another of the stage's, if it says nothing unsaid and is not
    what the trainee (or the improved reply) already says."""
    stage = _stage(scenario, turn.stage_id)
    name = scenario.customer.first_name
    candidates = (
        [turn.model_reply, *stage.strong_replies] if turn.model_reply else stage.strong_replies
    )
    for candidate in candidates:
        if not candidate or not known.safe(candidate):
            continue
        text = personalise(candidate, name)
        if not any(_same(text, a) or _same(candidate, a) for a in avoid):
            return text
    return None


def _moment(turn: TurnRow, best: bool, scenario: Scenario, live: list[TurnRow]) -> Moment:
    scores = dict(turn.scores or {})
    evidence = turn.evidence or {}
    pick = max if best else min
    dim = pick(DIMENSIONS, key=lambda d: scores.get(d, 0))
    reason = f"{dim} {scores.get(dim, 0)}"
    if evidence.get(dim):
        reason += f": {evidence[dim]}"
    harms = harm_lines(turn)
    if harms and not best:
        reason = "; ".join(harms)  # what the customer heard matters more than a low score
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
        context = context_of(scenario, turn, live)
        moment.improved = improve(
            scenario,
            turn.text,
            scores,
            dict(turn.signals or {}),
            turn.facts_used or [],
            turn.stage_id,
            context,
        )
        known = Known(scenario, context.heard, context.said_ids, turn.text)
        moment.another_way = _another_way(scenario, turn, known, [turn.text, moment.improved.text])
        moment.better_reply = moment.improved.text if moment.improved.added else moment.another_way
    return moment


def harm_lines(turn: TurnRow) -> list[str]:
    """The reply's doubt, belittling, policy or insult, each with the words that did it."""
    signals, evidence = turn.signals or {}, turn.evidence or {}
    out = []
    for signal, words in HARM_WORDS.items():
        if signals.get(signal):
            said = evidence.get(signal)
            out.append(f"{words}: “{said}”" if said else words)
    return out


HARMFUL_SIGNALS = ("blamed", "dismissive", "sarcastic", "hostile", "doubt", "belittle", "policy")
"""A reply that did any of these is never held up as the best one, however it scored."""


def may_be_best(turn: TurnRow) -> bool:
    return not any((turn.signals or {}).get(s) for s in HARMFUL_SIGNALS)


def build_debrief(
    scenario: Scenario,
    turns: list[TurnRow],
    revealed: list[Fact],
    outcome: str | None,
    history: list[TurnRow] | None = None,
    to_ask_about: list[Fact] | None = None,
) -> Debrief:
    """Summarise non-retracted `turns`; `revealed` are the facts the customer has given;
    `history` (every stored turn, retracted ones too) adds the retries and the hints."""
    live = [t for t in turns if not t.retracted]
    graded = [t for t in live if t.role == "employee" and t.scores]
    praised = [t for t in graded if may_be_best(t)]
    best = max(praised, key=_mean) if praised else None
    weakest = min(graded, key=_mean) if graded else None
    used = {fid for t in graded for fid in t.facts_used or []}
    path = [scenario.customer.mood] + [t.mood for t in graded if t.mood is not None]
    every = history if history is not None else live
    return Debrief(
        outcome=outcome,
        averages=averages([expected_scores(t) for t in graded]),
        best=_moment(best, True, scenario, live) if best else None,
        weakest=_moment(weakest, False, scenario, live) if weakest else None,
        unused_facts=[f for f in revealed if f.id not in used],
        mood_path=path,
        replies=len(graded),
        # A hint asked for before a reply that was then taken back was still used.
        hints_used=sum(1 for t in every if t.role == "employee" and t.hint_used),
        retries=retries(every),
        hints=hints(scenario, every),
        to_ask_about=list(to_ask_about or []),
        facts_revealed=len(revealed),
    )
