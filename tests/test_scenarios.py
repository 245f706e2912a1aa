"""The scenario library's quality bar, and located errors for every kind of broken file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from trainer import locations
from trainer.engine.check import EMPLOYEE_VOICE
from trainer.scenarios import (
    MAX_FILE_BYTES,
    SCHEMA_URL_COMMENT,
    Library,
    Scenario,
    json_schema,
    load_library,
    load_scenario_file,
)

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path("tests/data/broken")  # relative, so messages read as a coach would see them
SECTORS = ("retail", "hospitality", "health care", "financial services", "travel")


def customer_lines(s: Scenario) -> list[str]:
    lines = [s.opening, s.ending.resolved_line, s.ending.walkout_line, s.ending.out_of_turns_line]
    lines += [f.says for f in s.facts if f.says]
    for stage in s.stages:
        lines += stage.lines + stage.calmer_lines + stage.angrier_lines
    return lines


# --- the library ----------------------------------------------------------------------


def test_whole_library_validates(library: Library) -> None:
    assert library.errors == []
    files = sorted(locations.bundled_scenarios_dir().glob("*.yaml"))
    assert len(library.scenarios) == len(files) >= 12
    assert library.get("retail-laptop-repair") is not None


def test_thirty_scenarios_five_per_sector_and_every_difficulty(library: Library) -> None:
    assert len(library.scenarios) >= 30
    sectors: Counter[str] = Counter(s.sector for s in library.scenarios)
    for sector in SECTORS:
        assert sectors[sector] >= 5, sector
        levels = {s.difficulty for s in library.scenarios if s.sector == sector}
        assert len(levels) >= 3, f"{sector}: difficulties {sorted(levels)}"
    assert {s.difficulty for s in library.scenarios} == {1, 2, 3, 4, 5}


def test_every_scenario_keeps_something_back(library: Library) -> None:
    """At least one gated fact each: what a trainee learns only by asking or earning trust."""
    for s in library.scenarios:
        assert any(f.gated for f in s.facts), s.id


def test_every_scenario_has_the_coach_shape(library: Library) -> None:
    for s in library.scenarios:
        assert 4 <= len(s.facts) <= 8, s.id
        assert len(s.stages) >= 2, s.id
        assert all(f.keywords for f in s.facts), s.id
        revealed = {fid for stage in s.stages for fid in stage.reveals}
        gated = {f.id for f in s.facts if f.gated}
        assert revealed | gated == {f.id for f in s.facts}, f"{s.id}: facts never revealed"
        for stage in s.stages:
            where = f"{s.id}/{stage.id}"
            assert len(stage.lines) >= 2, where
            assert stage.calmer_lines and stage.angrier_lines, where
            assert 1 <= len(stage.strong_replies) <= 3, where
            assert 1 <= len(stage.weak_replies) <= 4, where
            assert stage.advance_when.max_turns, f"{where}: a stage must not trap the trainee"


def test_strong_replies_are_personal(library: Library) -> None:
    """A model reply uses the customer's name or something they said - not boilerplate."""
    for s in library.scenarios:
        names = [p.lower() for p in s.customer.name.split()]
        keywords = [k.lower() for f in s.facts for k in f.keywords]
        for stage in s.stages:
            for reply in stage.strong_replies:
                low = reply.lower()
                assert any(w in low for w in names + keywords), f"{s.id}/{stage.id}: {reply}"


def test_customer_lines_are_short_and_in_character(library: Library) -> None:
    for s in library.scenarios:
        for line in customer_lines(s):
            assert len(line.split()) <= 30, f"{s.id}: too long for a spoken line: {line}"
            assert not EMPLOYEE_VOICE.search(line), f"{s.id}: sounds like the employee: {line}"


def test_making_it_right_varies(library: Library) -> None:
    requirements = {tuple(sorted(s.ending.requires)) for s in library.scenarios}
    assert len(requirements) >= 3
    assert len({s.customer.name for s in library.scenarios}) == len(library.scenarios)


