"""How well an engine's minutes match what a secretary wrote from the same meeting.

An annotated meeting (tests/data/meetings/*/*.json) holds the transcript, the meeting.yaml facts
(date and planned agenda) and, per planned item, where it opens, where its resolution is said and
the assignments made. Matching goes by where things were said, not by exact wording, so the same
score works on text with recognition errors (pipeline.noise), where no wording survives intact:

- an item is found when an output item opens in the segment the item opens in; with the planned
  agenda it must also keep the planned number, and an item never discussed must be reported as
  not found;
- a resolution is found when an output resolution cites a segment where it was said; one citing
  no such segment is invented;
- an assignment is found when an output action cites the segment it was said in, names the
  assignee (fuzzy, so a misheard letter does not count) and gives the right due date (none when
  the date cannot be known: a relative deadline and no meeting date). The task is not compared:
  the annotation writes it in the written register, the engine in the words said. A day and month
  said without a year, and no meeting date given, may be dated in the year the meeting names or
  not at all (the annotations' authors differ on it).

Each output item, resolution or action counts for at most one true one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.minutes.dates import DUE, RELATIVE
from pipeline.minutes.text import flatten
from pipeline.types import AgendaTitle, Meeting, Minutes, Transcript, from_dict

_ASSIGNEE_SIMILARITY = 70  # rapidfuzz partial ratio, 0-100


@dataclass
class Annotated:
    """One annotated meeting: its transcript, its meeting.yaml facts and what a secretary wrote."""

    name: str
    style: str
    meeting: Meeting
    transcript: Transcript
    items: list[dict]


def load(path: str | Path) -> Annotated:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    facts = data.get("meeting", {})
    meeting = Meeting(
        date=facts.get("date", ""),
        agenda=[AgendaTitle(a["number"], a["title"]) for a in facts.get("agenda", [])],
    )
    return Annotated(
        Path(path).stem, data.get("style", ""), meeting,
        from_dict(Transcript, data["transcript"]), data["expected"]["items"],
    )


def load_set(folder: str | Path) -> list[Annotated]:
    return [load(p) for p in sorted(Path(folder).glob("*.json"))]


def facts(meeting: Annotated, planned: bool) -> Meeting:
    """What the engine is told: everything meeting.yaml gives (`planned`), or nothing at all."""
    return meeting.meeting if planned else Meeting()


@dataclass
class Score:
    name: str
    items: int = 0
    items_found: int = 0
    items_extra: int = 0  # output items opening where no item opens
    resolutions: int = 0
    resolutions_found: int = 0
    resolutions_invented: int = 0
    actions: int = 0
    actions_found: int = 0
    actions_extra: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("items", "items_found", "items_extra", "resolutions", "resolutions_found",
                     "resolutions_invented", "actions", "actions_found", "actions_extra"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _similar(expected: str, got: str | None, threshold: int) -> bool:
    return bool(got) and fuzz.partial_ratio(flatten(expected), flatten(got or "")) >= threshold


def _no_year(said: str | None) -> bool:
    """A day and month, or a month's end, said without a year ("ภายในวันที่ 20 มีนาคม", "ก่อนสิ้นเดือนตุลา"):
    with no meeting date its year is the one the meeting says it is in, or unknown. The annotations
    differ (some authors count it a calendar date, others one that needs the meeting's date), so
    either answer is right."""
    m = DUE.search(flatten(said)) if said else None
    if m:
        return not m["year"]
    month = RELATIVE.search(flatten(said)) if said else None
    return bool(month and month["month_name"] and not month["month_year"])


def score(meeting: Annotated, minutes: Minutes, planned: bool) -> Score:
    """Compare an engine's minutes of `meeting` with its annotation (see the module's doc)."""
    result = Score(meeting.name)
    heard = [e for e in meeting.items if e["opens"] is not None]
    spans = {s.id: (s.start, s.end) for s in meeting.transcript.segments}
    # where an output item opens: the segment its start falls in (two items may open in one segment)
    opening = {
        id(i): next((k for k, (a, b) in spans.items() if a <= at <= b), None)
        for i in minutes.agenda if i.found and (at := i.opened_at if i.opened_at is not None else i.start) is not None
    }
    used: set[int] = set()
    for e in meeting.items:
        if e["opens"] is None:
            if planned:
                result.items += 1
                if any(i.number == e["number"] and not i.found for i in minutes.agenda):
                    result.items_found += 1
                else:
                    result.misses.append(f"item {e['number']} never discussed but not reported as not found")
            continue
        result.items += 1
        match = next((i for i in minutes.agenda if id(i) not in used and opening.get(id(i)) == e["opens"]
                      and (not planned or i.number == e["number"])), None)
        if match is None:
            result.misses.append(f"item {e['number']} (segment {e['opens']}) not found")
            continue
        used.add(id(match))
        result.items_found += 1
    result.items_extra = sum(1 for i in minutes.agenda if id(i) in opening and id(i) not in used)

    said = [set(e["resolution"]["segments"]) for e in heard if e["resolution"]]
    result.resolutions = len(said)
    claimed = [(i, set(i.resolution_segment_ids)) for i in minutes.agenda if i.resolution]
    taken: set[int] = set()
    for segments in said:
        hit = next((n for n, (_, ids) in enumerate(claimed) if n not in taken and ids & segments), None)
        if hit is None:
            result.misses.append(f"resolution said in {sorted(segments)} missed")
        else:
            taken.add(hit)
            result.resolutions_found += 1
    every = set().union(*said) if said else set()
    for item, ids in claimed:
        if not ids & every:
            result.resolutions_invented += 1
            result.misses.append(f"item {item.number}: invented resolution {item.resolution!r}")

    outputs = [a for i in minutes.agenda for a in i.actions]
    free = list(range(len(outputs)))
    for e in (a for item in heard for a in item["actions"]):
        result.actions += 1
        due = None if (e.get("needs_date") and not planned) else e.get("due")
        dues = {due, e.get("due"), None} if not planned and _no_year(e.get("due_said")) else {due}
        hit = next((n for n in free if e["segment"] in outputs[n].segment_ids
                    and _similar(e["assignee"], outputs[n].assignee, _ASSIGNEE_SIMILARITY)
                    and outputs[n].due in dues), None)
        if hit is None:
            near = [f"{a.assignee} | {a.task} | {a.due}" for a in outputs if e["segment"] in a.segment_ids]
            result.misses.append(f"assignment {e['assignee']} {e['task']} {due} (segment {e['segment']}) missed"
                                 + (f"; got {near}" if near else ""))
        else:
            free.remove(hit)
            result.actions_found += 1
    result.actions_extra = len(free)
    for n in free:
        a = outputs[n]
        result.misses.append(f"extra assignment {a.assignee} | {a.task} | {a.due} (segments {a.segment_ids})")
    return result


def ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.0f}%)" if total else "-"
