"""e2ebench reports: turn run records (``result.json``, or W&B runs) into tables, figures, fits, claim
verdicts, ``report.md``, ``report.tex`` and a self-contained ``report.html``.

Entry points: :func:`build_report` for Python, ``e2ebench-report`` (:func:`reports.cli.main`)
for the shell. :func:`build_report` lists what the report contains.
"""

from reports.report import build_report

__all__ = ["build_report"]
