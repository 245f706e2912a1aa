"""Session and team reports built from real played sessions (scripted customer, fake grader)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from trainer.cli import main
from trainer.store import NoteRow, Store, open_store
from trainer.types import DIMENSIONS

WEAK = "Did you bring your receipt?"
LISTEN = (
    "Dana, this is your third visit for the same flicker after you paid 180 dollars, and it "
    "still isn't fixed. I'd be furious too."
)
STAKES = (
    "With your interview on Friday and your freelance work depending on this laptop, that's a "
    "lot of pressure, and our failed repair put it on you."
)
REPAIR = (
    "I'm sorry, Dana: we told you it was fixed twice and it wasn't. I'll have our senior "
    "technician replace the display panel today, refund the 180 dollars, and lend you a laptop "
    "until it's ready, so you're set for Friday."
)


def play(
    store: Store,
    scenario: Any,
    fake_grader: Any,
    trainee: str,
    replies: list[str],
    hint_at: int | None = None,
    undo_after: int | None = None,
    seed: int = 1,
) -> str:
    """Play a real session (scripted customer, fake grader) into `store`; returns its id."""
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    session = Session.start(
        scenario, trainee, store, fake_grader, make_backend("scripted"), seed=seed
    )
    for i, reply in enumerate(replies):
        if session.finished:
            break
        if i == hint_at:
            session.hint()
        session.submit(reply)
        if i == undo_after:
            session.undo()
    return session.id


@pytest.fixture(scope="module")
def played(
    tmp_path_factory: pytest.TempPathFactory, scenario: Any, fake_grader: Any
) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'sessions.db'}"
    store = open_store(url)
    first = play(
        store, scenario, fake_grader, "Priya Raman", [WEAK, LISTEN, STAKES, REPAIR], hint_at=1,
        undo_after=0,
    )  # fmt: skip
    second = play(
        store, scenario, fake_grader, "Tom Okafor", [WEAK, "Sorry for any inconvenience."]
    )
    store.add_note(NoteRow(session_id=first, turn_idx=None, author="lead", text="Strong finish."))
    store.add_note(NoteRow(session_id=first, turn_idx=3, author="lead", text="Nice <specifics>"))
    yield {"url": url, "store": store, "first": first, "second": second}
    store.close()


class _Collect(HTMLParser):
    """Everything the report tests look at: tags with attributes, text, and the style sheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style += data
        self.text.append(data)

    def all_text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _no_external(doc: _Collect) -> None:
    """No scripts, no linked assets, no URL that a browser would fetch."""
    assert not [t for t, _ in doc.tags if t in ("script", "link", "img", "iframe", "object")]
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            if name == "xmlns":  # a namespace name, never fetched
                continue
            assert "://" not in value and not value.startswith("//"), (tag, name, value)
            assert name not in ("src", "href"), (tag, name)
    assert "url(" not in doc.style and "@import" not in doc.style


def test_html_session_report_has_every_turn_charts_notes_and_no_network(
    played: dict[str, Any],
) -> None:
    from trainer.report import render_session, session_report

    store, sid = played["store"], played["first"]
    turns = store.turns(sid, include_retracted=True)
    html = render_session(session_report(store, sid), "html")
    doc = _parse(html)
    text = doc.all_text()
    for turn in turns:
        assert _norm(turn.text) in text, turn.text
    turn_divs = [a for t, a in doc.tags if t == "div" and "turn" in a.get("class", "").split()]
    assert sorted(int(a["data-idx"]) for a in turn_divs) == sorted(t.idx for t in turns)
    retracted = [a for a in turn_divs if "retracted" in a["class"].split()]
    assert len(retracted) == sum(t.retracted for t in turns) == 2  # the undone exchange
    assert "hint used" in text
    # Two inline charts: four score lines and the mood line.
    assert sum(1 for t, _ in doc.tags if t == "svg") >= 2
    series = {a["data-series"] for t, a in doc.tags if t == "polyline"}
    assert set(DIMENSIONS) | {"mood"} <= series
    for dim in DIMENSIONS:  # every reply's score is printed
        for turn in turns:
            if turn.scores:
                assert str(turn.scores[dim]) in text
    assert "Strong finish." in text and "Nice <specifics>" in text
    assert "Debrief" in text and "@media print" in doc.style
    _no_external(doc)


