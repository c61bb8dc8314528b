"""The data that flows through the stages, and its JSON form.

Every stage result is one of these dataclasses; `to_json`/`from_json` turn them into the files
in `outputs/<recording-id>/` and back, with Thai kept readable (`ensure_ascii=False`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar


@dataclass
class Person:
    """A name with its position, as the minutes list people (`name position`)."""

    name: str
    position: str = ""
    note: str = ""  # e.g. "มาประชุมแทน ..." for a substitute, or the reason for an absence
    # Names the person goes by in Zoom (display names, track file names), from meeting.yaml.
    aliases: list[str] = field(default_factory=list)


@dataclass
class AgendaTitle:
    """An agenda item as planned (from meeting.yaml): number such as "4.1" and title."""

    number: str
    title: str


@dataclass
class Meeting:
    """What the minutes' heading needs. Empty strings are shown as a blank for the reviewer."""

    body: str = ""
    session: str = ""  # "N/B.E. year", e.g. "1/2569"
    date: str = ""  # ISO date (Gregorian); rendered in B.E.
    start_time: str = ""  # "HH.MM"
    end_time: str = ""  # "HH.MM"
    venue: str = ""
    chair: Person | None = None
    members_present: list[Person] = field(default_factory=list)
    members_absent: list[Person] = field(default_factory=list)
    attendees: list[Person] = field(default_factory=list)
    minute_taker: Person | None = None
    reviewer: Person | None = None
    agenda: list[AgendaTitle] = field(default_factory=list)
    # Where each filled field came from when not from meeting.yaml ("date": "zoom folder name").
    sources: dict[str, str] = field(default_factory=dict)
    # The body's appointed members: the Zoom roster decides who of them was present or absent.
    members: list[Person] = field(default_factory=list)
    # The Zoom client's chat keywords when not English: {"from": ..., "to": ..., "everyone": ...}.
    chat_words: dict[str, str] = field(default_factory=dict)


@dataclass
class Recording:
    """A recording as found on disk: its media parts (consecutive, in order) and companions."""

    id: str
    path: str  # what the user named: a file or a folder
    parts: list[str] = field(default_factory=list)  # media files, played one after another
    meeting_file: str | None = None  # meeting.yaml found beside the recording
    transcript_file: str | None = None  # a transcript.json given as input instead of media
    started: str | None = None  # ISO datetime the recording started, when known
    started_source: str | None = None  # where `started` came from
    # What kind of input it is: "file", "folder", "zoom local", "zoom cloud", "transcript".
    kind: str = ""
    topic: str = ""  # the meeting topic from a Zoom folder name
    meeting_id: str = ""  # the Zoom meeting id from a folder name or participants report
    # Zoom companions (paths). Each one changes the speakers stage; none is ever written to.
    tracks: list[str] = field(default_factory=list)  # Audio Record/ per-participant tracks
    chat_file: str | None = None
    participants_file: str | None = None  # participants report CSV from the Zoom web portal
    timeline_file: str | None = None  # cloud timeline JSON (active speaker every 0.25-1 s)
    transcript_vtt: str | None = None  # Zoom's own transcript: a hint for speaker turns only
    cc_vtt: str | None = None  # Zoom closed captions VTT: a weaker hint of the same kind
    unused: list[str] = field(default_factory=list)  # other files found, not needed (m3u, conf)


@dataclass
class Audio:
    """Decoded audio: 16 kHz mono 16-bit PCM WAV on disk."""

    path: str
    duration: float
    sample_rate: int = 16000
    created: str | None = None  # container creation time (ISO, local Thai time), if any
    parts: list[float] = field(default_factory=list)  # seconds of each part, in the order joined


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass
class Edit:
    """A change post-processing made to what the model wrote, kept so the reviewer can check it.

    kind: "dropped" (text Whisper invents on silence or music), "loop" (a repeated phrase written
    once), "redecoded" (a stretch decoded again), "unheard" (speech found, no words recognised:
    listen there), "glossary" (a term corrected), "number" (a number written as a secretary would).
    """

    kind: str
    start: float
    end: float
    before: str
    after: str
    note: str = ""


