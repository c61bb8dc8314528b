"""A batch from start to end: plan it, keep an executor full, record each outcome in the
catalogue and the report (OUT/batch-report.json); and the state of an archive for `minutes status`.

Nothing here prints: what a person sees comes from the `Display` the CLI passes in, and the
closing table is made from the returned Report (pipeline/terminal.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline import catalog, discover, runner
from pipeline.batch.executors import (
    EXECUTORS,
    MAX_ATTEMPTS,
    Event,
    Executor,
    Outcome,
    StageDone,
    WorkerLost,
    load_plugins,
)
from pipeline.batch.plan import Entry, Job, plan
from pipeline.catalog import Catalog
from pipeline.errors import MinutesError, choose

log = logging.getLogger("minutes")

REPORT_FILE = "batch-report.json"


@dataclass
class Report:
    """The machine-readable result of a batch, also written to OUT/batch-report.json."""

    root: str
    out: str
    executor: str
    jobs: int
    started: str
    finished: str = ""
    wall_seconds: float = 0.0
    entries: list[Entry] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("done", "resumed", "skipped", "failed", "duplicate")}
        for e in self.entries:
            counts[e.status] = counts.get(e.status, 0) + 1
        return counts

    @property
    def failed(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "failed"]

    @property
    def audio_seconds(self) -> float:
        """Audio transcribed by this batch (recordings whose transcript stage ran)."""
        return sum(e.duration or 0.0 for e in self.entries if "transcript" in e.ran)

    @property
    def audio_hours_per_hour(self) -> float | None:
        return self.audio_seconds / self.wall_seconds if self.wall_seconds and self.audio_seconds else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.update(
            counts=self.counts,
            audio_seconds=round(self.audio_seconds, 3),
            audio_hours_per_hour=round(self.audio_hours_per_hour, 3) if self.audio_hours_per_hour else None,
        )
        return data


class Display(Protocol):
    def begin(self, jobs: list[Job], known: list[Entry]) -> None: ...
    def start(self, job: Job) -> None: ...
    def event(self, event: Event) -> None: ...
    def finish(self, entry: Entry) -> None: ...
    def close(self) -> None: ...


def run(
    root: str | Path,
    options: runner.Options,
    *,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    display: Display | None = None,
) -> Report:
    """Process every recording under `root` into options.out; the report says what became of each."""
    if jobs is not None and jobs < 1:
        raise MinutesError(f"--jobs {jobs}: give 1 or more recordings at once")
    make_executor = choose(EXECUTORS, executor, "executor")
    if address and executor != "ray":
        raise MinutesError("--address is for --executor ray; leave it out, or add --executor ray")
    if not Path(root).exists():
        raise MinutesError(f"{root}: no such folder; check the path (quote names with spaces)")
    load_plugins()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    report = Report(
        root=str(Path(root).resolve()), out=str(out.resolve()), executor=executor, jobs=jobs or 1, started=_now()
    )
    with contextlib.ExitStack() as stack:
        if display:
            stack.callback(display.close)
        stack.enter_context(catalog.exclusive(out))
        cat = stack.enter_context(Catalog(out))
        work = plan(root, options, cat)
        if not work.jobs and not work.entries:
            raise MinutesError(
                f"{root}: no recordings found (looked for {', '.join(sorted(e[1:] for e in discover.MEDIA_EXTS))} "
                "files and Zoom folders); point at the folder that holds them"
            )
        batch_id = cat.batch_started(report.root, executor, report.jobs)
        report.entries += work.entries
        if display:
            display.begin(work.jobs, work.entries)

        def on_event(event: Event) -> None:
            if isinstance(event, StageDone):
                cat.stage(event.id, event.stage)
            if display:
                display.event(event)

        def on_start(job: Job) -> None:
            cat.started(job.id)
            if display:
                display.start(job)

        def on_outcome(job: Job, outcome: Outcome) -> None:
            entry = _entry(job, outcome)
            if outcome.ok:
                cat.done(job.id, Path(entry.out_dir or ""), outcome.attempts)
            else:
                cat.failed(job.id, outcome.error or "failed", outcome.attempts)
            report.entries.append(entry)
            if display:
                display.finish(entry)

        if work.jobs:
            engine = make_executor(jobs, address, work.jobs[0].options, on_event)
            report.jobs = engine.capacity
            try:
                drive(engine, work.jobs, on_start, on_outcome)
            except BaseException:
                engine.close(abort=True)
                raise
            engine.close()
        report.entries.sort(key=lambda e: e.source)
        report.finished = _now()
        report.wall_seconds = round(time.perf_counter() - t0, 3)
        data = report.to_dict()
        runner.write_atomic(out / REPORT_FILE, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())
        cat.batch_finished(batch_id, data)
    return report


def drive(
    executor: Executor,
    jobs: list[Job],
    on_start: Callable[[Job], None],
    on_outcome: Callable[[Job, Outcome], None],
) -> None:
    """Keep the executor full; a job whose worker died goes back in line once."""
    pending = deque(jobs)
    running: dict[Any, Job] = {}
    while pending or running:
        while pending and len(running) < executor.capacity:
            job = pending.popleft()
            on_start(job)
            running[executor.submit(job)] = job
        for handle in executor.wait(list(running), timeout=0.5):
            job = running.pop(handle)
            try:
                outcome = executor.result(handle)
            except WorkerLost as exc:
                if job.attempt < MAX_ATTEMPTS:
                    log.warning("%s: %s; trying once more", job.source, exc)
                    pending.appendleft(dataclasses.replace(job, attempt=job.attempt + 1))
                    continue
                outcome = Outcome(job.id, False, f"{exc} (attempt {job.attempt})", job.attempt)
            on_outcome(job, outcome)


def _entry(job: Job, outcome: Outcome) -> Entry:
    out_dir = Path(job.options.out) / job.id
    entry = Entry(
        source=job.source,
        id=job.id,
        status="failed",
        sha256=None,
        duration=job.duration,
        error=outcome.error,
        attempts=outcome.attempts,
        stages=outcome.stages,
    )
    run_info = out_dir / "run.json"
    if outcome.ok:
        entry.out_dir = str(out_dir)
        entry.ran = [n for n, t in outcome.stages.items() if not t.get("cached") and not t.get("skipped")]
        computable = [n for n, t in outcome.stages.items() if not t.get("skipped")]
        entry.status = "skipped" if not entry.ran else "done" if len(entry.ran) == len(computable) else "resumed"
        with contextlib.suppress(OSError, ValueError):
            entry.sha256 = json.loads(run_info.read_text(encoding="utf-8")).get("input_sha256")
    return entry


def status(out: str | Path) -> dict[str, Any]:
    """The state of an archive: recordings by status, audio hours, failures, the last batch."""
    with Catalog(out, create=False) as cat:
        rows = cat.recordings()
        last = cat.last_batch()
        copies = cat.copy_count()
    busy = catalog.is_running(out)
    counts: dict[str, int] = {}
    for r in rows:
        state = r["status"]
        if state == "running" and not busy:
            state = "interrupted"  # its batch was killed: the next batch resumes it
        counts[state] = counts.get(state, 0) + 1
    audio = {
        "done": sum(r["duration"] or 0 for r in rows if r["status"] == "done"),
        "total": sum(r["duration"] or 0 for r in rows),
    }
    return {
        "out": str(out),
        "batch_running": busy,
        "counts": counts,
        "copies": copies,
        "audio_seconds": audio,
        "failed": [
            {"id": r["id"], "source": r["source"], "error": r["error"]} for r in rows if r["status"] == "failed"
        ],
        "in_progress": [{"id": r["id"], "stage": r["stage"]} for r in rows if r["status"] == "running"],
        "last_batch": {k: last[k] for k in ("started", "finished", "root", "executor", "jobs")} if last else None,
    }


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")
