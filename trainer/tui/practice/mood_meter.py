"""The customer's mood as a word, a number, the last change and a bar (the engine owns mood)."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from trainer.tui.widgets.levels import bar, mood_word


class MoodMeter(Widget):
    """Shows `mood` 0 (calm) to 100 (walks out); higher is worse, so the bar reads as anger."""

    mood: reactive[int] = reactive(50)
    """Current mood from the session engine."""
    change: reactive[int] = reactive(0)
    """How much the last reply moved the mood (negative = calmer)."""
    walkout_at: reactive[int] = reactive(100)
    """The scenario's walk-out threshold, for the word."""
    name_shown: reactive[str] = reactive("Customer")
    """The customer's first name."""

    def render(self) -> RenderResult:
        word = mood_word(self.mood, self.walkout_at)
        if self.change > 0:
            trend = f" ▲{self.change}"
        elif self.change < 0:
            trend = f" ▼{-self.change}"
        else:
            trend = ""
        width = max(self.size.width, 10)
        share = self.mood / max(self.walkout_at, 1)
        colour = "$error" if share >= 0.6 else "$warning" if share >= 0.4 else "$success"
        number = f"{self.mood}/100{trend}"
        # Shortened by whole words, never cut: the name goes first (it is in the title).
        head = next(
            (
                h
                for h in (f"{self.name_shown} is {word}: {number}", f"{word}: {number}", number)
                if len(h) <= width
            ),
            number,
        )
        return Content.assemble((head, "bold"), "\n", (bar(self.mood, width), colour))
