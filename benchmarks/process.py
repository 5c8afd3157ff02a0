"""Process-wide settings that must be in place before torch and numpy start working.

Imported first by the ``e2ebench`` entry point. Environment variables set here are
inherited by launcher workers (joblib's loky processes, submitit jobs), which read
them at start-up; the current process gets the same effect through ``mallopt``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import warnings

# glibc serves allocations above the mmap threshold (at most 32 MiB) with fresh
# pages and returns them on free: a CNN's activations for a 1,024-image batch
# then page-fault on every batch. Keeping them on the heap doubled inference
# speed and cut system time by ~10x here (1,024-image batches, one thread).
_MALLOC = {"MALLOC_MMAP_THRESHOLD_": 1 << 30, "MALLOC_TRIM_THRESHOLD_": 1 << 31}
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def configure() -> None:
    """Set OpenMP, W&B and allocator defaults; the user's own environment wins."""
    # With more threads than cores, OpenMP's busy-waiting made small models
    # 20-100x slower on a 2-core machine.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # W&B runs offline unless the user asks otherwise, so no account is needed.
    os.environ.setdefault("WANDB_MODE", "offline")
    for name, value in _MALLOC.items():
        os.environ.setdefault(name, str(value))
    _mallopt(_M_MMAP_THRESHOLD, int(os.environ["MALLOC_MMAP_THRESHOLD_"]))
    _mallopt(_M_TRIM_THRESHOLD, int(os.environ["MALLOC_TRIM_THRESHOLD_"]))
    # Printed once per e2e job by Lightning 2.6 with torch 2.13; harmless, and
    # alarming to newcomers.
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")
    # Lightning 2.6 advertises its cloud logger at every Trainer start: once
    # per tuning candidate per job, between the lines a user needs to read.
    logging.getLogger("lightning.pytorch.utilities.rank_zero").addFilter(_drop_litlogger_tip)


def _drop_litlogger_tip(record: logging.LogRecord) -> bool:
    return "litlogger" not in str(record.msg)


def _mallopt(option: int, value: int) -> None:
    name = ctypes.util.find_library("c")
    if not name:
        return  # not glibc (macOS, musl): nothing to tune
    try:
        ctypes.CDLL(name).mallopt(ctypes.c_int(option), ctypes.c_int(value))
    except (OSError, AttributeError):
        pass
