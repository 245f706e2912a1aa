"""The one outcome vocabulary: what is stored, printed in JSON and shown in every UI.

Stored and JSON values are `resolved`, `walked_out`, `out_of_turns` and `ended_early` (the
trainee ended it), or null while the session is unfinished; the UIs, reports and filters show
`unfinished` for that null, so it never looks like a session that ended.
"""

from __future__ import annotations

from datetime import datetime

OUTCOMES: tuple[str, ...] = ("resolved", "walked_out", "out_of_turns", "ended_early")
UNFINISHED = "unfinished"
ENDED_EARLY = "ended_early"
STATUSES: tuple[str, ...] = (*OUTCOMES, UNFINISHED)
"""Every value `outcome_status` can return, in the order filters list them."""


def outcome_status(outcome: str | None, ended: datetime | None) -> str:
    """How a session stands, for display: its outcome, or `unfinished`.

    A session closed before migration m005 can have `ended` set and no outcome: that was the
    trainee ending it, so it reads `ended_early` like every session closed since.
    """
    if outcome:
        return outcome
    return ENDED_EARLY if ended is not None else UNFINISHED


def outcome_words(status: str) -> str:
    """The status as words for tables ("walked out")."""
    return status.replace("_", " ")
