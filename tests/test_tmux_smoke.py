"""The real app in a real terminal (tmux), with the default customer model: two replies, scores.

tmux is installed here and on CI, so this runs rather than skips.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trainer.tui.widgets.levels import LABELS
from trainer.types import DIMENSIONS

pytestmark = pytest.mark.slow

TIMEOUT = float(os.environ.get("EMPATHY_TRAINER_SMOKE_TIMEOUT", "420"))
REPLIES = [
    "Dana, this is your third visit for the same flicker and that is not okay.",
    "I'm so sorry, Dana. With your interview on Friday I'll get a senior technician on it today.",
]


def tmux(*args: str) -> str:
    out = subprocess.run(["tmux", *args], capture_output=True, text=True, check=True)
    return out.stdout


def wait(check: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.25)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A detached tmux session name and the file the app's exit status is written to."""
    assert shutil.which("tmux"), "tmux is required for the smoke test"
    name = f"empathy-smoke-{os.getpid()}"
    yield name, tmp_path / "exit-status"
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_two_replies_with_the_default_model(tmp_path: Path, terminal: tuple[str, Path]) -> None:
    from trainer import locations
    from trainer.scenarios import load_scenario_file
    from trainer.store import open_store

    name, status_file = terminal
    scenario, _ = load_scenario_file(
        locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml"
    )
    assert scenario is not None
    exe = Path(sys.executable).parent / "empathy-trainer"
    db = tmp_path / "smoke.db"
    command = (
        f"{exe} practice --scenario retail-laptop-repair --trainee smoke --db sqlite:///{db}; "
        f"echo $? > {status_file}"
    )
    env = {
        "EMPATHY_TRAINER_CONFIG_DIR": str(tmp_path / "config"),
        "EMPATHY_TRAINER_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TERM": "xterm-256color",
    }
    if "EMPATHY_TRAINER_MODEL_CACHE" in os.environ:
        env["EMPATHY_TRAINER_MODEL_CACHE"] = os.environ["EMPATHY_TRAINER_MODEL_CACHE"]
    flags = [f for key, value in env.items() for f in ("-e", f"{key}={value}")]
    tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30", *flags, command)

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", name)

    # The scripted opening is on screen at once, before any model has loaded.
    wait(lambda: scenario.opening[:16] in screen(), "the opening line", timeout=30)

    def exchanges() -> int:
        """Replies the customer has answered, read straight from the app's database."""
        if not db.exists():
            return 0
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            try:
                roles = [
                    r
                    for (r,) in conn.execute(
                        "SELECT role FROM turns WHERE retracted = 0 ORDER BY idx"
                    )
                ]
            except sqlite3.OperationalError:  # schema not created yet
                return 0
        return sum(1 for a, b in itertools.pairwise(roles) if (a, b) == ("employee", "customer"))

    for sent, reply in enumerate(REPLIES, start=1):
        tmux("send-keys", "-t", name, "-l", reply)
        tmux("send-keys", "-t", name, "Enter")
        wait(lambda n=sent: exchanges() >= n, f"the customer's answer to reply {sent}")
        wait(lambda: "Your turn" in screen(), "the app to be ready for the next reply", 30)

    store = open_store(f"sqlite:///{db}")
    last = [
        t for t in store.turns(store.list_sessions(trainee="smoke")[0].id) if t.role == "employee"
    ]
    store.close()
    assert len(last) == 2 and last[-1].scores
    shown = screen()
    for dim in DIMENSIONS:
        chip = re.search(rf"{LABELS[dim]}\s+(\d+)\s+(strong|fair|weak)", shown)
        assert chip, f"no {dim} chip on screen:\n{shown}"
        assert int(chip.group(1)) == last[-1].scores[dim]

    tmux("send-keys", "-t", name, "C-q")
    wait(lambda: status_file.exists() and status_file.read_text().strip(), "the app to quit", 60)
    assert status_file.read_text().strip() == "0"
