"""The interface every customer backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trainer.errors import TrainerError
from trainer.scenarios import Fact, Scenario, Stage
from trainer.types import Turn

Purpose = Literal["reply", "resolved", "walked_out", "out_of_turns"]
OnChunk = Callable[[str], None]
OnProgress = Callable[[str, float], None]


class CustomerError(TrainerError):
    """The backend cannot produce a line (server unreachable, model missing); message is user-facing."""


REPLY_KINDS: tuple[str, ...] = (
    "apology",
    "offer",
    "apology+offer",
    "question",
    "repeat_back",
    "named_feeling",
    "blame",
    "dismissal",
    "policy",
    "lecture",
    "doubt",
    "small_talk",
    "off_topic",
    "injection",
    "hostility",
    "none",
)
"""What the employee's reply did, as the customer reacts to it (engine/intent.py decides)."""

ANSWER_UNKNOWN = "unknown"  # asked about something the customer does not know
ANSWER_NOT_YET = "not_yet"  # asked about a fact whose stage has not come: deflect


@dataclass(frozen=True)
class LineIntent:
    """What the next customer line must do: react, answer if asked, then the stage's line."""

    react: str = "none"
    detail: str | None = None  # the words of the reply the reaction is about
    answer: str | None = None  # the fact's words, ANSWER_UNKNOWN, ANSWER_NOT_YET or None
    answer_fact: str | None = None  # the id of the fact answered
    then: str = ""  # the stage's scripted line for this mood


@dataclass
class CustomerContext:
    """Everything a backend may use to write the customer's next line (never the rubric)."""

    scenario: Scenario
    stage: Stage
    mood: int
    mood_change: int
    history: list[Turn]
    revealed_facts: list[Fact]
    purpose: Purpose = "reply"
    turn_index: int = 0
    seed: int | None = None
    intent: LineIntent | None = None
    """Built by the engine; None (old callers, benches) means: no reaction, the stage line."""


@dataclass
class CustomerLine:
    """The chosen line and how it was produced."""

    text: str
    source: Literal["model", "script"]
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    candidates: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    facts_said: list[str] = field(default_factory=list)
    """Ids of the scenario facts this line says (recorded so the trainee may use them)."""
    prompt_tokens: int = 0
    prefilled_tokens: int = 0


class CustomerBackend(ABC):
    """Plays the customer. `respond` is blocking; callers run it in a worker thread."""

    name: str = "base"

    def load(self, progress: OnProgress | None = None) -> None:  # noqa: B027
        """Do slow start-up work (load weights); safe to call twice."""

    @abstractmethod
    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        """Write the next customer line; `on_chunk` receives text as it becomes final."""
