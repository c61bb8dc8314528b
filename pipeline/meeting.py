"""meeting.yaml -> Meeting, completed from what the recording itself tells (never invented).

People in meeting.yaml may carry `aliases` (or one `display_name`): the names they go by in Zoom.
`Directory` uses them, with the Zoom roster, to turn a display name, an original name or a track
file name into the formal name; `attendance` fills ผู้มาประชุม, ผู้ไม่มาประชุม and ผู้เข้าร่วมประชุม
from the roster.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import stat
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from pipeline import zoom
from pipeline.errors import MinutesError
from pipeline.types import AgendaItem, AgendaTitle, ChatMessage, Meeting, Person, Recording

_TEXT_FIELDS = ("body", "session", "date", "start_time", "end_time", "venue")
_PEOPLE_FIELDS = ("members", "members_present", "members_absent", "attendees")
_ONE_PERSON_FIELDS = ("chair", "minute_taker", "reviewer")
log = logging.getLogger(__name__)

# What each field holds. "text" is one scalar (BaseLoader reads every scalar as text), "texts" one
# or a list of them, "person" a name or `{name: ..., position: ...}`, "people" a list of persons.
FIELDS: dict[str, str] = {
    **dict.fromkeys(_TEXT_FIELDS, "text"),
    **dict.fromkeys(_ONE_PERSON_FIELDS, "person"),
    **dict.fromkeys(_PEOPLE_FIELDS, "people"),
    "agenda": "agenda",
    "chat_words": "chat_words",
}
PERSON_FIELDS = {"name": "text", "position": "text", "note": "text", "reason": "text", "aliases": "texts",
                 "display_name": "text"}
AGENDA_FIELDS = {"number": "text", "title": "text"}
CHAT_WORDS_FIELDS = dict.fromkeys(zoom.ChatWords.KEYS, "text")
# Keys people write for a known one that spelling alone does not lead to ("zoom_name" is nearer
# "name" than "display_name" letter by letter); difflib's close matches cover the typos.
_MEANT = {
    "person": {"zoom_name": "display_name", "zoom": "display_name", "zoom_display_name": "display_name",
               "nickname": "display_name", "screen_name": "display_name", "username": "display_name",
               "user_name": "display_name", "alias": "aliases", "title": "position", "role": "position",
               "absent_reason": "note", "remark": "note", "comment": "note"},
    "top": {"location": "venue", "place": "venue", "room": "venue", "chairman": "chair", "chairperson": "chair",
            "president": "chair", "secretary": "minute_taker", "note_taker": "minute_taker", "time": "start_time",
            "start": "start_time", "end": "end_time", "committee": "body", "title": "body", "absent": "members_absent",
            "present": "members_present", "guests": "attendees", "participants": "attendees", "items": "agenda"},
    "agenda": {"no": "number", "item": "number", "name": "title", "topic": "title", "subject": "title"},
    "chat_words": {"sender": "from", "recipient": "to", "all": "everyone"},
}


MAX_FILE = 1024 * 1024  # a meeting.yaml or glossary.yaml of a few hundred lines is a few KB
MAX_NODES = 100_000  # values in the file once its aliases (*name) are expanded
MAX_VALUE = 5_000  # characters in one value (a name, a title, the venue)
# What XML 1.0 (the DOCX) cannot hold, and halves of surrogate pairs, which no UTF-8 file can.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read_user_file(path: str | Path, what: str, fix: str, limit: int = MAX_FILE) -> str:
    """The text of a small file a person wrote: a regular file of at most `limit` bytes, UTF-8.

    A pipe or a device (which would block), a file too large, one that cannot be read or is not
    UTF-8 is one line (MinutesError) naming the file, `what` it is and the `fix`."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MinutesError(f"{path}: {what} not found; {fix}") from None
    except OSError as exc:
        raise MinutesError(f"{path}: {what} cannot be read ({exc.strerror or type(exc).__name__}); {fix}") from None
    if stat.S_ISDIR(info.st_mode):
        raise MinutesError(f"{path}: is a folder, not a {what}; {fix}")
    if not stat.S_ISREG(info.st_mode):
        raise MinutesError(f"{path}: not a regular file (a pipe or a device), so not a {what}; {fix}")
    if info.st_size > limit:
        raise MinutesError(f"{path}: {info.st_size // 1024} KB is too large for a {what} (at most {limit // 1024} KB)")
    try:
        with open(path, "rb") as f:
            return f.read(limit + 1).decode("utf-8-sig")
    except PermissionError:
        raise MinutesError(f"{path}: {what} cannot be read (permission denied); check the file's permissions") from None
    except OSError as exc:
        raise MinutesError(f"{path}: {what} cannot be read ({exc.strerror or type(exc).__name__}); {fix}") from None
    except UnicodeDecodeError as exc:
        raise MinutesError(f"{path}: {what} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def compose(text: str, path: Path, what: str) -> yaml.Node | None:
    """The YAML's node tree (scalars kept as text), refused when its aliases would expand it past
    MAX_NODES values (a "billion laughs" file of 1 KB grows to gigabytes) or refer to themselves."""
    loader = yaml.BaseLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    if root is not None:
        _bounded(root, path, what)
    return root


def _bounded(root: yaml.Node, path: Path, what: str) -> None:
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise MinutesError(f"{path} line {node.start_mark.line + 1}: {what} has an alias that contains itself")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise MinutesError(
                f"{path}: {what} expands to more than {MAX_NODES} values through its aliases (*name); "
                "write the values out instead of repeating them by alias"
            )
        sizes[key] = total
        return total

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        size(root)
    except RecursionError:
        raise MinutesError(f"{path}: {what} is nested too deeply") from None
    finally:
        sys.setrecursionlimit(old)


def load(path: str | Path | None) -> Meeting:
    """Read meeting.yaml. Every scalar is read as text, so `13:30` or `2026-03-19` stay as written.

    A key it does not know is left out with a warning naming the file, the line and the field
    that was probably meant; a value of the wrong kind (a list where text goes...) stops with one
    line naming the file, the line and what goes there.
    """
    if path is None:
        return Meeting()
    path = Path(path)
    text = read_user_file(path, "meeting file", "check the --meeting path")
    try:
        # BaseLoader keeps scalars as strings: YAML 1.1 would turn 13:30 into 810.
        root = compose(text, path, "meeting.yaml")
        data = yaml.BaseLoader("").construct_document(root) if root is not None else {}
    except (yaml.YAMLError, RecursionError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise MinutesError(
            f"{path}{line}: not valid YAML ({type(exc).__name__}); fix the file or leave out --meeting"
        ) from None
    if root is None:
        return Meeting()
    if not isinstance(root, yaml.MappingNode):
        raise MinutesError(f"{path}: expected 'key: value' lines (body:, date:, agenda: ...)")
    lines = _Checker(path).top(root)
    meeting = Meeting(**{k: data.get(k, "").strip() for k in _TEXT_FIELDS})
    for key in _ONE_PERSON_FIELDS:
        if data.get(key):
            setattr(meeting, key, _person(data[key]))
    for key in _PEOPLE_FIELDS:
        setattr(meeting, key, [_person(p) for p in data.get(key) or []])
    meeting.agenda = [_agenda(a, i) for i, a in enumerate(data.get("agenda") or [])]
    words = data.get("chat_words") or {}
    meeting.chat_words = {k: v.strip() for k, v in words.items() if k in CHAT_WORDS_FIELDS}
    _check_values(meeting, path, lines)
    return meeting


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "'key: value' lines"
    return "text"


class _Checker:
    """Walks the YAML nodes (which know their lines) against FIELDS: warns, or raises MinutesError."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _at(self, node: yaml.Node) -> str:
        return f"{self.path} line {node.start_mark.line + 1}"

    def top(self, root: yaml.MappingNode) -> dict[str, int]:
        """Check the whole file; the line of each top-level field."""
        lines: dict[str, int] = {}
        for key, value in self._fields(root, FIELDS, "top"):
            lines[key] = value.start_mark.line + 1
            kind = FIELDS[key]
            if kind == "text":
                self._text(value, f"`{key}`")
            elif kind == "person":
                self._person(value, key)
            elif kind in ("people", "agenda"):
                if isinstance(value, yaml.ScalarNode) and not value.value.strip():
                    continue  # `members:` with nothing under it
                if not isinstance(value, yaml.SequenceNode):
                    raise MinutesError(f"{self._at(value)}: `{key}` must be a list (lines starting with '- ')")
                for item in value.value:
                    self._person(item, key) if kind == "people" else self._agenda(item)
            elif kind == "chat_words":
                if isinstance(value, yaml.ScalarNode) and not value.value.strip():
                    continue
                if not isinstance(value, yaml.MappingNode):
                    raise MinutesError(
                        f"{self._at(value)}: `chat_words` must be 'key: word' lines (from: ..., to: ..., everyone: ...)"
                    )
                for word, text in self._fields(value, CHAT_WORDS_FIELDS, "chat_words"):
                    self._text(text, f"`{word}` of chat_words")
        return lines

    def _fields(self, node: yaml.MappingNode, known: dict[str, str], level: str) -> list[tuple[str, yaml.Node]]:
        """The known (key, value) pairs of a mapping; each unknown key gets its warning."""
        out: dict[str, tuple[str, yaml.Node]] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in known:
                if key in out:
                    log.warning("%s: `%s` is given twice; the last one is used", self._at(key_node), key)
                out[key] = (key, value)
                continue
            meant = _meant(key, known, level)
            if meant:
                log.warning("%s: `%s` is not a meeting.yaml field; did you mean `%s`?", self._at(key_node), key, meant)
            else:
                log.warning("%s: `%s` is not a meeting.yaml field and is left out (the fields here: %s)",
                            self._at(key_node), key, ", ".join(known))
        return list(out.values())

    def _text(self, node: yaml.Node, what: str) -> None:
        if not isinstance(node, yaml.ScalarNode):
            raise MinutesError(f"{self._at(node)}: {what} must be text, not {_kind_of(node)}")
        self._scalar(node, what)

    def _scalar(self, node: yaml.ScalarNode, what: str) -> None:
        """Text a document can hold: not too long, no control characters or half surrogate pairs."""
        if len(node.value) > MAX_VALUE:
            raise MinutesError(f"{self._at(node)}: {what} is {len(node.value)} characters long; at most {MAX_VALUE}")
        if bad := _BAD_CHARS.search(node.value):
            raise MinutesError(
                f"{self._at(node)}: {what} holds the character U+{ord(bad[0]):04X}, which a document cannot hold"
            )

    def _person(self, node: yaml.Node, key: str) -> None:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, f"an entry of `{key}`")
        if not isinstance(node, yaml.MappingNode):
            raise MinutesError(
                f"{self._at(node)}: each entry of `{key}` is a name or 'name: ..., position: ...', not {_kind_of(node)}"
            )
        fields = dict(self._fields(node, PERSON_FIELDS, "person"))
        name = fields.get("name")
        if name is None or not isinstance(name, yaml.ScalarNode) or not name.value.strip():
            raise MinutesError(f"{self._at(node)}: each entry of `{key}` needs a name (name: ..., position: ...)")
        who = name.value.strip()
        for field_name, value in fields.items():
            if field_name == "aliases":
                items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                if not all(isinstance(i, yaml.ScalarNode) for i in items):
                    raise MinutesError(
                        f"{self._at(value)}: `aliases` of {who} must be a name or a list of names ([Wirat M., ...])"
                    )
                for alias in items:
                    self._scalar(alias, f"an alias of {who}")
            else:
                self._text(value, f"`{field_name}` of {who}")

    def _agenda(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, "an agenda entry")
        if not isinstance(node, yaml.MappingNode):
            raise MinutesError(f"{self._at(node)}: each agenda entry is '4.1 title' or 'number: 4.1, title: ...'")
        fields = dict(self._fields(node, AGENDA_FIELDS, "agenda"))
        for field_name, value in fields.items():
            self._text(value, f"`{field_name}` of an agenda entry")
        if "title" not in fields or not fields["title"].value.strip():
            raise MinutesError(f"{self._at(node)}: each agenda entry needs a title (number: 4.1, title: ...)")


def _meant(key: str, known: dict[str, str], level: str) -> str | None:
    """The known field `key` was probably meant to be, if any."""
    plain = re.sub(r"[\s-]+", "_", key.strip().casefold())
    if plain in known:
        return plain
    if plain in _MEANT[level]:
        return _MEANT[level][plain]
    close = difflib.get_close_matches(plain, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def complete(meeting: Meeting, recording: Recording, duration: float | None) -> Meeting:
    """Fill date and times from the recording when meeting.yaml leaves them out, noting the source.

    The recording's start is the best evidence of when the meeting started; its end time is
    start + duration. Fields still unknown stay empty and render as a blank for the reviewer.
    """
    if not recording.started:
        return meeting
    started = dt.datetime.fromisoformat(recording.started)
    source = recording.started_source or "recording"
    if not meeting.date:
        meeting.date = started.date().isoformat()
        meeting.sources["date"] = source
    if not meeting.start_time:
        meeting.start_time = started.strftime("%H.%M")
        meeting.sources["start_time"] = source
    if not meeting.end_time and duration and meeting.sources.get("start_time"):
        meeting.end_time = (started + dt.timedelta(seconds=duration)).strftime("%H.%M")
        meeting.sources["end_time"] = f"{source} + recording length"
    return meeting


def _person(value: Any) -> Person:
    """A person as meeting.yaml writes one (checked by _Checker): a name, or its fields."""
    if isinstance(value, str):
        return Person(name=value.strip())
    aliases = value.get("aliases", [])
    aliases = [aliases] if isinstance(aliases, str) else aliases
    if value.get("display_name"):
        aliases = [value["display_name"], *aliases]
    return Person(
        name=value["name"].strip(),
        position=value.get("position", "").strip(),
        note=(value.get("note") or value.get("reason") or "").strip(),
        aliases=list(dict.fromkeys(a.strip() for a in aliases if a.strip())),
    )


def _agenda(value: Any, index: int) -> AgendaTitle:
    if isinstance(value, dict):
        return AgendaTitle(number=(value.get("number") or str(index + 1)).strip(), title=value["title"].strip())
    match = re.match(r"^\s*(\d+(?:\.\d+)*)\s+(.+)$", value)
    if match:
        return AgendaTitle(number=match[1], title=match[2].strip())
    return AgendaTitle(number=str(index + 1), title=value.strip())


def _check_values(meeting: Meeting, path: Path, lines: dict[str, int]) -> None:
    from pipeline.thaidate import parse_date, time_th

    def at(key: str) -> str:
        return f"{path} line {lines[key]}" if key in lines else str(path)

    try:
        day = parse_date(meeting.date)
    except ValueError:
        raise MinutesError(f"{at('date')}: date '{meeting.date}' is not YYYY-MM-DD (e.g. 2026-03-19)") from None
    if day is not None and not 1900 <= day.year <= 2200:
        raise MinutesError(f"{at('date')}: date '{meeting.date}' is not a year of meetings (e.g. 2026-03-19)")
    for key in ("start_time", "end_time"):
        value = getattr(meeting, key)
        try:
            hour, minute = (int(x) for x in time_th(value).split()[0].split(".")) if value else (0, 0)
        except ValueError:
            raise MinutesError(f"{at(key)}: {key} '{value}' is not a time like 13.30") from None
        if not (0 <= hour <= 23 and 0 <= minute <= 59) and (hour, minute) != (24, 0):
            raise MinutesError(f"{at(key)}: {key} '{value}' is not a time of day (00.00 to 23.59, e.g. 13.30)")


# --------------------------------------------------------------------------------------------
# Who is who

# Titles the formal names carry and Zoom display names usually leave out (longest first).
TITLES = (
    "ว่าที่ร้อยตรีหญิง", "ว่าที่ร้อยตรี", "นางสาว", "นาง", "นาย", "น.ส.", "ดร.", "ผศ.", "รศ.", "ศ.",
    "Mrs.", "Mr.", "Ms.", "Miss", "Dr.",
)
_TITLE_KEYS = sorted({zoom.name_key(t) for t in TITLES}, key=len, reverse=True)


def name_keys(name: str) -> set[str]:
    """The forms a name is matched by: letters and digits only, with and without its title."""
    key = zoom.name_key(name)
    keys = {key}
    for title in _TITLE_KEYS:
        if key.startswith(title) and len(key) > len(title) + 1:
            keys.add(key[len(title) :])
            break
    return {k for k in keys if len(k) >= 2}


def _fits(label: set[str], name: set[str]) -> bool:
    """Same name; or `label` is a track-file name whose digits ate a display name's final digits."""
    return bool(label & name) or any(n.startswith(k) and n[len(k) :].isdigit() for k in label for n in name)


class Directory:
    """Names as Zoom writes them (display names, original names, track file names, timeline and
    chat senders) -> the people of meeting.yaml, through the roster when one is given."""

    def __init__(self, meeting: Meeting, roster: zoom.Roster | None = None) -> None:
        people = [meeting.chair, *meeting.members, *meeting.members_present, *meeting.members_absent]
        people += [*meeting.attendees, meeting.minute_taker, meeting.reviewer]
        merged: dict[str, Person] = {}
        for person in people:
            if person is None:
                continue
            known = merged.setdefault(person.name, Person(person.name, person.position, person.note))
            known.aliases = list(dict.fromkeys([*known.aliases, *person.aliases]))
            known.position = known.position or person.position
        self.people = list(merged.values())
        self._keys = [(p, set().union(name_keys(p.name), *(name_keys(a) for a in p.aliases))) for p in self.people]
        self.roster = roster.people if roster else []

    def participant(self, zoom_name: str) -> zoom.Participant | None:
        """The roster entry `zoom_name` belongs to: an exact name first, else a track-file form."""
        label = name_keys(zoom_name)
        for exact in (True, False):
            found = [
                p
                for p in self.roster
                if any((label & name_keys(n)) if exact else _fits(label, name_keys(n)) for n in p.names)
            ]
            if len(found) == 1:
                return found[0]
        return None

    def person(self, zoom_name: str) -> Person | None:
        """The meeting.yaml person a Zoom name stands for, directly or through the roster."""
        entry = self.participant(zoom_name)
        for name in [zoom_name, *(entry.names if entry else [])]:
            label = name_keys(name)
            found = [p for p, keys in self._keys if _fits(label, keys)]
            if len(found) == 1:
                return found[0]
        return None

    def name(self, zoom_name: str) -> str:
        """The name to print: the formal name, else the roster's display name, else as given."""
        person = self.person(zoom_name)
        if person:
            return person.name
        entry = self.participant(zoom_name)
        return entry.name if entry else zoom_name


ROSTER_SOURCE = "รายงานผู้เข้าร่วมประชุมจาก Zoom"
SEEN_SOURCE = "ชื่อผู้ที่พูดหรือพิมพ์แชทในบันทึก Zoom (ไม่มีรายงานผู้เข้าร่วมประชุม)"
UNDECIDED = "ไม่ทราบว่า {} มาประชุมหรือไม่"


def attendance(meeting: Meeting, roster: zoom.Roster | None) -> Meeting:
    """ผู้มาประชุม, ผู้ไม่มาประชุม and ผู้เข้าร่วมประชุม from the Zoom roster and meeting.yaml.

    Members (`members`, the chair, and whoever meeting.yaml already lists as present or absent)
    found on the roster are present; `members` missing from a complete roster (the participants
    report) are absent; without a report nobody can be called absent, and the reviewer is told
    whose attendance is unknown. Roster people who are not members attend as ผู้เข้าร่วมประชุม
    (with their formal name and position when meeting.yaml knows them). What meeting.yaml states
    is never overturned, and every list the roster filled says so in `sources`.
    """
    if roster is None or not roster.people:
        return meeting
    directory = Directory(meeting, roster)
    members = [meeting.chair, *meeting.members, *meeting.members_present, *meeting.members_absent]
    member_names = {p.name for p in members if p is not None}
    listed = {p.name for p in [meeting.chair, *meeting.members_present, *meeting.members_absent] if p is not None}
    present: set[str] = set()
    source = ROSTER_SOURCE if roster.complete else SEEN_SOURCE
    filled: set[str] = set()
    for entry in roster.people:
        person = next((p for p in (directory.person(n) for n in entry.names) if p is not None), None)
        if person is not None and person.name in member_names:
            present.add(person.name)
            continue
        if person is None and not member_names:
            # meeting.yaml says nothing of membership: list everyone present for the reviewer to sort.
            person, target = Person(name=entry.name), "members_present"
        else:
            person, target = person or Person(name=entry.name), "attendees"
        people = getattr(meeting, target)
        if person.name not in {p.name for p in people}:
            people.append(Person(person.name, person.position, person.note))
            filled.add(target)
    undecided = []
    for member in meeting.members:
        if member.name in listed or (meeting.chair and member.name == meeting.chair.name):
            continue
        listed.add(member.name)
        if member.name in present:
            meeting.members_present.append(Person(member.name, member.position, member.note))
            filled.add("members_present")
        elif roster.complete:
            meeting.members_absent.append(Person(member.name, member.position, member.note))
            filled.add("members_absent")
        else:
            undecided.append(member.name)
    for target in sorted(filled):
        meeting.sources[target] = source
    if undecided:
        meeting.sources["members_present"] = f"{source}; {UNDECIDED.format(', '.join(undecided))}"
    return meeting


def naming(meeting: Meeting) -> dict[str, Any]:
    """What of meeting.yaml changes how speakers and chat senders are named (for cache keys)."""
    from dataclasses import asdict

    people = [meeting.chair, *meeting.members, *meeting.members_present, *meeting.members_absent]
    people += [*meeting.attendees, meeting.minute_taker, meeting.reviewer]
    return {"people": [asdict(p) for p in people if p is not None], "chat_words": meeting.chat_words}


# ---------------------------------------------------------------------------------------------
# What the Zoom files say of the meeting: who was there, and in which item each chat message was sent


def read_roster(recording: Recording, words: zoom.ChatWords | None = None) -> zoom.Roster | None:
    """Who was there: the participants report when there is one (complete); otherwise the names
    seen in the tracks, timeline, VTTs and chat (incomplete: silent attendees are missing)."""
    if recording.participants_file:
        return zoom.parse_participants(recording.participants_file)
    seen = [(zoom.track_name(t), True) for t in recording.tracks]
    if recording.timeline_file:
        seen += [(t.speaker, False) for t in zoom.parse_timeline(recording.timeline_file)]
    for vtt in (recording.transcript_vtt, recording.cc_vtt):
        if vtt:
            seen += [(c.speaker, False) for c in zoom.parse_vtt(vtt) if c.speaker]
    if recording.chat_file:
        seen += [(m.zoom_name, False) for m in zoom.parse_chat(recording.chat_file, words=words).messages]
    people: dict[str, zoom.Participant] = {}
    squashed: set[str] = set()  # people known so far only by a track file name (spaces lost)
    for name, from_track in seen:
        key = zoom.name_key(name)
        entry = people.get(key)
        if entry is None:
            people[key] = zoom.Participant(name=name, names=[name])
            if from_track:
                squashed.add(key)
            continue
        if name not in entry.names:
            entry.names.append(name)
        if key in squashed and not from_track:
            entry.name = name
            squashed.discard(key)
    return zoom.Roster(list(people.values()), complete=False) if people else None


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
