"""The learned flags' evidence: the clause whose removal lowers the flag's score the most."""

from __future__ import annotations

import numpy as np

from trainer.grader.encoder import Doc
from trainer.grader.flag_heads import FLAGS, FlagHeads
from trainer.grader.text import Clause


def _unit(v: list[float]) -> np.ndarray:
    a = np.array(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def _doc(texts: list[str], vecs: list[np.ndarray]) -> Doc:
    clauses = [Clause(t, 0, len(t)) for t in texts]
    weights = np.array([len(t) for t in texts], dtype=np.float32)[:, None]
    total = (np.stack(vecs) * weights).sum(axis=0)
    return Doc(" ".join(texts), total / np.linalg.norm(total), clauses, np.stack(vecs))


# Belittle points along the first axis; the other two flags never fire.
HEADS = FlagHeads(
    weights=np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]], dtype=np.float32),
    bias=np.zeros(3, dtype=np.float32),
    thresholds=np.array([1.0, 0.5, 1.0], dtype=np.float32),
)


def test_the_clause_that_carried_the_flag_is_the_evidence() -> None:
    doc = _doc(
        ["I can look at the booking", "but you really should have read the email"],
        [_unit([0.1, 1, 0]), _unit([1, 0.1, 0])],
    )
    assert FLAGS[1] == "belittle"
    assert HEADS.detect(doc) == {"belittle": "but you really should have read the email"}


def test_no_flag_fires_below_its_threshold() -> None:
    doc = _doc(["I can look at the booking now"], [_unit([0.1, 1, 0])])
    assert HEADS.detect(doc) == {}
