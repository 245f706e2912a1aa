"""The debrief's facts section says what happened, not a vacuous "you used everything"."""

from __future__ import annotations

from trainer.scenarios.schema import Fact
from trainer.tui.practice.debrief_parts import fact_lines

LATE = Fact(id="late", text="The pension was due on Monday")


def test_no_fact_told_is_not_every_fact_used() -> None:
    text = fact_lines([], revealed=0).plain
    assert "had not told you any facts" in text
    assert "used everything" not in text


def test_every_told_fact_used() -> None:
    assert "used everything" in fact_lines([], revealed=2).plain


def test_unused_facts_are_listed() -> None:
    text = fact_lines([LATE], revealed=2).plain
    assert "The pension was due on Monday" in text
    assert "none" not in text
