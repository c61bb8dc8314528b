"""The whole program as a table of stages, each cached on disk under a key.

A stage's key is a hash of its input's key and its own settings. A stage whose key matches the
one recorded in `stages/manifest.json` is loaded, not recomputed, and stages are only loaded when a
later stage needs them: a rerun with nothing changed reads two small files. Change the model and
everything after transcription reruns; change a template and only rendering reruns.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import errno
import functools
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

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
from pipeline.store import (
    Busy,  # noqa: F401 (re-exported)
    Workspace,
    key_of,
    locked,
    remove_tree,
    sha256_bytes,
    sha256_file,
    write_atomic,
)
from pipeline.types import Audio, InvalidData, Minutes, Recording, Transcript, dumps, from_dict, load_checked

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


LOCK = ".minutes.lock"  # one run at a time in an output folder
SHORT_NOTE = (
    "บันทึกเสียง {name} ถอดได้เพียง {decoded:.1f} วินาที จาก {container:.1f} วินาทีตามที่ไฟล์ระบุ "
    "(ขาดไป {missing:.1f} วินาที) ไฟล์อาจคัดลอกมาไม่ครบ โปรดตรวจสอบกับต้นฉบับ"
)


def _templates_key(user_dir: Path | None) -> str:
    """A hash over the template files in use, so editing a template reruns rendering only."""
    digests = []
    for folder in (user_dir, Path(render.__file__).parent / "templates"):
        if folder and Path(folder).is_dir():
            digests += [(f.name, sha256_file(f)) for f in sorted(Path(folder).iterdir()) if f.is_file()]
    return key_of(digests)


def _shortfalls(parts: list[str], decoded: list[float]) -> list[dict[str, Any]]:
    """Parts that decode shorter than their container says (a half-copied file): each with its seconds."""
    out = []
    for part, seconds in zip(parts, decoded, strict=False):
        container = zoom.probe(part)[0]
        missing = container - seconds
        if missing > max(1.0, 0.02 * container):
            out.append({"path": str(part), "name": Path(part).name, "container": round(container, 1),
                        "decoded": round(seconds, 1), "missing": round(missing, 1)})
    return out


def run(
    path: str | Path,
    options: Options,
    progress: transcribe.Progress | None = None,
    *,
    rec_id: str | None = None,
    on_stage: StageHook | None = None,
    wait: float = 0.0,
) -> Result:
    """Turn a recording (file, folder or transcript.json) into draft minutes in options.out/<id>/.

    `rec_id` replaces the id found from the name (a batch keys ids by content so that two
    recordings with the same name never share a folder); `on_stage(name, timing)` is called as
    each stage is finished or found cached, so a caller can show which stage is running. One run
    at a time in a folder: another one refuses with one line, or waits up to `wait` seconds.
    """
    choose(speakers.ENGINES, options.speakers, "speaker")  # fail before hours of transcription
    options.diarization.check()
    drafting.choose_engine(options.summary)
    render.check_style(options.style)
    render.check_templates(options.templates)
    check_model(options.model)
    engine_settings = drafting.engine_settings(options.summary)  # e.g. no LLM server set: say so now
    check_out(Path(options.out))
    check_input(Path(path))
    planned = meeting.load(options.meeting or discover.meeting_beside(path))
    rec = discover.find(path, planned)  # meeting.yaml's chat_words decide how the Zoom chat is read
    out_dir = _folder(Path(options.out), rec, rec_id)
    rec.id = out_dir.name
    existed = out_dir.exists()
    busy = f"{out_dir}: another `minutes` run is writing this folder now; wait for it to end, or give another --out"
    failed = False
    try:
        with locked(out_dir / LOCK, busy, wait):
            try:
                ws = Workspace(out_dir)
                ws.clear_temporaries()
                ws.sync()
                if not _belongs(out_dir, rec):  # taken by another run between the choice and the lock
                    raise MinutesError(_taken(out_dir, Path(options.out)))
                return _run(rec, planned, options, ws, progress, on_stage, engine_settings)
            except BaseException:
                failed = True
                if not existed:  # a first run that failed leaves nothing that could pass for a result
                    for child in out_dir.iterdir():
                        if child.is_dir():
                            for left in remove_tree(child):  # never a silent half-removed folder
                                log.warning("could not remove %s; delete it by hand", left)
                        elif child.name != LOCK:
                            child.unlink(missing_ok=True)
                raise
    finally:  # an OSError stays one (a batch tries it once more); the CLI makes it one line (os_message)
        if failed and not existed:
            with contextlib.suppress(OSError):
                (out_dir / LOCK).unlink()
                out_dir.rmdir()


def os_message(exc: OSError, out_dir: Path | None = None) -> str:
    """One line for an operating-system error: the file, what went wrong, what to do."""
    where = exc.filename or out_dir or ""
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        fix = "free some space on that disk, or give another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(exc, PermissionError):
        fix = "check its permissions, or give another --out"
    else:
        fix = "check the path, or give another --out"
    return f"{where}: {reason}; {fix}"


def check_model(model: str) -> None:
    """`--model` names a model or a model folder: a file there is a mistake worth one clear line."""
    path = Path(model)
    if path.exists() and not path.is_dir():
        raise MinutesError(
            f"{model}: is a file; --model takes a model folder (holding model.bin, config.json and the "
            "tokenizer, as ct2-transformers-converter writes it) or a name such as base or large-v3"
        )


def check_out(out: Path) -> None:
    """`--out` must be a folder we can write in, or one we can make (nothing is made here)."""
    if out.exists() and not out.is_dir():
        raise MinutesError(f"{out}: is a file, not a folder; give --out a folder (it is made if missing)")
    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise MinutesError(f"{out}: cannot make the output folder ({existing} is a file); give another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "the output folder is not writable" if existing == out else f"cannot make it in {existing}"
        raise MinutesError(f"{out}: {what}; check its permissions, or give another --out")


def check_input(path: Path) -> None:
    """What a run reads must be a regular file or a folder (a pipe would block, a device never ends);
    a transcript.json is checked field by field before anything is written."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return  # discover says so, with the fix
    except OSError as exc:
        raise MinutesError(f"{path}: cannot be read ({exc.strerror}); check the path and its permissions") from None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        raise MinutesError(
            f"{path}: not a regular file (a pipe, a device or a socket); give a recording file, a folder or a "
            "transcript.json"
        )
    if stat.S_ISREG(info.st_mode) and path.suffix.lower() == ".json":
        load_transcript(path)
    elif stat.S_ISREG(info.st_mode):
        try:
            with open(path, "rb"):
                pass
        except PermissionError:
            raise MinutesError(f"{path}: cannot be read (permission denied); check the file's permissions") from None


