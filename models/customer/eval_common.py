"""Corpus example -> scenario and conversation moment, shared by the old and new pipelines.

Imports only what both the current tree and the pre-change tree (evaluate.OLD_COMMIT) have,
so the old pipeline can run it from `git archive` in a subprocess.
"""

from __future__ import annotations

import re
from typing import Any

TREND_CHANGE = {"calmer": -8, "steady": 0, "angrier": 8}
SEED = 20261201


def scenario_dict(ex: dict[str, Any]) -> dict[str, Any]:
    """A one-stage scenario holding exactly what the example's customer knows."""
    said = list(ex.get("said") or [])
    answer = ex["intent"].get("answer")
    facts = [*said]
    if answer and answer not in ("unknown", "not_yet") and answer not in facts:
        facts.append(answer)
    slug = re.sub(r"[^a-z0-9-]+", "-", ex["situation"].lower()).strip("-")[:70]
    opening = next((t["text"] for t in ex["history"] if t["role"] == "customer"), "Hello.")
    then = ex["intent"].get("then") or opening
    return {
        "id": slug,
        "version": 1,
        "title": ex["situation"],
        "sector": "other",
        "difficulty": 3,
        "summary": ex["persona"],
        "objectives": ["held-out evaluation"],
        "customer": {
            "name": ex["name"],
            "persona": ex["persona"],
            "voice": ex["voice"],
            "mood": int(ex["mood"]),
        },
        "facts": [{"id": f"f{i}", "text": f, "says": f} for i, f in enumerate(facts)],
        "opening": opening,
        "stages": [
            {
                "id": "now",
                "goal": ex["goal"],
                "lines": [then],
                "reveals": [f"f{i}" for i in range(len(facts))],
                "strong_replies": ["(not used in evaluation)"],
            }
        ],
        "ending": {
            "resolve_at": 5,
            "walkout_at": 100,
            "max_turns": 20,
            "resolved_line": "Fine.",
            "walkout_line": "I'm leaving.",
            "out_of_turns_line": "I've had enough.",
        },
    }


def context_for(ex: dict[str, Any], scenario: Any, with_intent: bool) -> Any:
    from trainer.customer.base import CustomerContext

    try:
        from trainer.types import Turn
    except ImportError:  # the pre-change tree
        from trainer.grader.base import Turn  # type: ignore[no-redef]

    history = [Turn(t["role"], t["text"]) for t in ex["history"]]
    history.append(Turn("employee", ex["reply"]))
    said = set(ex.get("said") or [])
    ctx = CustomerContext(
        scenario=scenario,
        stage=scenario.stages[0],
        mood=int(ex["mood"]),
        mood_change=TREND_CHANGE[ex["trend"]],
        history=history,
        revealed_facts=[f for f in scenario.facts if f.text in said],
        turn_index=len(history),
        seed=SEED,
    )
    if with_intent:
        from trainer.customer.base import LineIntent

        i = ex["intent"]
        ctx.intent = LineIntent(
            react=i.get("react") or "none",
            detail=i.get("detail"),
            answer=i.get("answer"),
            then=i.get("then") or "",
        )
    return ctx
