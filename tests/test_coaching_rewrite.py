"""The debrief's improved reply: the trainee's words kept, the missing parts added and marked,
and never a detail the customer has not said (checked on every bundled scenario and on one
written here that the code has never seen)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from trainer.customer.reactions import facts_in
from trainer.engine.coaching import build_debrief
from trainer.engine.rewrite import GAP_OFFER, improve
from trainer.engine.said import Context, fold, second_person
from trainer.scenarios import Scenario, load_library
from trainer.scenarios.loader import parse_scenario
from trainer.store import TurnRow

WEAK = {"listening": 5, "acknowledgement": 5, "apology": 0, "personalization": 5}

UNSEEN = """
id: gym-frozen-membership
title: The membership that kept charging
sector: other
difficulty: 2
summary: Noor Haddad froze her gym membership for surgery; the gym charged her anyway.
objectives: [Hear the surgery and the charges.]
customer:
  name: Noor Haddad
  persona: Noor froze her membership in May before knee surgery. The gym charged her twice
    since. Her physio Benedikt says she cannot train until October.
  voice: Quiet, exact, tired.
  mood: 65
facts:
  - id: froze
    text: She froze her membership in May before knee surgery.
    keywords: [froze, frozen, freeze, surgery, knee]
  - id: charged
    text: She has been charged 49 pounds twice since the freeze.
    keywords: [charged, "49", twice, pounds]
  - id: physio
    text: Her physio Benedikt says she cannot train until October.
    keywords: [physio, Benedikt, October]
