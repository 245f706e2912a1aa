"""Sentences an improved reply may borrow, and the tests that keep harm out of it.

The scenario's model replies (its strong replies, the reply's own stage first) lend the
feeling, the apology and the offer a weak reply was missing; each is taken only when it can be
said with what the customer had said by then (`said.Known`). `harmful` and `is_offer` read a
sentence the way the grader's moves and phrase banks do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from trainer.engine.said import Known, fold
from trainer.grader import moves
from trainer.grader.banks import load_banks
from trainer.grader.text import clauses
from trainer.scenarios import Scenario, Stage

MAX_CLAUSE_WORDS = 18
"""A feeling or apology taken from a model reply longer than this carries its own story."""
HARMFUL_MOVES = ("doubt", "belittle", "policy", "hostile", "injection")
"""Moves whose sentences are dropped from the trainee's words (grader/moves.py)."""
HARMFUL_BANKS = ("blame", "dismissive", "sarcasm", "non_apology")
"""Phrase banks whose sentences are dropped: blame, brush-offs, sarcasm, 'sorry you feel'."""

APOLOGY = "I'm really sorry about this, and I want to put it right."


def harmful(sentence: str) -> bool:
    """Blame, doubt, talking down, hiding behind policy, a brush-off or a non-apology."""
    if any(moves.find(name, sentence) for name in HARMFUL_MOVES):
        return True
    low = sentence.lower().replace("\u2019", "'")
    banks = load_banks()
    return any(banks[name].find(low) for name in HARMFUL_BANKS)


@dataclass(frozen=True)
class _OfferRules:
    commitments: list[re.Pattern[str]]
    done: list[re.Pattern[str]]
    action: re.Pattern[str]
    spoilers: list[re.Pattern[str]]
    stale: list[re.Pattern[str]]


@cache
def _offer_rules() -> _OfferRules:
    extra = load_banks()["repair"].extra
    actions = "|".join(p.pattern for p in extra.get("actions", []))
    return _OfferRules(
        commitments=extra.get("commitments", []),
        done=extra.get("done", []),
        action=re.compile(rf"\s*(?:[\w']+\s+){{0,5}}?(?:{actions})", re.IGNORECASE),
        spoilers=[*extra.get("negations", []), *extra.get("vague", [])],
        stale=extra.get("stale", []),
    )


def is_offer(text: str) -> bool:
    """A commitment followed by an action ("I'll replace", "I've refunded"), as the grader's
    repair bank defines them, with no negation or vague promise in the way; a done-already
    one that restates the failure ("we've put you in 112 twice") is not an offer."""
    low = text.lower().replace("\u2019", "'")
    rules = _offer_rules()
    stale = any(p.search(low) for p in rules.stale)
    for patterns, past in ((rules.commitments, False), (rules.done, True)):
        for pattern in patterns:
            for m in pattern.finditer(low):
                act = rules.action.match(low, m.end())
                if act is None or (past and stale):
                    continue
                if not any(s.search(low[m.start() : act.end()]) for s in rules.spoilers):
                    return True
    return False


def stages_from(scenario: Scenario, stage_id: str | None) -> list[Stage]:
    """The reply's stage first, then the later ones, then the earlier ones."""
    ids = [s.id for s in scenario.stages]
    at = ids.index(stage_id) if stage_id in ids else 0
    return [*scenario.stages[at:], *reversed(scenario.stages[:at])]


def _sentences(stages: Sequence[Stage]) -> list[str]:
    return [s for stage in stages for reply in stage.strong_replies for s in moves.sentences(reply)]


def _sentence(text: str) -> str:
    text = text.strip().strip(",;:-–— ")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def feeling_clause(stages: Sequence[Stage], known: Known) -> str | None:
    feelings = load_banks().feeling_words
    for sentence in _sentences(stages):
        for clause in clauses(sentence):
            low = fold(clause.text)
            if not any(re.search(rf"\b{re.escape(f)}", low) for f in feelings):
                continue
            if (
                len(clause.text.split()) > MAX_CLAUSE_WORDS
                or "sorry" in low
                or clause.text.endswith("?")
                or is_offer(clause.text)
                or not known.safe(clause.text)
            ):
                continue
            return _sentence(re.sub(r"^(and|but|so)\s+", "", clause.text, flags=re.I))
    return None


def apology(stages: Sequence[Stage], known: Known) -> str:
    """The first model apology (the reply's own stage first) that can be said with what is
    known by now, else a plain one."""
    for sentence in _sentences(stages):
        if re.search(r"\b(sorry|apologi[sz]e)\b", sentence, re.I) is None:
            continue
        too_long = len(sentence.split()) > MAX_CLAUSE_WORDS
        if too_long or is_offer(sentence) or harmful(sentence) or not known.safe(sentence):
            continue
        return _sentence(sentence)
    return APOLOGY


_FAILURE = re.compile(r"\b(mistake|wrong|error|fault|failure|failed|should never)\b", re.I)
_PARTS = re.compile(
    r"(,\s+and\s+|;\s+|\s+[-–—]\s+|,\s+(?=(?:i|we)(?:'ll| will|'ve| have)\b))", re.I
)


def _offer_stages(stages: Sequence[Stage]) -> list[Stage]:
    """Stages that ask for an offer first: that is where the scenario's offers are."""
    return sorted(stages, key=lambda s: not s.advance_when.offer)


def offer(stages: Sequence[Stage], known: Known) -> str | None:
    """A model reply's offer that can be said with what is known: a whole one if any, else
    one with its unsaid clauses dropped (and what hangs on them), as long as an offer is left."""
    candidates = [
        s for s in _sentences(_offer_stages(stages)) if is_offer(s) and not _FAILURE.search(s)
    ]
    for sentence in candidates:
        if known.safe(sentence):
            return _sentence(sentence)
    for sentence in candidates:
        parts = _PARTS.split(sentence)
        out = ""
        keeping = False
        for i in range(0, len(parts), 2):
            part, sep = parts[i], parts[i - 1] if i else ""
            keeping = known.safe(part) and (is_offer(part) or keeping)
            if keeping:
                out += (sep if out else "") + part
        if out and is_offer(out):
            return _sentence(out)
    return None
