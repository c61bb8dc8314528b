"""Crash safety: a real `minutes batch` process killed at several points, rerun, and compared.

The batch runs as a subprocess with the fake engine registered through MINUTES_PLUGINS (a
transcription takes 0.6 s, so there is a stage in progress to kill). `Popen.kill()` is SIGKILL on
POSIX and TerminateProcess on Windows: no handler, no cleanup, as a power cut or an OOM kill.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import batch, runner
from pipeline.catalog import Catalog
from tests import batch_archive
from tests.batch_archive import GOOD
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_archive.build(tmp_path_factory.mktemp("kill") / "คลัง บันทึก")


def _start(archive: Path, out: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        batch.PLUGINS_ENV: "tests.batch_plugin",
        "MINUTES_FAKE_DELAY": "0.6",
        "PYTHONIOENCODING": "utf-8",
    }
    with open(log, "ab") as f:
        cmd = [sys.executable, "-m", "pipeline", "batch", str(archive), "--out", str(out)]
        return subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def _kill_when(proc: subprocess.Popen, ready: Callable[[], bool], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        assert proc.poll() is None, f"the batch ended before {what}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)
    proc.kill()
    proc.wait()


def _finished_stages(out: Path) -> dict[Path, int]:
    """Files of every stage the manifests record as finished, with their modification times."""
    files: dict[Path, int] = {}
    for manifest in out.glob("*/stages/manifest.json"):
        folder = manifest.parent.parent
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for name in data["stages"]:
            if name == "render":
                paths = [folder / n for n in data["exports"]]
            else:
                paths = [folder / "stages" / f"{name}.json"]
                paths += [folder / "stages" / "audio.wav"] if name == "audio" else []
            files.update({p: p.stat().st_mtime_ns for p in paths})
    return files


def _recorded(out: Path) -> set[str]:
    """The stages the manifests record as finished, over all recordings (manifests are written atomically)."""
    return {name for m in out.glob("*/stages/manifest.json") for name in json.loads(m.read_text("utf-8"))["stages"]}


def _done(out: Path) -> int:
    return len(list(out.glob("*/run.json")))


def test_killed_at_several_points_then_rerun_gives_the_same_result(
    archive: Path, tmp_path: Path, fake_engine  # noqa: ANN001
) -> None:
    reference = tmp_path / "reference"
    batch.run(archive, runner.Options(out=reference))  # uninterrupted, in this process
    out, log = tmp_path / "killed", tmp_path / "batch.log"
    finished: dict[Path, int] = {}

    # 1. Mid-transcription of the first recording: its audio is decoded, its transcript not yet.
    proc = _start(archive, out, log)
    _kill_when(proc, lambda: _recorded(out) == {"audio"}, "the first recording being transcribed")
    # Nothing that looks done: no minutes, no run.json, no catalogue row marked done.
    assert _done(out) == 0 and not list(out.glob("*/minutes.*"))
    state = batch.status(out)  # the catalogue survived and tells what happened
    assert state["counts"].get("interrupted") == 1 and "done" not in state["counts"] and not state["batch_running"]
    assert state["last_batch"]["finished"] is None
    finished.update(_finished_stages(out))
    assert finished  # the decoded audio was finished and must not be decoded again

    # 2. Between recordings: two done, the next one under way.
    proc = _start(archive, out, log)
    _kill_when(proc, lambda: _done(out) >= 2, "two recordings finished")
    finished.update(_finished_stages(out))

    # 3. Mid-write of the catalogue and outputs of later recordings: killed as soon as a third is catalogued.
    def third_catalogued() -> bool:
        if not (out / "catalog.db").is_file():
            return False
        with Catalog(out) as cat:
            return sum(r["status"] == "done" for r in cat.recordings()) >= 3

    proc = _start(archive, out, log)
    _kill_when(proc, third_catalogued, "a third recording catalogued")
    finished.update(_finished_stages(out))

    # 4. Early in a run: while it looks for recordings and hashes them, or starts the first.
    proc = _start(archive, out, log)
    time.sleep(1.0)
    proc.kill()
    proc.wait()
    finished.update(_finished_stages(out))

    # The rerun finishes the rest.
    proc = _start(archive, out, log)
    assert proc.wait(timeout=120) == 1, log.read_text(encoding="utf-8")  # the three broken files still fail
    report = batch.status(out)
    assert report["counts"] == {"done": len(GOOD), "failed": 3}, log.read_text(encoding="utf-8")

    # Identical to the run never interrupted: every output file, every cache key, the catalogue.
    assert batch_archive.outputs(out) == batch_archive.outputs(reference)
    assert batch_archive.catalogue(out) == batch_archive.catalogue(reference)
    assert not list(out.rglob("*.tmp"))  # nothing half-written left behind
    # No stage that had finished before a kill was done again: its files were never rewritten.
    rewritten = [str(p.relative_to(out)) for p, t in finished.items() if p.stat().st_mtime_ns != t]
    assert rewritten == []

