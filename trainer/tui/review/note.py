"""A small modal where the lead writes a coach note (on the session or on one reply)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class NoteModal(ModalScreen[str | None]):
    """Returns the note's text on ctrl+s, None on escape."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, about: str) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(f"Coach note {self.about}", id="note-title")
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
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
