"""Embedding-based grading of employee replies; `load_grader` loads each model once."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from trainer.types import (
    DIMENSIONS,
    MAX_REPLY_CHARS,
    FactRef,
    Grader,
    GradeRequest,
    GradeResult,
    Turn,
)

if TYPE_CHECKING:
    from trainer.grader.grader import EmbeddingGrader

_GRADERS: dict[str | None, EmbeddingGrader] = {}
_LOCK = threading.Lock()


def load_grader(model: str | None = None) -> EmbeddingGrader:
    """The grader for `model` (a sentence-transformers id or path; None = bundled MiniLM).

    Raises `GraderLoadError` with a one-line message when the model cannot be loaded.
    """
    with _LOCK:
        if model not in _GRADERS:
            from trainer.grader.grader import EmbeddingGrader

            _GRADERS[model] = EmbeddingGrader(model)
        return _GRADERS[model]


__all__ = [
    "DIMENSIONS",
    "MAX_REPLY_CHARS",
    "FactRef",
    "GradeRequest",
    "GradeResult",
    "Grader",
    "Turn",
    "load_grader",
]
