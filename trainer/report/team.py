"""Team statistics over a period: trainee x dimension means, change, trends, weakest spots.

Shared by `report --team` and the review app's trends screen, so both say the same thing.

Every figure is a per-reply mean: all graded, non-retracted replies in the group are pooled,
and a dimension counts only on replies whose stage expected it (`expects` in the scenario).
A trainee with 30 replies weighs 30 times one reply, so a short session does not count as
much as a long one. `overall` is the mean of the four dimension means. Hints and retries
are counted over every reply, retracted ones included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from trainer.report import status
from trainer.report.assignments import AssignmentProgress, progress
from trainer.report.trends import Trend, trend
from trainer.scoring import expected_scores
from trainer.store import SessionSummary, Store, TurnRow
from trainer.store.filters import words_match
from trainer.types import DIMENSIONS

Replies = Mapping[str, Sequence[TurnRow]]
"""Each session's employee turns, retracted ones included (Store.replies)."""

DEFINITIONS = {
    "replies": "graded replies that were not taken back",
    "means": "per-reply means: every reply counts once; a dimension only where the stage "
    "expected it",
    "overall": "the mean of the four dimension means",
    "change": "this period's mean minus the previous period's (same length, just before)",
    "hints": "hints asked for, counted over every reply including retracted ones",
    "retries": "replies taken back with undo",
}
"""What each team figure means; printed with every team report."""


class TraineeStats(BaseModel):
    """One trainee's figures over the period."""

    trainee: str
    sessions: int
    resolved: int
    replies: int = 0
    hints: int = 0
    retries: int = 0
    averages: dict[str, float | None]
    overall: float | None
    change: dict[str, float | None] = Field(
        default_factory=dict, description="Per dimension: this period minus the previous one."
    )


class ScenarioStats(BaseModel):
    """How the team does on one scenario, for the 'weakest scenarios' list."""

    scenario: str
    title: str
    sector: str
    sessions: int
    overall: float | None
    averages: dict[str, float | None]


