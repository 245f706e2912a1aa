"""One turn of a reviewed transcript: who said what, the scores with evidence, marks, notes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import ListItem, Static

from trainer.store import NoteRow, TurnRow
from trainer.types import DIMENSIONS

SHORT = {"listening": "LIS", "acknowledgement": "ACK", "apology": "APO", "personalization": "PER"}


def score_style(value: int) -> str:
    """Colour of a score: weak, fair or strong."""
    return "red" if value < 40 else "yellow" if value < 70 else "green"


def turn_text(turn: TurnRow, who: str, notes: list[NoteRow]) -> Text:
    """The rich text of one turn as the review screen shows it."""
    out = Text()
    out.append(f"{turn.idx:>2} ", style="dim")
    out.append(who, style="bold cyan" if turn.role == "customer" else "bold")
    if turn.role == "customer" and turn.mood is not None:
        out.append(f"  mood {turn.mood}", style="dim")
    if turn.retracted:
        out.append("  [retracted]", style="bold red")
    if turn.hint_used:
        out.append("  [hint used]", style="bold yellow")
    out.append("\n")
    out.append(turn.text, style="strike dim" if turn.retracted else "")
    if turn.scores:
        out.append("\n")
        for d in DIMENSIONS:
            v = turn.scores.get(d, 0)
            out.append(f"{SHORT[d]} ", style="dim")
            out.append(f"{v:>3}", style=score_style(v))
            out.append("  ")
    for d in DIMENSIONS:
        evidence = (turn.evidence or {}).get(d)
        if evidence:
            out.append(f"\n  {SHORT[d]}: {evidence}", style="italic dim")
    if turn.tip:
        out.append(f"\n  tip: {turn.tip}", style="italic")
    for note in notes:
        if note.turn_idx == turn.idx:
            out.append(f"\n  ✎ {note.author}: {note.text}", style="bold magenta")
    return out


class TurnItem(ListItem):
    """A selectable transcript entry (notes attach to the highlighted one)."""

    def __init__(self, turn: TurnRow, who: str, notes: list[NoteRow]) -> None:
        super().__init__(
            classes=f"review-turn -{turn.role}" + (" -retracted" if turn.retracted else "")
        )
        self.turn = turn
        self._body = turn_text(turn, who, notes)

    def compose(self) -> ComposeResult:
        yield Static(self._body)
