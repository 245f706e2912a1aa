"""Phrase banks: YAML files in grader/data/ that coaches can extend without touching code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from trainer.errors import TrainerError
from trainer.locations import package_data

BANK_NAMES: tuple[str, ...] = (
    "acknowledgement",
    "apology",
    "responsibility",
    "formulaic_apology",
    "non_apology",
    "repair",
    "blame",
    "dismissive",
    "sarcasm",
    "boilerplate",
    "interpretation",
)


@dataclass
class Bank:
    """Example phrases (compared by embedding) and regular expressions (matched exactly)."""

    name: str
    phrases: list[str] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    extra: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)

    def find(self, text: str, key: str | None = None) -> re.Match[str] | None:
        """First regex match in `text` (lower-cased by the caller)."""
        for pattern in self.extra.get(key, []) if key else self.patterns:
            found = pattern.search(text)
            if found:
                return found
        return None


@dataclass
class Banks:
    """All phrase banks plus the feeling-word list."""

    banks: dict[str, Bank]
    feeling_words: tuple[str, ...]

    def __getitem__(self, name: str) -> Bank:
        return self.banks[name]


class BankError(TrainerError):
    """A phrase bank file is unreadable; the message names the file."""


def data_dir() -> Path:
    return package_data("grader", "data")


def _compile(path: Path, items: list[str]) -> list[re.Pattern[str]]:
    out = []
    for item in items:
        try:
            out.append(re.compile(str(item), re.IGNORECASE))
        except re.error as exc:
            raise BankError(f"{path}: bad pattern {item!r}: {exc}") from None
    return out


@cache
def load_banks(folder: Path | None = None) -> Banks:
    """Read every bank once per process."""
    from ruamel.yaml import YAML, YAMLError

    folder = folder or data_dir()
    yaml = YAML(typ="safe")
    banks: dict[str, Bank] = {}
    for name in BANK_NAMES:
        path = folder / f"{name}.yaml"
        try:
            raw = yaml.load(path.read_text(encoding="utf-8")) or {}
        except (OSError, YAMLError) as exc:
            raise BankError(f"{path}: cannot read phrase bank: {exc}") from None
        extra = {
            key: _compile(path, value)
            for key, value in raw.items()
            if key not in ("phrases", "patterns", "description") and isinstance(value, list)
        }
        banks[name] = Bank(
            name=name,
            phrases=[str(p) for p in raw.get("phrases", [])],
            patterns=_compile(path, raw.get("patterns", [])),
            extra=extra,
        )
    feelings_path = folder / "feeling_words.yaml"
    try:
        feelings = yaml.load(feelings_path.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError) as exc:
        raise BankError(f"{feelings_path}: cannot read phrase bank: {exc}") from None
    words = tuple(str(w).lower() for w in feelings.get("words", []))
    return Banks(banks=banks, feeling_words=words)
