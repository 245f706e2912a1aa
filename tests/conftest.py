"""Shared fixtures: user dirs in temp folders, real models loaded once per test session."""

from __future__ import annotations

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


# A test is in the real-model layer when it asks for a real model; marking it by the fixture
# it uses means a test can never slip a 20 s model load into `make test-fast`.
REAL_MODEL_FIXTURES = frozenset({"grader", "model_customer"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point config and data at a temp dir; keep the model cache so conversion happens once."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("EMPATHY_TRAINER_CONFIG_DIR", str(config))
    monkeypatch.setenv("EMPATHY_TRAINER_DATA_DIR", str(data))
    yield tmp_path


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
