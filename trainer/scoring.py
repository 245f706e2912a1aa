"""Which of a reply's scores count, and their per-dimension means.

The debrief (engine) and every report share one rule, so it sits below both; it reads
anything with `scores` and `expects`, so the store's rows fit without this module importing
the store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Protocol

from trainer.types import DIMENSIONS


class Scored(Protocol):
    """A graded reply: its scores and the dimensions its stage expected."""

    @property
    def scores(self) -> Mapping[str, int] | None: ...

    @property
    def expects(self) -> Collection[str] | None: ...


def expected_scores(reply: Scored) -> dict[str, int]:
    """The scores that count in averages: only the dimensions the reply's stage expected."""
    scores = reply.scores or {}
    # Replies recorded before stages listed `expects` (m006) count all four.
    if reply.expects is None:
        return dict(scores)
    return {d: v for d, v in scores.items() if d in reply.expects}


def averages(score_rows: Iterable[Mapping[str, int]]) -> dict[str, float | None]:
    """Mean per dimension over graded replies (None where nothing was graded)."""
    rows = list(score_rows)
    out: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        values = [s[dim] for s in rows if dim in s]
        out[dim] = round(sum(values) / len(values), 1) if values else None
    return out
