"""Team statistics over a period: trainee x dimension averages, trends, weakest spots.

Shared by `report --team` and the review app's trends screen, so both say the same thing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from trainer.report import status
from trainer.store import SessionSummary, Store
from trainer.types import DIMENSIONS


class TraineeStats(BaseModel):
    """One trainee's averages over the period (mean of their sessions' averages)."""

    trainee: str
    sessions: int
    resolved: int
    averages: dict[str, float | None]
    overall: float | None


class ScenarioStats(BaseModel):
    """How the team does on one scenario, for the 'weakest scenarios' list."""

    scenario: str
    title: str
    sector: str
    sessions: int
    overall: float | None
    averages: dict[str, float | None]


class Trend(BaseModel):
    """Each dimension per period bucket (day or ISO week), oldest first."""

    buckets: list[str]
    values: dict[str, list[float | None]]


class TeamReport(BaseModel):
    """Everything `report --team` shows; `json` team reports are this model dumped."""

    since: datetime | None
    until: datetime | None
    generated: datetime
    sessions: int
    outcomes: dict[str, int]
    dimensions: dict[str, float | None] = Field(description="Team average per dimension.")
    trainees: list[TraineeStats]
    team_trend: Trend
    trainee_trends: dict[str, Trend]
    weakest_scenarios: list[ScenarioStats]
    weakest_dimensions: list[tuple[str, float]]


def _mean(values: Sequence[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return round(sum(real) / len(real), 1) if real else None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _dim_means(sessions: Sequence[SessionSummary]) -> dict[str, float | None]:
    return {d: _mean([s.averages.get(d) for s in sessions]) for d in DIMENSIONS}


def _overall(avgs: dict[str, float | None]) -> float | None:
    return _mean(list(avgs.values()))


def bucket_of(moment: datetime, weekly: bool) -> str:
    """The trend bucket a session falls in: `YYYY-MM-DD`, or `YYYY-Www` for long periods."""
    day = _utc(moment).date()
    if weekly:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def trend(sessions: Sequence[SessionSummary], buckets: list[str] | None = None) -> Trend:
    """Per-dimension averages per bucket; weekly buckets once the period spans over 31 days."""
    graded = [s for s in sessions if any(v is not None for v in s.averages.values())]
    if not graded:
        return Trend(buckets=buckets or [], values={d: [] for d in DIMENSIONS})
    days = {_utc(s.started).date() for s in graded}
    if buckets is None:
        weekly = (max(days) - min(days)).days > 31
    else:
        weekly = bool(buckets) and "-W" in buckets[0]
    grouped: dict[str, list[SessionSummary]] = defaultdict(list)
    for s in graded:
        grouped[bucket_of(s.started, weekly)].append(s)
    keys = buckets if buckets is not None else sorted(grouped)
    return Trend(
        buckets=keys,
        values={
            d: [_mean([s.averages.get(d) for s in grouped.get(k, [])]) for k in keys]
            for d in DIMENSIONS
        },
    )


def team_report(
    store: Store, since: datetime | None = None, until: datetime | None = None
) -> TeamReport:
    """Gather the team's numbers from session summaries (no turn loading: fast on big teams)."""
    sessions = store.list_sessions(since=since)
    return team_stats(sessions, since, until)


def team_stats(
    sessions: Sequence[SessionSummary],
    since: datetime | None = None,
    until: datetime | None = None,
) -> TeamReport:
    """The team report of an already-fetched list of sessions."""
    chosen = [
        s
        for s in sessions
        if (since is None or _utc(s.started) >= _utc(since))
        and (until is None or _utc(s.started) < _utc(until))
    ]
    by_trainee: dict[str, list[SessionSummary]] = defaultdict(list)
    by_scenario: dict[str, list[SessionSummary]] = defaultdict(list)
    for s in chosen:
        by_trainee[s.trainee].append(s)
        by_scenario[s.scenario_id].append(s)
    trainees = []
    for name in sorted(by_trainee, key=str.casefold):
        group = by_trainee[name]
        avgs = _dim_means(group)
        trainees.append(
            TraineeStats(
                trainee=name,
                sessions=len(group),
                resolved=sum(1 for s in group if s.outcome == "resolved"),
                averages=avgs,
                overall=_overall(avgs),
            )
        )
    scenarios = []
    for sid, group in by_scenario.items():
        avgs = _dim_means(group)
        scenarios.append(
            ScenarioStats(
                scenario=sid,
                title=group[0].scenario_title,
                sector=group[0].sector,
                sessions=len(group),
                overall=_overall(avgs),
                averages=avgs,
            )
        )
    scenarios.sort(key=lambda s: (s.overall is None, s.overall or 0.0, s.scenario))
    dims = _dim_means(chosen)
    team = trend(chosen)
    return TeamReport(
        since=since,
        until=until,
        generated=datetime.now(UTC),
        sessions=len(chosen),
        outcomes=dict(Counter(status(s) for s in chosen)),
        dimensions=dims,
        trainees=trainees,
        team_trend=team,
        trainee_trends={n: trend(g, team.buckets) for n, g in by_trainee.items()},
        weakest_scenarios=[s for s in scenarios if s.overall is not None][:5],
        weakest_dimensions=sorted(
            ((d, v) for d, v in dims.items() if v is not None), key=lambda x: x[1]
        ),
    )
