"""`empathy-trainer sessions list|delete|push` on real SQLite files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_store import fill
from trainer import cli
from trainer.store import open_store


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_json_fields_and_filters(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(sqlite_url)
    done = fill(store, scenario, "ann", replies=2)
    store.finish_session(done, "resolved")
    open_one = fill(store, scenario, "bob", replies=1)
    store.retract_turns(open_one, 1)  # retracted turns do not count

    code, out, _ = run_cli(capsys, "sessions", "list", "--json", "--db", sqlite_url)
    assert code == 0
    items = {i["session_id"]: i for i in json.loads(out)}
    assert set(items) == {done, open_one}
    first = items[done]
    assert first["trainee"] == "ann" and first["scenario"] == scenario.id
    assert first["outcome"] == "resolved" and first["turns"] == 5
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["started"])
    assert items[open_one]["outcome"] is None and items[open_one]["turns"] == 1

    _, out, _ = run_cli(
        capsys, "sessions", "list", "--json", "--trainee", "bob", "--db", sqlite_url
    )
    assert [i["session_id"] for i in json.loads(out)] == [open_one]
    _, out, _ = run_cli(capsys, "sessions", "list", "--json", "--scenario", "x", "--db", sqlite_url)
    assert json.loads(out) == []


def test_list_table_and_empty(
    sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run_cli(capsys, "sessions", "list", "--db", sqlite_url)
    assert "No sessions" in out
    sid = fill(open_store(sqlite_url), scenario, "ann")
    code, out, _ = run_cli(capsys, "sessions", "list", "--db", sqlite_url)
    assert code == 0 and sid in out and "unfinished" in out and "ann" in out


def test_delete(sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(sqlite_url)
    keep, gone = fill(store, scenario), fill(store, scenario)
    code, out, _ = run_cli(capsys, "sessions", "delete", gone, "--db", sqlite_url)
    assert code == 0 and gone in out
    assert [s.id for s in store.list_sessions()] == [keep]
    code, _, err = run_cli(capsys, "sessions", "delete", gone, "--db", sqlite_url)
    assert code == 1 and "no session" in err


def test_push_twice_copies_once(
    tmp_path: Path, sqlite_url: str, scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    local = open_store(sqlite_url)
    ids = {fill(local, scenario, "ann"), fill(local, scenario, "bob")}
    team_url = f"sqlite:///{tmp_path / 'team.db'}"
    code, out, _ = run_cli(capsys, "sessions", "push", "--to", team_url, "--db", sqlite_url)
    assert code == 0 and "pushed 2 session(s)" in out
    _, out, _ = run_cli(capsys, "sessions", "push", "--to", team_url, "--db", sqlite_url)
    assert "pushed 0 session(s)" in out
    assert {s.id for s in open_store(team_url).list_sessions()} == ids


def test_push_to_unreachable_server_is_one_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(
        capsys, "sessions", "push", "--to", "postgresql://x:secret@127.0.0.1:1/team",
        "--db", sqlite_url,
    )  # fmt: skip
    assert code == 1 and "cannot connect" in err and "secret" not in err
    assert len(err.strip().splitlines()) == 1
