"""The trainee's own reply, improved: their words kept, what was missing added and marked.

Which parts are missing comes from the grader's scores and signals on that reply; what goes
in them comes only from what the customer had said by then (`said.Known`) and from the
scenario's own model replies (its feelings, apologies and offers, picked in
`model_clauses.py`). A clause that would tell the customer something they never said is left
out, and a reply part the scenario cannot fill without one becomes a marked gap for the
trainee to fill, never an invented detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from trainer.customer.reactions import facts_in, keyword_in
from trainer.engine.model_clauses import (
    apology,
    feeling_clause,
    harmful,
    is_offer,
    offer,
    stages_from,
)
from trainer.engine.said import Context, Known, fold, said_back
from trainer.grader import moves
from trainer.grader.banks import load_banks
from trainer.grader.text import content_stems
from trainer.scenarios import Fact, Scenario
from trainer.types import LEVEL_STRONG

__all__ = ["GAP_FEELING", "GAP_OFFER", "Piece", "Rewrite", "harmful", "improve", "is_offer"]

MAX_SAID_BACK = 3
"""Specifics said back in one reply: more than three reads as reciting the file back."""

GAP_OFFER = "[say what you will do to fix it, and by when]"
GAP_FEELING = "That must be really hard."


@dataclass(frozen=True)
class Piece:
    """A stretch of the improved reply: the trainee's words (`adds` None) or an addition."""

    text: str
    adds: str | None = None
    """The dimension the addition serves: listening, acknowledgement, apology, offer, name."""
    gap: bool = False
    """A part left for the trainee to fill (the scenario gives nothing safe to say)."""


