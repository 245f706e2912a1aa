"""The debrief: outcome, average scores, a per-reply chart, best and weakest reply, unused facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from trainer.tui.practice.score_bars import ScoreBars
from trainer.tui.practice.turn_chart import TurnChart, TurnSeries

if TYPE_CHECKING:
    from trainer.engine.coaching import Debrief, Moment
    from trainer.engine.session import Session
    from trainer.scenarios import Fact, Scenario
    from trainer.tui.app import TrainerApp

OUTCOMES: dict[str | None, str] = {
    "resolved": "Resolved: the customer left satisfied.",
    "walked_out": "The customer walked out.",
    "out_of_turns": "Out of time: the customer gave up waiting.",
    None: "Ended early.",
}


def highlight(title: str, moment: Moment | None, number: int | None = None) -> Content:
    """A quoted reply with why it stood out and a stronger alternative."""
    if moment is None:
        return Content.assemble((title, "bold"), "\n", ("no replies to quote", "italic"))
    parts: list[str | tuple[str, str]] = [
        (f"{title} (reply {number})" if number else title, "bold"),
        "\n",
        f"“{moment.quote}”",
    ]
    if moment.reason:
        parts += ["\n", ("Why: ", "bold"), moment.reason]
    if moment.better_reply:
        parts += ["\n", ("Stronger: ", "bold"), f"“{moment.better_reply}”"]
    return Content.assemble(*parts)


def fact_lines(facts: list[Fact]) -> Content:
    """The facts the customer revealed that no reply picked up."""
    parts: list[str | tuple[str, str]] = [("Facts you never used", "bold")]
    if not facts:
        parts += ["\n", "none: you used everything the customer told you"]
    for fact in facts:
        parts += ["\n", f"• {fact.text}"]
    return Content.assemble(*parts)


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
            if series.replies:
                yield TurnChart(series, id="debrief-chart")
            if d.best is None and d.replies:
                yield Static(
                    "No reply to hold up: each one blamed, brushed off or doubted the customer.",
                    id="debrief-best",
                    markup=False,
                )
            else:
                yield Static(
                    highlight("Your best reply", d.best, self._number(d.best)), id="debrief-best"
                )
            weakest = (
                d.weakest if d.weakest and (not d.best or d.weakest.idx != d.best.idx) else None
            )
            if weakest is not None:
                yield Static(
                    highlight("Your weakest reply", weakest, self._number(weakest)),
                    id="debrief-weakest",
                )
            yield Static(fact_lines(d.unused_facts), id="debrief-facts")
            with Horizontal(id="debrief-buttons"):
                yield Button("Practice again (p)", id="again", variant="primary")
                yield Button("Next scenario (n)", id="next")
                yield Button("Home (h)", id="home")
        yield Footer()

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
