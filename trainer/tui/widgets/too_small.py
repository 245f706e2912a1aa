"""The notice that replaces a screen's layout when the terminal is too small for it."""

from __future__ import annotations

from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 20
"""Below this the practice layout breaks (the transcript column shrinks to a few characters
beside the 34-cell side panel, the reply box and footer take most rows)."""


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmall(Static):
    """Shown instead of the layout (the app sets `-too-small` on itself; see app.tcss)."""

    def __init__(self) -> None:
        super().__init__(
            f"Make the window larger\n\nThe trainer needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            classes="too-small",
        )
