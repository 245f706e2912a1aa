"""`run` with the real models prints nothing on stderr (library warnings filtered at the source)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_a_normal_run_is_quiet_on_stderr(tmp_path: Path) -> None:
    replies = tmp_path / "replies.txt"
    replies.write_text("Dana, I'm so sorry, this is your third visit.\nI'll fix it today.\n")
    env = {
        **os.environ,
        "EMPATHY_TRAINER_DATA_DIR": str(tmp_path / "data"),
        "EMPATHY_TRAINER_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONWARNINGS": "default",  # show every warning once, as a fresh terminal would
    }
    out = subprocess.run(
        [sys.executable, "-m", "trainer", "run", "--scenario", "retail-laptop-repair",
         "--replies", str(replies), "--no-save"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Outcome" in out.stdout
    assert out.stderr == ""
