"""Pastes are text: escape sequences inside a bracketed paste never become keys, bindings or
focus moves (trainer/tui/driver.py), and the reply box takes the text in order."""

from __future__ import annotations

from typing import Any

import pytest
from test_tui_support import (  # noqa: F401  (fixtures are used by name)
    make_app,
    session_ready,
    store_fixture,
    wait_for,
)
from textual import events

from trainer.tui.driver import PASTE_END, PASTE_START, PasteFilter, PasteSafeParser
from trainer.tui.practice.conversation import ConversationLog, Line
from trainer.tui.practice.reply_box import ReplyBox

COLOURED = "abc \x1b[31mred\x1b[0m def"


def parse(*chunks: str) -> list[Any]:
    parser = PasteSafeParser()
    found: list[Any] = []
    for chunk in chunks:
        found += list(parser.feed(chunk))
    return found


def test_the_issue_paste_is_one_paste_in_order() -> None:
    events_ = parse(PASTE_START + COLOURED + PASTE_END)
    assert [type(e).__name__ for e in events_] == ["Paste"]
    assert events_[0].text == "abc red def"


@pytest.mark.parametrize("cut", range(1, len(PASTE_START + COLOURED + PASTE_END)))
def test_a_paste_cut_anywhere_across_reads_is_the_same(cut: int) -> None:
    whole = PASTE_START + COLOURED + PASTE_END
    found = parse(whole[:cut], whole[cut:])
    assert [e.text for e in found if isinstance(e, events.Paste)] == ["abc red def"]
    assert not [e for e in found if isinstance(e, events.Key)]


def test_bel_tab_and_links_inside_a_paste_are_not_keys() -> None:
    # An OSC 8 link ended by BEL (ctrl+g, the hint key) and a CSI with a tab-like final byte.
    pasted = "see \x1b]8;;http://x\x07this\x1b]8;;\x1b\\ and \x1b[1mbold\x1b[m\tnext"
    found = parse(PASTE_START + pasted + PASTE_END)
    assert [type(e).__name__ for e in found] == ["Paste"]
    assert found[0].text == "see this and bold\tnext"


def test_keys_outside_a_paste_are_untouched() -> None:
    found = parse("a\x1b[Ab")  # a, up arrow, b
    assert [e.key for e in found if isinstance(e, events.Key)] == ["a", "up", "b"]
    assert PasteFilter().feed("x\x1b[31my") == "x\x1b[31my"


async def test_paste_with_escape_codes_goes_into_the_reply_box(
    library: Any, fake_grader: Any, store: Any
) -> None:
    app = make_app(library, fake_grader, store, scenario_id="retail-laptop-repair")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await session_ready(pilot)
        box = screen.query_one(ReplyBox)
        box.text = "Dana: "
        box.move_cursor(box.document.end)
        # What the paste-safe parser makes of the terminal's bytes, posted as the driver would.
        [paste] = parse(PASTE_START + COLOURED + "\x07\t" + PASTE_END)
        app.post_message(paste)
        await pilot.pause()
        assert box.text == "Dana: abc red def "
        assert app.focused is box  # focus did not move
        hints = [w for w in screen.query_one(ConversationLog).query(Line) if w.kind == "hint"]
        assert hints == []  # no binding fired
        await pilot.press(*" ok")  # typing still goes into the box
        assert box.text == "Dana: abc red def  ok"


def test_the_app_reads_input_with_the_paste_safe_parser(library: Any, store: Any) -> None:
    import sys

    app = make_app(library, None, store)
    if sys.platform != "win32":
        assert app.driver_class.__name__ == "PasteSafeDriver"
