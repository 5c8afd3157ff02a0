"""e2ebench reports: turn run records (``result.json``) into tables, figures and ``report.md``.

Entry points: :func:`build_report` for Python, ``e2ebench-report`` (:func:`reports.cli.main`)
for the shell. See section 5 of ``DESIGN.md`` for what the report contains.
"""

from reports.report import build_report

__all__ = ["build_report"]
