"""``e2ebench-report RUN_DIR... [--out DIR]``: build the report from the command line.

Exit codes: 0 when the report was written; 2 for a user error (a run folder does not
exist, no readable record, or no run is ok). In the last case ``runs.csv`` and a
``report.md`` listing the failures are still written, because they are what the user
needs to see, but the exit code is 2 so that a script chaining a sweep and its report
(``e2ebench -m ... && e2ebench-report ...``) notices that nothing succeeded.
Errors are one line on stderr, ``e2ebench-report: error: ...``, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from reports.errors import NoSuccessfulRunsError, ReportError
from reports.curves import N_BOOTSTRAP
from reports.report import FORMATS, build_report

PROG = "e2ebench-report"
EXIT_USER_ERROR = 2


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; ``--out`` defaults to ``<first RUN_DIR>/report`` (``./report`` with
    ``--wandb`` alone)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read every run record (result.json) under the given folders and write the report: "
                    "runs.csv, tables/ (md, tex, csv), figures/ (png, pdf), report.md, report.tex and a "
                    "self-contained report.html, with learning-curve fits, crossovers and claim verdicts.",
    )
    parser.add_argument("run_dirs", nargs="*", type=Path, metavar="RUN_DIR",
                        help="a sweep or run folder (searched recursively), or a result.json file")
    parser.add_argument("--wandb", dest="wandb_projects", action="append", default=[], metavar="ENTITY/PROJECT",
                        help="also read the e2ebench runs of this W&B project (needs network and a W&B login); "
                             "repeat for several")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default: <first RUN_DIR>/report, or ./report with --wandb alone)")
    parser.add_argument("--format", dest="formats", action="append", choices=FORMATS, metavar="FORMAT",
                        help=f"write only this report format ({', '.join(FORMATS)}); repeat for several "
                             "(default: all). CSV tables and figures are always written.")
    parser.add_argument("--bootstrap", type=int, default=N_BOOTSTRAP, metavar="N",
                        help=f"bootstrap replicates over seeds for fits and crossovers (default {N_BOOTSTRAP})")
    args = parser.parse_args(argv)
    if not args.run_dirs and not args.wandb_projects:
        parser.error("give at least one RUN_DIR or --wandb ENTITY/PROJECT")
    if args.bootstrap < 1:
        parser.error(f"--bootstrap must be a positive number of replicates, not {args.bootstrap}")
    args.formats = tuple(dict.fromkeys(args.formats or FORMATS))
    if args.out is None and args.run_dirs:
        first = args.run_dirs[0]
        args.out = (first.parent if first.is_file() else first) / "report"
    elif args.out is None:
        args.out = Path("report")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the exit code (0 ok, 2 user error)."""
    args = parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            report = build_report(args.run_dirs, args.out, formats=args.formats, n_bootstrap=args.bootstrap,
                                  wandb_projects=args.wandb_projects)
        except NoSuccessfulRunsError as err:
            _print_warnings(caught)
            print(f"failure list written to {err.report_path}")
            return _user_error(err)
        except ReportError as err:
            _print_warnings(caught)
            return _user_error(err)
        except OSError as err:  # --out unusable (a file, no permission, full disk)
            _print_warnings(caught)
            print(f"{PROG}: error: cannot write the report into {args.out}: "
                  f"{err.strerror or err}{f' ({err.filename})' if err.filename else ''}", file=sys.stderr)
            return 2
    _print_warnings(caught)
    print(f"report written to {report}")
    return 0


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    # The default format adds our source file and line, which means nothing to a user.
    for warning in caught:
        print(f"{PROG}: warning: {warning.message}", file=sys.stderr)


def _user_error(err: Exception) -> int:
    print(f"{PROG}: error: {' '.join(str(err).split())}", file=sys.stderr)
    return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
