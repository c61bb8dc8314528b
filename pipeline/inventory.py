"""`minutes inspect`: what a recording folder holds, what a run will use, what is missing, and
which speaker source a run would take (a folder operation: it reads, never writes beside it).
"""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import audio, discover, meeting, speakers, tracks, zoom
from pipeline.types import Meeting


@dataclass
class Row:
    what: str
    found: str  # file name(s), or "-"
    status: str  # what a run does with it, or why it is not used, or what is missing


@dataclass
class Inventory:
    path: str
    heading: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


KINDS = {
    "zoom local": "Zoom local recording",
    "zoom cloud": "Zoom cloud recording (downloaded set)",
    "folder": "folder with a recording",
    "file": "recording file",
    "transcript": "transcript.json (minutes are drafted from it, without transcribing)",
}


def inventory(path: str | Path, meeting_file: str | Path | None = None) -> Inventory:
    """What `path` holds, what a run will use, what is missing, and which speaker source it takes.

    Reads every companion and checks each per-participant track against the mixed recording
    (which is decoded into a temporary folder for it); nothing is written beside the recording.
    """
    planned = meeting.load(meeting_file or discover.meeting_beside(path))
    rec = discover._find(Path(path), planned, warn=False)  # the inventory's own rows say what was not understood
    inv = Inventory(str(path), [KINDS.get(rec.kind, rec.kind)])
    if rec.started:
        inv.heading.append(f"started {rec.started.replace('T', ' ')} (from the {rec.started_source})")
    if rec.topic or rec.meeting_id:
        inv.heading.append(f"topic: {rec.topic or '-'}; meeting id: {rec.meeting_id or '-'}")
    words = zoom.ChatWords.from_config(planned.chat_words)
    folder = Path(rec.path) if rec.kind not in ("file", "transcript") else None
    # Chat files that are there but that these chat_words do not read: shown as such, not as missing.
    problems = {
        n: zoom.chat_problem(folder / n, words) for n in rec.unused if folder and zoom.classify(folder / n) == "chat"
    }
    unread_chats = {n: why for n, why in problems.items() if why}
    roster = None
    if rec.participants_file:
        roster = zoom.parse_participants(rec.participants_file)
        rejoined = sum(1 for p in roster.people if p.sessions > 1)
        inv.rows.append(
            Row(
                "participants report",
                _name(rec.participants_file),
                f"{len(roster.people)} people" + (f" ({rejoined} rejoined, merged)" if rejoined else ""),
            )
        )
    elif rec.kind.startswith("zoom"):
        inv.rows.append(
            Row(
                "participants report",
                "-",
                "missing: absentees cannot be told (download it from the "
                "Zoom web portal: Reports > Usage > Participants, and put it in this folder)",
            )
        )
    directory = meeting.Directory(
        planned, roster or (meeting.read_roster(rec, words) if rec.kind.startswith("zoom") else None)
    )
    if rec.transcript_file:
        inv.rows.insert(0, Row("transcript", _name(rec.transcript_file), "used: minutes drafted from it"))
        return inv
    lengths = [audio.probe(p)[0] for p in rec.parts]
    for i, (part, length) in enumerate(zip(rec.parts, lengths, strict=True)):
        place = f"part {i + 1} of {len(rec.parts)}, " if len(rec.parts) > 1 else ""
        inv.rows.insert(i, Row("mixed recording", _name(part), f"used: {place}{length:.1f} s"))
    for name in (n for n in rec.unused if n not in unread_chats):
        inv.rows.append(Row("not needed", name, "not used (the same recording in another form, or player files)"))
    choice: tuple[str, str] | None = None  # (speaker engine, why), best source first
    passed = "no Zoom speaker data"
    if rec.tracks:
        with tempfile.TemporaryDirectory(prefix="minutes-inspect-") as tmp:
            decoded = audio.decode(rec.parts, Path(tmp) / "mixed.wav")
            checks, _ = tracks.analyse(rec.tracks, decoded.path)
        for check in checks:
            who = f" -> {directory.name(check.name)}" if check.status == "aligned" else ""
            inv.rows.append(
                Row(
                    "participant track",
                    f"{zoom.TRACKS_FOLDER}/{_name(check.file)}",
                    f"{check.status}: {check.reason}{who}",
                )
            )
        bad = [c for c in checks if c.status == "not aligned"]
        if bad:
            passed = f"{len(bad)} of {len(checks)} tracks do not line up with the mixed recording"
        elif not any(c.status == "aligned" for c in checks):
            passed = "no speech on the per-participant tracks"
        else:
            choice = ("tracks", f"{sum(c.status == 'aligned' for c in checks)} per-participant tracks line up")
    elif rec.kind == "zoom local":
        inv.rows.append(
            Row(
                "participant tracks",
                "-",
                "missing: turn on 'Record a separate audio file of each "
                "participant who speaks' in Zoom's recording settings to name speakers from them",
            )
        )
    hints = None
    if rec.timeline_file:
        turns = zoom.parse_timeline(rec.timeline_file)
        people = sorted({directory.name(t.speaker) for t in turns})
        inv.rows.append(
            Row(
                "timeline JSON",
                _name(rec.timeline_file),
                f"{len(turns)} speaker turns of {len(people)} people: {', '.join(people)}",
            )
        )
        hints = hints or (turns and "Zoom's timeline JSON")
    for label, vtt in (("transcript VTT", rec.transcript_vtt), ("captions VTT", rec.cc_vtt)):
        if vtt:
            cues = zoom.parse_vtt(vtt)
            named = sum(1 for c in cues if c.speaker)
            inv.rows.append(
                Row(
                    label,
                    _name(vtt),
                    f"{len(cues)} cues, {named} with a speaker name "
                    "(a hint for speaker turns; its Thai text is not used)",
                )
            )
            hints = hints or (named and f"speaker names in {_name(vtt)}")
    if rec.kind == "zoom cloud" and not rec.timeline_file:
        inv.rows.append(Row("timeline JSON", "-", "missing (needs Zoom's 'add a timestamp' recording setting)"))
    if rec.chat_file:
        chat = zoom.parse_chat(rec.chat_file, words=words)
        direct = sum(m.direct for m in chat.messages)
        status = f"{chat.dialect} dialect: {len(chat.messages) - direct} messages for the minutes' appendix"
        status += f", {direct} direct messages left out (--direct-messages includes them)" if direct else ""
        status += f", {chat.reactions} reactions dropped" if chat.reactions else ""
        status += f", {chat.unread} lines not understood" if chat.unread else ""
        inv.rows.append(Row("chat", _name(rec.chat_file), status))
    for name, problem in unread_chats.items():
        inv.rows.append(Row("chat", name, f"found, not understood: {problem}"))
    if not rec.chat_file and not unread_chats and rec.kind.startswith("zoom"):
        inv.rows.append(Row("chat", "-", "missing (no chat was saved)"))
    if rec.meeting_file or meeting_file:
        inv.rows.append(Row("meeting.yaml", _name(meeting_file or rec.meeting_file), _members(planned, roster)))
    else:
        inv.rows.append(Row("meeting.yaml", "-", "missing: the minutes' heading and names will be blanks to fill"))
    if choice is None and hints:
        choice = ("hints", hints)
    if choice is None:
        fallback = next(n for n in speakers.AUTO_ORDER[2:] if n in speakers.ENGINES)
        what = {"diarize": " (voices told apart in the mixed recording)", "none": " (no speaker names)"}
        choice = (fallback, passed + what.get(fallback, ""))
    inv.rows.append(Row("speakers", "-", f"{choice[0]}: {choice[1]}"))
    return inv


