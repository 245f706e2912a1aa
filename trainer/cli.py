"""The `empathy-trainer` command: one sub-command per job, each implemented in trainer/commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from trainer import __version__

# Each sub-command maps to `trainer.commands.<module>.main(args) -> int`, imported only when used
# so `--help` and the scenario commands never pay for torch.
COMMANDS: dict[str, str] = {
    "practice": "practice",
    "run": "run",
    "grade": "grade",
    "scenarios": "scenarios",
    "sessions": "sessions",
    "review": "review",
    "report": "report",
    "export": "export",
    "assign": "assign",
    "team": "team",
    "bench": "bench",
    "doctor": "doctor",
}


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", metavar="URL", help="sqlite:///path or postgresql://... (default: local)"
    )


def _scenarios_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scenarios",
        metavar="DIR",
        action="append",
        help="add a folder of scenarios to the bundled library (repeatable)",
    )
    p.add_argument(
        "--no-bundled",
        action="store_true",
        help="leave the bundled library out (use only --scenarios folders)",
    )


def _grader(p: argparse.ArgumentParser) -> None:
    p.add_argument("--grader-model", metavar="ID|PATH", help="sentence-transformers model")


def _customer(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--customer", choices=["transformers", "openai", "scripted"], help="customer backend"
    )
    p.add_argument("--customer-model", metavar="ID|PATH", help="Hugging Face causal LM id or path")
    p.add_argument("--customer-url", metavar="URL", help="OpenAI-compatible endpoint")


def _with(p: argparse.ArgumentParser, *options: Callable[[argparse.ArgumentParser], None]) -> None:
    for add in options:
        add(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="empathy-trainer",
        description="Practise hard customer conversations with feedback after every reply.",
    )
    parser.add_argument("--version", action="version", version=f"empathy-trainer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("practice", help="open the practice app (TUI)")
    p.add_argument("--scenario", metavar="ID|PATH", help="start this scenario straight away")
    p.add_argument("--resume", action="store_true", help="continue your latest unfinished session")
    p.add_argument("--trainee", metavar="NAME")
    _with(p, _db, _customer, _grader, _scenarios_dir)
    p = sub.add_parser("run", help="play a scenario headless from a file of replies")
    p.add_argument("--scenario", metavar="ID|PATH", required=True)
    p.add_argument("--replies", metavar="FILE", required=True, help="one employee reply per line")
    p.add_argument("--resume", action="store_true", help="continue the latest incomplete session")
    p.add_argument("--seed", type=int, help="make customer lines reproducible")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--explain", action="store_true", help="say why the mood and stage moved, and the ending"
    )
    p.add_argument(
        "--no-save", action="store_true", help="keep this run out of the sessions database"
    )
    _with(p, _db, _customer, _grader, _scenarios_dir)
    p = sub.add_parser("grade", help="score replies from JSON Lines (FILE or stdin)")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    p.add_argument("--calibrate", metavar="RATINGS.jsonl", help="fit scores to your 0-2 ratings")
    p.add_argument("--raw", action="store_true", help="ignore any saved calibration")
    _grader(p)

    p = sub.add_parser("scenarios", help="validate, check, show, list, create scenarios")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sp = ssub.add_parser("validate", help="check scenario files (default: the library)")
    sp.add_argument("paths", nargs="*", metavar="PATH")
    _scenarios_dir(sp)
    sp = ssub.add_parser(
        "check", help="play each scenario's strong and weak replies and flag what cannot work"
    )
    sp.add_argument("paths", nargs="*", metavar="PATH")
    sp.add_argument("--json", action="store_true", help="outcomes and findings as one JSON object")
    _with(sp, _scenarios_dir, _grader)
    sp = ssub.add_parser("show", help="draw a scenario's stages, conditions, reveals and ending")
    sp.add_argument("scenario", metavar="ID|PATH")
    _scenarios_dir(sp)
    sp = ssub.add_parser("list", help="list scenarios")
    sp.add_argument("--json", action="store_true")
    _scenarios_dir(sp)
    sp = ssub.add_parser("new", help="write a commented starter scenario")
    sp.add_argument("path", nargs="?", metavar="PATH")
    ssub.add_parser("schema", help="print the scenario JSON Schema")

    p = sub.add_parser("sessions", help="list, delete and push stored sessions")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sp = ssub.add_parser("list", help="list sessions")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--trainee", metavar="NAME", help="whole words of a name, any case")
    sp.add_argument("--scenario", metavar="ID", help="whole words of a scenario id")
    _db(sp)
    sp = ssub.add_parser("delete", help="remove a session and its turns")
    sp.add_argument("session_id", metavar="SESSION_ID")
    sp.add_argument(
        "--everywhere", action="store_true", help="also delete the local copy (not only --db)"
    )
    _db(sp)
    sp = ssub.add_parser("assignments", help="assigned scenarios: pending, in progress, done")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--trainee", metavar="NAME", help="whole words of a name, any case")
    _db(sp)
    sp = ssub.add_parser("push", help="copy local sessions into a team database")
    sp.add_argument("--to", metavar="URL", required=True)
    _db(sp)

    p = sub.add_parser("review", help="open the team lead's review app (TUI)")
    p.add_argument("--as", dest="as_name", metavar="NAME", help="your name on notes (or lead=)")
    _with(p, _db, _scenarios_dir)
    p = sub.add_parser("report", help="HTML / Markdown / JSON report of a session or the team")
    p.add_argument("session_id", nargs="?", metavar="SESSION_ID")
    p.add_argument("--team", action="store_true", help="summarise the whole team")
    p.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, from (team reports)")
    p.add_argument("--until", metavar="DATE", help="YYYY-MM-DD, up to and including")
    p.add_argument("--trainee", metavar="NAME", help="whole words of a name, any case")
    p.add_argument("--scenario", metavar="ID", help="whole words of a scenario id")
    p.add_argument("--format", choices=["html", "md", "json"], required=True)
    p.add_argument("-o", "--output", metavar="FILE")
    _with(p, _db, _scenarios_dir)
    p = sub.add_parser("export", help="one row per turn as CSV or JSON Lines")
    p.add_argument("--format", choices=["csv", "jsonl"], required=True)
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--anonymize", action="store_true", help="pseudonyms instead of trainee names")
    p.add_argument(
        "--coarse", action="store_true", help="number sessions instead of ids; times to the day"
    )
    p.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, from")
    p.add_argument("--until", metavar="DATE", help="YYYY-MM-DD, up to and including")
    p.add_argument("--trainee", metavar="NAME", help="whole words of a name, any case")
    p.add_argument("--scenario", metavar="ID", help="whole words of a scenario id")
    _db(p)

    p = sub.add_parser("assign", help="assign a scenario to trainees or the whole team")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or path")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", metavar="NAME[,NAME...]", help="comma-separated trainee names")
    who.add_argument("--team", action="store_true", help="everyone on this database")
    p.add_argument("--due", metavar="DATE", help="YYYY-MM-DD, the last day to do it")
    p.add_argument("--as", dest="as_name", metavar="NAME", help="who assigns (default: lead)")
    _with(p, _db, _scenarios_dir)

    p = sub.add_parser("team", help="set up a shared PostgreSQL database: roles and logins")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sp = ssub.add_parser("init", help="schema, roles and row-level security")
    _db(sp)
    sp = ssub.add_parser("add", help="a database login for one trainee or lead")
    sp.add_argument("login", metavar="LOGIN", help="the database login (lower case)")
    sp.add_argument("--name", required=True, metavar="NAME", help="the trainee's name")
    sp.add_argument("--lead", action="store_true", help="a lead's login (reads everything)")
    _db(sp)

    p = sub.add_parser("bench", help="measure the customer model or the grader")
    p.add_argument("target", choices=["customer", "grader"])
    p.add_argument("--json", action="store_true")
    _with(p, _customer, _grader)
    p = sub.add_parser("doctor", help="check the installation and say how to fix problems")
    _db(p)  # which database to check (default: the config's, else the local one)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `empathy-trainer` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from trainer.commands.common import UserError, run_command

    module = importlib.import_module(f"trainer.commands.{COMMANDS[args.command]}")
    try:
        return run_command(module.main, args)
    except UserError as exc:
        print(f"empathy-trainer: {exc}", file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
