"""The reviewer's corrections: a layer of edits kept apart from the machine's results.

Edits live in `outputs/<id>/corrections.json`, appended one at a time with who and when, and are
applied on top of every run's transcript and minutes. A pipeline run never writes this file, so a
rerun (even with another model) cannot lose a correction; an edit whose segment changed under it
is reported as a conflict and both versions are kept.

Every edit passes one schema (`check`) before it is stored, and again when the file is read: an
entry that does not (a file edited by hand, an older tool) is left out with a note for the
reviewer, never fatal, and the next stored edit moves it to `corrections.rejected-<time>.json`,
so nothing is lost.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import MinutesError
from pipeline.store import Workspace, locked, write_atomic
from pipeline.types import Action, Minutes, Transcript, from_dict, to_dict

FILE = "corrections.json"
REJECTED = "corrections.rejected-*.json"  # edits set aside, each file written once and kept
LOCK = ".corrections.lock"
KINDS = ("text", "speaker", "rename", "move", "resolution", "action", "reviewed")
FIELDS = ("kind", "by", "at", "segment", "item", "index", "value", "before", "start")
ACTION_FIELDS = ("assignee", "task", "due", "segment_ids", "start", "end")
MAX_TEXT = 20_000  # characters in one edited text: a paragraph, never a file
MAX_NAME = 500  # a speaker name, an agenda number, who made the edit
MAX_FILE = 64 * 1024 * 1024  # corrections.json: far beyond any review (an edit is a few hundred bytes)
MAX_SECONDS = 7 * 24 * 3600.0  # no recording is longer than a week
# What XML 1.0 (the DOCX) cannot hold, and halves of surrogate pairs, which no UTF-8 file can.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Edit:
    kind: str
    by: str = ""
    at: str = ""
    segment: int | None = None  # transcript segment id the edit was made on
    item: str | None = None  # agenda item number
    index: int | None = None  # action index within the item; None adds one
    value: Any = None
    before: Any = None  # what the reviewer saw before editing: detects changes under the edit
    start: float | None = None  # the segment's start, to find it again if ids shift


@dataclass
class Rejected:
    """An entry of corrections.json that is not a valid edit: left out, and shown to the reviewer."""

    reason: str
    raw: Any = None  # the entry as it was written
    file: str = FILE  # where it is kept
    whole: bool = False  # the whole file could not be read (then `raw` is None)


@dataclass
class Corrections:
    edits: list[Edit] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # never applied; kept for the reviewer


@dataclass
class Conflict:
    edit: Edit
    reason: str
    machine_text: str | None = None


class EditError(MinutesError):
    """An edit that does not fit the schema or the draft: refused, nothing stored."""


# --------------------------------------------------------------------------------------------
# The schema


def _what(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _text(raw: dict[str, Any], name: str, limit: int, *, optional: bool = True, empty: bool = True) -> str | None:
    value = raw.get(name)
    if value is None:
        if optional:
            return None
        raise EditError(f"`{name}` is required")
    if not isinstance(value, str):
        raise EditError(f"`{name}` must be text, not {_what(value)}")
    return _clean(value, name, limit, empty)


def _clean(value: str, name: str, limit: int, empty: bool = True) -> str:
    if len(value) > limit:
        raise EditError(f"`{name}` is {len(value)} characters long; at most {limit}")
    if bad := _BAD_CHARS.search(value):
        raise EditError(f"`{name}` holds the character U+{ord(bad[0]):04X}, which a document cannot hold")
    if not empty and not value.strip():
        raise EditError(f"`{name}` is empty")
    return value


def _integer(raw: dict[str, Any], name: str, limit: int) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EditError(f"`{name}` must be a whole number, not {_what(value)}")
    if not 0 <= value <= limit:
        raise EditError(f"`{name}` must be between 0 and {limit}, not {value}")
    return value


def _seconds(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EditError(f"`{name}` must be a time in seconds, not {_what(value)}")
    if not math.isfinite(value) or not 0 <= value <= MAX_SECONDS:
        raise EditError(f"`{name}` must be a time in seconds between 0 and {MAX_SECONDS:.0f}, not {value}")
    return float(value)


def _action_value(value: Any, adding: bool) -> dict[str, Any] | None:
    if value is None:
        if adding:
            raise EditError("an 'action' edit that adds an assignment needs `value`: {\"task\": ...}")
        return None  # removes the assignment at `index`
    if not isinstance(value, dict):
        raise EditError(
            f'`value` of an \'action\' edit must be an object {{"task", "assignee", "due"}}, not {_what(value)}'
        )
    unknown = [k for k in value if k not in ACTION_FIELDS]
    if unknown:
        raise EditError(f"`value.{unknown[0]}` is not a field of an assignment ({', '.join(ACTION_FIELDS)})")
    out: dict[str, Any] = {}
    for name in ("assignee", "task", "due"):
        if name in value:
            text = _text(value, name, MAX_TEXT, optional=name != "task")
            out[name] = text
    if out.get("due"):
        try:
            dt.date.fromisoformat(out["due"])
        except ValueError:
            raise EditError(f"`value.due` must be a date like 2026-04-30, not {out['due']!r}") from None
    if "segment_ids" in value:
        ids = value["segment_ids"]
        if (
            not isinstance(ids, list)
            or len(ids) > 10_000
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 10**9 for i in ids)
        ):
            raise EditError("`value.segment_ids` must be a list of segment ids (whole numbers)")
        out["segment_ids"] = list(ids)
    for name in ("start", "end"):
        if name in value:
            out[name] = _seconds(value[name], f"value.{name}")
    if adding and not out.get("task"):
        raise EditError("an 'action' edit that adds an assignment needs `value.task`")
    return out


def check(raw: Any) -> Edit:
    """An edit as JSON (or an Edit) -> a valid Edit, or EditError naming the field and what goes there."""
    if isinstance(raw, Edit):
        raw = to_dict(raw)
    if not isinstance(raw, dict):
        raise EditError(f'an edit is an object {{"kind": ...}}, not {_what(raw)}')
    unknown = [k for k in raw if k not in FIELDS]
    if unknown:
        raise EditError(f"`{str(unknown[0])[:50]}` is not a field of an edit ({', '.join(FIELDS)})")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        shown = kind if isinstance(kind, str) else _what(kind)
        raise EditError(f"unknown edit kind '{str(shown)[:50]}'. Available: {', '.join(KINDS)}")
    edit = Edit(kind=kind)
    edit.by = _text(raw, "by", MAX_NAME) or ""
    edit.at = _text(raw, "at", 64) or ""
    if edit.at:
        try:
            dt.datetime.fromisoformat(edit.at)
        except ValueError:
            raise EditError(f"`at` must be a date and time like 2026-03-20T10:00:00+07:00, not {edit.at!r}") from None
    edit.segment = _integer(raw, "segment", 10**9 - 1)
    edit.index = _integer(raw, "index", 100_000)
    edit.start = _seconds(raw.get("start"), "start")
    edit.item = _text(raw, "item", MAX_NAME, empty=False)
    value, before = raw.get("value"), raw.get("before")
    if kind in ("text", "speaker", "move") and edit.segment is None:
        raise EditError(f"a '{kind}' edit needs the segment it applies to")
    if kind in ("resolution", "action", "move") and not edit.item:
        raise EditError(f"a '{kind}' edit needs the agenda item it applies to")
    if kind == "text":
        edit.value = _text(raw, "value", MAX_TEXT, optional=False)
        edit.before = _text(raw, "before", MAX_TEXT)
    elif kind == "speaker":
        edit.value = _text(raw, "value", MAX_NAME, optional=False)
        edit.before = _text(raw, "before", MAX_NAME)
    elif kind == "rename":
        if not (isinstance(before, str) and before.strip() and isinstance(value, str) and value.strip()):
            raise EditError("a 'rename' edit needs the old name (before) and the new one (value), both text")
        edit.before = _clean(before, "before", MAX_NAME)
        edit.value = _clean(value, "value", MAX_NAME)
    elif kind == "move":
        if value is not None:
            raise EditError("a 'move' edit takes no `value`: `item` says where the segment goes")
        edit.before = _text(raw, "before", MAX_TEXT)
    elif kind == "resolution":
        edit.value = _text(raw, "value", MAX_TEXT)
        edit.before = _text(raw, "before", MAX_TEXT)
    elif kind == "action":
        edit.value = _action_value(value, adding=edit.index is None)
        edit.before = _text(raw, "before", MAX_TEXT)
    elif kind == "reviewed":
        if not isinstance(value, bool):
            raise EditError(f"`value` of a 'reviewed' edit is true or false, not {_what(value)}")
        edit.value = value
        if before is not None and not isinstance(before, bool):
            raise EditError(f"`before` of a 'reviewed' edit is true, false or null, not {_what(before)}")
        edit.before = before
    return edit


def check_against(edit: Edit, transcript: Transcript, minutes: Minutes) -> None:
    """Refuse an edit that names a segment, an agenda item or an assignment the draft does not have."""
    if edit.kind in ("text", "speaker", "move") and edit.segment not in {s.id for s in transcript.segments}:
        raise EditError(f"segment {edit.segment} is not in the transcript (it has {len(transcript.segments)} lines)")
    items = {item.number: item for item in minutes.agenda}
    if edit.kind in ("resolution", "action", "move") and edit.item not in items:
        raise EditError(f"agenda item '{edit.item}' is not in the minutes. Items: {', '.join(items) or 'none'}")
    if edit.kind == "action" and edit.index is not None and edit.index >= len(items[edit.item].actions):
        count = len(items[edit.item].actions)
        raise EditError(f"item {edit.item} has {count} assignment(s); `index` {edit.index} is not one of them")
    if edit.kind == "rename":
        labels = {s.speaker for s in transcript.segments} | {o for s in transcript.segments for o in s.overlapping}
        if edit.before not in labels:
            raise EditError(f"no speaker '{edit.before}' in the transcript")


# --------------------------------------------------------------------------------------------
# The file

NOTE_REJECTED = (
    "การแก้ไขของผู้ตรวจ {count} รายการอ่านไม่ได้ จึงไม่ได้นำมาใช้ในร่างนี้ (เก็บไว้ใน {files}) โปรดตรวจและแก้ไขรายการนั้นอีกครั้งในหน้าตรวจ"
)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _read(path: Path) -> tuple[Any, str | None]:
    """(the parsed file, None) or (None, why it cannot be read); never raises."""
    try:
        if not path.is_file():
            return None, f"{path.name} is not a regular file"
        if path.stat().st_size > MAX_FILE:
            return None, f"{path.name} is larger than {MAX_FILE // (1024 * 1024)} MB"
        text = path.read_bytes().decode("utf-8")
        return json.loads(text, parse_constant=_no_constant), None
    except OSError as exc:
        return None, f"{path.name} cannot be read ({exc.strerror or type(exc).__name__})"
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text"
    except ValueError as exc:  # JSONDecodeError included
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        return None, f"{path.name} is not valid JSON{where}"


def _entries(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("edits"), list):
        return data["edits"]
    return data if isinstance(data, list) else None


def load(out_dir: Path) -> Corrections:
    """The valid edits of corrections.json; entries that are not valid, and edits set aside
    before, are in `rejected` (with the reason) for the reviewer. Never raises for the file's content."""
    out_dir = Path(out_dir)
    fixes = Corrections()
    for kept in sorted(out_dir.glob(REJECTED)):
        data, problem = _read(kept)
        entries = data.get("rejected") if isinstance(data, dict) else None
        if problem or not isinstance(entries, list):
            fixes.rejected.append(
                Rejected(problem or f"{kept.name} is not a list of set-aside edits", None, kept.name, whole=True)
            )
            continue
        for entry in entries:
            entry = entry if isinstance(entry, dict) else {}
            fixes.rejected.append(Rejected(str(entry.get("reason", ""))[:MAX_NAME], entry.get("raw"), kept.name))
    path = out_dir / FILE
    if not (path.exists() or path.is_symlink()):
        return fixes
    data, problem = _read(path)
    entries = _entries(data) if problem is None else None
    if entries is None:
        fixes.rejected.append(Rejected(problem or f'{FILE} is not {{"edits": [...]}}', None, whole=True))
        return fixes
    for number, entry in enumerate(entries, 1):
        try:
            fixes.edits.append(check(entry))
        except EditError as exc:
            fixes.rejected.append(Rejected(f"edit {number}: {exc}", entry))
    return fixes


