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
from pipeline import (
    audio,
    corrections,
    diarize,
    discover,
    glossary,
    meeting,
    render,
    speakers,
    thai,
    transcribe,
    zoom,
)
from pipeline import minutes as drafting
from pipeline.errors import MinutesError, choose
from pipeline.types import Audio, Minutes, Recording, Transcript, dumps, from_dict, load

log = logging.getLogger("minutes")
T = TypeVar("T")
StageHook = Callable[[str, dict[str, Any]], None]  # (stage name, {"seconds", "cached"})

# Bump a stage's version when its code changes what it produces: its cache then reruns.
VERSIONS = {"audio": 1, "transcript": 2, "text": 2, "speakers": 2, "minutes": 2, "render": 2}
STAGES = list(VERSIONS)


@dataclass
class Options:
    """What the user chose. Each stage's key takes only the options that change its result."""

    out: Path = Path("outputs")
    meeting: Path | None = None
    model: str = transcribe.EMBEDDED
    device: str = "auto"
    compute_type: str = "auto"
    batch_size: int = 0  # windows decoded together; 0: chosen from the device and its memory
    speakers: str = "auto"
    summary: str = "rules"
    style: str = "summarised"  # verbatim, summarised or resolutions (render.STYLES)
    templates: Path | None = None
    thai_digits: bool = False
    pdf: bool = True  # minutes.pdf from the DOCX, where LibreOffice is installed
    force: bool = False
    direct_messages: bool = False  # include the chat's direct messages in the minutes and transcript
    glossary: list[Path] = field(default_factory=list)  # glossary.yaml files (default: one beside the recording)
    digits: str = "arabic"  # how the transcript writes numbers: arabic (0-9) or thai (๐-๙)
    # Speaker count bounds and voice library for the diarize engine (`auto` uses it on a mixed track).
    diarization: diarize.Settings = field(default_factory=diarize.Settings)


@dataclass
class Result:
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line each for the user (how to get a missing PDF)
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


