"""The whole program as a table of stages, each cached on disk under a key.

    STAGES = [audio, transcript, text, speakers, minutes, render]   (see the table below)

A `Draft` carries what a run knows (the recording, the plan, and one part per stage); each stage
reads the parts it needs and returns the draft with its own part filled. A stage's key is a hash
of the key of the stage before it and its own settings. A stage whose key matches the one
recorded in `stages/manifest.json` is loaded, not recomputed, and stages are only loaded when a
later stage needs them: a rerun with nothing changed reads two small files. Change the model and
everything after transcription reruns; change a template and only rendering reruns. `run`,
`render_stored` (minutes render), `redraft` (speakers --rename, the review page) all go through
this one table; run.json is written and read back by `RunRecord`.
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
from typing import Any

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
from pipeline.types import (
    Audio,
    InvalidData,
    Meeting,
    Minutes,
    Recording,
    Transcript,
    dumps,
    from_dict,
    load_checked,
)

log = logging.getLogger("minutes")
StageHook = Callable[[str, dict[str, Any]], None]  # (stage name, {"seconds", "cached"})


@dataclass(frozen=True)
class Options:
    """What the user chose, fixed once made. Each stage's key takes only the options that change its result."""

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
    speakers: dict[str, Any] | None = None  # where the speaker names came from (run.json's "speakers")


@dataclass(frozen=True)
class Plan:
    """What a run is asked to do, settled before its first stage: the options, meeting.yaml as
    planned, and what follows from them. Never changed by a stage."""

    options: Options
    meeting: Meeting  # meeting.yaml as written (the minutes stage completes a copy)
    workspace: Workspace  # the output folder
    source_hash: str = ""  # the recording's (or transcript.json's) content
    companions_hash: str = ""  # the Zoom files beside it: tracks, chat, roster, timeline, VTTs
    fixes: corrections.Corrections = field(default_factory=corrections.Corrections)  # read once
    text: thai.TextOptions | None = None  # digits and glossary for the text stage (media only)
    transcription: transcribe.Settings | None = None  # media only
    engine_settings: dict[str, str] = field(default_factory=dict)  # the llm engine's server and model
    roster: Callable[[], zoom.Roster | None] = lambda: None  # the Zoom roster, read once when first asked
    progress: transcribe.Progress | None = None  # transcription's progress, for the terminal
    write_transcript: bool = True  # the render writes transcript.json (never over the input)

    @property
    def stages_dir(self) -> Path:
        return self.workspace.stages_dir

    @property
    def media(self) -> bool:
        """The stages of media (audio, transcript, text) are in this run; not for a transcript.json."""
        return self.transcription is not None


@dataclass(frozen=True)
class Draft:
    """Everything a run knows so far. Each stage reads it and returns it with its own part filled."""

    recording: Recording
    plan: Plan
    audio: Audio | None = None  # the decoded recording (stages/audio.wav)
    transcript: Transcript | None = None  # as the engine heard it
    text: Transcript | None = None  # normalised sentences, the glossary applied
    speakers: Transcript | None = None  # with speakers and the chat (the machine's, as stored)
    reviewed: Transcript | None = None  # `speakers` with the reviewer's corrections, applied once
    minutes: Minutes | None = None
    render: list[Path] | None = None  # the files written for the user
    notes: list[str] = field(default_factory=list)  # one line each for the user
    # What the record keeps beside the results: shortfalls of the audio, the speaker report, the
    # glossary files used (stages/manifest.json, and run.json).
    reports: dict[str, Any] = field(default_factory=dict)

    def report(self, **values: Any) -> Draft:
        return dataclasses.replace(self, reports={**self.reports, **values})


