"""Who said what. Engines by name; each marks how it knows (`speaker_source`), so the reviewer can
tell a name given by the data from a guess.

The first engine is honest about a single mixed track: it knows no one, says so, and keeps any
speaker a reviewer already wrote into a transcript. Track-based and diarisation engines join the
ENGINES table as they come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pipeline.errors import choose
from pipeline.types import Recording, Segment, Transcript

UNKNOWN = "unknown: one mixed track, no speaker data"


def _none(transcript: Transcript, recording: Recording) -> list[Segment]:
    """Label nothing that is not known: existing labels stay, the rest are marked unknown."""
    return [
        replace(s, speaker_source=s.speaker_source or ("given" if s.speaker else UNKNOWN)) for s in transcript.segments
    ]


ENGINES: dict[str, Callable[[Transcript, Recording], list[Segment]]] = {"none": _none}


def assign(transcript: Transcript, recording: Recording, engine: str = "none") -> Transcript:
    """A new transcript whose segments carry speaker labels from the named engine."""
    label = choose(ENGINES, engine, "speaker")
    return replace(transcript, segments=label(transcript, recording))
