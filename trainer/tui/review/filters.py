"""The sessions table's filter bar and the filter it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input

from trainer.report import status
from trainer.store import SessionSummary
from trainer.store.filters import words_match
from trainer.store.outcomes import outcome_words

FIELDS: tuple[tuple[str, str], ...] = (
    ("trainee", "trainee"),
    ("scenario", "scenario"),
    ("sector", "sector"),
    ("date_from", "from YYYY-MM-DD"),
    ("date_to", "to YYYY-MM-DD"),
    ("outcome", "outcome"),
)


@dataclass(frozen=True)
class SessionFilter:
    """Whole-word, any-case matches (store/filters.py, as on the CLI) plus an inclusive date
    range (UTC days)."""

    trainee: str = ""
    scenario: str = ""
    sector: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""

    def matches(self, s: SessionSummary) -> bool:
        day = (s.started if s.started.tzinfo else s.started.replace(tzinfo=UTC)).astimezone(UTC)
        outcome = status(s)
        return (
            words_match(self.trainee, s.trainee)
            and (
                words_match(self.scenario, s.scenario_id)
                or words_match(self.scenario, s.scenario_title)
            )
            and words_match(self.sector, s.sector)
            and (
                words_match(self.outcome, outcome)
                or words_match(self.outcome, outcome_words(outcome))
            )
            and (self.date_from is None or day.date() >= self.date_from)
            and (self.date_to is None or day.date() <= self.date_to)
        )


def _date(text: str) -> date | None:
    """A typed date; raises ValueError on anything but an empty box or YYYY-MM-DD."""
    text = text.strip()
    return datetime.strptime(text, "%Y-%m-%d").date() if text else None


class FilterBar(Horizontal):
    """One input per filter; posts `FilterBar.Changed` whenever a valid filter is typed."""

    @dataclass
    class Changed(Message):
        """The filter the table should apply now."""

        filter: SessionFilter

    def compose(self) -> ComposeResult:
        for field, placeholder in FIELDS:
            yield Input(placeholder=placeholder, id=f"filter-{field}", classes="review-filter")

    def current(self) -> SessionFilter:
        """The filter typed so far; invalid dates are ignored (and the box marked)."""
        values: dict[str, str] = {f: self.query_one(f"#filter-{f}", Input).value for f, _ in FIELDS}
        dates: dict[str, date | None] = {}
        for key in ("date_from", "date_to"):
            box = self.query_one(f"#filter-{key}", Input)
            try:
                dates[key] = _date(values[key])
                box.remove_class("-bad-date")
            except ValueError:
                dates[key] = None
                box.add_class("-bad-date")
        return SessionFilter(
            trainee=values["trainee"].strip(),
            scenario=values["scenario"].strip(),
            sector=values["sector"].strip(),
            outcome=values["outcome"].strip(),
            **dates,
        )

    @on(Input.Changed, ".review-filter")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.current()))
