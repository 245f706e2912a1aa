"""What the customer's next line must do, worked out from what the employee just did.

The line is: a reaction to the reply (its strongest move: blame beats an apology in the same
breath, because that is what a person hears), then the answer if they were asked something,
then the stage's own line. The customer backend writes it from this intent; the scripted
fallback builds it from the same parts, so a fallback line reacts too.

Questions are matched to the scenario's facts by the facts' keywords and words. A fact whose
stage has not come yet, or whose gate (`reveal:`) still holds, is not given away: the
customer deflects (ANSWER_NOT_YET). A question about an `asked`-gated fact is what opens it;
an open question ("anything else?") gets the next unsaid fact of the stage, then an
askable gated one. A specific
question about something the scenario does not say gets ANSWER_UNKNOWN, so the customer says
they don't know instead of inventing a number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trainer.customer.base import ANSWER_NOT_YET, ANSWER_UNKNOWN, LineIntent
from trainer.customer.reactions import keyword_in
from trainer.grader import moves
from trainer.grader.banks import load_banks
from trainer.grader.text import content_stems
from trainer.scenarios import Fact, Scenario
from trainer.types import Turn

LISTENED = 55
"""Listening score from which a reply counts as saying back what the customer said (the
same bar the library's stages use to advance on listening)."""
ACKNOWLEDGED = 55
"""Acknowledgement score from which the feeling counts as named."""
MIN_FACT_MATCH = 2
"""A keyword hit counts 2, a shared content word 1: one keyword, or two shared words, is
enough to say which fact a question is about."""
DETAIL_WORDS = 10

_APOLOGY = re.compile(r"\b(sorry|apologi[sz]e|apologies|my bad|that'?s on (us|me))\b", re.I)
_OFFER = re.compile(
    r"\b(i'?ll|i will|we'?ll|we will|i can|we can|i'?m going to|let me|i'?ve|i have)\b.{0,40}"
    r"\b(refund|replace|send|book|credit|waive|fix|move|upgrade|reissue|cancel|arrange|"
    r"give|put|order|courier|deliver|compensat|reimburs|cover|pay|call|escalate|sort|lend|"
    r"loan|swap|exchange|ship|post|hold|reserve|extend|discount|get you|rebook|waive)",
    re.I,
)
_OPEN_QUESTION = re.compile(
    r"\b(what happened|what'?s (happened|going on|wrong|the problem|the matter)|"
    r"what seems to be|tell me (more|what)|(can|could) you (tell|walk|explain)|"
    r"what (can|could) i do|how can i help|what do you need|what would (help|you like)|"
    r"anything else|what'?s (riding on|at stake)|what does (this|that|it) mean for you|"
    r"how (is|has|was) (this|that|it) (affect|impact|hit)|what would (this|that|it) mean)",
    re.I,
)
_BLAME = re.compile(
    r"\b(your (own )?fault|you (caused|broke|did) (this|it)|because of you|user error|"
    r"you('re| are) (the one|to blame))\b",
    re.I,
)
_WH_QUESTION = re.compile(r"\b(what|when|where|which|who|whose|how (many|much|long|often))\b", re.I)
_FEELING_QUESTION = re.compile(r"\b(feel|feeling|how are you|are you (ok|okay|alright))\b", re.I)
_NAME_QUESTION = re.compile(r"\b(your name|who am i speaking|who'?s speaking)\b", re.I)
# Precedence of what the reply did: the move that hurts or sticks out is the one reacted to.
_HARMFUL = (
    ("injection", "injection"),
    ("hostile", "hostility"),
    ("blamed", "blame"),
    ("doubt", "doubt"),
    ("belittle", "lecture"),
    ("policy", "policy"),
    ("dismissive", "dismissal"),
)


@dataclass(frozen=True)
class Answer:
    text: str | None
    fact_id: str | None = None


def _words(text: str) -> set[str]:
    return set(content_stems(text.lower()))


def match_fact(question: str, facts: Sequence[Fact]) -> Fact | None:
    """The fact a question is about, or None when nothing matches well enough."""
    low = question.lower()
    asked = _words(question)
    best: tuple[int, int, Fact] | None = None
    for order, fact in enumerate(facts):
        hits = sum(1 for k in fact.keywords if keyword_in(k, low))
        shared = len(asked & _words(f"{fact.text} {fact.says or ''}"))
        score = 2 * hits + shared
        if score >= MIN_FACT_MATCH and (best is None or score > best[0]):
            best = (score, -order, fact)
    return best[2] if best else None


def answer_for(
    question: str,
    scenario: Scenario,
    open_ids: Sequence[str],
    said_ids: Sequence[str],
    stage_reveals: Sequence[str],
    askable_ids: Sequence[str] = (),
) -> Answer:
    """What the customer answers to `question` (ANSWER_* when they can't or won't).
    `askable_ids` are gated facts a question about them would open now."""
    if _NAME_QUESTION.search(question):
        return Answer(f"It's {scenario.customer.name}.")
    fact = match_fact(question, scenario.facts)
    if fact is not None:
        if fact.id in open_ids or fact.id in askable_ids:
            return Answer(fact.says or fact.text, fact.id)
        return Answer(ANSWER_NOT_YET, fact.id)
    if _FEELING_QUESTION.search(question):
        return Answer(None)  # the reaction and the mood answer that
    if not _WH_QUESTION.search(question):
        # "Did you bring your receipt?" asks about something the scenario doesn't say; "I
        # don't know" would be absurd, and inventing yes or no breaks the scenario: the
        # reaction and the stage line answer it.
        return (
            Answer(None)
            if not _OPEN_QUESTION.search(question)
            else _next_fact(scenario, open_ids, said_ids, stage_reveals, askable_ids)
        )
    if _OPEN_QUESTION.search(question):
        return _next_fact(scenario, open_ids, said_ids, stage_reveals, askable_ids)
    return Answer(ANSWER_UNKNOWN)


def _next_fact(
    scenario: Scenario,
    open_ids: Sequence[str],
    said_ids: Sequence[str],
    stage_reveals: Sequence[str],
    askable_ids: Sequence[str],
) -> Answer:
    """ "What happened?": the next thing this stage has to say that hasn't been said, then a
    gated fact that an honest open question earns."""
    candidates = [fid for fid in stage_reveals if fid in open_ids]
    for fid in [*candidates, *askable_ids]:
        if fid not in said_ids:
            found = scenario.fact(fid)
            return Answer(found.says or found.text, fid)
    return Answer(None)


def _sentence_with(text: str, pattern: re.Pattern[str]) -> str | None:
    for sentence in moves.sentences(text):
        if pattern.search(sentence):
            return sentence
    return None


def _short(text: str | None) -> str | None:
    if not text:
        return None
    words = text.strip().split()
    return " ".join(words[:DETAIL_WORDS])


def _off_topic(reply: str, scenario: Scenario, history: Sequence[Turn]) -> bool:
    """Nothing in the reply touches the conversation or the customer's situation."""
    said = _words(reply)
    if len(said) < 3:
        return False
    context = " ".join(
        [
            scenario.customer.persona,
            scenario.summary,
            *(f"{f.text} {f.says or ''}" for f in scenario.facts),
            *(s.goal for s in scenario.stages),
            *(t.text for t in history),
        ]
    )
    return not (said & _words(context))


def _hollow(sentence: str) -> bool:
    """A formulaic or non-apology: sorry for nothing in particular, or for their feelings."""
    banks = load_banks()
    low = sentence.lower().replace("\u2019", "'")
    return bool(banks["formulaic_apology"].find(low) or banks["non_apology"].find(low))


def reaction(
    reply: str,
    scores: Mapping[str, int],
    signals: Mapping[str, bool],
    found: Mapping[str, str],
    off_topic: bool,
) -> tuple[str, str | None]:
    """(kind, the words reacted to) for what the reply did most."""
    found = {**found}
    blame = _sentence_with(reply, _BLAME)
    if blame:
        found["blamed"] = blame
    for signal, kind in _HARMFUL:
        if signals.get(signal) or signal in found:
            return kind, _short(found.get(signal) or moves.sentences(reply)[0])
    apology = _sentence_with(reply, _APOLOGY)
    if apology and _hollow(apology) and not signals.get("apologized"):
        # "Sorry for any inconvenience" / "sorry you feel that way" is heard as a brush-off.
        return "dismissal", _short(apology)
    offered = bool(signals.get("offered_repair"))
    offer = _sentence_with(reply, _OFFER) if offered or _OFFER.search(reply) else None
    if apology and offer:
        return "apology+offer", _short(offer)
    if offer:
        return "offer", _short(offer)
    if apology:
        return "apology", _short(apology)
    if "small_talk" in found:
        return "small_talk", _short(found["small_talk"])
    if "question" in found:
        return "question", _short(found["question"])
    if scores.get("acknowledgement", 0) >= ACKNOWLEDGED:
        return "named_feeling", _short(moves.sentences(reply)[0])
    if scores.get("listening", 0) >= LISTENED:
        return "repeat_back", _short(moves.sentences(reply)[0])
    if off_topic:
        return "off_topic", _short(moves.sentences(reply)[0])
    return "none", None


_FLAG_EVIDENCE = ("doubt", "belittle", "policy")


def build_intent(
    scenario: Scenario,
    reply: str,
    scores: Mapping[str, int],
    signals: Mapping[str, bool],
    history: Sequence[Turn],
    open_ids: Sequence[str],
    said_ids: Sequence[str],
    stage_reveals: Sequence[str],
    then: str,
    askable_ids: Sequence[str] = (),
    evidence: Mapping[str, str] | None = None,
) -> LineIntent:
    """The intent of the customer's answer to `reply` (the stage line `then` comes last).

    `evidence` is the grade's: where the grader's learned flags caught doubt, belittling or
    policy that no pattern did, it holds the clause the customer reacts to."""
    caught = {k: v for k, v in (evidence or {}).items() if k in _FLAG_EVIDENCE and v}
    found = {**caught, **moves.detect(reply)}
    kind, detail = reaction(reply, scores, signals, found, _off_topic(reply, scenario, history))
    answer = Answer(None)
    if "question" in found and kind not in ("injection", "hostility", "small_talk"):
        answer = answer_for(
            found["question"], scenario, open_ids, said_ids, stage_reveals, askable_ids
        )
    return LineIntent(
        react=kind,
        detail=detail,
        answer=answer.text,
        answer_fact=answer.fact_id,
        then=then,
    )