def load_transcript(path: Path) -> Transcript:
    """A transcript.json given as input, every field checked: MinutesError names the one that is wrong."""
    try:
        return load_checked(Transcript, path)
    except InvalidData as exc:
        fix = "fix the file or run on the recording instead"
        if exc.where.startswith("line "):
            raise MinutesError(f"{path} {exc.where}: not a valid transcript.json ({exc.problem}); {fix}") from None
        what = f"`{exc.where}` {exc.problem}" if exc.where else exc.problem
        raise MinutesError(f"{path}: not a valid transcript.json: {what}; {fix}") from None


def _owner(folder: Path) -> dict[str, Any] | None:
    """The source an output folder was made for: the manifest says, else run.json (older folders)."""
    for path, read in (
        (folder / "stages" / "manifest.json", lambda d: d.get("owner")),
        (folder / "stages" / "exports.json", lambda d: d.get("owner")),
        (folder / "run.json", lambda d: {"path": d.get("source_path"), "sha256": d.get("input_sha256")}),
    ):
        try:
            owner = read(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, UnicodeDecodeError, AttributeError):
            continue
        if not isinstance(owner, dict) or not (owner.get("path") or owner.get("sha256")):
            continue
        if owner.get("path") and Path(str(owner["path"])).is_relative_to(folder.resolve()):
            return None  # an older folder last drafted from its own transcript.json: the recording is unknown
        return owner
    return None


def source_sha(rec: Recording) -> str:
    """The content hash of what a recording is made of (run.json's input_sha256)."""
    if rec.transcript_file:
        return sha256_file(Path(rec.transcript_file))
    digests = [sha256_file(Path(p)) for p in rec.parts]
    return digests[0] if len(digests) == 1 else key_of(digests)


