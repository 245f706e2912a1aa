"""Evidence about one reply: what it carried back, which banks it resembles, what it signals."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from trainer.grader.banks import Banks
from trainer.grader.encoder import Doc
from trainer.grader.heard import CARRIED, Heard, semantic
from trainer.grader.offers import find_offer
from trainer.grader.overlap import WordMatcher, WordVecs, runs
from trainer.grader.text import content_stems, key_phrase, words
from trainer.types import FactRef

# Cosine similarity between MiniLM clause embeddings; bank matches need a clear paraphrase of
# an example phrase.
BANK_MATCH = {
    "blame": 0.72,
    "dismissive": 0.72,
    "sarcasm": 0.72,
    "boilerplate": 0.62,
    "formulaic_apology": 0.75,
    "non_apology": 0.8,
    "responsibility": 0.72,
    "interpretation": 0.7,
}
_CHOICE = re.compile(r"\bif you(?:'d| would)(?: much)? (?:rather|prefer|like|want|love)\b")


@dataclass
class Coverage:
    """How well the reply carried back one customer clause."""

    text: str
    weight: float
    score: float  # 0..1
    reply_words: list[str] = field(default_factory=list)


@dataclass
class Features:
    """Everything the scorer needs, with the reply's own words kept for evidence."""

    reply: str
    coverage: list[Coverage]
    listening: float  # weighted coverage 0..1
    keyword_recall: float
    shared: int  # distinct content words of the customer's that the reply uses
    covered: int  # customer clauses carried back (by words or meaning)
    # How many clauses / content words there are to carry back, capped at what a full reply
    # needs (3 and 5): a short latest line is fully heard with fewer of them.
    covered_target: float
    shared_target: float
    carried: list[str]  # reply phrases that echo the customer
    interpretation: bool
    feelings: list[str]
    ack_sim: float
    ack_quote: str | None
    sympathy: bool
    apology_quote: str | None
    non_apology: str | None
    formulaic: str | None
    responsibility: str | None
    repair: str | None
    repair_vague: str | None
    repair_time: bool
    blame: str | None
    dismissive: str | None
    sarcasm: str | None
    boilerplate: list[str]
    boilerplate_share: float
    name_used: str | None
    facts_used: list[str]
    bank_sims: dict[str, float]


def _quote(text: str, match: re.Match[str] | None, widen: int = 0) -> str | None:
    if match is None:
        return None
    start, end = match.start(), match.end()
    if widen:
        end = min(len(text), end + widen)
        cut = re.search(r"[.,;!?]", text[match.end() : end])
        if cut:
            end = match.end() + cut.start()
    return text[start:end].strip()


def _rank_quotes(quotes: list[str]) -> list[str]:
    """Longer, more specific echoes first; drop ones contained in another."""
    unique = list(dict.fromkeys(quotes))
    kept = [q for q in unique if not any(q != o and q.lower() in o.lower() for o in unique)]
    return sorted(kept, key=lambda q: -min(len(q.split()), 4))


_REASSURE = "reassurance_patterns"


def _apology(low: str, banks: Banks) -> re.Match[str] | None:
    """The first apology word that is the employee apologising: "please don't apologise" to
    the customer uses the word but apologises for nothing."""
    skip = [m.span() for p in banks["apology"].extra.get(_REASSURE, []) for m in p.finditer(low)]
    found = [
        m
        for p in banks["apology"].patterns
        for m in p.finditer(low)
        if not any(a <= m.start() < b for a, b in skip)
    ]
    return min(found, key=lambda m: m.start()) if found else None


def _clause_of(doc: Doc, pos: int) -> str:
    for c in doc.clauses:
        if c.start <= pos < c.end:
            return c.text
    return doc.text


# What may follow a feeling word's prefix: "frustrat" finds "frustrated" and "frustration",
# but "mad" must not find "made", "hard" not "hardly" or "hardware", "sad" not "saddle".
_FEELING_ENDING = re.compile(
    r"(?:s|es|d|ed|ing|ingly|er|ers|est|ness|ful|fully|ment|ments|y|ied|ies|ying|ion|ions"
    r"|ety|ous|ously|eous|ic|en|ened|ening|dening|dened|ked|king|ky)?"
)
_LONG_FEELING_ENDING = re.compile(r"(?:e|ed|es|ly|ily)")  # "outrag"+"e", "awful"+"ly"


