"""The one error tree: every failure a user can fix is a TrainerError with a message and a hint.

The CLI (`commands.common.run_command`) turns it into one line on stderr, the TUI into one
toast; nothing else catches broad exceptions, and ctrl+c is never turned into an error.
"""

from __future__ import annotations


class TrainerError(Exception):
    """Something the user can fix. `message` says what is wrong, `hint` what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"
