"""Decode any container (m4a, mp4, mp3, webm, ...) to 16 kHz mono 16-bit WAV with ffmpeg.

Parts of one meeting are decoded one after another into a single file, streamed in chunks so
memory stays flat however long the meeting is.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import threading
import warnings
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from pipeline.errors import MinutesError
from pipeline.thaidate import BANGKOK
from pipeline.types import Audio

SAMPLE_RATE = 16000
_CHUNK = 1 << 16


def ffmpeg_exe() -> str:
    """ffmpeg from PATH, else the binary the imageio-ffmpeg wheel ships (Windows included).

    pydub is pointed at the same binary, so everything that touches audio agrees on one ffmpeg.
    """
    exe = shutil.which("ffmpeg")
    if exe is None:
        try:
            import imageio_ffmpeg

            exe = imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            raise MinutesError(
                "ffmpeg not found; install it (apt-get install ffmpeg, or winget install ffmpeg) "
                "or pip install imageio-ffmpeg"
            ) from None
    with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = exe
    return exe


def decode(parts: list[str], dest: Path) -> Audio:
    """Decode `parts` in order into `dest` (16 kHz mono WAV). Raises MinutesError on bad input."""
    exe = ffmpeg_exe()
    created = None
    lengths: list[float] = []  # where each part ends up on the joined timeline (chat times need it)
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for part in parts:
            stderr = _decode_part(exe, part, out)
            created = created or _creation_time(stderr)
            lengths.append(round(out.tell() / SAMPLE_RATE - sum(lengths), 3))
    with wave.open(str(dest), "rb") as check:
        frames = check.getnframes()
    if frames == 0:
        raise MinutesError(f"{parts[0]}: the recording holds no sound (0 s of audio); check the file")
    return Audio(path=str(dest), duration=frames / SAMPLE_RATE, created=created, parts=lengths)


def _decode_part(exe: str, part: str, out: wave.Wave_write) -> str:
    cmd = [
        exe,
        "-nostdin",
        "-hide_banner",
        "-i",
        part,
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-f",
        "s16le",
        "-",
    ]
    # stderr is drained on a thread while stdout streams: a chatty ffmpeg must never block.
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        err_chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
        reader.start()
        while chunk := proc.stdout.read(_CHUNK):
            out.writeframes(chunk)
        proc.wait()
        reader.join()
    stderr = b"".join(err_chunks).decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise MinutesError(f"{part}: {_explain(stderr)}")
    return stderr


def _explain(stderr: str) -> str:
    if "matches no streams" in stderr or "does not contain any stream" in stderr:
        return "this file has no audio track; use the recording's audio file (e.g. audio*.m4a) instead"
    if "Invalid data found" in stderr or "could not find codec" in stderr.lower():
        return "not a readable audio or video file (damaged, or another kind of file renamed); copy it again"
    if "moov atom not found" in stderr:
        return "the recording is incomplete (moov atom missing: recording or copy was cut off); copy it again"
    last = [line for line in stderr.strip().splitlines() if line.strip()]
    return f"ffmpeg could not decode it ({last[-1].strip() if last else 'no message'}); check the file"


def _creation_time(stderr: str) -> str | None:
    """The container's creation_time (UTC) as Bangkok local time, when ffmpeg reports one."""
    match = re.search(r"creation_time\s*:\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})", stderr)
    if not match:
        return None
    utc = dt.datetime.fromisoformat(match[1]).replace(tzinfo=dt.timezone.utc)
    if utc.year < 1971:  # an unset field reads as the epoch
        return None
    return utc.astimezone(BANGKOK).replace(tzinfo=None).isoformat()


def load(path: str | Path) -> np.ndarray:
    """The decoded WAV as float32 samples in [-1, 1], as faster-whisper expects.

    The whole file: fine for a clip; for a meeting use `Samples`, which reads a stretch at a time.
    """
    return Samples(path).read(0.0, None)


class Samples:
    """16 kHz mono audio read one stretch at a time, so a 3-hour meeting never sits in memory whole.

    Backed by the decoded WAV on disk, or by an array (tests, clips already in memory).
    """

    def __init__(self, path: str | Path | None = None, array: np.ndarray | None = None) -> None:
        if (path is None) == (array is None):
            raise ValueError("give a WAV path or an array")
        self.path = None if path is None else Path(path)
        self.array = None if array is None else np.asarray(array, dtype=np.float32)
        self.probabilities: np.ndarray | None = None  # Silero's, once computed (speech_probabilities)
        if self.path is not None:
            with wave.open(str(self.path), "rb") as w:
                if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, SAMPLE_RATE):
                    raise MinutesError(f"{self.path}: not 16 kHz mono 16-bit audio; decode it again (--force)")
                self.frames = w.getnframes()
        else:
            self.frames = len(self.array)

    @property
    def duration(self) -> float:
        return self.frames / SAMPLE_RATE

    def read(self, start: float, end: float | None) -> np.ndarray:
        """float32 samples in [-1, 1] from `start` to `end` seconds (None: to the end)."""
        first = min(max(int(round(start * SAMPLE_RATE)), 0), self.frames)
        last = self.frames if end is None else min(max(int(round(end * SAMPLE_RATE)), first), self.frames)
        if self.array is not None:
            return self.array[first:last]
        with wave.open(str(self.path), "rb") as w:
            w.setpos(first)
            data = np.frombuffer(w.readframes(last - first), dtype=np.int16)
        return data.astype(np.float32) / 32768.0

    def blocks(self, seconds: float) -> Iterator[np.ndarray]:
        """The whole audio as consecutive blocks of `seconds` (the last one shorter)."""
        step = int(seconds * SAMPLE_RATE)
        for first in range(0, self.frames, step):
            yield self.read(first / SAMPLE_RATE, (first + step) / SAMPLE_RATE)


