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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import MinutesError
from pipeline.types import ChatMessage, Recording, Turn

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
    if suffix == ".txt" and looks_like_chat(head.splitlines()):
        return "chat"
    return None


def _head(path: Path, size: int = 4096) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(size).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _read_text(path: str | Path, what: str) -> str:
    """The file's text, its line ends as written (a bare CR can mean something, as in the chat)."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MinutesError(
            f"{path}: this {what} is not UTF-8 text; save it as UTF-8 or move it out of the folder"
        ) from None


# ---------------------------------------------------------------------------------------------
# Chat
#
# Zoom has written its chat in several dialects, told apart here by the shape of each line:
#   cloud        `00:21:14<TAB>Name:<TAB>text`              time since the recording started
#   local tab    `12:45:05<TAB> From  A  to  B(Privately) : text`, `... From  A : text` (older clients)
#   local v1     `11:01:00 From A to Everyone : text`
#   local v2     `13:31:02 From  A  to  Everyone:` and the text on tab-indented lines below
#   local dated  `2026-09-23 18:05:11 From A to Everyone:`, text below; reactions on a line of
#                their own under the message (`<TAB>A, B:👍`), replies opening `Replying to "...":`
# Every local time is the recording machine's wall clock. A record ends at CRLF or LF; a bare CR
# is a line break inside a message. The keywords (From, to, Everyone) follow the client's language.


@dataclass
class ChatWords:
    """The keywords of a chat file, which follow the Zoom client's language (any case)."""

    sender: str = "From"
    to: str = "to"
    everyone: str = "Everyone"
    direct: tuple[str, ...] = ("(Direct Message)", "(privately)", "（ダイレクトメッセージ）")
    reacted: tuple[str, ...] = ("Reacted to ",)
    removed: tuple[str, ...] = ("Removed a ",)
    replying: str = "Replying to "

    # meeting.yaml `chat_words` keys -> attributes
    KEYS = {"from": "sender", "to": "to", "everyone": "everyone", "direct": "direct", "reacted": "reacted",
            "removed": "removed", "replying": "replying"}

    @classmethod
    def from_config(cls, config: dict[str, str] | None) -> ChatWords:
        """meeting.yaml `chat_words: {from: ..., to: ..., everyone: ..., direct: ...}` over English;
        `direct`, `reacted` and `removed` add to the English markers instead of replacing them."""
        words = cls()
        for key, value in (config or {}).items():
            attr = cls.KEYS.get(key)
            if attr in ("direct", "reacted", "removed"):
                setattr(words, attr, (*getattr(words, attr), str(value)))
            elif attr:
                setattr(words, attr, str(value).strip())
        return words


@dataclass
class Chat:
    dialect: str  # "cloud", "local tab", "local v1", "local v2", "local dated"
    messages: list[ChatMessage] = field(default_factory=list)  # direct messages included, flagged
    reactions: int = 0  # reactions (a message of their own, or a line under a message): dropped
    unread: int = 0  # lines before the first message that matched no dialect


_CLOCK = r"\d{1,2}:\d{2}:\d{2}"
# A line that opens a record: [date] time, then what follows it.
_RECORD = re.compile(rf"^(?:(\d{{4}}-\d{{1,2}}-\d{{1,2}})[ \t]+)?({_CLOCK})([ \t]+)(\S.*)$")
_CLOUD = re.compile(r"^([^\t]+?):\t(.*)$")  # what follows the time and tab in a cloud file
# What a file that holds a chat looks like, whatever its language: a time, a word, a colon later.
_CHAT_SHAPE = re.compile(rf"^(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}[ \t]+)?{_CLOCK}[ \t]+\S.*:")


def looks_like_chat(lines: list[str]) -> bool:
    """Whether a file's first line is a chat record's, in any dialect or client language."""
    first = next((line.lstrip("\ufeff") for line in lines if line.strip()), "")
    return bool(_CHAT_SHAPE.match(first))


@dataclass
class _Record:
    when: str  # "HH:MM:SS" or "YYYY-MM-DD HH:MM:SS"
    dialect: str
    sender: str
    recipient: str
    lines: list[str]  # the text, a line each; indentation inside the text kept
    reactions: int = 0


