"""Terminal input where a bracketed paste is only ever text.

Textual's xterm parser (8.x) reads an escape sequence *inside* a bracketed paste as keys: a
pasted `abc \\e[31mred\\e[0m def` arrived as the keys `^[31mred^[0m def` followed by a paste of
`abc `, and a BEL or a tab inside a pasted escape sequence became ctrl+g (a hint) or tab (focus
moved). `PasteFilter` drops every escape sequence between the paste's start and end markers
before the parser sees the bytes, so the parser emits one Paste event with the text in order.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

from textual._xterm_parser import XTermParser
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# CSI (colours, cursor moves), OSC (titles, links) ended by BEL or ST, or ESC + one character.
_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[^\[\]])")
_UNFINISHED = re.compile(r"\x1b(\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?)?\Z")


class PasteFilter:
    """Removes escape sequences inside bracketed pastes from a stream fed in chunks."""

    def __init__(self) -> None:
        self.in_paste = False
        self._held = ""  # an escape sequence cut by the chunk boundary, inside a paste
        self._tail = ""  # the end of what passed outside a paste (a start marker may be cut)

    def feed(self, data: str) -> str:
        text = self._held + data
        self._held = ""
        out: list[str] = []
        i = 0
        if not self.in_paste and self._tail:
            joined = self._tail + text
            at = joined.find(PASTE_START)
            if 0 <= at < len(self._tail):  # the marker began in the last chunk
                i = at + len(PASTE_START) - len(self._tail)
                out.append(text[:i])
                self.in_paste = True
        while i < len(text):
            if not self.in_paste:
                at = text.find(PASTE_START, i)
                if at < 0:
                    out.append(text[i:])
                    break
                out.append(text[i : at + len(PASTE_START)])
                i = at + len(PASTE_START)
                self.in_paste = True
                continue
            esc = text.find("\x1b", i)
            if esc < 0:
                out.append(text[i:])
                break
            out.append(text[i:esc])
            rest = text[esc:]
            if rest.startswith(PASTE_END):
                out.append(PASTE_END)
                self.in_paste = False
                i = esc + len(PASTE_END)
                continue
            if PASTE_END.startswith(rest) or _UNFINISHED.match(rest):
                self._held = rest  # wait for the rest of it
                break
            found = _SEQUENCE.match(text, esc)
            i = found.end() if found else esc + 1
        passed = "".join(out)
        if not self.in_paste:
            self._tail = (self._tail + passed)[-(len(PASTE_START) - 1) :]
        return passed


class PasteSafeParser(XTermParser):
    """Textual's xterm parser fed through a PasteFilter."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste_filter = PasteFilter()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: let the parser finish
            return super().feed(data)
        return super().feed(self._paste_filter.feed(data))


def driver_class() -> type[Any] | None:
    """The Linux/macOS driver with the paste-safe parser; None (Textual's choice) elsewhere."""
    if sys.platform == "win32":
        return None
    from textual.drivers import linux_driver

    class PasteSafeDriver(linux_driver.LinuxDriver):
        """LinuxDriver whose input thread parses with PasteSafeParser."""

        def run_input_thread(self) -> None:
            # The input thread builds its parser from this module-level name; there is no
            # hook to pass one in, so point the name at the paste-safe subclass.
            linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
            super().run_input_thread()

    return PasteSafeDriver
