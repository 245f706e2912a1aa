"""Word-level overlap: a customer's word comes back by stem or by a close word embedding."""

from __future__ import annotations

import functools
import re

import numpy as np

from trainer.grader.text import NUMBER_WORDS, STOPWORDS, TEXT_CACHE, stem, words
from trainer.numbers import as_digits

# Cosine between MiniLM embeddings of single words: from WORD_SIM a reply word starts to carry
# a customer's word back, from WORD_FULL fully (froze ~ frozen 0.83, luggage ~ suitcase 0.79,
# charged ~ billed 0.68, wedding ~ marriage 0.70 in between; wrong ~ right 0.61 and
# son ~ daughter 0.52 barely or not at all). Same-topic words sit low: pharmacy ~ prescription
# 0.72 is not the customer's specific coming back.
WORD_SIM, WORD_FULL = 0.65, 0.85
# Days, months and numbers must come back exactly: "Saturday" is not "Friday" (cosine 0.86),
# "two" is not "three" (0.81).
_EXACT = re.compile(
    r"^(?:\d.*|(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june"
    r"|july|august|september|october|november|december|tomorrow|tonight|today|yesterday"
    r"|morning|afternoon|evening|weekend)$"
)

WordVecs = dict[str, np.ndarray]


@functools.lru_cache(maxsize=TEXT_CACHE)
def exact_only(word: str) -> bool:
    """Words whose near neighbours in embedding space mean something different."""
    return word in NUMBER_WORDS or bool(_EXACT.match(word))


Hit = tuple[str, float] | None


class WordMatcher:
    """One reply's content words, matched against the customer's words again and again (every
    customer clause, for every clause taken out for evidence): the reply's word vectors are
    stacked once and each customer word is looked up once."""

    def __init__(self, ours: dict[str, str], vecs: WordVecs | None):
        self.ours = ours
        self.candidates = (
            [w for w in ours.values() if w in vecs and not exact_only(w)] if vecs else []
        )
        self.vecs = vecs
        self.mat = (
            np.stack([vecs[w] for w in self.candidates]) if vecs and self.candidates else None
        )
        self._by_meaning: dict[str, Hit] = {}

    def _closest(self, word: str) -> Hit:
        if word not in self._by_meaning:
            hit: Hit = None
            vec = self.vecs.get(word) if self.vecs else None
            if self.mat is not None and vec is not None and not exact_only(word):
                sims = self.mat @ vec
                best = int(sims.argmax())
                if sims[best] > WORD_SIM:
                    credit = min(1.0, (float(sims[best]) - WORD_SIM) / (WORD_FULL - WORD_SIM))
                    hit = (self.candidates[best], credit)
            self._by_meaning[word] = hit
        return self._by_meaning[word]

    def matches(self, theirs: dict[str, str]) -> dict[str, Hit]:
        """For each of the customer's content stems, the reply word that carries it back and
        how fully (0..1).

        `theirs` maps stem -> surface word (text.content_stems). The same stem counts 1; a reply
        word close in meaning counts from 0 at `WORD_SIM` to 1 at `WORD_FULL`; else None.
        """
        return {
            s: (self.ours[s], 1.0) if s in self.ours else self._closest(w)
            for s, w in theirs.items()
        }

    def cover(self, theirs: dict[str, str]) -> float:
        """Share of the customer's content words the reply carries back, by stem or meaning."""
        if not theirs:
            return 0.0
        return sum(h[1] for h in self.matches(theirs).values() if h is not None) / len(theirs)

    def synonyms(self, theirs: dict[str, str]) -> set[str]:
        """Reply words that carry a customer word back by meaning rather than by stem."""
        found = self.matches(theirs)
        return {h[0] for s, h in found.items() if h and h[1] >= 0.5 and s not in self.ours}


def matches(theirs: dict[str, str], ours: dict[str, str], vecs: WordVecs | None) -> dict[str, Hit]:
    """`WordMatcher.matches` for one lookup."""
    return WordMatcher(ours, vecs).matches(theirs)


def word_cover(theirs: dict[str, str], ours: dict[str, str], vecs: WordVecs | None) -> float:
    """`WordMatcher.cover` for one lookup."""
    return WordMatcher(ours, vecs).cover(theirs)


def runs(reply: str, stems: set[str], also: set[str] | None = None) -> list[str]:
    """Contiguous stretches of the reply made of words the customer used (or, in `also`,
    reply words that say the same thing)."""
    toks = words(reply)
    also = also or set()
    hits = [
        w not in STOPWORDS and (stem(w) in stems or w in also or as_digits(w) in stems)
        for w, _, _ in toks
    ]
    runs: list[str] = []
    i = 0
    while i < len(toks):
        if not hits[i]:
            i += 1
            continue
        j = i
        # Join hits separated by at most one stopword ("third visit", "interview on Friday").
        while j + 1 < len(toks) and (
            hits[j + 1] or (j + 2 < len(toks) and toks[j + 1][0] in STOPWORDS and hits[j + 2])
        ):
            j += 1
        runs.append(reply[toks[i][1] : toks[j][2]])
        i = j + 1
    return runs
