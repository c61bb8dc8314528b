"""Who said what. A speaker engine (chosen by name) finds speaker turns; `attach` puts them on
the words, splitting a sentence where the speaker changes and keeping overlapping speakers visible.

Every label says how it is known (`speaker_source`), so the reviewer can tell a name the data
gives from a guess. The engines, best first:

- `tracks`: Zoom's per-participant tracks (`Audio Record/`), each checked against the mixed
  recording first; a track that does not line up makes the engine decline (never guess).
- `hints`: Zoom's own speaker data: the cloud timeline JSON (active speaker), else the speaker
  names of its transcript or caption VTT (its Thai text is never used).
- `diarize` (when installed): voices told apart in the mixed recording.
- `none`: honest about a single mixed track: it knows no one and keeps any speaker a reviewer
  already wrote into a transcript.

`auto` (the default) takes the first that has data for the recording and records which one it
used and why the better ones were passed over (`Transcript.speakers`). Names as Zoom writes them
become the formal names of meeting.yaml through `meeting.Directory`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline import audio, diarize, thai, tracks, transcribe, zoom
from pipeline.errors import MinutesError, choose
from pipeline.meeting import Directory, read_roster
from pipeline.types import Audio, ChatMessage, Meeting, Recording, Segment, Transcript, Turn, Word

UNKNOWN = "unknown: one mixed track, no speaker data"
OVERLAP_SHARE = 0.5  # another speaker covering half a word's time is speaking at the same time
NEAREST = 1.0  # seconds: a word just outside every turn takes the nearest one within this
MIN_PIECE = 0.5  # seconds: a shorter stretch of one label inside a segment joins its neighbour
AUTO_ORDER = ("tracks", "hints", "diarize", "none")
# Engines whose turns are someone talking (their own track, their voice), not an active-speaker
# marker that stays on through silence: where the transcript has no words in one, a line says so.
TALKING = ("tracks", "diarize", "pyannote")


class NoSpeakerData(MinutesError):
    """An engine has no usable data for this recording (with `auto`, the next engine is tried)."""


def _none(transcript: Transcript, recording: Recording, audio: Audio | None) -> list[Turn]:
    return []


# An engine returns its turns, or (turns, a one-line note on how it knows) for the run's record.
Engine = Callable[[Transcript, Recording, "Audio | None"], "list[Turn] | tuple[list[Turn], str]"]
ENGINES: dict[str, Engine] = {"none": _none}


def _tracks(transcript: Transcript, recording: Recording, audio: Audio | None) -> tuple[list[Turn], str]:
    """Turns from the per-participant tracks, when every one of them lines up with the recording."""
    if not recording.tracks:
        raise NoSpeakerData(f"no per-participant tracks ({zoom.TRACKS_FOLDER}/) in {recording.path}")
    if audio is None:
        raise NoSpeakerData("the per-participant tracks need the decoded recording to be checked against")
    checks, turns = tracks.analyse(recording.tracks, audio.path)
    bad = [f"{zoom.TRACKS_FOLDER}/{Path(c.file).name}: {c.reason}" for c in checks if c.status == "not aligned"]
    if bad:
        raise NoSpeakerData(f"tracks that do not line up with the mixed recording: {'; '.join(bad)}")
    aligned = [c for c in checks if c.status == "aligned"]
    if not aligned:
        raise NoSpeakerData(f"no speech on any per-participant track in {recording.path}")
    shifted = [f"{c.name} {c.offset:+.2f} s" for c in aligned if c.offset]
    note = f"{len(aligned)} of {len(checks)} per-participant tracks line up with the mixed recording"
    return turns, note + (f" (offset: {', '.join(shifted)})" if shifted else "")


def _hints(transcript: Transcript, recording: Recording, audio: Audio | None) -> tuple[list[Turn], str]:
    """Turns from Zoom's timeline JSON, else from the speaker names of its transcript or caption VTT."""
    if recording.timeline_file:
        turns = zoom.parse_timeline(recording.timeline_file)
        if turns:
            return turns, f"Zoom's timeline JSON ({Path(recording.timeline_file).name}): active speaker"
    for vtt, source in ((recording.transcript_vtt, zoom.VTT_SOURCE), (recording.cc_vtt, zoom.CC_SOURCE)):
        if vtt:
            turns = zoom.vtt_turns(zoom.parse_vtt(vtt), source)
            if turns:
                return turns, f"speaker names in Zoom's {Path(vtt).name} (its text is not used)"
    raise NoSpeakerData("no Zoom timeline JSON, and no Zoom VTT that names speakers")


