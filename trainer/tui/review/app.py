"""The team lead's review app: sessions, transcripts with scores, coach notes and trends."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from textual.app import App

from trainer.scenarios import Library, Scenario, load_library
from trainer.store import Store
from trainer.tui.review.sessions import SessionsScreen


class ReviewApp(App[None]):
    """Keyboard-only review of every trainee's sessions in one database."""

    CSS_PATH = "review.tcss"
    TITLE = "empathy-trainer review"

    def __init__(
        self, store: Store, scenario_dirs: Sequence[Path] = (), author: str = "lead"
    ) -> None:
        super().__init__()
        self.store = store
        self.author = author
        self.scenario_dirs = list(scenario_dirs)
        self._library: Library | None = None
        self._library_lock = threading.Lock()

    def scenario(self, scenario_id: str) -> Scenario | None:
        """The scenario of a session, for better replies in the debrief (call from a worker)."""
        with self._library_lock:
            if self._library is None:
                self._library = load_library(self.scenario_dirs)
            return self._library.get(scenario_id)

    def on_mount(self) -> None:
        self.push_screen(SessionsScreen())


def build_review_app(
    store: Store, scenario_dirs: Sequence[Path] | None = None, author: str | None = None
) -> ReviewApp:
    """The one factory the CLI, Pilot tests and snapshots use."""
    from trainer import locations

    if author is None:
        from trainer.config import default_trainee, load_settings

        settings = load_settings()
        author = (settings.lead or "").strip() or default_trainee(settings, None)
    dirs = list(scenario_dirs) if scenario_dirs is not None else [locations.bundled_scenarios_dir()]
    return ReviewApp(store, dirs, author)