@dataclass
class Rewrite:
    """The improved reply as pieces, and the trainee's sentences it leaves out."""

    pieces: list[Piece]
    dropped: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The improved reply as plain text."""
        return _join([p.text for p in self.pieces])

    @property
    def added(self) -> list[Piece]:
        return [p for p in self.pieces if p.adds]

    def marked(self) -> str:
        """Plain text with every addition in «guillemets», for reports and the terminal."""
        return _join([f"«{p.text}»" if p.adds and not p.gap else p.text for p in self.pieces])


def _join(texts: Sequence[str]) -> str:
    out = ""
    for text in texts:
        if not text:
            continue
        out = text if not out else (out + text if out.endswith("\n") else f"{out} {text}")
    return re.sub(r"\s+", " ", out).strip()


# --- reading the trainee's reply ---------------------------------------------------------------


def _formulaic(sentence: str) -> bool:
    """'Sorry for any inconvenience': replaced when a real apology is added."""
    low = sentence.lower().replace("\u2019", "'")
    return bool(re.search(r"\b(sorry|apologi[sz]e)", low)) and bool(
        load_banks()["formulaic_apology"].find(low)
    )


def _named(text: str, scenario: Scenario) -> bool:
    low = fold(text)
    parts = [fold(p) for p in scenario.customer.name.split()]
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", low) for p in parts)


# --- the improved reply --------------------------------------------------------------------------


def improve(
    scenario: Scenario,
    reply: str,
    scores: dict[str, int],
    signals: dict[str, bool],
    facts_used: Sequence[str],
    stage_id: str | None,
    context: Context,
) -> Rewrite:
    """`reply` with what the grader found missing added, from what the customer had said."""
    known = Known(scenario, context.heard, context.said_ids, reply)
    stages = stages_from(scenario, stage_id)
    first = scenario.customer.first_name

    def weak(dim: str) -> bool:
        return scores.get(dim, 0) < LEVEL_STRONG

    need_apology = weak("apology") and not signals.get("apologized")
    own: list[str] = []
    dropped: list[str] = []
    for sentence in moves.sentences(reply):
        if harmful(sentence) or (need_apology and _formulaic(sentence)):
            dropped.append(sentence)
        else:
            own.append(sentence)
    kept_text = " ".join(own)

    before: list[Piece] = []
    if weak("personalization") and not _named(kept_text, scenario):
        before.append(Piece(f"{first},", adds="name"))
    if weak("listening") or weak("personalization"):
        facts = _missed(scenario, known, context, facts_used, kept_text)
        if facts:
            before.append(Piece(said_back(facts, scenario), adds="listening"))
    if weak("acknowledgement"):
        feeling = feeling_clause(stages, known)
        if not (feeling and _said_already(feeling, kept_text, first)):
            before.append(Piece(feeling or GAP_FEELING, adds="acknowledgement"))
    if need_apology:
        before.append(Piece(apology(stages, known), adds="apology"))
    after: list[Piece] = []
    if weak("apology") and not signals.get("offered_repair") and not is_offer(kept_text):
        lent = offer(stages, known)
        after.append(Piece(lent, adds="offer") if lent else Piece(GAP_OFFER, "offer", gap=True))
    pieces = [*before, *(Piece(s) for s in own), *after]
    return Rewrite(_after_name(_name_once(pieces, scenario)), dropped)


def _said_already(clause: str, text: str, name: str) -> bool:
    """Whether `text` already says `clause` ("It's not embarrassing at all, Jordan" in "That's
    not embarrassing at all - thanks"): adding it again would make the rewrite say it twice.
    The customer's name does not count: the rewrite adds it on its own."""
    ours = set(content_stems(clause)) - set(content_stems(name))
    return bool(ours) and len(ours & set(content_stems(text))) >= 0.8 * len(ours)


def _missed(
    scenario: Scenario,
    known: Known,
    context: Context,
    facts_used: Sequence[str],
    kept_text: str,
) -> list[Fact]:
    """Facts said before the reply that it did not pick up: the latest line's first, then the
    earliest, at most MAX_SAID_BACK, said back in the order the customer gave them. A fact is
    said back in the coach's words, so only when those words add nothing the customer didn't
    say ("one pen left" is said; "enough for tomorrow morning" may not have been)."""
    said = known.said_facts
    used = set(facts_used) | set(facts_in(kept_text, list(said)))
    heard = fold(" ".join(context.heard))
    open_ = [
        trimmed
        for f in said
        if f.id not in used and (trimmed := _as_heard(f, known, heard)) is not None
    ]
    ranked = sorted(
        open_, key=lambda f: (f.id not in context.recent_ids, context.said_ids.index(f.id))
    )
    chosen = {f.id for f in ranked[:MAX_SAID_BACK]}
    return [f for f in open_ if f.id in chosen]


def _as_heard(fact: Fact, known: Known, heard: str) -> Fact | None:
    """The fact's text cut before the first clause that names another, unsaid fact the
    customer never mentioned ("one pen left, enough for tomorrow morning" -> "one pen left"
    when 'tomorrow' belongs to a fact still to come); None when nothing is left."""
    unsaid = [fold(k) for f in known.unsaid_facts for k in f.keywords]
    kept: list[str] = []
    for part in fact.gist.split(","):
        low = fold(part)
        if any(keyword_in(k, low) and not keyword_in(k, heard) for k in unsaid):
            break
        kept.append(part)
    text = ",".join(kept).strip()
    if not text:
        return None
    return fact if text == fact.text else fact.model_copy(update={"text": text.rstrip(".") + "."})


def _name_once(pieces: list[Piece], scenario: Scenario) -> list[Piece]:
    """Once the reply has used the customer's name, an addition borrowed from a model reply
    drops its own ("I'm sorry, Dana: ..." after "Dana, ..."): twice reads as a script."""
    first = scenario.customer.first_name
    address = re.compile(rf",\s*{re.escape(first)}\b(?=[\s,:;.!?-])|^{re.escape(first)},\s*")
    out: list[Piece] = []
    named = False
    for piece in pieces:
        if named and piece.adds and piece.adds != "name":
            text = address.sub("", piece.text)
            text = text[:1].upper() + text[1:] if text else text
            piece = Piece(text, piece.adds, piece.gap)
        named = named or _named(piece.text, scenario)
        out.append(piece)
    return out


def _after_name(pieces: list[Piece]) -> list[Piece]:
    """After 'Dana,' the next word goes lower case unless it is 'I' or a name."""
    if len(pieces) < 2 or pieces[0].adds != "name":
        return pieces
    nxt = pieces[1]
    word = nxt.text.split(" ", 1)[0]
    if word == "I" or word.startswith("I'") or word[1:2].isupper():
        return pieces
    if word.lower() in ("so", "that", "that's", "this", "it", "it's", "you", "your", "we", "the",
                        "did", "do", "can", "could", "would", "what", "how", "let", "thanks",
                        "thank", "ok", "okay", "please", "yes", "no", "sorry", "oh", "right"):  # fmt: skip
        return [
            pieces[0],
            Piece(nxt.text[:1].lower() + nxt.text[1:], nxt.adds, nxt.gap),
            *pieces[2:],
        ]
    return pieces
