"""The conversation's arc: endings that wait for the last stage, caps, gated facts."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.engine.rules import State
from trainer.engine.session import Session
from trainer.scenarios import Library, Scenario, parse_scenario
from trainer.store import open_store
from trainer.types import DIMENSIONS

BEST = dict.fromkeys(DIMENSIONS, 100)
BOTH = {"apologized": True, "offered_repair": True}

GATED = """\
id: gated-draft
title: Gated draft
sector: retail
difficulty: 3
summary: A customer with a broken kettle.
objectives: [Listen]
customer: {name: Rosa Diaz, persona: A nurse., voice: Short., mood: 70}
facts:
  - {id: kettle, text: The kettle broke in a week., says: It broke after a week., keywords: [kettle, week]}
  - id: gift
    text: It was a present from her late mother.
    says: My mum gave it to me. She died in March.
    keywords: [present, gift, mum, mother]
    reveal: {asked: true}
  - id: receipt
    text: She has the receipt in her bag.
    says: I've got the receipt right here.
    keywords: [receipt]
    reveal: {mood_below: 50}
opening: My kettle broke after a week.
stages:
  - id: hear
    goal: Rosa wants to be heard.
    lines: [It just stopped working.]
    reveals: [kettle]
    advance_when: {min_scores: {listening: 50}}
    strong_replies: [It stopped after only a week - that's poor.]
  - id: fix
    goal: Rosa wants it replaced.
    lines: [So what are you going to do?]
    advance_when: {apology: true, offer: true}
    strong_replies: [I'm sorry, I'll replace it now.]
ending: {resolve_at: 35, resolved_line: Thanks., walkout_line: Bye., max_turns: 10}
"""


def _scenario(text: str = GATED) -> Scenario:
    scenario, errors = parse_scenario(text)
    assert scenario is not None, errors
    return scenario


def test_no_resolution_before_the_final_stage_is_done() -> None:
    scenario = _scenario()
    state = State.initial(scenario)
    state.apply(scenario, BEST, BOTH, new_mood=0)  # perfect reply, mood at 0: stage 1 only
    assert state.outcome is None and state.stage_index == 1
    state.apply(scenario, BEST, BOTH, new_mood=0)
    assert state.outcome == "resolved"


def test_early_opt_out_resolves_on_mood_and_requires() -> None:
    scenario = _scenario(GATED.replace("max_turns: 10}", "max_turns: 10, early: true}"))
    state = State.initial(scenario)
    state.apply(scenario, BEST, BOTH, new_mood=0)
    assert state.outcome == "resolved"


def test_a_stage_left_by_max_turns_counts_for_all_stages() -> None:
    text = GATED.replace(
        "{min_scores: {listening: 50}}", "{min_scores: {listening: 99}, max_turns: 1}"
    )
    text = text.replace("max_turns: 10}", "max_turns: 10, requires: [all_stages, apology, offer]}")
    scenario = _scenario(text)
    state = State.initial(scenario)
    state.apply(scenario, dict.fromkeys(DIMENSIONS, 10), {}, new_mood=60)
    assert state.stage_index == 1 and "hear" in state.completed
    state.apply(scenario, BEST, BOTH, new_mood=20)
    assert state.outcome == "resolved"


def test_gated_facts_stay_closed_until_their_gate_opens() -> None:
    scenario = _scenario()
    state = State.initial(scenario)
    assert "gift" not in state.revealed and "receipt" not in state.revealed
    assert state.askable(scenario) == ["gift"]  # a question about it would open it
    state.apply(scenario, dict.fromkeys(DIMENSIONS, 10), {}, new_mood=65)
    assert "receipt" not in state.revealed  # trust not earned yet
    state.apply(scenario, dict.fromkeys(DIMENSIONS, 10), {}, new_mood=45)
    assert "receipt" in state.revealed and "gift" not in state.revealed


def _session(fake_grader: Any, scripted_customer: Any, sqlite_url: str) -> Session:
    return Session.start(_scenario(), "ann", open_store(sqlite_url), fake_grader, scripted_customer)


def test_asking_opens_a_gated_fact_and_only_said_facts_are_known(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    session = _session(fake_grader, scripted_customer, sqlite_url)
    known = [f.id for f in session.revealed_facts]
    assert known == ["kettle"]  # said in the opening; the gated ones are not known
    session.submit("I'm sorry it broke so fast. Where did you get it - was it a gift?")
    line = session.turns[-1]
    assert line.role == "customer" and "gift" in (line.facts_said or [])
    assert "My mum gave it to me" in line.text
    assert "gift" in [f.id for f in session.revealed_facts]
    assert "receipt" not in [f.id for f in session.revealed_facts]
    assert [f.id for f in session.facts_to_ask_about] == ["receipt"]


def test_a_question_that_does_not_ask_about_it_keeps_the_gate_shut(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    session = _session(fake_grader, scripted_customer, sqlite_url)
    for reply in ("When did it stop working?", "OK. Is it plugged in properly?"):
        session.submit(reply)
    said = {fid for t in session.turns for fid in (t.facts_said or [])}
    assert "gift" not in said and "gift" not in [f.id for f in session.revealed_facts]


def test_resume_rebuilds_the_opened_gates(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    session = _session(fake_grader, scripted_customer, sqlite_url)
    session.submit("Was it a present from someone?")
    store = open_store(sqlite_url)
    again = Session.resume(session.id, _scenario(), store, fake_grader, scripted_customer)
    assert [f.id for f in again.revealed_facts] == [f.id for f in session.revealed_facts]
    assert "gift" in [f.id for f in again.revealed_facts]


@pytest.mark.slow
def test_the_longest_strong_reply_three_times_never_ends_a_conversation_early(
    library: Library, grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    """One good sentence, repeated, may walk a conversation to its end only through every
    stage: a resolution before the final stage's conditions held is the bug."""
    store = open_store(sqlite_url)
    early: list[str] = []
    for scenario in library.scenarios:
        reply = max((r for s in scenario.stages for r in s.strong_replies), key=len)
        session = Session.start(scenario, "coach", store, grader, scripted_customer, seed=1)
        for _ in range(3):
            if session.finished:
                break
            session.submit(reply)
            state = session.state
            last = len(scenario.stages) - 1
            if (
                session.outcome == "resolved"
                and not scenario.ending.early
                and not (state.stage_index == last and state.final_done)
            ):
                early.append(f"{scenario.id} at stage {state.stage_index + 1}/{last + 1}")
    store.close()
    assert not early, early


def test_a_hint_offers_only_model_replies_that_use_what_was_said(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    leaky = "Your mum's present broke in a week, Rosa - that's awful."
    text = GATED.replace(
        "strong_replies: [It stopped after only a week - that's poor.]",
        f'strong_replies: ["{leaky}", It stopped after only a week - that is poor.]',
    )
    session = Session.start(_scenario(text), "ann", open_store(sqlite_url), fake_grader,
                            scripted_customer)  # fmt: skip
    hints = [session.hint(), session.hint()]
    assert all("mum" not in h for h in hints), hints  # the gift was never said
    assert all("stopped after only a week" in h for h in hints)


def test_the_debrief_names_what_asking_would_have_found(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    session = _session(fake_grader, scripted_customer, sqlite_url)
    session.submit("I'm sorry it broke so fast. Was it a gift?")
    debrief = session.debrief()
    assert [f.id for f in debrief.to_ask_about] == ["receipt"]  # the gift was asked about
    assert "What you could have learned by asking: She has the receipt" in debrief.as_text()


def test_the_report_uses_only_said_facts_and_names_what_asking_would_find(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    from trainer.report.session import build_debrief as report_debrief

    store = open_store(sqlite_url)
    session = Session.start(_scenario(), "ann", store, fake_grader, scripted_customer)
    session.submit("That's poor. When did it stop?")
    found = report_debrief(
        _scenario(), session.row, store.turns(session.id, include_retracted=True)
    )
    assert "It was a present from her late mother." in found.to_ask_about
    assert not any("present" in f or "receipt" in f for f in found.unused_facts)


def test_what_you_know_is_the_customers_own_sentence_not_the_coachs_note(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    session = _session(fake_grader, scripted_customer, sqlite_url)
    assert session.heard == ["My kettle broke after a week."]
    assert "The kettle broke in a week." not in session.heard  # the coach's wording
    session.submit("I'm sorry. Was it a gift?")
    assert session.heard[-1].startswith("My mum gave it to me")


def test_a_coachs_note_after_the_fact_is_never_said_back(
    fake_grader: Any, scripted_customer: Any, sqlite_url: str
) -> None:
    text = GATED.replace(
        "text: The kettle broke in a week.,",
        "text: The kettle broke in a week. She only mentions it if asked.,",
    )
    scenario = _scenario(text)
    assert scenario.fact("kettle").gist == "The kettle broke in a week."
    session = Session.start(scenario, "ann", open_store(sqlite_url), fake_grader,
                            scripted_customer)  # fmt: skip
    assert "only mentions" not in session.hint()
    session.submit("Ok.")
    improved = session.debrief().weakest
    assert improved is not None and improved.improved is not None
    assert "mentions it if asked" not in improved.improved.text
