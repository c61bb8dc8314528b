import wave
from pathlib import Path

import pytest

from pipeline import audio
from pipeline.errors import MinutesError
from tests.conftest import ffmpeg


def test_decodes_aac_stereo_48k_to_16k_mono(tone_m4a: Path, tmp_path: Path) -> None:
    result = audio.decode([str(tone_m4a)], tmp_path / "out.wav")
    with wave.open(result.path) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, 16000, 2)
    assert result.duration == pytest.approx(2.0, abs=0.05)
    samples = audio.load(result.path)
    assert samples.dtype.name == "float32" and 0.05 < abs(samples).max() <= 1.0


def test_parts_play_one_after_another(tone_m4a: Path, tmp_path: Path) -> None:
    video = tmp_path / "zoom_1.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=duration=1:size=64x48:rate=5",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=1:sample_rate=44100",
        "-shortest",
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        str(video),
    )
    result = audio.decode([str(tone_m4a), str(video)], tmp_path / "out.wav")
    assert result.duration == pytest.approx(3.0, abs=0.1)


def test_creation_time_is_read_as_bangkok_time(tmp_path: Path) -> None:
    src = tmp_path / "rec.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-metadata", "creation_time=2022-04-19T06:30:00Z", str(src))
    assert audio.decode([str(src)], tmp_path / "out.wav").created == "2022-04-19T13:30:00"


def test_video_without_audio_track(tmp_path: Path) -> None:
    video = tmp_path / "video.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5", "-c:v", "mpeg4", str(video))
    with pytest.raises(MinutesError, match="no audio track") as err:
        audio.decode([str(video)], tmp_path / "out.wav")
    assert str(video) in str(err.value)


def test_text_file_named_m4a(tmp_path: Path) -> None:
    fake = tmp_path / "meeting.m4a"
    fake.write_text("รายงานการประชุม ไม่ใช่ไฟล์เสียง\n" * 20, encoding="utf-8")
    with pytest.raises(MinutesError, match="not a readable audio") as err:
        audio.decode([str(fake)], tmp_path / "out.wav")
    assert str(fake) in str(err.value) and "\n" not in str(err.value)