def test_markdown_and_json_session_reports(played: dict[str, Any]) -> None:
    from trainer.report import render_session, session_report

    store, sid = played["store"], played["first"]
    turns = store.turns(sid, include_retracted=True)
    report = session_report(store, sid)
    md = render_session(report, "md")
    for turn in turns:
        assert turn.text in md
    assert "## Debrief" in md and "## Coach notes" in md and "Strong finish." in md
    data = json.loads(render_session(report, "json"))
    assert data["session"]["id"] == sid and data["session"]["trainee"] == "Priya Raman"
    assert [t["text"] for t in data["turns"]] == [t.text for t in turns]
    assert [t["retracted"] for t in data["turns"]] == [t.retracted for t in turns]
    assert {n["text"] for n in data["notes"]} == {"Strong finish.", "Nice <specifics>"}
    live = [t for t in turns if t.role == "employee" and not t.retracted]
    for dim in DIMENSIONS:
        # Only replies whose stage expected the dimension count (`expects` in the scenario).
        counted = [t.scores[dim] for t in live if t.scores and dim in (t.expects or DIMENSIONS)]
        expected = round(sum(counted) / len(counted), 1) if counted else None
        assert data["averages"][dim] == pytest.approx(expected, abs=0.05)
    assert data["debrief"]["best"]["quote"] in {t.text for t in live}
    assert data["debrief"]["hints_used"] == 1 and data["debrief"]["retracted"] == 1


def test_debrief_with_scenario_matches_the_engine(
    played: dict[str, Any], scenario: Any, fake_grader: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session
    from trainer.report import session_report

    store, sid = played["store"], played["first"]
    engine = Session.resume(sid, scenario, store, fake_grader, make_backend("scripted")).debrief()
    report = session_report(store, sid, scenario)
    assert report.customer_name == "Dana Reyes"
    assert report.debrief.averages == engine.averages
    assert report.debrief.mood_path == engine.mood_path
    assert report.debrief.best is not None and engine.best is not None
    assert report.debrief.best.quote == engine.best.quote
    assert report.debrief.unused_facts == [f.text for f in engine.unused_facts]


def test_team_report_in_all_formats(played: dict[str, Any]) -> None:
    from trainer.report import render_team
    from trainer.report.team import team_report

    report = team_report(played["store"])
    assert [t.trainee for t in report.trainees] == ["Priya Raman", "Tom Okafor"]
    assert report.sessions == 2
    dims = [v for _, v in report.weakest_dimensions]
    # Sorted, and every dimension with a mean is there (one no stage asked for has none).
    assert dims == sorted(dims)
    assert len(dims) == sum(v is not None for v in report.dimensions.values()) >= 3
    doc = _parse(render_team(report, "html"))
    text = doc.all_text()
    assert "Priya Raman" in text and "Tom Okafor" in text
    # Team trend, one per trainee, and the two weakest-spot bar charts.
    assert sum(1 for t, _ in doc.tags if t == "svg") == 1 + 2 + 2
    _no_external(doc)
    md = render_team(report, "md")
    assert "| Priya Raman |" in md and "Weakest" in md
    data = json.loads(render_team(report, "json"))
    assert {t["trainee"] for t in data["trainees"]} == {"Priya Raman", "Tom Okafor"}
    assert set(data["team_trend"]["values"]) == set(DIMENSIONS)


def test_cli_report_writes_files_and_fails_in_one_line(
    played: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, sid = played["url"], played["first"]
    out = tmp_path / "r.html"
    assert main(["report", sid, "--format", "html", "-o", str(out), "--db", url]) == 0
    assert "Dana Reyes" in out.read_text(encoding="utf-8")  # customer name from the library
    assert main(["report", "--team", "--since", "2000-01-01", "--format", "md", "--db", url]) == 0
    assert "Tom Okafor" in capsys.readouterr().out
    assert main(["report", "--team", "--since", "2999-01-01", "--format", "json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 0

    assert main(["report", "nope", "--format", "md", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "no session 'nope'" in err and len(err.strip().splitlines()) == 1
    assert main(["report", "--format", "md", "--db", url]) == 2
    assert "SESSION_ID or --team" in capsys.readouterr().err
    assert main(["report", "--team", "--since", "last week", "--format", "md", "--db", url]) == 1
    assert "--since 'last week'" in capsys.readouterr().err


def test_cli_report_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"
    assert main(["report", "--team", "--format", "md", "--db", url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("empathy-trainer:") and len(err.splitlines()) == 1