VAD_WINDOW = 512  # samples per Silero VAD decision (32 ms)
_VAD_CONTEXT = 64  # samples of the previous window the model sees before each window


def speech_probabilities(samples: Samples, block_seconds: float = 256.0) -> np.ndarray:
    """Silero VAD's speech probability for every 32 ms window, read block by block.

    The model faster-whisper ships is used, fed exactly as faster-whisper feeds it (each window
    with the last 64 samples of the one before), but a block at a time: memory stays flat on
    long meetings, and the result equals faster-whisper's whole-file computation. Computed for
    each `Samples` once and kept on it, so the transcript stage's two readers (its windows and its
    weak-speech check) share it; no module-level cache carries it from one stage to the next:
    0.17 s for the 65 s sample on a 2-core CPU (some 20 s for 2 hours), which the speaker stage,
    reading the WAV anew, spends again. `block_seconds` only bounds memory, never the result.
    """
    if samples.probabilities is None:
        probs = _speech_probabilities(samples, block_seconds)
        probs.setflags(write=False)
        samples.probabilities = probs
    return samples.probabilities


def _speech_probabilities(samples: Samples, block_seconds: float) -> np.ndarray:
    from faster_whisper.vad import get_vad_model

    session = get_vad_model().session
    state = np.zeros((1, 1, 128), dtype=np.float32), np.zeros((1, 1, 128), dtype=np.float32)
    context = np.zeros(_VAD_CONTEXT, dtype=np.float32)
    step = VAD_WINDOW * int(block_seconds * SAMPLE_RATE / VAD_WINDOW)
    out: list[np.ndarray] = []
    for block in samples.blocks(step / SAMPLE_RATE):
        if len(block) % VAD_WINDOW:
            block = np.pad(block, (0, VAD_WINDOW - len(block) % VAD_WINDOW))
        windows = block.reshape(-1, VAD_WINDOW)
        before = np.concatenate([context[None, :], windows[:-1, -_VAD_CONTEXT:]])
        context = windows[-1, -_VAD_CONTEXT:].copy()
        probs, h, c = session.run(None, {"input": np.concatenate([before, windows], 1), "h": state[0], "c": state[1]})
        state = (h, c)
        out.append(np.asarray(probs, dtype=np.float32).reshape(-1))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def frame_energy(samples: Samples, block_seconds: float = 256.0) -> np.ndarray:
    """The level (dBFS) of every 32 ms VAD window, block by block (memory stays flat)."""
    step = VAD_WINDOW * int(block_seconds * SAMPLE_RATE / VAD_WINDOW)
    out: list[np.ndarray] = []
    for block in samples.blocks(step / SAMPLE_RATE):
        if len(block) % VAD_WINDOW:
            block = np.pad(block, (0, VAD_WINDOW - len(block) % VAD_WINDOW))
        power = np.mean(block.reshape(-1, VAD_WINDOW).astype(np.float64) ** 2, axis=1)
        out.append((10 * np.log10(power + 1e-12)).astype(np.float32))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


# What a container says of itself (ffmpeg -i), without decoding it.


def _ffmpeg_report(path: str | Path, timeout: float | None) -> str:
    """What `ffmpeg -i` says of a media file (its container's duration, streams and tags)."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    return subprocess.run(command, capture_output=True, timeout=timeout).stderr.decode("utf-8", errors="replace")


def _container_seconds(report: str) -> float | None:
    match = re.search(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", report)
    return int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3]) if match else None


def probe(path: str | Path) -> tuple[float, dt.datetime | None]:
    """A media file's duration (seconds, 0 when unknown) and container creation time (local), as ffmpeg reports them."""
    report = _ffmpeg_report(path, None)
    created = _creation_time(report)
    return _container_seconds(report) or 0.0, dt.datetime.fromisoformat(created) if created else None


def media_seconds(path: str | Path, timeout: float | None = None) -> float | None:
    """A media file's duration from its container (seconds), None when ffmpeg names none."""
    return _container_seconds(_ffmpeg_report(path, timeout))
