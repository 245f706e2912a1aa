"""Amounts as people write them compare equal, word by word as well as by value."""

from __future__ import annotations

import pytest

from trainer.grader.features import _is_feeling
from trainer.grader.text import content_stems
from trainer.numbers import as_digits


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("You charged me four hundred and fifty euros twice.", "You charged me 450 euros twice."),
        ("a hundred and eighty dollars", "180 dollars"),
        ("thirteen hours in A&E", "13 hours in A&E"),
        ("forty-five minutes", "45 minutes"),
        ("one of them was broken", "one of them was broken"),
        ("the 450 I paid", "the 450 I paid"),
    ],
)
def test_spelled_amounts_become_digits(text: str, digits: str) -> None:
    assert as_digits(text) == digits


def test_the_same_amount_is_the_same_content_word_either_way() -> None:
    assert "450" in content_stems("four hundred and fifty euros")
    assert "450" in content_stems("450 euros")


@pytest.mark.parametrize(
    ("word", "prefix", "feeling"),
    [
        ("frustration", "frustrat", True),
        ("maddening", "mad", True),
        ("outrageous", "outrag", True),
        ("panicked", "panic", True),
        ("made", "mad", False),
        ("hardly", "hard", False),
        ("saddle", "sad", False),
        ("drainage", "drain", False),
    ],
)
def test_a_feeling_prefix_finds_its_forms_not_look_alikes(
    word: str, prefix: str, feeling: bool
) -> None:
    assert _is_feeling(word, prefix) is feeling


def test_a_stretch_of_discourse_markers_says_nothing() -> None:
    from trainer.grader.text import says_something

    assert not says_something("Finally.") and not says_something("Okay, alright")
    assert says_something("Thirty dollars") and says_something("the voucher")
