"""Sessions, turns and coach notes on SQLAlchemy Core: SQLite by default, PostgreSQL for teams.

One code path serves both. Every turn is its own committed transaction, so killing the process
loses at most the turn in flight. SQLite runs in WAL mode with a busy timeout and takes the
write lock up front (BEGIN IMMEDIATE), so two processes writing one file both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from trainer.store import schema as S
from trainer.store.assignments import AssignmentsMixin
from trainer.store.base import _chunks, _day
from trainer.store.filters import matching
from trainer.store.migrations import migrate
from trainer.store.notes import NotesMixin
from trainer.store.outcomes import ENDED_EARLY
from trainer.store.schema import StoreError, connect, describe_error
from trainer.store.team import TeamMixin

__all__ = [
    "AssignmentRow",
    "NoteRow",
    "SessionRow",
    "SessionSummary",
    "Store",
    "StoreError",
    "TurnRow",
    "new_session_id",
    "open_store",
]

from trainer.store.rows import (
    AssignmentRow,
    NoteRow,
    ReplyScores,
    SessionRow,
    SessionSummary,
    TurnRow,
    _session,
    _turn,
    new_session_id,
    utcnow,
)


class Store(NotesMixin, TeamMixin, AssignmentsMixin):
    """Reads and writes sessions; every write method commits before it returns."""

    # --- sessions -----------------------------------------------------------------------------

    def create_session(self, trainee: str, scenario: Any, seed: int | None = None) -> SessionRow:
        """Start a session record for `trainee` on `scenario` (a Scenario)."""
        row = SessionRow(
            id=new_session_id(),
            trainee=trainee,
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            scenario_title=scenario.title,
            sector=scenario.sector,
            started=utcnow(),
            seed=seed,
        )
        with self._write() as conn:
            self._insert_ignore(conn, S.trainees, {"name": trainee, "created": row.started})
            conn.execute(S.sessions.insert().values(**row.model_dump()))
        return row

    def get_session(self, session_id: str) -> SessionRow | None:
        with self._read() as conn:
            found = conn.execute(select(S.sessions).where(S.sessions.c.id == session_id)).first()
        return _session(found) if found else None

    def finish_session(self, session_id: str, outcome: str | None) -> None:
        """Mark the session ended; `outcome` None means the trainee stopped early."""
        with self._write() as conn:
            conn.execute(
                update(S.sessions)
                .where(S.sessions.c.id == session_id)
                .values(ended=utcnow(), outcome=outcome or ENDED_EARLY)
            )

    def reopen_session(self, session_id: str) -> None:
        """Clear ended/outcome (undo of the exchange that ended it)."""
        with self._write() as conn:
            conn.execute(
                update(S.sessions)
                .where(S.sessions.c.id == session_id)
                .values(ended=None, outcome=None)
            )

    def latest_incomplete(self, trainee: str, scenario_id: str | None = None) -> SessionRow | None:
        """The newest session of `trainee` (on `scenario_id`) that has not ended."""
        query = select(S.sessions).where(
            S.sessions.c.trainee == trainee, S.sessions.c.ended.is_(None)
        )
        if scenario_id is not None:
            query = query.where(S.sessions.c.scenario_id == scenario_id)
        query = query.order_by(S.sessions.c.started.desc(), S.sessions.c.id.desc()).limit(1)
        with self._read() as conn:
            found = conn.execute(query).first()
        return _session(found) if found else None

    def delete_session(self, session_id: str) -> bool:
        """Remove a session with its turns and notes, leaving a tombstone so that no later
        `push` copies it back; False if there was no such session."""
        with self._write() as conn:
            found = conn.execute(
                select(S.sessions.c.trainee).where(S.sessions.c.id == session_id)
            ).first()
            if found is None:
                return False
            self._bury(conn, session_id, found[0])
        return True

    def list_sessions(
        self,
        trainee: str | None = None,
        scenario: str | None = None,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        match: bool = False,
    ) -> list[SessionSummary]:
        """Sessions newest first, with non-retracted turn counts (report/sessions.py adds
        the averages).

        `trainee` and `scenario` are exact unless `match` is set, when they are read filters
        matched by whole words without case (store/filters.py). `until` is exclusive.
        """
        query = select(S.sessions)
        if match:
            names = matching(trainee, self._distinct(S.sessions.c.trainee))
            ids = matching(scenario, self._distinct(S.sessions.c.scenario_id))
            if names is not None:
                query = query.where(S.sessions.c.trainee.in_(names))
            if ids is not None:
                query = query.where(S.sessions.c.scenario_id.in_(ids))
        else:
            if trainee is not None:
                query = query.where(S.sessions.c.trainee == trainee)
            if scenario is not None:
                query = query.where(S.sessions.c.scenario_id == scenario)
        if since is not None:
            query = query.where(S.sessions.c.started >= _day(since))
        if until is not None:
            query = query.where(S.sessions.c.started < _day(until))
        query = query.order_by(S.sessions.c.started.desc(), S.sessions.c.id.desc())
        live = S.turns.c.retracted.is_(False)
        with self._read() as conn:
            rows = [_session(r) for r in conn.execute(query)]
            ids = [r.id for r in rows]
            counts: dict[str, int] = {}
            for chunk in _chunks(ids, 500):
                counted = conn.execute(
                    select(S.turns.c.session_id, func.count())
                    .where(S.turns.c.session_id.in_(chunk), live)
                    .group_by(S.turns.c.session_id)
                )
                counts.update({sid: n for sid, n in counted})
        return [SessionSummary(**r.model_dump(), turns=counts.get(r.id, 0)) for r in rows]

    def _distinct(self, column: Any) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(select(column).distinct()).scalars())

    def replies(self, session_ids: Iterable[str]) -> dict[str, list[TurnRow]]:
        """Every employee turn of these sessions (retracted ones included), in order."""
        wanted = list(session_ids)
        out: dict[str, list[TurnRow]] = {sid: [] for sid in wanted}
        with self._read() as conn:
            for chunk in _chunks(wanted, 500):
                found = conn.execute(
                    select(S.turns)
                    .where(S.turns.c.session_id.in_(chunk), S.turns.c.role == "employee")
                    .order_by(S.turns.c.session_id, S.turns.c.idx, S.turns.c.id)
                )
                for r in found:
                    turn = _turn(r)
                    out[turn.session_id].append(turn)
        return out

    def reply_scores(self, session_ids: Iterable[str]) -> dict[str, list[ReplyScores]]:
        """The scores of these sessions' live (not retracted) replies, in order."""
        wanted = list(session_ids)
        out: dict[str, list[ReplyScores]] = {sid: [] for sid in wanted}
        with self._read() as conn:
            for chunk in _chunks(wanted, 500):
                found = conn.execute(
                    select(S.turns.c.session_id, S.turns.c.scores, S.turns.c.expects)
                    .where(
                        S.turns.c.session_id.in_(chunk),
                        S.turns.c.role == "employee",
                        S.turns.c.retracted.is_(False),
                    )
                    .order_by(S.turns.c.session_id, S.turns.c.idx, S.turns.c.id)
                )
                for sid, scores, expects in found:
                    out[sid].append(ReplyScores(scores, expects))
        return out

    def trainees(self) -> list[str]:
        with self._read() as conn:
            return list(
                conn.execute(select(S.trainees.c.name).order_by(S.trainees.c.name)).scalars()
            )

    # --- turns ---------------------------------------------------------------------------------

    def add_turn(self, turn: TurnRow) -> TurnRow:
        """Insert one turn and commit it; returns it with its database id."""
        values = turn.model_dump(exclude={"id"})
        with self._write() as conn:
            result = conn.execute(S.turns.insert().values(**values))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return turn.model_copy(update={"id": new_id})

    def next_turn_idx(self, session_id: str) -> int:
        """The idx the next turn gets (retracted turns keep theirs, so idx never repeats)."""
        with self._read() as conn:
            top = conn.execute(
                select(func.max(S.turns.c.idx)).where(S.turns.c.session_id == session_id)
            ).scalar()
        return 0 if top is None else int(top) + 1

    def turns(self, session_id: str, include_retracted: bool = False) -> list[TurnRow]:
        query = select(S.turns).where(S.turns.c.session_id == session_id)
        if not include_retracted:
            query = query.where(S.turns.c.retracted.is_(False))
        with self._read() as conn:
            return [_turn(r) for r in conn.execute(query.order_by(S.turns.c.idx))]

    def retract_turns(self, session_id: str, from_idx: int) -> int:
        """Flag every turn from `from_idx` on as retracted (kept for the lead); returns how many."""
        with self._write() as conn:
            result = conn.execute(
                update(S.turns)
                .where(
                    S.turns.c.session_id == session_id,
                    S.turns.c.idx >= from_idx,
                    S.turns.c.retracted.is_(False),
                )
                .values(retracted=True)
            )
        return int(result.rowcount or 0)

    # --- team database -------------------------------------------------------------------------

    def push_to(self, other: Store) -> int:
        """Copy sessions, turns and notes into `other` (store/sync.py); returns how many
        sessions were copied or brought up to date."""
        from trainer.store.sync import push

        return push(self, other)

    def _all_sessions(self) -> list[SessionRow]:
        with self._read() as conn:
            found = conn.execute(select(S.sessions).order_by(S.sessions.c.started))
            return [_session(r) for r in found]


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating if needed) the database at `url`; raises StoreError."""
    if url is None:
        from trainer.locations import default_db_url

        url = default_db_url()
    engine = connect(url)
    store = Store(engine, url)
    try:
        with store._write() as conn:
            if store.dialect == "postgresql":
                # Two clients opening a fresh team database at once must not both migrate.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727166)")
            migrate(conn)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise describe_error(exc, url) from exc
    return store
