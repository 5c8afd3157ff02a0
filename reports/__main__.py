"""``python -m reports RUN_DIR... [--out DIR]``, the same as ``e2ebench-report``."""

import sys

from reports.cli import main

sys.exit(main())
