"""`empathy-trainer export`: one row per turn as CSV or JSON Lines."""

from __future__ import annotations

import argparse
import sys

from trainer.commands.common import UserError, open_store, write_output
from trainer.report.export import (
    ExportError,
    collect_rows,
    parse_date,
    parse_until,
    to_csv,
    to_jsonl,
)


def main(args: argparse.Namespace) -> int:
    try:
        since = parse_date(args.since) if args.since else None
        until = parse_until(args.until) if args.until else None
    except ExportError as exc:
        raise UserError(str(exc)) from None
    store = open_store(args)
    try:
        rows = collect_rows(
            store,
            since=since,
            until=until,
            trainee=args.trainee,
            scenario=args.scenario,
            anonymize=args.anonymize,
            coarse=args.coarse,
        )
    finally:
        store.close()
    if not rows:
        # Still a valid file (CSV keeps its header) so scripts don't break, but say so: an
        # empty export usually means a filter matched nobody.
        print("empathy-trainer: warning: no sessions match; the export is empty", file=sys.stderr)
    write_output(to_csv(rows) if args.format == "csv" else to_jsonl(rows), args.output)
    return 0
