"""The real model (Whisper base) on what makes Whisper invent text, on long pauses, and against plain faster-whisper.

Speech comes from the bundled sample meeting (its reference.tsv gives every turn's words and
times); the non-speech is made here: digital silence, room noise, a melody of harmonic tones,
mains hum and white noise. Longer runs (2 hours) are in benchmarks/long.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline import audio, evaluate, glossary, thai, transcribe
from pipeline.cli import app
from pipeline.types import Audio
from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.model

SETTINGS = transcribe.Settings(device="cpu", compute_type="int8")


def write_wav(path: Path, samples: np.ndarray) -> Audio:
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return Audio(str(path), len(samples) / 16000)


NON_SPEECH = ["silence", "noise", "tones", "hum"]


def test_no_invented_characters_on_silence_noise_and_tones(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    parts = [evaluate.distraction(kind, 15.0, rng) for kind in NON_SPEECH]
    parts.append((0.2 * rng.standard_normal(15 * 16000)).astype(np.float32))  # loud white noise
    decoded = write_wav(tmp_path / "ไม่มีเสียงพูด.wav", np.concatenate(parts))
    out = transcribe.run(decoded, SETTINGS)
    assert "".join(s.text for s in out.segments) == ""
    assert thai.clean(out).segments == []


@pytest.fixture(scope="module")
def sample_items() -> list[evaluate.Item]:
    return evaluate.load_set(SAMPLE)


@pytest.fixture(scope="module")
def turns(tmp_path_factory: pytest.TempPathFactory, sample_items: list[evaluate.Item]) -> list[evaluate.Item]:
    """The sample's turns as separate clips of real speech (the TTS voices left out)."""
    folder = tmp_path_factory.mktemp("turns")
    (item,) = sample_items
    whole = audio.Samples(evaluate.decoded_wav(item, folder))
    real = {"th-001", "th-002", "th-003", "th-004", "th-005", "th-006", "th-007"}  # see recordings/sample/NOTICE.md
    clips = []
    rows = (SAMPLE / "reference.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for u, row in zip(item.utterances, rows, strict=True):
        name = row.split("\t")[3].removesuffix(".wav")
        if name in real:
            wav = write_wav(folder / f"{name}.wav", whole.read(u.start - 0.3, u.end + 0.3))
            clips.append(evaluate.Item(name, wav.path, u.text, "real", duration=wav.duration))
    return clips


def test_a_long_recording_with_two_minute_silences_loses_no_speech_and_invents_nothing(
    tmp_path: Path, turns: list[evaluate.Item]
) -> None:
    # The 7 turns in turn, with pauses of 0.8 s to 2 min between them, some filled with noise, tones or hum.
    composed = evaluate.compose(turns, 6.5, tmp_path / "ยาว 6 นาที.wav", tmp_path)
    gaps = [b.start - a.end for a, b in zip(composed.utterances, composed.utterances[1:], strict=False)]
    assert len(composed.utterances) >= 7 and max(gaps) == pytest.approx(120.0)
    text, spans = evaluate.transcribe_ours(Path(composed.audio), SETTINGS)
    result = evaluate.score(composed, text, spans, 0.0)
    print(f"composed 6.5 min: CER {result.cer:.3f}, heard {result.heard}/{result.utterances}")
    assert result.heard == result.utterances  # every turn has text where it was spoken
    assert result.invented_chars == 0  # and none where nobody spoke
    assert result.cer < 0.5


def test_on_the_sample_every_turn_is_heard_and_the_glossary_helps(
    tmp_path: Path, sample_items: list[evaluate.Item]
) -> None:
    (item,) = sample_items
    wav = evaluate.decoded_wav(item, tmp_path)
    vad = evaluate.score(item, *evaluate.transcribe_raw(wav, SETTINGS, vad=True), 0.0)
    transcript = transcribe.run(Audio(str(wav), audio.Samples(wav).duration), SETTINGS)
    plain = thai.clean(transcript)
    terms = glossary.load([ROOT / "tests" / "data" / "glossary.yaml"])
    corrected = thai.clean(transcript, thai.TextOptions(glossary=terms))

    def scored(t):  # noqa: ANN001, ANN202
        spans = [evaluate.Span(w.start, w.end, w.text) for s in t.segments for w in s.words]
        return evaluate.score(item, " ".join(s.text for s in t.segments), spans, 0.0)

    ours, ours_glossary = scored(plain), scored(corrected)
    print(f"sample CER: faster-whisper+VAD {vad.cer:.3f}, ours {ours.cer:.3f}, ours+glossary {ours_glossary.cer:.3f}")
    # faster-whisper's VAD glues the English turn and th-003 to their neighbours and loses them.
    assert ours.heard == len(item.utterances) and ours.cer <= vad.cer
    assert ours_glossary.cer < ours.cer
    changes = [e for e in corrected.edits if e.kind == "glossary"]
    assert changes
    for e in changes:  # each correction shows on the sentence that holds it
        (holder,) = [s for s in corrected.segments if s.start <= e.start < s.end or s.start == e.start]
        assert any(f.startswith(f"glossary: {e.before} → {e.after}") for f in holder.flags)


def test_evaluate_command_prints_the_table(tmp_path: Path, turns: list[evaluate.Item]) -> None:
    clips = tmp_path / "ชุดทดสอบ"
    clips.mkdir()
    lines = ["file\tduration_s\tspeaker\tgender\ttranscript\tkind"]
    for item in turns[:2]:
        target = clips / Path(item.audio).name
        target.write_bytes(Path(item.audio).read_bytes())
        lines.append(f"{target.name}\t{item.duration:.2f}\tx\tunknown\t{item.reference}\treal")
    (clips / "manifest.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["evaluate", str(clips), "--no-baseline", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "| set | model | audio s | ours CER | ours WER* |" in result.output
    assert "newmm words" in result.output
    row = json.loads(out.read_text(encoding="utf-8"))["rows"][0]
    assert row["items"] == 2 and 0 <= row["scores"]["ours"]["cer"] < 0.6
