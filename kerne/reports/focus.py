"""“Dine fokuspunkter”: the change on exactly the statements of the leader's development plan.

The rows are the personal report's own statement rows (the same figures, the same suppression:
a statement the report does not show is not shown here either); kerne.development says only which
statement keys the plan points at (``focus_targets``), never a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kerne.development.selectors import FocusTarget, focus_targets_for
from kerne.reports.personal import PersonalReport, StatementRow


@dataclass
class FocusRow:
    goal: str
    statements: list[StatementRow] = field(default_factory=list)
    # Keys of the plan that this round did not ask about (a revised framework, another level).
    missing: int = 0


def focus_rows(report: PersonalReport, targets: list[FocusTarget]) -> list[FocusRow]:
    """One row per plan item with statements; the statements as the report shows them. Pure."""
    by_key = {row.key: row for area in report.areas for row in area.statements}
    rows = []
    for target in targets:
        found = [by_key[key] for key in target.statement_keys if key in by_key]
        rows.append(FocusRow(goal=target.goal, statements=found, missing=len(target.statement_keys) - len(found)))
    return rows


def for_viewer(report: PersonalReport, viewer: Any) -> list[FocusRow]:
    """The focus points of the plan the leader agreed before this round closed, for a viewer who may
    read that plan (HR by default may not: it sees that a plan exists, not what it says). One query
    when there is no plan; the plan's access check when there is."""
    subject: Any = report.subject
    return focus_rows(report, focus_targets_for(viewer, subject.person_id, before=subject.round.closed_at))
