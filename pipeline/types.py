"""The data that flows through the stages, and its JSON form.

Every stage result is one of these dataclasses; `to_json`/`from_json` turn them into the files
in `outputs/<recording-id>/` and back, with Thai kept readable (`ensure_ascii=False`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
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
