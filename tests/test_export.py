"""CSV / JSON Lines exports of real played sessions: round trips, filters, anonymisation."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trainer.cli import main
from trainer.report.export import (
    COLUMNS,
    EXPORT_COLUMNS_DOC,
    Anonymizer,
    collect_rows,
    read_csv,
    read_jsonl,
    to_csv,
    to_jsonl,
)
from trainer.store import open_store
from trainer.types import DIMENSIONS

NAMES = ("Priya Raman", "Tom Okafor")
INTRO = (
    "I'm Priya Raman, the store manager. Dana, this is your third visit for the same flicker "
    "and I'd be furious too; Tom Okafor on our bench will look at it with me."
)
REPAIR = (
    "I'm sorry, Dana, we told you it was fixed twice and it wasn't. Priya here will replace the "
    "panel today and lend you a laptop for Friday."
)


def _play(store: Any, scenario: Any, fake_grader: Any, trainee: str, replies: list[str]) -> str:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    session = Session.start(scenario, trainee, store, fake_grader, make_backend("scripted"), seed=2)
    session.hint()
    session.submit(replies[0])
    session.undo()
    for reply in replies:
        session.submit(reply)
    return session.id


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, scenario: Any, fake_grader: Any) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'sessions.db'}"
    store = open_store(url)
    _play(store, scenario, fake_grader, NAMES[0], [INTRO, REPAIR])
    _play(store, scenario, fake_grader, NAMES[1], ["Hi Tom Okafor here. What's the problem?"])
    store.close()
    yield url


def _export(url: str, *flags: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["export", *flags, "--db", url]) == 0
    return capsys.readouterr().out


def test_rows_match_the_store(db: str) -> None:
    store = open_store(db)
    rows = collect_rows(store)
    sessions = store.list_sessions()
    expected = sum(len(store.turns(s.id, include_retracted=True)) for s in sessions)
    assert len(rows) == expected
    for s in sessions:
        mine = [r for r in rows if r.session_id == s.id]
        turns = store.turns(s.id, include_retracted=True)
        assert [r.text for r in mine] == [t.text for t in turns]
        assert [r.turn for r in mine] == [t.idx for t in turns]
        for row, turn in zip(mine, turns, strict=True):
            assert row.trainee == s.trainee and row.scenario == "retail-laptop-repair"
            assert row.sector == "retail" and row.role == turn.role and row.mood == turn.mood
            assert row.retracted == turn.retracted and row.hint_used == turn.hint_used
            assert [getattr(row, d) for d in DIMENSIONS] == [
                (turn.scores or {}).get(d) for d in DIMENSIONS
            ]
            stamp = datetime.fromisoformat(row.time.replace("Z", "+00:00"))
            assert row.time.endswith("Z") and stamp.tzinfo is not None
            assert abs(stamp - turn.created.astimezone(UTC)).total_seconds() < 0.001
    assert sum(r.retracted for r in rows) == 4  # one undone exchange per session
    assert sum(r.hint_used for r in rows) == 2
    store.close()


def test_csv_and_jsonl_round_trip(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(db)
    rows = collect_rows(store)
    store.close()
    csv_text = _export(db, "--format", "csv", capsys=capsys)
    assert next(csv.reader(io.StringIO(csv_text))) == list(COLUMNS)
    assert read_csv(csv_text) == rows == read_csv(to_csv(rows))
    jsonl = _export(db, "--format", "jsonl", capsys=capsys)
    assert all(list(json.loads(line)) == list(COLUMNS) for line in jsonl.splitlines())
    assert read_jsonl(jsonl) == rows == read_jsonl(to_jsonl(rows))
    for column in COLUMNS:  # the README table documents every column
        assert f"`{column}`" in EXPORT_COLUMNS_DOC


def test_anonymized_export_has_no_trainee_names(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _export(db, "--format", "jsonl", capsys=capsys)
    assert "Priya" in plain and "Tom Okafor" in plain  # the test data does mention them
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"anon.{fmt}"
        flags = ["--format", fmt, "--anonymize", "-o", str(out)]
        assert _export(db, *flags, capsys=capsys) == ""
        text = out.read_text(encoding="utf-8")
        for name in NAMES:
            for part in (name, *name.split()):  # whole words: "customer" holds "tom"
                assert not re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE), part
    rows = read_jsonl(_export(db, "--format", "jsonl", "--anonymize", capsys=capsys))
    again = read_jsonl(_export(db, "--format", "jsonl", "--anonymize", capsys=capsys))
    assert rows == again  # stable pseudonyms
    aliases = {r.trainee for r in rows}
    assert len(aliases) == 2 and all(a.startswith("trainee-") for a in aliases)
    priya = next(r for r in rows if r.text.startswith("I'm trainee-"))
    # The speaker's own name became their pseudonym, the colleague's name theirs.
    assert priya.text.startswith(f"I'm {priya.trainee}, the store manager")
    assert (aliases - {priya.trainee}).pop() in priya.text
    assert "Dana" in priya.text  # the customer's name is not a trainee's: kept


def test_anonymizer_matches_whole_words_only() -> None:
    anon = Anonymizer(["Al Stone"], key=b"k")
    alias = anon.trainee("Al Stone")
    assert anon.text("al said: Stone-cold, Al Stone. Also almost") == (
        f"{alias} said: {alias}-cold, {alias}. Also almost"
    )


def test_filters(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    only_tom = read_jsonl(_export(db, "--format", "jsonl", "--trainee", NAMES[1], capsys=capsys))
    assert only_tom and {r.trainee for r in only_tom} == {NAMES[1]}
    other = _export(db, "--format", "jsonl", "--scenario", "travel-funeral-flight", capsys=capsys)
    assert read_jsonl(other) == []
    future = _export(db, "--format", "csv", "--since", "2999-01-01", capsys=capsys)
    assert future.strip().splitlines() == [",".join(COLUMNS)]
    past = read_jsonl(_export(db, "--format", "jsonl", "--since", "2000-01-01", capsys=capsys))
    assert len({r.session_id for r in past}) == 2


def test_bad_date_is_one_clear_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "csv", "--since", "31/12/2024", "--db", db]) == 1
    err = capsys.readouterr().err.strip()
    assert "YYYY-MM-DD" in err and len(err.splitlines()) == 1
