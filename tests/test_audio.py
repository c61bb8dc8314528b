import wave
from pathlib import Path

import numpy as np
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


def test_samples_read_any_stretch_without_loading_the_file(sample_m4a: Path, tmp_path: Path) -> None:
    decoded = audio.decode([str(sample_m4a)], tmp_path / "sample.wav")
    whole = audio.load(decoded.path)
    samples = audio.Samples(decoded.path)
    assert samples.duration == pytest.approx(decoded.duration)
    assert np.array_equal(samples.read(10.0, 12.5), whole[160000:200000])
    assert len(samples.read(samples.duration - 1, samples.duration + 5)) == 16000  # clamped at the end
    assert np.array_equal(np.concatenate(list(samples.blocks(7.0))), whole)


def test_streamed_speech_probabilities_equal_faster_whispers_whole_file_vad(sample_m4a: Path, tmp_path: Path) -> None:
    from faster_whisper.vad import get_vad_model

    decoded = audio.decode([str(sample_m4a)], tmp_path / "sample.wav")
    whole = audio.load(decoded.path)
    expected = get_vad_model()(np.pad(whole, (0, 512 - len(whole) % 512)))
    streamed = audio.speech_probabilities(audio.Samples(decoded.path), block_seconds=5.0)
    assert len(streamed) == -(-len(whole) // 512)  # one per 32 ms window, the last one padded
    assert np.allclose(streamed, expected[: len(streamed)], atol=1e-6)
    assert streamed.max() > 0.9 and streamed.min() < 0.1  # speech and the pauses between turns


def test_speech_probabilities_are_computed_once_for_each_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    # The transcript stage reads them twice (its windows, its weak-speech check); a new Samples
    # (the next stage reading the WAV again) computes them anew: nothing is kept between stages.
    calls = []
    real = audio._speech_probabilities
    monkeypatch.setattr(audio, "_speech_probabilities", lambda s, b: calls.append(b) or real(s, b))
    tone = np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440).astype(np.float32) * 0.1
    samples = audio.Samples(array=tone)
    first = audio.speech_probabilities(samples)
    assert audio.speech_probabilities(samples) is first and len(calls) == 1
    assert len(first) == 16000 // 512 + 1  # one per 32 ms window, the last one padded
    audio.speech_probabilities(audio.Samples(array=tone))
    assert len(calls) == 2


def test_samples_refuse_a_wav_that_was_not_decoded_by_us(tmp_path: Path) -> None:
    stereo = tmp_path / "ประชุม 44k.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1:sample_rate=44100", "-ac", "2", str(stereo))
    with pytest.raises(MinutesError, match="16 kHz mono") as err:
        audio.Samples(stereo)
    assert str(stereo) in str(err.value)


def test_the_fake_engine_hears_what_it_is_given(tone_m4a: Path, tmp_path: Path) -> None:
    """tests/conftest.py's FakeEngine stands in at the engine seam only: what it writes follows the
    audio it is handed (its length, and whether anything is there), so a test whose audio went
    missing or was cut on the way to the engine cannot pass with the usual script."""
    from tests.conftest import SCRIPT, FakeEngine

    engine = FakeEngine(None)
    tone = audio.decode([str(tone_m4a)], tmp_path / "tone.wav")  # 2 seconds
    heard = engine.transcribe(audio.Samples(tone.path), tone.duration, None)
    assert [s.text for s in heard.segments] == [text for _, _, text in SCRIPT]
    # the script (0.5 s to 33 s, ending at 33.5) spoken over the 2 seconds it was given
    assert heard.segments[0].start == round(0.5 * tone.duration / 33.5, 3) and heard.segments[-1].end <= tone.duration
    silence = audio.Samples(array=np.zeros(16000 * 40, dtype=np.float32))
    assert engine.transcribe(silence, 40.0, None).segments == []
    long = audio.Samples(array=np.tile(np.float32([0.2, -0.2]), 16000 * 20))  # 40 s of sound
    assert [(s.start, s.end) for s in engine.transcribe(long, 40.0, None).segments] == [
        (start, end) for start, end, _ in SCRIPT
    ]
