"""Every user directory the app touches, in one place (platformdirs)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_cache_dir, user_config_dir, user_data_dir

APP_NAME = "empathy-trainer"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Where `config.toml` lives (EMPATHY_TRAINER_CONFIG_DIR overrides)."""
    override = os.environ.get("EMPATHY_TRAINER_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def data_dir() -> Path:
    """Sessions database, calibration files (EMPATHY_TRAINER_DATA_DIR overrides)."""
    override = os.environ.get("EMPATHY_TRAINER_DATA_DIR")
    return _ensure(Path(override) if override else Path(user_data_dir(APP_NAME)))


def model_cache_dir() -> Path:
    """Converted model weights (EMPATHY_TRAINER_MODEL_CACHE overrides)."""
    override = os.environ.get("EMPATHY_TRAINER_MODEL_CACHE")
    return _ensure(Path(override) if override else Path(user_cache_dir(APP_NAME)) / "models")


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'sessions.db'}"


def calibration_file() -> Path:
    return data_dir() / "calibration.json"


def bundled_scenarios_dir() -> Path:
    """The scenario library shipped inside the package (works for wheels and editable installs)."""
    # `scenarios/` at the project root is a symlink to this folder, so coaches edit one copy.
    return Path(str(resources.files("trainer") / "library"))


def package_data(*parts: str) -> Path:
    return Path(str(resources.files("trainer").joinpath(*parts)))
