"""`empathy-trainer sessions list|delete|push`: the stored sessions, for trainees and leads."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from trainer.commands import common
from trainer.commands.common import UserError
from trainer.store import Store
from trainer.store.outcomes import outcome_status

if TYPE_CHECKING:
    from trainer.report.sessions import ScoredSession


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_json(row: ScoredSession) -> dict[str, Any]:
    """The contract's list item, plus title, ended, averages and seed."""
    return {
        "session_id": row.id,
        "trainee": row.trainee,
        "scenario": row.scenario_id,
        "started": iso_utc(row.started),
        "outcome": row.outcome,
        "turns": row.turns,
        "ended": iso_utc(row.ended),
        "scenario_title": row.scenario_title,
        "scenario_version": row.scenario_version,
        "averages": row.averages,
        "seed": row.seed,
    }


def _print_table(rows: list[ScoredSession], filtered: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print(
            "No sessions match."
            if filtered
            else "No sessions yet. Start one with `empathy-trainer practice`."
        )
        return
    narrow = console.width < 100
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify in (
        ("session", "left"),
        ("trainee", "left"),
        ("scenario", "left"),
        ("started (UTC)" if not narrow else "started", "left"),
        ("outcome", "left"),
        ("turns", "right"),
        ("mean", "right"),
    ):
        # Names and scenario ids wrap; the rest stays whole, so 80 columns stay readable.
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=name not in ("trainee", "scenario"),
            overflow="fold" if name == "scenario" else "ellipsis",
        )
    for row in rows:
        values = [v for v in row.averages.values() if v is not None]
        mean = f"{sum(values) / len(values):.0f}" if values else "-"
        # At 80 columns the day is enough; the time would squeeze names and scenarios.
        started = row.started.astimezone(UTC).strftime("%Y-%m-%d" if narrow else "%Y-%m-%d %H:%M")
        table.add_row(
            row.id,
            row.trainee,
            row.scenario_id,
            started,
            outcome_status(row.outcome, row.ended),
            str(row.turns),
            mean,
        )
    console.print(table)


def _list(args: argparse.Namespace, store: Store) -> int:
    from trainer.report.sessions import scored_sessions

    rows = scored_sessions(store, trainee=args.trainee, scenario=args.scenario, match=True)
    if args.json:
        print(json.dumps([summary_json(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        _print_table(rows, bool(args.trainee or args.scenario))
    return 0


def _delete(args: argparse.Namespace, store: Store) -> int:
    """Delete from --db (leaving a tombstone `push` honours); --everywhere also from the
    local database, so the trainee's own copy goes too."""
    from trainer.locations import default_db_url
    from trainer.store import open_store
    from trainer.store.schema import normalize_url, safe_url

    deleted = store.delete_session(args.session_id)
    where = [safe_url(store.url)] if deleted else []
    local_url = default_db_url()
    if args.everywhere and normalize_url(local_url) != normalize_url(store.url):
        local = open_store(local_url)
        try:
            if local.delete_session(args.session_id):
                where.append(safe_url(local_url))
        finally:
            local.close()
    if not where:
        raise UserError(f"no session '{args.session_id}'; see `empathy-trainer sessions list`")
    print(f"deleted session {args.session_id} from {' and '.join(where)}")
    return 0


def _push(args: argparse.Namespace, store: Store) -> int:
    from trainer.store import open_store
    from trainer.store.schema import safe_url

    target = open_store(args.to)
    try:
        buried = target.tombstones()
        count = store.push_to(target)
    finally:
        target.close()
    print(f"pushed {count} session(s) to {safe_url(args.to)}")
    skipped = len(buried & {r.id for r in store.list_sessions()})
    if skipped:
        print(f"skipped {skipped} session(s) deleted on {safe_url(args.to)}")
    return 0


def _assignments(args: argparse.Namespace, store: Store) -> int:
    """Every assignment with its status per person (report/assignments.py has the rule)."""
    from trainer.report.assignments import progress, status_words
    from trainer.store.filters import words_match

    found = [
        p
        for p in progress(store)
        if not args.trainee or words_match(args.trainee, p.assignment.trainee)
    ]
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("No assignments match." if args.trainee else "No assignments yet (`assign`).")
        return 0
    for p in found:
        a = p.assignment
        due = f" due {a.due - timedelta(microseconds=1):%Y-%m-%d}" if a.due else ""
        tries = ", ".join(t.outcome for t in p.attempts) or "no attempt"
        print(f"{a.trainee}: {a.scenario_id}{due} · {status_words(p)} · {tries}")
    return 0


def main(args: argparse.Namespace) -> int:
    store = common.open_store(args)
    try:
        action = {
            "list": _list,
            "delete": _delete,
            "push": _push,
            "assignments": _assignments,
        }[args.action]
        return action(args, store)
    finally:
        store.close()
