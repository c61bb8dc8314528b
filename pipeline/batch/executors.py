"""Where a batch's recordings run: the work of one recording (`process`), and the three executors
that run it: Inline (`--jobs 1`, this process), Processes (`--jobs N` worker processes) and
RayExecutor (`--executor ray`). Workers report stages back as events through a queue."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import itertools
import logging
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline import runner
from pipeline.batch.plan import Job
from pipeline.errors import MinutesError

log = logging.getLogger("minutes")

PLUGINS_ENV = "MINUTES_PLUGINS"
MAX_ATTEMPTS = 2  # a transient failure is tried once more, then reported
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # threads of the numeric libraries


@dataclass(frozen=True)
class StageDone:
    """A recording's stage finished: computed, reused or skipped (`timing` says which, and how long)."""

    id: str
    stage: str
    timing: dict[str, Any]


@dataclass(frozen=True)
class Heard:
    """Transcription's progress in a recording: `done` seconds of its `total` of audio."""

    id: str
    done: float
    total: float


Event = StageDone | Heard  # what a worker reports while a recording runs (picklable: it crosses processes)
Emit = Callable[[Event], None]


@dataclass
class Outcome:
    """What a worker sends back. `process` never raises: a failure is an Outcome too."""

    id: str
    ok: bool
    error: str | None = None
    attempts: int = 1
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0


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
                on_stage=(lambda name, timing: emit(StageDone(job.id, name, timing))) if emit else None,
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
            emit(Heard(rec_id, done, total))

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
