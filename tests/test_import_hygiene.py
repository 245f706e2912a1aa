"""Start-up stays light and layers stay apart: checked in fresh interpreters via sys.modules."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "sentence_transformers")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_cli_imports_no_torch() -> None:
    loaded = _modules_after("import trainer.cli")
    assert not [m for m in HEAVY if m in loaded]


def test_help_imports_no_torch() -> None:
    code = (
        "import contextlib, io\n"
        "from trainer.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    loaded = _modules_after(code)
    assert not [m for m in HEAVY if m in loaded]


@pytest.mark.parametrize(
    "module",
    [
        "trainer.scenarios",
        "trainer.engine.session",
        "trainer.store",
        "trainer.report",
        "trainer.grader",
        "trainer.customer",
        "trainer.commands.run",
    ],
)
def test_core_never_imports_textual(module: str) -> None:
    loaded = _modules_after(f"import {module}")
    assert "textual" not in loaded, f"{module} pulled in textual"


# The TUI's import rule (textual yes, model libraries and plotext no) is in test_tui_app.py.


@pytest.mark.parametrize(
    "module",
    [
        "trainer.engine",
        "trainer.engine.session",
        "trainer.store",
        "trainer.report",
        "trainer.runtime",
    ],
)
def test_engine_store_and_report_load_no_model_libraries(module: str) -> None:
    """The engine, store and report import no textual, torch or transformers at import time:
    the models are behind the grader/customer backends, loaded when first used."""
    loaded = _modules_after(f"import {module}")
    assert not [m for m in (*HEAVY, "textual") if m in loaded], module
