"""Zoom's per-participant tracks (`Audio Record/`): do they line up with the mixed recording, and
who speaks when.

Whether the tracks share the mixed track's timeline is disputed (one report says Zoom trims
silences), so each track is checked before it is trusted: durations first (a track as long as the
recording is expected at offset 0), then cross-correlation: a few seconds of the track's speech
are searched for in the whole recording (waveforms averaged down to 2 kHz, block by block, so
hours cost seconds) to find a candidate offset, and short windows of the track's speech, spread
over its whole length, must each match the mixed audio sample by sample at that same offset.
A track whose windows disagree (trimmed silences, drift, another meeting's file) is reported as
not aligned and is not used.
"""

from __future__ import annotations

import functools
import math
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline import audio, zoom
from pipeline.types import Turn

RATE = audio.SAMPLE_RATE
HOP = RATE // 100  # 10 ms frames
FRAME = HOP / RATE
SAME_LENGTH = 1.0  # seconds: a track this close to the recording's length is checked at offset 0 first
WINDOW = 1.0  # seconds of track audio compared sample by sample
SEARCH = 0.25  # seconds either side of the coarse offset
WINDOWS = 8  # windows compared per track, one per eighth of its length where there is speech
MIN_CORRELATION = 0.5  # normalised correlation a window must reach to count as a match
AGREE = 0.05  # seconds: matching windows must agree on the offset this closely
MIN_AGREEING = 0.5  # share of the compared windows that must match and agree (the rest: overlapped talk)
FLOOR_DB = -70.0  # quieter frames count as silence for the envelope
COARSE_RATE = 2000  # Hz: the search over the whole recording runs on audio averaged down to this
PROBES = 3  # seconds of the track searched for in the whole recording
SILENT_DB = -55.0  # a track whose loud frames stay below this holds no speech
# Speech activity: frames louder than max(floor + 10 dB, peak - 30 dB) of the track itself;
# pauses shorter than GAP join, stretches shorter than MIN_RUN are clicks, PAD widens each turn.
GAP = 0.4
MIN_RUN = 0.2
PAD = 0.1
SOURCE = "Zoom per-participant track"


@dataclass
class TrackCheck:
    """How one track relates to the mixed recording."""

    file: str
    name: str  # the display name as read from the file name
    duration: float
    status: str  # "aligned", "not aligned" or "silent"
    offset: float | None = None  # seconds to add to the track's time to get the recording's
    method: str = ""  # "durations" or "cross-correlation"
    windows: int = 0  # windows compared
    agreeing: int = 0  # windows that matched at the offset
    correlation: float = 0.0  # median normalised correlation of those windows
    reason: str = ""  # one line for the user


def read_wav(path: str | Path) -> np.ndarray:
    """The 16-bit samples of a WAV written by `audio.decode` (no float copy of a long recording)."""
    with open(path, "rb") as f, wave.open(f, "rb") as w:
        frames = w.getnframes()
        offset = f.tell()  # wave stops at the start of the data chunk
    return np.fromfile(path, dtype="<i2", count=frames, offset=offset)


def envelope_db(samples: np.ndarray) -> np.ndarray:
    """Loudness of each 10 ms frame in dBFS, computed in blocks so memory stays flat."""
    frames = len(samples) // HOP
    out = np.empty(frames, dtype=np.float32)
    block = 1 << 16
    for i in range(0, frames, block):
        chunk = samples[i * HOP : min(frames, i + block) * HOP].astype(np.float32) / 32768.0
        power = np.mean(chunk.reshape(-1, HOP) ** 2, axis=1)
        out[i : i + len(power)] = 10 * np.log10(power + 1e-10)
    return out


def _decimate(samples: np.ndarray) -> np.ndarray:
    """16 kHz -> 2 kHz by averaging blocks of 8 samples: a crude low-pass, enough to find speech by
    its waveform, and 8 times less to search through."""
    step = RATE // COARSE_RATE
    count = len(samples) // step
    out = np.empty(count, dtype=np.float32)
    block = 1 << 20
    for i in range(0, count, block):
        j = min(count, i + block)
        out[i:j] = samples[i * step : j * step].reshape(-1, step).astype(np.float32).mean(axis=1)
    return out


def _search(window: np.ndarray, recording: np.ndarray) -> tuple[int, float]:
    """(position, normalised correlation) of the best match of `window` anywhere in `recording`,
    searched block by block so memory stays flat however long the meeting."""
    best = (0, -1.0)
    block = 1 << 18
    for start in range(0, max(len(recording) - len(window), 0) + 1, block):
        region = recording[start : start + block + len(window) - 1]
        if len(region) < len(window):
            break
        lag, rho = _window_match(window, region)
        if rho > best[1]:
            best = (start + lag, rho)
    return best


