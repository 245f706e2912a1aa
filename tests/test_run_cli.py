"""`empathy-trainer run`: the headless contract, resume, crash safety and bad input."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_session import DISMISSIVE, GOOD
from trainer import cli, locations

EXE = Path(sys.executable).parent / "empathy-trainer"
DIMS = {"listening", "acknowledgement", "apology", "personalization"}


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict[str, Any], str]:
    code, out, err = run_cli(capsys, "run", "--customer", "scripted", "--json", *args)
    assert code == 0, err
    return json.loads(out), err


@pytest.mark.slow
def test_json_contract_and_unused_lines(
    tmp_path: Path, sqlite_url: str, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = write(tmp_path / "r.txt", ["", *GOOD, "", "Anything else?", "Bye now."])
    out, err = run_json(
        capsys, "--scenario", "retail-laptop-repair", "--replies", str(replies),
        "--db", sqlite_url, "--trainee", "ann", "--seed", "3",
    )  # fmt: skip
    assert out["outcome"] == "resolved" and out["scenario"] == "retail-laptop-repair"
    turns = out["turns"]
    assert turns[0]["role"] == "customer" and turns[0]["latency_ms"] == 0
    assert [t["role"] for t in turns] == ["customer"] + ["employee", "customer"] * (len(turns) // 2)
    for turn in turns:
        if turn["role"] == "customer":
            assert 0 <= turn["mood"] <= 100 and turn["source"] in ("model", "script")
        else:
            assert set(turn["scores"]) == DIMS and turn["latency_ms"] > 0
            assert turn["text"] in GOOD
    assert "unused" in err and "warning" in err
    assert out["unused_replies"] >= 2

    code, listed, _ = run_cli(capsys, "sessions", "list", "--json", "--db", sqlite_url)
    assert code == 0
    item = json.loads(listed)[0]
    assert item["session_id"] == out["session_id"] and item["turns"] == len(turns)
    assert item["outcome"] == "resolved" and item["trainee"] == "ann"


@pytest.mark.slow
def test_file_ends_first_then_resume(
    tmp_path: Path, sqlite_url: str, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("--scenario", "retail-laptop-repair", "--db", sqlite_url, "--trainee", "ann")
    first, _ = run_json(capsys, *common, "--replies", str(write(tmp_path / "a.txt", GOOD[:2])))
    assert first["outcome"] is None and len(first["turns"]) == 5
    rest = write(tmp_path / "b.txt", GOOD[2:])
    second, _ = run_json(capsys, *common, "--replies", str(rest), "--resume")
    assert second["session_id"] == first["session_id"]
    assert second["outcome"] == "resolved"
    employee = [t["text"] for t in second["turns"] if t["role"] == "employee"]
    assert employee[:3] == GOOD[:3]
    code, _, err = run_cli(capsys, "run", "--customer", "scripted", *common, "--replies",
                           str(rest), "--resume")  # fmt: skip
    assert code == 1 and "no unfinished" in err


@pytest.mark.slow
def test_seed_makes_runs_reproducible(
    tmp_path: Path, sqlite_url: str, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = write(tmp_path / "r.txt", ["Okay.", "I see."])
    args = ("--scenario", "retail-laptop-repair", "--replies", str(replies), "--db", sqlite_url)

    def lines(seed: int) -> list[str]:
        out, _ = run_json(capsys, *args, "--seed", str(seed))
        return [t["text"] for t in out["turns"] if t["role"] == "customer"]

    assert lines(11) == lines(11)
    assert len({tuple(lines(seed)) for seed in range(4)}) > 1  # the seed reaches the customer


@pytest.mark.slow
def test_readable_transcript(
    tmp_path: Path, sqlite_url: str, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = write(tmp_path / "r.txt", DISMISSIVE)
    code, out, _ = run_cli(
        capsys, "run", "--customer", "scripted", "--scenario", "retail-laptop-repair",
        "--replies", str(replies), "--db", sqlite_url,
    )  # fmt: skip
    assert code == 0
    assert "CUSTOMER [mood 70" in out and f"YOU: {DISMISSIVE[0]}" in out
    assert "listening" in out and "Outcome: walked_out" in out


def cli_proc(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=180, **kw)


@pytest.mark.cli
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown-scenario", "unknown scenario"),
        ("missing-file", "no such file"),
        ("empty-file", "no replies"),
        ("too-long", "4,000"),
        ("control-chars", "control character"),
        ("unreachable-db", "cannot connect"),
        ("corrupt-db", "not an SQLite database"),
    ],
)
def test_bad_input_is_one_line_exit_1(tmp_path: Path, case: str, expected: str) -> None:
    db = tmp_path / "sessions.db"
    replies = write(tmp_path / "r.txt", ["Hello Dana."])
    scenario = "retail-laptop-repair"
    db_url = f"sqlite:///{db}"
    if case == "unknown-scenario":
        scenario = "no-such-scenario"
    elif case == "missing-file":
        replies = tmp_path / "nope.txt"
    elif case == "empty-file":
        replies.write_text("\n   \n\n", encoding="utf-8")
    elif case == "too-long":
        write(replies, ["Hello Dana.", "x" * 4001])
    elif case == "control-chars":
        write(replies, ["Hello \x1b[31mDana\x07\x08"])
    elif case == "unreachable-db":
        db_url = "postgresql://nobody@127.0.0.1:1/none"
    elif case == "corrupt-db":
        db.write_bytes(b"this is not a database " * 64)
    before = db.read_bytes() if db.exists() else None
    out = cli_proc("run", "--customer", "scripted", "--scenario", scenario,
                   "--replies", str(replies), "--db", db_url)  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert expected in out.stderr and len(out.stderr.strip().splitlines()) == 1
    if before is not None:
        assert db.read_bytes() == before
    elif case != "unreachable-db":
        assert not db.exists()  # refused before any session started


@pytest.mark.slow
def test_kill_9_then_resume_loses_nothing(
    tmp_path: Path, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # A draft scenario that runs long enough to be killed mid-way: no walk-out or resolution.
    text = (locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml").read_text()
    text = text.replace("  mood: 70", "  mood: 50").replace("  max_turns: 10", "  max_turns: 16")
    draft = tmp_path / "long.yaml"
    draft.write_text(text, encoding="utf-8")
    lines = [f"{GOOD[0]} ({i})" if i % 2 == 0 else f"Okay, noted ({i})." for i in range(16)]
    replies = write(tmp_path / "r.txt", lines)
    db = tmp_path / "s.db"
    args = ("run", "--customer", "scripted", "--scenario", str(draft), "--replies", str(replies),
            "--db", f"sqlite:///{db}", "--trainee", "kim", "--json")  # fmt: skip
    proc = subprocess.Popen([str(EXE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline and count < 9:
        if db.exists():
            with contextlib.suppress(sqlite3.OperationalError):  # schema still being created
                count = sqlite3.connect(db).execute("SELECT count(*) FROM turns").fetchone()[0]
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    saved = [
        r[0] for r in conn.execute("SELECT text FROM turns WHERE role='employee' ORDER BY idx")
    ]
    assert conn.execute("SELECT ended FROM sessions").fetchone()[0] is None
    assert 4 <= len(saved) < 16 and saved == lines[: len(saved)]

    # Resume in this process (the grader is already loaded here).
    code, stdout, err = run_cli(capsys, *args, "--resume")
    assert code == 0, err
    out = json.loads(stdout)
    assert out["outcome"] == "out_of_turns"
    employee = [t["text"] for t in out["turns"] if t["role"] == "employee"]
    assert employee == lines  # every line answered exactly once, in order
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    roles = [t["role"] for t in out["turns"]]
    assert roles == ["customer", "employee"] * 16 + ["customer"]


@pytest.mark.slow
def test_no_save_keeps_the_run_out_of_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = write(tmp_path / "r.txt", [GOOD[0]])
    db = f"sqlite:///{tmp_path / 'team.db'}"
    out, _ = run_json(capsys, "--scenario", "retail-laptop-repair", "--replies", str(replies),
                      "--no-save", "--db", db, "--trainee", "ann")  # fmt: skip
    assert out["session_id"].startswith("unsaved-") and len(out["turns"]) == 3
    code, listed, _ = run_cli(capsys, "sessions", "list", "--json", "--db", db)
    assert code == 0 and json.loads(listed) == []
    code, _, err = run_cli(capsys, "run", "--scenario", "retail-laptop-repair", "--replies",
                           str(replies), "--no-save", "--resume", "--db", db)  # fmt: skip
    assert code == 2 and "--no-save" in err and err.count("\n") == 1


@pytest.mark.slow
def test_explain_says_why_the_stage_and_mood_moved(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = write(tmp_path / "r.txt", [DISMISSIVE[0], GOOD[0]])
    out, err = run_json(capsys, "--scenario", "retail-laptop-repair", "--replies", str(replies),
                        "--explain", "--no-save")  # fmt: skip
    first, second = out["explain"]["replies"]
    employee = [t for t in out["turns"] if t["role"] == "employee"]
    assert [t["explain"] for t in employee] == [first, second]  # per employee turn, too
    assert any(c.startswith("mood ") and "resolve_at" in c for c in first["ending"])
    assert "question" in first["signals"], first["signals"]  # "Did you bring your receipt?"
    assert "why: mood" in err and "why: ending:" in err and "Why it ended this way:" in err
    assert first["mood"]["after"] > first["mood"]["before"] and first["mood"]["reasons"]
    assert not first["stage"]["advanced"] and any("<" in c for c in first["stage"]["conditions"])
    assert second["mood"]["after"] < second["mood"]["before"]
    assert out["explain"]["ending"], "an unfinished run says what stands in the way"
    code, _, err = run_cli(capsys, "run", "--customer", "scripted", "--scenario",
                           "retail-laptop-repair", "--replies", str(replies), "--explain",
                           "--no-save")  # fmt: skip
    assert code == 0 and "why: mood" in err and "Why it ended this way:" in err
