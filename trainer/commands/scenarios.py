"""`empathy-trainer scenarios validate|list|new|schema`: the coach's tools for the library."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from trainer import locations
from trainer.commands.common import UserError, scenario_dirs
from trainer.scenarios import (
    Library,
    Scenario,
    ScenarioError,
    id_clash,
    is_scenario_file,
    json_schema,
    load_library,
    load_scenario_file,
    parse_scenario,
    scenario_files,
)

STARTER_FILE = "starter_scenario.yaml"


def load_library_safely(paths: list[Path]) -> Library:
    """`load_library`, but a file that crashes the loader becomes a located error, not a traceback."""
    try:
        return load_library(paths)
    except (RecursionError, TypeError, ValueError):
        pass
    # Exotic YAML (complex keys, extreme nesting) can escape the loader; find the culprits.
    good: list[Path] = []
    crashed: list[ScenarioError] = []
    for file in scenario_files(paths):
        try:
            load_scenario_file(file)
        except RecursionError:
            crashed.append(ScenarioError(str(file), 1, 1, "YAML is nested too deeply"))
        except (TypeError, ValueError) as exc:
            reason = "keys must be plain names" if "keys must be" in str(exc) else str(exc)
            crashed.append(ScenarioError(str(file), 1, 1, f"cannot use this YAML: {reason}"))
        else:
            good.append(file)
    library = load_library(good)
    library.errors = crashed + library.errors
    return library


def main(args: argparse.Namespace) -> int:
    """Dispatch to the chosen action."""
    if args.action == "check":
        from trainer.commands.scenarios_check import check

        return check(args)
    if args.action == "show":
        from trainer.commands.scenarios_show import show

        return show(args)
    actions = {"validate": validate, "list": list_scenarios, "new": new, "schema": schema}
    return actions[args.action](args)


def _paths(args: argparse.Namespace) -> list[Path]:
    given = getattr(args, "paths", None)
    return [Path(p).expanduser() for p in given] if given else scenario_dirs(args)


def validate(args: argparse.Namespace) -> int:
    """Check files (or the library); one `path:line:col: message` line per problem."""
    paths = _paths(args)
    files = scenario_files(paths)
    empty_dirs = [p for p in paths if p.is_dir() and not scenario_files([p])]
    library = load_library_safely(paths)
    for d in empty_dirs:
        print(f"{d}: no .yaml scenario files in this folder")
    for error in library.errors:
        print(error)
    if getattr(args, "paths", None):
        for warning in draft_warnings(library, args):
            print(f"{warning} (warning)")
    problems = len(library.errors) + len(empty_dirs)
    if problems:
        bad_files = len({e.path for e in library.errors}) + len(empty_dirs)
        print(
            f"{problems} problem(s) in {bad_files} file(s); {len(library.scenarios)} of "
            f"{len(files)} scenario(s) OK",
            file=sys.stderr,
        )
        return 1
    print(f"{_count(len(library.scenarios))} OK", file=sys.stderr)
    return 0


def _count(n: int) -> str:
    return f"{n} scenario" if n == 1 else f"{n} scenarios"


def scenario_summary(scenario: Scenario) -> dict[str, Any]:
    """The JSON shape of one `scenarios list --json` item."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "sector": scenario.sector,
        "difficulty": scenario.difficulty,
        "path": str(scenario.path) if scenario.path else None,
        "version": scenario.version,
        "summary": scenario.summary,
        "customer": scenario.customer.name,
        "tags": list(scenario.tags),
        "stages": len(scenario.stages),
    }


def draft_warnings(library: Library, args: argparse.Namespace) -> list[ScenarioError]:
    """Drafts given by path whose id another library file already uses."""
    dirs = scenario_dirs(args)
    return [w for s in library.scenarios if (w := id_clash(s, dirs)) is not None]


def _warn(library: Library) -> None:
    """Skipped files, one located line each, and the command that checks their folders."""
    for error in library.errors:
        print(f"warning: skipped {error}", file=sys.stderr)
    folders = sorted({str(Path(e.path).parent) for e in library.errors})
    if folders:
        print(
            f"run `empathy-trainer scenarios validate {' '.join(folders)}` for details",
            file=sys.stderr,
        )


def list_scenarios(args: argparse.Namespace) -> int:
    """Print the library as a table, or as JSON with --json."""
    library = load_library_safely(scenario_dirs(args))
    ordered = sorted(library.scenarios, key=lambda s: (s.sector, s.difficulty, s.id))
    _warn(library)
    if args.json:
        print(json.dumps([scenario_summary(s) for s in ordered], indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{_count(len(ordered))}", title_justify="left")
    for column in ("id", "title", "sector", "difficulty"):
        table.add_column(column, no_wrap=True)
    table.add_column("path", overflow="fold")
    for s in ordered:
        table.add_row(s.id, s.title, s.sector, str(s.difficulty), _short(s.path))
    console = Console()
    if not console.is_terminal:
        # Piped output has no width to fit; don't squeeze titles into 80 columns.
        console = Console(width=200)
    console.print(table)
    return 0 if ordered or not library.errors else 1


def _short(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def starter_text(target: Path | None = None) -> str:
    """The commented starter scenario, with id and schema link fitted to `target`."""
    text = locations.package_data(STARTER_FILE).read_text(encoding="utf-8")
    if target is None:
        return text
    slug = re.sub(r"[^a-z0-9_-]+", "-", target.stem.lower()).strip("-_") or "my-new-scenario"
    text = text.replace("id: my-new-scenario", f"id: {slug[:80]}", 1)
    return text


def new(args: argparse.Namespace) -> int:
    """Write a starter scenario to PATH (never overwriting), or print it."""
    if not args.path:
        sys.stdout.write(starter_text())
        return 0
    target = Path(args.path).expanduser()
    if not is_scenario_file(target):
        raise UserError(f"{target}: scenario files end in .yaml")
    if target.exists():
        raise UserError(f"{target}: already exists; choose another name (nothing was changed)")
    if not target.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")
    text = starter_text(target)
    scenario, errors = parse_scenario(text, str(target))
    if scenario is None:  # the template itself is broken: a bug, but say where
        raise UserError("\n".join(str(e) for e in errors))
    try:
        with target.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise UserError(f"{target}: already exists; choose another name") from None
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror}") from None
    print(f"wrote {target} (id: {scenario.id}); edit it, then run:", file=sys.stderr)
    schema_file = target.parent / "schema.json"
    if not schema_file.exists():
        # The file links `./schema.json`, relative, so the link works for every coach who
        # clones the folder (an absolute path would point into one person's install).
        schema_file.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {schema_file} (editors use it to complete and check)", file=sys.stderr)
    print(f"  empathy-trainer scenarios validate {target}", file=sys.stderr)
    return 0


def schema(args: argparse.Namespace) -> int:
    """Print the scenario JSON Schema."""
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0
