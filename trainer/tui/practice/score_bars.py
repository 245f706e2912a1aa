"""Per-dimension averages as labelled text bars (reusable: debrief and review)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from trainer.tui.widgets.levels import DIMENSIONS, LABELS, bar, level

LEVEL_STYLE = {"strong": "$success", "fair": "$warning", "weak": "$error", "none": "dim"}


class ScoreBars(Widget):
    """One line per dimension: name, bar, number and a word for the level."""

    values: reactive[dict[str, float | None]] = reactive(dict, always_update=True)
    """Average score per dimension (None when there were no replies)."""

    def __init__(self, values: Mapping[str, float | None] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if values is not None:
            self.set_reactive(ScoreBars.values, dict(values))

    def render(self) -> Content:
        width = max(self.size.width - 16 - 12, 6)
        lines: list[str | tuple[str, str]] = []
        for i, dim in enumerate(DIMENSIONS):
            value = self.values.get(dim)
            name = level(value)
            if i:
                lines.append("\n")
            lines.append(f"{LABELS[dim]:<16}")
            lines.append((bar(value or 0, width), LEVEL_STYLE[name]))
            shown = "  -" if value is None else f"{round(value):>3}"
            lines.append(f" {shown} {name if value is not None else ''}")
        return Content.assemble(*lines)
