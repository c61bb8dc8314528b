"""The reviewer's corrections: a layer of edits kept apart from the machine's results.

Edits live in `outputs/<id>/corrections.json`, appended one at a time with who and when, and are
applied on top of every run's transcript and minutes. A pipeline run never writes this file, so a
rerun (even with another model) cannot lose a correction; an edit whose segment changed under it
is reported as a conflict and both versions are kept.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import MinutesError
from pipeline.types import Action, Minutes, Transcript, from_dict, to_dict

FILE = "corrections.json"
KINDS = ("text", "speaker", "rename", "move", "resolution", "action", "reviewed")


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
class Corrections:
    edits: list[Edit] = field(default_factory=list)


@dataclass
class Conflict:
    edit: Edit
    reason: str
    machine_text: str | None = None


def load(out_dir: Path) -> Corrections:
    path = Path(out_dir) / FILE
    if not path.is_file():
        return Corrections()
    try:
        return from_dict(Corrections, json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as exc:
        raise MinutesError(f"{path}: unreadable corrections ({type(exc).__name__}); restore it from a backup") from None


def key(fixes: Corrections) -> str:
    """What the corrections contribute to a stage key: their content."""
    return hashlib.sha256(json.dumps(to_dict(fixes), ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def append(out_dir: Path, edit: Edit) -> Corrections:
    """Validate and add one edit, saved to disk at once (temporary file, then rename)."""
    from pipeline.runner import write_atomic

    if edit.kind not in KINDS:
        raise MinutesError(f"unknown edit kind '{edit.kind}'. Available: {', '.join(KINDS)}")
    if edit.kind in ("text", "speaker", "move") and edit.segment is None:
        raise MinutesError(f"a '{edit.kind}' edit needs the segment it applies to")
    if edit.kind in ("resolution", "action", "move") and not edit.item:
        raise MinutesError(f"a '{edit.kind}' edit needs the agenda item it applies to")
    if edit.kind == "rename" and not (edit.before and edit.value):
        raise MinutesError("a 'rename' edit needs the old name (before) and the new one (value)")
    edit.at = edit.at or dt.datetime.now().astimezone().isoformat(timespec="seconds")
    current = load(out_dir)
    current.edits.append(edit)
    write_atomic(Path(out_dir) / FILE, (json.dumps(to_dict(current), ensure_ascii=False, indent=2) + "\n").encode())
    return current


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
    """Minutes with moves, resolution and action edits and the reviewed mark applied."""
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
            elif edit.value is not None:
                item.actions.append(from_dict(Action, edit.value))
    for item in out.agenda:  # spans follow the segments an item now holds
        spans = [times[i] for i in item.segment_ids if i in times]
        if spans:
            item.start, item.end = min(s for s, _ in spans), max(e for _, e in spans)
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
