"""`empathy-trainer scenarios ...` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer import locations
from trainer.cli import main
from trainer.scenarios import json_schema, load_scenario_file

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "empathy-trainer"
BROKEN = Path("tests/data/broken")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def library_ids() -> set[str]:
    return {p.stem for p in locations.bundled_scenarios_dir().glob("*.yaml")}


@pytest.mark.cli
def test_validate_library_ok() -> None:
    out = run("scenarios", "validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == ""
    assert out.stderr.strip() == f"{len(library_ids())} scenarios OK"


@pytest.mark.cli
def test_validate_broken_lists_every_problem_and_fails() -> None:
    out = run("scenarios", "validate", str(BROKEN), str(BROKEN / "duplicates"))
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert f"{BROKEN}/unknown-key.yaml:13:3: unknown field 'moood'; did you mean 'mood'?" in lines
    assert (
        f"{BROKEN}/yaml-syntax.yaml:12:25: YAML syntax error: text containing ': ' must be "
        "quoted; put this text in double quotes" in lines
    )
    assert (
        f"{BROKEN}/duplicates/b.yaml:2:5: duplicate scenario id 'same-id' "
        f"(also in {BROKEN}/duplicates/a.yaml); ids must be unique across the bundled library "
        "and every scenario folder"
    ) in lines
    broken_files = {p.name for p in (ROOT / BROKEN).glob("*.yaml")}
    reported = {Path(line.split(":", 1)[0]).name for line in lines}
    assert broken_files | {"b.yaml"} == reported
    assert all(line.count(":") >= 3 for line in lines)  # path:line:col: message
    assert "1 of 12 scenario(s) OK" in out.stderr


def test_validate_good_and_bad_together(capsys: pytest.CaptureFixture[str]) -> None:
    good = locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml"
    assert main(["scenarios", "validate", str(good)]) == 0
    assert capsys.readouterr().err.strip() == "1 scenario OK"
    assert main(["scenarios", "validate", str(good), "/no/such/file.yaml"]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == "/no/such/file.yaml:1:1: no such file"


@pytest.mark.cli
def test_exotic_yaml_never_gives_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "complex-key.yaml").write_text("? [a, b]\n: c\n")
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 400 + "]" * 400 + "\n")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    (tmp_path / "tabs.yaml").write_text("a: b\n\t- c\n")
    (tmp_path / "huge.yaml").write_text("# x\n" * 100_000)
    out = run("scenarios", "validate", str(tmp_path))
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert sorted(out.stdout.splitlines()) == [
        f"{tmp_path}/complex-key.yaml:1:1: keys must be plain names, not lists or maps",
        f"{tmp_path}/deep.yaml:1:1: YAML is nested too deeply (400 levels)",
        f"{tmp_path}/huge.yaml:1:1: file is 390 KB; scenario files are limited to 256 KB",
        f"{tmp_path}/list.yaml:1:1: a scenario must be a YAML mapping of fields",
        f"{tmp_path}/tabs.yaml:2:1: YAML syntax error: a tab here; indent with spaces, not tabs",
    ]


def test_validate_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "validate", str(tmp_path)]) == 1
    assert capsys.readouterr().out.strip() == f"{tmp_path}: no .yaml scenario files in this folder"


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["id"] for i in items} == library_ids()
    for item in items:
        assert {"id", "title", "sector", "difficulty", "path"} <= set(item)
        assert Path(item["path"]).stem == item["id"]
        assert 1 <= item["difficulty"] <= 5


def test_list_table_shows_every_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    for sid in library_ids():
        assert sid in out
    assert "The laptop that came back broken" in out


def test_list_own_folder_warns_about_bad_files(capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT / BROKEN / "duplicates"
    assert main(["scenarios", "list", "--json", "--no-bundled", "--scenarios", str(folder)]) == 0
    captured = capsys.readouterr()
    assert [i["id"] for i in json.loads(captured.out)] == ["same-id"]
    assert "warning: skipped" in captured.err and "duplicate scenario id" in captured.err


@pytest.mark.cli
def test_new_writes_a_valid_starter_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "Broken Kettle.yaml"
    out = run("scenarios", "new", str(target))
    assert out.returncode == 0, out.stderr
    text = target.read_text(encoding="utf-8")
    assert text.count("\n#") + text.count("  #") > 20  # a coach's guide, not a bare file
    scenario, errors = load_scenario_file(target)
    assert scenario is not None, errors
    assert scenario.id == "broken-kettle"
    # The link is relative, so it works for every coach who clones the folder; the schema
    # is written beside the file when the folder has none.
    schema_ref = text.splitlines()[0].split("$schema=", 1)[1]
    assert schema_ref == "./schema.json"
    assert json.loads((tmp_path / "schema.json").read_text(encoding="utf-8"))["properties"]
    assert run("scenarios", "validate", str(target)).returncode == 0

    target.write_text(text + "# my edits\n", encoding="utf-8")
    again = run("scenarios", "new", str(target))
    assert again.returncode == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    assert target.read_text(encoding="utf-8").endswith("# my edits\n")


def test_new_in_library_folder_uses_relative_schema(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text("{}")
    assert main(["scenarios", "new", str(tmp_path / "draft.yaml")]) == 0
    first = (tmp_path / "draft.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./schema.json"


def test_new_to_stdout_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.scenarios import parse_scenario

    assert main(["scenarios", "new"]) == 0
    scenario, errors = parse_scenario(capsys.readouterr().out)
    assert scenario is not None, errors
    assert len(scenario.stages) >= 3


@pytest.mark.parametrize(
    ("path", "message"),
    [("notes.txt", "scenario files end in .yaml"), ("no/such/dir/x.yaml", "no such folder")],
)
def test_new_refuses_bad_targets(
    path: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scenarios", "new", str(tmp_path / path)]) == 1
    assert message in capsys.readouterr().err


def test_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema()
    committed = locations.bundled_scenarios_dir() / "schema.json"
    assert printed == json.loads(committed.read_text(encoding="utf-8"))
    assert "customer" in printed["properties"]


@pytest.mark.cli
def test_scenarios_list_does_not_import_torch() -> None:
    code = (
        "import sys; from trainer.cli import main; rc = main(['scenarios', 'list']); "
        "assert rc == 0; "
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert "retail-laptop-repair" in out.stdout
