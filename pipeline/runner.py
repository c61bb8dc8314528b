"""The whole program as a table of stages, each cached on disk under a key.

A stage's key is a hash of its input's key and its own settings. A stage whose key matches the
one recorded in `stages/manifest.json` is loaded, not recomputed, and stages are only loaded when a
later stage needs them: a rerun with nothing changed reads two small files. Change the model and
everything after transcription reruns; change a template and only rendering reruns.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pipeline
from pipeline import audio, discover, meeting, render, speakers, summarize, thai, transcribe
from pipeline.errors import choose
from pipeline.types import Audio, Minutes, Recording, Transcript, dumps, from_dict, load

log = logging.getLogger("minutes")
T = TypeVar("T")

# Bump a stage's version when its code changes what it produces: its cache then reruns.
VERSIONS = {"audio": 1, "transcript": 1, "text": 1, "speakers": 1, "minutes": 1, "render": 1}
STAGES = list(VERSIONS)


@dataclass
class Options:
    """What the user chose. Each stage's key takes only the options that change its result."""

    out: Path = Path("outputs")
    meeting: Path | None = None
    model: str = transcribe.EMBEDDED
    device: str = "auto"
    compute_type: str = "auto"
    speakers: str = "none"
    summary: str = "rules"
    templates: Path | None = None
    thai_digits: bool = False
    force: bool = False


@dataclass
class Result:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)


class Workspace:
    """One recording's output folder: stage results, the manifest, and the exported files.

    Every file is written to a temporary name and then renamed, so a crash never leaves a
    half-written file under a final name. Exported files a person has edited since we wrote
    them are never overwritten: the new version goes beside them as `name.new.ext`.
    """

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir
        self.stages_dir = out_dir / "stages"
        self.manifest_path = self.stages_dir / "manifest.json"
        self.manifest: dict[str, Any] = {"stages": {}, "exports": {}, "sources": {}}
        if self.manifest_path.is_file():
            try:
                self.manifest.update(json.loads(self.manifest_path.read_text(encoding="utf-8")))
            except (json.JSONDecodeError, UnicodeDecodeError):
                log.warning("%s: unreadable, every stage will run again", self.manifest_path)
        self._saved = json.dumps(self.manifest, ensure_ascii=False, indent=2)
        self.timings: dict[str, dict[str, Any]] = {}
        self.spent = 0.0  # seconds of the stages run so far

    def is_done(self, name: str, key: str, *files: Path) -> bool:
        entry = self.manifest["stages"].get(name, {})
        return entry.get("key") == key and all(f.is_file() for f in files)

    def done(self, name: str, key: str, seconds: float) -> None:
        self.manifest["stages"][name] = {"key": key, "seconds": round(seconds, 3)}
        self.save_manifest()

    def save_manifest(self) -> None:
        text = json.dumps(self.manifest, ensure_ascii=False, indent=2)
        if text != self._saved:  # a run that changed nothing rewrites nothing
            write_atomic(self.manifest_path, text.encode())
            self._saved = text

    def export(self, name: str, data: bytes) -> Path:
        """Write a user-facing file unless a person changed the one we wrote before."""
        target = self.dir / name
        new_hash = _sha256_bytes(data)
        if target.is_file():
            current = _sha256_file(target)
            if current == new_hash:
                self.manifest["exports"][name] = new_hash
                return target
            if current != self.manifest["exports"].get(name):
                beside = target.with_name(f"{target.stem}.new{target.suffix}")
                log.warning(
                    "%s was changed by hand since it was written; kept it, wrote %s",
                    target,
                    beside.name,
                )
                write_atomic(beside, data)
                return beside
        write_atomic(target, data)
        self.manifest["exports"][name] = new_hash
        return target


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def key_of(*parts: Any) -> str:
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _source_hash(ws: Workspace, paths: list[str]) -> str:
    """Content hash of the source files; reused while a file's size and mtime are unchanged."""
    known = ws.manifest.setdefault("sources", {})
    digests = []
    for p in paths:
        st = Path(p).stat()
        stamp = f"{st.st_size}:{st.st_mtime_ns}"
        entry = known.get(str(Path(p).resolve()))
        if not entry or entry["stamp"] != stamp:
            entry = {"stamp": stamp, "sha256": _sha256_file(Path(p))}
            known[str(Path(p).resolve())] = entry
        digests.append(entry["sha256"])
    return digests[0] if len(digests) == 1 else key_of(digests)


