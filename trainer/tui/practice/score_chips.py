"""Four score chips (one per dimension): the number, a word for the level, and a colour."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from trainer.tui.widgets.levels import DIMENSIONS, LABELS, level


class ScoreChip(Static):
    """One dimension's score; the CSS class `-strong|-fair|-weak|-none` sets its colour."""

    score: reactive[int | None] = reactive(None)
    """The latest score 0-100, or None before the first graded reply."""

    def __init__(self, dimension: str) -> None:
        super().__init__(id=f"chip-{dimension}", classes="score-chip -none")
        self.dimension = dimension

    def watch_score(self, score: int | None) -> None:
        name = level(score)
        self.set_classes(f"score-chip -{name}")
        label = LABELS[self.dimension]
        # At most 27 cells: the side panel leaves 29 inside its padding at any terminal size.
        if score is None:
            self.update(f"{label:<15}   - not yet")
        else:
            self.update(f"{label:<15} {score:>3} {name}")


class ScoreChips(Vertical):
    """The four chips of the latest graded reply."""

    scores: reactive[dict[str, int] | None] = reactive(None, always_update=True)
    """Scores of the latest graded reply (None until there is one)."""

    def compose(self) -> ComposeResult:
        for dim in DIMENSIONS:
            yield ScoreChip(dim)

    def watch_scores(self, scores: dict[str, int] | None) -> None:
        for chip in self.query(ScoreChip):
            chip.score = None if scores is None else scores.get(chip.dimension)
