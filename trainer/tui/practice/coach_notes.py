"""The home screen's box of coach notes: who wrote what, and about which session and reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from trainer.store.rows import NoteCard

if TYPE_CHECKING:
    from trainer.store import NoteRow


def notes_content(notes: list[NoteRow]) -> Content:
    """The notes, unread ones marked new, and how to mark them read while any is new."""
    new = any(not n.seen for n in notes)
    title = "New notes from your coach" if new else "Notes from your coach"
    parts: list[str | tuple[str, str]] = [(title, "bold")]
    for note in notes:
        mark = "" if note.seen else "new · "
        parts += ["\n", (f"{mark}{note.author}: ", "bold"), note.text]
        if isinstance(note, NoteCard):  # which session, and the reply it is about
            about = f"{note.scenario_title}, {note.session_started:%Y-%m-%d}"
            quote = f": “{note.quote}”" if note.quote else ""
            parts += ["\n  ", (f"on {about}{quote}", "italic")]
    if new:
        parts += ["\n", ("ctrl+o: mark as read", "italic")]
    return Content.assemble(*parts)


class NotesBox(Static):
    """Shown only while the trainee has notes on the card."""

    def show(self, notes: list[NoteRow]) -> None:
        self.display = bool(notes)
        if notes:
            self.update(notes_content(notes))
