"""Offers of repair: a commitment followed by an action, or a clause that reads like one.

Patterns find an offer's shape (I'll / let me / we can / what I can do is / I've + an action,
within a few words, not negated), so "I'll have our senior technician replace the display"
counts as well as "I'll replace it". Clauses no pattern explains still count when their
embedding is close to an example offer in data/repair.yaml, so new wordings need no new regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from trainer.grader.banks import Bank
from trainer.grader.encoder import Doc

# Words allowed between the commitment and the action ("I'll have our senior technician
# replace"): enough for a delegated offer, few enough not to bridge two sentences' ideas.
MAX_GAP_WORDS = 5
# Cosine to the nearest example offer for a clause with no pattern match: measured on MiniLM,
# real offers in new words sit at 0.6-0.8, apologies and complaints about repairs below 0.55.
SIM_OFFER = 0.62
SIM_OFFER_CUED = 0.5  # when the clause also holds a commitment ("we", "I'll", "you'll get")
_CUE = re.compile(r"\b(i|we|let me|let's|you'll|you will|our team)\b")


@dataclass(frozen=True)
class Offer:
    """What the reply offers: the concrete offer's words, or only a vague one."""

    concrete: str | None
    vague: str | None
    how: str  # "pattern", "similar" or "" (none)


@dataclass(frozen=True)
class _Rules:
    commitments: tuple[re.Pattern[str], ...]
    done: tuple[re.Pattern[str], ...]
    ready: tuple[re.Pattern[str], ...]
    stale: tuple[re.Pattern[str], ...]
    negations: tuple[re.Pattern[str], ...]
    vague: tuple[re.Pattern[str], ...]
    action: re.Pattern[str]


_RULES: dict[int, _Rules] = {}


def _rules(bank: Bank) -> _Rules:
    cached = _RULES.get(id(bank))
    if cached is not None:
        return cached
    actions = "|".join(p.pattern for p in bank.extra.get("actions", []))
    gap = rf"\s*(?:[\w']+\s+){{0,{MAX_GAP_WORDS}}}?(?:{actions})"
    rules = _Rules(
        commitments=tuple(bank.extra.get("commitments", [])),
        done=tuple(bank.extra.get("done", [])),
        ready=tuple(bank.extra.get("ready", [])),
        stale=tuple(bank.extra.get("stale", [])),
        negations=tuple(bank.extra.get("negations", [])),
        vague=tuple(bank.extra.get("vague", [])),
        action=re.compile(gap, re.IGNORECASE),
    )
    _RULES[id(bank)] = rules  # banks load once per process (load_banks is cached)
    return rules


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found
    return None


def _pattern_offer(low: str, rules: _Rules) -> tuple[int, int] | None:
    """Span (in `low`, one clause) of a commitment + action that nothing negates."""
    vague = _any(rules.vague, low)
    groups = [(rules.commitments, False), (rules.done, True)]
    for patterns, past in groups:
        for pattern in patterns:
            for m in pattern.finditer(low):
                act = rules.action.match(low, m.end())
                if act is None:
                    continue
                if vague and vague.start() < act.end() and m.start() < vague.end():
                    continue  # "I'll get back to you": a vague promise, not a repair
                # "we can't", "I won't be able to": a negation anywhere up to the action.
                if _any(rules.negations, low[m.start() : act.end()]):
                    continue
                if past and _any(rules.stale, low):
                    continue  # "we've replaced it twice and it still flickers"
                return m.start(), act.end()
    ready = _any(rules.ready, low)
    if ready and not _any(rules.stale, low) and not _any(rules.negations, low):
        return ready.start(), ready.end()
    return None


def find_offer(reply: Doc, bank: Bank, bank_vecs: np.ndarray | None) -> Offer:
    """The reply's concrete offer of repair (or vague one), by pattern, else by meaning."""
    rules = _rules(bank)
    text = reply.text
    low = text.lower().replace("\u2019", "'")
    whole = bank.find(low)  # "full refund", "it's on us": an offer wherever it sits
    if whole:
        return Offer(_widen(text, whole.start(), whole.end()), None, "pattern")
    vague_quote = None
    for clause in reply.clauses:
        span = _pattern_offer(clause.text.lower().replace("\u2019", "'"), rules)
        if span:
            start = clause.start + span[0]
            return Offer(_widen(text, start, clause.start + span[1]), None, "pattern")
    vague = _any(rules.vague, low)
    if vague:
        vague_quote = _widen(text, vague.start(), vague.end(), 20)
    if bank_vecs is not None and len(bank_vecs) and len(reply.clause_vecs):
        sims = (reply.clause_vecs @ bank_vecs.T).max(axis=1)
        for i in np.argsort(-sims):
            clause = reply.clauses[int(i)]
            low_clause = clause.text.lower().replace("\u2019", "'")
            need = SIM_OFFER_CUED if _CUE.search(low_clause) else SIM_OFFER
            if sims[i] < need:
                break
            if (
                _any(rules.negations, low_clause)
                or _any(rules.vague, low_clause)
                or _any(rules.stale, low_clause)
                or clause.text.rstrip().endswith("?")
            ):
                continue
            return Offer(clause.text, None, "similar")
    return Offer(None, vague_quote, "")


def _widen(text: str, start: int, end: int, extra: int = 40) -> str:
    """The offer's words plus the rest of its phrase (up to `extra` characters)."""
    stop = min(len(text), end + extra)
    cut = re.search(r"[.,;!?]", text[end:stop])
    return text[start : end + cut.start() if cut else stop].strip()
