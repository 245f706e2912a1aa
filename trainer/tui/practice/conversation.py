"""The conversation: customer and employee lines, hints and notes, newest at the bottom."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from trainer.tui.widgets.levels import scores_line

if TYPE_CHECKING:
    from trainer.store import TurnRow


class Line(Static):
    """One line of the conversation with the speaker's name in bold."""

    def __init__(self, speaker: str, text: str, kind: str) -> None:
        super().__init__(classes=f"line -{kind}")
        self.speaker = speaker
        self.text = text
        self.kind = kind
        self.scores: dict[str, int] | None = None
        self.note = ""
        self._show()

    def _show(self) -> None:
        parts: list[str | tuple[str, str]] = [(f"{self.speaker}: ", "bold"), self.text]
        if self.scores:
            parts += ["\n", (scores_line(self.scores), "italic")]
        if self.note:
            parts += ["\n", (self.note, "italic")]
        self.update(Content.assemble(*parts))
        if isinstance(self.parent, ConversationLog):
            self.parent.follow()

    def set_text(self, text: str) -> None:
        self.text = text
        self._show()

    def set_scores(self, scores: dict[str, int] | None) -> None:
        self.scores = scores
        self.note = ""
        self._show()

    def set_note(self, note: str) -> None:
        self.note = note
        self._show()


class ConversationLog(VerticalScroll):
    """Scrollable transcript; follows the newest line unless the trainee scrolled up."""

    def __init__(self, customer_name: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.customer_name = customer_name
        self.can_focus = False
        self.following = True
        """Keep the newest line in view; off while the trainee has scrolled up to read."""

    # Textual's own `anchor()` bottom-aligns a short transcript, so follow by hand: the log
    # sticks to the bottom while lines are added *and* while they grow (streamed text, scores
    # under a reply); scrolling up stops that, scrolling back to the bottom resumes it.

    def release_anchor(self) -> None:
        super().release_anchor()
        self.following = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y:
            self.following = True

    def watch_virtual_size(self) -> None:
        # The content's height is known only once layout has run; a follow() asked for when a
        # line was added or grew can land before that on a busy machine and stop short.
        self.follow()

    def on_resize(self) -> None:
        # Lines rewrap at a new width, so the bottom moves: keep the newest line in view.
        self.follow()

    def on_show(self) -> None:
        self.follow()  # shown again after the "window too small" notice

    def follow(self) -> None:
        """Scroll to the newest line after the next layout, unless the trainee scrolled up."""
        if self.following:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def _add(self, line: Line) -> Line:
        self.mount(line)
        self.follow()
        return line

    def add_customer(self, text: str) -> Line:
        return self._add(Line(self.customer_name, text, "customer"))

    def add_employee(self, text: str, note: str = "") -> Line:
        line = Line("You", text, "employee")
        line.note = note
        return self._add(line)

    def add_hint(self, text: str) -> Line:
        return self._add(Line("Hint", text, "hint"))

    def add_note(self, text: str) -> Line:
        return self._add(Line("Note", text, "note"))

    def typing(self) -> Line:
        """A customer line that shows a typing indicator until text arrives."""
        line = Line(self.customer_name, "…typing", "customer")
        line.add_class("-typing")
        return self._add(line)

    def last(self, kind: str) -> Line | None:
        lines = [w for w in self.query(Line) if w.kind == kind]
        return lines[-1] if lines else None

    def show_turns(self, turns: Iterable[TurnRow]) -> None:
        """Replace everything with these committed turns (resume, undo)."""
        self.remove_children()
        for turn in turns:
            if turn.role == "customer":
                self.add_customer(turn.text)
            else:
                line = Line("You", turn.text, "employee")
                line.scores = turn.scores
                line._show()
                self._add(line)
        self.following = True
        self.follow()
