"""Parsers for what Zoom leaves after a meeting (see shared reference `zoom-recordings.md`).

Every parser reads loosely: Zoom's formats changed across client versions and languages, so each
one recognises several dialects, skips what it cannot read (and counts it), and never writes to
the file it reads. Names stay as Zoom wrote them; `meeting.Directory` maps them to people.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import audio
from pipeline.errors import MinutesError
from pipeline.types import AgendaItem, ChatMessage, Recording, Turn

# ---------------------------------------------------------------------------------------------
# Folder and file names

# `YYYY-MM-DD HH.MM.SS <topic> <meeting id>`; older Windows clients wrote unpadded months and days,
# newer clients leave the meeting id out, and there can be two spaces before the topic.
FOLDER_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{2})\.(\d{2})\.(\d{2})\s+(.*?)(?:\s+(\d{9,11}))?$")
# Cloud downloads carry the UTC start: GMT20260319-063000_Recording.m4a
CLOUD_NAME = re.compile(r"GMT(\d{8})-(\d{6})")
UNCONVERTED = ".zoom"  # double_click_to_convert_01.zoom: the local recording was never converted
TRACKS_FOLDER = "Audio Record"
CC_TEXT_NAME = "meeting_saved_closed_caption.txt"  # local captions: format undocumented, not read
UNUSED_NAMES = re.compile(r"^(playback\d*\.m3u|recording\.conf)$", re.IGNORECASE)


@dataclass
class FolderName:
    started: dt.datetime  # the recording machine's local clock
    topic: str
    meeting_id: str = ""


def parse_folder_name(name: str) -> FolderName | None:
    """`2022-04-19 13.30.00 คณะทำงาน... 81234567890` -> start, topic, meeting id (None if not Zoom's)."""
    match = FOLDER_NAME.match(name.strip())
    if not match:
        return None
    try:
        started = dt.datetime(*(int(g) for g in match.groups()[:6]))
    except ValueError:
        return None
    return FolderName(started, match[7].strip(), match[8] or "")


def cloud_start(name: str) -> dt.datetime | None:
    """The UTC start written into a cloud recording's file name (GMT20260319-063000...)."""
    match = CLOUD_NAME.search(name)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def name_key(name: str) -> str:
    """A name reduced to what survives in a track file name: letters, marks and digits, casefolded.

    Zoom drops the spaces of a display name in track names (`audioJohnSmith98796876.m4a`); how it
    writes other characters is not documented, so punctuation is ignored on both sides.
    """
    text = unicodedata.normalize("NFC", name).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LMN")


def track_name(path: str | Path) -> str:
    """The display name a per-participant track was named after, as well as it can be read:
    `audioJohnSmith98796876.m4a` -> `JohnSmith` (spaces are lost; the roster restores them)."""
    stem = Path(path).stem
    if stem.lower().startswith("audio"):
        stem = stem[5:]
    return re.sub(r"\d+$", "", stem).strip(" _-") or stem


def matches_track(name: str, track: str | Path) -> bool:
    """Whether `name` (a display name) is the one track file `track` was named after: the file
    name is `audio` + the name without spaces + digits, so a display name ending in digits fits."""
    stem = Path(track).stem
    raw = name_key(stem[5:] if stem.lower().startswith("audio") else stem)
    key = name_key(name)
    return bool(key) and raw.startswith(key) and raw[len(key) :].isdigit()


def classify(path: Path) -> str | None:
    """What a companion file is: chat, participants, timeline, transcript_vtt, cc_vtt, cc_text,
    unused (playlists, config) or None (not Zoom's). Recognised by content where names vary."""
    name, suffix = path.name.lower(), path.suffix.lower()
    if UNUSED_NAMES.match(path.name):
        return "unused"
    if name == CC_TEXT_NAME:
        return "cc_text"
    head = _head(path)
    if suffix == ".vtt" and head.lstrip("\ufeff").startswith("WEBVTT"):
        # Cloud sets name them ...transcript.vtt and ...cc.vtt; downloaders vary, so look for "cc".
        return "cc_vtt" if re.search(r"(^|[^a-z])cc([^a-z]|$)", name) else "transcript_vtt"
    if suffix == ".json" and '"timeline"' in head:
        return "timeline"
    if suffix == ".csv" and re.search(r"name \(original name\)|join time|total duration", head, re.IGNORECASE):
        return "participants"
    if suffix == ".txt" and chat_dialect(head.splitlines()) is not None:
        return "chat"
    return None


def _head(path: Path, size: int = 4096) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(size).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _read_text(path: str | Path, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MinutesError(
            f"{path}: this {what} is not UTF-8 text; save it as UTF-8 or move it out of the folder"
        ) from None


# ---------------------------------------------------------------------------------------------
# Chat


@dataclass
class ChatWords:
    """The keywords of a chat file, which follow the Zoom client's language."""

    sender: str = "From"
    to: str = "to"
    everyone: str = "Everyone"
    direct: tuple[str, ...] = ("(Direct Message)", "(privately)")
    reacted: tuple[str, ...] = ("Reacted to ",)
    removed: tuple[str, ...] = ("Removed a ",)
    replying: str = "Replying to "

    @classmethod
    def from_config(cls, config: dict[str, str] | None) -> ChatWords:
        """meeting.yaml `chat_words: {from: ..., to: ..., everyone: ..., direct: ...}` over English."""
        words = cls()
        for key, value in (config or {}).items():
            attr = {"from": "sender"}.get(key, key)
            if attr in ("direct", "reacted", "removed"):
                setattr(words, attr, (*getattr(words, attr), str(value)))
            elif hasattr(words, attr):
                setattr(words, attr, str(value))
        return words


@dataclass
class Chat:
    dialect: str  # "cloud", "local v1", "local v2", "local dated"
    messages: list[ChatMessage] = field(default_factory=list)  # direct messages included, flagged
    reactions: int = 0  # dropped: not minutes material
    unread: int = 0  # lines that matched no dialect


_TIME = r"(\d{1,2}:\d{2}:\d{2})"


def _header(words: ChatWords) -> re.Pattern[str]:
    """`[date ]time From <sender> to <recipient>:` with the text on the same line (v1) or after."""
    return re.compile(
        rf"^(?:(\d{{4}}-\d{{2}}-\d{{2}})\s+)?{_TIME}\s+{re.escape(words.sender)}\s+(.+?)"
        rf"(?:\s+{re.escape(words.to)}\s+(.+?))?\s*:(?:\s+(.*)|\s*)$"
    )


def chat_dialect(lines: list[str], words: ChatWords | None = None) -> str | None:
    """Which chat dialect the first lines are written in, or None when they are not a Zoom chat."""
    header = _header(words or ChatWords())
    first = [line.lstrip("\ufeff") for line in lines[:20]]
    for line in first:
        if not line.strip():
            continue
        if re.match(rf"^{_TIME}\t", line):
            return "cloud"
        match = header.match(line)
        if match:
            if match[1]:
                return "local dated"
            if match[5] and match[5].strip() and not any(x.startswith("\t") for x in first):
                return "local v1"
            return "local v2"
    return None


def parse_chat(
    path: str | Path,
    started: dt.datetime | None = None,
    words: ChatWords | None = None,
    clock: PartClock | None = None,
) -> Chat:
    """Every message of a chat file, in order, with its place on the recording's timeline.

    Cloud chats give the time since the recording started. Local chats give the wall clock of the
    recording machine: it is joined to the date of `started` (the folder name) and turned into
    seconds of the recording through `clock` when the recording has several parts. Reactions are
    dropped; direct messages are kept and flagged (`direct`), for the caller to leave out.
    """
    words = words or ChatWords()
    lines = _read_text(path, "chat file").splitlines()
    dialect = chat_dialect(lines, words)
    if dialect is None:
        raise MinutesError(
            f"{path}: not a Zoom chat file in a known dialect; if the Zoom client is not in English, "
            "set chat_words (from, to, everyone) in meeting.yaml"
        )
    chat = Chat(dialect)
    raw = _cloud_messages(lines, words, chat) if dialect == "cloud" else _local_messages(lines, words, chat)
    for when, sender, recipient, text in raw:
        message = _message(when, sender, recipient, text, words, dialect, started, clock)
        if message is None:
            chat.reactions += 1
        elif message.text:
            chat.messages.append(message)
    return chat


def _cloud_messages(lines: list[str], words: ChatWords, chat: Chat) -> list[list[str]]:
    """`00:21:14<TAB>name:<TAB>text`; a line without a time continues the message before it."""
    header = _header(words)
    out: list[list[str]] = []
    for line in lines:
        match = re.match(rf"^{_TIME}\t(.*)$", line.lstrip("\ufeff"))
        if not match:
            if out:
                out[-1][3] += "\n" + line
            elif line.strip():
                chat.unread += 1
            continue
        rest = match[2]
        older = header.match(f"{match[1]} {rest.strip()}")  # `00:01:23<TAB> From A to B : text`
        if older and older[5] is not None:
            out.append([match[1], older[3], older[4] or "", older[5]])
            continue
        sender, tab, text = rest.partition("\t")  # the text keeps any tab of its own
        if not tab:
            sender, _, text = rest.partition(": ")
        out.append([match[1], sender.strip().removesuffix(":").strip(), "", text])
    return out


def _local_messages(lines: list[str], words: ChatWords, chat: Chat) -> list[list[str]]:
    """Header lines (`time From A to B:`) with the text after the colon or on the indented lines below."""
    header = _header(words)
    out: list[list[str]] = []
    for line in lines:
        line = line.lstrip("\ufeff")
        match = None if line.startswith("\t") else header.match(line)
        if match:
            when = f"{match[1]} {match[2]}" if match[1] else match[2]
            out.append([when, match[3], match[4] or "", match[5] or ""])
        elif out:
            text = line[1:] if line.startswith("\t") else line
            out[-1][3] = f"{out[-1][3]}\n{text}" if out[-1][3] else text
        elif line.strip():
            chat.unread += 1
    return out


def _message(
    when: str,
    sender: str,
    recipient: str,
    text: str,
    words: ChatWords,
    dialect: str,
    started: dt.datetime | None,
    clock: PartClock | None,
) -> ChatMessage | None:
    """One message; None for a reaction."""
    text = text.strip("\n").rstrip()
    reacted = text.startswith(words.reacted) and " with " in text
    if reacted or (text.startswith(words.removed) and "reaction" in text):
        return None
    reply_to = None
    if text.startswith(words.replying):
        first, _, rest = text.partition("\n")
        reply_to = first[len(words.replying) :].strip().strip('"“”')
        text = rest.strip()
    text = "\n".join(line.strip() for line in text.splitlines()).strip()
    sender = " ".join(sender.split())
    recipient = " ".join(recipient.split())
    direct = any(marker.casefold() in recipient.casefold() for marker in words.direct)
    for marker in words.direct:
        recipient = re.sub(re.escape(marker), "", recipient, flags=re.IGNORECASE).strip()
    if recipient and not recipient.casefold().startswith(words.everyone.casefold()):
        direct = True  # "to B" without a marker (older clients) is private too
    at, wall = _place(when, dialect, started, clock)
    return ChatMessage(
        sender=sender,
        text=text,
        at=at,
        clock=wall,
        to=recipient or words.everyone,
        direct=direct,
        reply_to=reply_to,
        zoom_name=sender,
    )


def _seconds(hms: str) -> float:
    h, m, s = (float(x) for x in hms.split(":"))
    return h * 3600 + m * 60 + s


def _place(
    when: str, dialect: str, started: dt.datetime | None, clock: PartClock | None
) -> tuple[float | None, str]:
    """(seconds into the recording, wall clock "HH:MM:SS") of a chat time as the dialect writes it."""
    if dialect == "cloud":
        elapsed = _seconds(when)
        wall = (started + dt.timedelta(seconds=elapsed)).strftime("%H:%M:%S") if started else ""
        return elapsed, wall
    if " " in when:  # the dated dialect carries its own date
        moment = dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
    elif started:
        h, m, s = (int(x) for x in when.split(":"))
        moment = dt.datetime.combine(started.date(), dt.time(h % 24, m, s))
        if moment < started - dt.timedelta(hours=12):  # the meeting ran past midnight
            moment += dt.timedelta(days=1)
    else:
        return None, when.zfill(8)
    wall = moment.strftime("%H:%M:%S")
    if started is None:
        return None, wall
    if clock is not None:
        return clock.position(moment), wall
    return max(0.0, (moment - started).total_seconds()), wall


@dataclass
class PartClock:
    """Where each part of a local recording starts on the wall clock and in the joined audio.

    Between parts the host paused or stopped recording: a chat message sent during a pause is
    placed at the start of the next part.
    """

    starts: list[dt.datetime]  # wall clock at each part's start
    durations: list[float]  # seconds of each part

    def position(self, moment: dt.datetime) -> float:
        offset = 0.0
        for start, duration in zip(self.starts, self.durations, strict=True):
            into = (moment - start).total_seconds()
            if into < duration:
                return offset + max(into, 0.0)
            offset += duration
        return offset


def probe(path: str | Path) -> tuple[float, dt.datetime | None]:
    """A media file's duration (seconds) and container creation time (local), as ffmpeg reports them."""
    result = subprocess.run([audio.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True)
    report = result.stderr.decode("utf-8", errors="replace")
    match = re.search(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", report)
    duration = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3]) if match else 0.0
    created = audio._creation_time(report)
    return duration, dt.datetime.fromisoformat(created) if created else None


def part_clock(parts: list[str], started: dt.datetime, lengths: list[float] | None = None) -> PartClock:
    """The wall-clock start of each part: the first at `started` (the folder name), the others as
    far after it as their containers' creation times say, or right after the part before.

    `lengths` are the parts' decoded lengths (`Audio.parts`); without them the containers' are used.
    """
    probes = [probe(part) for part in parts]
    durations = lengths if lengths and len(lengths) == len(parts) else [duration for duration, _ in probes]
    starts = [started]
    first_created = probes[0][1]
    for previous, (_, created) in zip(durations, probes[1:], strict=False):
        if created and first_created:
            starts.append(started + (created - first_created))
        else:
            starts.append(starts[-1] + dt.timedelta(seconds=previous))
    return PartClock(starts, list(durations))


def place_chat(messages: list[ChatMessage], agenda: list[AgendaItem]) -> list[ChatMessage]:
    """Set each message's agenda item: the last item that had started when it was sent.

    Messages before the first item (or with no time) keep `agenda` None: the opening of the meeting.
    """
    starts = sorted((item.start, item.number) for item in agenda if item.found and item.start is not None)
    out = []
    for message in messages:
        number = None
        if message.at is not None:
            for start, item_number in starts:
                if start <= message.at:
                    number = item_number
        out.append(replace(message, agenda=number))
    return out


# ---------------------------------------------------------------------------------------------
# Participants report (CSV from the Zoom web portal)


@dataclass
class Participant:
    """One person on the roster, rejoins merged."""

    name: str  # the display name (current)
    names: list[str] = field(default_factory=list)  # every name seen: current and original, all rows
    email: str = ""
    joined: str = ""  # ISO, earliest
    left: str = ""  # ISO, latest
    minutes: float = 0.0  # total time in the meeting
    sessions: int = 1  # rows merged: more than one means the person left and rejoined
    guest: bool | None = None


@dataclass
class Roster:
    people: list[Participant]
    meeting: dict[str, str] = field(default_factory=dict)  # the optional meeting block: topic, id, start
    complete: bool = True  # a report lists everyone; names seen in tracks or chat do not


def split_name(value: str) -> tuple[str, str]:
    """`Current (Original)` -> (current, original); a name without parentheses is both."""
    match = re.match(r"^(.*\S)\s*\(([^()]*)\)\s*$", value.strip())
    if not match or not match[2].strip():
        return value.strip(), value.strip()
    return match[1].strip(), match[2].strip()


def _report_time(value: str) -> str:
    value = value.strip()
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt).isoformat()
        except ValueError:
            continue
    return ""


def _number(value: str) -> float:
    try:
        return float(value.strip() or 0)
    except ValueError:
        return 0.0


def parse_participants(path: str | Path) -> Roster:
    """The participants report: an optional meeting block, then one row per person or per session.

    Rows of one person (the same e-mail, or else the same original name) are merged: the earliest
    join, the latest leave, the minutes added up, every name kept.
    """
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(_read_text(path, "participants report")))]
    meeting: dict[str, str] = {}
    header: list[str] | None = None
    merged: dict[str, Participant] = {}
    skip = -1
    for i, cells in enumerate(rows):
        if i == skip or not any(cells):
            continue
        lowered = [c.lower() for c in cells]
        if lowered[0] in ("meeting id", "topic"):  # the meeting block: a header and one row of values
            if i + 1 < len(rows):
                meeting = {k: v for k, v in zip(lowered, rows[i + 1], strict=False) if k}
            skip = i + 1
            continue
        if lowered[0].startswith("name") or "user email" in lowered:
            header = lowered
            continue
        if header is None:
            continue
        record = dict(zip(header, cells, strict=False))
        current, original = split_name(record.get(header[0], ""))
        if not current:
            continue
        email = record.get("user email", "")
        key = email.casefold() or name_key(original)
        joined = _report_time(record.get("join time", ""))
        left = _report_time(record.get("leave time", ""))
        minutes = _number(record.get("duration (minutes)") or record.get("total duration (minutes)") or "")
        person = merged.get(key)
        if person is None:
            merged[key] = Participant(
                name=current,
                names=list(dict.fromkeys([current, original])),
                email=email,
                joined=joined,
                left=left,
                minutes=minutes,
                guest={"yes": True, "no": False}.get(record.get("guest", "").lower()),
            )
            continue
        person.sessions += 1
        person.minutes += minutes
        person.names = list(dict.fromkeys([*person.names, current, original]))
        if joined and (not person.joined or joined < person.joined):
            person.joined = joined
        if left and left >= person.left:
            person.left, person.name = left, current  # the latest session's name is the current one
    if header is None:
        raise MinutesError(
            f"{path}: no participant rows found; expected the Zoom participants report "
            "(a 'Name (Original Name),User Email,...' header)"
        )
    return Roster(list(merged.values()), meeting)


