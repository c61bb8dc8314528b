"""Shared fixtures: real media made with ffmpeg, the bundled sample, and a fake engine seam."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline import audio, transcribe
from pipeline.types import Segment, Transcript, Word

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "recordings" / "sample"
SHARED_SPEECH = ROOT.parent / "shared" / "speech"

# Whisper base's decoding of speech at the edge of hearing (a voice buried in noise, a word across a
# long pause) turns on the last bits of its int8 matrix products, which differ by CPU: Intel's MKL or
# oneDNN, AVX2 or AVX-512. The real-model tests pin CTranslate2 to oneDNN at AVX2, which every x86-64
# machine of the last ten years has, so they decode the same everywhere. Set them beforehand to run the tests otherwise.
if platform.machine().lower() in ("x86_64", "amd64"):
    for _name, _value in {"CT2_USE_MKL": "0", "CT2_FORCE_CPU_ISA": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}.items():
        os.environ.setdefault(_name, _value)


def ffmpeg(*args: str) -> None:
    subprocess.run([audio.ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def sample_m4a() -> Path:
    return SAMPLE / "meeting.m4a"


@pytest.fixture
def tone_m4a(tmp_path: Path) -> Path:
    """Two seconds of a 440 Hz tone in AAC/MP4, as Zoom writes audio."""
    out = tmp_path / "tone.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=48000", "-ac", "2", "-c:a", "aac", str(out))
    return out


# Whisper-like output of a short meeting: odd spaces, no punctuation, spoken closings.
SCRIPT = [
    (0.5, 4.0, "สวัสดีครับ ขอเปิดการประชุม"),
    (4.5, 9.0, "เข้าสู่ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    (9.5, 14.0, "ประธานแจ้งว่าโครงการ ลดฝุ่น PM2.5 เริ่มแล้วในเขตบางรัก"),
    (14.5, 17.0, "ที่ประชุมรับทราบนะครับ"),
    (17.5, 22.0, "ต่อไปเป็นวาระที่ 4 เรื่องเพื่อพิจารณา"),
    (22.5, 28.0, "ขอให้สำนักสิ่งแวดล้อมจัดทำแผนงาน ภายในวันที่ 30 เมษายน 2569"),
    (28.5, 33.0, "ถ้าไม่มีผู้ใดเห็นเป็นอย่างอื่น ถือว่าที่ประชุมเห็นชอบตามที่เสนอนะครับ"),
]


SCRIPT_SECONDS = 33.5  # the script's length, with its last half second of silence
SILENCE = 1e-3  # a peak under this (about -60 dBFS) is no speech at all


class FakeEngine:
    """Stands in for faster-whisper at the engine seam (one method, `transcribe`), and hears its input:
    it says SCRIPT over the audio it is given, read from the samples themselves. Audio as long as the
    script or longer gets the script at its own times; shorter audio gets it spoken faster, every time
    scaled to fit (a 2-second tone: seven sentences in 2 s); silence gets no words at all. It counts
    its calls so tests see what reran. The real engine behind the same seam runs in test_sample.py."""

    calls = 0

    def __init__(self, settings: transcribe.Settings) -> None:
        self.settings = settings

    def transcribe(self, samples: audio.Samples, duration: float, progress) -> Transcript:  # noqa: ANN001
        FakeEngine.calls += 1
        heard = samples.duration
        loud = any(len(block) and float(np.abs(block).max()) >= SILENCE for block in samples.blocks(60.0))
        scale = min(1.0, heard / SCRIPT_SECONDS)
        segments = []
        for i, (start, end, text) in enumerate(SCRIPT if loud else []):
            start, end = round(start * scale, 3), round(end * scale, 3)
            pieces = text.split(" ")
            step = (end - start) / len(pieces)
            words = [
                Word(round(start + k * step, 3), round(start + (k + 1) * step, 3), (" " if k else "") + p)
                for k, p in enumerate(pieces)
            ]
            segments.append(Segment(id=i, start=start, end=end, text=text, words=words))
        if progress:
            progress(duration, duration)
        return Transcript(language="th", duration=duration, segments=segments)


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> type[FakeEngine]:
    """Put the fake in the real engine table under the default engine's name."""
    monkeypatch.setitem(transcribe.ENGINES, "faster-whisper", FakeEngine)
    monkeypatch.setattr(transcribe, "model_identity", lambda name: f"fake:{name}")
    FakeEngine.calls = 0
    return FakeEngine
