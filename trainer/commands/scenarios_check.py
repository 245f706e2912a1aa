"""`empathy-trainer scenarios check [PATH...]`: play each scenario and flag what cannot work."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from trainer import runtime
from trainer.commands.common import runtime_options, scenario_dirs
from trainer.commands.scenarios import load_library_safely
from trainer.engine.check import Finding, played_findings, static_findings


def check(args: argparse.Namespace) -> int:
    """One located line per finding; exit 1 on any error, 0 when only warnings remain."""
    given = [Path(p).expanduser() for p in args.paths] if args.paths else scenario_dirs(args)
    library = load_library_safely(given)
    findings: list[Finding] = [
        Finding(e.path, e.line, e.col, "error", e.message, "") for e in library.errors
    ]
    results = []
    if library.scenarios:
        options = replace(runtime_options(args), customer="scripted")
        grader = runtime.build_grader(options)
        customer = runtime.build_customer(options, grader)
        with tempfile.TemporaryDirectory(prefix="empathy-trainer-check-") as scratch:
            store = runtime.open_store(replace(options, db_url=f"sqlite:///{scratch}/check.db"))
            try:
                for scenario in library.scenarios:
                    played, runs = played_findings(scenario, store, grader, customer)
                    mine = static_findings(scenario) + played
                    findings += mine
                    results.append(
                        {
                            "scenario": scenario.id,
                            "path": str(scenario.path) if scenario.path else None,
                            "strong": asdict(runs[0]),
                            "weak": asdict(runs[1]),
                            "findings": [asdict(f) for f in mine],
                        }
                    )
                    if not args.json:
                        _say_outcomes(scenario.id, runs[0].outcome, runs[1].outcome)
            finally:
                store.close()
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if args.json:
        load_errors = [asdict(f) for f in findings if not f.scenario]
        print(json.dumps({"scenarios": results, "load_errors": load_errors}, indent=2))
    else:
        for finding in findings:
            print(finding)
    # A file that failed to load is not a scenario checked: say so, or "0 scenario(s) checked"
    # reads as if the path was wrong.
    unloaded = len({e.path for e in library.errors})
    skipped = f", {unloaded} file(s) not loaded" if unloaded else ""
    print(
        f"{len(library.scenarios)} scenario(s) checked{skipped}: {errors} error(s), "
        f"{warnings} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0


def _say_outcomes(scenario_id: str, strong: str | None, weak: str | None) -> None:
    print(
        f"{scenario_id}: strong replies -> {strong or 'unfinished'}, "
        f"weak replies -> {weak or 'unfinished'}",
        file=sys.stderr,
    )
