"""The home screen's box of scenarios the trainee's lead assigned and are not done yet."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from trainer.report.assignments import AssignmentProgress

MAX_ASSIGNED = 4
"""Assignments listed on the home screen, nearest due first: more would push the library down."""


def assigned_content(todo: list[AssignmentProgress], titles: dict[str, str]) -> Content:
    """What the trainee's lead asked them to practise and has not been done yet."""
    parts: list[str | tuple[str, str]] = [("Assigned to you", "bold")]
    for item in todo[:MAX_ASSIGNED]:
        sid = item.assignment.scenario_id
        title = item.scenario_title or titles.get(sid, sid)
        due_end = item.assignment.due  # the end of the due day, exclusive
        due = f" · due {due_end - timedelta(microseconds=1):%d %b}" if due_end else ""
        status = item.status.replace("_", " ") + (", overdue" if item.overdue else "")
        parts += ["\n", f"• {title}{due} · ", (status, "italic")]
    if len(todo) > MAX_ASSIGNED:
        parts += ["\n", f"and {len(todo) - MAX_ASSIGNED} more"]
    return Content.assemble(*parts)


class AssignmentsBox(Static):
    """Shown only while something assigned is still to do."""

    def show(self, assignments: list[AssignmentProgress], titles: dict[str, str]) -> None:
        """`titles` names scenarios by id, for assignments whose progress carries no title."""
        todo = [a for a in assignments if a.status != "completed"]
        self.display = bool(todo)
        if todo:
            self.update(assigned_content(todo, titles))