def _records(text: str, words: ChatWords) -> tuple[list[_Record], int]:
    """The file's records in order, and the number of lines before the first one that were not one."""
    records: list[_Record] = []
    unread = 0
    for i, record in enumerate(re.split(r"\r?\n", text)):
        first, *broken = record.split("\r")  # a bare CR breaks a line inside the message
        opened = _open(first.lstrip("\ufeff") if i == 0 else first, words)
        if opened is not None:
            records.append(opened)
        elif records:
            _continue(records[-1], first)
        elif first.strip():
            unread += 1
        if records:
            records[-1].lines += [piece.removeprefix("\t").rstrip() for piece in broken]
    return records, unread


def _open(line: str, words: ChatWords) -> _Record | None:
    """The record a line opens, or None when it continues the message before it."""
    match = _RECORD.match(line)
    if not match:
        return None
    date, clock, gap, rest = match.groups()
    when = f"{date} {clock}" if date else clock
    if "\t" in gap and not date and not rest[:1].isspace():
        cloud = _CLOUD.match(rest)
        if cloud and not _keyword(rest, words.sender):
            return _Record(when, "cloud", cloud[1].strip(), "", [cloud[2].rstrip()])
    after = _keyword(rest, words.sender)
    if after is None:
        return None
    header = _header(after)
    if header is None:
        return None
    middle, said = header
    sender, recipient = _people(middle, words)
    if not sender:
        return None
    dialect = "local dated" if date else "local tab" if "\t" in gap else "local v1" if said else "local v2"
    return _Record(when, dialect, sender, recipient, [said.strip()] if said.strip() else [])


def _keyword(text: str, word: str) -> str | None:
    """What follows `word` (any case) at the start of `text` and a space after it, else None."""
    match = re.match(rf"\s*{re.escape(word)}\s+(.*)$", text, re.IGNORECASE)
    return match[1] if match else None


def _header(after: str) -> tuple[str, str] | None:
    """`A to B : text` (one line), `A to B:` (the text below) or `A to B: text` -> (middle, text)."""
    if " : " in after:
        middle, _, said = after.partition(" : ")
        return middle, said
    stripped = after.rstrip()
    if stripped.endswith(":"):
        return stripped[:-1], ""
    if ": " in after:
        middle, _, said = after.partition(": ")
        return middle, said
    return None


def _people(middle: str, words: ChatWords) -> tuple[str, str]:
    """(sender, recipient) of `A  to  B`; ("A", "") when no recipient is written (public, older clients).

    Older clients pad the keyword with two spaces, which tells it from a " to " inside a name;
    the keyword's case varies (`To Everyone`), so any case is taken where what follows is
    Everyone or carries a direct-message marker.
    """
    middle = middle.strip()
    to, everyone = re.escape(words.to), re.escape(words.everyone)
    markers = "|".join(re.escape(m.strip()) for m in words.direct if m.strip())
    for pattern, flags in (
        (rf"^(.+)\s+{to}\s+({everyone})$", re.IGNORECASE),
        (rf"^(.+?)\s{{2,}}{to}\s{{2,}}(.+)$", 0),
        (rf"^(.+?)\s+{to}\s+(.+)$", 0),
        (rf"^(.+?)\s+{to}\s+(.+?(?:{markers}))$", re.IGNORECASE),
    ):
        match = re.match(pattern, middle, flags)
        if match:
            return " ".join(match[1].split()), match[2].strip()
    return " ".join(middle.split()), ""


def _continue(record: _Record, line: str) -> None:
    """A line under a record: more of its text (one indenting tab taken off), or a reaction line."""
    text = line.removeprefix("\t").rstrip() if record.dialect != "cloud" else line.rstrip()
    if record.lines and any(x.strip() for x in record.lines) and _reaction_line(text):
        record.reactions += 1
        return
    record.lines.append(text)


def _emoji(char: str) -> bool:
    """A character of an emoji: a symbol, a skin tone, a variation selector or a joiner."""
    return unicodedata.category(char) in ("So", "Sk") or char in "\u200d\ufe0e\ufe0f\u20e3"


