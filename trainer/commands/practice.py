"""`empathy-trainer practice`: open the practice TUI (home, or straight into a scenario)."""

from __future__ import annotations

import argparse
import os
import sys

from trainer.commands import common
from trainer.commands.common import UserError


def main(args: argparse.Namespace) -> int:
    """Check every input first (scenario, database) so mistakes are one line, then run the app."""
    from trainer import runtime
    from trainer.scenarios import load_library
    from trainer.tui.app import build_app

    library = load_library(common.scenario_dirs(args))
    scenario = common.load_scenario(args, args.scenario) if args.scenario else None
    trainee = common.trainee(args)
    options = common.runtime_options(args)
    runtime.check(options)  # before the app opens: a mistake is one line, not a toast
    store = common.open_store(args)
    resume_id = None
    if args.resume:
        row = store.latest_incomplete(trainee, scenario.id if scenario else None)
        if row is None:
            where = f" of '{scenario.id}'" if scenario else ""
            raise UserError(f"no unfinished session{where} for trainee '{trainee}' to resume")
        if scenario is None:
            scenario = library.get(row.scenario_id)
            if scenario is None:
                raise UserError(
                    f"the unfinished session uses scenario '{row.scenario_id}', which is not in "
                    "the library; pass --scenario PATH to its file"
                )
        resume_id = row.id
    if not library.scenarios and scenario is None:
        raise UserError("no scenarios found; check --scenarios DIR or run `scenarios validate`")
    app = build_app(
        library,
        trainee,
        options=options,
        store=store,
        scenario=scenario,
        resume_id=resume_id,
        theme=common.settings(args).theme,
        quick_exit=True,
    )
    try:
        app.run()
    finally:
        if app.services.loading:
            # A model is still loading in a worker thread and cannot be interrupted; every turn
            # is already committed, so leave now instead of waiting seconds for the import.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(app.return_code or 0)
        store.close()
    return app.return_code or 0
