"""meeting.yaml -> Meeting, completed from what the recording itself tells (never invented)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import MinutesError
from pipeline.types import AgendaTitle, Meeting, Person, Recording

_TEXT_FIELDS = ("body", "session", "date", "start_time", "end_time", "venue")
_PEOPLE_FIELDS = ("members_present", "members_absent", "attendees")
_ONE_PERSON_FIELDS = ("chair", "minute_taker", "reviewer")
_KNOWN = set(_TEXT_FIELDS + _PEOPLE_FIELDS + _ONE_PERSON_FIELDS + ("agenda",))


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
    if isinstance(value, dict) and value.get("name"):
        note = value.get("note") or value.get("reason") or ""
        return Person(name=value["name"].strip(), position=value.get("position", "").strip(), note=note)
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