def _belongs(folder: Path, rec: Recording, sha: Callable[[], str] | None = None) -> bool:
    """Is `folder` free, or this recording's own: same source path, same content, or (a transcript)
    the folder's own transcript.json?"""
    owner = _owner(folder)
    if owner is None:
        return True
    mine = Path(rec.path).resolve()
    if owner.get("path") and Path(str(owner["path"])) == mine:
        return True
    if rec.transcript_file and mine.is_relative_to(folder.resolve()):
        return True
    return bool(owner.get("sha256")) and owner["sha256"] == (sha or functools.partial(source_sha, rec))()


def _claim(ws: Workspace, rec: Recording, sha: str) -> None:
    """Record which source the folder is for (kept: a transcript run in a recording's folder is the recording's)."""
    ws.manifest.setdefault("owner", _owner(ws.dir) or {"path": str(Path(rec.path).resolve()), "sha256": sha})


def _taken(folder: Path, out: Path) -> str:
    owner = _owner(folder) or {}
    return (
        f"{folder}: holds the minutes of another recording ({owner.get('path') or 'unknown source'}); "
        f"give this one another output folder, e.g. --out {out.parent / (out.name + '-2')}"
    )


def _folder(out: Path, rec: Recording, rec_id: str | None) -> Path:
    """The output folder: the recording's id, or (taken by another source) the id with its content
    hash; a given `rec_id` (a batch, a redraft) must be free or this recording's own."""
    sha = functools.cache(functools.partial(source_sha, rec))
    first = out / (rec_id or rec.id)
    if _belongs(first, rec, sha):
        return first
    if rec_id is None:
        other = out / f"{rec.id}-{sha()[:8]}"
        if _belongs(other, rec, sha):
            log.warning(
                "%s holds the minutes of another recording (%s); this one goes to %s",
                first, (_owner(first) or {}).get("path"), other,
            )
            return other
    raise MinutesError(_taken(first, out))


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
        if not force:
            stored = ws.load_stage(name, key, cls, path, *extra)
            if stored is not None:
                ws.timings[name] = {"seconds": 0.0, "cached": True}
                if on_stage:
                    on_stage(name, ws.timings[name])
                return stored
        t0, inner = time.perf_counter(), ws.spent
        result = make()  # may run earlier stages first: their time is not this stage's
        data = dumps(result).encode()
        write_atomic(path, data)
        seconds = time.perf_counter() - t0 - (ws.spent - inner)
        ws.spent += seconds
        ws.done(name, key, seconds, {path.name: sha256_bytes(data), **{f.name: sha256_file(f) for f in extra}})
        ws.timings[name] = {"seconds": round(seconds, 3), "cached": False}
        if on_stage:
            on_stage(name, ws.timings[name])
        return result

    if rec.transcript_file:
        source_hash = sha256_file(Path(rec.transcript_file))
        _claim(ws, rec, source_hash)
        speakers_key = key_of("transcript-file", source_hash)
        settings: dict[str, Any] = {}

        def labelled() -> Transcript:
            transcript = load_transcript(Path(rec.transcript_file))
            transcript.recording = rec.id
            result = speakers.assign(transcript, rec, "none")  # keep what the reviewer wrote
            ws.manifest["speakers"] = result.speakers
            return result

        audio_meta: Callable[[], Audio | None] = lambda: None  # noqa: E731
        for name in ("audio", "transcript", "text"):
            ws.timings[name] = {"seconds": 0.0, "skipped": "input is a transcript"}
    else:
        source_hash = ws.source_hash(rec.parts)
        _claim(ws, rec, source_hash)
        found = glossary.find(rec.path)
        chosen = list(options.glossary) or ([found] if found else [])
        for path in chosen:  # a pipe, an unreadable file or an alias bomb: one line, before glossary reads it
            if Path(path).exists():
                text = meeting.read_user_file(Path(path), "glossary", "check the path given to --glossary")
                try:
                    meeting.compose(text, Path(path), "glossary.yaml")
                except yaml.YAMLError:
                    pass  # not YAML at all: glossary.load says so in its own words, naming the file
        terms = glossary.load(chosen)
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
            ws.source_hash(zoom.companions(rec)),  # tracks, chat, roster, timeline, VTTs
            meeting.naming(planned),
            options.direct_messages,
            diarize.key(options.diarization, planned),
        )
        wav = ws.stages_dir / "audio.wav"

        @functools.cache  # each stage is produced or loaded once per run
        def decoded() -> Audio:
            def make() -> Audio:
                ws.stages_dir.mkdir(parents=True, exist_ok=True)
                tmp = wav.with_name(f".audio.wav.{os.getpid()}.tmp")
                try:
                    result = audio.decode(rec.parts, tmp)
                    os.replace(tmp, wav)
                finally:
                    tmp.unlink(missing_ok=True)
                result.path = wav.name  # relative: the folder can move
                ws.manifest["short"] = _shortfalls(rec.parts, result.parts)
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
            if not rec.transcript_file:
                drafted.notes += [SHORT_NOTE.format(**short) for short in ws.manifest.get("short") or []]
            return drafted

        return step("minutes", minutes_key, make, Minutes)

    render_key = _render_key(minutes_key, options)
    files: list[Path] = []
    outputs = ["transcript.json", "transcript.txt", "transcript.srt", "transcript.vtt", *MINUTES_FILES]
    if options.pdf and render.pdf.find_soffice():  # LibreOffice installed since the last run: the PDF is made now
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
        files = ws.commit(exports)
        # The stages run above for rendering are not rendering's time.
        ws.done("render", render_key, time.perf_counter() - t0 - (ws.spent - inner))
        ws.timings["render"] = {"seconds": ws.manifest["stages"]["render"]["seconds"], "cached": False}
    else:
        ws.timings["render"] = {"seconds": 0.0, "cached": True}
        if options.pdf and not render.pdf.find_soffice():
            notes.append(render.NO_OFFICE)
        files = [ws.dir / n for n in outputs]
    if on_stage:
        on_stage("render", ws.timings["render"])
    if not rec.transcript_file:
        for short in ws.manifest.get("short") or []:
            log.warning(
                "%s: decodes to %.1f s of the %.1f s its container gives; %.1f s are missing (a copy cut short?); "
                "the minutes carry a note for the reviewer",
                short["path"], short["decoded"], short["container"], short["missing"],
            )

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


