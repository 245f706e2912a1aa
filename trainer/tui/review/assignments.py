"""Assignments in the review app: who was asked to practise what, how far each person got,
and a form to assign a scenario (the same as `empathy-trainer assign`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from trainer.report.assignments import AssignmentProgress, status_words
from trainer.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from trainer.tui.review.app import ReviewApp


@dataclass
class AssignRequest:
    """What the lead typed in the assign form."""

    scenario: str
    names: list[str]
    team: bool
    due: datetime | None


@dataclass
class AssignmentsLoaded(Message):
    progress: list[AssignmentProgress]


@dataclass
class AssignmentsNote(Message):
    """One line for the lead: what was assigned, or what went wrong."""

    text: str
    error: bool = False


def _due(p: AssignmentProgress) -> str:
    due = p.assignment.due
    return f"{due - timedelta(microseconds=1):%Y-%m-%d}" if due else "–"


def attempts_text(p: AssignmentProgress) -> str:
    """Each attempt's day, outcome and mean score."""
    parts = []
    for t in p.attempts:
        real = [v for v in t.averages.values() if v is not None]
        mean = f" {sum(real) / len(real):.0f}" if real else ""
        parts.append(f"{t.started:%m-%d} {t.outcome}{mean}")
    return ", ".join(parts) or "–"


class AssignModal(ModalScreen[AssignRequest | None]):
    """Scenario id, names (comma-separated, or `team`) and an optional due date."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-dialog"):
            yield Static("Assign a scenario", id="note-title")
            yield Input(placeholder="scenario id, e.g. retail-laptop-repair", id="assign-scenario")
            yield Input(placeholder="names, comma-separated, or: team", id="assign-names")
            yield Input(placeholder="due YYYY-MM-DD (optional)", id="assign-due")
            yield Static("Enter: next box, and assign from the last · esc cancels", id="note-help")

    def on_mount(self) -> None:
        self.query_one("#assign-scenario", Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        from trainer.report.export import ExportError, parse_until

        scenario = self.query_one("#assign-scenario", Input).value.strip()
        typed = self.query_one("#assign-names", Input).value.strip()
        due_text = self.query_one("#assign-due", Input).value.strip()
        if event.input.id != "assign-due":
            self.focus_next()  # Enter moves on; Enter in the last box assigns
            return
        if not scenario or not typed:
            self.notify("Give a scenario id and who to assign it to.", severity="warning")
            self.query_one("#assign-scenario" if not scenario else "#assign-names", Input).focus()
            return
        try:
            due = parse_until(due_text, "due") if due_text else None
        except ExportError as exc:
            self.notify(str(exc), severity="error")
            return
        team = typed.casefold() == "team"
        names = [] if team else [n.strip() for n in typed.split(",") if n.strip()]
        self.dismiss(AssignRequest(scenario, names, team, due))

    def action_cancel(self) -> None:
        self.dismiss(None)


class AssignmentsScreen(Screen[None]):
    """Every assignment per person: status, due date, attempts; `a` assigns."""

    BINDINGS = [
        Binding("a", "assign", "Assign"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    @property
    def review(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Assignments · loading…", id="assignments-title", classes="review-title")
        yield DataTable(id="assignments-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Trainee", "Scenario", "Due", "Status", "Attempts")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="assignments")
    def load(self) -> None:
        from trainer.report.assignments import progress
        from trainer.store import StoreError

        try:
            self.post_message(AssignmentsLoaded(progress(self.review.store)))
        except StoreError as exc:
            self.post_message(AssignmentsNote(str(exc), error=True))

    @on(AssignmentsLoaded)
    def _loaded(self, event: AssignmentsLoaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for p in event.progress:
            table.add_row(
                p.assignment.trainee,
                p.assignment.scenario_id,
                _due(p),
                status_words(p),
                attempts_text(p),
            )
        done = sum(1 for p in event.progress if p.status == "completed")
        self.query_one("#assignments-title", Static).update(
            f"Assignments · {len(event.progress)} · {done} completed · a: assign"
        )

    @on(AssignmentsNote)
    def _note(self, event: AssignmentsNote) -> None:
        self.notify(event.text, severity="error" if event.error else "information")
        if not event.error:
            self.load()

    def action_reload(self) -> None:
        self.load()

    def action_assign(self) -> None:
        def chosen(request: AssignRequest | None) -> None:
            if request is not None:
                self.assign(request)

        self.app.push_screen(AssignModal(), chosen)

    @work(thread=True, group="assignments-write")
    def assign(self, request: AssignRequest) -> None:
        from trainer.report.assignments import AssignError, resolve_names
        from trainer.store import StoreError

        store = self.review.store
        try:
            if self.review.scenario(request.scenario) is None:
                raise AssignError(f"no scenario '{request.scenario}' in the library")
            unknown: list[str] = []
            if request.team:
                names = store.team_members()
            else:
                names, unknown = resolve_names(store.trainees(), request.names)
            if not names:
                raise AssignError("nobody to assign it to")
            rows = store.assign(request.scenario, names, request.due, self.review.author)
        except (AssignError, StoreError) as exc:
            self.post_message(AssignmentsNote(str(exc), error=True))
            return
        extra = f" (no sessions yet: {', '.join(unknown)})" if unknown else ""
        self.post_message(
            AssignmentsNote(f"Assigned {request.scenario} to {len(rows)} trainee(s){extra}.")
        )
