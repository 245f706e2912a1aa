"""Home: who is practising, the scenario library with filters, recent sessions and coach notes.

The screen lays the parts out, loads their data in a worker and hands each part its share;
the parts are widgets of their own modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static

from trainer.tui import messages as m
from trainer.tui.practice.assignments_box import AssignmentsBox
from trainer.tui.practice.coach_notes import NotesBox
from trainer.tui.practice.recent_table import TABLE_HEADERS, RecentTable
from trainer.tui.practice.scenario_library import ScenarioDetail, ScenarioList, matches
from trainer.tui.widgets.footer import Footer
from trainer.tui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from trainer.scenarios import Scenario
    from trainer.store import NoteRow, SessionRow
    from trainer.tui.app import TrainerApp

__all__ = ["TABLE_HEADERS", "HomeScreen"]
"""`TABLE_HEADERS` lives with the table; it is re-exported for the home screen's tests."""


class HomeScreen(Screen[None]):
    """The first screen; everything that touches the database runs in a worker."""

    BINDINGS = [
        Binding("ctrl+r", "resume", "Resume"),
        Binding("ctrl+o", "notes_read", "Notes read"),
        Binding("ctrl+l", "focus_list", "Scenarios", show=False),
        # Inputs take "/" as text, so this only fires from the list, table or filters.
        Binding("slash", "focus_search", "Search"),
    ]

    incomplete: var[SessionRow | None] = var(None)
    """The trainee's latest unfinished session, offered for resuming."""
    notes: var[list[NoteRow]] = var(list)
    """Coach notes the trainee has not marked as read."""
    loaded: var[bool] = var(False)
    """Recent sessions and notes have arrived from the store at least once."""

    app: TrainerApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        library = self.app.library
        sectors = sorted({s.sector for s in library.scenarios})
        yield Static("Empathy Trainer · practise hard customer conversations", id="home-title")
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                with Horizontal(id="trainee-row"):
                    yield Label("Trainee", id="trainee-label")
                    yield Input(
                        self.app.trainee, id="trainee", placeholder="your name", compact=True
                    )
                yield Input(id="search", placeholder="Search scenarios…", compact=True)
                with Horizontal(id="filters"):
                    yield Select(
                        [(s, s) for s in sectors], prompt="Any sector", id="sector", compact=True
                    )
                    yield Select(
                        [(f"Level {d}", d) for d in range(1, 6)],
                        prompt="Any level",
                        id="level",
                        compact=True,
                    )
                yield ScenarioList(id="scenarios")
            with VerticalScroll(id="home-right"):
                yield Static(id="resume-box", markup=False)
                yield AssignmentsBox(id="assigned-box")
                yield NotesBox(id="notes-box")
                yield ScenarioDetail(id="scenario-detail")
        # Full width, so every column fits at 80 columns without cutting a header.
        yield RecentTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield Footer()
        yield TooSmall()

    def on_mount(self) -> None:
        self.refilter()
        self._show_name_start()
        self.query_one(ScenarioList).focus()
        errors = self.app.library.errors
        if errors:
            # One located line (the first), and the folders to validate for the rest.
            folders = " ".join(sorted({str(Path(e.path).parent) for e in errors}))
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            self.notify(
                f"Skipped {errors[0]}{more}. Run `empathy-trainer scenarios validate {folders}`.",
                severity="warning",
                timeout=12,
            )
        self.load_home()

    def on_screen_resume(self) -> None:
        self.load_home()

    # --- scenarios ----------------------------------------------------------------

    def shown_scenarios(self) -> list[Scenario]:
        text = self.query_one("#search", Input).value.strip()
        sector = self.query_one("#sector", Select).value
        level = self.query_one("#level", Select).value
        return [
            s
            for s in self.app.library.scenarios
            if matches(
                s,
                text,
                sector if isinstance(sector, str) else None,
                level if isinstance(level, int) else None,
            )
        ]

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        """Enter in the search box starts the scenario when exactly one matches."""
        shown = self.shown_scenarios()
        if len(shown) == 1:
            self._commit_name()
            self.app.practice(shown[0])
        elif shown:
            self.action_focus_list()

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    def refilter(self) -> None:
        shown = self.shown_scenarios()
        self.query_one(ScenarioList).show(shown)
        self.query_one(ScenarioDetail).show(shown[0] if shown else None)

    @on(ScenarioList.OptionHighlighted, "#scenarios")
    def highlighted(self, event: ScenarioList.OptionHighlighted) -> None:
        self.query_one(ScenarioDetail).show(self.app.library.get(event.option.id or ""))

    @on(ScenarioList.OptionSelected, "#scenarios")
    def selected(self, event: ScenarioList.OptionSelected) -> None:
        scenario = self.app.library.get(event.option.id or "")
        if scenario is not None:
            self._commit_name()
            self.app.practice(scenario)

    def action_focus_list(self) -> None:
        self.query_one(ScenarioList).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    # --- trainee, recent sessions, notes ------------------------------------------

    @on(Input.Submitted, "#trainee")
    def trainee_submitted(self) -> None:
        if self._commit_name():
            self.action_focus_list()

    @on(Input.Blurred, "#trainee")
    def trainee_blurred(self) -> None:
        self._commit_name()
        self._show_name_start()

    def _show_name_start(self) -> None:
        """Out of focus, a long name shows from its first letter, not scrolled to its end."""
        self.query_one("#trainee", Input).cursor_position = 0

    def _commit_name(self) -> bool:
        """Use and remember the name in the field if it changed (Enter, leaving the field, or
        starting a session from it); False when it is empty."""
        name = self.query_one("#trainee", Input).value.strip()
        if not name:
            self.notify("Type your name so your sessions are kept together.", severity="warning")
            return False
        if name != self.app.trainee:
            self.app.set_trainee(name)
            self.load_home()
        return True

    @work(thread=True, exit_on_error=False, group="home", exclusive=True, name="home")
    def load_home(self) -> None:
        trainee = self.app.trainee
        recent, notes, incomplete = self.app.services.home(trainee)
        assigned = self.app.services.assignments(trainee)
        self.post_message(m.HomeData(trainee, recent, notes, incomplete, assigned))

    @on(m.HomeData)
    def home_data(self, event: m.HomeData) -> None:
        if event.trainee != self.app.trainee:
            return  # the name changed while this was loading; its own load is on the way
        self.query_one(RecentTable).show(event.recent, self.size.width)
        self.incomplete = event.incomplete
        self.notes = event.notes
        resume = self.query_one("#resume-box", Static)
        resume.display = event.incomplete is not None
        if event.incomplete is not None:
            row = event.incomplete
            resume.update(f"Unfinished: {row.scenario_title}. Press ctrl+r to carry on.")
        titles = {sc.id: sc.title for sc in self.app.library.scenarios}
        self.query_one(AssignmentsBox).show(event.assignments, titles)
        self.query_one(NotesBox).show(event.notes)
        self.loaded = True
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self.loaded:
            self.query_one(RecentTable).refit(self.size.width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.incomplete is not None
        if action == "notes_read":
            return any(not n.seen for n in self.notes)
        return True

    def action_resume(self) -> None:
        row = self.incomplete
        if row is None:
            return
        scenario = self.app.library.get(row.scenario_id)
        if scenario is None:
            self.notify(
                f"Scenario '{row.scenario_id}' is not in the library any more.", severity="error"
            )
            return
        self._commit_name()
        self.app.practice(scenario, resume_id=row.id)

    def action_notes_read(self) -> None:
        ids = [n.id for n in self.notes if n.id is not None and not n.seen]
        self.mark_seen(ids)

    @work(thread=True, exit_on_error=False, group="home", name="notes-seen")
    def mark_seen(self, ids: list[int]) -> None:
        self.app.services.mark_notes_seen(ids)
        self.app.call_from_thread(self.load_home)
