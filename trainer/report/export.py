"""One row per turn as CSV or JSON Lines, optionally with trainees replaced by pseudonyms."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel

from trainer.errors import TrainerError
from trainer.report.anonymize import KEY_NAME, Anonymizer, pseudonym
from trainer.types import DIMENSIONS

__all__ = ["COLUMNS", "Anonymizer", "ExportRow", "collect_rows", "pseudonym", "to_csv", "to_jsonl"]

if TYPE_CHECKING:
    from trainer.store import SessionRow, Store, TurnRow

# Paste-ready for the README: `empathy-trainer export` writes these columns, in this order.
EXPORT_COLUMNS_DOC = """\
| column | meaning |
|---|---|
| `session_id` | the session's id (as printed by `run` and `sessions list`) |
| `trainee` | who practised; with `--anonymize` a stable pseudonym such as `trainee-3f9a1c2b` |
| `scenario` | scenario id |
| `sector` | the scenario's sector (retail, hospitality, ...) |
| `turn` | position of the turn in the session, 0 = the customer's opening line |
| `role` | `customer` or `employee` |
| `text` | what was said (with `--anonymize`, trainee names inside it are replaced too) |
| `listening`, `acknowledgement`, `apology`, `personalization` | 0-100 scores of an employee reply; empty for customer lines |
| `mood` | the customer's mood after the turn, 0 calm ... 100 walks out (customer lines) |
| `latency_ms` | customer lines: ms to the first token; employee replies: ms to the scores |
| `source` | customer lines: `model` or `script` (fallback line) |
| `retracted` | `true` when the trainee took the reply back with undo (kept for coaching) |
| `hint_used` | `true` when the trainee asked for a hint before this reply |
| `time` | when the turn was committed, ISO 8601 in UTC |
| `outcome` | how the session ended: `resolved`, `walked_out`, `out_of_turns`, `ended_early` (the trainee ended it), empty while unfinished |
| `expected` | employee replies: the dimensions the stage expected, space-separated; a score not listed is left out of every average |
"""

COLUMNS: tuple[str, ...] = (
    "session_id",
    "trainee",
    "scenario",
    "sector",
    "turn",
    "role",
    "text",
    *DIMENSIONS,
    "mood",
    "latency_ms",
    "source",
    "retracted",
    "hint_used",
    "time",
    "outcome",
    "expected",
)


class ExportError(TrainerError, ValueError):
    """A filter value the user typed is not usable (one line, says which flag)."""


class ExportRow(BaseModel):
    """One exported turn; field order is the column order."""

    session_id: str
    trainee: str
    scenario: str
    sector: str
    turn: int
    role: str
    text: str
    listening: int | None = None
    acknowledgement: int | None = None
    apology: int | None = None
    personalization: int | None = None
    mood: int | None = None
    latency_ms: float | None = None
    source: str | None = None
    retracted: bool = False
    hint_used: bool = False
    time: str
    outcome: str | None = None
    expected: str | None = None


def parse_date(text: str, flag: str = "--since") -> datetime:
    """`YYYY-MM-DD` (midnight UTC) or a full ISO 8601 timestamp -> aware UTC datetime."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{flag} {text!r}: not a date; use YYYY-MM-DD, e.g. 2025-03-01") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_until(text: str, flag: str = "--until") -> datetime:
    """The end of a period, exclusive: a bare date means up to the end of that day."""
    moment = parse_date(text, flag)
    return moment + timedelta(days=1) if len(text.strip()) == 10 else moment


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC; naive datetimes from the store are taken as UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _expected(turn: TurnRow) -> str | None:
    if turn.role != "employee" or not turn.scores:
        return None
    return " ".join(d for d in DIMENSIONS if turn.expects is None or d in turn.expects)


def session_rows(session: SessionRow, turns: Sequence[TurnRow]) -> list[ExportRow]:
    """The export rows of one session's turns."""
    rows = []
    for t in turns:
        scores = t.scores or {}
        rows.append(
            ExportRow(
                session_id=session.id,
                trainee=session.trainee,
                scenario=session.scenario_id,
                sector=session.sector,
                turn=t.idx,
                role=t.role,
                text=t.text,
                mood=t.mood,
                latency_ms=None if t.latency_ms is None else round(t.latency_ms, 1),
                source=t.source,
                retracted=t.retracted,
                hint_used=t.hint_used,
                time=iso_utc(t.created),
                outcome=session.outcome,
                expected=_expected(t),
                **{d: scores.get(d) for d in DIMENSIONS},
            )
        )
    return rows


def collect_rows(
    store: Store,
    since: datetime | None = None,
    trainee: str | None = None,
    scenario: str | None = None,
    anonymize: bool = False,
    until: datetime | None = None,
    key: bytes | None = None,
    coarse: bool = False,
) -> list[ExportRow]:
    """Every turn (retracted ones flagged) of the sessions that pass the filters."""
    summaries = store.list_sessions(
        trainee=trainee, scenario=scenario, since=since, until=until, match=True
    )
    summaries = sorted(summaries, key=lambda s: (s.started, s.id))
    rows: list[ExportRow] = []
    for summary in summaries:
        turns = sorted(store.turns(summary.id, include_retracted=True), key=lambda t: t.idx)
        rows.extend(session_rows(summary, turns))
    if anonymize:
        # Names of every trainee in the database, not only the exported ones: colleagues get
        # mentioned in each other's transcripts.
        everyone = set(store.trainees()) | {r.trainee for r in rows}
        anon = Anonymizer(everyone, key if key is not None else store.team_secret(KEY_NAME))
        for row in rows:
            row.text = anon.text(row.text)
            row.trainee = anon.trainee(row.trainee)
    if coarse:
        _coarsen(rows)
    return rows


def _coarsen(rows: list[ExportRow]) -> None:
    """Session ids become `session-1`, `session-2`... in export order (rows still group by
    session, but cannot be looked up), and times keep only the day."""
    numbers: dict[str, str] = {}
    for row in rows:
        row.session_id = numbers.setdefault(row.session_id, f"session-{len(numbers) + 1}")
        row.time = row.time[:10]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(rows: Sequence[ExportRow]) -> str:
    """CSV with a header row; empty cells for missing values, true/false for flags."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.model_dump()
        writer.writerow([_cell(data[c]) for c in COLUMNS])
    return buf.getvalue()


def to_jsonl(rows: Sequence[ExportRow]) -> str:
    """One JSON object per line with exactly the COLUMNS keys (null for missing values)."""
    return "".join(json.dumps(row.model_dump(), ensure_ascii=False) + "\n" for row in rows)


def read_csv(text: str) -> list[ExportRow]:
    """Parse an export back into rows (the inverse of `to_csv`)."""
    out = []
    for record in csv.DictReader(io.StringIO(text)):
        values: dict[str, object] = {k: (v if v != "" else None) for k, v in record.items()}
        for flag in ("retracted", "hint_used"):
            values[flag] = values[flag] == "true"
        values["text"] = values["text"] or ""
        out.append(ExportRow.model_validate(values))
    return out


def read_jsonl(text: str) -> list[ExportRow]:
    """Parse a JSON Lines export back into rows."""
    return [ExportRow.model_validate_json(line) for line in text.splitlines() if line.strip()]