def _auto(transcript: Transcript, recording: Recording, audio: Audio | None) -> tuple[list[Turn], str]:
    turns, report = find_turns(transcript, recording, "auto", audio)
    return turns, report["why"]


ENGINES.update(tracks=_tracks, hints=_hints, diarize=diarize.engine, pyannote=diarize.pyannote_engine, auto=_auto)


def find_turns(
    transcript: Transcript,
    recording: Recording,
    engine: str,
    audio: Audio | None = None,
    engines: Mapping[str, Engine] | None = None,
) -> tuple[list[Turn], dict[str, Any]]:
    """The named engine's turns and a record of how they were found: {"requested", "used", "why",
    "passed_over": {engine: reason}}. `auto` tries AUTO_ORDER and takes the first with data.
    `engines` replaces some of ENGINES for this call (the diarize engines told the run's settings)."""
    table = {**ENGINES, **(engines or {})}
    if engine != "auto":
        try:
            turns, why = _result(choose(table, engine, "speaker")(transcript, recording, audio))
        except NoSpeakerData as exc:
            raise MinutesError(f"--speakers {engine}: {exc}; use --speakers auto to fall back") from None
        return turns, {"requested": engine, "used": engine, "why": why, "passed_over": {}}
    passed: dict[str, str] = {}
    for name in AUTO_ORDER:
        if name not in table:
            continue
        if name == "none":
            return [], {"requested": "auto", "used": "none", "why": "no speaker data", "passed_over": passed}
        try:
            turns, why = _result(table[name](transcript, recording, audio))
        except MinutesError as exc:  # no data, or an engine that cannot run here: say so, try the next
            passed[name] = str(exc)
            continue
        if turns:
            return turns, {"requested": "auto", "used": name, "why": why, "passed_over": passed}
        passed[name] = "found no speaker turns"
    return [], {"requested": "auto", "used": "none", "why": "no speaker data", "passed_over": passed}


def _result(value: list[Turn] | tuple[list[Turn], str]) -> tuple[list[Turn], str]:
    return value if isinstance(value, tuple) else (value, "")


def assign(
    transcript: Transcript,
    recording: Recording,
    engine: str = "auto",
    audio: Audio | None = None,
    meeting: Meeting | None = None,
    direct_messages: bool = False,
    *,
    roster: zoom.Roster | None = None,
    engines: Mapping[str, Engine] | None = None,
) -> Transcript:
    """A new transcript whose segments carry the speakers the named engine finds, by the names
    meeting.yaml gives them, with the meeting's chat (direct messages only when asked for).
    `roster`: the Zoom roster when the caller has read it already (else it is read here)."""
    turns, report = find_turns(transcript, recording, engine, audio, engines)
    words = zoom.ChatWords.from_config(meeting.chat_words if meeting else None)
    if roster is None and zoom.companions(recording):
        roster = read_roster(recording, words)
    directory = Directory(meeting or Meeting(), roster)
    turns = [replace(t, speaker=directory.name(t.speaker)) for t in turns]
    unknown = UNKNOWN
    if report["used"] == "none" and report["passed_over"]:
        unknown = f"unknown: no usable speaker data (passed over: {', '.join(report['passed_over'])}; see run.json)"
    elif engine == "none":
        report["why"] = "no speaker engine asked for: labels already in the transcript are kept"
    out = attach(transcript, turns, unknown)
    if report["used"] in TALKING:
        out = _unheard_turns(out, turns)
    out.speakers = report
    if recording.chat_file:
        out.chat = chat(recording, directory, words, direct_messages, audio.parts if audio else None)
    return out


