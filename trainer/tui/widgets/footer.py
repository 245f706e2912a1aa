"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer throws its keys away and mounts new ones whenever the screen's bindings are
refreshed: every focus change, every pushed or popped screen, every `refresh_bindings`. Most of
those leave the footer exactly as it was. Each new key also starts out compact and is then
bound to the footer's (non-compact) style, so it is restyled twice more as it mounts. Together
that was about a tenth of the app's CPU time while typing and moving focus.

This footer looks and behaves the same; it skips rebuilds that would show the same keys, and
its keys start in the footer's own style.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """The key bar at the bottom of every screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[Any, ...] | None = None

    def _shows(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """What the footer would draw for `screen`'s bindings right now."""
        keys = tuple(
            (key, active.binding, active.enabled, active.tooltip)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )
        return (keys, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # The conditions under which Textual's Footer schedules a rebuild.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shows = self._shows(screen)
            if self._bindings_ready and shows == self._shown:
                return
            self._shown = shows
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # Keys bound to the footer's `compact` start with its value, which saves two
            # restyles each; the command palette's key is not bound and keeps its own.
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
