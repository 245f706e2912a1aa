"""The practice command and app module: light imports, one-line errors before the app starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import_hygiene import HEAVY
from test_import_hygiene import _modules_after as _loaded_after

from trainer.cli import main


def test_app_module_loads_no_model_libraries() -> None:
    loaded = _loaded_after("import trainer.tui.app, trainer.commands.practice")
    assert "textual" in loaded
    assert not [m for m in HEAVY if m in loaded]
    # The debrief chart (plotext) is imported when a debrief opens, not at start-up.
    assert "textual_plotext" not in loaded


def test_building_the_app_loads_no_model_libraries(tmp_path: Path) -> None:
    code = (
        "from trainer import locations\n"
        "from trainer.scenarios import load_library\n"
        "from trainer.tui.app import build_app\n"
        "build_app(load_library([locations.bundled_scenarios_dir()]), 'x')"
    )
    loaded = _loaded_after(code)
    assert not [m for m in HEAVY if m in loaded]


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    status = main(argv)
    err = capsys.readouterr().err.strip()
    assert status == 1, err
    assert err.count("\n") == 0 and "Traceback" not in err
    return err


def test_unknown_scenario_is_one_line(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    err = _one_line_error(
        capsys, ["practice", "--scenario", "retail-laptop-repairs", "--db", sqlite_url]
    )
    assert "unknown scenario 'retail-laptop-repairs'" in err
    assert "retail-laptop-repair" in err  # the suggestion


def test_broken_scenario_file_is_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sqlite_url: str
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text("id: draft\ntitle: [unclosed\n", encoding="utf-8")
    err = _one_line_error(capsys, ["practice", "--scenario", str(draft), "--db", sqlite_url])
    assert err.startswith(f"empathy-trainer: {draft}:")


def test_unusable_database_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker}/sessions.db"
    err = _one_line_error(capsys, ["practice", "--scenario", "retail-laptop-repair", "--db", url])
    assert "empathy-trainer:" in err


def test_resume_without_unfinished_session(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    err = _one_line_error(
        capsys, ["practice", "--resume", "--trainee", "nobody", "--db", sqlite_url]
    )
    assert "no unfinished session" in err and "nobody" in err


def test_openai_customer_needs_a_url(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    err = _one_line_error(capsys, ["practice", "--customer", "openai", "--db", sqlite_url])
    assert "--customer-url" in err
