"""What the grader takes and gives back; the implementation lives beside this file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

DIMENSIONS: tuple[str, ...] = ("listening", "acknowledgement", "apology", "personalization")
MAX_REPLY_CHARS = 4000
LEVEL_STRONG = 70
"""From this score a dimension reads 'strong': raters' level 2 ("carries back most of what
the customer said"). The grader's heads put level 2 at 100 and level 1 at 50."""
LEVEL_FAIR = 40
"""From this score a dimension reads 'fair' (level 1: one specific, a generic sorry); below,
'weak'. Used by the TUI, the reports and the grader-vs-rater agreement alike."""


@dataclass(frozen=True)
class Turn:
    """One line of the conversation so far."""

    role: Literal["customer", "employee"]
    text: str


@dataclass(frozen=True)
class FactRef:
    """A fact the reply may pick up; `keywords` are optional exact cues from the scenario."""

    id: str
    text: str
    keywords: tuple[str, ...] = ()


@dataclass
class GradeRequest:
    """One employee reply to score, in the context of the conversation so far."""

    reply: str
    history: list[Turn]
    customer_name: str | None = None
    facts: list[FactRef] = field(default_factory=list)
    strong_replies: list[str] = field(default_factory=list)
    id: Any = None


@dataclass
class GradeResult:
    """Scores 0-100 per dimension with evidence that quotes the reply."""

    scores: dict[str, int]
    evidence: dict[str, str]
    tip: str = ""
    model_reply: str | None = None
    # Things the session engine reacts to: apologized, offered_repair, blamed, dismissive.
    signals: dict[str, bool] = field(default_factory=dict)
    facts_used: list[str] = field(default_factory=list)
    truncated: bool = False
    # The words behind the doubt / belittle / policy signals (grader/moves.py patterns or
    # grader/flag_heads.py), kept apart from the four dimensions' evidence.
    signal_evidence: dict[str, str] = field(default_factory=dict)

    def mean(self) -> float:
        return sum(self.scores[d] for d in DIMENSIONS) / len(DIMENSIONS)


class Grader(Protocol):
    """Scores employee replies; implementations batch and cache embeddings."""

    def grade(self, request: GradeRequest) -> GradeResult: ...

    def grade_many(self, requests: list[GradeRequest]) -> list[GradeResult]: ...
