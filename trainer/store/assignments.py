"""Assignments: a lead asks trainees to practise a scenario, optionally by a due date.

The store keeps who was asked what and when; whether it is pending, in progress or done is
worked out from their sessions in report/assignments.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update

from trainer.store import schema as S
from trainer.store.base import StoreBase
from trainer.store.rows import AssignmentRow, _assignment, utcnow


class AssignmentsMixin(StoreBase):
    """Writing and reading assignments."""

    def assign(
        self, scenario_id: str, trainees: Iterable[str], due: datetime | None, by: str
    ) -> list[AssignmentRow]:
        """Assign `scenario_id` to each trainee; assigning it again renews it (a new start
        date and due date), so a completed scenario can be set again."""
        now = utcnow()
        names = sorted(set(trainees))
        with self._write() as conn:
            for name in names:
                renewed = conn.execute(
                    update(S.assignments)
                    .where(
                        S.assignments.c.scenario_id == scenario_id, S.assignments.c.trainee == name
                    )
                    .values(due=due, assigned=now, assigned_by=by)
                )
                if not renewed.rowcount:
                    conn.execute(
                        S.assignments.insert().values(
                            scenario_id=scenario_id,
                            trainee=name,
                            due=due,
                            assigned=now,
                            assigned_by=by,
                        )
                    )
            found = conn.execute(
                select(S.assignments).where(
                    S.assignments.c.scenario_id == scenario_id, S.assignments.c.trainee.in_(names)
                )
            )
            return sorted((_assignment(r) for r in found), key=lambda a: a.trainee)

    def assignments(
        self, trainee: str | None = None, scenario_id: str | None = None
    ) -> list[AssignmentRow]:
        """Assignments (exact trainee identity; the trainee's home screen uses this), those
        with the nearest due date first, then undated ones by when they were set."""
        query = select(S.assignments)
        if trainee is not None:
            query = query.where(S.assignments.c.trainee == trainee)
        if scenario_id is not None:
            query = query.where(S.assignments.c.scenario_id == scenario_id)
        with self._read() as conn:
            rows = [_assignment(r) for r in conn.execute(query)]
        return sorted(
            rows, key=lambda a: (a.due is None, a.due or a.assigned, a.assigned, a.trainee)
        )

    def unassign(self, assignment_id: int) -> bool:
        with self._write() as conn:
            result = conn.execute(delete(S.assignments).where(S.assignments.c.id == assignment_id))
        return bool(result.rowcount)