@dataclass(frozen=True)
class Stage:
    """One row of the table. `key(draft, before)` is the stage's cache key from the key of the stage
    before it and the plan; `run(draft)` returns the draft with the part named like the stage
    filled, from the parts in `needs`. `stored`: the type kept as stages/<name>.json (None: the
    render, whose results are the exported files); `extra`: other files under stages/ it keeps;
    `media`: the stage only exists for a recording (a transcript.json given as input skips it)."""

    name: str
    version: int
    key: Callable[[Draft, str], str]
    run: Callable[[Draft], Draft]
    needs: tuple[str, ...] = ()
    stored: type | None = None
    extra: tuple[str, ...] = ()
    media: bool = False


LOCK = ".minutes.lock"  # one run at a time in an output folder
SHORT_NOTE = (
    "บันทึกเสียง {name} ถอดได้เพียง {decoded:.1f} วินาที จาก {container:.1f} วินาทีตามที่ไฟล์ระบุ "
    "(ขาดไป {missing:.1f} วินาที) ไฟล์อาจคัดลอกมาไม่ครบ โปรดตรวจสอบกับต้นฉบับ"
)
MINUTES_FILES = ["minutes.json", "minutes.md", "minutes.html", "minutes.docx"]
TRANSCRIPT_FILES = ["transcript.json", "transcript.txt", "transcript.srt", "transcript.vtt"]
SKIPPED = "input is a transcript"


def _key(name: str, *parts: Any) -> str:
    """The key of stage `name` (its version in it: bump the version and its cache reruns)."""
    return key_of(name, VERSIONS[name], *parts)


# --- the stages, in order ------------------------------------------------------------------------


def _audio_key(draft: Draft, before: str) -> str:
    return _key("audio", draft.plan.source_hash)


def _decode(draft: Draft) -> Draft:
    """The recording's parts decoded, one after another, to stages/audio.wav (16 kHz mono)."""
    stages = draft.plan.stages_dir
    stages.mkdir(parents=True, exist_ok=True)
    wav = stages / "audio.wav"
    tmp = wav.with_name(f".audio.wav.{os.getpid()}.tmp")
    try:
        result = audio.decode(draft.recording.parts, tmp)
        os.replace(tmp, wav)
    finally:
        tmp.unlink(missing_ok=True)
    result.path = wav.name  # relative: the folder can move
    return dataclasses.replace(draft, audio=result).report(short=_shortfalls(draft.recording.parts, result.parts))


def _wav(draft: Draft) -> Audio:
    """The decoded audio with its path in this folder (stored relative: the folder can move)."""
    assert draft.audio is not None
    return dataclasses.replace(draft.audio, path=str(draft.plan.stages_dir / "audio.wav"))


def _transcript_key(draft: Draft, before: str) -> str:
    settings = draft.plan.transcription
    assert settings is not None
    return _key("transcript", before, dataclasses.asdict(settings), transcribe.model_identity(settings.model))


def _transcribe(draft: Draft) -> Draft:
    settings = draft.plan.transcription
    assert settings is not None
    transcript = transcribe.run(_wav(draft), settings, draft.plan.progress)
    # What the engine used (its random seed, the batch size it chose) beside what was asked.
    transcript.settings = {**dataclasses.asdict(settings), **transcript.settings}
    transcript.recording = draft.recording.id
    return dataclasses.replace(draft, transcript=transcript)


def _text_key(draft: Draft, before: str) -> str:
    assert draft.plan.text is not None
    return _key("text", before, draft.plan.text.key())


def _clean(draft: Draft) -> Draft:
    assert draft.transcript is not None
    return dataclasses.replace(draft, text=thai.clean(draft.transcript, draft.plan.text))


def _speakers_key(draft: Draft, before: str) -> str:
    plan, rec = draft.plan, draft.recording
    if rec.transcript_file:  # the reviewer's transcript: its speakers are kept as written
        return key_of("transcript-file", plan.source_hash)
    return _key(
        "speakers",
        before,
        plan.options.speakers,
        plan.companions_hash,
        meeting.naming(plan.meeting),
        plan.options.direct_messages,
        diarize.key(plan.options.diarization, plan.meeting),
    )


