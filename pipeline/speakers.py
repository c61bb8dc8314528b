"""Who said what. A speaker engine (chosen by name) finds speaker turns; `attach` puts them on
the words, splitting a sentence where the speaker changes and keeping overlapping speakers visible.

Every label says how it is known (`speaker_source`), so the reviewer can tell a name the data
gives from a guess. The `none` engine is honest about a single mixed track: it knows no one and
keeps any speaker a reviewer already wrote into a transcript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pipeline.errors import choose
from pipeline.types import Audio, Recording, Segment, Transcript, Turn, Word

UNKNOWN = "unknown: one mixed track, no speaker data"
OVERLAP_SHARE = 0.5  # another speaker covering half a word's time is speaking at the same time
NEAREST = 1.0  # seconds: a word just outside every turn takes the nearest one within this


def _none(transcript: Transcript, recording: Recording, audio: Audio | None) -> list[Turn]:
    return []


Engine = Callable[[Transcript, Recording, "Audio | None"], list[Turn]]
ENGINES: dict[str, Engine] = {"none": _none}


def assign(
    transcript: Transcript, recording: Recording, engine: str = "none", audio: Audio | None = None
) -> Transcript:
    """A new transcript whose segments carry the speakers the named engine finds."""
    turns = choose(ENGINES, engine, "speaker")(transcript, recording, audio)
    return attach(transcript, turns)


def attach(transcript: Transcript, turns: list[Turn]) -> Transcript:
    """Label each word by the turn that covers most of it; split segments where the label changes.

    Segments keep any speaker they already have when no turn says otherwise (a reviewer's label).
    Segments are renumbered from 0.
    """
    turns = sorted(turns, key=lambda t: t.start)
    out: list[Segment] = []
    for seg in transcript.segments:
        for piece in _split(seg, turns) if turns else [_keep(seg)]:
            piece.id = len(out)
            out.append(piece)
    return replace(transcript, segments=out)


def _keep(seg: Segment) -> Segment:
    return replace(seg, speaker_source=seg.speaker_source or ("given" if seg.speaker else UNKNOWN))


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


def _split(seg: Segment, turns: list[Turn]) -> list[Segment]:
    words = seg.words or [Word(seg.start, seg.end, seg.text)]
    labels = [_who(w.start, w.end, turns) for w in words]
    if all(turn is None for turn, _ in labels):
        return [_keep(seg)]
    # Each word's place in the sentence text, so the split keeps the text's own spacing.
    spans, cursor = [], 0
    for w in words:
        at = seg.text.find(w.text.strip(), cursor) if w.text.strip() else -1
        spans.append(at if at >= 0 else cursor)
        cursor = (at + len(w.text.strip())) if at >= 0 else cursor
    pieces: list[Segment] = []
    run_start = 0
    for i in range(1, len(words) + 1):
        if i < len(words) and _label(labels[i]) == _label(labels[run_start]):
            continue
        turn, others = labels[run_start]
        text_end = spans[i] if i < len(words) else len(seg.text)
        text = seg.text[spans[run_start] : text_end].strip() if seg.words else seg.text
        if text:
            pieces.append(
                replace(
                    seg,
                    start=words[run_start].start,
                    end=words[i - 1].end,
                    text=text,
                    words=words[run_start:i] if seg.words else [],
                    speaker=turn.speaker if turn else seg.speaker,
                    speaker_source=turn.source if turn else (seg.speaker_source or UNKNOWN),
                    overlapping=sorted(set(others)),
                )
            )
        run_start = i
    return pieces


def _label(label: tuple[Turn | None, list[str]]) -> tuple[str | None, tuple[str, ...]]:
    turn, others = label
    return (turn.speaker if turn else None, tuple(sorted(others)))
