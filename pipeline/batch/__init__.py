"""An archive at once: every recording under a folder tree, resumably, on this machine or on Ray.

    plan.py       discover(ROOT) -> content hash, copies, ids: the jobs to run
    executors.py  the work of one recording (runner.run) and where it runs: inline, processes, Ray
    driver.py     the batch: keep the executor full, the catalogue (OUT/catalog.db) and the report
                  (OUT/batch-report.json); the state of an archive (`minutes status`)

Each recording goes through `runner.run`, whose stage cache is what makes a batch resumable: a
recording already done reads two small files, one killed halfway restarts at the stage it reached.
Recordings are keyed by content: `OUT/<name>-<first 8 hex of its SHA-256>/`, so two different
recordings called `audio1.m4a` in two folders never share a folder, and the same recording copied
twice is processed once. One recording's failure never stops the others: bad input (a
`MinutesError`) is reported at once; anything else, and a worker process that died, is tried once
more. Only the batch's own process writes the catalogue; workers report stages back through a queue.
What a person sees (progress, the closing table) is the CLI's: pipeline/terminal.py.
"""

from __future__ import annotations

from pipeline.batch.driver import REPORT_FILE, Display, Report, drive, log, run, status
from pipeline.batch.executors import (
    EXECUTORS,
    MAX_ATTEMPTS,
    PLUGINS_ENV,
    THREAD_VARS,
    Emit,
    Event,
    Executor,
    Heard,
    Inline,
    Outcome,
    Processes,
    RayExecutor,
    StageDone,
    WorkerLost,
    load_plugins,
    process,
)
from pipeline.batch.plan import ZOOM_PART, Entry, Job, Plan, find_recordings, plan
from pipeline.catalog import LOCK_FILE, exclusive, is_running

__all__ = [
    "EXECUTORS",
    "LOCK_FILE",
    "MAX_ATTEMPTS",
    "PLUGINS_ENV",
    "REPORT_FILE",
    "THREAD_VARS",
    "ZOOM_PART",
    "Display",
    "Emit",
    "Entry",
    "Event",
    "Executor",
    "Heard",
    "Inline",
    "Job",
    "Outcome",
    "Plan",
    "Processes",
    "RayExecutor",
    "Report",
    "StageDone",
    "WorkerLost",
    "drive",
    "exclusive",
    "find_recordings",
    "is_running",
    "load_plugins",
    "log",
    "plan",
    "process",
    "run",
    "status",
]
