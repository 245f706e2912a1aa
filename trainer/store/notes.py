"""Coach notes on sessions and replies: written by a lead, read on the trainee's home screen."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, delete, select, update

from trainer.store import schema as S
from trainer.store.base import StoreBase
from trainer.store.rows import NoteCard, NoteRow, _note, _utc, utcnow


class NotesMixin(StoreBase):
    """Adding, listing and marking coach notes."""

    def add_note(self, note: NoteRow) -> NoteRow:
        with self._write() as conn:
            result = conn.execute(S.notes.insert().values(**note.model_dump(exclude={"id"})))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return note.model_copy(update={"id": new_id})

    def notes(
        self, session_id: str | None = None, trainee: str | None = None, unseen_only: bool = False
    ) -> list[NoteRow]:
        query = select(S.notes)
        if session_id is not None:
            query = query.where(S.notes.c.session_id == session_id)
        if trainee is not None:
            query = query.join(S.sessions, S.sessions.c.id == S.notes.c.session_id).where(
                S.sessions.c.trainee == trainee
            )
        if unseen_only:
            query = query.where(S.notes.c.seen.is_(False))
        with self._read() as conn:
            return [_note(r) for r in conn.execute(query.order_by(S.notes.c.created, S.notes.c.id))]

    def mark_notes_seen(self, ids: Iterable[int]) -> None:
        wanted = list(ids)
        if not wanted:
            return
        with self._write() as conn:
            conn.execute(update(S.notes).where(S.notes.c.id.in_(wanted)).values(seen=True))

    def update_note(self, note_id: int, text: str) -> bool:
        """Change a note's text; the trainee sees it again as new."""
        with self._write() as conn:
            result = conn.execute(
                update(S.notes)
                .where(S.notes.c.id == note_id)
                .values(text=text, edited=utcnow(), seen=False)
            )
        return bool(result.rowcount)

    def delete_note(self, note_id: int) -> bool:
        with self._write() as conn:
            result = conn.execute(delete(S.notes).where(S.notes.c.id == note_id))
        return bool(result.rowcount)

    def note_cards(self, trainee: str, unseen_only: bool = True) -> list[NoteCard]:
        """The trainee's notes with the session they are about and the reply they quote."""
        turn = S.turns.alias("turn")
        query = (
            select(
                S.notes,
                S.sessions.c.scenario_title,
                S.sessions.c.started.label("session_started"),
                turn.c.text.label("quote"),
            )
            .join(S.sessions, S.sessions.c.id == S.notes.c.session_id)
            .outerjoin(
                turn,
                and_(turn.c.session_id == S.notes.c.session_id, turn.c.idx == S.notes.c.turn_idx),
            )
            .where(S.sessions.c.trainee == trainee)
            .order_by(S.notes.c.created, S.notes.c.id)
        )
        if unseen_only:
            query = query.where(S.notes.c.seen.is_(False))
        with self._read() as conn:
            rows = conn.execute(query).all()
        cards = []
        for r in rows:
            data = dict(r._mapping)
            data["created"] = _utc(data["created"])
            data["edited"] = _utc(data["edited"])
            data["session_started"] = _utc(data["session_started"])
            cards.append(NoteCard.model_validate(data))
        return cards
