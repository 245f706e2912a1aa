"""Set-up promises: the wheel carries the scenario library, and a second `make` installs nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_library_styles_and_grader_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("empathy_trainer-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    library = {n for n in names if n.startswith("trainer/library/") and n.endswith(".yaml")}
    shipped = {f"trainer/library/{p.name}" for p in (ROOT / "scenarios").glob("*.yaml")}
    assert shipped and shipped <= library
    assert "trainer/library/schema.json" in names
    assert {"trainer/tui/app.tcss", "trainer/tui/review/review.tcss"} <= names
    assert "trainer/grader/data/repair.yaml" in names
    assert "trainer/grader/data/heads.npz" in names, "the learned grader heads"
    assert "trainer/grader/data/word_vectors.npz" in names, "the grader's word table"
    assert "trainer/grader/data/flag_heads.npz" in names, "the learned flag heads"
    assert "trainer/customer/data/reactions.yaml" in names
    if (ROOT / "trainer/customer/adapter/adapter_model.safetensors").is_file():
        assert "trainer/customer/adapter/adapter_model.safetensors" in names
        assert "trainer/customer/adapter/adapter_config.json" in names
    assert "trainer/starter_scenario.yaml" in names


@pytest.mark.skipif(shutil.which("make") is None, reason="make is part of the set-up contract")
def test_second_setup_is_a_no_op() -> None:
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not installed through make (the stamp is written by `make setup`)")
    out = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, "make would reinstall: .venv/.installed is older than its inputs"
