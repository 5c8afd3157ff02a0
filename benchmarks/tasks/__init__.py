"""Benchmark tasks: one file per task, each registered by its ``conf/task/<name>.yaml``."""

from benchmarks.tasks.base import ClassificationTask, Split, Task, TaskData

__all__ = ["ClassificationTask", "Split", "Task", "TaskData"]
