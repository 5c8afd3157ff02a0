"""e2ebench: paired handcrafted-pipeline vs end-to-end benchmarks (tasks, datasets, runner)."""
