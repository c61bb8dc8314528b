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


def test_on_the_sample_every_turn_is_heard_and_the_glossary_only_helps(
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
    # The glossary never makes it worse; whether base's spelling of a term comes near enough to be
    # corrected differs with the CPU's rounding (test_thai and test_quality_run test the corrections).
    assert ours_glossary.cer <= ours.cer
    changes = [e for e in corrected.edits if e.kind == "glossary"]
    assert (ours_glossary.cer < ours.cer) == bool(changes)
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


# --- speech that cannot be transcribed, and a sentence said far too often ---------------------------


def _level(x: np.ndarray, rms: float) -> np.ndarray:
    return (x * rms / max(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))), 1e-9)).astype(np.float32)


def _transcript_of(wav: Path, out: Path) -> dict:
    result = CliRunner().invoke(app, ["run", str(wav), "--out", str(out), "--speakers", "diarize", "--no-pdf"])
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*/transcript.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _buried(turns: list[evaluate.Item], path: Path) -> tuple[Audio, float, float]:
    """Two clear turns with a voice buried in white noise (SNR -10 dB) between them, and its times."""
    clips = {t.name: audio.load(t.audio) for t in turns}
    rng = np.random.default_rng(1)
    gap = np.zeros(16000, dtype=np.float32)
    buried = _level(clips["th-005"], 0.03)
    buried = buried + 0.03 * 10 ** (10 / 20) * rng.standard_normal(len(buried)).astype(np.float32)
    parts = [gap, _level(clips["th-001"], 0.05), gap, buried, gap, _level(clips["th-002"], 0.05), gap]
    t0 = sum(len(p) for p in parts[:3]) / 16000
    return write_wav(path, np.concatenate(parts)), t0, t0 + len(buried) / 16000


def test_a_voice_buried_in_noise_is_a_flagged_unheard_line_with_its_speaker(
    tmp_path: Path, turns: list[evaluate.Item]
) -> None:
    _, t0, t1 = _buried(turns, tmp_path / "เสียงจม.wav")
    transcript = _transcript_of(tmp_path / "เสียงจม.wav", tmp_path / "out")
    lines = [s for s in transcript["segments"] if s["text"] == "[ฟังไม่ชัด]"]
    print([(s["start"], s["end"], s["speaker"], s["flags"]) for s in lines], (t0, t1))
    assert lines, [s["text"] for s in transcript["segments"]]
    for line in lines:  # where the buried voice is, flagged for the review page, with the voice's speaker
        assert t0 - 0.5 <= line["start"] < line["end"] <= t1 + 0.5
        assert any(f.startswith("unheard: ") for f in line["flags"]) and line["speaker"]
    assert any(s["start"] >= t1 and s["text"] != "[ฟังไม่ชัด]" for s in transcript["segments"])  # the turn after
    assert {e["kind"] for e in transcript["edits"]} >= {"unheard"}


def test_a_sentence_said_seven_times_keeps_its_first_and_flags_the_repeats(
    tmp_path: Path, turns: list[evaluate.Item]
) -> None:
    clips = {t.name: _level(audio.load(t.audio), 0.05) for t in turns}
    others = ["th-001", "th-002", "th-003", "th-004", "th-006", "th-007"]
    gap = np.zeros(int(1.5 * 16000), dtype=np.float32)
    parts, said = [gap], []
    for k in range(7):
        said.append(sum(len(p) for p in parts) / 16000)
        parts += [clips["th-005"], gap]
        if k < len(others):
            parts += [clips[others[k]], gap]
    write_wav(tmp_path / "พูดซ้ำ.wav", np.concatenate(parts))
    transcript = _transcript_of(tmp_path / "พูดซ้ำ.wav", tmp_path / "out")
    repeats = [e for e in transcript["edits"] if e["kind"] == "repeated"]
    print([(round(e["start"], 1), e["before"]) for e in repeats], said)

    def occurrence(t: float) -> int:  # which saying of the sentence a time falls in
        return max(k for k, s in enumerate(said) if s - 0.5 <= t) if t >= said[0] - 0.5 else -1

    flagged = {occurrence(e["start"]) for e in repeats}
    assert flagged == {1, 2, 3, 4, 5, 6}  # every repeat, not the first
    length = len(clips["th-005"]) / 16000
    marked = [s for s in transcript["segments"] if any(f.startswith("repeated: ") for f in s["flags"])]
    starts = {occurrence(s["start"]) for s in marked if s["start"] <= said[occurrence(s["start"])] + length}
    assert starts == {1, 2, 3, 4, 5, 6}  # the sentences of every repeat carry the flag, the first does not
    first = [s for s in transcript["segments"] if said[0] - 0.5 <= s["start"] < said[0] + length]
    assert first and not any(f.startswith("repeated: ") for s in first for f in s["flags"])


