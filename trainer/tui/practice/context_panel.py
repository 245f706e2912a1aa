"""Where the conversation stands: the current stage, replies left, facts the customer revealed."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


class ContextPanel(Static):
    """Stage name and goal, replies left, and the revealed facts as a list."""

    # Every field changes the panel's height (height: auto), so each one asks for a new layout;
    # without `layout=True` new facts render below the fold of the old height.

    stage_index: reactive[int] = reactive(0, layout=True)
    """0-based index of the current stage."""
    stage_count: reactive[int] = reactive(1, layout=True)
    """How many stages the scenario has."""
    goal: reactive[str] = reactive("", layout=True)
    """What the customer wants at this stage, in the coach's words."""
    turns_left: reactive[int | None] = reactive(None, layout=True)
    """Replies left before time runs out (None if unknown)."""
    facts: reactive[tuple[str, ...]] = reactive((), layout=True)
    """Facts the customer has revealed so far."""

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [
            (f"Stage {self.stage_index + 1} of {self.stage_count}", "bold")
        ]
        if self.turns_left is not None:
            parts.append(f" · {self.turns_left} replies left")
        # Facts come before the goal: at 80x24 the panel is short and they matter more.
        parts += ["\n", ("What you know", "bold underline")]
        if self.facts:
            for fact in self.facts:
                parts += ["\n", f"• {fact}"]
        else:
            parts += ["\n", ("nothing yet: listen for details", "italic")]
        if self.goal:
            parts += ["\n", ("Now: ", "bold"), (self.goal, "italic")]
        return Content.assemble(*parts)
