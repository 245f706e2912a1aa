"""Who did what they were assigned: pending, in progress or completed, per person.

The rule, for one assignment (a scenario given to a trainee at a moment, maybe with a due date):

- an *attempt* is a session of that trainee on that scenario started at or after the moment;
- *completed*: an attempt reached an ending (resolved, walked_out or out_of_turns): the
  conversation was played through, whatever its outcome;
- *in progress*: attempts, but none played through (unfinished, or ended early);
- *pending*: no attempt yet;
- *overdue*: not completed and the due day is past.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from trainer.errors import TrainerError
from trainer.report.sessions import ScoredSession, scored_sessions
from trainer.store import AssignmentRow, Store
from trainer.store.filters import words_match
from trainer.store.outcomes import ENDED_EARLY, outcome_status

PENDING, IN_PROGRESS, COMPLETED = "pending", "in_progress", "completed"


class AssignError(TrainerError):
    """An assignment cannot be made as typed (one line)."""


class Attempt(BaseModel):
    """One session that counts towards an assignment."""

    session_id: str
    started: datetime
    outcome: str = Field(description="The outcome vocabulary's status (unfinished included).")
    averages: dict[str, float | None]


class AssignmentProgress(BaseModel):
    """An assignment and how far its trainee got."""

    assignment: AssignmentRow
    scenario_title: str | None = None
    status: str
    overdue: bool
    attempts: list[Attempt]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def progress_of(
    assignment: AssignmentRow, sessions: Sequence[ScoredSession], now: datetime | None = None
) -> AssignmentProgress:
    """Where one assignment stands, from the trainee's sessions (any order)."""
    now = now or datetime.now(UTC)
    attempts = sorted(
        (
            s
            for s in sessions
            if s.trainee == assignment.trainee
            and s.scenario_id == assignment.scenario_id
            and _utc(s.started) >= _utc(assignment.assigned)
        ),
        key=lambda s: (s.started, s.id),
    )
    played = [s for s in attempts if s.outcome and s.outcome != ENDED_EARLY]
    status = COMPLETED if played else IN_PROGRESS if attempts else PENDING
    overdue = status != COMPLETED and assignment.due is not None and _utc(assignment.due) <= now
    return AssignmentProgress(
        assignment=assignment,
        scenario_title=attempts[0].scenario_title if attempts else None,
        status=status,
        overdue=overdue,
        attempts=[
            Attempt(
                session_id=s.id,
                started=s.started,
                outcome=outcome_status(s.outcome, s.ended),
                averages=s.averages,
            )
            for s in attempts
        ],
    )


def progress(
    store: Store, trainee: str | None = None, sessions: Sequence[ScoredSession] | None = None
) -> list[AssignmentProgress]:
    """Every assignment (of one exact trainee, if given) with its status and attempts."""
    wanted = store.assignments(trainee=trainee)
    if sessions is None:
        sessions = scored_sessions(store, trainee=trainee)
    return [progress_of(a, sessions) for a in wanted]


def resolve_names(known: Sequence[str], typed: Sequence[str]) -> tuple[list[str], list[str]]:
    """Each typed name as a known trainee: the exact name, else the one trainee whose name it
    matches by whole words; a name nobody has yet is kept as typed (they may not have
    practised yet). Returns (names, the typed ones that matched nobody); raises
    AssignError when a name matches several trainees."""
    names, unknown = [], []
    for name in typed:
        if name in known:
            names.append(name)
            continue
        hits = [k for k in known if words_match(name, k)]
        if len(hits) > 1:
            raise AssignError(f"{name!r} matches {', '.join(hits)}; give the full name")
        if hits:
            names.append(hits[0])
        else:
            names.append(name)
            unknown.append(name)
    return names, unknown


def status_words(p: AssignmentProgress) -> str:
    """`completed`, `in progress`, `pending`, with `overdue` added when the due day passed."""
    words = p.status.replace("_", " ")
    return f"{words}, overdue" if p.overdue else words
