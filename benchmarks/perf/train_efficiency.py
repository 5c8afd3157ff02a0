"""Benchmark: the training step of every e2e model, against the machine's fp32 matmul rate.

For each e2e method of ``conf/method/`` (the module its config builds, the first value
of each grid entry, the method's batch size), one training step (forward, loss,
backward, AdamW) on a synthetic batch shaped like its task's inputs: 28×28 images,
160-byte glosses, 2.5 s of 16 kHz audio, 96×96 RGB frames, 30-word verses. It prints
one table: forward + backward FLOPs per step (``torch.utils.flop_counter``), the
step's time, achieved GFLOP/s, examples/s, and the ratio to a 2048² fp32 matmul
timed at the same thread count, at 1 and 2 threads. It warns when other processes
load the CPU (the load average), since timings are then not the machine's.

Run: ``python -m benchmarks.perf.train_efficiency [--steps 20] [--threads 1 2] [--smoke]``
(``make bench``). ``--smoke`` takes two steps per model and times nothing worth reading:
the default test suite runs it so the benchmark cannot rot.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections.abc import Callable

from benchmarks import process  # noqa: E402

process.configure()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from hydra.utils import instantiate  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from benchmarks import registry  # noqa: E402

__all__ = ["INPUTS", "main", "matmul_gflops", "measure"]

_WORDS = "y la de que el en los se á su por con no lo le las dijo Jehová tierra hijos casa Dios".split()


def _sentences(rng: np.random.Generator, n: int, words: int = 30) -> list[str]:
    return [" ".join(rng.choice(_WORDS, words)) for _ in range(n)]


#: task -> ``(rng, n) -> (raw inputs, raw targets)`` shaped like the task's data
INPUTS: dict[str, Callable[[np.random.Generator, int], tuple]] = {
    "image": lambda rng, n: (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n)),
    "text": lambda rng, n: (_sentences(rng, n, 25), rng.integers(0, 24, n)),
    "speech": lambda rng, n: (list(rng.integers(-3000, 3000, (n, 40_000), dtype=np.int16)),
                              [" ".join(rng.choice(["one", "two", "oh", "nine", "five"], 4)) for _ in range(n)]),
    "driving": lambda rng, n: (rng.integers(0, 256, (n, 96, 96, 3), dtype=np.uint8),
                               rng.normal(0, 0.3, n).astype(np.float32)),
    "translation": lambda rng, n: (_sentences(rng, n), _sentences(rng, n)),
}


def matmul_gflops(threads: int, size: int = 2048, repeats: int = 5) -> float:
    """The best fp32 GFLOP/s of ``size``² matrix products at ``threads`` threads."""
    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size ** 3 / best / 1e9


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@functools.lru_cache(maxsize=None)
def _estimator_config(method: str, task: str):
    """The method's resolved ``method.estimator`` config on ``task`` (composed once per method)."""
    return registry.compose([f"task={task}", f"approach={registry.methods()[method]['approach']}",
                             f"method={method}"]).method.estimator


def _build(method: str, task: str):
    estimator = _estimator_config(method, task)
    grid = {k: list(v)[0] for k, v in (estimator.get("param_grid") or {}).items()}
    module = instantiate(estimator.module)(**grid)
    return module, int(estimator.get("batch_size") or 64)


def measure(method: str, task: str, threads: int, steps: int) -> dict[str, float | str]:
    """One method's training step at ``threads`` threads: FLOPs, seconds, GFLOP/s, examples/s."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    module, batch = _build(method, task)
    X, y = INPUTS[task](np.random.default_rng(0), batch)  # the same batch at every thread count
    module.prepare(X, y)
    x_enc, y_enc = module.encode_inputs(X), module.encode_targets(y)
    if "n_classes" in module.hparams and np.issubdtype(np.asarray(y_enc).dtype, np.integer) and y_enc.ndim == 1:
        y_enc = y_enc % module.hparams["n_classes"]
    xb, yb = torch.from_numpy(np.ascontiguousarray(x_enc)), torch.from_numpy(np.ascontiguousarray(y_enc))
    module.train()
    optimiser = torch.optim.AdamW(module.parameters(), lr=1e-3)

    def step():
        optimiser.zero_grad(set_to_none=True)
        module.loss(module.training_outputs(xb, yb), yb).backward()
        optimiser.step()

    step()  # allocation and one-off costs
    with FlopCounterMode(display=False) as counter:
        module.loss(module.training_outputs(xb, yb), yb).backward()
    flops = counter.get_total_flops()
    seconds = float(np.median([_timed(step) for _ in range(steps)]))
    return {"method": method, "task": task, "threads": threads, "batch": batch, "gflop_per_step": flops / 1e9,
            "step_ms": 1e3 * seconds, "gflops": flops / seconds / 1e9, "examples_per_s": batch / seconds}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per model (median)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--smoke", action="store_true", help="two steps per model, one thread: a check, not a timing")
    args = parser.parse_args(argv)
    steps, threads = (2, [1]) if args.smoke else (args.steps, args.threads)
    load = os.getloadavg()[0]
    if load > 0.5 and not args.smoke:
        print(f"warning: load average {load:.1f}: other processes share the CPU, so these timings are not "
              "the machine's")
    methods = [(m, t) for m, info in registry.methods().items() if info["approach"] == "e2e" for t in info["tasks"]]
    size = 256 if args.smoke else 2048
    rows, seen = [], set()
    for n in threads:
        peak = matmul_gflops(n, size=size, repeats=1 if args.smoke else 5)
        for method, task in methods:
            # a method that only wraps another's network (DAgger around PilotNet) trains the same step
            key = (n, task, str(_estimator_config(method, task).module))
            if key in seen:
                continue
            seen.add(key)
            row = measure(method, task, n, steps)
            rows.append(row | {"matmul_gflops": peak, "of_matmul": row["gflops"] / peak})
    header = f"{'method':<18}{'task':<12}{'thr':>4}{'batch':>6}{'GFLOP/step':>11}{'ms/step':>9}{'GFLOP/s':>9}" \
             f"{'ex/s':>9}{'of matmul':>10}"
    print(header)
    for r in rows:
        print(f"{r['method']:<18}{r['task']:<12}{r['threads']:>4}{r['batch']:>6}{r['gflop_per_step']:>11.2f}"
              f"{r['step_ms']:>9.1f}{r['gflops']:>9.1f}{r['examples_per_s']:>9.0f}{r['of_matmul']:>10.0%}")
    for n in threads:
        print(f"fp32 matmul {size}², {n} thread(s): {next(r['matmul_gflops'] for r in rows if r['threads'] == n):.1f} "
              "GFLOP/s")
    return rows


if __name__ == "__main__":
    main()
