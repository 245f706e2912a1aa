"""`empathy-trainer export`: one row per turn as CSV or JSON Lines."""

from __future__ import annotations

import argparse

from trainer.commands.common import UserError, open_store, write_output
from trainer.report.export import ExportError, collect_rows, parse_date, to_csv, to_jsonl


def main(args: argparse.Namespace) -> int:
    try:
        since = parse_date(args.since) if args.since else None
    except ExportError as exc:
        raise UserError(str(exc)) from None
    store = open_store(args)
    try:
        rows = collect_rows(
            store,
            since=since,
            trainee=args.trainee,
            scenario=args.scenario,
            anonymize=args.anonymize,
        )
    finally:
        store.close()
    write_output(to_csv(rows) if args.format == "csv" else to_jsonl(rows), args.output)
    return 0
