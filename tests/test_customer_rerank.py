"""Reranking with the real MiniLM: specific, coherent customer lines beat filler and drift."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.customer.base import CustomerContext
from trainer.customer.choose import choose
from trainer.customer.rerank import Reranker, default_embed, fact_hits
from trainer.types import Turn

# torch, transformers and the MiniLM are imported on one xdist worker only (the
# `--dist loadgroup` in pyproject.toml keeps a group on one worker).
pytestmark = pytest.mark.xdist_group("torch")

REPLY = "Dana, this is your third visit for the same flicker after you paid. I'd be furious too."


@pytest.fixture(scope="module")
def reranker() -> Reranker:
    return Reranker(default_embed())


def _ctx(scenario: Any, reply: str = REPLY) -> CustomerContext:
    return CustomerContext(
        scenario=scenario,
        stage=scenario.stages[0],
        mood=58,
        mood_change=-12,
        history=[Turn("customer", scenario.opening), Turn("employee", reply)],
        revealed_facts=[scenario.fact(f) for f in ("third-visit", "flicker", "paid")],
        seed=3,
        turn_index=1,
    )


def test_fact_hits_count_distinct_revealed_keywords() -> None:
    keys = ["third", "flicker", "screen", "paid"]
    assert fact_hits("Third time and the screen still flickers.", keys) == 3
    assert fact_hits("I don't know what to do.", keys) == 0


def test_specific_line_beats_generic_filler(scenario: Any, reranker: Reranker) -> None:
    ctx = _ctx(scenario)
    intent = scenario.stages[0].calmer_lines[0]
    # The kind of filler SmolLM2 writes at every turn vs a line about her laptop.
    specific = "Okay. Third time, and it still flickers. I need it fixed this time."
    filler = "I'm not sure what to do. I don't know."
    ranked = reranker.rank(ctx, intent, [filler, specific])
    assert ranked[0].text == specific
    assert ranked[0].fact_hits >= 2 and ranked[1].generic > ranked[0].generic


def test_lines_unrelated_to_goal_and_reply_fall_back_to_the_script(
    scenario: Any, reranker: Reranker
) -> None:
    ctx = _ctx(scenario)
    intent = scenario.stages[0].calmer_lines[0]
    drift = "I'm not a flight. I just need it."  # a real line from another scenario's run
    picked = choose(ctx, intent, [drift], reranker)
    assert picked.source == "script" and picked.text is None
    assert picked.rejected and picked.rejected[0][0] == drift
    assert picked.rejected[0][1].startswith(("off topic", "unrelated"))
    ok = choose(ctx, intent, ["Okay. Yes. Third time, same flicker, and I paid for it."], reranker)
    assert ok.source == "model"


def test_reassurance_never_reaches_the_trainee(scenario: Any, reranker: Reranker) -> None:
    ctx = _ctx(scenario)
    intent = scenario.stages[0].calmer_lines[0]
    bad = "It's not a problem, you just have to wait for the right time. I'm back now."
    picked = choose(ctx, intent, [bad], reranker)
    assert picked.text is None
    assert picked.rejected == [(bad, "reassures like the employee")]
