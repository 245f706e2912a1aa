"""The multi-line reply box: Enter sends, ctrl+j (or shift/alt+enter) starts a new line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_reply(text: str) -> str:
    """Text as typed: terminal colour codes and control characters (pasted from a log or a
    chat window) dropped, tabs as spaces, any line ending as a newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", _ANSI.sub("", text))


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
            self.post_message(self.Submitted(self, clean_reply(self.text).strip()))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        if self.read_only:
            return
        event.stop()
        event.prevent_default()  # TextArea's own handler would insert the raw text as well
        if result := self._replace_via_keyboard(clean_reply(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()