def _speakers(draft: Draft) -> Draft:
    plan, rec = draft.plan, draft.recording
    if rec.transcript_file:
        transcript = dataclasses.replace(load_transcript(Path(rec.transcript_file)), recording=rec.id)
        result = speakers.assign(transcript, rec, "none")  # keep what the reviewer wrote
    else:
        assert draft.text is not None
        options = plan.options
        result = speakers.assign(
            draft.text, rec, options.speakers, _wav(draft), plan.meeting, options.direct_messages,
            roster=plan.roster(), engines=_speaker_engines(options.diarization, plan.meeting),
        )  # fmt: skip
    return dataclasses.replace(draft, speakers=result).report(speakers=result.speakers)


def _speaker_engines(settings: diarize.Settings, planned: Meeting) -> dict[str, speakers.Engine]:
    """The diarize engines told this run's speaker settings and meeting.yaml (an engine put in
    their place, as a test does, is left as it is)."""
    bound = {}
    for name, engine in speakers.ENGINES.items():
        if engine in (diarize.engine, diarize.pyannote_engine):
            bound[name] = functools.partial(engine, settings=settings, meeting=planned)
    return bound


def _minutes_key(draft: Draft, before: str) -> str:
    plan = draft.plan
    return _key(
        "minutes",
        corrections.key(plan.fixes),
        before,
        dumps(plan.meeting),
        draft.recording.started,
        plan.options.summary,
        plan.engine_settings,
    )


def _draft_minutes(draft: Draft) -> Draft:
    plan, rec, transcript = draft.plan, draft.recording, draft.reviewed
    assert transcript is not None
    if not rec.started and draft.audio is not None and draft.audio.created:  # the file's own date
        rec = dataclasses.replace(rec, started=draft.audio.created, started_source="file metadata")
    completed = meeting.complete(copy.deepcopy(plan.meeting), rec, transcript.duration)
    completed = meeting.attendance(completed, plan.roster())
    drafted = drafting.run(transcript, completed, plan.options.summary)
    drafted.chat = meeting.place_chat(transcript.chat, drafted.agenda)  # the appendix, item by item
    if not rec.transcript_file:
        drafted.notes += [SHORT_NOTE.format(**short) for short in draft.reports.get("short") or []]
    return dataclasses.replace(draft, minutes=drafted)


def _render_key(draft: Draft, before: str) -> str:
    """What decides the rendered drafts: the minutes, the templates in use, digits and style."""
    options = draft.plan.options
    return _key("render", before, _templates_key(options.templates), options.thai_digits, options.style)


def _render(draft: Draft) -> Draft:
    """The transcript and minutes files for the user, written as one set (reviewed ones kept)."""
    plan, transcript = draft.plan, draft.reviewed
    assert transcript is not None and draft.minutes is not None
    minutes = corrections.apply_minutes(draft.minutes, transcript, plan.fixes)
    options, notes = plan.options, list(draft.notes)
    exports = {"transcript.json": dumps(transcript).encode()} if plan.write_transcript else {}
    exports.update(render.transcript_files(transcript))
    exports["minutes.json"] = dumps(dataclasses.replace(minutes, style=options.style)).encode()
    exports.update(
        render.minutes_files(minutes, transcript, options.templates, options.thai_digits, style=options.style)
    )
    if options.pdf:
        try:
            exports["minutes.pdf"] = render.minutes_pdf(exports["minutes.docx"], notes)
        except render.NoPdf as e:
            notes.append(str(e))
    return dataclasses.replace(draft, render=plan.workspace.commit(exports), notes=notes)


def _outputs(draft: Draft) -> list[str]:
    """The files a done render has left in the folder."""
    names = [*TRANSCRIPT_FILES, *MINUTES_FILES]
    if draft.plan.options.pdf and render.pdf.find_soffice():  # LibreOffice installed since: the PDF is made now
        names.append("minutes.pdf")
    return names


