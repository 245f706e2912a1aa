"""What there is to hear: the customer's clauses, weighted by how recent they are and by whether
an earlier reply already carried them back. The same for every reply to one conversation, so
it is worked out once per reply graded, not once per clause tried for its evidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trainer.grader.encoder import Doc
from trainer.grader.overlap import WordVecs, word_cover
from trainer.grader.text import content_stems

# Cosine similarity between MiniLM clause embeddings: below LOW is unrelated, above HIGH is a
# paraphrase.
SIM_LOW, SIM_HIGH = 0.35, 0.75
# Listening weighs what the customer said last most: a reply that picks up their latest line
# well has listened, even if it does not repeat the whole conversation again. Older turns
# count RECENCY per turn back (never below RECENCY_FLOOR); clauses an earlier reply of the
# employee already carried back count HEARD_WEIGHT.
RECENCY, RECENCY_FLOOR, HEARD_WEIGHT = 0.5, 0.25, 0.5
# A clause counts as carried back (by an earlier reply, or for `covered`) from this much.
CARRIED = 0.5


@dataclass(frozen=True)
class Said:
    """One customer clause to be heard."""

    text: str
    stems: dict[str, str]
    weight: float


@dataclass(frozen=True)
class Heard:
    """The customer's side of the conversation, as every reply to it is measured against."""

    said: list[Said]
    vecs: np.ndarray  # (len(said), dim): the clauses' embeddings, row by row
    words: dict[str, str]  # every content stem the customer used -> its surface word
    focus_clauses: int  # clauses still to be heard: the latest ones, less what came back
    focus_stems: frozenset[str]


def semantic(sim: float) -> float:
    """A clause similarity as carry-back credit, 0..1."""
    return min(1.0, max(0.0, (sim - SIM_LOW) / (SIM_HIGH - SIM_LOW)))


def carried(
    stems: dict[str, str],
    by: dict[str, str],
    by_vecs: np.ndarray,
    vec: np.ndarray,
    word_vecs: WordVecs | None = None,
) -> float:
    """How well a text (its content words and clause vectors) carries back one customer
    clause, 0..1: by shared words (stem or close word meaning) or by clause meaning."""
    lex = word_cover(stems, by, word_vecs)
    sim = float((by_vecs @ vec).max()) if len(by_vecs) else 0.0
    return max(lex, semantic(sim))


def recency(age: int) -> float:
    """The weight of a customer turn said `age` turns before their latest (0)."""
    return max(RECENCY_FLOOR, RECENCY**age)


def hear(customer: list[Doc], ages: list[int], earlier: list[Doc]) -> Heard:
    """`ages[i]` counts the customer turns said after `customer[i]` (0 = their latest line);
    `earlier` are the employee's previous replies in this conversation."""
    already: dict[str, str] = {}
    for doc in earlier:
        already.update(content_stems(doc.text))
    earlier_vecs = [d.clause_vecs for d in earlier if len(d.clause_vecs)]
    dim = customer[0].vec.shape[-1] if customer else 0
    back = np.concatenate(earlier_vecs) if earlier_vecs else np.zeros((0, dim))
    said: list[Said] = []
    vecs: list[np.ndarray] = []
    words: dict[str, str] = {}
    focus_clauses, focus_stems = 0, set[str]()
    for doc, age in zip(customer, ages, strict=True):
        for clause, vec in zip(doc.clauses, doc.clause_vecs, strict=True):
            stems = content_stems(clause.text)
            words.update(stems)
            if not stems:
                continue
            heard = carried(stems, already, back, vec) >= CARRIED
            factor = recency(age) * (HEARD_WEIGHT if heard else 1.0)
            if factor >= 0.5:  # still to be heard: the latest turns, less what came back
                focus_clauses += 1
                focus_stems |= set(stems)
            said.append(Said(clause.text, stems, len(stems) * factor))
            vecs.append(vec)
    matrix = np.stack(vecs) if vecs else np.zeros((0, dim), dtype=np.float32)
    return Heard(said, matrix, words, focus_clauses, frozenset(focus_stems))
