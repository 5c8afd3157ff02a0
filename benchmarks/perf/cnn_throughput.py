"""Benchmark: CNN training throughput, and Lightning's step time against a plain loop.

Trains the image task's CNN for a fixed number of steps on real Fashion-MNIST
images, once with ``lightning.Trainer`` (as the runner does: deterministic, no
validation, no checkpointing, no logger) and once with a plain PyTorch loop on
the same model, data order and optimiser. Prints training images per second and
the ratio of Lightning's per-step time to the plain loop's (target <= 1.10).

Run: ``python -m benchmarks.perf.cnn_throughput [--steps 200] [--threads N] [--repeats 3]``
(``make bench``). Not a unit test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks import process  # noqa: E402

process.configure()

import lightning as L  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from lightning.pytorch.callbacks import Callback  # noqa: E402

from benchmarks.datasets.fashion_mnist import FashionMNIST  # noqa: E402
from e2e_models.cnn import CNN  # noqa: E402
from e2e_models.datamodule import ArrayDataModule  # noqa: E402


class _StepTimer(Callback):
    """Wall time from the first to the last training batch (excludes Trainer start-up)."""

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        if batch_idx == 1:  # skip the first step, as the plain loop does
            self.start = time.perf_counter()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self.end = time.perf_counter()


def _lightning(X, y, steps: int, batch_size: int) -> tuple[float, float]:
    L.seed_everything(0, verbose=False)
    model = CNN()
    datamodule = ArrayDataModule(X, y, X[:batch_size], y[:batch_size], batch_size)
    timer = _StepTimer()
    trainer = L.Trainer(max_steps=steps, deterministic=True, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0,
                        callbacks=[timer])
    start = time.perf_counter()
    trainer.fit(model, datamodule=datamodule)
    return (timer.end - timer.start) / (steps - 1), time.perf_counter() - start


def _plain(X, y, steps: int, batch_size: int) -> tuple[float, float]:
    L.seed_everything(0, verbose=False)
    torch.use_deterministic_algorithms(True)
    model = CNN()
    optimizer = model.configure_optimizers()
    loader = ArrayDataModule(X, y, X[:batch_size], y[:batch_size], batch_size).train_dataloader()
    model.train()
    start_all = time.perf_counter()
    for step, (xb, yb) in enumerate(loader):
        if step == 1:
            start = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step + 1 == steps:
            break
    end = time.perf_counter()
    torch.use_deterministic_algorithms(False)
    return (end - start) / (steps - 1), end - start_all


def _busy_cores(seconds: float = 1.0) -> float | None:
    """Cores kept busy by other processes, sampled from ``/proc/stat`` (``None`` off Linux).

    The load average lags by a minute, so it still counts a job that just ended.
    """
    def sample():
        with open("/proc/stat") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total and idle + iowait jiffies

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    # Other processes on the cores stretch both loops' steps unevenly (the
    # ratio read 1.15 under load where it reads 1.03 idle): say so.
    busy = _busy_cores()
    if busy is not None and busy > 0.2:
        print(f"warning: other processes keep {busy:.1f} cores busy; they skew the timings")

    train = FashionMNIST().load().train
    n = args.steps * args.batch_size
    X, y = train.X[:n], train.y[:n]
    plain, lightning = [], []
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits both
        plain.append(_plain(X, y, args.steps, args.batch_size)[0])
        lightning.append(_lightning(X, y, args.steps, args.batch_size)[0])
    p, lt = float(np.median(plain)), float(np.median(lightning))
    print(f"CNN {sum(q.numel() for q in CNN().parameters()):,} params, batch {args.batch_size}, "
          f"{args.steps} steps, {args.threads} threads, median of {args.repeats}")
    print(f"plain PyTorch : {1000 * p:7.2f} ms/step  {args.batch_size / p:8.0f} images/s")
    print(f"Lightning     : {1000 * lt:7.2f} ms/step  {args.batch_size / lt:8.0f} images/s")
    ratios = np.array(lightning) / np.array(plain)
    print(f"ratio Lightning/plain: {lt / p:.3f} (target <= 1.10); "
          f"per repeat {ratios.min():.3f} to {ratios.max():.3f}")


if __name__ == "__main__":
    main()
