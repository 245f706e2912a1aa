"""`empathy-trainer assign SCENARIO --to NAME[,NAME...] | --team [--due DATE]`."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from trainer.commands import common
from trainer.commands.common import UserError
from trainer.report.assignments import AssignError, resolve_names
from trainer.report.export import ExportError, parse_until


def main(args: argparse.Namespace) -> int:
    scenario = common.load_scenario(args, args.scenario)
    try:
        due = parse_until(args.due, "--due") if args.due else None
    except ExportError as exc:
        raise UserError(str(exc)) from None
    store = common.open_store(args)
    try:
        unknown: list[str] = []
        if args.team:
            names = store.team_members()
            if not names:
                raise UserError("--team: nobody has practised on this database yet; use --to")
        else:
            typed = [n.strip() for n in args.to.split(",") if n.strip()]
            if not typed:
                raise UserError("--to: give at least one name, e.g. --to 'Sam Lee,Tom Becker'")
            try:
                names, unknown = resolve_names(store.trainees(), typed)
            except AssignError as exc:
                raise UserError(f"--to {exc}") from None
        rows = store.assign(scenario.id, names, due, common.lead(args))
    finally:
        store.close()
    for name in unknown:
        print(f"empathy-trainer: note: {name!r} has no sessions here yet", file=sys.stderr)
    when = f", due {(due - timedelta(microseconds=1)):%Y-%m-%d}" if due else ""
    who = ", ".join(r.trainee for r in rows)
    print(f"assigned {scenario.id} to {len(rows)} trainee(s){when}: {who}")
    return 0
