"""The conversation's state machine: stage advance, fact reveals and the end check.

Pure and deterministic: the engine feeds it each graded reply (scores, signals, new mood), and
resume/undo rebuild the same state by feeding it the stored turns again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from trainer.scenarios import Fact, Scenario, Stage
from trainer.types import MAX_REPLY_CHARS

Outcome = str  # "resolved" | "walked_out" | "out_of_turns"


def check_reply(text: str) -> str:
    """The reply stripped, or ValueError with one line saying what is wrong with it."""
    reply = text.strip()
    if not reply:
        raise ValueError("the reply is empty; write what you would say to the customer")
    if len(reply) > MAX_REPLY_CHARS:
        raise ValueError(
            f"the reply is {len(reply):,} characters; the limit is {MAX_REPLY_CHARS:,}"
        )
    for ch in reply:
        if ch not in "\t\n" and unicodedata.category(ch) == "Cc":
            raise ValueError(f"the reply contains a control character ({ch!r}); use plain text")
    return reply


def _stage_facts(scenario: Scenario) -> set[str]:
    return {fid for stage in scenario.stages for fid in stage.reveals}


def facts_due_at(scenario: Scenario, stage_index: int) -> list[str]:
    """Fact ids whose time has come by stage `stage_index`, gated or not: background no stage
    reveals, then each stage's reveals up to and including that one."""
    staged = _stage_facts(scenario)
    ids = [f.id for f in scenario.facts if f.id not in staged]
    for stage in scenario.stages[: stage_index + 1]:
        ids += [fid for fid in stage.reveals if fid not in ids]
    return ids


def facts_open_at(scenario: Scenario, stage_index: int) -> list[str]:
    """Fact ids the customer may give unprompted by stage `stage_index`: those due, less the
    gated ones (they open one by one, see State.open_gates)."""
    gated = {f.id for f in scenario.facts if f.gated}
    return [fid for fid in facts_due_at(scenario, stage_index) if fid not in gated]


def gate_open(fact: Fact, mood: int, asked: bool) -> bool:
    """Whether a gated fact's conditions hold now (all listed ones must)."""
    reveal = fact.reveal
    if reveal is None:
        return True
    if reveal.asked and not asked:
        return False
    return reveal.mood_below is None or mood < reveal.mood_below


def _lists_conditions(stage: Stage) -> bool:
    when = stage.advance_when
    return bool(when.min_scores) or when.apology or when.offer


