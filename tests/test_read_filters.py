"""Read filters match whole words in any case; empty results say so; Markdown escapes HTML."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trainer.cli import main
from trainer.store import NoteRow, TurnRow, open_store
from trainer.store.filters import words_match
from trainer.types import DIMENSIONS


@pytest.mark.parametrize(
    ("query", "name", "hit"),
    [
        ("tom", "Tom Becker", True),
        ("TOM", "Tom Becker", True),
        ("becker", "Tom Becker", True),
        ("tom becker", "Tom  Becker", True),
        ("tom", "Tomas Ruiz", False),
        ("om", "Tom Becker", False),
        ("laptop", "retail-laptop-repair", True),
        ("laptop-repair", "retail-laptop-repair", True),
        ("", "anyone", True),
    ],
)
def test_words_match(query: str, name: str, hit: bool) -> None:
    assert words_match(query, name) is hit


@pytest.fixture
def team_db(sqlite_url: str, scenario: Any) -> str:
    store = open_store(sqlite_url)
    for trainee in ("Tom Becker", "Tomas Ruiz", "Sam Lee"):
        row = store.create_session(trainee, scenario)
        store.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
        store.add_turn(
            TurnRow(
                session_id=row.id,
                idx=1,
                role="employee",
                text="<img src=x onerror=alert(1)> I hear you",
                scores=dict.fromkeys(DIMENSIONS, 50),
            )
        )
        store.add_note(NoteRow(session_id=row.id, author="Lead <b>", text="<script>x</script>"))
    store.close()
    return sqlite_url


def test_sessions_list_filters_by_whole_words_any_case(
    team_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sessions", "list", "--json", "--trainee", "tom", "--db", team_db]) == 0
    assert [r["trainee"] for r in json.loads(capsys.readouterr().out)] == ["Tom Becker"]
    assert main(["sessions", "list", "--json", "--scenario", "LAPTOP", "--db", team_db]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert main(["sessions", "list", "--trainee", "nobody", "--db", team_db]) == 0
    assert "No sessions match" in capsys.readouterr().out


def test_sessions_list_fits_80_columns(
    team_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["sessions", "list", "--db", team_db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("Tom Becker" in line for line in lines) and "outcome" in lines[0]


def test_empty_export_warns_on_stderr(team_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "jsonl", "--trainee", "nobody", "--db", team_db]) == 0
    out = capsys.readouterr()
    assert out.out == "" and "no sessions match" in out.err
    assert main(["export", "--format", "csv", "--trainee", "sam", "--db", team_db]) == 0
    out = capsys.readouterr()
    assert out.err == "" and out.out.count("Sam Lee") == 2


def test_markdown_report_escapes_html(team_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(team_db)
    sid = store.list_sessions(trainee="Sam Lee")[0].id
    store.close()
    assert main(["report", sid, "--format", "md", "--db", team_db]) == 0
    md = capsys.readouterr().out
    assert "<img" not in md and "<script>" not in md and "<b>" not in md
    assert "&lt;img src=x onerror=alert(1)&gt; I hear you" in md
    assert "&lt;script&gt;x&lt;/script&gt;" in md
