"""Names for the voices diarisation tells apart, from a library of known voices.

The library is a folder with one subfolder per person, named as the minutes should name them,
holding a few recordings of their voice (a few seconds to a minute each, any audio ffmpeg reads:
wav, m4a, mp3...):

    speakers/
      นายสมชาย ใจดี/ประชุม มีนาคม.m4a
      นางสาวมาลี รักไทย/1.wav

Each speaker found in a meeting takes the name of the library voice closest to theirs, each name
at most once per meeting, and only when the two are at least `THRESHOLD` alike: a stranger stays
"ผู้พูด 3" rather than being given the nearest name. When meeting.yaml lists who attended, only
those people are candidates (members marked absent are not).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pipeline import audio as audio_io
from pipeline.errors import MinutesError
from pipeline.meeting import Directory
from pipeline.types import Meeting, Turn
from pipeline.voiceprint import Diarisation, unit, voice_print

AUDIO = {".wav", ".m4a", ".mp3", ".mp4", ".aac", ".flac", ".ogg", ".opus", ".webm", ".wma"}
# Cosine similarity of voice prints at which a name is given. Measured on composed meetings with
# 1-4 s enrolments (benchmarks/diarisation.py --library, dev and test sets): at 0.70 a third of the
# enrolled speech went unnamed; at 0.55 a stranger was named (8.9% of their speech on test); 0.60
# names 71-86% right, 0.6% wrongly, and leaves strangers unnamed but for 0.9-2.1% of their speech.
THRESHOLD = 0.60
SOURCE = "voice library"


@dataclass
class Library:
    """Known voices: name -> voice print (L2-normed mean over the person's recordings)."""

    folder: Path
    voices: dict[str, np.ndarray]

    @classmethod
    def load(cls, folder: str | Path) -> Library:
        """Read every person's recordings; one-line errors name the file or folder at fault."""
        folder = Path(folder)
        people = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        voices: dict[str, np.ndarray] = {}
        for person in people:
            files = _recordings(person)
            if not files:
                continue
            prints = [voice_print(_decode(f)) for f in files]
            prints = [p for p in prints if p is not None]
            if not prints:
                raise MinutesError(f"{person}: no speech heard in its recordings; add a recording of this voice")
            voices[person.name] = unit(np.mean(prints, axis=0))
        if not voices:
            raise MinutesError(
                f"{folder}: no voices found; make one folder per person holding their recordings, "
                "e.g. speakers/นายสมชาย ใจดี/1.wav"
            )
        return cls(folder, voices)


def _recordings(person: Path) -> list[Path]:
    return sorted(f for f in person.iterdir() if f.is_file() and f.suffix.lower() in AUDIO)


def _decode(path: Path) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        return audio_io.load(audio_io.decode([str(path)], Path(tmp) / "voice.wav").path)


@dataclass
class Named:
    turns: list[Turn]
    note: str


def name_turns(found: Diarisation, library: Library, meeting: Meeting | None) -> Named:
    """The turns with each speaker the library knows renamed, one name per speaker at most."""
    from scipy.optimize import linear_sum_assignment

    candidates = _candidates(library, meeting)
    labels = [s for s in found.voices if any(t.speaker == s for t in found.turns)]
    if not candidates or not labels:
        return Named(found.turns, f"no library voice is a candidate ({library.folder})")
    names = list(candidates)
    sims = np.array([[float(found.voices[s] @ candidates[n]) for n in names] for s in labels])
    rows, cols = linear_sum_assignment(-sims)
    renamed = {labels[r]: (names[c], sims[r, c]) for r, c in zip(rows, cols, strict=True) if sims[r, c] >= THRESHOLD}
    turns = [
        replace(t, speaker=renamed[t.speaker][0], source=f"{SOURCE} ({renamed[t.speaker][1]:.2f})")
        if t.speaker in renamed
        else t
        for t in found.turns
    ]
    note = f"{len(renamed)} of {len(labels)} named from the voice library (similarity ≥ {THRESHOLD})"
    return Named(turns, note)


def roster(meeting: Meeting | None) -> list[str]:
    """The people meeting.yaml says may speak: everyone it lists except members marked absent."""
    if meeting is None:
        return []
    people = [meeting.chair, *meeting.members, *meeting.members_present, *meeting.attendees]
    people += [meeting.minute_taker, meeting.reviewer]
    absent = {p.name for p in meeting.members_absent}
    return sorted({p.name for p in people if p and p.name and p.name not in absent})


def _candidates(library: Library, meeting: Meeting | None) -> dict[str, np.ndarray]:
    """Library voices allowed for this meeting, under the name the minutes use for them."""
    allowed = roster(meeting)
    if not allowed:
        return dict(library.voices)
    directory = Directory(meeting)  # type: ignore[arg-type]
    out: dict[str, np.ndarray] = {}
    for folder_name, print_ in library.voices.items():
        person = directory.person(folder_name)  # titles and spacing need not match exactly
        if person is not None and person.name in allowed:
            out[person.name] = print_
    return out


def fingerprint(folder: str | Path) -> list[tuple[str, str]]:
    """(relative path, SHA-256) of every recording in the library: the speakers stage reruns when
    a voice is added, removed or replaced."""
    folder = Path(folder)
    out = []
    for person in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        for f in _recordings(person):
            out.append((f.relative_to(folder).as_posix(), hashlib.sha256(f.read_bytes()).hexdigest()))
    return out
