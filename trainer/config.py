"""User settings from `config.toml` in the user config dir; command-line flags win over it."""

from __future__ import annotations

import getpass
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trainer import locations
from trainer.errors import TrainerError


class ConfigError(TrainerError):
    """The config file exists but cannot be used; the message says where and why."""


class Settings(BaseModel):
    """Defaults a user or team can set once instead of passing flags every time."""

    model_config = ConfigDict(extra="forbid")

    trainee: str | None = Field(None, description="Default trainee name.")
    lead: str | None = Field(
        None, description="The lead's name on coach notes and assignments (review, assign)."
    )
    db: str | None = Field(None, description="Database URL: sqlite:///path or postgresql://...")
    customer: str = Field(
        "transformers", description="Customer backend: transformers, openai or scripted."
    )
    customer_model: str | None = Field(
        None, description="Hugging Face id or local path of the customer LM."
    )
    customer_url: str | None = Field(
        None, description="OpenAI-compatible endpoint for the customer."
    )
    grader_model: str | None = Field(
        None, description="sentence-transformers id or path for the grader."
    )
    scenarios: list[str] = Field(
        default_factory=list, description="Scenario folders added to the bundled library."
    )
    bundled: bool = Field(True, description="Include the bundled scenario library.")
    theme: str | None = Field(None, description="Textual theme name for the TUI.")


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml if it exists; a missing file means built-in defaults."""
    path = path or locations.config_file()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    # Accept either top-level keys or a [defaults] table, hyphens or underscores.
    defaults = data.pop("defaults", None)
    if isinstance(defaults, dict):
        data = {**data, **defaults}
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {where}: {err['msg']}") from None


def save_setting(key: str, value: str) -> None:
    """Set one top-level key in config.toml, keeping the others (used to remember the trainee)."""
    import tomli_w

    path = locations.config_file()
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            data = {}
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def default_trainee(settings: Settings, flag: str | None = None) -> str:
    """--trainee, else the configured default, else the OS user name."""
    if flag:
        return flag
    if settings.trainee:
        return settings.trainee
    try:
        return getpass.getuser()
    except Exception:
        return "trainee"