@dataclass
class State:
    """Where a conversation stands after some number of employee replies."""

    mood: int
    stage_index: int = 0
    revealed: list[str] = field(default_factory=list)
    stage_replies: int = 0
    replies: int = 0
    apologized: bool = False
    offered: bool = False
    completed: set[str] = field(default_factory=set)
    outcome: Outcome | None = None
    last_change: int = 0
    said: list[str] = field(default_factory=list)
    """Facts the customer has actually said, in order (what the trainee can know)."""
    left_by: dict[str, str] = field(default_factory=dict)
    """How each stage left behind was left: "conditions" or "max_turns" (for check/explain)."""
    final_done: bool = False
    """The final stage's conditions have held on a reply in it (what a resolution needs)."""

    @classmethod
    def initial(cls, scenario: Scenario) -> State:
        """Before any reply: the opening reveals the first stage's facts and any fact no
        stage reveals (background the customer gives straight away)."""
        state = cls(mood=scenario.customer.mood)
        state.revealed = facts_open_at(scenario, 0)
        state.open_gates(scenario)
        return state

    def _reveal(self, scenario: Scenario, stage: Stage) -> None:
        gated = {f.id for f in scenario.facts if f.gated}
        for fid in stage.reveals:
            if fid not in self.revealed and fid not in gated:
                self.revealed.append(fid)

    def open_gates(self, scenario: Scenario) -> None:
        """Open the trust-gated facts (no `asked`) whose mood condition now holds."""
        for fid in self.askable(scenario, asked=False):
            self.revealed.append(fid)

    def askable(self, scenario: Scenario, asked: bool = True) -> list[str]:
        """Gated facts that are due and whose gate a question (asked=True) or the mood alone
        (asked=False) would open now."""
        due = facts_due_at(scenario, self.stage_index)
        by_id = {f.id: f for f in scenario.facts}
        return [
            fid
            for fid in due
            if fid not in self.revealed and by_id[fid].gated
            and gate_open(by_id[fid], self.mood, asked)
        ]  # fmt: skip

    def hear(self, fact_ids: list[str] | None) -> None:
        """Record facts a customer line said (a fact said is open from then on, whatever
        let it out: an answer to a question opens its gate this way)."""
        for fid in fact_ids or []:
            if fid not in self.said:
                self.said.append(fid)
            if fid not in self.revealed:
                self.revealed.append(fid)

    def stage(self, scenario: Scenario) -> Stage:
        return scenario.stages[self.stage_index]

    def revealed_facts(self, scenario: Scenario) -> list[Fact]:
        """Facts whose stage has come: the customer may say them when asked (the gate)."""
        by_id = {f.id: f for f in scenario.facts}
        return [by_id[fid] for fid in self.revealed if fid in by_id]

    def said_facts(self, scenario: Scenario) -> list[Fact]:
        """Facts the customer has said so far."""
        by_id = {f.id: f for f in scenario.facts}
        return [by_id[fid] for fid in self.said if fid in by_id]

    def apply(
        self,
        scenario: Scenario,
        scores: Mapping[str, int],
        signals: Mapping[str, bool],
        new_mood: int,
    ) -> bool:
        """Take one graded reply; returns True when the stage changed."""
        self.replies += 1
        self.stage_replies += 1
        self.last_change = new_mood - self.mood
        self.mood = new_mood
        self.apologized = self.apologized or bool(signals.get("apologized"))
        self.offered = self.offered or bool(signals.get("offered_repair"))
        stage = self.stage(scenario)
        met = self._conditions_met(stage, scores)
        last = self.stage_index == len(scenario.stages) - 1
        if last:
            # A final stage that lists no conditions is done after one reply in it.
            self.final_done = self.final_done or met or not _lists_conditions(stage)
            if self.final_done:
                self.completed.add(stage.id)
        changed = False
        limit = stage.advance_when.max_turns
        out_of_stage_turns = limit is not None and self.stage_replies >= limit
        if not last and (met or out_of_stage_turns):
            # Left by whatever path the coach allowed: it counts for `all_stages`.
            self.completed.add(stage.id)
            self.left_by[stage.id] = "conditions" if met else "max_turns"
            self.stage_index += 1
            self.stage_replies = 0
            self._reveal(scenario, self.stage(scenario))
            changed = True
        self.open_gates(scenario)
        self.outcome = self._end(scenario)
        return changed

    def _conditions_met(self, stage: Stage, scores: Mapping[str, int]) -> bool:
        when = stage.advance_when
        if not _lists_conditions(stage):
            # Only max_turns (or nothing): the stage lasts max_turns replies, or one.
            return when.max_turns is None
        return (
            all(scores.get(dim, 0) >= need for dim, need in when.min_scores.items())
            and (not when.apology or self.apologized)
            and (not when.offer or self.offered)
        )

    def _end(self, scenario: Scenario) -> Outcome | None:
        ending = scenario.ending
        if self.mood >= ending.walkout_at:
            return "walked_out"
        if (
            self.mood <= ending.resolve_at
            and self.requirements_met(scenario)
            and (ending.early or self.final_done)
        ):
            return "resolved"
        if self.replies >= ending.max_turns:
            return "out_of_turns"
        return None

    def requirements_met(self, scenario: Scenario) -> bool:
        """Whether the scenario's must-haves for a resolution have all happened."""
        needs = scenario.ending.requires
        return (
            ("apology" not in needs or self.apologized)
            and ("offer" not in needs or self.offered)
            and ("all_stages" not in needs or {s.id for s in scenario.stages} <= self.completed)
        )