opening: I froze my membership in May for my knee surgery, and you've still charged me.
stages:
  - id: charges
    goal: Noor wants the freeze and the charges recognised.
    lines: [I've been charged twice. 49 pounds each time.]
    reveals: [froze, charged]
    strong_replies:
      - Noor, you froze it in May for your surgery and we've charged you 49 pounds twice anyway.
  - id: fix
    goal: Noor wants the money back and the freeze honoured until October.
    lines: [My physio Benedikt says October at the earliest.]
    reveals: [physio]
    advance_when: {apology: true, offer: true}
    strong_replies:
      - >-
        I'm sorry, Noor, that's our error. I've refunded both payments, 98 pounds, and I'll
        extend the freeze to the end of October, as Benedikt advised.
ending:
  resolved_line: Thank you. That's all I wanted.
  walkout_line: I'll cancel and tell my bank.
"""


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    from trainer import locations

    unseen, errors = parse_scenario(UNSEEN, "unseen.yaml")
    assert unseen is not None, errors
    return [*load_library([locations.bundled_scenarios_dir()]).scenarios, unseen]


def _context(scenario: Scenario, lines: list[str]) -> Context:
    said: list[str] = []
    for line in lines:
        said += [f for f in facts_in(line, scenario.facts) if f not in said]
    return Context(lines, said, facts_in(lines[-1], scenario.facts))


def _unsaid_keywords(scenario: Scenario, ctx: Context, reply: str) -> list[str]:
    """Independent of the code under test: keywords of facts nobody said, absent from what
    the customer said and from the trainee's reply."""
    heard = fold(" ".join([*ctx.heard, reply]))
    found = []
    for fact in scenario.facts:
        if fact.id in ctx.said_ids:
            continue
        for k in fact.keywords:
            if not re.search(rf"(?<!\w){re.escape(fold(k))}(?!\w)", heard):
                found.append(fold(k))
    return found


REPLIES = [
    "Did you bring your receipt?",
    "Sorry for any inconvenience. Let me check.",
    "Calm down, you must have done something wrong. I'll see what I can do.",
    "ok",
]


def test_improved_reply_keeps_their_words_and_says_nothing_unsaid(
    scenarios: list[Scenario],
) -> None:
    for scenario in scenarios:
        # The customer has said only the opening (the first stage's facts are still to come).
        ctx = _context(scenario, [scenario.opening])
        for reply in REPLIES:
            rewrite = improve(scenario, reply, WEAK, {}, [], scenario.stages[0].id, ctx)
            text = fold(rewrite.text)
            added = fold(" ".join(p.text for p in rewrite.added if not p.gap))
            for k in _unsaid_keywords(scenario, ctx, reply):
                assert not re.search(rf"(?<!\w){re.escape(k)}(?!\w)", added), (
                    scenario.id,
                    reply,
                    k,
                    rewrite.marked(),
                )
            own = " ".join(p.text for p in rewrite.pieces if not p.adds)
            for sentence in rewrite.dropped:
                assert sentence not in own
            for kept in [p.text for p in rewrite.pieces if not p.adds]:
                assert fold(kept).rstrip(".?!") in fold(reply) or kept[1:] in reply
            kinds = {p.adds for p in rewrite.added}
            # Every weak dimension got something: name, the feeling, an apology, an offer.
            assert {"acknowledgement", "apology", "offer"} <= kinds, (scenario.id, kinds)
            if reply != "ok":
                assert fold(reply.split()[-1]).strip(".?!") in text
            # The additions address the customer by name once at most, however many model
            # replies they borrow from.
            first = fold(scenario.customer.first_name)
            named = [
                p
                for p in rewrite.added
                if re.search(rf"(?<!\w){re.escape(first)}(?!\w)", fold(p.text))
            ]
            assert len(named) <= 1, (scenario.id, reply, rewrite.marked())


def test_says_back_the_facts_the_customer_gave_in_second_person(
    scenarios: list[Scenario],
) -> None:
    noor = next(s for s in scenarios if s.id == "gym-frozen-membership")
    ctx = _context(noor, [noor.opening, noor.stages[0].lines[0]])
    assert set(ctx.said_ids) == {"froze", "charged"}
    rewrite = improve(noor, "Let me look into it.", WEAK, {}, [], "charges", ctx)
    listening = next(p.text for p in rewrite.added if p.adds == "listening")
    assert "you froze your membership in May before knee surgery" in listening
    assert "you have been charged 49 pounds twice" in listening
    # The fix stage's offer names Benedikt and October, which Noor has not said: those
    # clauses are left out, the refund stays.
    offer = next(p.text for p in rewrite.added if p.adds == "offer")
    assert "refunded both payments" in offer
    assert "Benedikt" not in rewrite.text and "October" not in rewrite.text
    assert rewrite.text.startswith("Noor, ")
    assert "«Noor,»" in rewrite.marked() and "Let me look into it." in rewrite.marked()


def test_the_anniversary_never_gets_lucia_or_the_curtains_before_they_are_said(
    scenarios: list[Scenario],
) -> None:
    tomas = next(s for s in scenarios if s.id == "hospitality-anniversary-room")
    lines = [tomas.opening, tomas.stages[0].lines[0], "It's our twentieth anniversary."]
    ctx = _context(tomas, lines)
    assert "lucia" not in ctx.said_ids and "anniversary" in ctx.said_ids
    rewrite = improve(tomas, "We're fully booked.", WEAK, {}, [], "the-occasion", ctx)
    assert "Lucía" not in rewrite.text and "curtains" not in rewrite.text
    assert "twentieth wedding anniversary" in rewrite.text
    assert "We're fully booked." in rewrite.text


def test_a_strong_reply_gets_nothing_added(scenarios: list[Scenario]) -> None:
    dana = next(s for s in scenarios if s.id == "retail-laptop-repair")
    ctx = _context(dana, [dana.opening])
    strong = dict.fromkeys(WEAK, 90)
    reply = dana.stages[0].strong_replies[0]
    rewrite = improve(dana, reply, strong, {"apologized": True}, [], dana.stages[0].id, ctx)
    assert rewrite.added == [] and rewrite.text == reply


def test_no_safe_offer_leaves_a_marked_gap(scenarios: list[Scenario]) -> None:
    noor = next(s for s in scenarios if s.id == "gym-frozen-membership")
    # Nothing said yet but the opening: "98 pounds"... is safe, "refunded both payments" too;
    # so take a scenario whose only offer needs an unsaid detail by stripping the refund.
    data = noor.model_copy(deep=True)
    data.stages[1].strong_replies = ["I'll extend the freeze to October, as Benedikt advised."]
    ctx = _context(data, [data.opening])
    rewrite = improve(data, "Right.", WEAK, {}, [], "charges", ctx)
    offer = [p for p in rewrite.added if p.adds == "offer"]
    assert offer and offer[0].gap and offer[0].text == GAP_OFFER
    assert "October" not in rewrite.text


@pytest.mark.parametrize(
    ("coach", "said"),
    [
        ("She has one insulin pen left.", "You have one insulin pen left"),
        ("He has just finished a night shift and hasn't slept.", None),
        ("His rent goes out on the 3rd, so he is worried.", None),
        ("She wants a named person to call her, and a time.", None),
    ],
)
def test_second_person(scenarios: list[Scenario], coach: str, said: str | None) -> None:
    noor = next(s for s in scenarios if s.id == "gym-frozen-membership")  # she
    tomas = next(s for s in scenarios if s.id == "hospitality-anniversary-room")  # he
    scenario = noor if coach.startswith("She") else tomas
    out = second_person(coach, scenario)
    expected = {
        "He has just finished a night shift and hasn't slept.": (
            "You have just finished a night shift and haven't slept"
        ),
        "His rent goes out on the 3rd, so he is worried.": (
            "Your rent goes out on the 3rd, so you are worried"
        ),
        "She wants a named person to call her, and a time.": (
            "You want a named person to call you, and a time"
        ),
    }
    assert out == (said or expected[coach])


def _turn(idx: int, role: str, text: str, **extra: Any) -> TurnRow:
    return TurnRow(session_id="s", idx=idx, role=role, text=text, **extra)  # type: ignore[arg-type]


def test_debrief_alternative_is_never_the_trainees_own_reply(scenarios: list[Scenario]) -> None:
    dana = next(s for s in scenarios if s.id == "retail-laptop-repair")
    stock = dana.stages[0].strong_replies[0]
    turns = [
        _turn(0, "customer", dana.opening, facts_said=facts_in(dana.opening, dana.facts)),
        _turn(
            1,
            "employee",
            "  " + stock.upper() + " ",
            scores={"listening": 30, "acknowledgement": 30, "apology": 20, "personalization": 30},
            stage_id=dana.stages[0].id,
            model_reply=stock,
            signals={},
        ),
    ]
    debrief = build_debrief(dana, turns, [], None)
    weak = debrief.weakest
    assert weak is not None
    norm = " ".join(re.findall(r"\w+", stock.lower()))
    for text in (weak.another_way, weak.better_reply):
        assert text is None or " ".join(re.findall(r"\w+", text.lower())) != norm


def test_debrief_lists_retries_and_hints(
    scenarios: list[Scenario], fake_grader: Any, store: Any
) -> None:
    from trainer.customer import make_backend
    from trainer.engine.session import Session

    dana = next(s for s in scenarios if s.id == "retail-laptop-repair")
    session = Session.start(dana, "ana", store, fake_grader, make_backend("scripted"), seed=1)
    session.submit("Did you bring your receipt?")
    assert session.undo()
    session.submit("Did you bring your receipt? I'm sorry, that must be stressful.")
    session.hint()
    session.submit("Dana, this is your third visit and it broke again. I'll replace it today.")
    debrief = session.debrief()
    [retry] = debrief.retries
    assert retry.first == "Did you bring your receipt?"
    assert retry.then and retry.then.startswith("Did you bring your receipt? I'm sorry")
    assert any("sorry" in a for a in retry.added) and retry.change and retry.change > 0
    [hint] = debrief.hints
    assert hint.number == 2 and hint.reply.startswith("Dana, this is your third visit")
    live = [t for t in session.turns if t.role == "employee"]
    means = [round(sum((t.scores or {}).values()) / 4, 1) for t in live]
    assert (hint.before, hint.after) == (means[0], means[1])
    third, paid = (
        "This is her third visit for the same repair.",
        "She paid 180 dollars for the repair.",
    )
    assert third in hint.suggested and paid in hint.suggested
    assert hint.picked_up == [third]  # "third visit" said back, the 180 dollars not
    text = debrief.as_text()
    assert "Taken back" in text and "Hint:" in text


@pytest.fixture(name="store")
def store_fixture(tmp_path: Any) -> Any:
    from trainer.store import open_store

    opened = open_store(f"sqlite:///{tmp_path / 'coach.db'}")
    yield opened
    opened.close()


def test_the_weakest_replys_reason_quotes_what_the_customer_heard(
    scenarios: list[Scenario],
) -> None:
    """A talking-down reply is summed up by what it did, in its own words, not by a score."""
    from trainer.tui.practice.feedback import feedback_content

    dana = next(s for s in scenarios if s.id == "retail-laptop-repair")
    clause = "Honestly, most people would have noticed the flicker sooner."
    scores = {"listening": 11, "acknowledgement": 6, "apology": 0, "personalization": 13}
    rude = _turn(
        1, "employee", f"I can look again. {clause}", scores=scores, stage_id=dana.stages[0].id,
        signals={"belittle": True}, evidence={"listening": "carries back nothing", "belittle": clause},
    )  # fmt: skip
    kind = _turn(
        3, "employee", "Third visit for the same flicker, I'm sorry. I'll replace the panel today.",
        scores=dict.fromkeys(scores, 80), stage_id=dana.stages[0].id, signals={},
    )  # fmt: skip
    turns = [_turn(0, "customer", dana.opening), rude, _turn(2, "customer", "Wow."), kind]
    weak = build_debrief(dana, turns, [], None).weakest
    assert weak is not None and weak.idx == 1
    assert weak.reason == f"talking down to them: “{clause}”"
    shown = feedback_content(rude).plain
    assert "What the customer heard" in shown and f"Talking down to them: “{clause}”" in shown
    assert "What the customer heard" not in feedback_content(kind).plain


def test_the_rewrite_does_not_add_a_feeling_the_reply_already_names(
    scenarios: list[Scenario],
) -> None:
    jordan = next(s for s in scenarios if s.id == "finance-overdraft-fees")
    reply = "That's not embarrassing at all - thanks for coming in."
    scores = {"listening": 23, "acknowledgement": 46, "apology": 0, "personalization": 20}
    turns = [
        _turn(0, "customer", jordan.opening),
        _turn(1, "employee", reply, scores=scores, stage_id=jordan.stages[0].id, signals={}),
    ]
    weak = build_debrief(jordan, turns, [], None).weakest
    assert weak is not None and weak.improved is not None
    assert weak.improved.text.lower().count("embarrassing") == 1, weak.improved.text
