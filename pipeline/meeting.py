"""meeting.yaml -> Meeting, completed from what the recording itself tells (never invented).

People in meeting.yaml may carry `aliases` (or one `display_name`): the names they go by in Zoom.
`Directory` uses them, with the Zoom roster, to turn a display name, an original name or a track
file name into the formal name; `attendance` fills ผู้มาประชุม, ผู้ไม่มาประชุม and ผู้เข้าร่วมประชุม
from the roster.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline import zoom
from pipeline.errors import MinutesError
from pipeline.types import AgendaTitle, Meeting, Person, Recording

_TEXT_FIELDS = ("body", "session", "date", "start_time", "end_time", "venue")
_PEOPLE_FIELDS = ("members", "members_present", "members_absent", "attendees")
_ONE_PERSON_FIELDS = ("chair", "minute_taker", "reviewer")
_KNOWN = set(_TEXT_FIELDS + _PEOPLE_FIELDS + _ONE_PERSON_FIELDS + ("agenda", "chat_words"))


def load(path: str | Path | None) -> Meeting:
    """Read meeting.yaml. Every scalar is read as text, so `13:30` or `2026-03-19` stay as written."""
    if path is None:
        return Meeting()
    path = Path(path)
    try:
        # BaseLoader keeps scalars as strings: YAML 1.1 would turn 13:30 into 810.
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader) or {}
    except FileNotFoundError:
        raise MinutesError(f"{path}: meeting file not found; check the --meeting path") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise MinutesError(
            f"{path}{line}: not valid YAML ({type(exc).__name__}); fix the file or leave out --meeting"
        ) from None
    if not isinstance(data, dict):
        raise MinutesError(f"{path}: expected 'key: value' lines (body:, date:, agenda: ...)")
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise MinutesError(f"{path}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN))}")
    meeting = Meeting(**{k: str(data.get(k, "")).strip() for k in _TEXT_FIELDS})
    for key in _ONE_PERSON_FIELDS:
        if data.get(key):
            setattr(meeting, key, _person(data[key], path, key))
    for key in _PEOPLE_FIELDS:
        setattr(meeting, key, [_person(p, path, key) for p in _as_list(data.get(key), path, key)])
    meeting.agenda = [_agenda(a, i, path) for i, a in enumerate(_as_list(data.get("agenda"), path, "agenda"))]
    words = data.get("chat_words") or {}
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise MinutesError(f"{path}: 'chat_words' must be 'key: word' lines (from: ..., to: ..., everyone: ...)")
    meeting.chat_words = {str(k): v.strip() for k, v in words.items()}
    _check_values(meeting, path)
    return meeting


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


def _as_list(value: Any, path: Path, key: str) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise MinutesError(f"{path}: '{key}' must be a list (lines starting with '- ')")
    return value


def _person(value: Any, path: Path, key: str) -> Person:
    if isinstance(value, str):
        return Person(name=value.strip())
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"].strip():
        note = value.get("note") or value.get("reason") or ""
        aliases = value.get("aliases", [])
        aliases = [aliases] if isinstance(aliases, str) else aliases
        if isinstance(value.get("display_name"), str):
            aliases = [value["display_name"], *aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise MinutesError(f"{path}: 'aliases' of {value['name']} must be a list of names ([Wirat M., ...])")
        return Person(
            name=value["name"].strip(),
            position=value.get("position", "").strip(),
            note=note,
            aliases=[a.strip() for a in aliases if a.strip()],
        )
    raise MinutesError(f"{path}: each entry of '{key}' needs a name (name: ..., position: ...)")


def _agenda(value: Any, index: int, path: Path) -> AgendaTitle:
    if isinstance(value, dict) and value.get("title"):
        return AgendaTitle(number=str(value.get("number") or index + 1).strip(), title=value["title"].strip())
    if isinstance(value, str):
        match = re.match(r"^\s*(\d+(?:\.\d+)*)\s+(.+)$", value)
        if match:
            return AgendaTitle(number=match[1], title=match[2].strip())
        return AgendaTitle(number=str(index + 1), title=value.strip())
    raise MinutesError(f"{path}: each agenda entry needs a title (number: 4.1, title: ...)")


def _check_values(meeting: Meeting, path: Path) -> None:
    from pipeline.thaidate import parse_date, time_th

    try:
        parse_date(meeting.date)
    except ValueError:
        raise MinutesError(f"{path}: date '{meeting.date}' is not YYYY-MM-DD (e.g. 2026-03-19)") from None
    for key in ("start_time", "end_time"):
        try:
            time_th(getattr(meeting, key))
        except ValueError:
            raise MinutesError(f"{path}: {key} '{getattr(meeting, key)}' is not a time like 13.30") from None


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
