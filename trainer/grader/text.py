"""Plain-text helpers: cleaning, clause splitting with character spans, content words."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from trainer.locations import package_data
from trainer.numbers import as_digits
from trainer.types import MAX_REPLY_CHARS

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
# Sentence ends, semicolons, dashes and the conjunctions that start a new thought.
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?;:])\s+|\n+|\s+[-\u2013\u2014]\s+|,\s+(?=(?:and|but|so|because|which|when|while)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)


def _stopwords() -> frozenset[str]:
    path = package_data("grader", "data", "stopwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


STOPWORDS = _stopwords()

NUMBER_WORDS = {
    "one": "1", "first": "1", "once": "1", "two": "2", "second": "2", "twice": "2",
    "three": "3", "third": "3", "four": "4", "fourth": "4", "five": "5", "fifth": "5",
    "six": "6", "sixth": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "tenth": "10", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "ninety": "90", "hundred": "100",
}  # fmt: skip


@dataclass(frozen=True)
class Clause:
    """A clause of a text and where it sits, so token embeddings can be pooled over it."""

    text: str
    start: int
    end: int


def clean(text: str) -> str:
    """Normalise Unicode, drop control characters, collapse runs of spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"[ \u00a0]{2,}", " ", text)
    return text.strip()


def truncate(text: str) -> tuple[str, bool]:
    """The first MAX_REPLY_CHARS characters and whether anything was cut."""
    if len(text) <= MAX_REPLY_CHARS:
        return text, False
    return text[:MAX_REPLY_CHARS], True


def clauses(text: str) -> list[Clause]:
    """Split into clauses with their character spans (empty or punctuation-only parts dropped)."""
    out: list[Clause] = []
    pos = 0
    for match in [*_CLAUSE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[pos:end]
        stripped = piece.strip(" ,")
        if stripped and _WORD.search(stripped):
            offset = pos + piece.index(stripped)
            out.append(Clause(stripped, offset, offset + len(stripped)))
        if match:
            pos = match.end()
    return out


# Grading one reply reads the same customer lines and reply clauses many times over (once per
# clause taken out for its evidence), so the pure text functions below remember their answers,
# as many texts as the encoder keeps embeddings of (a 4,000-character reply's tokens are ~100 KB).
TEXT_CACHE = 4096


@functools.lru_cache(maxsize=TEXT_CACHE)
def words(text: str) -> tuple[tuple[str, int, int], ...]:
    """Lower-cased word tokens with spans."""
    return tuple(
        (m.group().lower().replace("\u2019", "'"), m.start(), m.end()) for m in _WORD.finditer(text)
    )


@functools.lru_cache(maxsize=TEXT_CACHE)
def stem(word: str) -> str:
    """A crude, fast stem so 'flickering' meets 'flicker' and 'third' meets '3'."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    word = word.split("'")[0]
    for suffix in ("ingly", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_stems(text: str) -> dict[str, str]:
    """Stem -> first surface word, for the words that carry meaning. Amounts count as digits,
    so "four hundred and fifty" and "450" are the same word."""
    return dict(_content_stems(text))


@functools.lru_cache(maxsize=TEXT_CACHE)
def _content_stems(text: str) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for word, _, _ in words(as_digits(text)):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        out.setdefault(stem(word), word)
    return tuple(out.items())


def shorten(text: str, max_words: int = 8) -> str:
    """At most `max_words` words, for quoting in evidence."""
    parts = text.strip().rstrip(".!?,;:").split()
    if len(parts) <= max_words:
        return " ".join(parts)
    return " ".join(parts[:max_words]) + "..."


# Words that open, close or hold a turn without saying anything specific: evidence never
# quotes a stretch made only of these ("missed 'Finally'", "carried back 'Okay'").
DISCOURSE = frozenset(
    [
        "finally",
        "alright",
        "okay",
        "ok",
        "right",
        "well",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "look",
        "listen",
        "honestly",
        "really",
        "please",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "sure",
        "fine",
        "great",
        "wow",
        "seriously",
        "actually",
        "anyway",
        "basically",
        "literally",
        "just",
        "now",
        "then",
        "sorry",
        "excuse",
        "pardon",
    ]
)


def says_something(text: str) -> bool:
    """Whether a stretch of text holds a word beyond stopwords and discourse markers."""
    return any(w not in STOPWORDS and w not in DISCOURSE for w, _, _ in words(text))


def key_phrase(text: str, max_words: int = 5) -> str:
    """The most specific short stretch of a clause: content words, numbers and what joins them."""
    toks = words(text)
    flags = [w not in STOPWORDS and (len(w) >= 3 or w.isdigit()) for w, _, _ in toks]
    if not any(flags):
        return shorten(text, max_words)
    # Best window of max_words tokens by number of content words, preferring later ones
    # (customers tend to end a clause on its point).
    best, best_score = 0, -1.0
    for i in range(max(1, len(toks) - max_words + 1)):
        window = flags[i : i + max_words]
        score = sum(window) + 0.01 * i
        if score > best_score:
            best, best_score = i, score
    span = toks[best : best + max_words]
    # Trim stopwords at the edges so quotes read cleanly.
    while len(span) > 1 and span[0][0] in STOPWORDS:
        span = span[1:]
    while len(span) > 1 and span[-1][0] in STOPWORDS:
        span = span[:-1]
    return text[span[0][1] : span[-1][2]]
