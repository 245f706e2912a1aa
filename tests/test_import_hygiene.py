"""Start-up stays light and layers stay apart: checked in fresh interpreters via sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys

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


def _first_importer(modules: tuple[str, ...], banned: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, imported in turn in one fresh interpreter, the banned packages that
    were not loaded before it and are after: whoever first pulls one in is named, and a
    clean run proves every module clean, at one interpreter start instead of one each."""
    code = (
        "import importlib, json, sys\n"
        f"banned = {banned!r}\n"
        "found, seen = {}, set()\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    found[name] = [b for b in banned if b in sys.modules and b not in seen]\n"
        "    seen.update(found[name])\n"
        "print(json.dumps(found))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name: pulled for name, pulled in json.loads(out.stdout).items() if pulled}


CORE = (
    "trainer.scenarios",
    "trainer.engine.session",
    "trainer.store",
    "trainer.report",
    "trainer.grader",
    "trainer.customer",
    "trainer.commands.run",
)


def test_core_never_imports_textual() -> None:
    assert _first_importer(CORE, ("textual",)) == {}


# The TUI's import rule (textual yes, model libraries and plotext no) is in test_tui_app.py.


def test_engine_store_and_report_load_no_model_libraries() -> None:
    """The engine, store and report import no textual, torch or transformers at import time:
    the models are behind the grader/customer backends, loaded when first used."""
    modules = ("trainer.engine", "trainer.engine.session", "trainer.store", "trainer.report")
    assert _first_importer((*modules, "trainer.runtime"), (*HEAVY, "textual")) == {}


def test_the_check_names_the_module_that_pulls_a_package_in() -> None:
    pulled = _first_importer(
        ("trainer.errors", "trainer.scenarios", "trainer.store"), ("pydantic",)
    )
    assert pulled == {"trainer.scenarios": ["pydantic"]}
