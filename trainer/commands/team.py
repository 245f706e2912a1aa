"""`empathy-trainer team init|add`: make a PostgreSQL database a team one, and add people."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from trainer.commands import common
from trainer.commands.common import UserError


def _init(args: argparse.Namespace) -> int:
    from trainer.store.access import LEAD, TRAINEE, secure

    store = common.open_store(args)  # creates and migrates the schema
    try:
        with store._write() as conn:
            secure(conn)
    finally:
        store.close()
    print(
        f"team database ready: roles {TRAINEE} and {LEAD}, row-level security on; "
        "add people with `empathy-trainer team add LOGIN --name NAME [--lead] --db ...`"
    )
    return 0


def _password(login: str) -> str | None:
    """From EMPATHY_TRAINER_PASSWORD (for scripts), else asked for at the terminal."""
    given = os.environ.get("EMPATHY_TRAINER_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"password for the new login {login}: ") or None


def _add(args: argparse.Namespace) -> int:
    from sqlalchemy import text

    from trainer.store.access import add_member

    role = "lead" if args.lead else "trainee"
    store = common.open_store(args)
    try:
        with store._write() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": args.login}
            ).first()
            password = None if exists else _password(args.login)
            created = add_member(conn, args.login, args.name, role, password)
    finally:
        store.close()
    made = "created login" if created else "login"
    print(f"{made} {args.login}: {role} '{args.name}'")
    return 0


def main(args: argparse.Namespace) -> int:
    if not common.db_url(args).startswith(("postgresql", "postgres")):
        raise UserError("team: needs --db postgresql://... (the shared team database)", status=2)
    return {"init": _init, "add": _add}[args.action](args)
