"""Trends: each dimension over time for the team or one trainee, and the weakest spots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trainer.report.team import TeamReport
from trainer.report.trends import Trend, week_label
from trainer.tui.review.plot import ScorePlot
from trainer.tui.widgets.footer import Footer
from trainer.tui.widgets.levels import SHORT
from trainer.types import DIMENSIONS

if TYPE_CHECKING:
    from trainer.tui.review.app import ReviewApp

TEAM = "__team__"


@dataclass
class TrendsLoaded(Message):
    """The worker computed the team statistics (all time), and the last week's for the change."""

    report: TeamReport
    week: TeamReport | None = None


@dataclass
class TrendsError(Message):
    """The database could not be read; `error` is one line."""

    error: str


def time_axis(trend: Trend) -> tuple[list[float], list[str]]:
    """x positions in days since the first bucket (so gaps in time show as gaps), and labels
    that keep the year (`30 Nov 26`)."""
    if not trend.starts:
        return [], []
    first = trend.starts[0]
    return [float((d - first).days) for d in trend.starts], [week_label(d) for d in trend.starts]


def weakest_text(report: TeamReport, who: str = TEAM) -> str:
    """The weakest dimensions of the team or of the selected trainee, in a few lines."""
    if not report.sessions:
        return "No sessions yet."
    if who != TEAM:
        dims = ", ".join(f"{d} {v:.0f}" for d, v in report.trainee_weakest.get(who, [])) or "–"
        return f"{who}, weakest dimensions: {dims}"
    dims = ", ".join(f"{d} {v:.0f}" for d, v in report.weakest_dimensions) or "–"
    lines = [f"Team, weakest dimensions: {dims}", "Weakest scenarios:"]
    lines += [
        f"  {'–' if s.overall is None else f'{s.overall:.0f}':>3}  {s.title} "
        f"({s.sessions} session{'s' if s.sessions != 1 else ''})"
        for s in report.weakest_scenarios[:3]
    ]
    return "\n".join(lines)


def side_by_side(report: TeamReport, week: TeamReport | None = None) -> str:
    """Trainee x dimension per-reply means over all time, each with its week-over-week change
    (the last 7 days of sessions against the 7 before) when there is one."""
    # "± 7d": the signed figure after a mean is its change over the last week.
    label = "trainee  (± 7d)" if week else "trainee"
    lines = [f"{label:<18}" + "".join(f"{SHORT[d]:>10}" for d in DIMENSIONS)]
    changes = {t.trainee: t.change for t in week.trainees} if week else {}
    for t in report.trainees:
        cells = []
        for d in DIMENSIONS:
            value, change = t.averages.get(d), changes.get(t.trainee, {}).get(d)
            text = "–" if value is None else f"{value:.0f}"
            if change is not None:
                text += f" {change:+.0f}"
            cells.append(f"{text:>10}")
        lines.append(f"{t.trainee[:17]:<18}" + "".join(cells))
    return "\n".join(lines)


class TrendsScreen(Screen[None]):
    """Pick the team or a trainee on the left; their dimensions over time on the right."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: TeamReport | None = None

    @property
    def review(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Trends · loading…", id="trends-title", classes="review-title")
        with Horizontal(id="trends-body"):
            yield OptionList(id="trends-who")
            with Vertical(id="trends-main"):
                yield ScorePlot(id="trends-plot", classes="review-plot")
                yield Static(id="trends-weakest")
                yield Static(id="trends-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="trends")
    def load(self) -> None:
        from trainer.report.team import team_stats
        from trainer.store import StoreError

        try:
            store = self.review.store
            sessions = store.list_sessions()
            replies = store.replies(s.id for s in sessions)
            week = None
            if sessions:
                latest = max(s.started for s in sessions)
                week = team_stats(sessions, replies, since=latest - timedelta(days=7))
            self.post_message(TrendsLoaded(team_stats(sessions, replies), week))
        except StoreError as exc:
            self.post_message(TrendsError(str(exc)))

    @on(TrendsError)
    def _failed(self, event: TrendsError) -> None:
        self.notify(event.error, severity="error")

    @on(TrendsLoaded)
    def _loaded(self, event: TrendsLoaded) -> None:
        report = self.report = event.report
        who = self.query_one(OptionList)
        who.clear_options()
        who.add_option(Option("Team", id=TEAM))
        for t in report.trainees:
            who.add_option(Option(f"{t.trainee} ({t.sessions})", id=t.trainee))
        who.highlighted = 0
        self.query_one("#trends-title", Static).update(
            f"Trends · {report.sessions} sessions · {len(report.trainees)} trainees"
        )
        self.query_one("#trends-table", Static).update(side_by_side(report, event.week))
        self.show(TEAM)

    @on(OptionList.OptionHighlighted)
    def _picked(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show(event.option.id)

    def show(self, who: str) -> None:
        """Plot the team's or one trainee's dimensions per period."""
        if self.report is None:
            return
        trend = (
            self.report.team_trend
            if who == TEAM
            else self.report.trainee_trends.get(who, self.report.team_trend)
        )
        title = "Team" if who == TEAM else who
        positions, labels = time_axis(trend)
        self.query_one(ScorePlot).show(
            f"{title}: dimensions over time", labels, dict(trend.values), positions
        )
        self.query_one("#trends-weakest", Static).update(weakest_text(self.report, who))

    def action_reload(self) -> None:
        self.load()
