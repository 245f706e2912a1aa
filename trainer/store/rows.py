"""The rows the store keeps (sessions, turns, notes) as pydantic models, and ids/time helpers."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_session_id() -> str:
    """A short id that sorts by creation time: 10 chars of milliseconds + 6 random chars."""
    n = int(time.time() * 1000) << 30 | secrets.randbits(30)
    chars = []
    for _ in range(16):
        chars.append(_CROCKFORD[n & 31])
        n >>= 5
    return "".join(reversed(chars))


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SessionRow(BaseModel):
    """One practice session."""

    id: str
    trainee: str
    scenario_id: str
    scenario_version: int
    scenario_title: str
    sector: str
    started: datetime
    ended: datetime | None = None
    outcome: str | None = None
    seed: int | None = None


class SessionSummary(SessionRow):
    """A session with its size, for lists (report/sessions.py adds the average scores)."""

    turns: int = 0


class TurnRow(BaseModel):
    """One line of a session: the customer's or the employee's."""

    id: int | None = None
    session_id: str
    idx: int
    role: Literal["customer", "employee"]
    text: str
    scores: dict[str, int] | None = None
    evidence: dict[str, str] | None = None
    tip: str | None = None
    mood: int | None = None
    latency_ms: float | None = None
    source: str | None = None
    stage_id: str | None = None
    # Employee turns: the dimensions the stage expected (None on turns recorded before m006,
    # which count all four).
    expects: list[str] | None = None
    retracted: bool = False
    hint_used: bool = False
    created: datetime = Field(default_factory=utcnow)
    # What the engine needs to rebuild its state on resume/undo without grading again.
    signals: dict[str, bool] | None = None
    facts_used: list[str] | None = None
    model_reply: str | None = None
    # Customer turns: the facts the line said (the trainee may now use them) and the intent
    # it was written from (reaction, answer, stage line), for review and the debrief.
    facts_said: list[str] | None = None
    intent: dict[str, str | None] | None = None


@dataclass(frozen=True)
class ReplyScores:
    """A live reply's scores and the dimensions its stage expected: all a session list needs,
    without loading the reply's text, evidence and signals."""

    scores: dict[str, int] | None
    expects: list[str] | None


class NoteRow(BaseModel):
    """A coach's note on a session, optionally on one turn."""

    id: int | None = None
    session_id: str
    turn_idx: int | None = None
    author: str
    text: str
    created: datetime = Field(default_factory=utcnow)
    seen: bool = False
    edited: datetime | None = None


class NoteCard(NoteRow):
    """A note with what it is about, for the trainee's home screen."""

    scenario_title: str
    session_started: datetime
    quote: str | None = Field(None, description="The reply the note is on, if on one.")


class AssignmentRow(BaseModel):
    """A scenario a lead asked one trainee to practise, by an optional due date."""

    id: int | None = None
    scenario_id: str
    trainee: str
    due: datetime | None = Field(None, description="The end of the due day, UTC (exclusive).")
    assigned: datetime = Field(default_factory=utcnow)
    assigned_by: str


def _assignment(row: Any) -> AssignmentRow:
    data = dict(row._mapping)
    data["due"] = _utc(data["due"])
    data["assigned"] = _utc(data["assigned"])
    return AssignmentRow.model_validate(data)


def _session(row: Any) -> SessionRow:
    data = dict(row._mapping)
    data["started"] = _utc(data["started"])
    data["ended"] = _utc(data["ended"])
    return SessionRow.model_validate(data)


def _turn(row: Any) -> TurnRow:
    data = dict(row._mapping)
    data["created"] = _utc(data["created"])
    return TurnRow.model_validate(data)


def _note(row: Any) -> NoteRow:
    data = dict(row._mapping)
    data["created"] = _utc(data["created"])
    data["edited"] = _utc(data.get("edited"))
    return NoteRow.model_validate(data)