@dataclass
class Segment:
    """One utterance: a sentence (after the text stage) with its time span and speaker."""

    id: int
    start: float
    end: float
    text: str
    speaker: str | None = None
    # How the speaker label was obtained, so the reviewer knows how far to trust it.
    speaker_source: str | None = None
    words: list[Word] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    overlapping: list[str] = field(default_factory=list)  # others heard speaking at the same time


@dataclass
class Turn:
    """A stretch of time one speaker holds, as a speaker engine found it."""

    start: float
    end: float
    speaker: str
    source: str  # how the engine knows: "zoom track", "diarisation", ...


@dataclass
class ChatMessage:
    """A message of the meeting's Zoom chat, placed on the recording's timeline."""

    sender: str  # the formal name meeting.yaml gives the sender, else the Zoom display name
    text: str  # may hold several lines
    at: float | None = None  # seconds into the recording (parts joined); None when unknown
    clock: str = ""  # wall-clock time "13:31:02" when known
    to: str = ""  # "Everyone", or the recipient of a direct message
    direct: bool = False  # a direct (private) message: left out of the minutes unless asked for
    reply_to: str | None = None  # the quoted message it replies to
    zoom_name: str = ""  # the sender as Zoom wrote it
    agenda: str | None = None  # number of the agenda item it falls in (set with the minutes)


@dataclass
class Transcript:
    language: str = "th"
    duration: float = 0.0
    segments: list[Segment] = field(default_factory=list)
    model: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    recording: str = ""  # recording id
    chat: list[ChatMessage] = field(default_factory=list)
    # Every change post-processing made, in time order; the segments touched carry a flag too.
    edits: list[Edit] = field(default_factory=list)
    # How speakers were found: the engine asked for, the one used, why, and what was passed over.
    speakers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Action:
    """An assignment: who does what, by when, and where in the recording it was said."""

    assignee: str | None
    task: str
    due: str | None = None  # ISO date (Gregorian); rendered in B.E.
    segment_ids: list[int] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    confidence: float = 1.0  # how sure the engine is it heard an assignment (below 0.85: a note asks to check)


@dataclass
class Point:
    """One point of an item's discussion: who raised what, and where it was said."""

    text: str
    speaker: str | None = None  # from the cited segments, never from an engine's guess
    segment_ids: list[int] = field(default_factory=list)
    start: float | None = None
    end: float | None = None


@dataclass
class AgendaItem:
    number: str
    title: str
    summary: str = ""
    resolution: str | None = None
    actions: list[Action] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    segment_ids: list[int] = field(default_factory=list)
    resolution_segment_ids: list[int] = field(default_factory=list)
    # False when the item was planned (meeting.yaml) but not located in the recording.
    found: bool = True
    notes: list[str] = field(default_factory=list)
    # The discussion as points with speakers and sources; `summary` is their text joined.
    discussion: list[Point] = field(default_factory=list)
    resolution_start: float | None = None  # where the resolution was said in the recording
    resolution_end: float | None = None
    opened_at: float | None = None  # where its opening was said (item 1 also holds the chair's welcome)
    # How sure the engine is of the opening and of the resolution it heard (1.0: the very words;
    # below 0.85 the item carries a note asking the reviewer to check).
    confidence: float = 1.0
    resolution_confidence: float | None = None


@dataclass
class Minutes:
    meeting: Meeting
    agenda: list[AgendaItem] = field(default_factory=list)
    style: str = "summarised"
    engine: str = ""
    notes: list[str] = field(default_factory=list)
    reviewed: str | None = None  # who marked the draft reviewed, and when
    chat: list[ChatMessage] = field(default_factory=list)  # for the appendix, each with its agenda item