# The whole program. Bump a stage's version when its code changes what it produces: its cache then reruns.
STAGES = [
    Stage("audio", 1, _audio_key, _decode, stored=Audio, extra=("audio.wav",), media=True),
    Stage("transcript", 4, _transcript_key, _transcribe, ("audio",), Transcript, media=True),
    Stage("text", 2, _text_key, _clean, ("transcript",), Transcript, media=True),
    Stage("speakers", 4, _speakers_key, _speakers, ("audio", "text"), Transcript),
    Stage("minutes", 3, _minutes_key, _draft_minutes, ("reviewed", "audio"), Minutes),
    Stage("render", 2, _render_key, _render, ("reviewed", "minutes")),
]
NAMES = [stage.name for stage in STAGES]
VERSIONS = {stage.name: stage.version for stage in STAGES}
_BY_NAME = {stage.name: stage for stage in STAGES}


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
        container = audio.probe(part)[0]
        missing = container - seconds
        if missing > max(1.0, 0.02 * container):
            out.append(
                {
                    "path": str(part),
                    "name": Path(part).name,
                    "container": round(container, 1),
                    "decoded": round(seconds, 1),
                    "missing": round(missing, 1),
                }
            )
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
    rec = dataclasses.replace(rec, id=out_dir.name)
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
        (folder / "run.json", RunRecord.owner),
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
                first,
                (_owner(first) or {}).get("path"),
                other,
            )
            return other
    raise MinutesError(_taken(first, out))


def _review(draft: Draft) -> Draft:
    """The reviewer's corrections on the speakers stage's transcript: applied once per run."""
    assert draft.speakers is not None
    transcript, conflicts = corrections.apply_transcript(draft.speakers, draft.plan.fixes)
    if conflicts:
        log.warning(
            "%s: %d correction(s) no longer match the new transcript; kept both, see the review page",
            draft.plan.workspace.dir, len(conflicts),
        )  # fmt: skip
    return dataclasses.replace(draft, reviewed=transcript)


class _Loop:
    """Fills a draft's parts, each loaded from the folder when its key matches and produced from
    the parts it needs otherwise, so a stage is only loaded when a later one must run.

    `redo`: stages produced whatever the folder holds (--force: all); `produce`: False where the
    recording is not at hand (a render from the stored results): a stage not stored is an error."""

    def __init__(
        self,
        draft: Draft,
        keys: dict[str, str],
        on_stage: StageHook | None = None,
        redo: set[str] | frozenset[str] = frozenset(),
        produce: bool = True,
    ) -> None:
        self.draft, self.keys, self.on_stage, self.redo, self.produce = draft, keys, on_stage, redo, produce
        self.ws = draft.plan.workspace
        self.have: set[str] = set()

    def need(self, name: str) -> None:
        if name in self.have:
            return
        self.have.add(name)
        if name == "reviewed":
            self.need("speakers")
            self.draft = _review(self.draft)
            return
        stage = _BY_NAME[name]
        if stage.media and not self.draft.plan.media:
            return
        if name not in self.redo and self._load(stage):
            self._done(name, {"seconds": 0.0, "cached": True})
            return
        if not self.produce and name not in self.redo:
            raise MinutesError(
                f"{self.ws.stages_dir / f'{name}.json'}: missing, changed or damaged since `minutes run` wrote it; "
                "run `minutes run` on the recording again (it is computed again, corrections kept)"
            )
        self._produce(stage)

    def _load(self, stage: Stage) -> bool:
        key = self.keys[stage.name]
        if stage.stored is None:  # the render: done when its files are all there
            names = _outputs(self.draft)
            if not self.ws.is_done(stage.name, key, *(self.ws.dir / n for n in names)):
                return False
            notes = list(self.draft.notes)
            if self.draft.plan.options.pdf and not render.pdf.find_soffice():
                notes.append(render.NO_OFFICE)
            self.draft = dataclasses.replace(self.draft, render=[self.ws.dir / n for n in names], notes=notes)
            return True
        path = self.ws.stages_dir / f"{stage.name}.json"
        loaded = self.ws.load_stage(stage.name, key, stage.stored, path, *(self.ws.stages_dir / f for f in stage.extra))
        if loaded is None:
            return False
        self.draft = dataclasses.replace(self.draft, **{stage.name: loaded})
        return True

    def _produce(self, stage: Stage) -> None:
        ws, name = self.ws, stage.name
        t0, inner = time.perf_counter(), ws.spent
        for part in stage.needs:
            self.need(part)
        self.draft = stage.run(self.draft)
        for report, value in self.draft.reports.items():  # what the record keeps beside the result
            if ws.manifest.get(report, _MISSING) != value:
                ws.manifest[report] = value
        files = None
        if stage.stored is not None:
            path = ws.stages_dir / f"{name}.json"
            data = dumps(getattr(self.draft, name)).encode()
            write_atomic(path, data)
            files = {path.name: sha256_bytes(data), **{f: sha256_file(ws.stages_dir / f) for f in stage.extra}}
        seconds = time.perf_counter() - t0 - (ws.spent - inner)  # the stages it needed ran on their own time
        if stage.stored is not None:
            ws.spent += seconds
        ws.done(name, self.keys[name], seconds, files)
        self._done(name, {"seconds": ws.manifest["stages"][name]["seconds"], "cached": False})

    def _done(self, name: str, timing: dict[str, Any]) -> None:
        self.ws.timings[name] = timing
        if self.on_stage:
            self.on_stage(name, timing)


