"""What the trainee has heard, in the customer's own words ("What you know").

A fact counts as said once a customer line says it (engine/rules.State.hear), but the coach's
wording of the fact carries more than the line did ("Biscuit had surgery on 2 January" when
the customer said "my dog's operation"). So the trainee is shown the sentence that said it.
"""

from __future__ import annotations

from collections.abc import Sequence

from trainer.customer.reactions import fact_hits, facts_in
from trainer.grader import moves
from trainer.scenarios import Fact, Scenario
from trainer.store import TurnRow

MIN_QUOTE_WORDS = 4
"""Shorter than this a sentence ("Again.") needs the one after it to mean anything."""
MAX_QUOTE_WORDS = 24
"""A sentence longer than this is cut at a word, with an ellipsis: the panel is narrow."""


def _short(sentence: str) -> str:
    words = sentence.split()
    return sentence if len(words) <= MAX_QUOTE_WORDS else " ".join(words[:MAX_QUOTE_WORDS]) + "…"


def _sentence_for(fact: Fact, sentences: list[str]) -> str | None:
    """The sentence that says most of `fact` (its own words, then its keywords); a clipped
    one ("Again.") takes the next sentence with it, or it says nothing on its own."""

    def weight(sentence: str) -> tuple[bool, int]:
        return fact_hits(fact, sentence.lower())

    best = max(range(len(sentences)), key=lambda i: (weight(sentences[i]), -i), default=None)
    if best is None or weight(sentences[best]) == (False, 0):
        return None
    sentence = sentences[best]
    if len(sentence.split()) < MIN_QUOTE_WORDS and best + 1 < len(sentences):
        sentence = f"{sentence} {sentences[best + 1]}"
    return sentence


def heard_quotes(scenario: Scenario, turns: Sequence[TurnRow]) -> list[str]:
    """The customer's sentences that said each fact, in the order said, without repeats."""
    seen: set[str] = set()
    quotes: list[str] = []
    for turn in turns:
        if turn.role != "customer" or turn.retracted:
            continue
        said = turn.facts_said
        if said is None:
            said = facts_in(turn.text, scenario.facts)
        sentences = moves.sentences(turn.text) or [turn.text]
        for fid in said:
            if fid in seen:
                continue
            seen.add(fid)
            quote = _short(_sentence_for(scenario.fact(fid), sentences) or turn.text)
            # Two facts from one sentence show once (the longer quote, where it first came).
            overlap = next((i for i, q in enumerate(quotes) if quote in q or q in quote), None)
            if overlap is None:
                quotes.append(quote)
            elif len(quote) > len(quotes[overlap]):
                quotes[overlap] = quote
    return quotes
