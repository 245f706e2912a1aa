"""`empathy-trainer report`: one session, or the whole team, as HTML, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys

from trainer.commands.common import UserError, open_store, scenario_dirs, write_output
from trainer.report.export import ExportError, parse_date, parse_until
from trainer.scenarios import Scenario, load_library


def _scenario(args: argparse.Namespace, scenario_id: str) -> Scenario | None:
    """The session's scenario from the library, for the debrief's better replies (optional)."""
    try:
        return load_library(scenario_dirs(args)).get(scenario_id)
    except (UserError, OSError):
        return None


def main(args: argparse.Namespace) -> int:
    from trainer.report import ReportError, render_session, render_team, session_report
    from trainer.report.team import team_report

    if not args.team and not args.session_id:
        raise UserError("report: give a SESSION_ID or --team (see `report --help`)", status=2)
    if args.team and args.session_id:
        raise UserError("report: give either a SESSION_ID or --team, not both", status=2)
    for flag in ("since", "until", "trainee", "scenario"):
        if getattr(args, flag) and not args.team:
            raise UserError(f"report: --{flag} only applies to --team reports", status=2)
    try:
        since = parse_date(args.since) if args.since else None
        until = parse_until(args.until) if args.until else None
    except ExportError as exc:
        raise UserError(str(exc)) from None
    store = open_store(args)
    try:
        if args.team:
            team = team_report(
                store, since=since, until=until, trainee=args.trainee, scenario=args.scenario
            )
            if not team.sessions:
                print("empathy-trainer: no sessions match; the report is empty", file=sys.stderr)
            text = render_team(team, args.format)
        else:
            session = store.get_session(args.session_id)
            scenario = _scenario(args, session.scenario_id) if session else None
            try:
                report = session_report(store, args.session_id, scenario)
            except ReportError as exc:
                raise UserError(str(exc)) from None
            text = render_session(report, args.format)
    finally:
        store.close()
    write_output(text, args.output)
    return 0
