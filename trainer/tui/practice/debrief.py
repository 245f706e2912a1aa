"""The debrief: outcome, average scores, best reply, the weakest one improved, retries, hints,
unused facts and a per-reply chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from trainer.tui.practice.debrief_parts import (
    another_way,
    ask_lines,
    fact_lines,
    hint_lines,
    improved,
    quoted,
    retry_lines,
)
from trainer.tui.practice.score_bars import ScoreBars
from trainer.tui.practice.turn_chart import TurnChart, TurnSeries
from trainer.tui.widgets.footer import Footer
from trainer.tui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from trainer.engine.coaching import Debrief, Moment
    from trainer.engine.session import Session
    from trainer.scenarios import Scenario
    from trainer.tui.app import TrainerApp

OUTCOMES: dict[str | None, str] = {
    "resolved": "Resolved: the customer left satisfied.",
    "walked_out": "The customer walked out.",
    "out_of_turns": "Out of time: the customer gave up waiting.",
    None: "Ended early.",
}


def summary(debrief: Debrief) -> str:
    replies = f"{debrief.replies} {'reply' if debrief.replies == 1 else 'replies'}"
    text = f"{OUTCOMES.get(debrief.outcome, str(debrief.outcome))} {replies}"
    if debrief.hints_used:
        text += f", {debrief.hints_used} after a hint"
    return text + "."


class DebriefScreen(Screen[None]):
    """Shown when a session ends; p practises again, n moves to the next scenario."""

    BINDINGS = [
        Binding("p", "again", "Practice again"),
        Binding("n", "next", "Next scenario"),
        Binding("h,escape", "home", "Home"),
    ]

    app: TrainerApp  # type: ignore[assignment]

    def __init__(self, scenario: Scenario, session: Session, debrief: Debrief) -> None:
        super().__init__()
        self.scenario = scenario
        self.session = session
        self.debrief = debrief

    def compose(self) -> ComposeResult:
        d = self.debrief
        series = TurnSeries.from_debrief(self.session.turns, d.mood_path)
        yield Static(f"Debrief · {self.scenario.title}", id="debrief-title", markup=False)
        with VerticalScroll(id="debrief-body"):
            yield Static(summary(d), id="debrief-outcome", markup=False)
            yield Static("Average scores", classes="debrief-heading")
            yield ScoreBars(d.averages, id="debrief-bars")
            if d.best is None and d.replies:
                yield Static(
                    "No reply to hold up: each one blamed, brushed off or doubted the customer.",
                    id="debrief-best",
                    markup=False,
                )
            else:
                yield Static(
                    quoted("Your best reply", d.best, self._number(d.best)), id="debrief-best"
                )
            yield from self._to_work_on()
            if d.retries:
                yield Static(retry_lines(d.retries), id="debrief-retries")
            if d.hints:
                yield Static(hint_lines(d.hints), id="debrief-hints")
            yield Static(fact_lines(d.unused_facts, d.facts_revealed), id="debrief-facts")
            if d.to_ask_about:
                yield Static(ask_lines(d.to_ask_about), id="debrief-ask")
            # The chart comes last: at 80x24 it would push the coaching below the fold.
            if series.replies:
                yield TurnChart(series, id="debrief-chart")
            with Horizontal(id="debrief-buttons"):
                yield Button("Practice again (p)", id="again", variant="primary")
                yield Button("Next scenario (n)", id="next")
                yield Button("Home (h)", id="home")
        yield Footer()
        yield TooSmall()

    def _to_work_on(self) -> ComposeResult:
        """The weakest reply, improved in the trainee's own words, and another way to say it.
        When it is also the best reply it is shown only if something could be added."""
        d = self.debrief
        weak = d.weakest
        if weak is None:
            return
        adds = weak.improved is not None and bool(weak.improved.added)
        same = d.best is not None and weak.idx == d.best.idx
        if same and not adds:
            return
        title = "Could be stronger" if same else "Your weakest reply"
        yield Static(quoted(title, weak, self._number(weak)), id="debrief-weakest")
        if weak.improved is not None and adds:
            yield Static(improved(weak.improved), id="debrief-improved")
        if weak.another_way:
            yield Static(another_way(weak.another_way), id="debrief-another")

    def _number(self, moment: Moment | None) -> int | None:
        """The reply's position among the trainee's replies (turn idx skips undone ones)."""
        idxs = [t.idx for t in self.session.turns if t.role == "employee"]
        return idxs.index(moment.idx) + 1 if moment is not None and moment.idx in idxs else None

    def on_mount(self) -> None:
        self.query_one("#debrief-body").focus()

    @on(Button.Pressed)
    async def pressed(self, event: Button.Pressed) -> None:
        await self.run_action(event.button.id or "home")

    def action_again(self) -> None:
        self.app.practice(self.scenario, replace=True)

    def action_next(self) -> None:
        self.app.practice(self.app.next_scenario(self.scenario), replace=True)

    def action_home(self) -> None:
        self.app.go_home()
