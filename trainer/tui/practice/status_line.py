"""What the practice screen's status line says, most urgent first: a load error, the end of the
conversation, a missing answer, the customer typing, models loading, scoring, or your turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.engine.session import Session
    from trainer.tui.app import TrainerApp

OUTCOME_WORDS: dict[str | None, str] = {
    "resolved": "resolved: the customer is satisfied",
    "walked_out": "the customer walked out",
    "out_of_turns": "out of time",
    None: "ended early",
}


def status_line(
    app: TrainerApp,
    session: Session | None,
    *,
    first_name: str,
    finished: bool,
    no_answer: str | None,
    busy: bool,
    customer_typing: bool,
) -> tuple[str, float | None]:
    """The status text and the load bar's fraction (None: no bar)."""
    fraction = None
    if app.load_error:
        text = f"Cannot load: {app.load_error}"
    elif finished:
        outcome = session.outcome if session else None
        text = f"Conversation over ({OUTCOME_WORDS.get(outcome, outcome)}). ctrl+d: debrief"
    elif no_answer and not busy:
        text = f"{first_name} did not answer: {no_answer} · Enter: try again"
    elif customer_typing:
        text = f"{first_name} is typing…"
    elif not app.models_ready:
        wait = "your reply will go when ready" if busy else "you can type"
        text = f"{wait} · {app.load_text}"
        fraction = app.load_fraction
    elif busy:
        text = "Scoring your reply…"
    else:
        text = "Your turn · ctrl+f feedback · ctrl+g hint · F1 help"
    return text, fraction