def _unheard_turns(transcript: Transcript, turns: list[Turn]) -> Transcript:
    """The transcript with a `[ฟังไม่ชัด]` line, flagged, wherever a turn has someone talking and
    the transcript no words (`transcribe.unheard_turns`); segments renumbered in time order."""
    lines, edits = transcribe.unheard_turns(transcript.segments, turns)
    if not lines:
        return transcript
    segments = sorted([*transcript.segments, *lines], key=lambda seg: seg.start)
    for i, seg in enumerate(segments):
        seg.id = i
    edits = sorted([*transcript.edits, *edits], key=lambda e: (e.start, e.end))
    return replace(transcript, segments=segments, edits=edits)


def chat(
    recording: Recording,
    directory: Directory,
    words: zoom.ChatWords,
    direct_messages: bool,
    lengths: list[float] | None = None,
) -> list[ChatMessage]:
    """The recording's chat, senders named as in the transcript; direct messages only when asked for.

    `lengths` (the decoded parts' lengths) place the chat of a recording made in several parts.
    """
    started = dt.datetime.fromisoformat(recording.started) if recording.started else None
    several = started and len(recording.parts) > 1
    clock = part_clock(recording.parts, started, lengths) if several else None
    parsed = zoom.parse_chat(recording.chat_file, started, words, clock)
    return [
        replace(m, sender=directory.name(m.zoom_name), to=directory.name(m.to) if m.direct else m.to)
        for m in parsed.messages
        if direct_messages or not m.direct
    ]


def attach(transcript: Transcript, turns: list[Turn], unknown: str = UNKNOWN) -> Transcript:
    """Label each word by the turn that covers most of it; split segments where the label changes.

    Segments keep any speaker they already have when no turn says otherwise (a reviewer's label);
    the others say why no one is known (`unknown`). Segments are renumbered from 0.
    """
    turns = sorted(turns, key=lambda t: t.start)
    edited = {thai.describe(e) for e in transcript.edits if e.kind != "unheard"}
    out: list[Segment] = []
    for seg in transcript.segments:
        pieces = _split(seg, turns, unknown) if turns else [_keep(seg, unknown)]
        for piece in pieces:
            if len(pieces) > 1:  # each piece flagged for the edits its own time touches, as the text stage does
                rest = [f for f in seg.flags if f not in edited]
                piece.flags = list(dict.fromkeys([*thai.edit_flags(piece, transcript.edits), *rest]))
            piece.id = len(out)
            out.append(piece)
    return replace(transcript, segments=out)


def _keep(seg: Segment, unknown: str = UNKNOWN) -> Segment:
    return replace(seg, speaker_source=seg.speaker_source or ("given" if seg.speaker else unknown))


def _who(start: float, end: float, turns: list[Turn]) -> tuple[Turn | None, list[str]]:
    """The turn covering most of [start, end], and the other speakers overlapping it substantially."""
    span = max(end - start, 1e-3)
    shares: dict[str, tuple[float, Turn]] = {}
    for t in turns:
        if t.start >= end:
            break
        overlap = min(end, t.end) - max(start, t.start)
        if overlap > 0:
            best = shares.get(t.speaker, (0.0, t))[0]
            shares[t.speaker] = (best + overlap, t)
    if not shares:
        near = min(turns, key=lambda t: max(t.start - end, start - t.end, 0.0))
        gap = max(near.start - end, start - near.end, 0.0)
        return (near, []) if gap <= NEAREST else (None, [])
    ranked = sorted(shares.items(), key=lambda kv: -kv[1][0])
    others = [name for name, (overlap, _) in ranked[1:] if overlap / span >= OVERLAP_SHARE]
    return ranked[0][1][1], others


