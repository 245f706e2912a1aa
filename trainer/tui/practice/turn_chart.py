"""Per-turn line chart of the four scores and the customer's mood (textual-plotext)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual_plotext import PlotextPlot

from trainer.tui.widgets.levels import DIMENSIONS, SHORT

if TYPE_CHECKING:
    from trainer.store import TurnRow


@dataclass
class TurnSeries:
    """Scores per employee reply and the customer's mood after it (x = reply number)."""

    scores: dict[str, list[int]] = field(default_factory=lambda: {d: [] for d in DIMENSIONS})
    mood: list[int] = field(default_factory=list)
    opening_mood: int | None = None

    @classmethod
    def from_debrief(cls, turns: Sequence[TurnRow], mood_path: Sequence[int]) -> TurnSeries:
        """Scores of each graded reply; `mood_path` is the start mood then one per reply."""
        series = cls()
        for turn in turns:
            if turn.role == "employee" and turn.scores:
                for d in DIMENSIONS:
                    series.scores[d].append(int(turn.scores.get(d, 0)))
        series.mood = list(mood_path[1:])
        series.opening_mood = mood_path[0] if mood_path else None
        return series

    @property
    def replies(self) -> int:
        return len(self.scores[DIMENSIONS[0]])


COLOURS = {
    "listening": "cyan",
    "acknowledgement": "magenta",
    "apology": "yellow",
    "personalization": "green",
}


class TurnChart(PlotextPlot):
    """Scores (0-100) per reply as lines, mood as a red line with its own marker."""

    def __init__(self, series: TurnSeries, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.series = series

    def on_mount(self) -> None:
        super().on_mount()
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.title("Scores and mood per reply")
        n = self.series.replies
        xs = list(range(1, n + 1))
        if n:
            for dim in DIMENSIONS:
                plt.plot(
                    xs,
                    self.series.scores[dim],
                    label=SHORT[dim],
                    color=COLOURS[dim],
                    marker="braille",
                )
            mood = self.series.mood
            if mood:
                plt.plot(xs[: len(mood)], mood, label="Mood", color="red", marker="x")
            plt.xticks([float(x) for x in xs])
        plt.ylim(0, 100)
        plt.xlabel("reply")
        self.refresh()
