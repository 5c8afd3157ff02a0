"""Benchmark: the cost of claiming a job against the size of the sweep, and a cluster array's claims.

Part 1 writes N stub ``ok`` records into a sweep folder and times a claim of a new
configuration (the runner's ``_claim``: lock, running check, ok check, marker) with
the sweep index against the full scan of every record that claims did before it
(``benchmarks.record.find_ok_record``), at each N.

Part 2 simulates an array: P processes claim and complete stub jobs from one list
against a sweep of N records, each job tried by two processes at once, as when a
relaunch races an array; it counts jobs run twice and jobs lost (never done), which
must both be zero.

Run: ``python -m benchmarks.perf.claims [--sizes 100 1000 10000 50000] [--processes 64] [--jobs 640]``.
Not a unit test: timings depend on the machine and its disk.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import runner, sweep_index
from benchmarks.record import RunRecord, find_ok_record, write_record


def _write_sweep(root: Path, n: int) -> None:
    """``n`` stub ok records, one folder each (plain writes: the benchmark times claims, not this)."""
    for i in range(n):
        record = RunRecord(task="image", approach="pipeline", status="ok", config_hash=f"r{i:06d}",
                           primary_metric="accuracy", metrics={"accuracy": 0.5}).to_dict()
        folder = root / f"job{i:06d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").write_text(json.dumps(record))


def _claim(root: Path, cfg_hash: str) -> bool:
    record = {"config_hash": cfg_hash, "overrides": [f"job={cfg_hash}"], "status": "failed"}
    return runner._claim(root / f"new-{cfg_hash}", root, record) is None


def claim_latency(sizes: list[int], repeats: int = 20) -> list[dict]:
    """Median seconds per claim, index and full scan, at each sweep size."""
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            _write_sweep(root, n)
            os.environ["E2EBENCH_LAUNCH"] = f"bench-{n}"
            start = time.perf_counter()
            sweep_index.ensure_built(root, os.environ["E2EBENCH_LAUNCH"])
            build = time.perf_counter() - start
            indexed = []
            for i in range(repeats):
                start = time.perf_counter()
                _claim(root, f"n{n}-{i}")
                indexed.append(time.perf_counter() - start)
            scans = []
            for i in range(min(repeats, 3)):
                start = time.perf_counter()
                find_ok_record(root, f"absent-{i}")
                scans.append(time.perf_counter() - start)
            rows.append({"records": n, "index_build_s": build, "claim_s": statistics.median(indexed),
                         "full_scan_s": statistics.median(scans)})
    return rows


def _worker(root: Path, jobs: list[str], done: "multiprocessing.Queue") -> None:
    for job in jobs:
        if _claim(root, job):
            record = RunRecord(task="image", approach="pipeline", status="ok", config_hash=job,
                               primary_metric="accuracy", metrics={"accuracy": 0.5}).to_dict()
            path = write_record(record, root / f"new-{job}")
            sweep_index.add_ok(root, job, path)
            (root / f"new-{job}" / "running.json").unlink(missing_ok=True)
            sweep_index.remove_running(root, job)
            done.put(job)


def array(n_records: int, processes: int, n_jobs: int) -> dict:
    """``processes`` workers share ``n_jobs``, each job tried by two of them at once (a relaunch racing an array)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_sweep(root, n_records)
        os.environ["E2EBENCH_LAUNCH"] = "bench-array"
        jobs = [f"job{i:05d}" for i in range(n_jobs)]
        ctx = multiprocessing.get_context("fork")
        done = ctx.Queue()
        start = time.perf_counter()
        procs = [ctx.Process(target=_worker, args=(root, jobs[p::processes] + jobs[(p + 1) % processes::processes],
                                                   done)) for p in range(processes)]
        for proc in procs:
            proc.start()
        finished = [done.get(timeout=600) for _ in range(n_jobs)]
        for proc in procs:
            proc.join(timeout=600)
        elapsed = time.perf_counter() - start
        while not done.empty():
            finished.append(done.get())
        return {"records": n_records, "processes": processes, "jobs": n_jobs, "seconds": elapsed,
                "claims_per_s": 2 * n_jobs / elapsed, "duplicates": len(finished) - len(set(finished)),
                "lost": len(set(jobs) - set(finished))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 50000])
    parser.add_argument("--processes", type=int, default=64)
    parser.add_argument("--jobs", type=int, default=640)
    parser.add_argument("--array-records", type=int, default=10000)
    args = parser.parse_args()
    print(f"{'records':>8} {'index build s':>14} {'claim ms (index)':>17} {'claim ms (full scan)':>21}")
    for row in claim_latency(args.sizes):
        print(f"{row['records']:>8} {row['index_build_s']:>14.2f} {1000 * row['claim_s']:>17.2f} "
              f"{1000 * row['full_scan_s']:>21.1f}")
    result = array(args.array_records, args.processes, args.jobs)
    print(f"array: {result['processes']} processes, {result['jobs']} jobs over a {result['records']}-record sweep: "
          f"{result['seconds']:.1f} s, {result['claims_per_s']:.0f} claims/s, duplicates {result['duplicates']}, "
          f"lost {result['lost']}")


if __name__ == "__main__":
    main()
