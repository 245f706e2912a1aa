"""The review app's first screen: every session in a sortable, filterable table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from trainer.report import status
from trainer.report.sessions import ScoredSession
from trainer.tui.review.filters import FilterBar, SessionFilter
from trainer.tui.review.turn import SHORT
from trainer.tui.widgets.footer import Footer
from trainer.types import DIMENSIONS

if TYPE_CHECKING:
    from trainer.tui.review.app import ReviewApp

# (key, heading, narrow width, wide width); the four averages follow.
COLUMNS: tuple[tuple[str, str, int, int], ...] = (
    ("trainee", "Trainee", 10, 18),
    ("scenario", "Scenario", 12, 28),
    ("sector", "Sector", 7, 12),
    ("date", "Date", 8, 16),
    ("outcome", "Outcome", 12, 12),  # out_of_turns, ended_early
)
WIDE = 110


@dataclass
class SessionsLoaded(Message):
    """The worker fetched every session summary."""

    sessions: list[ScoredSession]


@dataclass
class LoadError(Message):
    """The database could not be read; `error` is one line."""

    error: str


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def sort_value(s: ScoredSession, column: str) -> Any:
    """What a column sorts by (missing averages sort below every real score)."""
    if column in DIMENSIONS:
        v = s.averages.get(column)
        return -1.0 if v is None else v
    return {
        "trainee": s.trainee.casefold(),
        "scenario": s.scenario_id,
        "sector": s.sector,
        "date": (s.started, s.id),
        "outcome": status(s),
    }[column]


class SessionsScreen(Screen[None]):
    """Sessions table with a filter bar; Enter opens a session, t shows trends."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "focus_filters", "Filter"),
        Binding("s", "sort_next", "Sort col"),
        Binding("S", "sort_reverse", "Reverse", key_display="S"),
        Binding("t", "trends", "Trends"),
        Binding("a", "assignments", "Assignments"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "focus_table", "Table", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    sort_column: reactive[str] = reactive("date")
    """The column the table is sorted by."""
    sort_reverse: reactive[bool] = reactive(True)
    """Newest / highest first when True."""
    row_filter: reactive[SessionFilter] = reactive(SessionFilter)
    """What the filter bar asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[ScoredSession] = []

    @property
    def review(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Sessions · loading…", id="sessions-title", classes="review-title")
        yield FilterBar(id="filters")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="sessions")
    def load(self) -> None:
        from trainer.report.sessions import scored_sessions
        from trainer.store import StoreError

        try:
            self.post_message(SessionsLoaded(scored_sessions(self.review.store)))
        except StoreError as exc:
            self.post_message(LoadError(str(exc)))

    @on(SessionsLoaded)
    def _loaded(self, event: SessionsLoaded) -> None:
        self.sessions = event.sessions
        self.refill()

    @on(LoadError)
    def _failed(self, event: LoadError) -> None:
        self.query_one("#sessions-title", Static).update(f"Sessions · {event.error}")
        self.notify(event.error, severity="error")

    @on(FilterBar.Changed)
    def _filter(self, event: FilterBar.Changed) -> None:
        self.row_filter = event.filter

    def watch_row_filter(self) -> None:
        self.refill()

    def watch_sort_column(self) -> None:
        self.refill()

    def watch_sort_reverse(self) -> None:
        self.refill()

    def shown_sessions(self) -> list[ScoredSession]:
        """The sessions passing the filter, in the chosen order."""
        shown = [s for s in self.sessions if self.row_filter.matches(s)]
        return sorted(
            shown, key=lambda s: sort_value(s, self.sort_column), reverse=self.sort_reverse
        )

    def refill(self) -> None:
        """Rebuild the table from the loaded sessions, the filter and the sort."""
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        wide = self.app.size.width >= WIDE
        keep = table.cursor_row
        table.clear(columns=True)
        arrow = "▼" if self.sort_reverse else "▲"
        for key, heading, narrow_w, wide_w in COLUMNS:
            mark = arrow if key == self.sort_column else ""
            table.add_column(heading + mark, key=key, width=wide_w if wide else narrow_w)
        for d in DIMENSIONS:
            # Three letters and no arrow: the title line names the sort, and 80 columns is tight.
            table.add_column(SHORT[d], key=d, width=3)
        for s in self.shown_sessions():
            date = s.started.strftime("%Y-%m-%d %H:%M" if wide else "%y-%m-%d")
            widths = {key: (wide_w if wide else narrow_w) for key, _, narrow_w, wide_w in COLUMNS}
            cells: list[str] = [
                _cut(s.trainee, widths["trainee"]),
                _cut(s.scenario_id, widths["scenario"]),
                _cut(s.sector, widths["sector"]),
                date,
                status(s),
            ]
            cells += [
                "–" if s.averages.get(d) is None else f"{s.averages[d]:.0f}" for d in DIMENSIONS
            ]
            table.add_row(*cells, key=s.id)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        total, shown = len(self.sessions), table.row_count
        self.query_one("#sessions-title", Static).update(
            f"Sessions · {shown} of {total} · sorted by {self.sort_column} {arrow}"
        )

    def selected_id(self) -> str | None:
        """The session under the cursor, if any."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self._sort_by(str(event.column_key.value))

    def _sort_by(self, column: str) -> None:
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column
            self.sort_reverse = column in ("date", *DIMENSIONS)

    def action_sort_next(self) -> None:
        """Sort by the next column (wraps around)."""
        keys = [c[0] for c in COLUMNS] + list(DIMENSIONS)
        self._sort_by(keys[(keys.index(self.sort_column) + 1) % len(keys)])

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse

    def action_open(self) -> None:
        from trainer.tui.review.session import SessionDetailScreen

        session_id = self.selected_id()
        if session_id is not None:
            self.app.push_screen(SessionDetailScreen(session_id))

    def action_assignments(self) -> None:
        from trainer.tui.review.assignments import AssignmentsScreen

        self.app.push_screen(AssignmentsScreen())

    def action_trends(self) -> None:
        from trainer.tui.review.trends import TrendsScreen

        self.app.push_screen(TrendsScreen())

    def action_reload(self) -> None:
        self.load()

    def action_focus_filters(self) -> None:
        self.query_one("#filter-trainee", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()
