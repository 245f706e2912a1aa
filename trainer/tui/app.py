"""The practice app and `build_app`, the one factory the CLI, Pilot tests and snapshots all use.

Importing this module must stay light (no torch / transformers / sentence_transformers): models
load in a thread worker after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import Worker, WorkerState

from trainer.tui import messages as m
from trainer.tui.driver import driver_class
from trainer.tui.practice.help import HelpScreen
from trainer.tui.practice.home import HomeScreen
from trainer.tui.practice.screen import PracticeScreen
from trainer.tui.services import EngineOptions, Services, one_line, use_quick_exit_executor
from trainer.tui.widgets.too_small import too_small

if TYPE_CHECKING:
    from trainer.customer.base import CustomerBackend
    from trainer.engine.session import Session
    from trainer.scenarios import Library, Scenario
    from trainer.store import Store
    from trainer.types import Grader

DARK, LIGHT = "textual-dark", "textual-light"


class TrainerApp(App[None]):
    """Home → practice → debrief; one `Services` object shared by every screen."""

    CSS_PATH = "app.tcss"
    TITLE = "Empathy Trainer"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    models_ready: var[bool] = var(False)
    """Grader and customer model are loaded."""
    load_text: var[str] = var("Starting…")
    """What is loading now, in plain words."""
    load_fraction: var[float | None] = var(None)
    """Progress 0-1 of the current load step, None when unknown."""
    load_error: var[str | None] = var(None)
    """Why loading failed (one line), if it did."""

    def __init__(
        self,
        library: Library,
        services: Services,
        trainee: str,
        *,
        scenario: Scenario | None = None,
        resume_id: str | None = None,
        theme: str | None = None,
        quick_exit: bool = False,
    ) -> None:
        super().__init__(driver_class=driver_class())
        self.quick_exit = quick_exit
        self.library = library
        self.services = services
        self.trainee = trainee
        self._start = (scenario, resume_id)
        if theme in (DARK, LIGHT):
            self.theme = theme

    def get_default_screen(self) -> HomeScreen:
        return HomeScreen()

    def on_mount(self) -> None:
        if self.quick_exit:
            use_quick_exit_executor()
        scenario, resume_id = self._start
        if scenario is not None:
            self.practice(scenario, resume_id=resume_id)
        # Start the slow imports only once the first frame is on screen.
        self.call_after_refresh(self.load_models)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(too_small(event.size.width, event.size.height), "-too-small")

    # --- models ---------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="models", name="load-models")
    def load_models(self) -> None:
        def progress(what: str, fraction: float | None) -> None:
            self.post_message(m.LoadProgress(what, fraction))

        self.services.load(progress)
        self.post_message(m.ModelsReady())

    @on(m.LoadProgress)
    def load_progress(self, event: m.LoadProgress) -> None:
        self.load_text = event.what
        self.load_fraction = event.fraction

    @on(m.ModelsReady)
    def ready(self) -> None:
        self.load_text = "Ready"
        self.load_fraction = None
        self.models_ready = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's unexpected failure ends up here, as a notification."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        message = one_line(event.worker.error)
        if event.worker.name == "load-models":
            self.load_error = message
        self.notify(message, title="Something went wrong", severity="error", timeout=10)

    # --- navigation -----------------------------------------------------------------

    def practice(
        self, scenario: Scenario, *, resume_id: str | None = None, replace: bool = False
    ) -> None:
        """Open the practice screen (replacing the current one after a debrief)."""
        screen = PracticeScreen(scenario, self.trainee, resume_id=resume_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_debrief(self, scenario: Scenario, session: Session, debrief: Any) -> None:
        # Imported here: the chart pulls in plotext, which home does not need.
        from trainer.tui.practice.debrief import DebriefScreen

        self.switch_screen(DebriefScreen(scenario, session, debrief))

    def go_home(self) -> None:
        """Back to the home screen (it reloads recent sessions when it resumes)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def next_scenario(self, current: Scenario) -> Scenario:
        """The scenario after `current` in library order (wrapping round)."""
        ids = [s.id for s in self.library.scenarios]
        if current.id not in ids:
            return self.library.scenarios[0] if ids else current
        return self.library.scenarios[(ids.index(current.id) + 1) % len(ids)]

    def set_trainee(self, name: str) -> None:
        """Use and remember a trainee name."""
        self.trainee = name
        self.remember("trainee", name)

    # --- actions --------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK
        self.remember("theme", self.theme)

    @work(thread=True, exit_on_error=False, group="settings", name="save-setting")
    def remember(self, key: str, value: str) -> None:
        """Write one setting to config.toml (off the event loop: it is file I/O)."""
        from trainer.config import save_setting

        save_setting(key, value)


def build_app(
    library: Library,
    trainee: str,
    *,
    options: EngineOptions | None = None,
    store: Store | None = None,
    grader: Grader | None = None,
    customer: CustomerBackend | None = None,
    scenario: Scenario | None = None,
    resume_id: str | None = None,
    theme: str | None = None,
    quick_exit: bool = False,
) -> TrainerApp:
    """The practice app; pass grader/customer/store to reuse loaded ones (tests, snapshots).

    `quick_exit` (the CLI) lets the app close while a model is still loading.
    """
    services = Services(options or EngineOptions(), store=store, grader=grader, customer=customer)
    return TrainerApp(
        library,
        services,
        trainee,
        scenario=scenario,
        resume_id=resume_id,
        theme=theme,
        quick_exit=quick_exit,
    )
