"""Report problems the user can fix; the CLI prints them as one line, without a traceback."""

from __future__ import annotations

from pathlib import Path


class ReportWarning(UserWarning):
    """Something the reader of the report must know (a skipped file, mixed settings...).

    Besides being issued, these are listed in the report's own "Warnings" section.
    """


class ReportError(Exception):
    """A report cannot be built from what the user pointed it at (missing folder, no records...)."""


class NoRecordsError(ReportError):
    """No readable ``result.json`` was found under the run folders."""


class NoSuccessfulRunsError(ReportError):
    """Records were found but none has ``status == "ok"``.

    Raised *after* ``runs.csv`` and a ``report.md`` listing the failures have been
    written, so the user can see why everything failed; ``report_path`` points at it.
    """

    def __init__(self, message: str, report_path: Path):
        super().__init__(message)
        self.report_path = report_path
