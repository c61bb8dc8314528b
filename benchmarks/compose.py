"""Meetings composed from clips of real Thai speech, with the truth of who spoke when.

A meeting takes turns between its speakers: each turn 1-30 s long (log-uniform, so short
interjections are common), made of the speaker's own clips (cropped and joined when the turn is
longer than a clip), at a level that varies from turn to turn; between turns a pause, or with
some chance an overlap where the next speaker starts before the other stops. The mix gets a
little room noise and goes through AAC, as a Zoom recording does.

The clips are short (2.5-13 s each, one or two per speaker), so a long turn repeats a speaker's
words: the voices are real, the conversation is not. Used by benchmarks/diarisation.py and by the
diarisation tests. The turns are laid out on pipeline.evaluate.Timeline, as every composed meeting is.
"""

from __future__ import annotations

import math
import random
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.evaluate import Timeline

SR = 16000
TURN_SECONDS = (1.0, 30.0)
PAUSE_SECONDS = (0.3, 1.5)
OVERLAP_CHANCE = 0.15
OVERLAP_SECONDS = (0.5, 2.0)
NOISE_DBFS = -55.0
LEVEL_DB = (-6.0, 3.0)  # each turn's level around -23 dBFS


@dataclass
class Voice:
    """A speaker's material: clips of their speech (float32, 16 kHz), silence trimmed."""

    name: str
    clips: list[np.ndarray] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(len(c) for c in self.clips) / SR


@dataclass
class Meeting:
    audio: np.ndarray  # float32 mix, 16 kHz
    turns: list[tuple[float, float, str]]  # (start, end, speaker): the truth, overlaps included

    @property
    def duration(self) -> float:
        return len(self.audio) / SR


def trim(clip: np.ndarray, floor_db: float = 35.0) -> np.ndarray:
    """The clip from its first to its last 20 ms frame within `floor_db` of its loudest (energy only,
    so the truth does not depend on the VAD being evaluated)."""
    frame = SR // 50
    n = len(clip) // frame
    if n == 0:
        return clip
    rms = np.sqrt(np.mean(clip[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    loud = np.flatnonzero(db > max(db.max() - floor_db, -50.0))
    return clip[loud[0] * frame : (loud[-1] + 1) * frame]


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SR), path
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def _normalise(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = math.sqrt(float(np.mean(x.astype(np.float64) ** 2)) + 1e-12)
    return (x * (10 ** (dbfs / 20) / rms)).astype(np.float32)


def _turn_audio(voice: Voice, seconds: float, rng: random.Random) -> np.ndarray:
    """`seconds` of the voice: whole clips and crops of them, joined with a 10 ms crossfade."""
    need = int(seconds * SR)
    pieces: list[np.ndarray] = []
    have = 0
    while have < need:
        clip = voice.clips[rng.randrange(len(voice.clips))]
        take = min(len(clip), need - have)
        start = rng.randrange(0, len(clip) - take + 1)
        pieces.append(clip[start : start + take])
        have += take
    fade = SR // 100
    out = pieces[0]
    for p in pieces[1:]:
        if len(out) > fade and len(p) > fade:
            ramp = np.linspace(0, 1, fade, dtype=np.float32)
            joint = out[-fade:] * (1 - ramp) + p[:fade] * ramp
            out = np.concatenate([out[:-fade], joint, p[fade:]])
        else:
            out = np.concatenate([out, p])
    return out[:need]


def compose(voices: list[Voice], seconds: float, seed: int) -> Meeting:
    """A meeting of about `seconds` in which every voice speaks; the same seed gives the same meeting."""
    rng = random.Random(seed)
    timeline = Timeline()
    turns: list[tuple[float, float, str]] = []
    previous = None
    order = list(range(len(voices)))
    rng.shuffle(order)
    first_round = list(order)  # everyone speaks early, as in a round of introductions
    while timeline.end < seconds * SR or first_round:
        if first_round:
            who = first_round.pop(0)
        else:
            who = rng.choice([i for i in range(len(voices)) if i != previous])
        length = math.exp(rng.uniform(math.log(TURN_SECONDS[0]), math.log(TURN_SECONDS[1])))
        clip = _normalise(_turn_audio(voices[who], length, rng), -23.0 + rng.uniform(*LEVEL_DB))
        start, placed = timeline.end, timeline.placed
        if placed and rng.random() < OVERLAP_CHANCE:
            last_len = len(placed[-1][1])
            overlap = int(rng.uniform(*OVERLAP_SECONDS) * SR)
            start = max(timeline.end - min(overlap, last_len // 2, len(clip) // 2), placed[-1][0] + 1)
        elif placed:
            start = timeline.end + int(rng.uniform(*PAUSE_SECONDS) * SR)
        turns.append((*timeline.put(start, clip, voices[who].name), voices[who].name))
        previous = who
    mix = timeline.mix(tail=SR // 2)
    noise = np.random.default_rng(seed).standard_normal(len(mix)).astype(np.float32)
    mix += noise * 10 ** (NOISE_DBFS / 20)
    return Meeting(np.clip(mix, -1, 1), turns)


def voices_from(clips: dict[str, list[Path]]) -> list[Voice]:
    """Voices from WAV files grouped by speaker name."""
    return [Voice(name, [trim(read_wav(p)) for p in paths]) for name, paths in clips.items()]
