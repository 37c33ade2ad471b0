"""What each role reads of import jobs: whose drafts, and whether row issues quote values.

Row issues quote cell values (redacted, yet still what customers wrote), so a
role that may not read texts (no ``view_documents``: product managers,
integrations) reads them with every quoted value replaced by ``[value]``. The
web job page, its CSV report and the API's issues and report endpoints all
read issues through here. A draft (an upload not imported yet) is listed only
for the person who uploaded it and for admins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from segapp.models import ImportJob, ImportRowIssue, ImportStatus
from segapp.selectors.exports import csv_lines
from segapp.selectors.imports import REPORT_COLUMNS, import_jobs, job_issues
from segapp.services.accounts import ADMIN, can, roles_of

HIDDEN_VALUE = "[value]"
# Values are quoted with Python's repr() (rows._quote): 'text', or "text" when it holds a '.
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


@dataclass(frozen=True)
class IssueLine:
    """One row issue as a reader may see it."""

    row_number: int
    column: str
    severity: str
    reason: str

    def get_severity_display(self) -> str:
        """The severity in words, as the model says it."""
        return ImportRowIssue.Severity(self.severity).label


def may_read_values(user) -> bool:
    """Whether the user may read cell values quoted in row issues (readers of texts)."""
    return can(user, "view_documents")


def hide_values(reason: str) -> str:
    """The reason with every quoted cell value replaced by a placeholder."""
    return QUOTED.sub(HIDDEN_VALUE, reason)


def issue_lines(issues: Iterable[ImportRowIssue], *, user) -> list[IssueLine]:
    """Row issues as `user` may read them (values hidden from roles that may not read texts)."""
    reveal = may_read_values(user)
    return [
        IssueLine(
            issue.row_number,
            issue.column,
            issue.severity,
            issue.reason if reveal else hide_values(issue.reason),
        )
        for issue in issues
    ]


def report_lines(job: ImportJob, *, user) -> Iterator[str]:
    """The row-level report of a job as CSV text, as `user` may read it."""
    reveal = may_read_values(user)
    rows = (
        {
            "row": issue.row_number,
            "column": issue.column,
            "severity": issue.severity,
            "reason": issue.reason if reveal else hide_values(issue.reason),
        }
        for issue in job_issues(job).iterator(chunk_size=2000)
    )
    return csv_lines(rows, REPORT_COLUMNS)


def visible_jobs(user) -> QuerySet[ImportJob]:
    """Import jobs the user sees listed: everything but other people's drafts."""
    jobs = import_jobs()
    if ADMIN in roles_of(user):
        return jobs
    return jobs.filter(~Q(status=ImportStatus.DRAFT) | Q(created_by=user))


def imported_jobs() -> QuerySet[ImportJob]:
    """Import jobs past the draft stage (what the API lists)."""
    return import_jobs().exclude(status=ImportStatus.DRAFT)


def may_open_draft(user, job: ImportJob) -> bool:
    """Whether the user may see, change, confirm or discard this draft."""
    if not can(user, "import_data"):
        return False
    return job.created_by_id == user.pk or ADMIN in roles_of(user)