def _name(path: str | Path) -> str:
    return Path(path).name


def _members(planned: Meeting, roster: zoom.Roster | None) -> str:
    people = [planned.chair, *planned.members, *planned.members_present, *planned.members_absent]
    names = list(dict.fromkeys(p.name for p in people if p is not None))
    if not names:
        return "no members listed (add 'members' to tell who was absent)"
    if roster is None:
        return f"{len(names)} member{'s' if len(names) > 1 else ''} listed"
    directory = meeting.Directory(planned, roster)
    on_roster = {p.name for e in roster.people for p in [directory.person(e.name)] if p}
    absent = [n for n in names if n not in on_roster]
    return f"{len(names) - len(absent)} of {len(names)} members on the roster" + (
        f"; not on it: {', '.join(absent)}" if absent else ""
    )


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Thai vowel and tone marks take none."""
    return sum(
        0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def format_inventory(inv: Inventory) -> str:
    """The inventory as a plain-text table (aligned for Thai too)."""
    header = Row("what", "file", "status")
    rows = [header, *inv.rows]
    widths = [max(_width(getattr(r, col)) for r in rows) for col in ("what", "found")]
    lines = [inv.path, *(f"  {h}" for h in inv.heading), ""]
    for i, row in enumerate(rows):
        cells = [row.what, row.found]
        lines.append(
            "  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)) + "  " + row.status
        )
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines) + "\n"
