"""Why the conversation moved as it did: per reply and at the end (`run --explain`).

Reads only what the engine already decided (the stored turns, the mood step, the state), so
the explanation is the same on resume and never disagrees with what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trainer.engine.mood import MoodStep
from trainer.engine.rules import State
from trainer.scenarios import Scenario, Stage

if TYPE_CHECKING:
    from trainer.engine.session import Session


def stage_conditions(stage: Stage, scores: Mapping[str, int], state: State) -> list[str]:
    """Each of the stage's advance conditions, met or not, in words."""
    when = stage.advance_when
    out = []
    for dim, need in when.min_scores.items():
        got = scores.get(dim, 0)
        out.append(f"{dim} {got} {'>=' if got >= need else '<'} {need}")
    if when.apology:
        out.append("a sincere apology " + ("made" if state.apologized else "not made yet"))
    if when.offer:
        out.append("a concrete offer " + ("made" if state.offered else "not made yet"))
    if when.max_turns is not None:
        out.append(f"moves on anyway after {when.max_turns} replies in the stage")
    return out


def ending_conditions(scenario: Scenario, state: State) -> list[str]:
    """Each condition a resolution needs, met or not, against its threshold."""
    ending = scenario.ending
    mood_ok = state.mood <= ending.resolve_at
    out = [f"mood {state.mood} {'<=' if mood_ok else '>'} resolve_at {ending.resolve_at}"]
    if not ending.early:
        last = scenario.stages[-1].id
        out.append(f"final stage '{last}' " + ("done" if state.final_done else "not done yet"))
    needs = ending.requires
    if "apology" in needs:
        out.append("apology " + ("made" if state.apologized else "not made yet") + " (required)")
    if "offer" in needs:
        out.append("offer " + ("made" if state.offered else "not made yet") + " (required)")
    if "all_stages" in needs:
        missing = [s.id for s in scenario.stages if s.id not in state.completed]
        out.append("all stages done" if not missing else f"stages not done: {', '.join(missing)}")
    out.append(
        f"walks out at mood >= {ending.walkout_at}; {state.replies} of {ending.max_turns} replies used"
    )
    return out


def explain_reply(
    scenario: Scenario,
    stage_before: Stage,
    stage_after: Stage,
    scores: Mapping[str, int],
    step: MoodStep | None,
    state: State,
    intent: Mapping[str, Any] | None,
    signals: Mapping[str, bool] | None = None,
    facts_said: list[str] | None = None,
) -> dict[str, Any]:
    """One reply: the mood move and its reasons, the stage decision, the ending's conditions,
    the reply's signals, and what the customer did and said."""
    advanced = stage_after.id != stage_before.id
    return {
        "mood": {
            "before": step.before if step else None,
            "after": step.after if step else None,
            "reasons": list(step.reasons) if step else [],
        },
        "stage": {
            "was": stage_before.id,
            "now": stage_after.id,
            "advanced": advanced,
            "conditions": stage_conditions(stage_before, scores, state),
        },
        "ending": ending_conditions(scenario, state),
        "signals": sorted(k for k, on in (signals or {}).items() if on),
        "customer": {
            "reacted_to": (intent or {}).get("react"),
            "answered": (intent or {}).get("answer"),
            "facts_said": list(facts_said or []),
        },
    }


def explain_ending(scenario: Scenario, state: State, outcome: str | None) -> list[str]:
    """Why the conversation resolved, or what stood in the way."""
    ending = scenario.ending
    if outcome == "resolved":
        final = "" if ending.early else ", the final stage was done"
        return [
            f"resolved: mood {state.mood} <= {ending.resolve_at}{final} and every requirement held"
        ]
    if outcome == "walked_out":
        return [f"walked out: mood {state.mood} reached {ending.walkout_at}"]
    why = []
    if state.mood > ending.resolve_at:
        why.append(f"mood {state.mood} is above the resolve mark {ending.resolve_at}")
    if not ending.early and not state.final_done:
        last = scenario.stages[-1]
        where = "reached" if state.stage_index == len(scenario.stages) - 1 else "not reached"
        why.append(f"the final stage '{last.id}' is not done ({where} yet)")
    needs = ending.requires
    if "apology" in needs and not state.apologized:
        why.append("no sincere apology yet (required)")
    if "offer" in needs and not state.offered:
        why.append("no concrete offer yet (required)")
    if "all_stages" in needs:
        missing = [s.id for s in scenario.stages if s.id not in state.completed]
        if missing:
            why.append(f"stages not completed: {', '.join(missing)} (required)")
    if outcome == "out_of_turns":
        why.insert(0, f"out of turns after {ending.max_turns} replies")
    return why or ["not decided yet"]


def explain_last(session: Session) -> dict[str, Any]:
    """Why the session's last exchange went as it did (`run --explain`)."""
    turns = session.turns
    employee = next(t for t in reversed(turns) if t.role == "employee")
    customer = turns[-1] if turns[-1].role == "customer" else None
    before = next(s for s in session.scenario.stages if s.id == employee.stage_id)
    return explain_reply(
        session.scenario,
        before,
        session.stage,
        employee.scores or {},
        session.last_step,
        session.state,
        customer.intent if customer else None,
        signals=employee.signals,
        facts_said=customer.facts_said if customer else None,
    )


def explain_session_ending(session: Session) -> list[str]:
    """Why the session resolved, or what stood in the way."""
    return explain_ending(session.scenario, session.state, session.outcome)


def describe(why: Mapping[str, Any]) -> list[str]:
    """An explain_reply result in words, one line per part (run --explain, the TUI)."""
    mood, stage, customer = why["mood"], why["stage"], why["customer"]
    reasons = ", ".join(mood["reasons"]) or "no strong signal either way"
    lines = [f"mood {mood['before']} -> {mood['after']} ({reasons})"]
    moved = "moved to" if stage["advanced"] else "stays in"
    lines.append(f"{moved} stage {stage['now']}: {'; '.join(stage['conditions'])}")
    lines.append(f"ending: {'; '.join(why['ending'])}")
    lines.append(f"signals: {', '.join(why['signals']) or 'none'}")
    answered = f", answering with {customer['answered']!r}" if customer["answered"] else ""
    lines.append(f"the customer reacted to {customer['reacted_to']}{answered}")
    if customer["facts_said"]:
        lines.append(f"facts said: {', '.join(customer['facts_said'])}")
    return lines
