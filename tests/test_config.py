"""config.toml defaults and the flag > file > built-in order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trainer import locations
from trainer.config import ConfigError, load_settings, save_setting


def test_missing_file_gives_builtins() -> None:
    settings = load_settings()
    assert settings.customer == "transformers"
    assert settings.trainee is None


def test_file_values_and_hyphenated_keys(user_dirs: Path) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        'trainee = "Sam"\ncustomer-model = "/models/x"\n[defaults]\ncustomer = "scripted"\n'
    )
    settings = load_settings()
    assert (settings.trainee, settings.customer_model, settings.customer) == (
        "Sam",
        "/models/x",
        "scripted",
    )


def test_bad_file_is_one_located_line() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("traine = 'typo'\n")
    with pytest.raises(ConfigError, match=r"config\.toml: traine: "):
        load_settings()


def test_save_setting_keeps_other_keys() -> None:
    save_setting("db", "sqlite:////tmp/x.db")
    save_setting("trainee", "Ana")
    settings = load_settings()
    assert (settings.db, settings.trainee) == ("sqlite:////tmp/x.db", "Ana")


@pytest.mark.cli
def test_flag_wins_over_file_in_real_command(user_dirs: Path) -> None:
    """`sessions list` reads db from config.toml unless --db is given."""
    file_db = user_dirs / "from-file.db"
    flag_db = user_dirs / "from-flag.db"
    locations.config_file().parent.mkdir(parents=True)
    locations.config_file().write_text(f'db = "sqlite:///{file_db}"\n')
    cli = [sys.executable, "-m", "trainer.cli", "sessions", "list", "--json"]
    subprocess.run(cli, check=True, capture_output=True)
    assert file_db.exists() and not flag_db.exists()
    subprocess.run([*cli, "--db", f"sqlite:///{flag_db}"], check=True, capture_output=True)
    assert flag_db.exists()


def test_environment_sits_between_flags_and_the_file(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locations.config_file().parent.mkdir(parents=True)
    locations.config_file().write_text('db = "sqlite:///file.db"\ntrainee = "File"\n')
    assert load_settings().db == "sqlite:///file.db"
    monkeypatch.setenv("EMPATHY_TRAINER_DB", "sqlite:///env.db")
    monkeypatch.setenv("EMPATHY_TRAINER_SCENARIOS", '["~/ours"]')
    settings = load_settings()
    assert (settings.db, settings.trainee, settings.scenarios) == (
        "sqlite:///env.db",
        "File",
        ["~/ours"],
    )
    flagged = load_settings(flags={"db": "sqlite:///flag.db", "trainee": None})
    assert (flagged.db, flagged.trainee) == ("sqlite:///flag.db", "File")


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPATHY_TRAINER_BUNDLED", "perhaps")
    with pytest.raises(ConfigError, match=r"^EMPATHY_TRAINER_BUNDLED: "):
        load_settings()
