"""Evidence and tip for one graded reply, as a modal one key away from the practice screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.engine.coaching import harm_lines
from trainer.engine.explain import describe, explain_last
from trainer.tui.widgets.footer import Footer
from trainer.tui.widgets.levels import DIMENSIONS, LABELS, level

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.store import TurnRow


def feedback_content(turn: TurnRow, better: str | None = None) -> Content:
    """The reply, each score with its word and evidence, the tip and a better reply."""
    parts: list[str | tuple[str, str]] = [("Your reply", "bold"), "\n", f"“{turn.text}”", "\n"]
    scores = turn.scores or {}
    evidence = turn.evidence or {}
    for dim in DIMENSIONS:
        score = scores.get(dim)
        shown = "-" if score is None else str(score)
        parts += ["\n", (f"{LABELS[dim]}: {shown} ({level(score)})", "bold")]
        if evidence.get(dim):
            parts += ["\n", f"  {evidence[dim]}"]
    harms = harm_lines(turn)
    if harms:
        parts += ["\n\n", ("What the customer heard", "bold")]
        for line in harms:
            parts += ["\n", f"  {line[0].upper()}{line[1:]}"]
    if turn.tip:
        parts += ["\n\n", ("Tip", "bold"), "\n", turn.tip]
    if better:
        parts += ["\n\n", ("A stronger reply here", "bold"), "\n", f"“{better}”"]
    return Content.assemble(*parts)


def why_lines(session: Session | None, turn: TurnRow) -> list[str]:
    """The engine's explanation of the last exchange, when `turn` is its reply (else none)."""
    if session is None or not session.replies:
        return []
    last = next(t for t in reversed(session.turns) if t.role == "employee")
    return describe(explain_last(session)) if last.idx == turn.idx else []


def why_content(lines: list[str]) -> Content:
    """The engine's explanation of the last exchange (engine/explain.py), as written."""
    parts: list[str | tuple[str, str]] = [("Why it went this way", "bold")]
    for line in lines:
        parts += ["\n", f"• {line}"]
    return Content.assemble(*parts)


class FeedbackScreen(ModalScreen[None]):
    """Shows `feedback_content` for the latest graded reply; w shows why the mood and stage
    moved (the same explanation as `run --explain`); Escape closes."""

    BINDINGS = [
        Binding("escape,ctrl+f,f3,q", "dismiss", "Close"),
        Binding("w", "toggle_why", "Why"),
    ]

    def __init__(self, turn: TurnRow, better: str | None = None, why: list[str] | None = None):
        super().__init__()
        self.turn = turn
        self.better = better
        self.why = why or []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="feedback-body") as body:
            body.border_title = "Feedback on your last reply"
            yield Static(feedback_content(self.turn, self.better), id="feedback-text")
            why = Static(why_content(self.why), id="feedback-why")
            why.display = False
            yield why
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.why) if action == "toggle_why" else True

    def action_toggle_why(self) -> None:
        why = self.query_one("#feedback-why", Static)
        why.display = not why.display
        if why.display:
            self.query_one("#feedback-body", VerticalScroll).scroll_end(animate=False)
