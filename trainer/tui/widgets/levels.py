"""How scores and mood are named on screen: words first, colour as a second signal."""

from __future__ import annotations

from trainer.types import DIMENSIONS, LEVEL_FAIR, LEVEL_STRONG

LABELS: dict[str, str] = {
    "listening": "Listening",
    "acknowledgement": "Acknowledgement",
    "apology": "Apology",
    "personalization": "Personal touch",
}
SHORT: dict[str, str] = {
    "listening": "Listen",
    "acknowledgement": "Ack",
    "apology": "Apology",
    "personalization": "Personal",
}


def level(score: float | None) -> str:
    """'strong' (70+), 'fair' (40-69), 'weak' (<40) or 'none' before any score."""
    if score is None:
        return "none"
    if score >= LEVEL_STRONG:
        return "strong"
    if score >= LEVEL_FAIR:
        return "fair"
    return "weak"


def mood_word(mood: int, walkout_at: int = 100) -> str:
    """A plain word for the customer's mood (0 calm ... walkout_at gone)."""
    share = mood / max(walkout_at, 1)
    if share >= 0.85:
        return "about to leave"
    if share >= 0.6:
        return "angry"
    if share >= 0.4:
        return "tense"
    if share >= 0.2:
        return "calming"
    return "calm"


def bar(value: float, width: int, full: str = "█", empty: str = "░") -> str:
    """A text bar of `width` cells for a 0-100 value."""
    width = max(width, 1)
    filled = round(max(0.0, min(100.0, value)) / 100 * width)
    return full * filled + empty * (width - filled)


def scores_line(scores: dict[str, int] | None) -> str:
    """One compact line of the four scores with words, e.g. 'Listen 72 strong · ...'."""
    if not scores:
        return ""
    return " · ".join(f"{SHORT[d]} {scores[d]}" for d in DIMENSIONS if d in scores)


__all__ = ["DIMENSIONS", "LABELS", "SHORT", "bar", "level", "mood_word", "scores_line"]