def _templates_key(user_dir: Path | None) -> str:
    """A hash over the template files in use, so editing a template reruns rendering only."""
    digests = []
    for folder in (user_dir, Path(render.__file__).parent / "templates"):
        if folder and Path(folder).is_dir():
            digests += [(f.name, _sha256_file(f)) for f in sorted(Path(folder).iterdir()) if f.is_file()]
    return key_of(digests)


def run(path: str | Path, options: Options, progress: transcribe.Progress | None = None) -> Result:
    """Turn a recording (file, folder or transcript.json) into draft minutes in options.out/<id>/."""
    choose(speakers.ENGINES, options.speakers, "speaker")  # fail before hours of transcription
    choose(summarize.ENGINES, options.summary, "summary")
    rec = discover.find(path)
    planned = meeting.load(options.meeting or rec.meeting_file)
    out_dir = Path(options.out) / rec.id
    existed = out_dir.exists()
    ws = Workspace(out_dir)
    try:
        return _run(rec, planned, options, ws, progress)
    except BaseException:
        # A first run that failed leaves nothing that could pass for a result.
        if not existed and out_dir.exists():
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _run(rec: Recording, planned: Any, options: Options, ws: Workspace, progress: transcribe.Progress | None) -> Result:
    started_at = dt.datetime.now().astimezone()
    force = options.force

    def step(name: str, key: str, make: Callable[[], T], cls: type[T], *extra: Path) -> T:
        path = ws.stages_dir / f"{name}.json"
        if not force and ws.is_done(name, key, path, *extra):
            ws.timings[name] = {"seconds": 0.0, "cached": True}
            return load(cls, path)
        t0, inner = time.perf_counter(), ws.spent
        result = make()  # may run earlier stages first: their time is not this stage's
        write_atomic(path, dumps(result).encode())
        seconds = time.perf_counter() - t0 - (ws.spent - inner)
        ws.spent += seconds
        ws.done(name, key, seconds)
        ws.timings[name] = {"seconds": round(seconds, 3), "cached": False}
        return result

    if rec.transcript_file:
        source_hash = _sha256_file(Path(rec.transcript_file))
        speakers_key = key_of("transcript-file", source_hash)
        settings: dict[str, Any] = {}

        def labelled() -> Transcript:
            data = json.loads(Path(rec.transcript_file).read_text(encoding="utf-8-sig"))
            transcript = from_dict(Transcript, data)
            transcript.recording = rec.id
            return speakers.assign(transcript, rec, "none")  # keep what the reviewer wrote

        audio_meta: Callable[[], Audio | None] = lambda: None  # noqa: E731
        for name in ("audio", "transcript", "text"):
            ws.timings[name] = {"seconds": 0.0, "skipped": "input is a transcript"}
    else:
        source_hash = _source_hash(ws, rec.parts)
        ts = transcribe.Settings(model=options.model, device=options.device, compute_type=options.compute_type)
        settings = dataclasses.asdict(ts)
        audio_key = key_of("audio", VERSIONS["audio"], source_hash)
        transcript_key = key_of(
            "transcript",
            VERSIONS["transcript"],
            audio_key,
            settings,
            transcribe.model_identity(options.model),
        )
        text_key = key_of("text", VERSIONS["text"], transcript_key, thai.SENTENCE_ENGINE)
        speakers_key = key_of("speakers", VERSIONS["speakers"], text_key, options.speakers)
        wav = ws.stages_dir / "audio.wav"

        @functools.cache  # each stage is produced or loaded once per run
        def decoded() -> Audio:
            def make() -> Audio:
                ws.stages_dir.mkdir(parents=True, exist_ok=True)
                tmp = wav.with_name(".audio.wav.tmp")
                try:
                    result = audio.decode(rec.parts, tmp)
                    os.replace(tmp, wav)
                finally:
                    tmp.unlink(missing_ok=True)
                result.path = wav.name  # relative: the folder can move
                return result

            return step("audio", audio_key, make, Audio, wav)

        @functools.cache
        def raw() -> Transcript:
            def make() -> Transcript:
                meta = decoded()
                transcript = transcribe.run(dataclasses.replace(meta, path=str(wav)), ts, progress)
                transcript.settings, transcript.recording = settings, rec.id
                return transcript

            return step("transcript", transcript_key, make, Transcript)

        @functools.cache
        def text() -> Transcript:
            return step("text", text_key, lambda: thai.clean(raw()), Transcript)

        def labelled() -> Transcript:
            return speakers.assign(text(), rec, options.speakers, dataclasses.replace(decoded(), path=str(wav)))

        audio_meta = decoded

    @functools.cache
    def final_transcript() -> Transcript:
        return step("speakers", speakers_key, labelled, Transcript)

    minutes_key = key_of("minutes", VERSIONS["minutes"], speakers_key, dumps(planned), rec.started, options.summary)

    @functools.cache
    def drafted() -> Minutes:
        def make() -> Minutes:
            transcript = final_transcript()
            meta = audio_meta()
            if not rec.started and meta is not None and meta.created:
                rec.started, rec.started_source = meta.created, "file metadata"
            completed = meeting.complete(copy.deepcopy(planned), rec, transcript.duration)
            return summarize.run(transcript, completed, options.summary)

        return step("minutes", minutes_key, make, Minutes)

    template_hash = _templates_key(options.templates)
    render_key = key_of(
        "render",
        VERSIONS["render"],
        minutes_key,
        template_hash,
        options.thai_digits,
    )
    files: list[Path] = []
    outputs = [
        "transcript.json",
        "transcript.txt",
        "transcript.srt",
        "transcript.vtt",
        "minutes.json",
        "minutes.md",
        "minutes.docx",
    ]
    if force or not ws.is_done("render", render_key, *(ws.dir / n for n in outputs)):
        t0 = time.perf_counter()
        transcript, minutes = final_transcript(), drafted()
        exports: dict[str, bytes] = {}
        source = Path(rec.transcript_file).resolve() if rec.transcript_file else None
        if source != (ws.dir / "transcript.json").resolve():  # never write over the input
            exports["transcript.json"] = dumps(transcript).encode()
        exports.update(render.transcript_files(transcript))
        exports["minutes.json"] = dumps(minutes).encode()
        exports.update(render.minutes_files(minutes, transcript, options.templates, options.thai_digits))
        files = [ws.export(name, data) for name, data in exports.items()]
        ws.done("render", render_key, time.perf_counter() - t0)
        ws.timings["render"] = {"seconds": ws.manifest["stages"]["render"]["seconds"], "cached": False}
    else:
        ws.timings["render"] = {"seconds": 0.0, "cached": True}
        files = [ws.dir / n for n in outputs]

    stages = {name: ws.timings.get(name, {"seconds": 0.0, "cached": True}) for name in STAGES}
    info = {
        "tool": "thai-minutes",
        "version": pipeline.__version__,
        "recording": rec.id,
        "source": rec.path,
        "parts": rec.parts,
        "input_sha256": source_hash,
        "model": options.model if not rec.transcript_file else None,
        "settings": settings,
        "options": {
            "speakers": options.speakers,
            "summary": options.summary,
            "thai_digits": options.thai_digits,
            "templates": str(options.templates) if options.templates else None,
            "force": options.force,
        },
        "stages": stages,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    write_atomic(ws.dir / "run.json", (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode())
    ws.save_manifest()
    return Result(out_dir=ws.dir, files=files, stages=stages)
