"""A fast, deterministic stand-in for the grader, for engine, TUI and snapshot tests.

It scores from plain word overlap and a few cue words, so a change to the real grader's
scoring never moves a snapshot or a TUI test; the real grader has its own tests
(test_grader.py, test_grader_learned.py) and runs in the end-to-end ones.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from trainer.grader import moves
from trainer.types import DIMENSIONS, GradeRequest, GradeResult

_FEEL = re.compile(r"\b(furious|frustrat|stress|upset|worr|awful|pressure|angry|infuriat)", re.I)
_SORRY = re.compile(r"\b(sorry|apologi[sz]e)\b", re.I)
_OFFER = re.compile(r"\b(i'?ll|we'?ll|i will|we will)\b.{0,30}\b(replace|refund|lend|fix)", re.I)
_BLAME = re.compile(r"\b(your (own )?fault|calm down|you must have)\b", re.I)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


class FakeGrader:
    """Scores 0-100 from overlap and cue words; signals like the real grader's."""

    def grade(self, request: GradeRequest) -> GradeResult:
        reply = request.reply
        said = _words(" ".join(t.text for t in request.history if t.role == "customer"))
        shared = len(_words(reply) & said)
        blamed = bool(_BLAME.search(reply))
        offered = bool(_OFFER.search(reply))
        sorry = bool(_SORRY.search(reply))
        scores = {
            "listening": min(100, shared * 15),
            "acknowledgement": 80 if _FEEL.search(reply) else 10,
            "apology": (80 if offered else 45) if sorry else 0,
            "personalization": min(100, shared * 12),
        }
        if blamed:
            scores = dict.fromkeys(DIMENSIONS, 0)
        found = moves.detect(reply)
        return GradeResult(
            scores=scores,
            evidence={d: f"fake: {scores[d]}" for d in DIMENSIONS},
            tip="Say back what they told you.",
            signals={
                "apologized": sorry and offered,
                "offered_repair": offered,
                "blamed": blamed,
                "dismissive": False,
                "sarcastic": False,
                **moves.signals_of(found),
            },
        )

    def grade_many(self, requests: list[GradeRequest]) -> list[GradeResult]:
        return [self.grade(r) for r in requests]


def word_embed(texts: list[str]) -> np.ndarray:
    """Unit bag-of-words rows (words hashed into 512 buckets): a stand-in for MiniLM.

    Texts that share words are similar and others are not, which is all a transport or
    protocol test needs from the customer's reranker, without loading a model.
    """
    rows = np.zeros((len(texts), 512), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z']+", text.lower()):
            rows[i, zlib.crc32(word.encode()) % 512] += 1.0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)
