"""What a team database keeps beyond sessions: tombstones of deleted sessions and shared
secrets (the pseudonym key)."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, delete, select

from trainer.store import schema as S
from trainer.store.base import StoreBase
from trainer.store.rows import utcnow


class TeamMixin(StoreBase):
    """Tombstones and team-wide settings."""

    def _bury(self, conn: Connection, session_id: str, trainee: str) -> None:
        conn.execute(delete(S.notes).where(S.notes.c.session_id == session_id))
        conn.execute(delete(S.turns).where(S.turns.c.session_id == session_id))
        conn.execute(delete(S.sessions).where(S.sessions.c.id == session_id))
        self._insert_ignore(
            conn, S.tombstones, {"session_id": session_id, "trainee": trainee, "deleted": utcnow()}
        )

    def tombstones(self) -> set[str]:
        """Ids of the sessions deleted from this database."""
        with self._read() as conn:
            return set(conn.execute(select(S.tombstones.c.session_id)).scalars())

    def team_secret(self, name: str) -> bytes:
        """A random team-wide secret stored in the database, made on first use; every client
        of the same database gets the same one."""
        with self._write() as conn:
            self._insert_ignore(
                conn, S.team_settings, {"name": name, "value": secrets.token_hex(32)}
            )
            value = conn.execute(
                select(S.team_settings.c.value).where(S.team_settings.c.name == name)
            ).scalar_one()
        return bytes.fromhex(value)

    def team_members(self) -> list[str]:
        """Everyone a lead can assign to with --team: trainees who have practised here and
        trainee logins set up with `team init`."""
        with self._read() as conn:
            practised = set(conn.execute(select(S.trainees.c.name)).scalars())
            logins = set(
                conn.execute(
                    select(S.members.c.trainee).where(S.members.c.role == "trainee")
                ).scalars()
            )
        return sorted(practised | logins, key=str.casefold)
