"""The benchmark scripts run (smoke mode: a few steps, nothing timed is asserted)."""

from __future__ import annotations

from benchmarks import registry
from benchmarks.perf import train_efficiency


def test_the_training_efficiency_benchmark_covers_every_e2e_network(capsys):
    rows = train_efficiency.main(["--smoke"])
    measured = {row["method"] for row in rows}
    e2e = {m for m, info in registry.methods().items() if info["approach"] == "e2e"}
    assert measured <= e2e and {"cnn", "char_cnn", "wav_ctc", "pilotnet", "transformer"} <= measured
    assert all(row["gflop_per_step"] > 0 and row["gflops"] > 0 for row in rows)
    assert "of matmul" in capsys.readouterr().out