def run(
    path: str | Path,
    options: Options,
    progress: transcribe.Progress | None = None,
    *,
    rec_id: str | None = None,
    on_stage: StageHook | None = None,
) -> Result:
    """Turn a recording (file, folder or transcript.json) into draft minutes in options.out/<id>/.

    `rec_id` replaces the id found from the name (a batch keys ids by content so that two
    recordings with the same name never share a folder); `on_stage(name, timing)` is called as
    each stage is finished or found cached, so a caller can show which stage is running.
    """
    choose(speakers.ENGINES, options.speakers, "speaker")  # fail before hours of transcription
    options.diarization.check()
    drafting.choose_engine(options.summary)
    render.check_style(options.style)
    render.check_templates(options.templates)
    engine_settings = drafting.engine_settings(options.summary)  # e.g. no LLM server set: say so now
    planned = meeting.load(options.meeting or discover.meeting_beside(path))
    rec = discover.find(path, planned)  # meeting.yaml's chat_words decide how the Zoom chat is read
    if rec_id:
        rec.id = rec_id
    out_dir = Path(options.out) / rec.id
    existed = out_dir.exists()
    ws = Workspace(out_dir)
    try:
        return _run(rec, planned, options, ws, progress, on_stage, engine_settings)
    except BaseException:
        # A first run that failed leaves nothing that could pass for a result.
        if not existed and out_dir.exists():
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _run(
    rec: Recording,
    planned: Any,
    options: Options,
    ws: Workspace,
    progress: transcribe.Progress | None,
    on_stage: StageHook | None = None,
    engine_settings: dict[str, str] | None = None,
) -> Result:
    started_at = dt.datetime.now().astimezone()
    force = options.force

    def step(name: str, key: str, make: Callable[[], T], cls: type[T], *extra: Path) -> T:
        path = ws.stages_dir / f"{name}.json"
        if not force and ws.is_done(name, key, path, *extra):
            ws.timings[name] = {"seconds": 0.0, "cached": True}
            if on_stage:
                on_stage(name, ws.timings[name])
            return load(cls, path)
        t0, inner = time.perf_counter(), ws.spent
        result = make()  # may run earlier stages first: their time is not this stage's
        write_atomic(path, dumps(result).encode())
        seconds = time.perf_counter() - t0 - (ws.spent - inner)
        ws.spent += seconds
        ws.done(name, key, seconds)
        ws.timings[name] = {"seconds": round(seconds, 3), "cached": False}
        if on_stage:
            on_stage(name, ws.timings[name])
        return result

    if rec.transcript_file:
        source_hash = _sha256_file(Path(rec.transcript_file))
        speakers_key = key_of("transcript-file", source_hash)
        settings: dict[str, Any] = {}

        def labelled() -> Transcript:
            data = json.loads(Path(rec.transcript_file).read_text(encoding="utf-8-sig"))
            transcript = from_dict(Transcript, data)
            transcript.recording = rec.id
            result = speakers.assign(transcript, rec, "none")  # keep what the reviewer wrote
            ws.manifest["speakers"] = result.speakers
            return result

        audio_meta: Callable[[], Audio | None] = lambda: None  # noqa: E731
        for name in ("audio", "transcript", "text"):
            ws.timings[name] = {"seconds": 0.0, "skipped": "input is a transcript"}
    else:
        source_hash = _source_hash(ws, rec.parts)
        found = glossary.find(rec.path)
        terms = glossary.load(list(options.glossary) or ([found] if found else []))
        text_options = thai.TextOptions(digits=options.digits, glossary=terms)
        ws.manifest["glossary"] = terms.sources if terms else []
        # The glossary is not given to the decoder as hints: with Whisper base that made Thai CER
        # twice as bad (benchmarks/README.md); it corrects the text stage only.
        ts = transcribe.Settings(
            model=options.model, device=options.device, compute_type=options.compute_type, batch_size=options.batch_size
        )
        settings = dataclasses.asdict(ts)
        audio_key = key_of("audio", VERSIONS["audio"], source_hash)
        transcript_key = key_of(
            "transcript",
            VERSIONS["transcript"],
            audio_key,
            settings,
            transcribe.model_identity(options.model),
        )
        text_key = key_of("text", VERSIONS["text"], transcript_key, text_options.key())
        speakers_key = key_of(
            "speakers",
            VERSIONS["speakers"],
            text_key,
            options.speakers,
            _source_hash(ws, zoom.companions(rec)),  # tracks, chat, roster, timeline, VTTs
            meeting.naming(planned),
            options.direct_messages,
            diarize.key(options.diarization, planned),
        )
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
                # What the engine used (its random seed, the batch size it chose) beside what was asked.
                transcript.settings, transcript.recording = {**settings, **transcript.settings}, rec.id
                return transcript

            return step("transcript", transcript_key, make, Transcript)

        @functools.cache
        def text() -> Transcript:
            return step("text", text_key, lambda: thai.clean(raw(), text_options), Transcript)

        def labelled() -> Transcript:
            decoded_audio = dataclasses.replace(decoded(), path=str(wav))
            with diarize.configured(options.diarization, planned):  # what the diarize engine is told
                result = speakers.assign(text(), rec, options.speakers, decoded_audio, planned, options.direct_messages)
            ws.manifest["speakers"] = result.speakers  # for run.json when the stage is cached
            return result

        audio_meta = decoded

    @functools.cache
    def final_transcript() -> Transcript:
        return step("speakers", speakers_key, labelled, Transcript)

    fixes = corrections.load(ws.dir)  # the reviewer's layer: never written by a run

    @functools.cache
    def reviewed_transcript() -> Transcript:
        transcript, conflicts = corrections.apply_transcript(final_transcript(), fixes)
        if conflicts:
            log.warning(
                "%s: %d correction(s) no longer match the new transcript; kept both, see the review page",
                ws.dir, len(conflicts),
            )
        return transcript

    minutes_key = key_of(
        "minutes",
        VERSIONS["minutes"],
        corrections.key(fixes),
        speakers_key,
        dumps(planned),
        rec.started,
        options.summary,
        engine_settings or {},  # the llm engine's server and model
    )

    @functools.cache
    def drafted() -> Minutes:
        def make() -> Minutes:
            transcript = reviewed_transcript()
            meta = audio_meta()
            if not rec.started and meta is not None and meta.created:
                rec.started, rec.started_source = meta.created, "file metadata"
            completed = meeting.complete(copy.deepcopy(planned), rec, transcript.duration)
            words = zoom.ChatWords.from_config(planned.chat_words)
            completed = meeting.attendance(completed, zoom.roster(rec, words) if zoom.companions(rec) else None)
            drafted = drafting.run(transcript, completed, options.summary)
            drafted.chat = zoom.place_chat(transcript.chat, drafted.agenda)  # the appendix, item by item
            return drafted

        return step("minutes", minutes_key, make, Minutes)

    render_key = _render_key(minutes_key, options)
    files: list[Path] = []
    outputs = ["transcript.json", "transcript.txt", "transcript.srt", "transcript.vtt", *MINUTES_FILES]
    if options.pdf and render.find_soffice():  # LibreOffice installed since the last run: the PDF is made now
        outputs.append("minutes.pdf")
    notes: list[str] = []
    if force or not ws.is_done("render", render_key, *(ws.dir / n for n in outputs)):
        t0, inner = time.perf_counter(), ws.spent
        transcript = reviewed_transcript()
        minutes = corrections.apply_minutes(drafted(), transcript, fixes)
        exports: dict[str, bytes] = {}
        source = Path(rec.transcript_file).resolve() if rec.transcript_file else None
        if source != (ws.dir / "transcript.json").resolve():  # never write over the input
            exports["transcript.json"] = dumps(transcript).encode()
        exports.update(render.transcript_files(transcript))
        exports.update(_minutes_exports(minutes, transcript, options, notes))
        files = [ws.export(name, data) for name, data in exports.items()]
        # The stages run above for rendering are not rendering's time.
        ws.done("render", render_key, time.perf_counter() - t0 - (ws.spent - inner))
        ws.timings["render"] = {"seconds": ws.manifest["stages"]["render"]["seconds"], "cached": False}
    else:
        ws.timings["render"] = {"seconds": 0.0, "cached": True}
        if options.pdf and not render.find_soffice():
            notes.append(render.NO_OFFICE)
        files = [ws.dir / n for n in outputs]
    if on_stage:
        on_stage("render", ws.timings["render"])

    stages = {name: ws.timings.get(name, {"seconds": 0.0, "cached": True}) for name in STAGES}
    info = {
        "tool": "thai-minutes",
        "version": pipeline.__version__,
        "recording": rec.id,
        "source": rec.path,
        "source_path": str(Path(rec.path).resolve()),
        "parts": rec.parts,
        "input_sha256": source_hash,
        "model": options.model if not rec.transcript_file else None,
        "settings": settings,
        "options": {
            "meeting": str(Path(options.meeting).resolve()) if options.meeting else None,
            "speakers": options.speakers,
            "diarization": dataclasses.asdict(options.diarization),
            "direct_messages": options.direct_messages,
            "summary": options.summary,
            "style": options.style,
            "thai_digits": options.thai_digits,
            "pdf": options.pdf,
            "digits": options.digits,
            "glossary": ws.manifest.get("glossary") or [],
            "templates": str(options.templates) if options.templates else None,
            "force": options.force,
        },
        "stages": stages,
        "speakers": ws.manifest.get("speakers"),  # which speaker source was used, and why
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    write_atomic(ws.dir / "run.json", (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode())
    ws.save_manifest()
    return Result(out_dir=ws.dir, files=files, stages=stages, notes=notes)


MINUTES_FILES = ["minutes.json", "minutes.md", "minutes.html", "minutes.docx"]


def _render_key(minutes_key: str, options: Options) -> str:
    """What decides the rendered drafts: the minutes, the templates in use, digits and style."""
    return key_of(
        "render", VERSIONS["render"], minutes_key, _templates_key(options.templates), options.thai_digits, options.style
    )


def _minutes_exports(minutes: Minutes, transcript: Transcript, options: Options, notes: list[str]) -> dict[str, bytes]:
    """minutes.json (saying which style the drafts use), the drafts in that style, and minutes.pdf
    from the DOCX when asked for; where the PDF cannot be made, `notes` says how to get it."""
    exports = {"minutes.json": dumps(dataclasses.replace(minutes, style=options.style)).encode()}
    exports.update(
        render.minutes_files(minutes, transcript, options.templates, options.thai_digits, style=options.style)
    )
    if options.pdf:
        try:
            exports["minutes.pdf"] = render.minutes_pdf(exports["minutes.docx"], notes)
        except render.NoPdf as e:
            notes.append(str(e))
    return exports


def render_stored(out_dir: str | Path, options: Options) -> Result:
    """Render the drafts again from the results stored in `out_dir` (another style, template or
    digits): nothing is transcribed or drafted, a reviewed draft is still never overwritten, and
    a later `minutes run` with the same options finds the render done."""
    render.check_style(options.style)
    render.check_templates(options.templates)
    ws = Workspace(Path(out_dir))
    minutes_entry = ws.manifest["stages"].get("minutes", {})
    paths = {"minutes": ws.stages_dir / "minutes.json", "transcript": ws.stages_dir / "speakers.json"}
    if not minutes_entry.get("key") or not all(p.is_file() for p in paths.values()):
        raise MinutesError(
            f"{out_dir}: no stored minutes to render (stages/minutes.json) — give the folder that `minutes run` "
            "wrote for a recording (OUT/<recording-id>), or run `minutes run` on the recording first"
        )
    t0 = time.perf_counter()
    try:
        minutes, transcript = load(Minutes, paths["minutes"]), load(Transcript, paths["transcript"])
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError) as e:
        raise MinutesError(
            f"{paths['minutes'].parent}: stored results are unreadable ({e}) — run `minutes run --force` again"
        ) from None
    fixes = corrections.load(ws.dir)
    transcript, _ = corrections.apply_transcript(transcript, fixes)
    minutes = corrections.apply_minutes(minutes, transcript, fixes)
    notes: list[str] = []
    exports = {**render.transcript_files(transcript), **_minutes_exports(minutes, transcript, options, notes)}
    files = [ws.export(name, data) for name, data in exports.items()]
    ws.done("render", _render_key(minutes_entry["key"], options), time.perf_counter() - t0)
    timing = {"seconds": ws.manifest["stages"]["render"]["seconds"], "cached": False}
    return Result(out_dir=ws.dir, files=files, stages={"render": timing}, notes=notes)


def corrected(out_dir: str | Path) -> tuple[Transcript, Minutes, list[corrections.Conflict]]:
    """The stored transcript and minutes with the reviewer's corrections applied, and any conflicts."""
    stages = Path(out_dir) / "stages"
    fixes = corrections.load(Path(out_dir))
    transcript, conflicts = corrections.apply_transcript(load(Transcript, stages / "speakers.json"), fixes)
    minutes = corrections.apply_minutes(load(Minutes, stages / "minutes.json"), transcript, fixes)
    return transcript, minutes, conflicts


def redraft(out_dir: str | Path) -> Result:
    """Draft again after a reviewer's edit, with the options of the last run: only minutes and
    rendering rerun. If the recording has moved away, the stored minutes are rendered instead."""
    out_dir = Path(out_dir)
    info = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    chosen, settings = info.get("options", {}), info.get("settings", {})
    options = Options(
        out=out_dir.parent,
        meeting=Path(chosen["meeting"]) if chosen.get("meeting") else None,
        model=settings.get("model", transcribe.EMBEDDED),
        device=settings.get("device", "auto"),
        compute_type=settings.get("compute_type", "auto"),
        batch_size=settings.get("batch_size", 0),
        speakers=chosen.get("speakers", "auto"),
        summary=chosen.get("summary", "rules"),
        style=chosen.get("style", "summarised"),
        templates=Path(chosen["templates"]) if chosen.get("templates") else None,
        thai_digits=chosen.get("thai_digits", False),
        pdf=chosen.get("pdf", True),
        direct_messages=chosen.get("direct_messages", False),
        glossary=[Path(g) for g in chosen.get("glossary") or [] if Path(g).is_file()],
        digits=chosen.get("digits", "arabic"),
    )
    if chosen.get("diarization"):
        options.diarization = from_dict(diarize.Settings, chosen["diarization"])
    source = Path(info.get("source_path") or info.get("source", ""))
    if source.exists():
        return run(source, options, rec_id=out_dir.name)
    return render_stored(out_dir, options)
