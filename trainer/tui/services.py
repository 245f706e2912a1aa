"""The practice app's service layer: store, grader and customer backend, shared by its screens.

Everything here may block (database, model loading, grading, generation), so it is called only
from thread workers; the UI learns about results through `trainer.tui.messages`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from trainer import runtime
from trainer.errors import TrainerError
from trainer.runtime import RuntimeOptions

if TYPE_CHECKING:
    from trainer.customer.base import CustomerBackend
    from trainer.engine.session import Session
    from trainer.report.assignments import AssignmentProgress
    from trainer.report.sessions import ScoredSession
    from trainer.scenarios import Scenario
    from trainer.store import NoteRow, SessionRow, Store, TurnRow
    from trainer.types import Grader

Progress = Callable[[str, float | None], None]


READ_NOTES_SHOWN = 3
"""Read notes stay on the home screen, the latest first, up to this many notes in all."""


class ServiceError(TrainerError):
    """Loading or an engine call failed; the message is one user-facing line."""


class Cancelled(Exception):
    """The worker waiting on a model was cancelled (the app is closing)."""


def one_line(exc: BaseException) -> str:
    """A readable single line for an exception, for notifications: a TrainerError's own
    message, anything else (a bug) with its type so it can be reported."""
    lines = str(exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    if isinstance(exc, TrainerError | ValueError | ServiceError):
        return lines[0]
    return f"{type(exc).__name__}: {lines[0]}"


class QuickExitExecutor(ThreadPoolExecutor):
    """Thread workers' executor that does not hold up quitting while a model still loads.

    asyncio.run() waits for the default executor on the way out, and a thread importing torch
    cannot be interrupted; the CLI ends the process itself once the app has closed.
    """

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


def use_quick_exit_executor() -> None:
    """Run this loop's thread workers on a QuickExitExecutor (call from inside the app)."""
    asyncio.get_running_loop().set_default_executor(
        QuickExitExecutor(thread_name_prefix="trainer-worker")
    )


EngineOptions = RuntimeOptions  # the practice app's name for the composition root's options


class Services:
    """Owns the store, grader and customer backend; all methods may block (use workers)."""

    def __init__(
        self,
        options: EngineOptions,
        *,
        store: Store | None = None,
        grader: Grader | None = None,
        customer: CustomerBackend | None = None,
    ) -> None:
        self.options = options
        self._store = store
        self._grader = grader
        self._customer = customer
        self._error: str | None = None
        # "engine": grader loaded and a backend object exists, so a Session can be built.
        self._engine_ready = threading.Event()
        self._customer_ready = threading.Event()
        self._store_lock = threading.Lock()
        self._loading = False
        self.lock = threading.RLock()
        """Serialises engine calls on a session (one reply, hint or undo at a time)."""

    # --- loading ---------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once grader and customer are both loaded."""
        return self._customer_ready.is_set() and self._error is None

    @property
    def loading(self) -> bool:
        """True while a load step is still running in its thread."""
        return self._loading

    @property
    def error(self) -> str | None:
        return self._error

    def store(self) -> Store:
        """The session store, opened on first use."""
        with self._store_lock:
            if self._store is None:
                self._store = runtime.open_store(self.options)
            return self._store

    def load(self, progress: Progress) -> None:
        """Open the store, load the grader, then the customer model (slowest last)."""
        self._loading = True
        try:
            self.store()
            if self._grader is None:
                progress("Loading the grader", None)
                self._grader = runtime.build_grader(self.options)
            if self._customer is None:
                # Built with the grader so its reranker reuses the grader's MiniLM.
                self._customer = runtime.build_customer(self.options, self._grader)
            self._engine_ready.set()
            progress("Loading the customer", 0.0)
            self._customer.load(lambda what, frac: progress(what, frac))
            self._customer_ready.set()
        except Exception as exc:  # shown in the app; ctrl+c and exits pass through
            self._error = one_line(exc)
            self._engine_ready.set()
            self._customer_ready.set()
            raise ServiceError(self._error) from exc
        finally:
            self._loading = False

    def _wait(self, event: threading.Event) -> None:
        worker = get_current_worker()
        while not event.wait(0.05):
            if worker.is_cancelled:
                raise Cancelled()
        if self._error:
            raise ServiceError(f"cannot continue: {self._error}")

    def wait_engine(self) -> None:
        """Block until a Session can be built (grader loaded)."""
        self._wait(self._engine_ready)

    def wait_customer(self) -> None:
        """Block until the customer backend is loaded."""
        self._wait(self._customer_ready)

    # --- sessions --------------------------------------------------------------------

    def start(self, scenario: Scenario, trainee: str) -> Session:
        """Start a session; its opening line is committed at once."""
        from trainer.engine.session import Session

        self.wait_engine()
        assert self._grader is not None and self._customer is not None
        return Session.start(
            scenario, trainee, self.store(), self._grader, self._customer, seed=self.options.seed
        )

    def resume(self, session_id: str, scenario: Scenario) -> Session:
        """Continue an unfinished session from the store."""
        from trainer.engine.session import Session

        self.wait_engine()
        assert self._grader is not None and self._customer is not None
        return Session.resume(session_id, scenario, self.store(), self._grader, self._customer)

    def transcript(self, session_id: str) -> list[TurnRow]:
        """Committed, non-retracted turns of a session."""
        return self.store().turns(session_id)

    def home(self, trainee: str) -> tuple[list[ScoredSession], list[NoteRow], SessionRow | None]:
        """Recent sessions (newest first), unseen coach notes and the latest unfinished session."""
        from trainer.report.sessions import scored_sessions

        store = self.store()
        recent = sorted(
            scored_sessions(store, trainee=trainee), key=lambda s: s.started, reverse=True
        )
        cards = store.note_cards(trainee, unseen_only=False)
        # Unseen notes, then the latest read ones: marking a note read must not make it vanish.
        unseen = [c for c in cards if not c.seen]
        room = READ_NOTES_SHOWN - len(unseen)
        read = [c for c in cards if c.seen][-room:] if room > 0 else []
        notes: list[NoteRow] = [*unseen, *read]
        return recent[:20], notes, store.latest_incomplete(trainee)

    def assignments(self, trainee: str) -> list[AssignmentProgress]:
        """The trainee's assignments, nearest due date first, each with its status
        (pending / in progress / completed, overdue) for the home screen to list first."""
        from trainer.report.assignments import progress

        return progress(self.store(), trainee=trainee)

    def mark_notes_seen(self, ids: list[int]) -> None:
        if ids:
            self.store().mark_notes_seen(ids)
