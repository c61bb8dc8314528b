"""What a batch runs: every recording under a folder tree, each once however often it is copied.

    find_recordings(ROOT) -> discover.find -> content hash (runner.source_sha, as run.json has it)
                          -> an id per distinct content, copies and broken sources reported

The catalogue remembers each source's hash and duration while its sizes and times hold, so a
rerun reads no media it has seen.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import audio, discover, runner
from pipeline.catalog import FILE_NAME, Catalog
from pipeline.errors import MinutesError
from pipeline.store import sha256_bytes

# Names Zoom gives the media inside a recording folder: such a folder is one recording, not several.
ZOOM_PART = re.compile(r"^(zoom_\d+\.mp4|audio_only\.m4a|audio\d+\.m4a|video\d+\.mp4)$", re.IGNORECASE)


@dataclass
class Job:
    """One recording for a worker: everything it needs, picklable, paths absolute."""

    id: str
    source: str
    options: runner.Options
    duration: float | None = None  # seconds of audio, when ffmpeg could tell
    attempt: int = 1


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
            name = discover.recording_id(source.stem if source.is_file() else source.name)
            rec_id = f"{name}-{sha256_bytes(path.encode())[:8]}"
            cat.forget_stale_failure(path, rec_id)
            cat.add(rec_id, path, None, None)
            cat.failed(rec_id, str(exc), 1)
            cat.remember_source(path, _stamp([source]), None, None, rec_id)
            result.entries.append(Entry(source=path, id=rec_id, status="failed", error=str(exc), attempts=1))
            continue
        parts = [Path(p) for p in rec.parts]
        stamp = _stamp(parts)
        known = cat.known_source(path, stamp)
        sha, duration = known if known and known[0] else (runner.source_sha(rec), _duration(parts))
        if sha in by_hash:
            first = by_hash[sha]
            cat.remember_source(path, stamp, sha, duration, first.id)
            result.entries.append(
                Entry(source=path, id=first.id, status="duplicate", sha256=sha, duration=duration, copy_of=first.id)
            )
            continue
        rec_id = cat.id_for_hash(sha) or _new_id(cat, rec.id, sha, {j.id for j in by_hash.values()})
        cat.forget_stale_failure(path, rec_id)
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


def _stamp(paths: list[Path]) -> str:
    """Sizes and modification times: while they hold, the cached hash and duration hold."""
    return json.dumps([[str(p), st.st_size, st.st_mtime_ns] for p in paths for st in [p.stat()]], ensure_ascii=False)


def _duration(parts: list[Path]) -> float | None:
    """Seconds of audio from the container headers, for the progress bar; None if unreadable."""
    total = 0.0
    for part in parts:
        try:
            seconds = audio.media_seconds(part, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if seconds is None:
            return None
        total += seconds
    return round(total, 3)


def _clear_temporaries(folder: Path) -> None:
    """Half-written files a killed run left (`.name.tmp`): never taken as done, but not kept either."""
    for where in (folder, folder / "stages"):
        if where.is_dir():
            for tmp in where.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
