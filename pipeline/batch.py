"""An archive at once: every recording under a folder tree, resumably, on this machine or on Ray.

    discover(ROOT) -> plan (content hash, copies, ids) -> an executor runs runner.run per recording
                   -> the catalogue (OUT/catalog.db) and the report (OUT/batch-report.json)

Each recording goes through `runner.run`, whose stage cache is what makes a batch resumable: a
recording already done reads two small files, one killed halfway restarts at the stage it reached.
Recordings are keyed by content: `OUT/<name>-<first 8 hex of its SHA-256>/`, so two different
recordings called `audio1.m4a` in two folders never share a folder, and the same recording copied
twice is processed once. One recording's failure never stops the others: bad input (a
`MinutesError`) is reported at once; anything else, and a worker process that died, is tried once
more. Only this process writes the catalogue; workers report stages back through a queue.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib
import itertools
import json
import logging
import multiprocessing
import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline import audio, discover, runner
from pipeline.catalog import FILE_NAME, Catalog, clock
from pipeline.errors import MinutesError, choose

log = logging.getLogger("minutes")

REPORT_FILE = "batch-report.json"
LOCK_FILE = ".batch.lock"
PLUGINS_ENV = "MINUTES_PLUGINS"
MAX_ATTEMPTS = 2  # a transient failure is tried once more, then reported
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # threads of the numeric libraries
# Names Zoom gives the media inside a recording folder: such a folder is one recording, not several.
ZOOM_PART = re.compile(r"^(zoom_\d+\.mp4|audio_only\.m4a|audio\d+\.m4a|video\d+\.mp4)$", re.IGNORECASE)

Event = tuple[Any, ...]  # ("stage", id, name, timing) | ("audio", id, seconds done, seconds total)
Emit = Callable[[Event], None]


@dataclass
class Job:
    """One recording for a worker: everything it needs, picklable, paths absolute."""

    id: str
    source: str
    options: runner.Options
    duration: float | None = None  # seconds of audio, when ffmpeg could tell
    attempt: int = 1


@dataclass
class Outcome:
    """What a worker sends back. `process` never raises: a failure is an Outcome too."""

    id: str
    ok: bool
    error: str | None = None
    attempts: int = 1
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Entry:
    """One line of the report: a source found under the root and what became of it."""

    source: str
    id: str
    # done (every stage run) | resumed (some stages reused) | skipped (already done) | failed | duplicate
    status: str
    sha256: str | None = None
    duration: float | None = None
    error: str | None = None
    attempts: int = 0
    ran: list[str] = field(default_factory=list)  # the stages computed in this batch
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    copy_of: str | None = None  # for a duplicate: the recording id it is a copy of
    out_dir: str | None = None


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


# -- discovery and planning ----------------------------------------------------------------------


def find_recordings(root: str | Path, out: str | Path | None = None) -> list[Path]:
    """Every recording under `root`: media files, and folders that are one recording (Zoom folders).

    A folder is one recording when Zoom made it (its name is `YYYY-MM-DD HH.MM.SS topic`, it
    holds `zoom_0.mp4`/`audio123.m4a`-style parts, or an unconverted `.zoom` file); its subfolders,
    such as Zoom's per-participant `Audio Record/`, belong to it. Anywhere else each media file is
    a recording of its own. Hidden folders and output folders (this batch's, or any earlier run's)
    are not searched.
    """
    root = Path(root)
    if not root.exists():
        raise MinutesError(f"{root}: no such folder; check the path (quote names with spaces)")
    if root.is_file():
        return [root]
    skip = Path(out).resolve() if out else None
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _is_output(here / d, skip))
        media = sorted(f for f in files if Path(f).suffix.lower() in discover.MEDIA_EXTS and not f.startswith("."))
        if here != root and _is_recording_folder(here, files, media):
            found.append(here)
            dirs[:] = []
            continue
        found += [here / f for f in media]
    return found


def _is_output(folder: Path, out: Path | None) -> bool:
    """This batch's output root, or what another run wrote (its decoded audio is no recording)."""
    return (
        folder.resolve() == out
        or (folder / FILE_NAME).is_file()  # an output root of an earlier batch
        or (folder / "stages" / "manifest.json").is_file()  # a recording's output folder
    )


def _is_recording_folder(folder: Path, files: list[str], media: list[str]) -> bool:
    if any(f.lower().endswith(".zoom") for f in files):
        return True  # unconverted: discover.find says what to do
    if media and discover.ZOOM_FOLDER.match(folder.name):
        return True
    return any(ZOOM_PART.match(f) for f in media)


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # broken sources and copies: known before any work