def test_the_temperature_fallback_samples_the_same_text_on_every_run(
    tmp_path: Path, turns: list[evaluate.Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoding that always samples (window by window, temperatures above 0), so every word is drawn.
    sampling = transcribe.Settings(device="cpu", compute_type="int8", batch_size=1, temperatures=(0.6, 1.0))
    speech = write_wav(tmp_path / "พูด.wav", _level(audio.load(turns[2].audio), 0.05))
    other = write_wav(tmp_path / "อีก.wav", _level(audio.load(turns[0].audio), 0.05))

    def text(out) -> str:  # noqa: ANN001
        return " ".join(s.text for s in out.segments)

    first = transcribe.run(speech, sampling)
    transcribe.run(other, sampling)  # another recording in between, in the same process
    again = transcribe.run(speech, sampling)
    assert text(again) == text(first) and again.settings["seed"] == first.settings["seed"]
    monkeypatch.setattr(transcribe, "seed_for", lambda samples, settings: first.settings["seed"] + 1)
    assert text(transcribe.run(speech, sampling)) != text(first)  # the seed is what fixes the draw


def test_a_batch_encoded_window_by_window_decodes_as_faster_whisper_batches_it(
    tmp_path: Path, sample_items: list[evaluate.Item]
) -> None:
    # Our batched path encodes and aligns a batch's windows one at a time (peak memory); the text,
    # times and probabilities must be the numbers faster-whisper's own batch gives.
    from faster_whisper import BatchedInferencePipeline

    (item,) = sample_items
    samples = audio.Samples(evaluate.decoded_wav(item, tmp_path))
    windows = transcribe.plan(samples, SETTINGS)[:4]
    assert len(windows) >= 2
    chunks = [w.read(samples) for w in windows]
    ends = np.cumsum([len(c) for c in chunks]) / 16000
    clips = [{"start": a, "end": b} for a, b in zip([0.0, *ends[:-1]], ends, strict=True)]
    model = transcribe._load_model(SETTINGS)

    def decoded(pipeline: BatchedInferencePipeline) -> list:
        found, _ = pipeline.transcribe(
            np.concatenate(chunks), language="th", batch_size=len(chunks), beam_size=1, temperature=0.0,
            word_timestamps=True, clip_timestamps=clips,
        )  # fmt: skip
        return [(s.seek, s.text, [(w.start, w.end, w.word, w.probability) for w in s.words]) for s in found]

    ours_pipeline = transcribe._batched(model)
    assert ours_pipeline.model is not model  # the window-by-window copy, on CPU
    ours, theirs = decoded(ours_pipeline), decoded(BatchedInferencePipeline(model))
    assert {seek for seek, _, _ in theirs} == {int(c["start"] * 100) for c in clips}  # every window said something
    # The same text and word times; the probabilities to float rounding (oneDNN's GEMM rounds a batch
    # of one differently from a batch of four in the last bits; MKL does not).
    assert [(seek, text, [w[:3] for w in words]) for seek, text, words in ours] == [
        (seek, text, [w[:3] for w in words]) for seek, text, words in theirs
    ]
    ours_p = [w[3] for _, _, words in ours for w in words]
    assert ours_p == pytest.approx([w[3] for _, _, words in theirs for w in words], abs=1e-4)


def test_a_participant_buried_in_noise_on_their_own_track_is_an_unheard_line_with_their_name(tmp_path: Path) -> None:
    # Bundled clips only (tests/data/speech): a Zoom folder of three turns whose middle speaker's
    # microphone buries their voice in loud noise (SNR -10 dB), on their track and so in the mix.
    from tests import zoomfolder as zf

    turns = [zf.Turn(zf.CHAIR, "th-005"), zf.Turn(zf.MALEE, "th-001"), zf.Turn(zf.THANA, "th-003")]
    built = zf.build_local(tmp_path / "2026-03-19 13.30.00 ทดสอบ เสียงจม", turns, chat=[], roster=False)
    tracks, utterances = zf.compose(turns)  # the same tracks build_local wrote (deterministic)
    buried = utterances[1]
    a, b = round(buried.start * zf.RATE), round(buried.end * zf.RATE)
    voice = tracks[zf.MALEE][a:b]
    rng = np.random.default_rng(3)
    noise = 0.03 * 10 ** (10 / 20) * rng.standard_normal(b - a).astype(np.float32)
    tracks[zf.MALEE][a:b] = _level(voice, 0.03) + noise
    zf.write_audio(tracks[zf.MALEE], built.tracks[zf.MALEE])
    (mixed,) = built.folder.glob("audio*.m4a")
    zf.write_audio(zf.mix(tracks), mixed)

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(built.folder), "--out", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    (folder,) = out.iterdir()
    transcript = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    assert transcript["speakers"]["used"] == "tracks"
    lines = [s for s in transcript["segments"] if s["text"] == "[ฟังไม่ชัด]"]
    print([(s["start"], s["end"], s["speaker"], s["flags"]) for s in lines], (buried.start, buried.end))
    assert lines, [(s["start"], s["text"]) for s in transcript["segments"]]
    # The buried turn is a line of its own, with that participant's formal name, for the review page.
    assert [s["speaker"] for s in lines if buried.start - 0.5 <= s["start"] < s["end"] <= buried.end + 0.5] == [
        zf.FORMAL[zf.MALEE]
    ]
    for line in lines:  # each one where the participant it names was speaking, flagged
        assert any(
            zf.FORMAL[u.speaker] == line["speaker"] and u.start - 0.5 <= line["start"] < line["end"] <= u.end + 0.5
            for u in utterances
        )
        assert any(f.startswith("unheard: ") for f in line["flags"])
    # The clear turns around it are transcribed. (Whisper base loops on the noise, ธ ×79, in the
    # window it shares with ธนา's turn; a letter loop is no speech heard, so that turn is decoded again.)
    for name in (zf.CHAIR, zf.THANA):
        assert any(s["speaker"] == zf.FORMAL[name] and s["words"] for s in transcript["segments"]), name
    files = [folder / "minutes.json", folder / "minutes.md"]
    minutes = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "[ฟังไม่ชัด]" not in minutes  # never text in the minutes (their notes may say a cue was unclear)


def test_cuda_loads_float16_decodes_in_batches_and_keeps_the_gpu_batch_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # No GPU here: the one-method seam is faster-whisper's WhisperModel constructor (what a GPU run
    # would load), and nvidia-smi's free memory. The check on a GPU: benchmarks/README.md, "On a GPU".
    import faster_whisper

    loaded: list[tuple[str, str]] = []

    class OnTheGpu:
        def __init__(self, source: str, device: str, compute_type: str, download_root: str) -> None:
            loaded.append((device, compute_type))
            self.model = type("Ct2", (), {"device": device})()

    monkeypatch.setattr(faster_whisper, "WhisperModel", OnTheGpu)
    monkeypatch.setattr(transcribe, "_free_mib", lambda device: 80_000.0)
    monkeypatch.setattr(transcribe, "_loaded", {})
    settings = transcribe.Settings(device="cuda")
    model = transcribe._load_model(settings)
    assert loaded == [("cuda", "float16")]
    assert transcribe.batch_size_for(settings) == transcribe.MAX_BATCH["cuda"] == 16
    assert transcribe._batched(model).model is model  # on a GPU the encoder takes the batch at once
