"""The scripted customer: mood-following, non-repeating, reproducible lines."""

from __future__ import annotations

from typing import Any

import pytest

from trainer.customer import CustomerContext, CustomerError, make_backend, script_line
from trainer.customer.scripted import mood_tone
from trainer.types import Turn


def _ctx(scenario: Any, stage: int = 0, **kw: Any) -> CustomerContext:
    base: dict[str, Any] = dict(
        scenario=scenario,
        stage=scenario.stages[stage],
        mood=60,
        mood_change=0,
        history=[Turn("customer", scenario.opening)],
        revealed_facts=[],
    )
    base.update(kw)
    return CustomerContext(**base)


def test_calm_and_angry_moods_pick_their_own_lines(scenario: Any) -> None:
    stage = scenario.stages[0]
    calm = script_line(_ctx(scenario, mood=30, mood_change=-10))
    angry = script_line(_ctx(scenario, mood=90, mood_change=10))
    assert calm in stage.calmer_lines
    assert angry in stage.angrier_lines
    assert mood_tone(_ctx(scenario, mood=60, mood_change=0)) == "neutral"
    # A big fall in one turn sounds calmer even while the level is still high.
    assert mood_tone(_ctx(scenario, mood=85, mood_change=-12)) == "calmer"


def test_never_the_same_line_twice_in_a_row(scenario: Any) -> None:
    stage = scenario.stages[0]
    angry_only = stage.angrier_lines[0]
    ctx = _ctx(scenario, mood=95, mood_change=10, history=[Turn("customer", angry_only)])
    for turn in range(10):
        ctx.turn_index = turn
        assert script_line(ctx) != angry_only


def test_seed_and_turn_make_lines_reproducible(scenario: Any) -> None:
    lines_a = [script_line(_ctx(scenario, 1, seed=7, turn_index=i)) for i in range(8)]
    lines_b = [script_line(_ctx(scenario, 1, seed=7, turn_index=i)) for i in range(8)]
    assert lines_a == lines_b
    assert len(set(lines_a)) > 1, "turn index should vary the choice among the stage's lines"


@pytest.mark.parametrize(
    ("purpose", "attr"),
    [
        ("resolved", "resolved_line"),
        ("walked_out", "walkout_line"),
        ("out_of_turns", "out_of_turns_line"),
    ],
)
def test_endings_use_the_scenario_lines(scenario: Any, purpose: str, attr: str) -> None:
    backend = make_backend("scripted")
    chunks: list[str] = []
    line = backend.respond(_ctx(scenario, purpose=purpose), on_chunk=chunks.append)
    assert line.text == getattr(scenario.ending, attr)
    assert line.source == "script"
    assert "".join(chunks) == line.text


def test_unknown_backend_and_missing_url_are_clear_errors() -> None:
    with pytest.raises(CustomerError, match="unknown customer backend 'gpt'"):
        make_backend("gpt")
    with pytest.raises(CustomerError, match="--customer-url"):
        make_backend("openai")
