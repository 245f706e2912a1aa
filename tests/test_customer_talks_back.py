"""The default customer model as shipped reacts to what the employee just did.

Real model (loaded once per session), the engine's own intent, and every assertion counts
only model-written lines (`source == "model"`), so the scripted fallback cannot pass these.
The first-sentence floor is off here: these tests probe what the model itself writes (the
shipped pipeline hands doubtful first sentences to the reacting script; models/README.md).
Thresholds sit well below what the tuned model does on this machine (8 seeds: answers 2,
pushes back 7, mentions the offer 5; the base model 1, 3, 0), because CPUs without native
bf16 sample in fp32 and draw different lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.test_customer_model import _calmness
from trainer.customer import CustomerContext
from trainer.customer.filter import invented
from trainer.customer.reactions import allowed_context
from trainer.customer.scripted import script_line
from trainer.engine.intent import build_intent
from trainer.types import Turn

pytestmark = pytest.mark.slow
SEEDS = tuple(range(1, 9))
PUSHBACK = re.compile(
    r"\b(no|not|don'?t|didn'?t|never|wasn'?t|isn'?t|how dare|excuse me|blame|"
    r"ridiculous|unbelievable|seriously|what\?)\b",
    re.I,
)


@pytest.fixture(scope="module")
def raw_customer(model_customer: Any) -> Iterator[Any]:
    """The shipped model with the first-sentence floor off (see the module docstring)."""
    floor = model_customer.first_sentence_floor
    model_customer.first_sentence_floor = 0.0
    yield model_customer
    model_customer.first_sentence_floor = floor


def _ctx(scenario: Any, reply: str, stage: int, mood: int, change: int, seed: int) -> Any:
    history = [Turn("customer", scenario.opening), Turn("employee", reply)]
    ctx = CustomerContext(
        scenario=scenario,
        stage=scenario.stages[stage],
        mood=mood,
        mood_change=change,
        history=history,
        revealed_facts=[scenario.fact("third-visit")],
        turn_index=1,
        seed=seed,
    )
    open_ids = [f for s in scenario.stages[: stage + 1] for f in s.reveals]
    ctx.intent = build_intent(
        scenario, reply, {}, {}, history, open_ids, ["third-visit"],
        scenario.stages[stage].reveals, script_line(ctx),
    )  # fmt: skip
    return ctx


def _lines(
    raw_customer: Any, scenario: Any, reply: str, stage: int, mood: int, change: int
) -> list[Any]:
    return [
        raw_customer.respond(_ctx(scenario, reply, stage, mood, change, seed)) for seed in SEEDS
    ]


def _model_lines(lines: list[Any]) -> list[str]:
    return [x.text for x in lines if x.source == "model"]


def test_a_question_about_a_fact_is_answered_with_it(raw_customer: Any, scenario: Any) -> None:
    lines = _lines(raw_customer, scenario, "Can you tell me more about the flicker?", 0, 70, -2)
    answered = [x for x in lines if x.source == "model" and "flicker" in x.facts_said]
    assert len(answered) >= 1, [(x.source, x.text) for x in lines]
    # And the line that goes out always answers: the model's, or the script's words added.
    shipped = [x for x in lines if "flicker" in x.facts_said]
    assert len(shipped) == len(lines), [(x.source, x.text) for x in lines]


def test_a_blamed_customer_pushes_back(raw_customer: Any, scenario: Any) -> None:
    lines = _lines(
        raw_customer, scenario, "That's your own fault, you must have dropped it.", 0, 88, 12
    )
    pushed = [t for t in _model_lines(lines) if PUSHBACK.search(t)]
    assert len(pushed) >= 4, [(x.source, x.text) for x in lines]


def test_an_apology_with_an_offer_calms_and_is_mentioned(raw_customer: Any, scenario: Any) -> None:
    offer = "I'm sorry, Dana. I'll replace the panel today and lend you a laptop for Friday."
    good = _lines(raw_customer, scenario, offer, 2, 40, -14)
    bad = _lines(
        raw_customer, scenario, "That's your own fault, you must have dropped it.", 2, 88, 12
    )
    good_text, bad_text = _model_lines(good), _model_lines(bad)
    assert len(good_text) >= 4 and bad_text, [(x.source, x.text) for x in good]
    assert _calmness(good_text, scenario) > _calmness(bad_text, scenario)
    mentions = [
        t for t in good_text if re.search(r"\b(panel|laptop|today|friday|replace|lend)", t, re.I)
    ]
    assert len(mentions) >= 3, good_text


def test_no_invented_numbers_over_fixed_seeds(raw_customer: Any, scenario: Any) -> None:
    replies = [
        ("What did it cost you last time?", 0, 75, 0),
        ("How many times has this happened?", 0, 75, 0),
        ("When do you need it by?", 1, 65, -3),
    ]
    model = 0
    for reply, stage, mood, change in replies:
        for line in _lines(raw_customer, scenario, reply, stage, mood, change):
            ctx = _ctx(scenario, reply, stage, mood, change, 1)
            assert invented(line.text, allowed_context(ctx, ctx.intent)) is None, line.text
            model += line.source == "model"
    assert model >= len(replies) * len(SEEDS) // 2, "most lines must be the model's own"
