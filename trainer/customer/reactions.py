"""The scripted side of a reacting customer: reaction lines, answers, and the facts a line says.

A fallback line is built from the same intent the model gets: the reaction (the scenario's own
`reactions:` lines, else the defaults in data/reactions.yaml), then the answer, then the
stage's line. So a customer told "that's your own fault" pushes back even when the model's
candidates were all rejected.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence

from ruamel.yaml import YAML

from trainer.customer.base import ANSWER_NOT_YET, ANSWER_UNKNOWN, CustomerContext, LineIntent
from trainer.customer.scripted import Tone, last_customer_line, mood_tone, script_line
from trainer.locations import package_data
from trainer.scenarios import Fact, Scenario

# Kinds whose reaction would only repeat what the answer or the stage line says anyway.
_SILENT = ("none", "question")


@functools.cache
def default_reactions() -> dict[str, dict[str, list[str]]]:
    path = package_data("customer", "data", "reactions.yaml")
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return {str(k): {str(t): list(v) for t, v in tones.items()} for k, tones in data.items()}


def reaction_lines(scenario: Scenario, kind: str, tone: Tone) -> list[str]:
    """The scenario's lines for `kind`, else the defaults for that kind and tone."""
    own = scenario.reactions.get(kind)  # type: ignore[call-overload]
    if own:
        return list(own)
    tones = default_reactions().get(kind, {})
    return tones.get(tone) or tones.get("neutral") or []


def _opening_word(text: str) -> str:
    words = re.findall(r"[a-z']+", text.lower())
    return words[0] if words else ""


def _pick(lines: Sequence[str], ctx: CustomerContext, salt: str, avoid: str = "") -> str | None:
    """A seeded choice, never the previous line again, and not starting like `avoid` (the
    stage line that follows: "Thank you. ... Thank you. ..." reads canned)."""
    previous = (last_customer_line(ctx) or "").strip()
    fresh = [line for line in lines if line.strip() and line.strip() not in previous]
    unlike = [line for line in fresh if _opening_word(line) != _opening_word(avoid)]
    fresh = unlike or fresh
    if not fresh:
        return None
    return random.Random(f"{salt}:{ctx.seed or 0}:{ctx.turn_index}").choice(fresh)


def _same(a: str, b: str) -> bool:
    # Whole words only: "No." is not the same as "Not now."
    norm = lambda s: " " + re.sub(r"\W+", " ", s.lower()).strip() + " "  # noqa: E731
    return norm(a) in norm(b) or norm(b) in norm(a)


# A stage line often opens by taking in what was said ("Okay. I appreciate that. So what...").
# After a reaction has done that, the opener says it a second time: "That's more like it.
# Thank you. Okay. I appreciate that." reads like two scripts glued together.
_ACK_OPENER = re.compile(
    r"^\s*(okay|ok|alright|all right|fine|thank you|thanks|i appreciate (that|it)|that helps)\b"
    r"[^.!?]{0,12}[.!?]+\s*",
    re.IGNORECASE,
)


def _without_ack_openers(line: str) -> str:
    """`line` without its leading acknowledgement sentences; the line itself if that is all."""
    rest = line
    while (m := _ACK_OPENER.match(rest)) and rest[m.end() :].strip():
        rest = rest[m.end() :]
    return rest.strip() or line


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def scripted_parts(ctx: CustomerContext, intent: LineIntent) -> list[str]:
    """The reaction, the answer and the stage line, as separate sentences."""
    tone = mood_tone(ctx)
    parts: list[str] = []
    if intent.react not in _SILENT:
        said = _pick(
            reaction_lines(ctx.scenario, intent.react, tone), ctx, intent.react, intent.then
        )
        if said and _opening_word(said) == _opening_word(intent.then):
            said = None  # every reaction would start like the stage line: let that speak
        if said:
            parts.append(said)
    if intent.answer in (ANSWER_UNKNOWN, ANSWER_NOT_YET):
        said = _pick(reaction_lines(ctx.scenario, intent.answer, tone), ctx, intent.answer)
        if said:
            parts.append(said)
    elif intent.answer:
        parts.append(intent.answer)
    then_says_it = bool(intent.answer_fact) and intent.answer_fact in facts_in(
        intent.then, ctx.scenario.facts
    )
    then = _without_ack_openers(intent.then) if parts else intent.then
    if then and not then_says_it:
        # Sentence by sentence: a reaction that is one of the stage line's sentences is said once.
        spoken = [x for p in parts for x in _sentences(p)]
        kept = [x for x in _sentences(then) if not any(_same(x, y) for y in spoken)]
        if kept:
            parts.append(" ".join(kept))
    return parts


def scripted_text(ctx: CustomerContext, intent: LineIntent) -> str:
    return " ".join(p.strip() for p in scripted_parts(ctx, intent))


def keyword_in(keyword: str, low: str) -> bool:
    """Whether a coach's keyword occurs in lowercased `low` as a whole word or phrase."""
    return re.search(rf"(?<!\w){re.escape(keyword.lower())}(?!\w)", low) is not None


def _keyword_weight(keyword: str) -> int:
    return 2 if " " in keyword.strip() or any(ch.isdigit() for ch in keyword) else 1


def facts_in(text: str, facts: Sequence[Fact], answered: str | None = None) -> list[str]:
    """Ids of the facts `text` says: its own words, or two of its keywords (one for the fact
    the line was asked to give). Keywords are the coach's cues for the fact (fact.keywords);
    a phrase ("one pen") or a number ("112") is specific enough to count as two."""
    low = text.lower()
    found = []
    for fact in facts:
        quoted, hits = fact_hits(fact, low)
        need = 1 if fact.id == answered else min(2, max(1, len(fact.keywords)))
        if quoted or (fact.keywords and hits >= need):
            found.append(fact.id)
    return found


def fact_hits(fact: Fact, low: str) -> tuple[bool, int]:
    """How much of `fact` the lower-cased text says: its `says` line whole, and the weight of
    the keywords it names (see _keyword_weight)."""
    says = (fact.says or "").lower().strip(" .!")
    hits = sum(_keyword_weight(k) for k in fact.keywords if keyword_in(k, low))
    return bool(says) and says in low, hits


def intent_of(ctx: CustomerContext) -> LineIntent:
    """The engine's intent, or (benches, old callers) the stage line with no reaction."""
    return ctx.intent or LineIntent(then=script_line(ctx))


def allowed_context(ctx: CustomerContext, intent: LineIntent) -> str:
    """Everything a line may draw its numbers, days and names from."""
    s = ctx.scenario
    parts = [s.customer.name, s.customer.persona, s.summary, s.opening, intent.then]
    parts += [intent.answer or "", *(t.text for t in ctx.history)]
    parts += [f"{f.text} {f.says or ''}" for f in s.facts]
    parts += [line for st in s.stages for line in (*st.lines, *st.calmer_lines, *st.angrier_lines)]
    return " ".join(parts)