def coarse_offset(track: np.ndarray, track_env: np.ndarray, recording_low: np.ndarray) -> float | None:
    """The offset at which the track's speech is found in the whole recording (2 kHz waveforms).

    The loudest second of each third of the track is searched for everywhere; the offset most of
    them agree on wins (overlapping talk can hide one of them), else the best single match.
    """
    low = _decimate(track)
    step, size = RATE // COARSE_RATE, int(WINDOW * COARSE_RATE)
    if len(low) < size or len(recording_low) < size:
        return None
    threshold = _threshold(track_env)
    found: list[tuple[float, float]] = []
    for part in np.array_split(np.arange(len(track_env)), PROBES):
        if len(part) == 0 or track_env[part].max() <= threshold:
            continue
        centre = int(part[np.argmax(track_env[part])]) * HOP // step
        start = min(max(centre - size // 2, 0), len(low) - size)
        position, rho = _search(low[start : start + size], recording_low)
        found.append(((position - start) / COARSE_RATE, rho))
    if not found:
        return None
    votes = [(sum(abs(o - other) <= AGREE for other, _ in found), rho, o) for o, rho in found]
    return round(max(votes)[2], 3)


def _window_match(window: np.ndarray, region: np.ndarray) -> tuple[int, float]:
    """(lag, normalised correlation) of the best match of `window` inside `region`."""
    w = window.astype(np.float64)
    r = region.astype(np.float64)
    n = 1 << math.ceil(math.log2(len(r) + len(w)))
    corr = np.fft.irfft(np.fft.rfft(r, n) * np.conj(np.fft.rfft(w, n)), n)[: len(r) - len(w) + 1]
    energy = np.concatenate([[0.0], np.cumsum(r**2)])
    local = np.sqrt(np.maximum(energy[len(w) :] - energy[: len(r) - len(w) + 1], 1e-9))
    rho = corr / (local * max(float(np.linalg.norm(w)), 1e-9))
    best = int(np.argmax(rho))
    return best, float(rho[best])


def _windows(track_env: np.ndarray, mixed_env: np.ndarray, offset: float, threshold: float) -> list[int]:
    """Frame indices of window centres, one per eighth of the track: where, at this offset, the
    track is speaking and most dominant in the mixed recording (so overlapping talk by others,
    which lowers the correlation, is avoided where the track allows)."""
    size = max(1, round(WINDOW / FRAME))
    kernel = np.ones(size) / size
    shift = round(offset / FRAME)
    index = np.arange(len(track_env)) + shift
    inside = (index >= 0) & (index < len(mixed_env))
    mixed_here = np.where(inside, mixed_env[np.clip(index, 0, len(mixed_env) - 1)], np.inf)
    loudness = np.convolve(track_env, kernel, "same")
    dominance = np.convolve(np.maximum(track_env, FLOOR_DB) - np.maximum(mixed_here, FLOOR_DB), kernel, "same")
    score = np.where((loudness > threshold) & (track_env > threshold) & inside, dominance, -np.inf)
    centres = []
    for part in np.array_split(np.arange(len(track_env)), WINDOWS):
        if len(part) and np.isfinite(score[part]).any():
            centres.append(int(part[np.argmax(score[part])]))
    return centres


@dataclass
class _Verdict:
    offset: float | None  # the offset the matching windows agree on, when the track lines up
    compared: int = 0  # windows compared
    agreeing: int = 0  # windows that match at the offset
    elsewhere: int = 0  # windows that match the recording only at another offset
    correlation: float = 0.0  # median normalised correlation of the agreeing windows


def _verify(
    track: np.ndarray,
    mixed: np.ndarray,
    centres: list[int],
    offset: float,
    search: float,
    low: Callable[[], np.ndarray],
) -> _Verdict:
    """Match each window near `offset`, at the sample.

    A window that does not match there is looked for in the whole recording: found at another
    offset, it shows the track does not keep one timeline (silences trimmed); found nowhere, it
    proves nothing (others talking over it), so it does not count against the track.
    """
    size = min(int(WINDOW * RATE), len(track))
    reach = int(search * RATE)
    found: list[tuple[float, float]] = []  # (offset, correlation) of windows that matched nearby
    verdict = _Verdict(None)
    missed: list[int] = []
    for centre in centres:
        start = min(max(centre * HOP - size // 2, 0), len(track) - size)
        lo = start + round(offset * RATE) - reach
        lo_clip, hi_clip = max(lo, 0), min(lo + size + 2 * reach, len(mixed))
        if hi_clip - lo_clip < size:
            continue  # this part of the track falls outside the recording at this offset
        verdict.compared += 1
        lag, rho = _window_match(track[start : start + size], mixed[lo_clip:hi_clip])
        if rho >= MIN_CORRELATION:
            found.append(((lo_clip + lag - start) / RATE, rho))
        else:
            missed.append(start)
    median = float(np.median([o for o, _ in found])) if found else offset
    agreeing = [(o, r) for o, r in found if abs(o - median) <= AGREE]
    verdict.agreeing = len(agreeing)
    verdict.elsewhere = len(found) - len(agreeing)
    step, small = RATE // COARSE_RATE, int(WINDOW * COARSE_RATE)
    for start in missed:
        window = _decimate(track[start : start + size])[:small]
        position, rho = _search(window, low())
        if rho >= MIN_CORRELATION and abs((position * step - start) / RATE - median) > SEARCH:
            verdict.elsewhere += 1
    if agreeing:
        verdict.correlation = round(float(np.median([r for _, r in agreeing])), 3)
    if agreeing and not verdict.elsewhere and verdict.agreeing >= MIN_AGREEING * verdict.compared:
        verdict.offset = round(float(np.median([o for o, _ in agreeing])), 3)
    return verdict


def _threshold(env: np.ndarray) -> float:
    floor = float(np.percentile(env, 10))
    peak = float(np.percentile(env, 99))
    return max(floor + 10.0, peak - 30.0)


def check(
    track: np.ndarray,
    mixed: np.ndarray,
    file: str,
    mixed_env: np.ndarray | None = None,
    mixed_low: np.ndarray | None = None,
) -> TrackCheck:
    """Whether `track` lines up with `mixed` (both 16 kHz samples), and at which offset.

    `mixed_env` and `mixed_low` (the recording's envelope and 2 kHz form) may be given when
    several tracks are checked against one recording.
    """
    env = envelope_db(track)
    result = TrackCheck(file=file, name=zoom.track_name(file), duration=round(len(track) / RATE, 2), status="")
    if len(env) == 0 or float(np.percentile(env, 99)) < SILENT_DB:
        result.status, result.reason = "silent", "no speech on this track"
        return result
    threshold = _threshold(env)
    mixed_env = envelope_db(mixed) if mixed_env is None else mixed_env
    low = functools.cache(lambda: _decimate(mixed) if mixed_low is None else mixed_low)
    difference = (len(track) - len(mixed)) / RATE
    verdict = _Verdict(None)
    for method in ("durations", "cross-correlation"):
        if method == "durations":
            if abs(difference) > SAME_LENGTH:
                continue
            guess, search = 0.0, SAME_LENGTH + SEARCH
        else:  # only when the durations do not settle it: search the whole recording
            guess, search = coarse_offset(track, env, low()), SEARCH
            if guess is None:
                break
        centres = _windows(env, mixed_env, guess, threshold)
        verdict = _verify(track, mixed, centres, guess, search, low)
        result.windows, result.agreeing, result.correlation = verdict.compared, verdict.agreeing, verdict.correlation
        if verdict.offset is not None:
            result.status, result.offset, result.method = "aligned", verdict.offset, method
            how = "durations match" if method == "durations" else f"lengths differ by {abs(difference):.1f} s"
            matched = f"{verdict.agreeing} of {verdict.compared} speech windows match"
            result.reason = f"{how}; {matched} at {verdict.offset:+.2f} s"
            return result
    result.status, result.method = "not aligned", "cross-correlation"
    elsewhere = f", {verdict.elsewhere} match it at another offset" if verdict.elsewhere else ""
    result.reason = (
        f"only {result.agreeing} of {result.windows} speech windows match the mixed recording at one offset"
        f"{elsewhere} (lengths differ by {difference:+.1f} s: silences trimmed, or another recording)"
    )
    return result


def activity(track: np.ndarray) -> list[tuple[float, float]]:
    """Stretches (seconds, track time) where the track's own speaker is speaking."""
    env = envelope_db(track)
    if len(env) == 0:
        return []
    active = env > _threshold(env)
    runs: list[list[float]] = []
    for i in np.flatnonzero(active):
        t = i * FRAME
        if runs and t - runs[-1][1] <= GAP:
            runs[-1][1] = t + FRAME
        else:
            runs.append([t, t + FRAME])
    end = len(track) / RATE
    return [(max(a - PAD, 0.0), min(b + PAD, end)) for a, b in runs if b - a >= MIN_RUN]


def analyse(tracks: list[str], mixed_wav: str | Path) -> tuple[list[TrackCheck], list[Turn]]:
    """Check every track against the decoded mixed recording; the turns of the aligned ones.

    Tracks are decoded one at a time into a temporary folder, so memory holds the mixed recording
    and one track. Turn speakers are display names as read from the file names.
    """
    mixed = read_wav(mixed_wav)
    mixed_env = envelope_db(mixed)  # shared by every track's check
    mixed_low = None  # the 2 kHz form, made when a first track needs the whole-recording search
    checks: list[TrackCheck] = []
    turns: list[Turn] = []
    with tempfile.TemporaryDirectory(prefix="minutes-tracks-") as tmp:
        for i, file in enumerate(tracks):
            wav = Path(tmp) / f"track{i}.wav"
            audio.decode([file], wav)
            samples = read_wav(wav)
            if mixed_low is None and abs(len(samples) - len(mixed)) > SAME_LENGTH * RATE:
                mixed_low = _decimate(mixed)
            result = check(samples, mixed, file, mixed_env, mixed_low)
            checks.append(result)
            if result.status == "aligned":
                shift = result.offset or 0.0
                turns += [Turn(a + shift, b + shift, result.name, SOURCE) for a, b in activity(samples)]
            del samples
            wav.unlink()
    return checks, sorted(turns, key=lambda t: t.start)