def _split(seg: Segment, turns: list[Turn], unknown: str = UNKNOWN) -> list[Segment]:
    words = seg.words or [Word(seg.start, seg.end, seg.text)]
    labels = [_who(w.start, w.end, turns) for w in words]
    if all(turn is None for turn, _ in labels):
        return [_keep(seg, unknown)]
    # Each word's place in the sentence text, so the split keeps the text's own spacing.
    spans, cursor = [], 0
    for w in words:
        at = seg.text.find(w.text.strip(), cursor) if w.text.strip() else -1
        spans.append(at if at >= 0 else cursor)
        cursor = (at + len(w.text.strip())) if at >= 0 else cursor
    pieces: list[Segment] = []
    for first, end, which in _runs(words, labels):
        turn, others = labels[which]
        text_end = spans[end] if end < len(words) else len(seg.text)
        text = seg.text[spans[first] : text_end].strip() if seg.words else seg.text
        if text:
            pieces.append(
                replace(
                    seg,
                    start=words[first].start,
                    end=words[end - 1].end,
                    text=text,
                    words=words[first:end] if seg.words else [],
                    speaker=turn.speaker if turn else seg.speaker,
                    speaker_source=turn.source if turn else (seg.speaker_source or unknown),
                    overlapping=sorted(set(others)),
                )
            )
    return pieces


def _continues(text: str) -> bool:
    """A word piece that cannot begin a Thai syllable (a vowel or tone mark of the one before):
    Whisper's word timestamps sometimes cut there, and a speaker change must not."""
    text = text.strip()
    return bool(text) and (unicodedata.category(text[0]) == "Mn" or text[0] in "ะาำๅๆ")


def _runs(words: list[Word], labels: list[tuple[Turn | None, list[str]]]) -> list[tuple[int, int, int]]:
    """(first word, end word, word whose label the run takes) of each stretch of one label.

    A stretch shorter than MIN_PIECE is too short to trust (word times are rough): it joins a
    neighbour, the one with its main speaker if there is one, else the one before it.
    """
    bounds = [0]
    bounds += [
        i
        for i in range(1, len(words))
        if _label(labels[i]) != _label(labels[i - 1]) and not _continues(words[i].text)
    ]
    runs = [(a, b, a) for a, b in zip(bounds, [*bounds[1:], len(words)], strict=True)]
    while len(runs) > 1:
        lengths = [words[b - 1].end - words[a].start for a, b, _ in runs]
        k = min(range(len(runs)), key=lengths.__getitem__)
        if lengths[k] >= MIN_PIECE:
            break
        speaker = _label(labels[runs[k][2]])[0]
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(runs)]
        j = next((j for j in neighbours if _label(labels[runs[j][2]])[0] == speaker), neighbours[0])
        lo, hi = min(k, j), max(k, j)
        runs[lo : hi + 1] = [(runs[lo][0], runs[hi][1], runs[j][2])]
    return runs


def _label(label: tuple[Turn | None, list[str]]) -> tuple[str | None, tuple[str, ...]]:
    turn, others = label
    return (turn.speaker if turn else None, tuple(sorted(others)))


def part_clock(parts: list[str], started: dt.datetime, lengths: list[float] | None = None) -> zoom.PartClock:
    """The wall-clock start of each part: the first at `started` (the folder name), the others as
    far after it as their containers' creation times say, or right after the part before.

    `lengths` are the parts' decoded lengths (`Audio.parts`); without them the containers' are used.
    """
    probes = [audio.probe(part) for part in parts]
    durations = lengths if lengths and len(lengths) == len(parts) else [duration for duration, _ in probes]
    starts = [started]
    first_created = probes[0][1]
    for previous, (_, created) in zip(durations, probes[1:], strict=False):
        if created and first_created:
            starts.append(started + (created - first_created))
        else:
            starts.append(starts[-1] + dt.timedelta(seconds=previous))
    return zoom.PartClock(starts, list(durations))
