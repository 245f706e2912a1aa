"""Anonymised exports are deterministic and team-wide; deletions survive `sessions push`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trainer.cli import main
from trainer.report.anonymize import NEUTRAL, Anonymizer, pseudonym
from trainer.store import NoteRow, TurnRow, open_store
from trainer.types import DIMENSIONS

TEXT = "Sam Lee here, Sam Patel told me. Thanks Sam, and Priya says hi. Patel agrees."


def _played(url: str, scenario: Any, trainees: list[str]) -> list[str]:
    store = open_store(url)
    ids = []
    for trainee in trainees:
        row = store.create_session(trainee, scenario)
        store.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
        store.add_turn(
            TurnRow(
                session_id=row.id,
                idx=1,
                role="employee",
                text=TEXT,
                scores=dict.fromkeys(DIMENSIONS, 50),
            )
        )
        ids.append(row.id)
    store.close()
    return ids


def test_shared_first_names_are_replaced_deterministically() -> None:
    names = ["Sam Lee", "Sam Patel", "Priya Raman"]
    for order in (names, names[::-1], names[1:] + names[:1]):
        anon = Anonymizer(order, key=b"k")
        lee, patel, priya = (pseudonym(n, b"k") for n in names)
        assert anon.text(TEXT) == (
            f"{lee} here, {patel} told me. Thanks {NEUTRAL}, and {priya} says hi. {patel} agrees."
        )


def test_anonymised_export_is_byte_identical_across_runs_and_leads(
    sqlite_url: str,
    scenario: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _played(sqlite_url, scenario, ["Sam Lee", "Sam Patel", "Priya Raman"])
    outputs = []
    for lead in ("lead-a", "lead-b", "lead-c"):
        # Each lead has their own machine (user dirs); the key comes from the shared database.
        monkeypatch.setenv("EMPATHY_TRAINER_DATA_DIR", str(tmp_path / lead))
        (tmp_path / lead).mkdir()
        args = ["export", "--format", "csv", "--anonymize", "--db", sqlite_url]
        assert main(args) == 0
        outputs.append(capsys.readouterr().out.encode())
    assert outputs[0] == outputs[1] == outputs[2]
    text = outputs[0].decode()
    for word in ("Sam", "Lee", "Patel", "Priya", "Raman"):
        assert word not in text
    assert NEUTRAL in text
    store = open_store(sqlite_url)
    assert len(store.team_secret("anonymize_key")) == 32
    store.close()


def test_coarse_export_drops_ids_and_times(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _played(sqlite_url, scenario, ["Sam Lee", "Priya Raman"])
    args = ["export", "--format", "jsonl", "--coarse", "--anonymize", "--db", sqlite_url]
    assert main(args) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert not any(sid in out for sid in ids)
    assert {r["session_id"] for r in rows} == {"session-1", "session-2"}
    assert all(len(r["time"]) == 10 and r["time"][4] == "-" for r in rows)


def test_a_deleted_session_never_comes_back_with_push(
    tmp_path: Path, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    local, team = f"sqlite:///{tmp_path / 'local.db'}", f"sqlite:///{tmp_path / 'team.db'}"
    keep, gone = _played(local, scenario, ["Sam Lee", "Sam Lee"])
    store = open_store(local)
    store.add_note(NoteRow(session_id=gone, author="lead", text="x"))
    store.close()
    assert main(["sessions", "push", "--to", team, "--db", local]) == 0
    assert main(["sessions", "delete", gone, "--db", team]) == 0
    capsys.readouterr()
    assert main(["sessions", "push", "--to", team, "--db", local]) == 0
    assert "skipped 1 session(s) deleted" in capsys.readouterr().out
    store = open_store(team)
    assert [s.id for s in store.list_sessions()] == [keep]
    assert store.tombstones() == {gone} and store.turns(gone, include_retracted=True) == []
    store.close()


def test_delete_everywhere_removes_the_local_copy(
    tmp_path: Path, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.locations import default_db_url

    local, team = default_db_url(), f"sqlite:///{tmp_path / 'team.db'}"
    (sid,) = _played(local, scenario, ["Sam Lee"])
    assert main(["sessions", "push", "--to", team]) == 0
    assert main(["sessions", "delete", sid, "--everywhere", "--db", team]) == 0
    assert "and" in capsys.readouterr().out
    for url in (local, team):
        store = open_store(url)
        assert store.get_session(sid) is None and sid in store.tombstones()
        store.close()
    assert main(["sessions", "delete", sid, "--db", team]) == 1