def _reaction_line(line: str) -> bool:
    """`Elianna DeSota, Peiyu Chen:👍`: names, a colon, emoji only (the newest client's reactions)."""
    names, colon, marks = line.strip().rpartition(":")
    return (
        bool(colon and names.strip() and marks.strip())
        and all(_emoji(c) or c.isspace() for c in marks)
        and not any(_emoji(c) for c in names)
    )


def chat_problem(path: str | Path, words: ChatWords | None = None) -> str | None:
    """Why a file that looks like a chat cannot be read with these keywords, or None when it can."""
    try:
        text = _read_text(path, "chat file")
    except MinutesError:
        return "it is not UTF-8 text; save it as UTF-8"
    words = words or ChatWords()
    records, _ = _records(text, words)
    if records:
        return None
    lines = text.replace("\r", "\n").split("\n")
    first = next((line.lstrip("\ufeff") for line in lines if line.strip()), "")
    match = _RECORD.match(first)
    word = match[4].split()[0] if match else ""
    if word and word.casefold() != words.sender.casefold():
        return (
            f"its messages start with '{word}' where '{words.sender}' was expected, so the Zoom client "
            f"was in another language; set chat_words in meeting.yaml (from: {word}, to: ..., everyone: ...)"
        )
    return "no line reads as a Zoom chat message ('time From name to Everyone: text')"


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
    records, unread = _records(_read_text(path, "chat file"), words)
    if not records:
        raise MinutesError(f"{path}: found, not understood: {chat_problem(path, words)}")
    chat = Chat(records[0].dialect, unread=unread)
    for record in records:
        chat.reactions += record.reactions
        message = _message(record, words, started, clock)
        if message is None:
            chat.reactions += 1
        elif message.text:
            chat.messages.append(message)
    return chat


def _message(
    record: _Record, words: ChatWords, started: dt.datetime | None, clock: PartClock | None
) -> ChatMessage | None:
    """One message; None for a reaction."""
    lines = list(record.lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    first = lines[0].strip() if lines else ""
    folded = first.casefold()
    if any(folded.startswith(r.casefold()) for r in words.reacted) and " with " in first:
        return None
    if any(folded.startswith(r.casefold()) for r in words.removed) and "reaction" in folded:
        return None
    reply_to = None
    if folded.startswith(words.replying.casefold()):
        # `Replying to "first words of the message…":` -> first words of the message…
        quote = first[len(words.replying) :].strip().removesuffix(":").strip()
        reply_to = quote.strip('"“”').strip()
        lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    text = "\n".join(lines)
    recipient = record.recipient
    direct = any(m.strip().casefold() in recipient.casefold() for m in words.direct if m.strip())
    for marker in words.direct:
        if marker.strip():
            recipient = re.sub(re.escape(marker.strip()), "", recipient, flags=re.IGNORECASE)
    recipient = " ".join(recipient.split())
    if recipient and recipient.casefold() != words.everyone.casefold():
        direct = True  # "to B" without a marker (older clients) is private too
    at, wall = _place(record.when, record.dialect, started, clock)
    return ChatMessage(
        sender=record.sender,
        text=text,
        at=at,
        clock=wall,
        to=recipient if direct else words.everyone,
        direct=direct,
        reply_to=reply_to,
        zoom_name=record.sender,
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


# `1/26/2021 7:45`, `11/19/2021 09:54:15 AM`, `26/1/2564 07:45` (day first, B.E.), `2021-01-26 07:45:00`:
# the report's own form and what Excel makes of it when the file is opened and saved again.
_REPORT_DATE = re.compile(
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp])?\.?[Mm]?\.?$"
)


def _date_parts(value: str) -> tuple[int, int, int, int, int, int, str] | None:
    match = _REPORT_DATE.match(value.strip())
    if not match:
        return None
    a, b, c, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    return a, b, c, hour, minute, second, (match[7] or "").upper()


def _day_first(values: list[str]) -> bool:
    """Whether a report's dates are day/month/year: Excel re-saves them in the computer's own
    order (a Thai Windows writes 26/1/2021). Month first, as Zoom writes them, unless a first
    number above 12 shows otherwise."""
    parts = [p for p in map(_date_parts, values) if p and p[0] <= 31]
    return any(p[0] > 12 for p in parts) and not any(p[1] > 12 for p in parts)


