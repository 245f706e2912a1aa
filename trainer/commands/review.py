"""`empathy-trainer review`: the team lead's review app (Textual)."""

from __future__ import annotations

import argparse

from trainer.commands.common import lead, open_store, scenario_dirs


def main(args: argparse.Namespace) -> int:
    # The store is opened before the app so an unreachable database is one line, not a crash
    # inside the terminal UI.
    store = open_store(args)
    try:
        from trainer.tui.review.app import build_review_app

        app = build_review_app(store, scenario_dirs=scenario_dirs(args), author=lead(args))
        app.run()
    finally:
        store.close()
    return 0
