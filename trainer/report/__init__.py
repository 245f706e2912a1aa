"""Session and team reports built on the engine's debrief, rendered as HTML, Markdown or JSON."""

from trainer.report.session import (
    ReportError,
    SessionReport,
    render_session,
    render_team,
    session_report,
    status,
)

__all__ = [
    "ReportError",
    "SessionReport",
    "render_session",
    "render_team",
    "session_report",
    "status",
]