def _report_time(value: str, day_first: bool = False) -> dt.datetime | None:
    parts = _date_parts(value)
    if parts is None:
        return None
    a, b, c, hour, minute, second, half = parts
    if a > 31:  # year first (ISO)
        year, month, day = a, b, c
    else:
        year, month, day = c, *((b, a) if day_first else (a, b))
    year = year + 2000 if year < 100 else year - 543 if year > 2400 else year  # 21 -> 2021; B.E. 2564 -> 2021
    if half:
        hour = hour % 12 + (12 if half == "P" else 0)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _number(value: str) -> float:
    try:
        return float(value.strip() or 0)
    except ValueError:
        return 0.0


def _attended(sessions: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Minutes in the meeting: the sessions as time intervals, overlaps (two devices) counted once."""
    total, end = 0.0, None
    for joined, left in sorted(sessions):
        if end is None or joined > end:
            total += (left - joined).total_seconds()
            end = left
        elif left > end:
            total += (left - end).total_seconds()
            end = left
    return total / 60


def parse_participants(path: str | Path) -> Roster:
    """The participants report: an optional meeting block, then one row per person or per session.

    Rows of one person (the same e-mail, or else the same original name) are merged: the earliest
    join, the latest leave, every name kept, and the minutes of their sessions taken as time
    intervals, so that someone on two devices at once is not counted twice (Zoom's own total adds
    them up). Rows of time spent in the waiting room are not time in the meeting.
    """
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(_read_text(path, "participants report")))]
    meeting: dict[str, str] = {}
    header: list[str] | None = None
    records: list[dict[str, str]] = []
    skip = -1
    for i, cells in enumerate(rows):
        if i == skip or not any(cells):  # blank rows and Excel's `,,,,,,` separators
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
        if header is not None:
            records.append(dict(zip(header, cells, strict=False)))
    if header is None:
        raise MinutesError(
            f"{path}: no participant rows found; expected the Zoom participants report "
            "(a 'Name (Original Name),User Email,...' header)"
        )
    day_first = _day_first([r.get(k, "") for r in records for k in ("join time", "leave time")])
    merged: dict[str, Participant] = {}
    sessions: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for record in records:
        current, original = split_name(record.get(header[0], ""))
        if not current or record.get("in waiting room", "").lower() in ("yes", "y", "true"):
            continue
        email = record.get("user email", "")
        key = email.casefold() or name_key(original)
        joined = _report_time(record.get("join time", ""), day_first)
        left = _report_time(record.get("leave time", ""), day_first)
        timed = joined is not None and left is not None and left >= joined
        # A row without both times counts its own duration; timed rows count as intervals, below.
        duration = record.get("duration (minutes)") or record.get("total duration (minutes)") or ""
        minutes = 0.0 if timed else _number(duration)
        if timed:
            sessions.setdefault(key, []).append((joined, left))
        person = merged.get(key)
        if person is None:
            merged[key] = Participant(
                name=current,
                names=list(dict.fromkeys([current, original])),
                email=email,
                joined=joined.isoformat() if joined else "",
                left=left.isoformat() if left else "",
                minutes=minutes,
                guest={"yes": True, "no": False}.get(record.get("guest", "").lower()),
            )
            continue
        person.sessions += 1
        person.minutes += minutes
        person.names = list(dict.fromkeys([*person.names, current, original]))
        if joined and (not person.joined or joined.isoformat() < person.joined):
            person.joined = joined.isoformat()
        if left and left.isoformat() >= person.left:
            person.left, person.name = left.isoformat(), current  # the latest session's name is the current one
    for key, person in merged.items():
        person.minutes = round(person.minutes + _attended(sessions.get(key, [])), 2)
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


def companions(recording: Recording) -> list[str]:
    """Every Zoom file beside the media that changes what the speakers stage finds."""
    files = [recording.chat_file, recording.participants_file, recording.timeline_file]
    files += [recording.transcript_vtt, recording.cc_vtt]
    return [*recording.tracks, *(f for f in files if f)]
