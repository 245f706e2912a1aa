"""`team init` on a real PostgreSQL server with password logins: row-level security keeps each
trainee to their own sessions; leads read everything and write notes and assignments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

from trainer.cli import main
from trainer.store import NoteRow, TurnRow, open_store
from trainer.store import schema as S

pytestmark = pytest.mark.slow

HBA = """\
# empathy-trainer tests: the superuser keeps trust on the socket (the fixtures need it);
# every other login must give its password.
local all postgres trust
local all all scram-sha-256
"""


@pytest.fixture
def team_url(pg_url: str) -> Iterator[str]:
    """A fresh database on a server that asks every member login for its password."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])  # type: ignore[index]
        if hba.read_text(encoding="utf-8") != HBA:
            hba.write_text(HBA, encoding="utf-8")
            conn.execute("SELECT pg_reload_conf()")
        for login in ("h15_sam", "h15_tom", "h15_lead"):
            # Logins are per server and each test makes its own database: start clean.
            conn.execute(f"DROP ROLE IF EXISTS {login}")
    yield pg_url


def _as(url: str, login: str, password: str) -> str:
    return (
        make_url(url).set(username=login, password=password).render_as_string(hide_password=False)
    )


def _session(url: str, scenario: Any, trainee: str) -> str:
    store = open_store(url)
    row = store.create_session(trainee, scenario)
    store.add_turn(TurnRow(session_id=row.id, idx=0, role="customer", text="Hi.", mood=60))
    store.close()
    return row.id


def test_trainees_see_only_their_own_sessions(
    team_url: str,
    scenario: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["team", "init", "--db", team_url]) == 0
    assert main(["team", "init", "--db", team_url]) == 0  # again: changes nothing
    for login, name, *lead in (
        ("h15_sam", "Sam Lee"),
        ("h15_tom", "Tom Becker"),
        ("h15_lead", "Lee Lead", "--lead"),
    ):
        monkeypatch.setenv("EMPATHY_TRAINER_PASSWORD", f"pw-{login}")
        assert main(["team", "add", login, "--name", name, *lead, "--db", team_url]) == 0
    assert "created login h15_lead: lead 'Lee Lead'" in capsys.readouterr().out
    sam = _as(team_url, "h15_sam", "pw-h15_sam")
    tom = _as(team_url, "h15_tom", "pw-h15_tom")
    lead = _as(team_url, "h15_lead", "pw-h15_lead")

    # Password authentication, not trust: a wrong password is refused in one line.
    assert main(["sessions", "list", "--db", _as(team_url, "h15_sam", "wrong")]) == 1
    err = capsys.readouterr().err
    assert "password authentication failed" in err and len(err.strip().splitlines()) == 1

    sams = _session(sam, scenario, "Sam Lee")
    toms = _session(tom, scenario, "Tom Becker")
    store = open_store(tom)
    assert [s.id for s in store.list_sessions()] == [toms]
    assert store.get_session(sams) is None and store.turns(sams) == []
    assert store.delete_session(sams) is False
    store.close()

    # Tom's login cannot read or delete Sam's session: a clear one-line error, nothing gone.
    assert main(["sessions", "delete", sams, "--db", tom]) == 1
    err = capsys.readouterr().err
    assert f"no session '{sams}'" in err and len(err.strip().splitlines()) == 1
    assert main(["report", sams, "--format", "json", "--db", tom]) == 1
    assert f"no session '{sams}'" in capsys.readouterr().err
    # Nor write a session in Sam's name.
    assert main(["sessions", "list", "--db", tom]) == 0
    capsys.readouterr()
    store = open_store(tom)
    with pytest.raises(Exception, match="only write its own trainee's sessions"):
        store.create_session("Sam Lee", scenario)
    # ... nor read the team's pseudonym key.
    with pytest.raises(Exception, match="may not do that"):
        store.team_secret("anonymize_key")
    store.close()

    # The lead reads everything, writes notes and assignments.
    store = open_store(lead)
    assert {s.id for s in store.list_sessions()} == {sams, toms}
    store.add_note(NoteRow(session_id=sams, turn_idx=0, author="Lee Lead", text="For Sam"))
    store.assign("retail-laptop-repair", ["Sam Lee", "Tom Becker"], None, "Lee Lead")
    assert len(store.team_secret("anonymize_key")) == 32
    store.close()
    assert main(["assign", "retail-laptop-repair", "--team", "--db", lead]) == 0
    assert "Sam Lee, Tom Becker" in capsys.readouterr().out

    # Each trainee sees the notes and assignments addressed to them, and marks notes read.
    store = open_store(sam)
    (card,) = store.note_cards("Sam Lee")
    assert card.text == "For Sam" and card.quote == "Hi."
    store.mark_notes_seen([card.id or 0])
    assert [a.trainee for a in store.assignments()] == ["Sam Lee"]
    store.close()
    store = open_store(tom)
    assert store.note_cards("Sam Lee") == [] and store.notes() == []
    assert [a.trainee for a in store.assignments()] == ["Tom Becker"]
    # A trainee deletes their own session; the tombstone keeps it from coming back.
    assert store.delete_session(toms) is True
    store.close()
    store = open_store(lead)
    assert [s.id for s in store.list_sessions()] == [sams]
    assert store.tombstones() == {toms}
    store.close()
    # Tom's laptop pushes his offline sessions with his own login; the deleted one stays gone.
    local = f"sqlite:///{tmp_path / 'tom.db'}"
    offline = _session(local, scenario, "Tom Becker")
    store = open_store(local)
    store.add_turn(TurnRow(session_id=offline, idx=1, role="employee", text="Sorry, Dana."))
    store.close()
    assert main(["sessions", "push", "--to", tom, "--db", local]) == 0
    assert "pushed 1 session(s)" in capsys.readouterr().out
    store = open_store(lead)
    assert {s.id for s in store.list_sessions()} == {sams, offline}
    assert len(store.turns(offline)) == 2
    store.close()
    # Sam asks the lead to delete his session; his laptop's next push does not bring it back.
    sam_local = f"sqlite:///{tmp_path / 'sam.db'}"
    store = open_store(sam)
    row = store.get_session(sams)
    store.close()
    assert row is not None
    local = open_store(sam_local)
    with local.engine.begin() as conn:
        conn.execute(S.trainees.insert().values(name="Sam Lee", created=row.started))
        conn.execute(S.sessions.insert().values(**row.model_dump()))
    local.close()
    assert main(["sessions", "delete", sams, "--db", lead]) == 0
    capsys.readouterr()
    assert main(["sessions", "push", "--to", sam, "--db", sam_local]) == 0
    assert "skipped 1 session(s) deleted" in capsys.readouterr().out
    store = open_store(lead)
    assert {s.id for s in store.list_sessions()} == {offline}
    store.close()


def test_team_init_needs_postgresql(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "init", "--db", sqlite_url]) == 2
    assert "postgresql" in capsys.readouterr().err
