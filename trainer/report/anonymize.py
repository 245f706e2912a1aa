"""Pseudonyms for trainees, the same for every lead and every run.

A pseudonym is an HMAC of the trainee's identity (their full stored name) under the team's
key, which lives in the database (Store.team_secret), so two leads exporting the same team
get the same pseudonyms and nobody can recover a name by hashing the team's names.

Names inside text are replaced whole-word, longest first. A part of a name that belongs to
one trainee ("Priya", "Okafor") becomes that trainee's pseudonym; a part two trainees share
(a first name "Sam" of both Sam Lee and Sam Patel) becomes one neutral token, because it
cannot be told whose it is, and guessing would make the output depend on the order names
happen to come in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import defaultdict
from collections.abc import Iterable

NEUTRAL = "[trainee]"
"""What a name part shared by several trainees becomes."""
KEY_NAME = "anonymize_key"
"""The team secret's name in `team_settings`."""


def pseudonym(name: str, key: bytes) -> str:
    """A stable pseudonym for a trainee: the same name and key always give the same one."""
    digest = hmac.new(key, name.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"trainee-{digest[:8]}"


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s._-]+", name.strip()) if len(p) >= 2]


class Anonymizer:
    """Replaces every known trainee's name (and each part of it) as described above."""

    def __init__(self, trainees: Iterable[str], key: bytes):
        self.key = key
        self.names = {t: pseudonym(t, key) for t in sorted(set(trainees))}
        owners: dict[str, set[str]] = defaultdict(set)
        whole: dict[str, str] = {}
        for name, alias in self.names.items():
            whole[name.strip().casefold()] = alias
            for part in _parts(name):
                owners[part.casefold()].add(alias)
        aliases = dict(whole)
        for part, who in owners.items():
            if part not in aliases:
                aliases[part] = next(iter(who)) if len(who) == 1 else NEUTRAL
        # Longest first, so "Sam Lee" is replaced whole before "Sam"; ties alphabetically.
        ordered = sorted(aliases, key=lambda p: (-len(p), p))
        self._aliases = aliases
        self._pattern = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)", re.IGNORECASE
            )
            if ordered
            else None
        )

    def trainee(self, name: str) -> str:
        return self.names.get(name) or pseudonym(name, self.key)

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._aliases[m.group(0).casefold()], text)
