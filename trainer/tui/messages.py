"""Messages the practice app's workers post back to the UI, one small dataclass each.

Workers run engine calls in threads and report only through these; screens react with `@on`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.report.assignments import AssignmentProgress
    from trainer.report.sessions import ScoredSession
    from trainer.store import NoteRow, SessionRow, TurnRow


@dataclass
class LoadProgress(Message):
    """Model loading moved on: what is loading and how far (None when unknown)."""

    what: str
    fraction: float | None = None


@dataclass
class ModelsReady(Message):
    """Grader and customer are loaded; replies now go through without waiting."""


@dataclass
class HomeData(Message):
    """The trainee's recent sessions, unseen coach notes and latest unfinished session."""

    trainee: str
    recent: list[ScoredSession]
    notes: list[NoteRow]
    incomplete: SessionRow | None
    assignments: list[AssignmentProgress] = field(default_factory=list)


@dataclass
class SessionReady(Message):
    """The engine session exists (started or resumed) and can take replies."""

    session: Session


@dataclass
class ReplyGraded(Message):
    """The employee's reply is scored and committed."""

    turn: TurnRow


@dataclass
class CustomerStarted(Message):
    """The customer has started to answer (show the typing indicator)."""


@dataclass
class CustomerChunk(Message):
    """More of the customer's line, as the backend makes it final."""

    text: str

    def can_replace(self, message: Message) -> bool:
        # Chunks are appended, never replaced: each one carries new text.
        return False


@dataclass
class CustomerDone(Message):
    """The customer's line is chosen and committed; `outcome` is set when the talk is over."""

    turn: TurnRow
    outcome: str | None
    finished: bool


@dataclass
class TurnFailed(Message):
    """A reply could not be graded or answered; `reply` goes back in the box."""

    error: str
    reply: str


@dataclass
class HintReady(Message):
    """A hint for the next reply."""

    text: str


@dataclass
class Undone(Message):
    """The last exchange was retracted (or there was nothing to undo)."""

    ok: bool
    reply: str


@dataclass
class DebriefReady(Message):
    """The session is over and its debrief is computed."""

    session: Session
    debrief: Any


@dataclass
class TranscriptLoaded(Message):
    """The committed turns of a session being resumed (shown before the models are ready)."""

    turns: list[TurnRow]