_MISSING = object()
REPORTS = ("short", "speakers", "glossary")  # kept in the manifest beside the stage results


def _keys(draft: Draft, known: dict[str, str] | None = None) -> dict[str, str]:
    """Every stage's key, each from the one before it (`known`: keys taken as they are)."""
    keys, before = dict(known or {}), ""
    for stage in STAGES:
        if stage.media and not draft.plan.media:
            continue
        if stage.name not in keys:
            keys[stage.name] = stage.key(draft, before)
        before = keys[stage.name]
    return keys


def _plan(
    rec: Recording,
    planned: Meeting,
    options: Options,
    ws: Workspace,
    progress: transcribe.Progress | None,
    engine_settings: dict[str, str] | None,
) -> Plan:
    """What the run will do, with what it reads before any stage: hashes, the glossary, corrections."""
    words = zoom.ChatWords.from_config(planned.chat_words)
    roster = functools.cache(lambda: meeting.read_roster(rec, words) if zoom.companions(rec) else None)
    source = Path(rec.transcript_file).resolve() if rec.transcript_file else None
    common = {
        "options": options,
        "meeting": planned,
        "workspace": ws,
        "engine_settings": engine_settings or {},
        "roster": roster,
        "progress": progress,
        "write_transcript": source != (ws.dir / "transcript.json").resolve(),  # never write over the input
    }
    if rec.transcript_file:
        source_hash = sha256_file(Path(rec.transcript_file))
        _claim(ws, rec, source_hash)
        return Plan(source_hash=source_hash, fixes=corrections.load(ws.dir), **common)
    source_hash = ws.source_hash(rec.parts)
    _claim(ws, rec, source_hash)
    terms = glossary.load(_glossaries(rec, options))
    ws.manifest["glossary"] = terms.sources if terms else []
    # The glossary is not given to the decoder as hints: with Whisper base that made Thai CER
    # twice as bad (benchmarks/README.md); it corrects the text stage only.
    settings = transcribe.Settings(
        model=options.model, device=options.device, compute_type=options.compute_type, batch_size=options.batch_size
    )
    return Plan(
        source_hash=source_hash,
        companions_hash=ws.source_hash(zoom.companions(rec)),
        fixes=corrections.load(ws.dir),  # the reviewer's layer: never written by a run
        text=thai.TextOptions(digits=options.digits, glossary=terms),
        transcription=settings,
        **common,
    )


