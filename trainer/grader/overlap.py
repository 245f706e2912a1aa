"""Word-level overlap: a customer's word comes back by stem or by a close word embedding."""

from __future__ import annotations

import re

import numpy as np

from trainer.grader.text import NUMBER_WORDS, STOPWORDS, stem, words
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


def exact_only(word: str) -> bool:
    """Words whose near neighbours in embedding space mean something different."""
    return word in NUMBER_WORDS or bool(_EXACT.match(word))


def matches(
    theirs: dict[str, str], ours: dict[str, str], vecs: WordVecs | None
) -> dict[str, tuple[str, float] | None]:
    """For each of the customer's content stems, the reply word that carries it back and how
    fully (0..1).

    `theirs` and `ours` map stem -> surface word (text.content_stems). The same stem counts 1;
    a reply word close in meaning counts from 0 at `WORD_SIM` to 1 at `WORD_FULL`; else None.
    """
    out: dict[str, tuple[str, float] | None] = {
        s: ((ours[s], 1.0) if s in ours else None) for s in theirs
    }
    missing = [s for s, hit in out.items() if hit is None and not exact_only(theirs[s])]
    if not vecs or not missing:
        return out
    candidates = [w for w in ours.values() if w in vecs and not exact_only(w)]
    if not candidates:
        return out
    mat = np.stack([vecs[w] for w in candidates])
    for s in missing:
        vec = vecs.get(theirs[s])
        if vec is None:
            continue
        sims = mat @ vec
        best = int(sims.argmax())
        if sims[best] > WORD_SIM:
            credit = min(1.0, (float(sims[best]) - WORD_SIM) / (WORD_FULL - WORD_SIM))
            out[s] = (candidates[best], credit)
    return out


def word_cover(theirs: dict[str, str], ours: dict[str, str], vecs: WordVecs | None) -> float:
    """Share of the customer's content words the reply carries back, by stem or meaning."""
    if not theirs:
        return 0.0
    hits = matches(theirs, ours, vecs)
    return sum(h[1] for h in hits.values() if h is not None) / len(theirs)


def synonyms(
    stems: dict[str, str], reply_words: dict[str, str], word_vecs: WordVecs | None
) -> set[str]:
    """Reply words that carry a customer word back by meaning rather than by stem."""
    found = matches(stems, reply_words, word_vecs)
    return {h[0] for s, h in found.items() if h and h[1] >= 0.5 and s not in reply_words}


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
