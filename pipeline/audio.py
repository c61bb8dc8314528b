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
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for part in parts:
            stderr = _decode_part(exe, part, out)
            created = created or _creation_time(stderr)
    with wave.open(str(dest), "rb") as check:
        frames = check.getnframes()
    if frames == 0:
        raise MinutesError(f"{parts[0]}: the recording holds no sound (0 s of audio); check the file")
    return Audio(path=str(dest), duration=frames / SAMPLE_RATE, created=created)


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
    """The decoded WAV as float32 samples in [-1, 1], as faster-whisper expects."""
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    return data.astype(np.float32) / 32768.0
