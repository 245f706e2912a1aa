"""Settings on pydantic-settings: flags win over the environment, the environment over
`config.toml` in the user config dir, and the file over built-ins.

Environment variables are the field names with the `EMPATHY_TRAINER_` prefix
(`EMPATHY_TRAINER_DB=postgresql://...`, `EMPATHY_TRAINER_SCENARIOS='["~/ours"]'`). The file
takes top-level keys or a `[defaults]` table, with hyphens or underscores.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from trainer import locations
from trainer.errors import TrainerError

ENV_PREFIX = "EMPATHY_TRAINER_"


class ConfigError(TrainerError):
    """The config file (or an environment variable) cannot be used; the message says where."""


class _TomlFile(PydanticBaseSettingsSource):
    """config.toml, read leniently about layout: a [defaults] table and hyphenated keys."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self().get(field_name), field_name, False  # pragma: no cover - __call__ is used

    def __call__(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{self.path}: {exc}") from None
        defaults = data.pop("defaults", None)
        if isinstance(defaults, dict):
            data = {**data, **defaults}
        return {str(k).replace("-", "_"): v for k, v in data.items()}


class Settings(BaseSettings):
    """Defaults a user or team can set once instead of passing flags every time."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # First wins: flags (passed as init values), then the environment, then the file.
        return init_settings, env_settings, _TomlFile(settings_cls, cls.config_path())

    @classmethod
    def config_path(cls) -> Path:
        """The file read after flags and environment: the user's config.toml."""
        return locations.config_file()


def _reading(path: Path) -> type[Settings]:
    """Settings read from `path` instead of the user's config.toml (doctor, tests)."""

    class FromFile(Settings):
        @classmethod
        def config_path(cls) -> Path:
            return path

    return FromFile


def load_settings(path: Path | None = None, flags: Mapping[str, Any] | None = None) -> Settings:
    """The settings: `flags` (None values are "not given") over the environment over the file."""
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    source = path or locations.config_file()
    try:
        return _reading(source)(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        env = f"{ENV_PREFIX}{name.upper()}"
        if name in given:
            place = f"--{name.replace('_', '-')}"
        elif env in os.environ:
            place = env
        else:
            place = f"{source}: {'.'.join(str(p) for p in err['loc'])}"
        raise ConfigError(f"{place}: {err['msg']}") from None


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
