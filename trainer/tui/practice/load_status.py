"""One line that says what is loading (with a bar when the fraction is known) or what happens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static


class LoadStatus(Horizontal):
    """Status text plus an optional progress bar; shown under the conversation."""

    text: reactive[str] = reactive("")
    """What is happening, in plain words."""
    fraction: reactive[float | None] = reactive(None)
    """Progress 0-1 of the current load step, or None for no bar."""

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield ProgressBar(total=100, show_eta=False, id="status-bar")

    def watch_text(self, text: str) -> None:
        self.query_one("#status-text", Static).update(text)

    def watch_fraction(self, fraction: float | None) -> None:
        bar = self.query_one("#status-bar", ProgressBar)
        bar.display = fraction is not None
        if fraction is not None:
            bar.update(progress=round(fraction * 100))
