"""Learned detectors for doubt, belittling and hiding behind policy, beside the patterns.

The patterns in `moves.py` are precise but miss most of the ways people talk down or hide
behind a rule (recall 0.03 for belittling on the held-out writer). Each head here is a ridge
line on the reply's MiniLM embedding, fit on the raters' flags (evals/grader/train_flags.py);
a signal fires when its pattern or its head does. The head reads only the embedding, which is
a length-weighted mean of the reply's clause embeddings, so the clause that carried it is found
by taking each clause out and seeing which drop lowers the head's score most.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from trainer.grader.encoder import Doc
from trainer.locations import package_data

FLAGS = ("doubt", "belittle", "policy")
FLAGS_FILE = ("grader", "data", "flag_heads.npz")


@dataclass(frozen=True)
class FlagHeads:
    weights: np.ndarray  # (flags, dim)
    bias: np.ndarray  # (flags,)
    thresholds: np.ndarray  # (flags,): fire at or above, chosen on corpus-dev

    def scores(self, vec: np.ndarray) -> np.ndarray:
        return self.weights @ vec + self.bias

    def detect(self, doc: Doc) -> dict[str, str]:
        """Flag -> the clause that carried it, for each head that fires on the reply."""
        if not doc.clauses:
            return {}
        full = self.scores(doc.vec)
        fired = [i for i, f in enumerate(FLAGS) if full[i] >= self.thresholds[i]]
        if not fired:
            return {}
        weights = np.array([len(c.text) for c in doc.clauses], dtype=np.float32)
        total = (doc.clause_vecs * weights[:, None]).sum(axis=0)
        drops = []
        for k in range(len(doc.clauses)):
            rest = total - weights[k] * doc.clause_vecs[k]
            norm = float(np.linalg.norm(rest))
            without = self.scores(rest / norm) if norm > 1e-6 else self.bias
            drops.append(full - without)
        drop = np.stack(drops)  # (clauses, flags)
        return {FLAGS[i]: doc.clauses[int(drop[:, i].argmax())].text for i in fired}

    def save(self, path: str) -> None:
        np.savez(path, weights=self.weights, bias=self.bias, thresholds=self.thresholds)


def fit(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Ridge per flag (closed form; the bias is not penalised). x: unit embeddings."""
    xb = np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)])
    penalty = alpha * np.eye(xb.shape[1])
    penalty[-1, -1] = 0.0
    w = np.linalg.solve(xb.T @ xb + penalty, xb.T @ y)
    return w[:-1].T.astype(np.float32), w[-1].astype(np.float32)


@functools.cache
def load() -> FlagHeads | None:
    """The committed heads, or None (the patterns alone then)."""
    path = package_data(*FLAGS_FILE)
    if not path.is_file():
        return None
    data = np.load(path)
    return FlagHeads(data["weights"], data["bias"], data["thresholds"])
