"""The home screen's table of the trainee's recent sessions: date, scenario, outcome, scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import DataTable

from trainer.store.outcomes import outcome_status, outcome_words
from trainer.tui.widgets.levels import DIMENSIONS

if TYPE_CHECKING:
    from trainer.report.sessions import ScoredSession

TABLE_HEADERS = {
    "listening": "Lis",
    "acknowledgement": "Ack",
    "apology": "Apo",
    "personalization": "Per",
}
"""Score columns are three letters so the whole table fits at 80 columns (legend underneath)."""
TABLE_LEGEND = "Lis listening · Ack acknowledgement · Apo apology · Per personal"
TABLE_FIXED = 6 + 12 + 3 * 4 + 2 * 7 + 2 + 2
"""Cells other than the title: date, outcome, four scores, 1-cell padding either side of
seven columns, the border and a scrollbar's worth of slack."""
TITLE_MIN, TITLE_MAX = 12, 40
"""The title column takes what the others leave, within these bounds (clipped at a word)."""


class RecentTable(DataTable[str]):
    """One row per recent session; the title column fits whatever width the screen leaves."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._sessions: list[ScoredSession] | None = None
        """The sessions on show, None until the first load arrives."""

    def on_mount(self) -> None:
        self.border_title = "Your recent sessions"
        self.border_subtitle = TABLE_LEGEND
        self.add_columns("Date", "Scenario", "Outcome", *(TABLE_HEADERS[d] for d in DIMENSIONS))

    def show(self, sessions: list[ScoredSession], screen_width: int) -> None:
        """Fill the table with `sessions`, titles clipped to suit `screen_width`."""
        self._sessions = sessions
        self.refit(screen_width)

    def refit(self, screen_width: int) -> None:
        """Refill the rows for a new screen width (nothing before the first load)."""
        if self._sessions is None:
            return
        width = max(TITLE_MIN, min(TITLE_MAX, screen_width - TABLE_FIXED))
        self.clear()
        for s in self._sessions:
            averages = s.averages or {}
            self.add_row(
                s.started.strftime("%d %b"),
                _clip(s.scenario_title, width),
                outcome_words(outcome_status(s.outcome, s.ended)),
                *(_fmt(averages.get(d)) for d in DIMENSIONS),
            )
        if not self._sessions:
            self.add_row("-", "no sessions yet", "", *("" for _ in DIMENSIONS))


def _fmt(value: float | None) -> str:
    return "-" if value is None else str(round(value))


def _clip(text: str, width: int) -> str:
    """`text` cut to `width` at a word boundary, with an ellipsis when cut."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
