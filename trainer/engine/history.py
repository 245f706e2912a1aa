"""The debrief's look back at the tries: replies taken back (and the retry), hints used.

Built from every stored turn, retracted ones included: turn idx never repeats, so the reply
written after a retracted one is simply the next employee turn.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.customer.reactions import facts_in
from trainer.engine.said import context_of
from trainer.scenarios import Scenario
from trainer.store import TurnRow
from trainer.types import DIMENSIONS

MAX_CHANGES = 3
"""Changed stretches listed per retry: enough to see what they did differently."""
REWRITE_RATIO = 0.34
"""Below this word-sequence similarity a retry is a new reply, not an edit of the first."""
COPY_RATIO = 0.85
"""Word-sequence similarity from which a reply counts as the hint's model reply copied
(personalising it and a changed word or two stay above it; a rewrite in own words does not)."""


@dataclass
class Retry:
    """A reply the trainee took back, and what they sent instead."""

    first: str
    first_scores: dict[str, int]
    then: str | None
    then_scores: dict[str, int] | None
    added: list[str]
    """Stretches of words the retry has that the first try did not."""
    dropped: list[str]
    """Stretches of the first try the retry left out."""
    rewritten: bool = False
    """The retry shares almost nothing with the first try (so no list of changes)."""

    @property
    def change(self) -> float | None:
        """Mean score of the retry minus the first try's (None: nothing sent after it)."""
        if self.then_scores is None:
            return None
        return round(_mean(self.then_scores) - _mean(self.first_scores), 1)


@dataclass
class HintUse:
    """A hint the trainee asked for, and the reply they wrote after it."""

    number: int | None
    """The reply's position among the live replies (None: that reply was taken back)."""
    goal: str
    suggested: list[str]
    """Facts the hint asked them to say back (what the customer had said, not yet used)."""
    picked_up: list[str]
    reply: str
    before: float | None
    """The mean score of the reply before the hint (None for the first reply)."""
    after: float
    copied: bool
    """The reply is (nearly) the hint's model reply word for word."""


def _employee(turns: Sequence[TurnRow]) -> list[TurnRow]:
    return sorted((t for t in turns if t.role == "employee"), key=lambda t: t.idx)


def _mean(scores: dict[str, int] | None) -> float:
    scores = scores or {}
    return sum(scores.get(d, 0) for d in DIMENSIONS) / len(DIMENSIONS)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text)


def changes(first: str, then: str) -> tuple[list[str], list[str]] | None:
    """Stretches of words `then` added and stretches of `first` it dropped; None when `then`
    is a different reply altogether."""
    a, b = _words(first), _words(then)
    added: list[str] = []
    dropped: list[str] = []
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in a], b=[w.lower() for w in b])
    if matcher.ratio() < REWRITE_RATIO:
        return None
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("insert", "replace") and j2 > j1:
            added.append(" ".join(b[j1:j2]))
        if op in ("delete", "replace") and i2 > i1:
            dropped.append(" ".join(a[i1:i2]))
    return added[:MAX_CHANGES], dropped[:MAX_CHANGES]


def retries(turns: Sequence[TurnRow]) -> list[Retry]:
    """Each retracted reply with the reply written next in its place (None if none yet)."""
    replies = _employee(turns)
    out = []
    for i, reply in enumerate(replies):
        if not reply.retracted:
            continue
        then = replies[i + 1] if i + 1 < len(replies) else None
        found = changes(reply.text, then.text) if then else ([], [])
        added, dropped = found or ([], [])
        out.append(
            Retry(
                first=reply.text,
                first_scores=dict(reply.scores or {}),
                then=then.text if then else None,
                then_scores=dict(then.scores or {}) if then else None,
                added=added,
                dropped=dropped,
                rewritten=found is None,
            )
        )
    return out


def hints(scenario: Scenario, turns: Sequence[TurnRow]) -> list[HintUse]:
    """Each reply written after a hint: what the hint pointed to and what the reply did."""
    replies = _employee(turns)
    live = [t for t in replies if not t.retracted]
    every_live = [t for t in turns if not t.retracted]
    out = []
    for i, reply in enumerate(replies):
        if not reply.hint_used:
            continue
        stage = next((s for s in scenario.stages if s.id == reply.stage_id), scenario.stages[0])
        earlier = [t for t in replies[:i] if not t.retracted]
        used = {fid for t in earlier for fid in t.facts_used or []}
        heard = context_of(scenario, reply, every_live if not reply.retracted else turns)
        suggested = [fid for fid in heard.said_ids if fid not in used][:3]
        said_now = set(reply.facts_used or []) | set(facts_in(reply.text, scenario.facts))
        picked = [fid for fid in suggested if fid in said_now]
        by_id = {f.id: f.text for f in scenario.facts}
        ratio = max(
            (
                difflib.SequenceMatcher(
                    a=[w.lower() for w in _words(reply.text)],
                    b=[w.lower() for w in _words(strong)],
                ).ratio()
                for strong in stage.strong_replies
            ),
            default=0.0,
        )
        out.append(
            HintUse(
                number=live.index(reply) + 1 if reply in live else None,
                goal=stage.goal,
                suggested=[by_id.get(f, f) for f in suggested],
                picked_up=[by_id.get(f, f) for f in picked],
                reply=reply.text,
                before=round(_mean(earlier[-1].scores), 1) if earlier else None,
                after=round(_mean(reply.scores), 1),
                copied=ratio >= COPY_RATIO,
            )
        )
    return out
