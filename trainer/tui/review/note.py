"""A small modal where the lead writes a coach note (on the session or on one reply)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class NoteModal(ModalScreen[str | None]):
    """Returns the note's text on ctrl+s, None on escape."""

    # Not a priority binding: a priority key runs as soon as the app receives it, before the
    # text area has handled the keys typed just before it, so a note typed fast and saved at
    # once lost its last characters. As an ordinary binding, ctrl+s reaches the screen through
    # the text area, after every earlier key.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, about: str, text: str = "") -> None:
        super().__init__()
        self.about = about
        self.initial = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            title = "Edit coach note" if self.initial else "Coach note"
            yield Static(f"{title} {self.about}", id="note-title")
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("ctrl+s save · esc cancel", id="note-help")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("Type a note first (esc cancels).", severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; y or Enter says yes, n or escape no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.question)
            yield Static("y yes · n no", id="note-help")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