def render_stored(out_dir: str | Path, options: Options, wait: float = 0.0) -> Result:
    """Render the drafts again from the results stored in `out_dir` (another style, template or
    digits): nothing is transcribed or drafted, a reviewed draft is still never overwritten, and
    a later `minutes run` with the same options finds the render done."""
    render.check_style(options.style)
    render.check_templates(options.templates)
    out_dir = Path(out_dir)
    if not (out_dir / "stages" / "minutes.json").is_file():
        raise MinutesError(
            f"{out_dir}: no stored minutes to render (stages/minutes.json) — give the folder that `minutes run` "
            "wrote for a recording (OUT/<recording-id>), or run `minutes run` on the recording first"
        )
    busy = f"{out_dir}: a `minutes` run is writing this folder now; wait for it to end and render again"
    with locked(out_dir / LOCK, busy, wait):
        ws = Workspace(out_dir)
        ws.clear_temporaries()
        ws.sync()
        t0 = time.perf_counter()
        transcript, minutes, _ = corrections.stored(ws)
        notes: list[str] = []
        exports = {**render.transcript_files(transcript), **_minutes_exports(minutes, transcript, options, notes)}
        files = ws.commit(exports)
        key = ws.manifest["stages"]["minutes"]["key"]
        ws.done("render", _render_key(key, options), time.perf_counter() - t0)
        timing = {"seconds": ws.manifest["stages"]["render"]["seconds"], "cached": False}
        return Result(out_dir=ws.dir, files=files, stages={"render": timing}, notes=notes)


corrected = corrections.corrected  # the stored drafts with the reviewer's corrections (review, speakers)


def redraft(out_dir: str | Path, wait: float = 0.0) -> Result:
    """Draft again after a reviewer's edit, with the options of the last run: only minutes and
    rendering rerun. If the recording has moved away, the stored minutes are rendered instead."""
    out_dir = Path(out_dir)
    try:
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
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        raise MinutesError(
            f"{out_dir / 'run.json'}: missing or unreadable; run `minutes run` on the recording again"
        ) from None
    if str(source) not in ("", ".") and source.exists():
        return run(source, options, rec_id=out_dir.name, wait=wait)
    return render_stored(out_dir, options, wait=wait)
