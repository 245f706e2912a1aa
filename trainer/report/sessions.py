"""Session lists with each session's per-dimension averages, for `sessions list` and the apps.

The store keeps rows and counts and computes no scores: averaging by the shared rule
(`trainer/scoring.py`) is a report's job, like every other figure.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from trainer.scoring import averages, expected_scores
from trainer.store import SessionSummary, Store


class ScoredSession(SessionSummary):
    """A listed session with its average scores."""

    averages: dict[str, float | None] = Field(default_factory=dict)


def scored_sessions(
    store: Store,
    trainee: str | None = None,
    scenario: str | None = None,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    match: bool = False,
) -> list[ScoredSession]:
    """`Store.list_sessions` (same filters, same order) with per-dimension averages."""
    sessions = store.list_sessions(
        trainee=trainee, scenario=scenario, since=since, until=until, match=match
    )
    replies = store.reply_scores(s.id for s in sessions)
    return [
        ScoredSession(
            **s.model_dump(), averages=averages(expected_scores(t) for t in replies[s.id])
        )
        for s in sessions
    ]
