"""The session engine with the real grader and the scripted customer on a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.engine.mood import CALM_CAP, RISE_CAP, next_mood
from trainer.engine.session import Session, SessionStateError
from trainer.scenarios import Customer
from trainer.store import open_store

GOOD = [
    "Dana, this is your third visit for the same flicker after you paid 180 dollars, and it "
    "still isn't fixed. I'd be frustrated too.",
    "With your video interview on Friday and your freelance work depending on this laptop, "
    "that's a lot of pressure, and our failed repair caused it.",
    "I'm so sorry, Dana: we told you it was fixed twice and it wasn't. I'll have our senior "
    "technician replace the display today, refund your 180 dollars, and lend you a laptop so "
    "you're ready for Friday.",
    "I'll call you personally on Thursday morning to confirm it's ready, and the loan laptop "
    "is yours to take right now.",
    "Thank you for bearing with us, Dana. You'll have a working laptop before your interview.",
]
DISMISSIVE = [
    "Did you bring your receipt?",
    "Sometimes screens just do that after a repair. Not much we can do.",
    "You must have dropped it. That's not our fault.",
    "We're very busy this week, so I can't promise anything.",
    "Calm down, it's just a laptop.",
    "Policy is policy.",
]


@pytest.fixture
def store(sqlite_url: str) -> Any:
    s = open_store(sqlite_url)
    yield s
    s.close()


def play(session: Session, replies: list[str]) -> None:
    for reply in replies:
        if session.finished:
            break
        session.submit(reply)


def test_good_replies_resolve(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer, seed=1)
    assert session.opening.text == scenario.opening and session.opening.role == "customer"
    # The trainee knows what the opening said, not every fact the stage allows.
    assert [f.id for f in session.revealed_facts] == ["third-visit", "flicker"]
    assert [f.id for f in session.open_facts] == scenario.stages[0].reveals
    graded: list[Any] = []
    chunks: list[str] = []
    exchange = session.submit(GOOD[0], on_graded=graded.append, on_chunk=chunks.append)
    assert graded == [exchange.employee] and exchange.employee.scores
    assert "".join(chunks) == exchange.customer.text
    assert exchange.stage_changed and session.stage.id == "stakes"
    assert "interview" in {f.id for f in session.revealed_facts}  # the customer said it
    assert session.mood < scenario.customer.mood
    # Every turn is in the store the moment the exchange returns.
    assert [t.text for t in store.turns(session.id)] == [t.text for t in session.turns]
    play(session, GOOD[1:])
    assert session.outcome == "resolved" and session.finished
    assert session.mood <= scenario.ending.resolve_at
    assert session.turns[-1].text == scenario.ending.resolved_line
    row = store.get_session(session.id)
    assert row.outcome == "resolved" and row.ended is not None
    with pytest.raises(SessionStateError):
        session.submit("one more thing")


def test_dismissive_replies_walk_out(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "bob", store, grader, scripted_customer, seed=1)
    play(session, DISMISSIVE)
    assert session.outcome == "walked_out"
    assert session.mood >= scenario.ending.walkout_at
    assert session.turns[-1].text == scenario.ending.walkout_line
    moods = session.mood_path
    assert moods[0] == scenario.customer.mood and moods == sorted(moods)


def test_out_of_turns(scenario: Any, store: Any, grader: Any, scripted_customer: Any) -> None:
    short = scenario.model_copy(
        update={
            "ending": scenario.ending.model_copy(update={"max_turns": 2}),
            "customer": scenario.customer.model_copy(update={"mood": 40}),
        }
    )
    session = Session.start(short, "cy", store, grader, scripted_customer)
    play(session, ["Okay.", "I see."])
    assert session.outcome == "out_of_turns" and session.turns_left == 0
    assert session.turns[-1].text == scenario.ending.out_of_turns_line


def test_undo_restores_state_and_keeps_the_record(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer, seed=3)
    session.submit(GOOD[0])
    before = (session.mood, session.stage.id, [f.id for f in session.revealed_facts])
    path_before = session.mood_path
    session.submit(DISMISSIVE[0])
    assert session.mood > before[0]
    assert session.undo() is True
    assert (session.mood, session.stage.id, [f.id for f in session.revealed_facts]) == before
    assert session.mood_path == path_before and len(session.turns) == 3
    everything = store.turns(session.id, include_retracted=True)
    assert [t.retracted for t in everything] == [False, False, False, True, True]
    assert everything[3].text == DISMISSIVE[0]
    # Trying again continues the record after the retracted turns.
    again = session.submit(GOOD[1])
    assert again.employee.idx == 5 and session.stage.id in ("stakes", "repair")
    # Undo all the way back to the opening, then nothing is left to undo.
    assert session.undo() and session.undo()
    assert session.undo() is False
    assert session.mood == scenario.customer.mood and session.stage.id == "vent"


def test_undo_after_a_walk_out_reopens(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "bob", store, grader, scripted_customer)
    play(session, DISMISSIVE)
    assert session.finished
    assert session.undo() is True
    assert not session.finished and session.outcome is None
    assert store.latest_incomplete("bob", scenario.id).id == session.id


def test_hint_is_personal_and_recorded_once(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer)
    hint = session.hint()
    assert "Dana" in hint
    assert "third visit" in hint  # built from the facts she has given so far
    assert scenario.stages[0].strong_replies[0][:40] in hint
    assert "interview" not in hint.lower()  # not revealed yet
    assert f'Avoid: "{scenario.stages[0].weak_replies[0]}"' in hint
    first = session.submit("I hear you, Dana: third visit, same flicker.").employee
    second = session.submit("Let me look at it.").employee
    assert first.hint_used and not second.hint_used
    assert [t.hint_used for t in store.turns(session.id) if t.role == "employee"] == [True, False]
    assert session.debrief().hints_used == 1


def test_debrief_quotes_the_trainee(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer)
    session.submit(GOOD[0])
    session.submit("Did you bring your receipt?")
    report = session.debrief()
    assert report.best is not None and report.weakest is not None
    assert report.best.quote == GOOD[0]
    assert report.weakest.quote == "Did you bring your receipt?"
    assert report.weakest.reason and report.best.reason
    strong = {r for s in scenario.stages for r in s.strong_replies}
    assert report.weakest.better_reply in strong or "Dana" in (report.weakest.better_reply or "")
    assert report.mood_path == session.mood_path and len(report.mood_path) == 3
    assert set(report.averages) == {"listening", "acknowledgement", "apology", "personalization"}
    unused = {f.id for f in report.unused_facts}
    assert "interview" in unused and "third-visit" not in unused
    assert report.outcome is None
    text = report.as_text()
    assert GOOD[0] in text and "receipt" in text


def test_resume_rebuilds_the_same_state(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    live = Session.start(scenario, "ann", store, grader, scripted_customer, seed=5)
    live.submit(GOOD[0])
    live.grade(GOOD[1])  # the process dies before the customer answers
    back = Session.resume(live.id, scenario, store, grader, scripted_customer)
    assert back.awaiting_customer
    assert (back.mood, back.stage.id, back.turns_left) == (
        live.mood,
        live.stage.id,
        live.turns_left,
    )
    assert [f.id for f in back.revealed_facts] == [f.id for f in live.revealed_facts]
    answer = back.respond()
    assert answer.idx == 4 and not back.awaiting_customer
    play(back, GOOD[2:])
    assert back.outcome == "resolved"


def test_end_early_is_stored_as_ended_early(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer)
    session.submit(GOOD[0])
    session.end()
    row = store.get_session(session.id)
    # The one outcome vocabulary (store/outcomes.py): null means unfinished, never ended.
    assert row.ended is not None and row.outcome == "ended_early"
    assert store.latest_incomplete("ann") is None
    assert session.undo() is False


@pytest.mark.parametrize(
    ("reply", "message"),
    [("   ", "empty"), ("x" * 4001, "4,000"), ("hello\x1b[2J\x07", "control character")],
)
def test_bad_replies_raise_one_line(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any, reply: str, message: str
) -> None:
    session = Session.start(scenario, "ann", store, grader, scripted_customer)
    with pytest.raises(ValueError, match=message) as err:
        session.submit(reply)
    assert "\n" not in str(err.value)
    assert len(store.turns(session.id)) == 1


def test_mood_rule_is_deterministic_scaled_and_clamped() -> None:
    calm = Customer(name="A B", persona="p", voice="v", mood=50, calm_rate=2.0)
    plain = Customer(name="A B", persona="p", voice="v", mood=50)
    good = dict.fromkeys(("listening", "acknowledgement", "apology", "personalization"), 90)
    bad = dict.fromkeys(good, 0)
    assert next_mood(50, good, {}, plain, 3) == next_mood(50, good, {}, plain, 3)
    fair = dict.fromkeys(good, 56)
    assert next_mood(50, fair, {}, calm, 3).change == 2 * next_mood(50, fair, {}, plain, 3).change
    assert (
        next_mood(50, bad, {"blamed": True}, plain, 3).change
        > next_mood(50, bad, {}, plain, 3).change
    )
    assert (
        next_mood(50, bad, {"dismissive": True}, plain, 3).change
        > next_mood(50, bad, {}, plain, 3).change
    )
    assert next_mood(95, bad, {"blamed": True}, plain, 3).after == 100
    assert next_mood(3, good, {"apologized": True}, plain, 3).after == 0


def test_mood_step_is_capped_by_difficulty() -> None:
    plain = Customer(name="A B", persona="p", voice="v", mood=80)
    best = dict.fromkeys(("listening", "acknowledgement", "apology", "personalization"), 100)
    signals = {"apologized": True, "offered_repair": True}
    calming = [-next_mood(80, best, signals, plain, d).change for d in range(1, 6)]
    assert calming == [CALM_CAP[d] for d in range(1, 6)]
    assert calming == sorted(calming, reverse=True)
    worst = dict.fromkeys(best, 0)
    harm = {"blamed": True, "hostile": True, "dismissive": True}
    step = next_mood(20, worst, harm, plain, 1)
    assert step.change == RISE_CAP[1]
    assert any("capped" in reason for reason in step.reasons)


THREE = [
    "Dana, this is your third visit for the same flicker after paying for the repair, and it "
    "still isn't fixed. I'd be furious too.",
    "With your interview on Friday and your freelance work depending on this laptop, that's a "
    "lot of pressure, and our failed repair put it on you.",
    "I'm sorry, Dana: we told you it was fixed twice and it wasn't. I'll have our senior "
    "technician replace the display today, refund the 180 dollars, and lend you a laptop so "
    "you're set for Friday.",
]


def test_a_delegated_offer_resolves_and_latest_line_is_heard(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    """The third reply offers a repair ('I'll have our senior technician replace...'): with
    the mood low enough, that must resolve the session, not leave it open."""
    session = Session.start(scenario, "dee", store, grader, scripted_customer, seed=1)
    exchanges = [session.submit(r) for r in THREE]
    assert exchanges[2].employee.signals and exchanges[2].employee.signals["offered_repair"]
    assert session.outcome == "resolved"
    # Reply 2 picks up the customer's latest line (interview on Friday): it was listened to.
    assert exchanges[1].employee.scores and exchanges[1].employee.scores["listening"] >= 50


def test_customer_lines_are_encoded_before_the_reply_is_graded(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    from trainer.grader.text import clauses

    grader.encoder.clear_cache()  # nothing left over from other tests' conversations
    session = Session.start(scenario, "eve", store, grader, scripted_customer, seed=2)
    session.submit(THREE[0])
    before = set(grader.encoder._phrases)
    reply = "A fresh reply nobody has written before. It talks about a Thursday pickup."
    session.grade(reply)
    assert set(grader.encoder._phrases) - before == {c.text for c in clauses(reply)}


def test_a_blaming_or_dismissive_reply_is_never_the_best(
    scenario: Any, store: Any, grader: Any, scripted_customer: Any
) -> None:
    """Real use: a walk-out session's debrief named "Calm down, it's just a bag... Next
    please." as the best reply."""
    session = Session.start(scenario, "bo", store, grader, scripted_customer, seed=2)
    for reply in ["Calm down, it's just a laptop. Next please.", "That's your own fault."]:
        if session.outcome is None:
            session.submit(reply)
    debrief = session.debrief()
    assert debrief.best is None, debrief.best
    assert debrief.weakest is not None