def key(fixes: Corrections) -> str:
    """What the corrections contribute to a stage key: their content (set-aside entries too: they make a note)."""
    blob = json.dumps(to_dict(fixes), ensure_ascii=True, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")


def _set_aside(out_dir: Path, current: Corrections) -> None:
    """Move what corrections.json holds that is not a valid edit into a file of its own, kept."""
    bad = [r for r in current.rejected if r.file == FILE]
    if not bad:
        return
    stamp = _stamp()
    if any(r.whole for r in bad):  # the whole file was unreadable: keep its bytes as they are
        unreadable = out_dir / f"corrections.unreadable-{stamp}.json"
        (out_dir / FILE).replace(unreadable)
        for r in bad:
            r.file = unreadable.name
    target = out_dir / REJECTED.replace("*", stamp)
    body = {"rejected": [{"reason": r.reason, "raw": r.raw, "file": r.file} for r in bad]}
    write_atomic(target, (json.dumps(body, ensure_ascii=True, indent=2, default=str) + "\n").encode())
    for r in bad:
        r.file = target.name


def append(
    out_dir: Path, edit: Edit | dict[str, Any], transcript: Transcript | None = None, minutes: Minutes | None = None
) -> Corrections:
    """Validate and add one edit, saved to disk at once (temporary file, then rename).

    The edit must fit the schema and, where the folder holds a draft (or `transcript` and
    `minutes` are given), name a segment, item and assignment that draft has; else EditError
    and nothing is written. Several writers (servers, `minutes speakers`) take turns on a lock.
    """
    edit = check(edit)
    out_dir = Path(out_dir)
    edit.at = edit.at or dt.datetime.now().astimezone().isoformat(timespec="seconds")
    if transcript is None or minutes is None:
        stages = out_dir / "stages"
        if (stages / "speakers.json").is_file() and (stages / "minutes.json").is_file():
            transcript, minutes, _ = corrected(out_dir)
    if transcript is not None and minutes is not None:
        check_against(edit, transcript, minutes)
    with locked(out_dir / LOCK, f"{out_dir}: another program is saving corrections here", wait=30.0):
        current = load(out_dir)
        _set_aside(out_dir, current)
        current.edits.append(edit)
        body = {"edits": [to_dict(e) for e in current.edits]}
        write_atomic(out_dir / FILE, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode())
    return current


def stored(ws: Workspace) -> tuple[Transcript, Minutes, list[Conflict]]:
    """The stored transcript and minutes of a drafted folder, each checked against its recorded
    hash, with the reviewer's corrections applied, and the corrections that no longer fit."""
    loaded: dict[str, Any] = {}
    for name, cls, file in (("speakers", Transcript, "speakers.json"), ("minutes", Minutes, "minutes.json")):
        entry = ws.manifest["stages"].get(name) or {}
        result = ws.load_stage(name, entry.get("key", ""), cls, ws.stages_dir / file) if entry.get("key") else None
        if result is None:
            raise MinutesError(
                f"{ws.stages_dir / file}: missing, changed or damaged since `minutes run` wrote it; run `minutes run` "
                "on the recording again (it is computed again, corrections kept)"
            )
        loaded[name] = result
    fixes = load(ws.dir)
    transcript, conflicts = apply_transcript(loaded["speakers"], fixes)
    return transcript, apply_minutes(loaded["minutes"], transcript, fixes), conflicts


def corrected(out_dir: str | Path) -> tuple[Transcript, Minutes, list[Conflict]]:
    """The stored transcript and minutes of `out_dir` with the reviewer's corrections applied, and any conflicts."""
    return stored(Workspace(Path(out_dir)))


def note(fixes: Corrections) -> str | None:
    """The reviewer's note for edits that were left out, if any."""
    if not fixes.rejected:
        return None
    files = ", ".join(dict.fromkeys(r.file for r in fixes.rejected))
    return NOTE_REJECTED.format(count=len(fixes.rejected), files=files)


# --------------------------------------------------------------------------------------------
# Applying them


def apply_transcript(transcript: Transcript, corrections: Corrections) -> tuple[Transcript, list[Conflict]]:
    """Transcript with text, speaker and rename edits applied; edits that no longer fit are conflicts."""
    out = copy.deepcopy(transcript)
    conflicts: list[Conflict] = []
    for edit in corrections.edits:
        if edit.kind == "rename":
            for seg in out.segments:
                if seg.speaker == edit.before:
                    seg.speaker, seg.speaker_source = edit.value, "reviewer"
                seg.overlapping = [edit.value if s == edit.before else s for s in seg.overlapping]
        elif edit.kind in ("text", "speaker"):
            attr = "text" if edit.kind == "text" else "speaker"
            seg = _find(out, edit, attr)
            if seg is None:
                near = _nearest(out, edit)
                conflicts.append(
                    Conflict(edit, "the transcript changed under this correction", near.text if near else None)
                )
                continue
            setattr(seg, attr, edit.value)
            if attr == "speaker":
                seg.speaker_source = "reviewer"
            elif "corrected" not in seg.flags:
                seg.flags.append("corrected")
    return out, conflicts


def apply_minutes(minutes: Minutes, transcript: Transcript, corrections: Corrections) -> Minutes:
    """Minutes with moves, resolution and action edits and the reviewed mark applied; a note
    for the reviewer when some entries of corrections.json were left out."""
    out = copy.deepcopy(minutes)
    items = {item.number: item for item in out.agenda}
    times = {s.id: (s.start, s.end) for s in transcript.segments}
    for edit in corrections.edits:
        item = items.get(edit.item or "")
        if edit.kind == "reviewed":
            out.reviewed = f"{edit.by} {edit.at}".strip() if edit.value else None
        elif item is None:
            continue
        elif edit.kind == "move":
            seg = _find(transcript, edit, "text") or _nearest(transcript, edit)
            if seg is None:
                continue
            for other in out.agenda:
                if seg.id in other.segment_ids:
                    other.segment_ids.remove(seg.id)
            item.segment_ids = sorted({*item.segment_ids, seg.id})
        elif edit.kind == "resolution":
            item.resolution = edit.value or None
        elif edit.kind == "action":
            if edit.index is not None and edit.index < len(item.actions):
                if edit.value is None:
                    item.actions.pop(edit.index)
                else:
                    item.actions[edit.index] = dataclasses.replace(item.actions[edit.index], **edit.value)
            elif edit.value is not None and edit.value.get("task"):  # an assignment added (or gone from under it)
                item.actions.append(from_dict(Action, {"assignee": None, **edit.value}))
    for item in out.agenda:  # spans follow the segments an item now holds
        spans = [times[i] for i in item.segment_ids if i in times]
        if spans:
            item.start, item.end = min(s for s, _ in spans), max(e for _, e in spans)
    if text := note(corrections):
        out.notes.append(text)
    return out


def _find(transcript: Transcript, edit: Edit, attr: str):  # noqa: ANN202
    """The segment an edit was made on: same id and unchanged, else same start and unchanged."""
    seen = {edit.before, edit.value}
    candidates = [s for s in transcript.segments if s.id == edit.segment]
    if edit.start is not None:
        candidates += [s for s in transcript.segments if abs(s.start - edit.start) < 0.05]
    for seg in candidates:
        if getattr(seg, attr) in seen or edit.kind == "move":
            return seg
    return None


def _nearest(transcript: Transcript, edit: Edit):  # noqa: ANN202
    if edit.start is None or not transcript.segments:
        return next((s for s in transcript.segments if s.id == edit.segment), None)
    return min(transcript.segments, key=lambda s: abs(s.start - edit.start))
