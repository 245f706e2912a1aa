"""Which clause of a reply carried each dimension's score: the one whose removal costs most.

Evidence used to come from the heuristics ("carried back 'thirty', 'dollars'"), which could
name a filler word or a clause the learned heads did not rely on. Here the reply is re-scored
once per clause with that clause taken out (clause embeddings are cached, so nothing is
encoded again) and the clause whose removal lowers a dimension's final score the most is
quoted before the heuristic's explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from trainer.grader.encoder import Doc
from trainer.grader.text import Clause, shorten
from trainer.types import DIMENSIONS, LEVEL_FAIR

# Above this many clauses a reply is re-scored this many extra times for its evidence, which
# would cost more than the rest of grading; the heuristics' evidence stands alone then.
MAX_CLAUSES = 8
# A clause must cost at least this many points when taken out to be the one that carried it.
MIN_DROP = 5
MIN_WORDS = 3


def without(doc: Doc, k: int) -> Doc:
    """`doc` with its k-th clause taken out (text, clause spans and pooled vector)."""
    kept = [c for i, c in enumerate(doc.clauses) if i != k]
    vecs = np.delete(doc.clause_vecs, k, axis=0)
    clauses, pos = [], 0
    for c in kept:
        clauses.append(Clause(c.text, pos, pos + len(c.text)))
        pos += len(c.text) + 1
    weights = np.array([len(c.text) for c in kept], dtype=np.float32)
    total = (vecs * weights[:, None]).sum(axis=0)
    vec = total / max(float(np.linalg.norm(total)), 1e-9)
    return Doc(" ".join(c.text for c in kept), vec.astype(np.float32), clauses, vecs)


def with_carrying_clause(
    doc: Doc,
    scores: Mapping[str, int],
    evidence: Mapping[str, str],
    rescore: Callable[[Doc], Mapping[str, int]],
) -> dict[str, str]:
    """`evidence` with "most from “clause”" before each dimension the reply did fairly on."""
    out = dict(evidence)
    earned = [d for d in DIMENSIONS if scores.get(d, 0) >= LEVEL_FAIR]
    if not earned or not 2 <= len(doc.clauses) <= MAX_CLAUSES:
        return out
    # "Okay" or "Right, so" is never the evidence: such clauses are not tried.
    tried = [k for k, c in enumerate(doc.clauses) if len(c.text.split()) >= MIN_WORDS]
    if not tried:
        return out
    drops = []
    for k in tried:
        rest = rescore(without(doc, k))
        drops.append([scores.get(d, 0) - rest.get(d, 0) for d in earned])
    table = np.array(drops)  # (tried clauses, earned dimensions)
    for j, dim in enumerate(earned):
        row = int(table[:, j].argmax())
        if table[row, j] >= MIN_DROP:
            quote = shorten(doc.clauses[tried[row]].text, 12)
            out[dim] = f"most from “{quote}”; {out.get(dim, '')}".rstrip("; ")
    return out
