"""`sessions push`: copy a local database into a team one, honouring deletions both ways.

Sessions keep their ids on both sides; pushing twice copies nothing the second time. A session
deleted on the team database (it has a tombstone there) is never copied back, and a session the
trainee deleted locally is deleted there too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from trainer.store import schema as S
from trainer.store.rows import NoteRow, SessionRow, TurnRow, _note, _session

if TYPE_CHECKING:
    from trainer.store.database import Store


def push(source: Store, other: Store) -> int:
    """Bring `other` up to date with `source`; returns how many sessions changed there."""
    changed = 0
    buried = other.tombstones()
    for row in source._all_sessions():
        if row.id in buried:
            continue  # deleted on the team database: stays deleted
        turns = source.turns(row.id, include_retracted=True)
        notes = source.notes(session_id=row.id)
        with other._write() as dst:
            if _push_session(other, dst, row, turns, notes):
                changed += 1
    # Sessions deleted here are deleted there too (a trainee who asked for it once).
    mine = source.tombstones() - buried
    if mine:
        with source._read() as conn:
            graves = conn.execute(
                select(S.tombstones).where(S.tombstones.c.session_id.in_(mine))
            ).all()
        with other._write() as dst:
            for grave in graves:
                other._bury(dst, grave.session_id, grave.trainee)
    return changed


def _push_session(
    other: Store, dst: Connection, row: SessionRow, turns: list[TurnRow], notes: list[NoteRow]
) -> bool:
    """Bring one session up to date in `dst`; True if anything was written."""
    wrote = False
    there = dst.execute(select(S.sessions).where(S.sessions.c.id == row.id)).first()
    if there is None:
        other._insert_ignore(dst, S.trainees, {"name": row.trainee, "created": row.started})
        dst.execute(S.sessions.insert().values(**row.model_dump()))
        wrote = True
    else:
        remote = _session(there)
        if (remote.ended, remote.outcome) != (row.ended, row.outcome) and row.ended is not None:
            dst.execute(
                update(S.sessions)
                .where(S.sessions.c.id == row.id)
                .values(ended=row.ended, outcome=row.outcome)
            )
            wrote = True
    remote_turns = dict(
        dst.execute(
            select(S.turns.c.idx, S.turns.c.retracted).where(S.turns.c.session_id == row.id)
        ).all()
    )
    for turn in turns:
        if turn.idx not in remote_turns:
            dst.execute(S.turns.insert().values(**turn.model_dump(exclude={"id"})))
            wrote = True
        elif turn.retracted and not remote_turns[turn.idx]:
            dst.execute(
                update(S.turns)
                .where(S.turns.c.session_id == row.id, S.turns.c.idx == turn.idx)
                .values(retracted=True)
            )
            wrote = True
    seen = {
        (n.turn_idx, n.author, n.text, n.created)
        for n in (
            _note(r) for r in dst.execute(select(S.notes).where(S.notes.c.session_id == row.id))
        )
    }
    for note in notes:
        if (note.turn_idx, note.author, note.text, note.created) not in seen:
            dst.execute(S.notes.insert().values(**note.model_dump(exclude={"id"})))
            wrote = True
    return wrote
