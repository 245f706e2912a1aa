"""`scenarios check` and `show`, and a loader that one file cannot break."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from trainer import locations
from trainer.cli import main
from trainer.engine.check import played_findings, static_findings
from trainer.scenarios import load_library, load_scenario_file, parse_scenario
from trainer.store import open_store

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "data" / "check" / "base.yaml"
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = BASE.read_text(encoding="utf-8").replace("id: check-base", f"id: {name}")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> Any:
    scenario, errors = load_scenario_file(path)
    assert scenario is not None, errors
    return scenario


# --- the loader ---------------------------------------------------------------------------


def test_alias_bomb_fails_fast_with_a_located_message(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB + "\n", encoding="utf-8")
    started = time.perf_counter()
    scenario, errors = load_scenario_file(path)
    assert time.perf_counter() - started < 1.0
    assert scenario is None
    assert [str(e) for e in errors] == [
        f"{path}:1:4: YAML anchor 'a' is not allowed in scenarios; write the text out"
    ]


def test_an_alias_alone_is_refused_too() -> None:
    _, errors = parse_scenario("title: &t Hello\nsummary: *t\n", "x.yaml")
    assert [str(e) for e in errors] == [
        "x.yaml:1:8: YAML anchor 't' is not allowed in scenarios; write the text out"
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("id: x\n\ttitle: y\n", "2:1", "indent with spaces, not tabs"),
        ("id: x\ntitle: The bag: lost\n", "2:15", "must be quoted"),
        ("id: x\ntitle:\nsector: retail\n", "2:1", "title is empty"),
    ],
)
def test_yaml_errors_say_how_to_fix_them(text: str, where: str, message: str) -> None:
    _, errors = parse_scenario(text, "x.yaml")
    hits = [str(e) for e in errors if message in e.message]
    assert hits and hits[0].startswith(f"x.yaml:{where}: "), errors


def test_a_broken_file_beside_good_ones_leaves_them_usable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variant(tmp_path, "good-one")
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    (tmp_path / "half.yaml").write_text("id: half\ntitle: [unclosed\n", encoding="utf-8")
    library = load_library([tmp_path])
    assert [s.id for s in library.scenarios] == ["good-one"]
    assert {Path(e.path).name for e in library.errors} == {"bomb.yaml", "half.yaml"}
    assert main(["scenarios", "list", "--json", "--scenarios", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    ids = {item["id"] for item in json.loads(captured.out)}
    assert "good-one" in ids and "retail-laptop-repair" in ids  # added to the bundled library
    warnings = captured.err.splitlines()
    assert any(w.startswith(f"warning: skipped {tmp_path}/bomb.yaml:1:4:") for w in warnings)
    assert f"scenarios validate {tmp_path}`" in captured.err  # names the folder that failed


def test_any_case_of_yaml_and_yml_is_a_scenario(tmp_path: Path) -> None:
    variant(tmp_path, "upper")
    (tmp_path / "upper.yaml").rename(tmp_path / "Upper.YAML")
    variant(tmp_path, "mixed")
    (tmp_path / "mixed.yaml").rename(tmp_path / "mixed.Yml")
    assert sorted(s.id for s in load_library([tmp_path]).scenarios) == ["mixed", "upper"]


def test_duplicate_ids_across_two_folders_are_an_error(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    variant(one, "same")
    variant(two, "same")
    assert main(["scenarios", "validate", str(one), str(two)]) == 1
    library = load_library([one, two])
    assert len(library.scenarios) == 1
    assert "duplicate scenario id 'same'" in library.errors[0].message


def test_no_bundled_leaves_the_library_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variant(tmp_path, "only-mine")
    assert main(["scenarios", "list", "--json", "--no-bundled", "--scenarios", str(tmp_path)]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == ["only-mine"]
    assert main(["scenarios", "list", "--no-bundled"]) == 1  # one line: what to add


def test_a_draft_reusing_a_bundled_id_gets_a_located_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml"
    draft = tmp_path / "my-copy.yaml"
    draft.write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["scenarios", "validate", str(draft)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{draft}:2:5: id 'retail-laptop-repair' is also used by ")
    assert out.rstrip().endswith("(warning)")


# --- scenarios check ----------------------------------------------------------------------


def messages(findings: list[Any], severity: str) -> list[str]:
    return [f.message for f in findings if f.severity == severity]


def test_static_findings_one_per_problem(tmp_path: Path) -> None:
    assert static_findings(load(BASE)) == []
    too_many = load(variant(tmp_path, "short", ("max_turns: 8", "max_turns: 1")))
    assert any(
        "2 stages need at least 2 replies" in m
        for m in messages(static_findings(too_many), "error")
    )
    slow = load(
        variant(tmp_path, "slow", ("difficulty: 2", "difficulty: 5"), ("mood: 60", "mood: 95"),
                ("max_turns: 8", "max_turns: 4"))
    )  # fmt: skip
    assert any("mood must fall 60 points" in m for m in messages(static_findings(slow), "error"))
    unsaid = load(
        variant(
            tmp_path,
            "unsaid",
            ("      - I work nights. Tea is how I get through.\n", "      - Nothing works.\n"),
        )
    )
    found = static_findings(unsaid)
    assert any("no line says fact 'night-shift'" in m for m in messages(found, "warning"))
    assert found[0].line == 18  # the fact's id line
    leak = load(
        variant(
            tmp_path, "leak", ("Are you even listening?", "It was for my mum's birthday present!")
        )
    )
    assert any(
        "gives away gated fact 'gift'" in m for m in messages(static_findings(leak), "warning")
    )
    voice = load(
        variant(tmp_path, "voice", ("Are you even listening?", "Let me check that for you."))
    )
    assert any("sounds like the employee" in m for m in messages(static_findings(voice), "warning"))
    long = load(variant(tmp_path, "long", ("Yes. Eight days.", "Yes. " + "Eight days and " * 20)))
    assert any("customer line" in m for m in messages(static_findings(long), "warning"))


@pytest.mark.slow
def test_played_findings(
    tmp_path: Path, grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    store = open_store(sqlite_url)
    found, runs = played_findings(load(BASE), store, grader, scripted_customer)
    assert found == [] and runs[0].outcome == "resolved" and runs[1].outcome != "resolved"
    assert "gift" in runs[0].facts_said  # the strong reply asks, and the gate opens
    bland = load(
        variant(tmp_path, "bland", (
            "I'm so sorry, Rosa - a kettle shouldn't fail after eight days. I'll swap it for a new one right now and refund the difference if you'd like the better model.",
            "Okay. Noted.",
        ))
    )  # fmt: skip
    found, _ = played_findings(bland, store, grader, scripted_customer)
    assert any("strong replies do not resolve it" in m for m in messages(found, "error"))
    strict = load(variant(tmp_path, "strict", ("listening: 40", "listening: 99")))
    found, _ = played_findings(strict, store, grader, scripted_customer)
    unmet = [f for f in found if "below min_scores 99" in f.message]
    assert unmet and unmet[0].line == 37  # the min_scores key of that stage
    easy = load(
        variant(tmp_path, "easy",
                ("      - It's our policy that you need the original packaging.",
                 "      - I'm so sorry, Rosa. I'll swap it for a new kettle right now."),
                ("      - Did you read the instructions?",
                 "      - Rosa, eight days and it died, with you on nights. That's so frustrating."))
    )  # fmt: skip
    found, _ = played_findings(easy, store, grader, scripted_customer)
    assert any("weak replies resolve it" in m for m in messages(found, "error"))
    store.close()


@pytest.mark.slow
def test_check_cli_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "check", str(BASE)]) == 0
    assert "check-base: strong replies -> resolved" in capsys.readouterr().err
    bad = variant(tmp_path, "short", ("max_turns: 8", "max_turns: 1"))
    assert main(["scenarios", "check", "--json", str(bad)]) == 1
    report = json.loads(capsys.readouterr().out)
    (item,) = report["scenarios"]
    assert item["scenario"] == "short" and item["strong"]["outcome"] != "resolved"
    assert any(f["severity"] == "error" for f in item["findings"])


def test_show_draws_stages_gates_and_ending(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "show", str(BASE)]) == 0
    out = capsys.readouterr().out
    for part in ("stage 1 hear", "-> stage 2 when listening >= 40, or after 2 replies",
                 "stage 2 fix", "done when apology and offer", "gift (gated: asked)",
                 "resolved when final stage done, mood <= 35"):  # fmt: skip
        assert part in out, part


def test_check_counts_a_file_that_did_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken file is not "0 scenario(s) checked" as if the path were empty."""
    (tmp_path / "hotel.yaml").write_text("id: hotel\ntitle: x\ncustomer:\n  mood: 300\n")
    assert main(["scenarios", "check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "0 scenario(s) checked, 1 file(s) not loaded:" in err
    assert "hotel.yaml:4:9: error: mood must be 0-100" in out
