"""The practice screen's side column: the customer's mood, the last reply's scores and where the
conversation stands, copied from the engine session (or, on resume, from the stored turns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from trainer.engine.heard import heard_quotes
from trainer.tui.practice.context_panel import ContextPanel
from trainer.tui.practice.mood_meter import MoodMeter
from trainer.tui.practice.score_chips import ScoreChips

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.scenarios import Scenario
    from trainer.store import TurnRow


class SidePanel(VerticalScroll):
    """Mood meter, score chips and context panel for one scenario's conversation."""

    def __init__(self, scenario: Scenario, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.scenario = scenario
        self._mood = scenario.customer.mood
        """The mood on show, to tell how far the last reply moved it."""

    def compose(self) -> ComposeResult:
        yield MoodMeter(id="mood")
        yield ScoreChips(id="chips")
        yield ContextPanel(id="context")

    def show_start(self) -> None:
        """The scenario as it begins: the customer's mood, the first stage, every reply left."""
        meter = self.query_one(MoodMeter)
        meter.name_shown = self.scenario.customer.name.split()[0]
        meter.walkout_at = self.scenario.ending.walkout_at
        meter.mood = self.scenario.customer.mood
        context = self.query_one(ContextPanel)
        context.stage_count = len(self.scenario.stages)
        context.goal = self.scenario.stages[0].goal
        context.turns_left = self.scenario.ending.max_turns

    def wait_for_stored(self) -> None:
        """Hidden until a resumed session's stored state arrives: never a frame of the start."""
        self.add_class("-loading")

    def show_scores(self, scores: dict[str, int] | None) -> None:
        self.query_one(ScoreChips).scores = scores

    def show_stored(self, turns: Sequence[TurnRow]) -> None:
        """A resumed session from the store: its mood, stage, replies left and facts said."""
        self.remove_class("-loading")
        moods = [t.mood for t in turns if t.mood is not None]
        if moods:
            self.query_one(MoodMeter).mood = self._mood = moods[-1]
        context = self.query_one(ContextPanel)
        ids = [s.id for s in self.scenario.stages]
        stage_id = next((t.stage_id for t in reversed(turns) if t.stage_id in ids), ids[0])
        context.stage_index = ids.index(stage_id)
        context.goal = self.scenario.stages[context.stage_index].goal
        replies = sum(1 for t in turns if t.role == "employee")
        context.turns_left = max(0, self.scenario.ending.max_turns - replies)
        context.facts = tuple(f"“{quote}”" for quote in heard_quotes(self.scenario, turns))

    def sync(self, session: Session) -> None:
        """Copy mood, stage, turns left and revealed facts from the engine into the panels."""
        meter = self.query_one(MoodMeter)
        meter.change = session.mood - self._mood if session.turns else 0
        meter.mood = self._mood = session.mood
        context = self.query_one(ContextPanel)
        stage = session.stage
        ids = [s.id for s in self.scenario.stages]
        stage_id = getattr(stage, "id", stage)
        context.stage_index = ids.index(stage_id) if stage_id in ids else 0
        context.goal = getattr(stage, "goal", "")
        context.turns_left = session.turns_left
        context.facts = tuple(f"“{quote}”" for quote in session.heard)
