"""`empathy-trainer grade` through the real entry point (console script and trainer.cli.main)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trainer import locations
from trainer.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / ".venv" / "bin" / "empathy-trainer"
EVAL_DEV = ROOT / "evals" / "grader" / "dev.jsonl"

pytestmark = pytest.mark.slow

LINE = {
    "id": "a",
    "customer_name": "Dana Reyes",
    "history": [
        {"role": "customer", "text": "This is the third time, and my interview is Friday."}
    ],
    "reply": "Dana, third time before your interview on Friday: I'm sorry, that's on us.",
    "facts": ["Her interview is on Friday."],
}


def _command() -> list[str]:
    return [str(EXE)] if EXE.exists() else [sys.executable, "-m", "trainer.cli"]


def test_console_script_streams_one_line_per_input_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(LINE),
        "",
        "{not json",
        json.dumps({"id": 7, "history": []}),
        json.dumps({"id": "e", "history": [], "reply": ""}),
    ]
    env = {**os.environ, "EMPATHY_TRAINER_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [*_command(), "grade", "-"], input="\n".join(lines) + "\n", capture_output=True,
        text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, 7, "e"]
    assert set(out[0]["scores"]) == {"listening", "acknowledgement", "apology", "personalization"}
    assert all(0 <= v <= 100 for v in out[0]["scores"].values())
    assert "third" in out[0]["evidence"]["listening"]
    assert "error" in out[1] and "error" in out[2] and "reply" in out[2]["error"]
    assert out[3]["scores"]["listening"] == 0 and out[3]["evidence"]["listening"] == "empty reply"
    assert "Traceback" not in proc.stderr


def test_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*_command(), "grade", str(tmp_path / "nope.jsonl")], capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "nope.jsonl" in proc.stderr
    assert "Traceback" not in proc.stderr


def _grade(capsys: Any, path: Path, *flags: str) -> list[dict[str, Any]]:
    assert main(["grade", str(path), *flags]) == 0
    return [json.loads(x) for x in capsys.readouterr().out.splitlines()]


def test_long_reply_is_cut_and_says_so(tmp_path: Path, capsys: Any, grader: Any) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({**LINE, "reply": "sorry " * 20000}) + "\n", encoding="utf-8")
    (out,) = _grade(capsys, path)
    assert out["truncated"] is True
    assert all("4,000" in e for e in out["evidence"].values())


def test_calibrate_then_grade_uses_it_and_raw_bypasses(
    tmp_path: Path, capsys: Any, grader: Any
) -> None:
    rows = [json.loads(x) for x in EVAL_DEV.read_text(encoding="utf-8").splitlines()[:40]]
    ratings = tmp_path / "ratings.jsonl"
    ratings.write_text("\n".join(json.dumps(r) for r in rows) + "\n{bad\n", encoding="utf-8")
    assert main(["grade", "--calibrate", str(ratings)]) == 0
    captured = capsys.readouterr()
    assert "before" in captured.out and "after" in captured.out
    assert "listening" in captured.out and ":41: skipped" in captured.err
    saved = json.loads(locations.calibration_file().read_text(encoding="utf-8"))
    assert set(saved["models"][grader.model_id]) == {
        "listening", "acknowledgement", "apology", "personalization"
    }  # fmt: skip

    inputs = tmp_path / "in.jsonl"
    inputs.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    calibrated, raw = _grade(capsys, inputs), _grade(capsys, inputs, "--raw")
    assert calibrated != raw
    # Calibrated scores live on the ratings' scale (0-2 -> 0-100) and keep the raw order.
    for dim in ("listening", "apology"):
        pairs = sorted(
            (r["scores"][dim], c["scores"][dim]) for r, c in zip(raw, calibrated, strict=False)
        )
        assert [c for _, c in pairs] == sorted(c for _, c in pairs)


def test_calibrate_without_ratings_fails_cleanly(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    assert main(["grade", "--calibrate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "no usable rated lines" in err


def test_bad_model_and_bad_calibration_are_one_line_errors(
    tmp_path: Path, capsys: Any, grader: Any
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(LINE) + "\n", encoding="utf-8")
    assert main(["grade", str(path), "--grader-model", str(tmp_path / "no-model")]) == 1
    err = capsys.readouterr().err
    assert "cannot load grader model" in err and err.count("\n") == 1
    locations.calibration_file().write_text("{not json", encoding="utf-8")
    assert main(["grade", str(path)]) == 1
    err = capsys.readouterr().err
    assert "calibration" in err and err.count("\n") == 1
    assert main(["grade", str(path), "--raw"]) == 0  # --raw never reads the saved mapping
    assert json.loads(capsys.readouterr().out)["id"] == "a"


def test_bench_grader_json_contract(tmp_path: Path) -> None:
    env = {**os.environ, "EMPATHY_TRAINER_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [*_command(), "bench", "grader", "--json"], capture_output=True, text=True, env=env,
        timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    for key in ("load_s", "ms_per_reply_p50", "replies_per_s_batch", "rss_mb"):
        assert isinstance(result[key], float) and result[key] > 0, key
    # A sanity bound against a blow-up (one full run under load read 2.1 GB); the target is
    # checked with `make bench`, not here.
    assert result["rss_mb"] < 4000
