"""The real entry point: help, version, and one-line errors instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

EXE = Path(sys.executable).parent / "empathy-trainer"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_command() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in (
        "practice",
        "run",
        "grade",
        "scenarios",
        "sessions",
        "review",
        "report",
        "export",
        "bench",
        "doctor",
    ):
        assert command in out.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--scenario", "no-such-scenario", "--replies", "missing.txt"),
        ("grade", "/no/such/file.jsonl"),
        ("report", "nope", "--format", "json", "--db", "sqlite:////no/such/dir/x.db"),
        ("sessions", "list", "--db", "postgresql://nobody@127.0.0.1:1/none"),
        ("scenarios", "validate", "/no/such.yaml"),
    ],
)
def test_bad_input_is_one_line_without_traceback(args: tuple[str, ...]) -> None:
    out = run(*args)
    assert out.returncode in (1, 2)
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stderr.strip() or out.stdout.strip()


def test_unknown_flag_is_usage_error() -> None:
    out = run("run", "--bogus")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