class TeamReport(BaseModel):
    """Everything `report --team` shows; `json` team reports are this model dumped."""

    since: datetime | None
    until: datetime | None
    previous_since: datetime | None = None
    generated: datetime
    filters: dict[str, str] = Field(default_factory=dict)
    definitions: dict[str, str] = Field(default_factory=lambda: dict(DEFINITIONS))
    sessions: int
    replies: int = 0
    outcomes: dict[str, int]
    dimensions: dict[str, float | None] = Field(description="Team per-reply mean per dimension.")
    trainees: list[TraineeStats]
    team_trend: Trend
    trainee_trends: dict[str, Trend]
    weakest_scenarios: list[ScenarioStats]
    weakest_dimensions: list[tuple[str, float]]
    trainee_weakest: dict[str, list[tuple[str, float]]] = Field(default_factory=dict)
    assignments: list[AssignmentProgress] = Field(
        default_factory=list, description="Each assignment, per person (report/assignments.py)."
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def reply_means(
    sessions: Sequence[SessionSummary], replies: Replies
) -> tuple[dict[str, float | None], int]:
    """Per-dimension per-reply means over the sessions' live replies, and how many replies."""
    pooled: dict[str, list[int]] = {d: [] for d in DIMENSIONS}
    count = 0
    for s in sessions:
        for t in replies.get(s.id, ()):
            if t.retracted or not t.scores:
                continue
            count += 1
            for d, v in expected_scores(t).items():
                if d in pooled:
                    pooled[d].append(v)
    means = {d: round(sum(v) / len(v), 1) if v else None for d, v in pooled.items()}
    return means, count


def _overall(avgs: dict[str, float | None]) -> float | None:
    real = [v for v in avgs.values() if v is not None]
    return round(sum(real) / len(real), 1) if real else None


def _weakest(avgs: dict[str, float | None]) -> list[tuple[str, float]]:
    return sorted(((d, v) for d, v in avgs.items() if v is not None), key=lambda x: x[1])


def _change(
    now: dict[str, float | None], before: dict[str, float | None]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for d in DIMENSIONS:
        a, b = now.get(d), before.get(d)
        out[d] = None if a is None or b is None else round(a - b, 1)
    return out


def previous_period(
    since: datetime | None, until: datetime | None, latest: datetime | None
) -> datetime | None:
    """Start of the period compared against: as long as this one, just before it.

    Without --since there is no period to compare, so there is no change either.
    """
    if since is None:
        return None
    end = until or latest or datetime.now(UTC)
    length = max(_utc(end) - _utc(since), timedelta(days=1))
    return _utc(since) - length


def team_report(
    store: Store,
    since: datetime | None = None,
    until: datetime | None = None,
    trainee: str | None = None,
    scenario: str | None = None,
) -> TeamReport:
    """Gather the team's numbers (filters match as in store/filters.py)."""
    latest = None
    if since is not None and until is None:
        newest = store.list_sessions(trainee=trainee, scenario=scenario, match=True)
        latest = newest[0].started + timedelta(microseconds=1) if newest else None
    start = previous_period(since, until, latest) if since else None
    sessions = store.list_sessions(
        trainee=trainee, scenario=scenario, since=start, until=until, match=True
    )
    filters = {k: v for k, v in (("trainee", trainee), ("scenario", scenario)) if v}
    report = team_stats(sessions, store.replies(s.id for s in sessions), since, until)
    report.filters = filters
    report.assignments = [
        p
        for p in progress(store)
        if words_match(trainee or "", p.assignment.trainee)
        and words_match(scenario or "", p.assignment.scenario_id)
    ]
    return report


def team_stats(
    sessions: Sequence[SessionSummary],
    replies: Replies,
    since: datetime | None = None,
    until: datetime | None = None,
) -> TeamReport:
    """The team report of already-fetched sessions and their replies."""
    latest = max((_utc(s.started) for s in sessions), default=None)
    before_start = previous_period(
        since, until, latest + timedelta(microseconds=1) if latest else None
    )

    def within(s: SessionSummary, start: datetime | None, end: datetime | None) -> bool:
        moment = _utc(s.started)
        return (start is None or moment >= _utc(start)) and (end is None or moment < _utc(end))

    chosen = [s for s in sessions if within(s, since, until)]
    before = [s for s in sessions if before_start is not None and within(s, before_start, since)]
    by_trainee: dict[str, list[SessionSummary]] = defaultdict(list)
    before_by_trainee: dict[str, list[SessionSummary]] = defaultdict(list)
    by_scenario: dict[str, list[SessionSummary]] = defaultdict(list)
    for s in chosen:
        by_trainee[s.trainee].append(s)
        by_scenario[s.scenario_id].append(s)
    for s in before:
        before_by_trainee[s.trainee].append(s)
    trainees = []
    weakest_of: dict[str, list[tuple[str, float]]] = {}
    for name in sorted(by_trainee, key=str.casefold):
        group = by_trainee[name]
        avgs, count = reply_means(group, replies)
        every = [t for s in group for t in replies.get(s.id, ())]
        trainees.append(
            TraineeStats(
                trainee=name,
                sessions=len(group),
                resolved=sum(1 for s in group if s.outcome == "resolved"),
                replies=count,
                hints=sum(1 for t in every if t.hint_used),
                retries=sum(1 for t in every if t.retracted),
                averages=avgs,
                overall=_overall(avgs),
                change=_change(avgs, reply_means(before_by_trainee.get(name, []), replies)[0]),
            )
        )
        weakest_of[name] = _weakest(avgs)
    scenarios = []
    for sid, group in by_scenario.items():
        avgs, _ = reply_means(group, replies)
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
    dims, total = reply_means(chosen, replies)
    team = trend(chosen, replies)
    return TeamReport(
        since=since,
        until=until,
        previous_since=before_start,
        generated=datetime.now(UTC),
        sessions=len(chosen),
        replies=total,
        outcomes=dict(Counter(status(s) for s in chosen)),
        dimensions=dims,
        trainees=trainees,
        team_trend=team,
        trainee_trends={n: trend(g, replies, team.buckets) for n, g in by_trainee.items()},
        weakest_scenarios=[s for s in scenarios if s.overall is not None][:5],
        weakest_dimensions=_weakest(dims),
        trainee_weakest=weakest_of,
    )
