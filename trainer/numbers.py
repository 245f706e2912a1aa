"""Numbers as people write them: "450", "four hundred and fifty" and "4:30" compare equal.

Both the grader (did the reply carry the customer's amount back?) and the customer's filter
(does a line invent a number nobody said?) need the same reading of a text's numbers.
"""

from __future__ import annotations

import functools
import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "twelfth": 12, "twentieth": 20, "thirtieth": 30,
    "twice": 2, "once": 1, "half": 0.5, "dozen": 12, "fortnight": 14,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "grand": 1000}
_WORD = re.compile(r"[a-z]+|\d+(?:[.,:]\d+)*", re.I)


# The grader and the customer's filter ask about the same lines again and again.
CACHE = 4096


@functools.lru_cache(maxsize=CACHE)
def numbers_in(text: str) -> frozenset[str]:
    """Every number the text states, normalised ("4.50" -> "4.5", "two hundred" -> "200")."""
    found: set[str] = set()
    low = re.sub(r"\ba (hundred|thousand|million|grand|dozen)\b", r"one \1", text.lower())
    tokens = _WORD.findall(low.replace(",000", "000"))
    total = current = 0.0
    in_number = False

    def emit() -> None:
        nonlocal total, current, in_number
        if in_number:
            found.add(_norm(total + current))
        total = current = 0.0
        in_number = False

    for tok in tokens:
        if tok[0].isdigit():
            emit()
            for part in re.split(r"[:]", tok):
                try:
                    found.add(_norm(float(part.replace(",", ""))))
                except ValueError:
                    continue
            continue
        if tok in _UNITS:
            current += _UNITS[tok]
            in_number = True
        elif tok in _SCALES and in_number:
            current = max(current, 1) * _SCALES[tok]
            if _SCALES[tok] >= 1000:
                total, current = total + current, 0.0
        elif tok == "and" and in_number:
            continue
        elif tok in _ORDINALS:
            emit()
            found.add(_norm(_ORDINALS[tok]))
        else:
            emit()
    emit()
    return frozenset(found)


_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
_SPELLED = re.compile(
    rf"\b(?:(?:a|one) )?(?:(?:{_NUMBER_WORD})(?:[ -]|\b)(?:and )?)+(?<![ -])(?<!\band)", re.I
)


@functools.lru_cache(maxsize=CACHE)
def as_digits(text: str) -> str:
    """The text with spelled-out amounts written as digits ("four hundred and fifty euros" ->
    "450 euros"), so a word-by-word comparison sees the same number either way."""

    def digits(m: re.Match[str]) -> str:
        if m.group().strip().lower() in ("one", "a one"):
            return m.group()  # "one of them", "the one I bought": a pronoun as often as not
        found = numbers_in(m.group())
        return next(iter(found)) if len(found) == 1 else m.group()

    return _SPELLED.sub(digits, text)


def _norm(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
