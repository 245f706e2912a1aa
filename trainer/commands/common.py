"""Shared plumbing for sub-commands: settings, factories, and turning errors into one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer import locations
from trainer.config import ConfigError, Settings, default_trainee, load_settings
from trainer.scenarios import Scenario, ScenarioLoadError, resolve_scenario

if TYPE_CHECKING:
    from trainer.customer.base import CustomerBackend
    from trainer.store import Store
    from trainer.types import Grader


class UserError(Exception):
    """Something the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a sub-command, mapping every user-caused failure to a one-line message."""
    from trainer.customer.base import CustomerError

    try:
        return func(args)
    except UserError:
        raise
    except (ConfigError, CustomerError) as exc:
        raise UserError(str(exc)) from None
    except ScenarioLoadError as exc:
        raise UserError("\n".join(str(e) for e in exc.errors)) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # These modules are already imported whenever their errors can occur.
        known = _known_error_types()
        if isinstance(exc, known):
            raise UserError(str(exc)) from None
        raise


def _known_error_types() -> tuple[type[BaseException], ...]:
    """User-facing error classes of the modules loaded so far (never imports heavy modules)."""
    names = {
        "trainer.store.schema": "StoreError",
        "trainer.grader.encoder": "GraderLoadError",
        "trainer.grader.calibration": "CalibrationError",
        "trainer.grader.banks": "BankError",
        "trainer.report": "ReportError",
        "trainer.report.export": "ExportError",
    }
    found: list[type[BaseException]] = []
    for module, name in names.items():
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(getattr(loaded, name, None), type):
            found.append(getattr(loaded, name))
    return tuple(found)


@cache
def settings() -> Settings:
    return load_settings()


def pick(args: argparse.Namespace, name: str) -> Any:
    """A flag's value if given, else the config file's, else None/built-in."""
    value = getattr(args, name, None)
    if value is not None:
        return value
    return getattr(settings(), name, None)


def scenario_dirs(args: argparse.Namespace) -> list[Path]:
    """--scenarios DIR (repeatable), else config `scenarios`, else the bundled library."""
    flags = getattr(args, "scenarios", None)
    chosen = flags or settings().scenarios
    if chosen:
        dirs = [Path(d).expanduser() for d in chosen]
        for d in dirs:
            if not d.is_dir():
                raise UserError(f"{d}: not a folder of scenario files (--scenarios)")
        return dirs
    return [locations.bundled_scenarios_dir()]


def load_scenario(args: argparse.Namespace, ref: str) -> Scenario:
    try:
        return resolve_scenario(ref, scenario_dirs(args))
    except ScenarioLoadError as exc:
        raise UserError("\n".join(str(e) for e in exc.errors)) from None


def trainee(args: argparse.Namespace) -> str:
    return default_trainee(settings(), getattr(args, "trainee", None))


def db_url(args: argparse.Namespace) -> str:
    return pick(args, "db") or locations.default_db_url()


def open_store(args: argparse.Namespace) -> Store:
    from trainer.store import open_store as _open

    return _open(db_url(args))


def make_grader(args: argparse.Namespace) -> Grader:
    from trainer.grader import load_grader

    return load_grader(pick(args, "grader_model"))


def make_customer(args: argparse.Namespace) -> CustomerBackend:
    from trainer.customer import make_backend

    kind = pick(args, "customer") or "transformers"
    url = pick(args, "customer_url")
    if kind == "openai" and not url:
        raise UserError("--customer openai needs --customer-url URL (or customer_url in config)")
    embed = None
    if kind != "scripted" and pick(args, "grader_model") is None:
        # Same bundled MiniLM as the grader: share it so the process holds one copy.
        def embed(texts: list[str]) -> Any:
            from trainer.grader import load_grader

            return load_grader(None).encoder.phrases(texts)

    return make_backend(kind, model=pick(args, "customer_model"), url=url, embed=embed)


def write_output(text: str, output: str | None) -> None:
    """Write to -o FILE, or stdout without one."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{output}: cannot write: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
