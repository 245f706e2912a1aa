"""Learned heads: per-dimension ridge regression on the embeddings and interpretable features.

The phrase-bank heuristics fit the taste of the one writer who tuned them. The heads are fit
on replies by four other writers, each rated by two independent raters
(evals/grader/corpus/, trained by evals/grader/train_heads.py), and take as input:

- the reply's MiniLM embedding, and its element-wise product with what the customer said
  (what the reply carries back, in embedding space);
- what the customer said that the reply carries back literally: shared content words and
  numbers, numbers normalised so "450" matches "four hundred and fifty";
- the heuristic scores and signals (apology, offer, blame, doubt, policy...), which already
  know the hard cases ("sorry you feel that way" is no apology).

A head predicts the raters' 0-2 level. The score blends that level (on the 0-100 scale) with
the heuristic score, per dimension: `blend` is the learned share, chosen on the dev splits
(never the test splits) by evals/grader/train_heads.py.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from trainer.locations import package_data
from trainer.numbers import numbers_in
from trainer.types import DIMENSIONS

HEADS_FILE = ("grader", "data", "heads.npz")
SIGNALS = (
    "apologized", "offered_repair", "blamed", "dismissive", "sarcastic",
    "doubt", "belittle", "policy", "hostile", "question",
)  # fmt: skip
EMBED_DIM = 384  # MiniLM's width; feature_vector puts two such vectors first
HARMFUL = ("blamed", "dismissive", "sarcastic", "hostile")
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "i",
        "you",
        "we",
        "it",
        "this",
        "that",
        "my",
        "your",
        "our",
        "me",
        "us",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "so",
        "not",
        "no",
        "do",
        "did",
        "does",
        "have",
        "has",
        "had",
        "just",
        "very",
        "really",
        "can",
        "could",
        "would",
        "will",
        "what",
        "when",
        "how",
        "why",
        "there",
        "here",
    ]
)


def _content(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def literal_features(
    reply: str, customer: Sequence[str], name: str | None, latest: str = ""
) -> list[float]:
    """What the reply carries back word for word (of everything said, and of the customer's
    latest line on its own: picking that up is listening), and how long it is."""
    said = " ".join(customer)
    theirs, ours = _content(said), _content(reply)
    shared = len(theirs & ours)
    nums_said, nums_reply = numbers_in(said) - {"1"}, numbers_in(reply) - {"1"}
    last = _content(latest)
    nums_last = numbers_in(latest) - {"1"}
    first = (name or "").split()[0].lower() if name else ""
    words = len(reply.split())
    return [
        shared / max(1, len(theirs)),
        math.log1p(shared),
        len(nums_said & nums_reply) / max(1, len(nums_said)),
        len(last & ours) / max(1, len(last)),
        len(nums_last & nums_reply) / max(1, len(nums_last)),
        float(bool(first) and first in reply.lower()),
        math.log1p(words),
        float(words < 6),
        reply.count("?") / max(1, words / 10),
    ]


def feature_vector(
    reply_vec: np.ndarray,
    customer_vec: np.ndarray,
    heuristic: Mapping[str, int],
    signals: Mapping[str, bool],
    literal: Sequence[float],
) -> np.ndarray:
    """One reply's input to the heads (the order is part of the saved weights)."""
    scores = [heuristic.get(d, 0) / 100 for d in DIMENSIONS]
    flags = [float(bool(signals.get(s))) for s in SIGNALS]
    cos = float(reply_vec @ customer_vec)
    return np.concatenate(
        [reply_vec, reply_vec * customer_vec, [cos], scores, flags, list(literal)]
    ).astype(np.float32)


@dataclass(frozen=True)
class Heads:
    """Standardisation and one linear head per dimension (level 0-2 = x @ w + b)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (dims, features)
    bias: np.ndarray  # (dims,)
    blend: np.ndarray  # (dims,) learned share of the final score, 0..1

    def levels(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        return z @ self.weights.T + self.bias

    def scores(
        self, x: np.ndarray, heuristic: Mapping[str, int], signals: Mapping[str, bool]
    ) -> dict[str, int]:
        lv = np.clip(self.levels(x), 0.0, 2.0) * 50
        harmful = any(signals.get(s) for s in HARMFUL)
        out = {}
        for i, d in enumerate(DIMENSIONS):
            w = float(self.blend[i])
            v = max(0, min(100, round(w * float(lv[i]) + (1 - w) * heuristic.get(d, 0))))
            # Blame, mockery and insults undo what the reply carries back (the raters' rubric
            # gives them 0 there): the heads may not lift such a reply above the heuristics.
            out[d] = min(v, heuristic.get(d, 0)) if harmful else v
        return out

    def with_blend(self, blend: Sequence[float]) -> Heads:
        return Heads(self.mean, self.scale, self.weights, self.bias,
                     np.asarray(blend, dtype=np.float32))  # fmt: skip

    def save(self, path: str) -> None:
        np.savez_compressed(
            path,
            mean=self.mean,
            scale=self.scale,
            weights=self.weights,
            bias=self.bias,
            blend=self.blend,
        )


def fit(x: np.ndarray, y: np.ndarray, alpha: float, small_weight: float = 1.0) -> Heads:
    """Ridge regression per dimension (closed form) on standardised features.

    The embedding block (two vectors, hundreds of values) and the small interpretable block
    (cosine, heuristic scores, signals, literal carry-back: a few dozen values) share one ridge
    strength; `small_weight` scales the small block up after standardising, which is the same
    as penalising its weights `small_weight`² times less. One alpha strong enough to keep the
    embedding block from fitting the training writers' wording otherwise also flattens the
    measured features that carry over to new writers."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    scale[2 * EMBED_DIM :] /= small_weight
    z = (x - mean) / scale
    gram = z.T @ z + alpha * np.eye(z.shape[1])
    ym = y.mean(axis=0)
    w = np.linalg.solve(gram, z.T @ (y - ym))
    return Heads(mean.astype(np.float32), scale.astype(np.float32), w.T.astype(np.float32),
                 ym.astype(np.float32), np.ones(y.shape[1], dtype=np.float32))  # fmt: skip


@functools.cache
def load_heads() -> Heads | None:
    """The committed heads, or None (a build without them scores by the heuristics alone)."""
    path = package_data(*HEADS_FILE)
    if not path.is_file():
        return None
    data = np.load(path)
    return Heads(data["mean"], data["scale"], data["weights"], data["bias"], data["blend"])