def plan(root: str | Path, options: runner.Options, cat: Catalog) -> Plan:
    """Recordings to run, one per distinct content; broken sources and copies reported as such."""
    out = Path(options.out).resolve()
    options = dataclasses.replace(
        options,
        out=out,
        meeting=None,  # each recording has its own meeting.yaml beside it
        templates=Path(options.templates).resolve() if options.templates else None,
    )
    result = Plan()
    by_hash: dict[str, Job] = {}
    for source in find_recordings(root, out):
        path = str(source.resolve())
        try:
            rec = discover.find(source)
        except MinutesError as exc:
            # Not a recording at all (empty, unconverted...): keyed by its path, since its content is nothing.
            rec_id = f"{discover.recording_id(source.stem if source.is_file() else source.name)}-{_digest(path)[:8]}"
            _forget_stale(cat, path, rec_id)
            cat.add(rec_id, path, None, None)
            cat.failed(rec_id, str(exc), 1)
            cat.remember_source(path, _stamp([source]), None, None, rec_id)
            result.entries.append(Entry(source=path, id=rec_id, status="failed", error=str(exc), attempts=1))
            continue
        parts = [Path(p) for p in rec.parts]
        stamp = _stamp(parts)
        known = cat.known_source(path, stamp)
        sha, duration = known if known and known[0] else (_content_hash(parts), _duration(parts))
        if sha in by_hash:
            first = by_hash[sha]
            cat.remember_source(path, stamp, sha, duration, first.id)
            result.entries.append(
                Entry(source=path, id=first.id, status="duplicate", sha256=sha, duration=duration, copy_of=first.id)
            )
            continue
        rec_id = cat.id_for_hash(sha) or _new_id(cat, rec.id, sha, {j.id for j in by_hash.values()})
        _forget_stale(cat, path, rec_id)
        cat.add(rec_id, path, sha, duration)
        cat.remember_source(path, stamp, sha, duration, rec_id)
        _clear_temporaries(out / rec_id)
        by_hash[sha] = job = Job(id=rec_id, source=path, options=options, duration=duration)
        result.jobs.append(job)
    return result


def _new_id(cat: Catalog, name: str, sha: str, planned: set[str]) -> str:
    for length in (8, 16, 64):  # longer only in the unlikely case that the short one is taken
        rec_id = f"{name}-{sha[:length]}"
        if rec_id not in planned and not cat.id_taken(rec_id, sha):
            return rec_id
    raise MinutesError(f"{name}: no free recording id; move {cat.path} away and run again")  # pragma: no cover


def _forget_stale(cat: Catalog, path: str, rec_id: str) -> None:
    """A source that failed before and now holds other content: its old failure is history."""
    row = cat.db.execute(
        "SELECT r.id, r.status FROM sources s JOIN recordings r ON r.id = s.recording WHERE s.path = ?", (path,)
    ).fetchone()
    if row and row["id"] != rec_id and row["status"] == "failed":
        others = cat.db.execute(
            "SELECT count(*) FROM sources WHERE recording = ? AND path != ?", (row["id"], path)
        ).fetchone()[0]
        if not others:
            with cat.transaction() as db:
                db.execute("DELETE FROM recordings WHERE id = ?", (row["id"],))


def _stamp(paths: list[Path]) -> str:
    """Sizes and modification times: while they hold, the cached hash and duration hold."""
    return json.dumps([[str(p), st.st_size, st.st_mtime_ns] for p in paths for st in [p.stat()]], ensure_ascii=False)


