"""The multi-line reply box: Enter sends, ctrl+j (or shift/alt+enter) starts a new line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class ReplyBox(TextArea):
    """A TextArea whose Enter posts `ReplyBox.Submitted` instead of inserting a newline."""

    @dataclass
    class Submitted(Message):
        """The trainee pressed Enter; `text` is the whole reply, stripped."""

        reply_box: ReplyBox
        text: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, **kwargs)  # type: ignore[arg-type]

    async def _on_key(self, event: events.Key) -> None:
        if self.read_only:
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text.strip()))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        await super()._on_key(event)
