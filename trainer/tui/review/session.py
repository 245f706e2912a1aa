"""One session under review: transcript with scores and evidence, charts, debrief, notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ListItem, ListView, Static, TabbedContent, TabPane

from trainer.report import SessionReport, status
from trainer.store import NoteRow
from trainer.tui.review.note import ConfirmModal, NoteModal
from trainer.tui.review.plot import ScorePlot
from trainer.tui.review.turn import TurnItem
from trainer.tui.widgets.footer import Footer
from trainer.types import DIMENSIONS

if TYPE_CHECKING:
    from trainer.tui.review.app import ReviewApp


@dataclass
class ReportLoaded(Message):
    """The worker gathered the session (turns, notes, debrief)."""

    report: SessionReport


@dataclass
class NoteSaved(Message):
    """A coach note was written to the store."""

    note: NoteRow


@dataclass
class NoteChanged(Message):
    """A note was edited or deleted (`done` False if it no longer existed)."""

    what: str
    done: bool


@dataclass
class DetailError(Message):
    """Reading or writing failed; `error` is one line."""

    error: str


def debrief_text(report: SessionReport) -> str:
    """The debrief as plain lines for the Debrief tab."""
    d = report.debrief
    lines = [f"Outcome: {status(report.session)}", ""]
    avgs = "  ".join(f"{dim} {'–' if v is None else f'{v:.0f}'}" for dim, v in d.averages.items())
    lines += [f"Averages: {avgs}", ""]
    if d.best:
        lines += [f"Best reply (turn {d.best.idx}, mean {d.best.mean:.0f}):", f"  “{d.best.quote}”",
                  f"  {d.best.reason}", ""]  # fmt: skip
    if d.weakest:
        lines += [f"To work on (turn {d.weakest.idx}, mean {d.weakest.mean:.0f}):",
                  f"  “{d.weakest.quote}”", f"  {d.weakest.reason}"]  # fmt: skip
        if d.weakest.tip:
            lines.append(f"  tip: {d.weakest.tip}")
        if d.weakest.better_reply:
            lines += ["  A stronger reply:", f"  “{d.weakest.better_reply}”"]
        lines.append("")
    if d.unused_facts:
        lines += ["Details no reply used:"] + [f"  - {f}" for f in d.unused_facts] + [""]
    path = " → ".join(str(m) for m in d.mood_path) or "–"
    lines += [
        f"Mood path: {path}",
        f"Hints used: {d.hints_used} · retracted replies: {d.retracted}",
    ]
    return "\n".join(lines)


NO_NOTES = "No coach notes yet. n: note on the highlighted reply · N: note on the session"


def note_text(n: NoteRow) -> str:
    """One note as the Notes tab lists it."""
    where = "session" if n.turn_idx is None else f"turn {n.turn_idx}"
    edited = f" · edited {n.edited:%Y-%m-%d %H:%M}" if n.edited else ""
    return (
        f"{n.created:%Y-%m-%d %H:%M} {n.author} ({where}){edited}"
        f"{'' if n.seen else ' · unseen'}\n{n.text}"
    )


class NoteItem(ListItem):
    """A note in the Notes tab; e edits it, x deletes it."""

    def __init__(self, note: NoteRow) -> None:
        super().__init__(classes="review-note")
        self.note = note

    def compose(self) -> ComposeResult:
        yield Static(note_text(self.note))


class SessionDetailScreen(Screen[None]):
    """Tabs: transcript (select a reply to note it), charts, debrief, notes."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "note_turn", "Note reply"),
        Binding("N", "note_session", "Note session", key_display="N"),
        Binding("e", "edit_note", "Edit note"),
        Binding("x", "delete_note", "Delete note"),
        Binding("1", "tab('transcript')", "Transcript", show=False),
        Binding("2", "tab('charts')", "Charts", show=False),
        Binding("3", "tab('debrief')", "Debrief", show=False),
        Binding("4", "tab('notes')", "Notes", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.report: SessionReport | None = None

    @property
    def review(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(
            f"Session {self.session_id} · loading…", id="session-meta", classes="review-title"
        )
        with TabbedContent(id="session-tabs", initial="transcript"):
            with TabPane("1 Transcript", id="transcript"):
                yield ListView(id="transcript-list")
            with TabPane("2 Charts", id="charts"), VerticalScroll():
                yield ScorePlot(id="scores-plot", classes="review-plot")
                yield ScorePlot(id="mood-plot", classes="review-plot")
            with TabPane("3 Debrief", id="debrief"), VerticalScroll():
                yield Static(id="debrief-text")
            with TabPane("4 Notes", id="notes"):
                yield Static(NO_NOTES, id="notes-text")
                yield ListView(id="notes-list")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="session")
    def load(self) -> None:
        from trainer.report import ReportError, session_report
        from trainer.store import StoreError

        try:
            store = self.review.store
            row = store.get_session(self.session_id)
            scenario = self.review.scenario(row.scenario_id) if row else None
            self.post_message(ReportLoaded(session_report(store, self.session_id, scenario)))
        except (StoreError, ReportError) as exc:
            self.post_message(DetailError(str(exc)))

    @on(DetailError)
    def _failed(self, event: DetailError) -> None:
        self.notify(event.error, severity="error")

    @on(ReportLoaded)
    async def _loaded(self, event: ReportLoaded) -> None:
        report = self.report = event.report
        s = report.session
        avgs = " ".join(
            f"{d[:3].upper()} {'–' if report.averages.get(d) is None else f'{report.averages[d]:.0f}'}"
            for d in DIMENSIONS
        )
        self.query_one("#session-meta", Static).update(
            f"{s.trainee} · {s.scenario_title} · {s.started:%Y-%m-%d %H:%M} · "
            f"{status(s)} · {avgs} · {s.id}"
        )
        listing = self.query_one("#transcript-list", ListView)
        keep = listing.index or 0
        await listing.clear()
        customer = report.customer_name or "Customer"
        await listing.extend(
            TurnItem(t, customer if t.role == "customer" else s.trainee, report.notes)
            for t in report.turns
        )
        listing.index = min(keep, len(report.turns) - 1) if report.turns else None
        replies = [t for t in report.turns if t.role == "employee" and t.scores and not t.retracted]
        self.query_one("#scores-plot", ScorePlot).show(
            "Scores per reply",
            [f"R{i + 1}" for i in range(len(replies))],
            {d: [float(t.scores[d]) if t.scores else None for t in replies] for d in DIMENSIONS},
        )
        moods = [t for t in report.turns if t.role == "customer" and not t.retracted]
        self.query_one("#mood-plot", ScorePlot).show(
            "Customer mood (100 walks out)",
            [f"T{t.idx}" for t in moods],
            {"mood": [None if t.mood is None else float(t.mood) for t in moods]},
        )
        self.query_one("#debrief-text", Static).update(debrief_text(report))
        self.query_one("#notes-text", Static).display = not report.notes
        notes = self.query_one("#notes-list", ListView)
        keep_note = notes.index or 0
        await notes.clear()
        await notes.extend(NoteItem(n) for n in report.notes)
        notes.index = min(keep_note, len(report.notes) - 1) if report.notes else None
        # Focus follows the tab the lead is on (a reload after a note must not jump away).
        self.action_tab(self.query_one(TabbedContent).active or "transcript")

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "transcript":
            self.query_one("#transcript-list", ListView).focus()
        elif tab == "notes":
            self.query_one("#notes-list", ListView).focus()

    def _highlighted_note(self) -> NoteRow | None:
        if self.query_one(TabbedContent).active != "notes":
            self.action_tab("notes")
            self.notify("Highlight a note here, then press e to edit or x to delete it.")
            return None
        index = self.query_one("#notes-list", ListView).index
        notes = self.report.notes if self.report else []
        return notes[index] if index is not None and 0 <= index < len(notes) else None

    def action_edit_note(self) -> None:
        note = self._highlighted_note()
        if note is None or note.id is None:
            return
        note_id = note.id

        def saved(text: str | None) -> None:
            if text and text != note.text:
                self.change_note(note_id, text)

        about = "on the session" if note.turn_idx is None else f"on turn {note.turn_idx}"
        self.app.push_screen(NoteModal(about, note.text), saved)

    def action_delete_note(self) -> None:
        note = self._highlighted_note()
        if note is None or note.id is None:
            return
        note_id = note.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_note(note_id, None)

        self.app.push_screen(ConfirmModal(f"Delete this note by {note.author}?"), answered)

    @work(thread=True, group="notes")
    def change_note(self, note_id: int, text: str | None) -> None:
        """Edit the note (new text) or delete it (None)."""
        from trainer.store import StoreError

        store = self.review.store
        try:
            done = store.delete_note(note_id) if text is None else store.update_note(note_id, text)
        except StoreError as exc:
            self.post_message(DetailError(str(exc)))
            return
        self.post_message(NoteChanged("deleted" if text is None else "edited", done))

    def _highlighted_turn(self) -> int | None:
        listing = self.query_one("#transcript-list", ListView)
        item = listing.highlighted_child
        return item.turn.idx if isinstance(item, TurnItem) else None

    def action_note_turn(self) -> None:
        idx = self._highlighted_turn()
        if idx is None:
            self.notify("Highlight a reply in the transcript first.", severity="warning")
            return
        self._ask_note(idx)

    def action_note_session(self) -> None:
        self._ask_note(None)

    def _ask_note(self, turn_idx: int | None) -> None:
        about = "on the session" if turn_idx is None else f"on turn {turn_idx}"

        def saved(text: str | None) -> None:
            if text:
                self.save_note(turn_idx, text)

        self.app.push_screen(NoteModal(about), saved)

    @work(thread=True, group="notes")
    def save_note(self, turn_idx: int | None, text: str) -> None:
        from trainer.store import StoreError

        note = NoteRow(
            session_id=self.session_id, turn_idx=turn_idx, author=self.review.author, text=text
        )
        try:
            self.post_message(NoteSaved(self.review.store.add_note(note)))
        except StoreError as exc:
            self.post_message(DetailError(str(exc)))

    @on(NoteSaved)
    def _note_saved(self, event: NoteSaved) -> None:
        self.notify("Note saved; the trainee sees it on their home screen.")
        self.load()

    @on(NoteChanged)
    def _note_changed(self, event: NoteChanged) -> None:
        if event.done:
            self.notify(f"Note {event.what}.")
        else:
            self.notify("That note is gone already (deleted elsewhere).", severity="warning")
        self.load()