def _content_hash(parts: list[Path]) -> str:
    """SHA-256 of the media, as runner records it in run.json (several parts: a hash of their hashes)."""
    digests = []
    for part in parts:
        digest = hashlib.sha256()
        with open(part, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        digests.append(digest.hexdigest())
    return digests[0] if len(digests) == 1 else runner.key_of(digests)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _duration(parts: list[Path]) -> float | None:
    """Seconds of audio from the container headers (ffmpeg -i), for the progress bar; None if unreadable."""
    total = 0.0
    for part in parts:
        try:
            proc = subprocess.run(
                [audio.ffmpeg_exe(), "-nostdin", "-hide_banner", "-i", str(part)],
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        match = re.search(rb"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)", proc.stderr)
        if not match:
            return None
        h, m, s = match.groups()
        total += int(h) * 3600 + int(m) * 60 + float(s)
    return round(total, 3)


def _clear_temporaries(folder: Path) -> None:
    """Half-written files a killed run left (`.name.tmp`): never taken as done, but not kept either."""
    for where in (folder, folder / "stages"):
        if where.is_dir():
            for tmp in where.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)


# -- the work of one recording, in whatever process runs it ------------------------------------------


def process(job: Job, emit: Emit | None = None) -> Outcome:
    """Run one recording through the stage table, trying an unexpected failure once more."""
    t0 = time.perf_counter()
    error = ""
    for attempt in range(job.attempt, MAX_ATTEMPTS + 1):
        try:
            result = runner.run(
                job.source,
                job.options,
                progress=_throttled(job.id, emit),
                rec_id=job.id,
                on_stage=(lambda name, timing: emit(("stage", job.id, name, timing))) if emit else None,
            )
            return Outcome(job.id, True, attempts=attempt, stages=result.stages, seconds=time.perf_counter() - t0)
        except MinutesError as exc:  # bad input: trying again would fail the same way
            return Outcome(job.id, False, str(exc), attempt, seconds=time.perf_counter() - t0)
        except Exception as exc:  # a full disk, a flaky network share, an engine crash: worth one more try
            error = f"{type(exc).__name__}: {exc}".strip()
            log.warning("%s: attempt %d failed (%s)", job.source, attempt, error)
    return Outcome(
        job.id, False, f"failed {MAX_ATTEMPTS} times: {error}", MAX_ATTEMPTS, seconds=time.perf_counter() - t0
    )


def _throttled(rec_id: str, emit: Emit | None) -> Callable[[float, float], None] | None:
    """Transcription progress at most once a second: it crosses a process boundary."""
    if emit is None:
        return None
    last = [0.0]

    def progress(done: float, total: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0 or done >= total:
            last[0] = now
            emit(("audio", rec_id, done, total))

    return progress


def load_plugins() -> None:
    """Import the modules named in $MINUTES_PLUGINS (comma-separated), in every process that works.

    A plugin registers engines into the engine tables at import time (say, an in-house speech
    engine into `transcribe.ENGINES`); worker processes and Ray workers cannot see objects the
    calling process registered, but they see the environment, so this is how engines reach them.
    """
    for name in filter(None, (n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(","))):
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise MinutesError(f"{PLUGINS_ENV}: cannot import plugin '{name}' ({exc}); fix or unset it") from None


# -- executors: where `process` runs ---------------------------------------------------------------


class WorkerLost(Exception):
    """The process running a recording died (killed, out of memory, a crash in native code)."""


class Executor(Protocol):
    capacity: int  # recordings in flight at once

    def submit(self, job: Job) -> Any: ...
    def wait(self, handles: list[Any], timeout: float) -> list[Any]: ...
    def result(self, handle: Any) -> Outcome: ...
    def close(self, abort: bool = False) -> None: ...  # abort: stop work in flight (Ctrl-C, an error)


class Inline:
    """`--jobs 1`: one recording after another in this process (no process start, the model loaded once)."""

    def __init__(self, jobs: int | None, address: str | None, options: runner.Options, emit: Emit) -> None:
        self.capacity = 1
        self.emit = emit
        self.handles = itertools.count()
        self.jobs: dict[int, Job] = {}
        self.results: dict[int, Outcome] = {}

    def submit(self, job: Job) -> int:
        handle = next(self.handles)
        self.jobs[handle] = job
        return handle

    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        handle = handles[0]
        self.results[handle] = process(self.jobs.pop(handle), self.emit)
        return [handle]

    def result(self, handle: Any) -> Outcome:
        return self.results.pop(handle)

    def close(self, abort: bool = False) -> None:
        pass


class Processes:
    """`--jobs N`: N worker processes on this machine, each keeping its model loaded between recordings."""

    def __init__(self, jobs: int | None, address: str | None, options: runner.Options, emit: Emit) -> None:
        self.capacity = jobs or 1
        self.emit = emit
        # spawn everywhere: what Windows does anyway, and no fork of a process holding threads.
        self.context = multiprocessing.get_context("spawn")
        self.events = self.context.Queue()
        # Split the cores between the workers: N processes each using every core only fight. The
        # numeric libraries (OpenBLAS under numpy, OpenMP under CTranslate2) read these once, as they
        # load, and numpy loads before any worker code runs: so the workers get them from birth, as a
        # Ray worker does. The thread count also changes the last bits of the audio features, and so
        # sometimes a word: with one thread per recording both executors hear the same.
        threads = str(max(1, _cpus() // self.capacity))
        self.saved_env = {name: os.environ.get(name) for name in THREAD_VARS}
        for name in THREAD_VARS:
            os.environ.setdefault(name, threads)  # a value the user set is kept
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.capacity,
                mp_context=self.context,
                initializer=_worker_init,
                initargs=(self.events,),
            )
        return self.pool

    def submit(self, job: Job) -> Any:
        try:
            return self._pool().submit(_pool_process, job)
        except BrokenProcessPool:
            self._discard()
            return self._pool().submit(_pool_process, job)

    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        done, _ = wait_futures(handles, timeout=timeout, return_when=FIRST_COMPLETED)
        self._drain()
        return list(done)

    def result(self, handle: Any) -> Outcome:
        try:
            return handle.result()
        except BrokenProcessPool as exc:
            # Every recording in flight is lost with the pool; each is charged one attempt.
            self._discard()
            raise WorkerLost(f"a worker process died: {exc}") from None

    def _drain(self) -> None:
        while True:
            try:
                self.emit(self.events.get_nowait())
            except queue.Empty:
                return

    def _discard(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def close(self, abort: bool = False) -> None:
        if self.pool is not None:
            if abort:  # the workers' transcriptions may take an hour: end them, do not wait
                for worker in list(getattr(self.pool, "_processes", {}).values()):
                    worker.terminate()
            self.pool.shutdown(wait=not abort, cancel_futures=abort)
            self.pool = None
        if not abort:
            self._drain()
        self.events.close()
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_events: Any = None  # the queue to the batch process, in a pool worker


def _cpus() -> int:
    """The cores this process may use (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _worker_init(events: Any) -> None:
    global _events
    _events = events
    logging.basicConfig(format="%(message)s", level=logging.WARNING, stream=sys.stderr)
    load_plugins()
    # Results and events are flushed before atexit runs; what is left is tearing down the
    # interpreter, which with PyThaiNLP's and the renderers' state loaded takes seconds per worker.
    atexit.register(os._exit, 0)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: Any) -> None:
    """A worker whose batch was killed stops too, rather than write on while a rerun starts."""
    while parent.is_alive():
        time.sleep(0.5)
    os._exit(1)


def _pool_process(job: Job) -> Outcome:
    return process(job, _events.put)


class RayExecutor:
    """`--executor ray`: each recording is a Ray task, on a local Ray this starts or on `--address`.

    Results land in the same OUT layout: on a cluster, ROOT and OUT must be on a filesystem every
    node mounts at the same path. With GPUs in the cluster each task asks for one (and the
    default `--device auto` then uses it).
    """

    def __init__(self, jobs: int | None, address: str | None, options: runner.Options, emit: Emit) -> None:
        try:
            import ray
            from ray.util.queue import Queue
        except ImportError:
            raise MinutesError("--executor ray needs Ray: pip install 'thai-minutes[ray]'") from None
        self.ray = ray
        self.emit = emit
        self.started = False
        quiet = {"logging_level": logging.WARNING, "log_to_driver": False}
        try:
            if address:
                # Workers elsewhere do not inherit this environment: pass on what selects engines and models.
                env = {k: v for k, v in os.environ.items() if k.startswith("MINUTES_") or k == "PYTHONPATH"}
                ray.init(address=address, runtime_env={"env_vars": env} if env else None, **quiet)
            else:
                # Bound to loopback: a Ray this command starts serves this machine only.
                ray.init(num_cpus=jobs, include_dashboard=False, _node_ip_address="127.0.0.1", **quiet)
                self.started = True
        except Exception as exc:  # connection refused, a version mismatch, a bad address: all one message
            where = f"--address {address}" if address else "a local Ray"
            hint = (
                "check the address (`ray status` on the head node); a cluster with token authentication "
                "also needs RAY_AUTH_MODE=token and its token (RAY_AUTH_TOKEN) here"
                if address
                else "leave out --executor ray to run locally"
            )
            raise MinutesError(
                f"{where}: Ray could not start or connect ({str(exc).splitlines()[0] if str(exc) else exc}); {hint}"
            ) from None
        resources = ray.cluster_resources()
        gpus = 1 if resources.get("GPU", 0) >= 1 and options.device != "cpu" else 0
        self.capacity = jobs or max(1, int(resources.get("CPU", 1)))
        # max_retries=0: a lost worker comes back as WorkerLost and the batch retries it, as locally.
        self.task = ray.remote(_ray_process).options(num_cpus=1, num_gpus=gpus, max_retries=0)
        self.events = Queue()
        self.in_flight: set[Any] = set()

    def submit(self, job: Job) -> Any:
        ref = self.task.remote(job, self.events)
        self.in_flight.add(ref)
        return ref

    def wait(self, handles: list[Any], timeout: float) -> list[Any]:
        ready, _ = self.ray.wait(handles, num_returns=1, timeout=timeout)
        if ready:  # collect whatever else is ready too
            ready, _ = self.ray.wait(handles, num_returns=len(handles), timeout=0)
        self._drain()
        return list(ready)

    def result(self, handle: Any) -> Outcome:
        self.in_flight.discard(handle)
        try:
            return self.ray.get(handle)
        except self.ray.exceptions.RayError as exc:
            raise WorkerLost(f"the Ray worker was lost: {str(exc).splitlines()[0]}") from None

    def _drain(self) -> None:
        size = self.events.qsize()
        if size:
            for event in self.events.get_nowait_batch(size):
                self.emit(event)

    def close(self, abort: bool = False) -> None:
        if abort:  # on a shared cluster, tasks would otherwise run on for nobody
            for ref in self.in_flight:
                with contextlib.suppress(Exception):
                    self.ray.cancel(ref, force=True)
        with contextlib.suppress(Exception):
            self._drain()
        if self.started:
            self.ray.shutdown()


def _ray_process(job: Job, events: Any) -> Outcome:
    load_plugins()
    return process(job, lambda event: events.put(event))


def _local(jobs: int | None, address: str | None, options: runner.Options, emit: Emit) -> Executor:
    return (Processes if (jobs or 1) > 1 else Inline)(jobs, address, options, emit)


EXECUTORS: dict[str, Callable[[int | None, str | None, runner.Options, Emit], Executor]] = {
    "local": _local,
    "ray": RayExecutor,
}


# -- the batch -----------------------------------------------------------------------------------


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
        stack.enter_context(exclusive(out))
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
            if event[0] == "stage":
                cat.stage(event[1], event[2])
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


@contextlib.contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """One batch per output folder at a time. The lock is SQLite's, so the OS frees it if we are killed."""
    lock = sqlite3.connect(str(out / LOCK_FILE), timeout=2, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        lock.close()
        raise MinutesError(
            f"{out}: another `minutes batch` is writing here; let it finish (see `minutes status --out {out}`) "
            "or use another --out"
        ) from None
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def is_running(out: str | Path) -> bool:
    """Whether a batch is writing into `out` right now."""
    path = Path(out) / LOCK_FILE
    if not path.is_file():
        return False
    lock = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        lock.close()


def status(out: str | Path) -> dict[str, Any]:
    """The state of an archive: recordings by status, audio hours, failures, the last batch."""
    with Catalog(out, create=False) as cat:
        rows = cat.recordings()
        last = cat.last_batch()
        copies = cat.db.execute(
            "SELECT count(*) FROM sources s JOIN recordings r ON r.id = s.recording WHERE s.path != r.source"
        ).fetchone()[0]
    busy = is_running(out)
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


# -- text for the terminal -----------------------------------------------------------------------------


def summary(report: Report) -> str:
    """The closing table of a batch: how many recordings ended how, the failures and why, where the report is."""
    lines = [f"{'status':<10} {'recordings':>10} {'audio':>9}"]
    for state, count in report.counts.items():
        seconds = sum(e.duration or 0 for e in report.entries if e.status == state)
        lines.append(f"{state:<10} {count:>10} {clock(seconds) if seconds else '':>9}")
    for e in report.failed:
        lines.append(f"failed: {e.error}" if e.error and e.source in e.error else f"failed: {e.source}: {e.error}")
    for e in report.entries:
        if e.status == "duplicate":
            lines.append(f"copy: {e.source} is the same recording as {e.copy_of}")
    rate = report.audio_hours_per_hour
    speed = f", {rate:.2f} h of audio per hour" if rate else ""
    lines.append(
        f"{clock(report.audio_seconds)} of audio transcribed in {clock(report.wall_seconds)}{speed}; "
        f"report: {Path(report.out) / REPORT_FILE}"
    )
    return "\n".join(lines)


def describe(state: dict[str, Any]) -> str:
    """`minutes status` as text."""
    counts = ", ".join(f"{n} {s}" for s, n in sorted(state["counts"].items())) or "no recordings yet"
    audio = state["audio_seconds"]
    lines = [f"{state['out']}: {counts}; {clock(audio['done'])} of {clock(audio['total'])} of audio done"]
    if state["copies"]:
        lines.append(f"{state['copies']} copies of recordings already catalogued (processed once)")
    last = state["last_batch"]
    if state["batch_running"]:
        lines.append(f"a batch is running now (started {last['started'] if last else '?'})")
    elif last:
        ended = f"finished {last['finished']}" if last["finished"] else "was interrupted; run it again to resume"
        lines.append(
            f"last batch: {last['root']} ({last['executor']}, {last['jobs']} at once), "
            f"started {last['started']}, {ended}"
        )
    for r in state["in_progress"]:
        verb = "in work" if state["batch_running"] else "interrupted"
        lines.append(f"{verb}: {r['id']} (last stage finished: {r['stage'] or 'none'})")
    for r in state["failed"]:
        lines.append(f"failed: {r['id']}: {r['error']}")
    return "\n".join(lines)


# -- what a person sees ------------------------------------------------------------------------------


class ConsoleProgress:
    """Progress on stderr: recordings and audio hours done, the file and stage in work, and an ETA.

    On a terminal it is one bar; in a log file (cron, CI) a line per recording finished.
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar: Any = None
        self.total = 0
        self.finished = 0
        self.audio_total = 0.0
        self.audio_done = 0.0  # of finished recordings
        self.partial: dict[str, float] = {}  # audio transcribed so far in recordings in work
        self.current: dict[str, str] = {}  # recording id -> stage in work
        self.durations: dict[str, float] = {}
        self.t0 = time.monotonic()
        self.computed = 0.0  # audio actually transcribed (not reused), what the ETA's rate is made of

    def begin(self, jobs: list[Job], known: list[Entry]) -> None:
        self.total = len(jobs)
        self.durations = {j.id: j.duration or 0.0 for j in jobs}
        self.audio_total = sum(self.durations.values())
        for entry in known:
            if entry.status == "failed":
                self._line(f"failed: {entry.error}")
        if self.tty and self.total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total, file=self.stream, bar_format="{n_fmt}/{total_fmt} recordings |{bar:20}| {desc}"
            )
        self._refresh()

    def start(self, job: Job) -> None:
        self.current[job.id] = "audio"
        self._refresh()

    def event(self, event: Event) -> None:
        kind, rec_id = event[0], event[1]
        if kind == "stage" and rec_id in self.current:
            nxt = runner.STAGES.index(event[2]) + 1
            self.current[rec_id] = runner.STAGES[nxt] if nxt < len(runner.STAGES) else "finishing"
        elif kind == "audio":
            self.partial[rec_id] = float(event[2])
            self.current[rec_id] = "transcript"
        self._refresh()

    def finish(self, entry: Entry) -> None:
        self.finished += 1
        self.current.pop(entry.id, None)
        self.partial.pop(entry.id, None)
        self.audio_done += self.durations.get(entry.id, 0.0)
        if "transcript" in entry.ran:
            self.computed += entry.duration or 0.0
        if self.bar is not None:
            self.bar.update(1)
        note = f": {entry.error}" if entry.error else f" ({', '.join(entry.ran)})" if entry.ran else ""
        self._line(f"[{self.finished}/{self.total}] {entry.id} {entry.status}{note}")
        self._refresh()

    def eta(self) -> float | None:
        """Seconds left at the rate audio has been transcribed so far in this batch."""
        elapsed = time.monotonic() - self.t0
        done_now = self.computed + sum(self.partial.values())
        if done_now <= 0 or elapsed <= 0:
            return None
        left = self.audio_total - self.audio_done - sum(self.partial.values())
        return max(0.0, left) / (done_now / elapsed)

    def _refresh(self) -> None:
        if self.bar is None:
            return
        done = self.audio_done + sum(self.partial.values())
        eta = self.eta()
        now = ", ".join(f"{i} ({s})" for i, s in self.current.items())
        text = f"{clock(done)}/{clock(self.audio_total)} audio · ETA {clock(eta) if eta is not None else '-'} · {now}"
        # One line, never wrapped: a wrapped line is not redrawn in place.
        width = shutil.get_terminal_size((100, 20)).columns - 40
        self.bar.set_description_str(text if len(text) <= width else text[: max(width - 1, 10)] + "…", refresh=True)

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