T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    return dataclasses.asdict(obj)


@functools.cache  # resolving string annotations is slow: once per class, not once per object
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_dict(cls: type[T], data: Any) -> T:
    """Build dataclass `cls` from plain JSON data, recursing into nested dataclasses and lists."""
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_convert(item, v) for v in value]
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def dumps(obj: Any) -> str:
    data = to_dict(obj) if dataclasses.is_dataclass(obj) else obj
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load(cls: type[T], path: str | Path) -> T:
    return from_dict(cls, json.loads(Path(path).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# Reading JSON someone else may have written: every type and range checked, one line naming the field

MAX_JSON = 200 * 1024 * 1024  # a transcript.json with word times for a day of meetings is a few tens of MB
MAX_SECONDS = 7 * 24 * 3600.0  # no recording is longer than a week
MAX_TEXT = 10_000  # characters in one string (a sentence, a chat message): a paragraph, never a book
MAX_TOTAL_TEXT = 3_000_000  # characters of speech in all: about 40 hours of talk
MAX_ITEMS = 500_000  # entries in one list
_SECONDS_FIELDS = {"start", "end", "duration", "at", "resolution_start", "resolution_end", "opened_at"}
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class InvalidData(ValueError):
    """A value of the wrong type or out of range; `where` is its field, as `segments[3].start`."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where, self.problem = where, problem


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"text {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)[:40]


class _Checker:
    def __init__(self) -> None:
        self.text = 0  # characters of text seen, against MAX_TOTAL_TEXT

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise InvalidData(where, f"must be text, not {_shown(value)}")
        if len(value) > MAX_TEXT:
            raise InvalidData(where, f"is {len(value)} characters long; at most {MAX_TEXT}")
        if bad := _BAD_CHARS.search(value):
            raise InvalidData(where, f"holds U+{ord(bad[0]):04X}, a character no document can hold")
        self.text += len(value)
        if self.text > MAX_TOTAL_TEXT:
            raise InvalidData(where, f"the file holds more than {MAX_TOTAL_TEXT} characters of text in all")
        return value

    def number(self, value: Any, where: str, name: str, whole: bool = False) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
            kind = "a whole number" if whole else "a number"
            raise InvalidData(where, f"must be {kind}, not {_shown(value)}")
        if not math.isfinite(value):
            raise InvalidData(where, f"must be a finite number, not {value}")
        if name in _SECONDS_FIELDS and not 0 <= value <= MAX_SECONDS:
            raise InvalidData(where, f"must be a time in seconds from 0 to {MAX_SECONDS:.0f}, not {value:g}")
        if name == "probability" and not 0 <= value <= 1:
            raise InvalidData(where, f"must be between 0 and 1, not {value:g}")
        if whole and not 0 <= value <= 10**9:
            raise InvalidData(where, f"must be from 0 to {10**9}, not {value}")
        if not -1e12 <= value <= 1e12:
            raise InvalidData(where, f"is out of range ({value:g})")
        return value

    def plain(self, value: Any, where: str, depth: int = 0) -> Any:
        """Free-form JSON (settings, speaker reports): only its strings and numbers are checked."""
        if depth > 20:
            raise InvalidData(where, "is nested too deeply")
        if isinstance(value, str):
            return self.string(value, where)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return self.number(value, where, "")
        if isinstance(value, list):
            self.length(value, where)
            return [self.plain(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
        if isinstance(value, dict):
            self.length(value, where)
            return {self.string(k, f"{where} key"): self.plain(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
        raise InvalidData(where, f"is not JSON ({_shown(value)})")

    def length(self, value: Any, where: str) -> None:
        if len(value) > MAX_ITEMS:
            raise InvalidData(where, f"has {len(value)} entries; at most {MAX_ITEMS}")

    def value(self, tp: Any, value: Any, where: str, name: str) -> Any:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(tp) if a is not type(None)]
            if value is None:
                if len(inner) < len(typing.get_args(tp)):
                    return None
                raise InvalidData(where, "must not be null")
            return self.value(inner[0], value, where, name) if len(inner) == 1 else self.plain(value, where)
        if value is None and tp is not Any:
            raise InvalidData(where, "must not be null")
        if tp is Any:
            return self.plain(value, where)
        if origin is list:
            if not isinstance(value, list):
                raise InvalidData(where, f"must be a list, not {_shown(value)}")
            self.length(value, where)
            (item,) = typing.get_args(tp)
            return [self.value(item, v, f"{where}[{i}]", name) for i, v in enumerate(value)]
        if origin is dict:
            if not isinstance(value, dict):
                raise InvalidData(where, f"must be an object, not {_shown(value)}")
            return self.plain(value, where)
        if dataclasses.is_dataclass(tp):
            return self.record(tp, value, where)
        if tp is str:
            return self.string(value, where)
        if tp is bool:
            if not isinstance(value, bool):
                raise InvalidData(where, f"must be true or false, not {_shown(value)}")
            return value
        if tp is int:
            return self.number(value, where, name, whole=True)
        if tp is float:
            return float(self.number(value, where, name))
        return self.plain(value, where)  # pragma: no cover - every field type is one of the above

    def record(self, cls: type[T], data: Any, where: str) -> T:
        if not isinstance(data, dict):
            raise InvalidData(where, f"must be an object {{...}}, not {_shown(data)}")
        hints = _hints(cls)
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            at = f"{where}.{f.name}" if where else f.name
            if f.name in data:
                kwargs[f.name] = self.value(hints[f.name], data[f.name], at, f.name)
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise InvalidData(at, "is missing")
        obj = cls(**kwargs)
        start, end = getattr(obj, "start", None), getattr(obj, "end", None)
        if isinstance(start, int | float) and isinstance(end, int | float) and end < start:
            raise InvalidData(f"{where}.end" if where else "end", f"{end:g} is before the start, {start:g}")
        return obj


def check(cls: type[T], data: Any) -> T:
    """Build dataclass `cls` from JSON data, checking every type and range (InvalidData if one is wrong).

    A transcript's segments may leave out their ids (a hand-written file): they are numbered in order."""
    if cls is Transcript and isinstance(data, dict) and isinstance(data.get("segments"), list):
        segments = data["segments"]
        if segments and all(isinstance(s, dict) and "id" not in s for s in segments):
            data = {**data, "segments": [{**s, "id": i} for i, s in enumerate(segments)]}
    result = _Checker().record(cls, data, "")
    if isinstance(result, Transcript):
        seen: set[int] = set()
        for i, seg in enumerate(result.segments):
            if seg.id in seen:
                raise InvalidData(f"segments[{i}].id", f"{seg.id} is the id of an earlier segment too")
            seen.add(seg.id)
    return result


def read_json(path: str | Path, limit: int = MAX_JSON) -> Any:
    """A JSON file someone may have made by hand: a regular file of at most `limit` bytes, UTF-8
    (a BOM allowed). Raises InvalidData for anything else (a FIFO, a device, a huge file, bad JSON)."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidData("", f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidData("", "is not a regular file (a pipe, a device or a socket)")
    if info.st_size > limit:
        raise InvalidData("", f"is {info.st_size / 1e6:.0f} MB; at most {limit / 1e6:.0f} MB is read")
    try:
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
        text = raw.decode("utf-8-sig")
        return json.loads(text)
    except PermissionError:
        raise InvalidData("", "cannot be read (permission denied); check the file's permissions") from None
    except OSError as exc:
        raise InvalidData("", f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise InvalidData("", "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidData(f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InvalidData("", "is nested too deeply") from None


def load_checked(cls: type[T], path: str | Path, limit: int = MAX_JSON) -> T:
    """`read_json` then `check`: InvalidData names the field (or the line) that is wrong."""
    return check(cls, read_json(path, limit))
