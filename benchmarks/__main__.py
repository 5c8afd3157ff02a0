"""``python -m benchmarks`` runs the ``e2ebench`` Hydra application."""

from benchmarks.app import main

main()