def _is_feeling(word: str, prefix: str) -> bool:
    if not word.startswith(prefix):
        return False
    rest = word[len(prefix) :]
    return bool(
        _FEELING_ENDING.fullmatch(rest)
        or (len(prefix) >= 5 and _LONG_FEELING_ENDING.fullmatch(rest))
    )


@functools.cache
def _one_word(feeling_words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p for p in feeling_words if " " not in p)


def _feelings(low: str, feeling_words: tuple[str, ...], skip: list[tuple[int, int]]) -> list[str]:
    found: list[str] = []
    prefixes = _one_word(feeling_words)
    for word, start, end in words(low):
        if any(a <= start < b for a, b in skip):
            continue
        # Only the word's own prefixes can match: a dozen set lookups, not one per bank word.
        if any(
            word[:n] in prefixes and _is_feeling(word, word[:n]) for n in range(2, len(word) + 1)
        ):
            found.append(low[start:end])
    for prefix in feeling_words:
        if " " in prefix and prefix in low:
            found.append(prefix)
    return list(dict.fromkeys(found))


def extract(
    reply: Doc,
    heard: Heard,
    facts: list[FactRef],
    fact_docs: list[Doc],
    customer_name: str | None,
    banks: Banks,
    bank_vecs: dict[str, np.ndarray],
    word_vecs: WordVecs | None = None,
) -> Features:
    """Compare the reply with what there is to hear (`trainer.grader.heard.hear`), the facts and the banks.

    `word_vecs` embeds single content words (surface form -> vector) so close synonyms count
    as carried.
    """
    text = reply.text
    low = text.lower().replace("\u2019", "'")
    reply_words = content_stems(text)
    reply_stems = set(reply_words)
    rv = reply.clause_vecs

    # Listening: each customer clause, by shared words or by meaning (one matrix product
    # for every pair of reply and customer clauses).
    pair_sims = rv @ heard.vecs.T if len(rv) and len(heard.said) else None
    matcher = WordMatcher(reply_words, word_vecs)
    coverage: list[Coverage] = []
    for i, said in enumerate(heard.said):
        best = int(pair_sims[:, i].argmax()) if pair_sims is not None else -1
        by_meaning = semantic(float(pair_sims[best, i])) if pair_sims is not None else 0.0
        score = max(matcher.cover(said.stems), by_meaning)
        echoed = runs(text, set(said.stems), matcher.synonyms(said.stems))
        if not echoed and by_meaning >= CARRIED:
            echoed = [key_phrase(reply.clauses[best].text)]
        coverage.append(Coverage(said.text, said.weight, score, echoed))
    total = sum(c.weight for c in coverage)
    listening = sum(c.weight * c.score for c in coverage) / total if total else 0.0
    # Their words that come back, as the same word or a close one ("froze" ~ "frozen").
    shared = sum(1 for h in matcher.matches(heard.words).values() if h and h[1] >= 0.5)
    recall = shared / len(heard.words) if heard.words else 0.0
    carried = _rank_quotes([w for c in coverage if c.score >= 0.34 for w in c.reply_words])

    # Each reply clause's closest example phrase in every bank.
    per_bank = {
        name: (rv @ vecs.T).max(axis=1) if len(vecs) and len(rv) else np.zeros(len(rv))
        for name, vecs in bank_vecs.items()
    }

    def sims(name: str) -> np.ndarray:
        return per_bank[name] if name in per_bank else np.zeros(len(rv))

    bank_sims = {name: float(v.max()) if len(rv) else 0.0 for name, v in per_bank.items()}

    def bank_hit(name: str, widen: int = 0) -> str | None:
        """The reply's words that match a bank, by pattern first, else by a close paraphrase."""
        quote = _quote(text, banks[name].find(low), widen)
        if quote:
            return quote
        threshold = BANK_MATCH.get(name)
        per_clause = sims(name)
        if name == "blame" and len(per_clause):
            # "if you'd rather, I'll book you in" offers a choice; it only looks like blame.
            per_clause = np.array(
                [
                    0.0 if _CHOICE.search(c.text.lower().replace("\u2019", "'")) else s
                    for c, s in zip(reply.clauses, per_clause, strict=True)
                ]
            )
        if threshold is not None and len(per_clause) and per_clause.max() >= threshold:
            return reply.clauses[int(per_clause.argmax())].text
        return None

    apology_match = _apology(low, banks)
    non_apology = bank_hit("non_apology") if apology_match else None
    dismissive = bank_hit("dismissive")
    skip = [(m.start(), m.end()) for m in re.finditer(r"calm down", low)]
    if non_apology:
        skip += [(c.start, c.end) for c in reply.clauses if non_apology in c.text]
    feelings = _feelings(low, banks.feeling_words, skip)
    ack_per_clause = sims("acknowledgement")
    ack_quote = _quote(text, banks["acknowledgement"].find(low), 40)
    if non_apology:  # "sorry if you feel..." resembles validation but is the opposite
        ack_per_clause = np.array(
            [
                0.0 if non_apology in c.text else s
                for c, s in zip(reply.clauses, ack_per_clause, strict=True)
            ]
        )
        if ack_quote and (
            ack_quote in non_apology or non_apology in _clause_of(reply, text.find(ack_quote))
        ):
            ack_quote = None
    if ack_quote is None and len(ack_per_clause) and ack_per_clause.max() >= 0.55:
        ack_quote = reply.clauses[int(ack_per_clause.argmax())].text

    boiler = [
        c.text
        for c, s in zip(reply.clauses, sims("boilerplate"), strict=True)
        if s >= BANK_MATCH["boilerplate"] or banks["boilerplate"].find(c.text.lower())
    ]

    name_used = None
    if customer_name:
        for part in re.findall(r"[^\W\d_]{2,}", customer_name):
            if re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE):
                name_used = part
                break

    used: list[str] = []
    for fact, fdoc in zip(facts, fact_docs, strict=True):
        kw_hit = any(
            re.search(rf"\b{re.escape(k.lower())}", low) for k in fact.keywords if k.strip()
        )
        stems = content_stems(fact.text)
        lex = len(set(stems) & reply_stems) / len(stems) if stems else 0.0
        sim = float((rv @ fdoc.vec).max()) if len(rv) else 0.0
        if kw_hit or lex >= 0.5 or sim >= 0.6:
            used.append(fact.id)

    offer = find_offer(reply, banks["repair"], bank_vecs.get("repair"))
    responsibility = bank_hit("responsibility", 20)
    apology_quote = _clause_of(reply, apology_match.start()) if apology_match else None
    if apology_match is None and responsibility and banks["apology"].find(low, _REASSURE):
        # "Please don't apologise - that's on us": the ownership is the apology here.
        apology_quote = responsibility
    return Features(
        reply=text,
        coverage=coverage,
        listening=listening,
        keyword_recall=recall,
        shared=shared,
        covered=sum(c.score >= CARRIED for c in coverage),
        covered_target=float(min(3, max(1, heard.focus_clauses))),
        shared_target=float(min(5, max(2, len(heard.focus_stems)))),
        carried=carried,
        interpretation=bank_hit("interpretation") is not None,
        feelings=feelings,
        ack_sim=float(ack_per_clause.max()) if len(ack_per_clause) else 0.0,
        ack_quote=ack_quote,
        sympathy=banks["apology"].find(low, "sympathy_patterns") is not None,
        apology_quote=apology_quote,
        non_apology=non_apology,
        formulaic=bank_hit("formulaic_apology") if apology_match else None,
        responsibility=responsibility,
        repair=offer.concrete,
        repair_vague=offer.vague,
        repair_time=banks["repair"].find(low, "times") is not None,
        blame=bank_hit("blame", 30),
        dismissive=dismissive,
        sarcasm=bank_hit("sarcasm"),
        boilerplate=boiler,
        boilerplate_share=len(boiler) / len(reply.clauses) if reply.clauses else 0.0,
        name_used=name_used,
        facts_used=used,
        bank_sims=bank_sims,
    )
