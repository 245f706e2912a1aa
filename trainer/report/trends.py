"""Each dimension over time, per day or ISO week, as per-reply means (see report/team.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from trainer.scoring import expected_scores
from trainer.store import SessionSummary, TurnRow
from trainer.types import DIMENSIONS


class Trend(BaseModel):
    """Each dimension per period bucket (day or ISO week), oldest first."""

    buckets: list[str]
    starts: list[date] = Field(
        default_factory=list,
        description="First day of each bucket, so charts can space points by time.",
    )
    values: dict[str, list[float | None]]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def bucket_of(moment: datetime, weekly: bool) -> str:
    """The trend bucket a session falls in: `YYYY-MM-DD`, or `YYYY-Www` for long periods."""
    day = _utc(moment).date()
    if weekly:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def bucket_start(bucket: str) -> date:
    """The first day of a bucket label (Monday for an ISO week)."""
    if "-W" in bucket:
        year, week = bucket.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    return date.fromisoformat(bucket)


def week_label(day: date) -> str:
    """A short label that keeps the year: `2026-11-30` -> `30 Nov 26`."""
    return day.strftime("%d %b %y")


def trend(
    sessions: Sequence[SessionSummary],
    replies: Mapping[str, Sequence[TurnRow]],
    buckets: list[str] | None = None,
) -> Trend:
    """Per-dimension per-reply means per bucket; weekly once the period spans over 31 days."""
    graded = [
        s for s in sessions if any(not t.retracted and t.scores for t in replies.get(s.id, ()))
    ]
    if not graded:
        keys = buckets or []
        return Trend(
            buckets=keys,
            starts=[bucket_start(k) for k in keys],
            values={d: [None] * len(keys) for d in DIMENSIONS},
        )
    days = {_utc(s.started).date() for s in graded}
    if buckets is None:
        weekly = (max(days) - min(days)) > timedelta(days=31)
    else:
        weekly = bool(buckets) and "-W" in buckets[0]
    pooled: dict[str, dict[str, list[int]]] = defaultdict(lambda: {d: [] for d in DIMENSIONS})
    for s in graded:
        into = pooled[bucket_of(s.started, weekly)]
        for t in replies.get(s.id, ()):
            if t.retracted or not t.scores:
                continue
            for d, v in expected_scores(t).items():
                if d in into:
                    into[d].append(v)
    keys = buckets if buckets is not None else sorted(pooled)

    def mean(key: str, dim: str) -> float | None:
        values = pooled[key][dim] if key in pooled else []
        return round(sum(values) / len(values), 1) if values else None

    return Trend(
        buckets=keys,
        starts=[bucket_start(k) for k in keys],
        values={d: [mean(k, d) for k in keys] for d in DIMENSIONS},
    )
