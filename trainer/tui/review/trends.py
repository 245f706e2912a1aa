"""Trends: each dimension over time for the team or one trainee, and the weakest spots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from trainer.report.team import TeamReport
from trainer.tui.review.plot import ScorePlot

if TYPE_CHECKING:
    from trainer.tui.review.app import ReviewApp

TEAM = "__team__"


@dataclass
class TrendsLoaded(Message):
    """The worker computed the team statistics."""

    report: TeamReport


@dataclass
class TrendsError(Message):
    """The database could not be read; `error` is one line."""

    error: str


def short_labels(buckets: list[str]) -> list[str]:
    """`2025-03-05` -> `03-05`, `2025-W10` -> `W10`: short ticks never collide at 80 columns
    (plotext resolves colliding labels differently from run to run)."""
    return [b[5:] if len(b) > 5 else b for b in buckets]


def weakest_text(report: TeamReport) -> str:
    """The weakest dimensions and scenarios across the team, in a few lines."""
    if not report.sessions:
        return "No sessions yet."
    dims = ", ".join(f"{d} {v:.0f}" for d, v in report.weakest_dimensions) or "–"
    lines = [f"Weakest dimensions: {dims}", "Weakest scenarios:"]
    lines += [
        f"  {'–' if s.overall is None else f'{s.overall:.0f}':>3}  {s.title} "
        f"({s.sessions} session{'s' if s.sessions != 1 else ''})"
        for s in report.weakest_scenarios[:3]
    ]
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
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="trends")
    def load(self) -> None:
        from trainer.report.team import team_stats
        from trainer.store import StoreError

        try:
            self.post_message(TrendsLoaded(team_stats(self.review.store.list_sessions())))
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
        self.query_one("#trends-weakest", Static).update(weakest_text(report))
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
        self.query_one(ScorePlot).show(
            f"{title}: dimensions over time", short_labels(trend.buckets), dict(trend.values)
        )

    def action_reload(self) -> None:
        self.load()