def test_files_link_the_schema_and_schema_is_in_sync() -> None:
    folder = locations.bundled_scenarios_dir()
    for path in folder.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith(SCHEMA_URL_COMMENT + "\n"), path
    committed = json.loads((folder / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "regenerate: empathy-trainer scenarios schema > trainer/library/schema.json"
    )


# --- broken files -------------------------------------------------------------------------

BROKEN_CASES = {
    "yaml-syntax.yaml": [
        "12:25: YAML syntax error: text containing ': ' must be quoted; put this text in double "
        "quotes"
    ],
    "wrong-type.yaml": [
        "5:13: difficulty: Input should be a valid integer, unable to parse string as an integer"
    ],
    "missing-field.yaml": ["1:1: missing required field 'opening'"],
    "unknown-key.yaml": [
        "9:1: missing required field 'mood'",
        "13:3: unknown field 'moood'; did you mean 'mood'?",
    ],
    "unknown-fact.yaml": ["27:24: reveals unknown fact id 'intervew'; did you mean 'interview'?"],
    "mood-out-of-range.yaml": ["13:9: mood must be 0-100"],
    "empty.yaml": ["1:1: file is empty; run `empathy-trainer scenarios new`"],
    "comments-only.yaml": ["1:1: file has no content (only comments)"],
    "binary.yaml": ["1:1: binary file; a scenario is UTF-8 YAML text"],
    "latin1.yaml": ["10:12: not UTF-8 text; save the file as UTF-8"],
}


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_file_gives_located_error(name: str, at_root: None) -> None:
    path = BROKEN / name
    scenario, errors = load_scenario_file(path)
    assert scenario is None
    assert [str(e) for e in errors] == [f"{path}:{where}" for where in BROKEN_CASES[name]]


def test_duplicate_ids_across_files(at_root: None) -> None:
    library = load_library([BROKEN / "duplicates"])
    assert [s.id for s in library.scenarios] == ["same-id"]
    a, b = BROKEN / "duplicates" / "a.yaml", BROKEN / "duplicates" / "b.yaml"
    assert [str(e) for e in library.errors] == [
        f"{b}:2:5: duplicate scenario id 'same-id' (also in {a}); ids must be unique across "
        "the bundled library and every scenario folder"
    ]


def test_huge_file_is_refused(tmp_path: Path) -> None:
    base = (ROOT / BROKEN / "duplicates" / "a.yaml").read_text(encoding="utf-8")
    huge = tmp_path / "huge.yaml"
    huge.write_text(base + "\n".join(f"# padding {i:07d}" for i in range(20_000)), encoding="utf-8")
    size = huge.stat().st_size
    assert size > MAX_FILE_BYTES
    _, errors = load_scenario_file(huge)
    assert [str(e) for e in errors] == [
        f"{huge}:1:1: file is {size // 1024} KB; scenario files are limited to "
        f"{MAX_FILE_BYTES // 1024} KB"
    ]


def test_broken_bases_are_otherwise_valid(at_root: None) -> None:
    """Each broken file differs from a valid one by its one defect (so the test means something)."""
    valid, errors = load_scenario_file(BROKEN / "duplicates" / "a.yaml")
    assert valid is not None, errors
    good = (BROKEN / "duplicates" / "a.yaml").read_text(encoding="utf-8")
    assert (BROKEN / "mood-out-of-range.yaml").read_text(encoding="utf-8").replace(
        "mood: 150", "mood: 60"
    ).replace("broken-base", "same-id") == good


# --- the library against the real grader and engine ------------------------------------------


@pytest.mark.slow
def test_every_scenario_passes_check_clean(
    library: Library, grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    """`scenarios check` on the library: strong replies resolve, weak ones never do, and
    nothing is flagged (unwinnable endings, unreachable stages, unsaid facts, leaked gates,
    long lines, unmet thresholds), so a coach copying any of them starts from a clean one."""
    from trainer.engine.check import played_findings, static_findings
    from trainer.store import open_store

    store = open_store(sqlite_url)
    found = []
    for scenario in library.scenarios:
        played, _ = played_findings(scenario, store, grader, scripted_customer)
        found += [str(f) for f in static_findings(scenario) + played]
    store.close()
    assert not found, "\n".join(found)
