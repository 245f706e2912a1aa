"""Shared plumbing for sub-commands: settings, factories, and turning errors into one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer import locations, runtime
from trainer.config import Settings, default_trainee, load_settings
from trainer.errors import TrainerError
from trainer.runtime import RuntimeOptions
from trainer.scenarios import Scenario, ScenarioLoadError, resolve_scenario

if TYPE_CHECKING:
    from trainer.customer.base import CustomerBackend
    from trainer.store import Store
    from trainer.types import Grader


class UserError(TrainerError):
    """Something the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a sub-command; every user-caused failure (a TrainerError) becomes one line."""
    try:
        return func(args)
    except UserError:
        raise
    except ScenarioLoadError as exc:
        raise UserError("\n".join(str(e) for e in exc.errors)) from None
    except TrainerError as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def settings(args: argparse.Namespace | None = None) -> Settings:
    """The flags given (over the environment, over config.toml, over built-ins)."""
    flags: dict[str, Any] = {}
    if args is not None:
        # `lead` comes from --as (`team add --lead` is a yes/no flag of its own).
        flags = {
            name: getattr(args, name, None) for name in Settings.model_fields if name != "lead"
        }
        if getattr(args, "no_bundled", False):
            flags["bundled"] = False
        if getattr(args, "as_name", None):
            flags["lead"] = args.as_name
    return load_settings(flags=flags)


def pick(args: argparse.Namespace, name: str) -> Any:
    """One setting, flags first (see settings)."""
    return getattr(settings(args), name, None)


def scenario_dirs(args: argparse.Namespace) -> list[Path]:
    """The bundled library, then each --scenarios DIR (repeatable; else config `scenarios`).
    --no-bundled (or config `bundled = false`) leaves the bundled library out."""
    config = settings(args)
    bundled = config.bundled
    dirs = [Path(d).expanduser() for d in config.scenarios]
    for d in dirs:
        if not d.is_dir():
            raise UserError(f"{d}: not a folder of scenario files (--scenarios)")
    if not bundled and not dirs:
        raise UserError("--no-bundled needs at least one --scenarios DIR")
    return ([locations.bundled_scenarios_dir()] if bundled else []) + dirs


def load_scenario(args: argparse.Namespace, ref: str) -> Scenario:
    try:
        return resolve_scenario(ref, scenario_dirs(args))
    except ScenarioLoadError as exc:
        raise UserError("\n".join(str(e) for e in exc.errors)) from None


def trainee(args: argparse.Namespace) -> str:
    return default_trainee(settings(args))


def lead(args: argparse.Namespace) -> str:
    """Who writes notes and assignments: --as NAME, else `lead` in config.toml, else the
    default trainee name (so a lead who practises too is one person)."""
    named = settings(args).lead
    return named.strip() if named and named.strip() else trainee(args)


def db_url(args: argparse.Namespace) -> str:
    return pick(args, "db") or locations.default_db_url()


def runtime_options(args: argparse.Namespace) -> RuntimeOptions:
    """The settings (flags over environment over config.toml) as the composition root's
    options, read once."""
    config = settings(args)
    return RuntimeOptions(
        db_url=config.db or locations.default_db_url(),
        customer=config.customer,
        customer_model=config.customer_model,
        customer_url=config.customer_url,
        grader_model=config.grader_model,
        seed=getattr(args, "seed", None),
    )


def open_store(args: argparse.Namespace) -> Store:
    return runtime.open_store(runtime_options(args))


def make_grader(args: argparse.Namespace) -> Grader:
    return runtime.build_grader(runtime_options(args))


def make_customer(args: argparse.Namespace) -> CustomerBackend:
    return runtime.build_customer(runtime_options(args))


def write_output(text: str, output: str | None) -> None:
    """Write to -o FILE, or stdout without one."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{output}: cannot write: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