def _glossaries(rec: Recording, options: Options) -> list[Path]:
    """The glossary files to read: those given, else one beside the recording; each checked first."""
    found = glossary.find(rec.path)
    chosen = list(options.glossary) or ([found] if found else [])
    for path in chosen:  # a pipe, an unreadable file or an alias bomb: one line, before glossary reads it
        if Path(path).exists():
            text = meeting.read_user_file(Path(path), "glossary", "check the path given to --glossary")
            try:
                meeting.compose(text, Path(path), "glossary.yaml")
            except yaml.YAMLError:
                pass  # not YAML at all: glossary.load says so in its own words, naming the file
    return chosen


def _run(
    rec: Recording,
    planned: Meeting,
    options: Options,
    ws: Workspace,
    progress: transcribe.Progress | None,
    on_stage: StageHook | None = None,
    engine_settings: dict[str, str] | None = None,
) -> Result:
    started_at = dt.datetime.now().astimezone()
    plan = _plan(rec, planned, options, ws, progress, engine_settings)
    draft = Draft(rec, plan, reports={k: ws.manifest[k] for k in REPORTS if k in ws.manifest})
    if rec.transcript_file:
        for stage in STAGES:
            if stage.media:
                ws.timings[stage.name] = {"seconds": 0.0, "skipped": SKIPPED}
    loop = _Loop(draft, _keys(draft), on_stage, redo=set(NAMES) if options.force else frozenset())
    loop.need(NAMES[-1])
    draft = loop.draft
    if not rec.transcript_file:
        for short in ws.manifest.get("short") or []:
            log.warning(
                "%s: decodes to %.1f s of the %.1f s its container gives; %.1f s are missing (a copy cut short?); "
                "the minutes carry a note for the reviewer",
                short["path"], short["decoded"], short["container"], short["missing"],
            )  # fmt: skip
    stages = {name: ws.timings.get(name, {"seconds": 0.0, "cached": True}) for name in NAMES}
    record = RunRecord.write(draft, stages, started_at)
    write_atomic(ws.dir / "run.json", (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode())
    ws.save_manifest()
    return Result(ws.dir, list(draft.render or []), draft.notes, stages, record["speakers"])


def _same(name: str) -> tuple[Callable[[Draft], Any], Callable[[Any], Any]]:
    return (lambda draft: getattr(draft.plan.options, name)), (lambda value: value)


def _path_or_none(value: Any) -> Path | None:
    return Path(value) if value else None


class RunRecord:
    """run.json: what a run was asked and did, written and read back by this one codec.

    `options` holds the user's choices (each written from the run and read back into Options by
    the same entry of OPTIONS); `settings` the transcription's, of which SETTINGS are read back."""

    OPTIONS: dict[str, tuple[Callable[[Draft], Any], Callable[[Any], Any] | None]] = {
        "meeting": (
            lambda d: str(Path(d.plan.options.meeting).resolve()) if d.plan.options.meeting else None,
            _path_or_none,
        ),
        "speakers": _same("speakers"),
        "diarization": (
            lambda d: dataclasses.asdict(d.plan.options.diarization),
            lambda v: from_dict(diarize.Settings, v) if v else diarize.Settings(),
        ),
        "direct_messages": _same("direct_messages"),
        "summary": _same("summary"),
        "style": _same("style"),
        "thai_digits": _same("thai_digits"),
        "pdf": _same("pdf"),
        "digits": _same("digits"),
        # The glossary files the text stage read; those since removed are left out when read back.
        "glossary": (
            lambda d: d.reports.get("glossary") or [],
            lambda v: [Path(g) for g in v or [] if Path(g).is_file()],
        ),
        "templates": (lambda d: str(d.plan.options.templates) if d.plan.options.templates else None, _path_or_none),
        "force": (_same("force")[0], None),  # a redraft never forces
    }
    SETTINGS = ("model", "device", "compute_type", "batch_size")

    @classmethod
    def write(cls, draft: Draft, stages: dict[str, dict[str, Any]], started_at: dt.datetime) -> dict[str, Any]:
        rec, plan = draft.recording, draft.plan
        media = not rec.transcript_file
        return {
            "tool": "thai-minutes",
            "version": pipeline.__version__,
            "recording": rec.id,
            "source": rec.path,
            "source_path": str(Path(rec.path).resolve()),
            "parts": rec.parts,
            "input_sha256": plan.source_hash,
            "model": plan.options.model if media else None,
            "settings": dataclasses.asdict(plan.transcription) if plan.transcription else {},
            "options": {name: encode(draft) for name, (encode, _) in cls.OPTIONS.items()},
            "stages": stages,
            "speakers": draft.reports.get("speakers"),  # which speaker source was used, and why
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }

    @staticmethod
    def read(folder: Path) -> dict[str, Any]:
        """A folder's run.json (OSError or ValueError: missing, unreadable, or not a record)."""
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("run.json is not an object")
        return record

    @staticmethod
    def owner(record: dict[str, Any]) -> dict[str, Any]:
        """The source a run was for: its path and content hash."""
        return {"path": record.get("source_path"), "sha256": record.get("input_sha256")}

    @staticmethod
    def source(record: dict[str, Any]) -> Path:
        return Path(record.get("source_path") or record.get("source", ""))

    @classmethod
    def options(cls, record: dict[str, Any], out: Path) -> Options:
        """The Options a run.json was written with (what it leaves out: the defaults)."""
        chosen, settings = record.get("options", {}), record.get("settings", {})
        defaults = Options()
        values: dict[str, Any] = {"out": out}
        for name, (_, decode) in cls.OPTIONS.items():
            if decode is not None:
                values[name] = decode(chosen[name]) if name in chosen else getattr(defaults, name)
        for name in cls.SETTINGS:
            values[name] = settings.get(name, getattr(defaults, name))
        return Options(**values)


def render_stored(out_dir: str | Path, options: Options, wait: float = 0.0) -> Result:
    """Render the drafts again from the results stored in `out_dir` (another style, template or
    digits): nothing is transcribed or drafted, a reviewed draft is still never overwritten, and
    a later `minutes run` with the same options finds the render done. The same table as a run,
    with the stored stages taken as they are and only the render produced."""
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
        plan = Plan(options, Meeting(), ws, fixes=corrections.load(ws.dir), write_transcript=False)
        draft = Draft(Recording(id=out_dir.name, path=""), plan)
        recorded = {name: (ws.manifest["stages"].get(name) or {}).get("key", "") for name in ("speakers", "minutes")}
        loop = _Loop(draft, _keys(draft, recorded), redo={"render"}, produce=False)
        loop.need("render")
        return Result(out_dir=ws.dir, files=list(loop.draft.render or []), stages={"render": ws.timings["render"]},
                      notes=loop.draft.notes)  # fmt: skip


corrected = corrections.corrected  # the stored drafts with the reviewer's corrections (review, speakers)


def redraft(out_dir: str | Path, wait: float = 0.0) -> Result:
    """Draft again after a reviewer's edit, with the options of the last run (run.json, read by
    the codec that wrote it): only minutes and rendering rerun. If the recording has moved away,
    the stored minutes are rendered instead."""
    out_dir = Path(out_dir)
    try:
        record = RunRecord.read(out_dir)
        options = RunRecord.options(record, out_dir.parent)
        source = RunRecord.source(record)
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        raise MinutesError(
            f"{out_dir / 'run.json'}: missing or unreadable; run `minutes run` on the recording again"
        ) from None
    if str(source) not in ("", ".") and source.exists():
        return run(source, options, rec_id=out_dir.name, wait=wait)
    return render_stored(out_dir, options, wait=wait)
