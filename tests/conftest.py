"""Shared fixtures: user dirs in temp folders, real models loaded once per test session."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.pg_fixture"]

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# The grader picks bf16 only on CPUs with native bf16; tests pin fp32 so scores (and the
# snapshots that show them) are the same on any CI machine. `bench grader` measures bf16.
os.environ.setdefault("EMPATHY_TRAINER_GRADER_DTYPE", "fp32")
# Animations finish on the clock, so a busy machine would catch them half-way in a snapshot.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


# A test is in the slow layer when it asks for a real model or the real PostgreSQL server;
# marking it by the fixture it uses means a test can never slip a 20 s model load (or a
# server start) into `make test-fast`.
SLOW_FIXTURES = frozenset({"grader", "model_customer", "reranker", "pg_url", "pg_server_url"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """After a fast test's fixtures are gone, put what survives out of the collector's reach.

    A worker ends up holding ~700k long-lived objects (textual, sqlalchemy, pydantic, torch on
    one worker, and what each Textual app leaves behind), and every full collection walks all
    of them: 10-13 s per worker of a one-minute tier went to the collector, and 5-7 s more to
    pytest's final sweep and the interpreter's teardown. Frozen objects are never scanned again.
    The cost is that garbage cycles still alive at a test's end are kept (about 110 MB over the
    fast tier); slow tests may hold model weights in theirs, so they are left to the collector.
    """
    if item.get_closest_marker("slow") is None:
        gc.freeze()


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point config and data at a temp dir; keep the model cache so conversion happens once."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("EMPATHY_TRAINER_CONFIG_DIR", str(config))
    monkeypatch.setenv("EMPATHY_TRAINER_DATA_DIR", str(data))
    yield tmp_path


@pytest.fixture(scope="session", autouse=True)
def parse_each_scenario_text_once() -> Iterator[None]:
    """Files are read from disk every time, but the same text is parsed once per worker.

    `parse_scenario(text, path)` is a pure function, and ruamel's round-trip parser is most of
    a library load (about 1.2 s for the bundled 30 files); the CLI, the review app and the
    commands load the bundled library again in almost every test that runs them. Each call
    gets its own deep copy, so no test can see another's changes. Tests of the parser itself
    call `parse_scenario` directly, which is never memoised, and the first load of every text
    runs the real parser.
    """
    from trainer.scenarios import loader

    real = loader.parse_scenario
    parsed: dict[tuple[str, str], tuple[Any, list[Any]]] = {}

    def parse_once(text: str, path: str = "<string>") -> tuple[Any, list[Any]]:
        key = (text, path)
        if key not in parsed:
            parsed[key] = real(text, path)
        scenario, errors = parsed[key]
        return (scenario.model_copy(deep=True) if scenario is not None else None), list(errors)

    loader.parse_scenario = parse_once  # type: ignore[assignment]
    yield
    loader.parse_scenario = real  # type: ignore[assignment]


@pytest.fixture(scope="session")
def library_dir() -> Path:
    from trainer import locations

    return locations.bundled_scenarios_dir()


@pytest.fixture(scope="session")
def library(library_dir: Path) -> Any:
    """The bundled library, loaded once (read-only for every test that uses it)."""
    from trainer.scenarios import load_library

    return load_library([library_dir])


@pytest.fixture(scope="session")
def scenario() -> Any:
    """The reference scenario, retail-laptop-repair."""
    from trainer import locations
    from trainer.scenarios import load_scenario_file

    loaded, errors = load_scenario_file(
        locations.bundled_scenarios_dir() / "retail-laptop-repair.yaml"
    )
    assert loaded is not None, errors
    return loaded


@pytest.fixture(scope="session")
def grader() -> Any:
    """The real default grader (bundled MiniLM), loaded once per test session."""
    from trainer.grader import load_grader

    return load_grader()


@pytest.fixture(scope="session")
def fake_grader() -> Any:
    """The fast tier's grader (tests/fakes.py): snapshots and TUI tests don't move when the
    real grader's scoring does."""
    from tests.fakes import FakeGrader

    return FakeGrader()


@pytest.fixture(scope="session")
def model_customer() -> Any:
    """The real default customer model (bundled SmolLM2), loaded once per test session."""
    from trainer.customer import make_backend

    backend = make_backend("transformers")
    backend.load()
    return backend


@pytest.fixture
def scripted_customer() -> Any:
    from trainer.customer import make_backend

    return make_backend("scripted")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sessions.db'}"
