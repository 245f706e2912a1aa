"""`scenarios check`: what a coach must fix before trainees meet a scenario.

Two kinds of finding, each located in the YAML:

- static: an ending that cannot be reached in the turns allowed (stages, the mood cap), a
  stage no reply can reach, a fact no line says, a gated fact a stage line gives away, a
  customer line too long to say;
- played: the scenario's own strong replies are played through the scripted customer and
  must resolve it; its weak replies must not; each stage's `min_scores` must be met by its
  own strong replies (else the stage only ends by `max_turns`); weak replies must not pass a
  stage's thresholds.

Errors make the scenario unusable or misleading (exit 1); warnings are worth a look.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from trainer.customer.base import CustomerBackend
from trainer.customer.reactions import facts_in
from trainer.engine.mood import CALM_CAP
from trainer.engine.session import Session
from trainer.scenarios import Dimension, Scenario, locate
from trainer.store import Store
from trainer.types import Grader

Severity = Literal["error", "warning"]

EMPLOYEE_VOICE = re.compile(
    r"\b(how (can|may) i help|let me (check|look|see|fix|sort)|i'll (refund|fix|sort|look into|"
    r"check|replace)|we('ll| will) (refund|fix|replace|send)|i apologi[sz]e|we apologi[sz]e|"
    r"sorry for (any|the) inconvenience|our policy|thank you for (calling|your patience)|"
    r"is there anything else)\b",
    re.IGNORECASE,
)
"""Things an employee says: a customer line with one has slipped out of character (and the
model, which learns from the scenario's lines, slips with it)."""
MAX_LINE_WORDS = 30
"""A customer line is spoken: past about 30 words it reads as a letter (and the model's
prompt gets long)."""


@dataclass(frozen=True)
class Finding:
    """One problem in a scenario, at a place in its file."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    scenario: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Playthrough:
    """What happened when a scenario was played with its own strong or weak replies."""

    pick: str
    outcome: str | None
    replies: int
    stages_reached: int
    left_by: dict[str, str]
    facts_said: list[str]


def _finding(
    scenario: Scenario, loc: Sequence[str | int], severity: Severity, message: str
) -> Finding:
    where = locate(scenario, loc)
    return Finding(where.path, where.line, where.col, severity, message, scenario.id)


def _spoken_lines(scenario: Scenario) -> list[tuple[list[str | int], str]]:
    """(YAML path, text) of every line the customer may say as written."""
    out: list[tuple[list[str | int], str]] = [(["opening"], scenario.opening)]
    for si, stage in enumerate(scenario.stages):
        for key in ("lines", "calmer_lines", "angrier_lines"):
            for li, text in enumerate(getattr(stage, key)):
                out.append((["stages", si, key, li], text))
    for kind, lines in scenario.reactions.items():
        for li, text in enumerate(lines):
            out.append((["reactions", kind, li], text))
    return out


def static_findings(scenario: Scenario) -> list[Finding]:
    """Problems visible without playing: budgets, reveals, leaks, long lines."""
    found: list[Finding] = []
    ending = scenario.ending
    stages = len(scenario.stages)
    if stages > ending.max_turns:
        found.append(
            _finding(
                scenario,
                ["ending", "max_turns"],
                "error",
                f"unwinnable: {stages} stages need at least {stages} replies but max_turns is "
                f"{ending.max_turns}",
            )
        )
    cap = CALM_CAP[scenario.difficulty]
    needed = scenario.customer.mood - ending.resolve_at
    if needed > cap * ending.max_turns:
        found.append(
            _finding(
                scenario,
                ["ending", "resolve_at"],
                "error",
                f"unwinnable: mood must fall {needed} points but difficulty "
                f"{scenario.difficulty} calms at most {cap} per reply over {ending.max_turns}",
            )
        )
    for si, stage in enumerate(scenario.stages):
        if si >= ending.max_turns:
            found.append(
                _finding(
                    scenario,
                    ["stages", si, "id"],
                    "error",
                    f"stage '{stage.id}' cannot be reached within max_turns {ending.max_turns}",
                )
            )
    spoken = _spoken_lines(scenario)
    gated = {f.id for f in scenario.facts if f.gated}
    said_somewhere = {fid for _, text in spoken for fid in facts_in(text, scenario.facts)}
    for fi, fact in enumerate(scenario.facts):
        if fact.gated or fact.id in said_somewhere:
            continue
        if fact.says:
            message = (
                f"no line says fact '{fact.id}': the customer gives it only when asked; mark it "
                "`reveal: {asked: true}` if that is the point, or say it in a stage line"
            )
        else:
            message = (
                f"no line says fact '{fact.id}' and it has no `says:`; the trainee can never hear "
                "it - add `says:` or say it in a stage line"
            )
        found.append(_finding(scenario, ["facts", fi, "id"], "warning", message))
    says: list[tuple[list[str | int], str]] = [
        (["facts", fi, "says"], f.says) for fi, f in enumerate(scenario.facts) if f.says
    ]
    for loc, text in [*spoken, *says]:
        leaked = [fid for fid in facts_in(text, scenario.facts) if fid in gated]
        if leaked and loc[0] != "facts":
            found.append(
                _finding(
                    scenario,
                    loc,
                    "warning",
                    f"this line gives away gated fact '{leaked[0]}' before its gate opens",
                )
            )
        voice = EMPLOYEE_VOICE.search(text)
        if voice:
            found.append(
                _finding(scenario, loc, "warning", f"sounds like the employee ('{voice.group(0)}')")
            )
        words = len(text.split())
        if words > MAX_LINE_WORDS:
            found.append(
                _finding(
                    scenario,
                    loc,
                    "warning",
                    f"a {words}-word customer line; keep spoken lines under {MAX_LINE_WORDS}",
                )
            )
    return found


def play(
    scenario: Scenario,
    pick: str,
    store: Store,
    grader: Grader,
    customer: CustomerBackend,
    on_reply: Callable[[str, dict[str, int], Session], None] | None = None,
) -> Playthrough:
    """Answer every stage with its own strong (or weak) replies, in turn, until the end."""
    session = Session.start(scenario, "coach", store, grader, customer, seed=1)
    for n in range(scenario.ending.max_turns):
        if session.finished:
            break
        stage = session.stage
        pool = stage.strong_replies if pick == "strong" else stage.weak_replies
        if not pool:
            break
        exchange = session.submit(pool[n % len(pool)])
        if on_reply is not None:
            on_reply(stage.id, dict(exchange.employee.scores or {}), session)
    state = session.state
    return Playthrough(
        pick=pick,
        outcome=session.outcome,
        replies=session.replies,
        stages_reached=state.stage_index + 1,
        left_by=dict(state.left_by),
        facts_said=list(state.said),
    )


def _meets(scores: Mapping[str, int], need: Mapping[Dimension, int]) -> bool:
    return all(scores.get(dim, 0) >= bar for dim, bar in need.items())


def played_findings(
    scenario: Scenario, store: Store, grader: Grader, customer: CustomerBackend
) -> tuple[list[Finding], list[Playthrough]]:
    """Play strong and weak replies; flag a strong run that fails or a weak run that wins."""
    found: list[Finding] = []
    best: dict[str, list[dict[str, int]]] = {}
    weak_passes: dict[str, dict[str, int]] = {}

    def on_strong(stage_id: str, scores: dict[str, int], _: Session) -> None:
        best.setdefault(stage_id, []).append(scores)

    def on_weak(stage_id: str, scores: dict[str, int], _: Session) -> None:
        need = scenario.stages[[s.id for s in scenario.stages].index(stage_id)]
        bars = need.advance_when.min_scores
        if bars and _meets(scores, bars):
            weak_passes.setdefault(stage_id, scores)

    strong = play(scenario, "strong", store, grader, customer, on_strong)
    weak = play(scenario, "weak", store, grader, customer, on_weak)
    if strong.outcome != "resolved":
        found.append(
            _finding(
                scenario,
                ["ending"],
                "error",
                f"the scenario's own strong replies do not resolve it: {strong.outcome or 'unfinished'} "
                f"after {strong.replies} replies at stage {strong.stages_reached} of "
                f"{len(scenario.stages)}",
            )
        )
    if weak.outcome == "resolved":
        found.append(
            _finding(
                scenario,
                ["ending"],
                "error",
                f"the scenario's weak replies resolve it (in {weak.replies} replies)",
            )
        )
    for si, stage in enumerate(scenario.stages):
        bars = stage.advance_when.min_scores
        if si >= strong.stages_reached:
            found.append(
                _finding(
                    scenario,
                    ["stages", si, "id"],
                    "warning",
                    f"the strong replies never reach stage '{stage.id}'",
                )
            )
            continue
        tried = best.get(stage.id, [])
        if bars and tried and not any(_meets(s, bars) for s in tried):
            dim, bar = next((d, b) for d, b in bars.items() if max(s.get(d, 0) for s in tried) < b)
            top = max(s.get(dim, 0) for s in tried)
            found.append(
                _finding(
                    scenario,
                    ["stages", si, "advance_when", "min_scores", dim],
                    "warning",
                    f"stage '{stage.id}': its strong replies score {dim} {top} at best, below "
                    f"min_scores {bar}; the stage only ends by max_turns",
                )
            )
        if stage.id in weak_passes:
            found.append(
                _finding(
                    scenario,
                    ["stages", si, "weak_replies"],
                    "warning",
                    f"stage '{stage.id}': a weak reply meets its min_scores "
                    f"({weak_passes[stage.id]})",
                )
            )
    return found, [strong, weak]
