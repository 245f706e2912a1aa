"""Sessions, turns and notes: SQLite by default, PostgreSQL by URL; named, recorded migrations."""

from trainer.store.database import (
    AssignmentRow,
    NoteRow,
    SessionRow,
    SessionSummary,
    Store,
    StoreError,
    TurnRow,
    new_session_id,
    open_store,
    utcnow,
)

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
    "utcnow",
]