# ---------------------------------------------------------------------------------------------
# Timeline JSON and VTT: speaker hints

MIN_TURN = 0.5  # seconds: shorter active-speaker stretches are flicker, not turns
TIMELINE_SOURCE = "Zoom timeline (active speaker)"
VTT_SOURCE = "Zoom transcript (speaker names)"
CC_SOURCE = "Zoom captions (speaker names)"


def _timestamp(value: str) -> float:
    """`00:00:02.000`, `00:02.000` or `2.0` -> seconds."""
    parts = value.strip().replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def parse_timeline(path: str | Path) -> list[Turn]:
    """Active-speaker turns from a cloud timeline JSON.

    Each entry says who was speaking from its time until the next entry's; a turn closes when its
    speaker stops, two speakers at once make two overlapping turns, and turns under 0.5 s are dropped.
    """
    try:
        data = json.loads(_read_text(path, "timeline file"))
        entries = sorted(((_timestamp(e["ts"]), e.get("users") or []) for e in data["timeline"]), key=lambda e: e[0])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise MinutesError(f'{path}: not a Zoom timeline JSON; it needs {{"timeline": [{{"ts", "users"}}]}}') from None
    if not entries:
        return []
    steps = sorted(b[0] - a[0] for a, b in zip(entries, entries[1:], strict=False)) or [1.0]
    tick = steps[len(steps) // 2] or 1.0  # the last entry lasts one usual step
    open_turns: dict[str, float] = {}  # speaker -> when their current turn began
    turns: list[Turn] = []
    for time, users in entries:
        speaking = {str(u.get("username") or "").strip() for u in users if isinstance(u, dict)} - {""}
        for name in [n for n in open_turns if n not in speaking]:
            turns.append(Turn(open_turns.pop(name), time, name, TIMELINE_SOURCE))
        for name in speaking:
            open_turns.setdefault(name, time)
    end = entries[-1][0] + tick
    turns += [Turn(start, end, name, TIMELINE_SOURCE) for name, start in open_turns.items()]
    return sorted((t for t in turns if t.end - t.start >= MIN_TURN), key=lambda t: t.start)


@dataclass
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str


def parse_vtt(path: str | Path) -> list[Cue]:
    """Cues of a WebVTT file; a `Name: ` prefix on the text is the speaker (some cues have none)."""
    text = _read_text(path, "VTT file")
    if not text.lstrip().startswith("WEBVTT"):
        raise MinutesError(f"{path}: not a WebVTT file (it must start with WEBVTT); remove it or re-download it")
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        for i, line in enumerate(lines):
            match = re.match(r"^\s*([\d:.,]+)\s+-->\s+([\d:.,]+)", line)
            if match:
                body = " ".join(lines[i + 1 :]).strip()
                speaker, sep, said = body.partition(": ")
                # A speaker prefix is a short name before ": " (not a time, not a sentence).
                if sep and 0 < len(speaker) <= 60 and not re.search(r"\d:\d", speaker):
                    cues.append(Cue(_timestamp(match[1]), _timestamp(match[2]), speaker.strip(), said.strip()))
                else:
                    cues.append(Cue(_timestamp(match[1]), _timestamp(match[2]), None, body))
                break
    return cues


def vtt_turns(cues: list[Cue], source: str = VTT_SOURCE) -> list[Turn]:
    """Speaker turns from the cues that name their speaker; back-to-back cues of one speaker join."""
    turns: list[Turn] = []
    for cue in cues:
        if not cue.speaker:
            continue
        if turns and turns[-1].speaker == cue.speaker and cue.start - turns[-1].end < 1.0:
            turns[-1].end = max(turns[-1].end, cue.end)
        else:
            turns.append(Turn(cue.start, cue.end, cue.speaker, source))
    return turns


# ---------------------------------------------------------------------------------------------
# Who was there


def roster(recording: Recording, words: ChatWords | None = None) -> Roster | None:
    """Who was there: the participants report when there is one (complete); otherwise the names
    seen in the tracks, timeline, VTTs and chat (incomplete: silent attendees are missing)."""
    if recording.participants_file:
        return parse_participants(recording.participants_file)
    seen = [(track_name(t), True) for t in recording.tracks]
    if recording.timeline_file:
        seen += [(t.speaker, False) for t in parse_timeline(recording.timeline_file)]
    for vtt in (recording.transcript_vtt, recording.cc_vtt):
        if vtt:
            seen += [(c.speaker, False) for c in parse_vtt(vtt) if c.speaker]
    if recording.chat_file:
        seen += [(m.zoom_name, False) for m in parse_chat(recording.chat_file, words=words).messages]
    people: dict[str, Participant] = {}
    squashed: set[str] = set()  # people known so far only by a track file name (spaces lost)
    for name, from_track in seen:
        key = name_key(name)
        entry = people.get(key)
        if entry is None:
            people[key] = Participant(name=name, names=[name])
            if from_track:
                squashed.add(key)
            continue
        if name not in entry.names:
            entry.names.append(name)
        if key in squashed and not from_track:
            entry.name = name
            squashed.discard(key)
    return Roster(list(people.values()), complete=False) if people else None


def companions(recording: Recording) -> list[str]:
    """Every Zoom file beside the media that changes what the speakers stage finds."""
    files = [recording.chat_file, recording.participants_file, recording.timeline_file]
    files += [recording.transcript_vtt, recording.cc_vtt]
    return [*recording.tracks, *(f for f in files if f)]
