"""The interface every customer backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trainer.scenarios import Fact, Scenario, Stage
from trainer.types import Turn

Purpose = Literal["reply", "resolved", "walked_out", "out_of_turns"]
OnChunk = Callable[[str], None]
OnProgress = Callable[[str, float], None]


class CustomerError(Exception):
    """The backend cannot produce a line (server unreachable, model missing); message is user-facing."""


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


@dataclass
class CustomerLine:
    """The chosen line and how it was produced."""

    text: str
    source: Literal["model", "script"]
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    candidates: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


class CustomerBackend(ABC):
    """Plays the customer. `respond` is blocking; callers run it in a worker thread."""

    name: str = "base"

    def load(self, progress: OnProgress | None = None) -> None:  # noqa: B027
        """Do slow start-up work (load weights); safe to call twice."""

    @abstractmethod
    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        """Write the next customer line; `on_chunk` receives text as it becomes final."""
