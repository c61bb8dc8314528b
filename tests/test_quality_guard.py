"""Hallucination and loop control without the model: the text checks, and the engine's reactions.

The engine's reactions are driven by a scripted stand-in for faster-whisper's WhisperModel (the
one-method seam `transcribe(audio, **options)`) over real speech from the sample, so VAD and the
stretch planning are real; test_quality_model.py runs the same paths with the real model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from pipeline import audio, guard, thai, transcribe
from pipeline.types import Audio

# --- the text checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "count"),
    [
        ("ตอนนี้ ตอนนี้ ตอนนี้ ตอนนี้ ตอนนี้ ตอนน", "ตอนนี้", 5),  # cut off mid-word at the window's end
        ("ขอบคุณขอบคุณขอบคุณขอบคุณขอบคุณขอบคุ", "ขอบคุณ", 5),
        ("โอเค โอเค โอเค โอเค โอเค โอเค โอเค", "โอเค", 7),
        ("เราไปกันเถอะ เราไปกันเถอะ เราไปกันเถอะ แล้วก็จบ", "เราไปกันเถอะ", 3),
    ],
)
def test_loops_are_found(text: str, unit: str, count: int) -> None:
    (loop,) = guard.find_loops(text)
    assert (loop.unit, loop.count) == (unit, count)
    assert guard.collapse_loops(text, [loop]) == text[: loop.start] + unit + text[loop.end :].rstrip()


@pytest.mark.parametrize("text", ["ที่ประชุมรับทราบ ครับ ครับ ครับ", "ดี ๆ มาก ๆ", "ใช่ ใช่ เห็นด้วยครับ", "ทุกวัน วัน วัน ไม่ได้"])
def test_what_people_really_repeat_is_not_a_loop(text: str) -> None:
    assert guard.find_loops(text) == []


def test_silence_phrases_and_sound_labels() -> None:
    text = "สวัสดี ขอบคุณ ที่รับชม ฝากกดไลค์กดแชร์ ด้วยนะ Subtitles by"
    found = guard.silence_phrases(text)  # phrases next to each other are one stretch
    assert [text[a:b] for a, b, _ in found] == ["ขอบคุณ ที่รับชม ฝากกดไลค์กดแชร์", "Subtitles by"]
    assert guard.silence_phrases("ขอบคุณครับ ที่ประชุมรับทราบ") == []  # thanks in a meeting is speech
    assert guard.is_non_speech("[ดนตรี]") and guard.is_non_speech("♪ ♪") and guard.is_non_speech("...")
    assert not guard.is_non_speech("ดนตรีไทย")


# --- the engine's reactions, with a scripted model -------------------------------------------------


@dataclass
class FakeWord:
    start: float
    end: float
    word: str
    probability: float = 0.9


@dataclass
class FakePiece:
    start: float
    end: float
    text: str
    words: list[FakeWord] = field(default_factory=list)
    no_speech_prob: float = 0.05
    avg_logprob: float = -0.3
    temperature: float = 0.0


def piece(start: float, end: float, *words: str) -> FakePiece:
    step = (end - start) / len(words)
    timed = [FakeWord(start + i * step, start + (i + 1) * step, w) for i, w in enumerate(words)]
    return FakePiece(start, end, "".join(words), timed)


class ScriptedModel:
    """Answers each call with the next reply (a function of the call's options and audio length)."""

    def __init__(self, *replies) -> None:  # noqa: ANN002
        self.replies = list(replies)
        self.calls: list[dict] = []

    def transcribe(self, samples, **options):  # noqa: ANN001, ANN201
        self.calls.append({**options, "seconds": len(samples) / 16000})
        reply = self.replies.pop(0) if self.replies else []
        return (reply(options, len(samples) / 16000) if callable(reply) else reply), None


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory, sample_m4a: Path) -> Audio:
    """The sample's first two turns (0-8 s: speech at 1.0-4.5 and 5.4-7.2 s) as a WAV."""
    from tests.conftest import ffmpeg

    wav = tmp_path_factory.mktemp("speech") / "two turns.wav"
    ffmpeg("-i", str(sample_m4a), "-t", "8", "-ac", "1", "-ar", "16000", str(wav))
    return Audio(str(wav), audio.Samples(wav).duration)


def engine(monkeypatch: pytest.MonkeyPatch, model: ScriptedModel, **settings: object) -> transcribe.Settings:
    """The scripted model behind the engine; window by window (batch size 1) unless asked otherwise."""
    monkeypatch.setattr(transcribe, "_load_model", lambda s: model)
    return transcribe.Settings(**{"batch_size": 1, **settings})


def test_a_loop_is_decoded_again_with_penalties_and_the_change_recorded(monkeypatch, speech) -> None:  # noqa: ANN001
    loop = [piece(0.1, 3.0, *["ขอบคุณ"] * 12)]
    clean = [piece(0.1, 3.0, "ได้รับ", "ข่าวคราว", "ของเรา")]
    # The first turn loops and its retry is clean; what the retry sampled is checked by decoding the
    # turn alone at temperature 0 (clean again); the second turn: nothing.
    model = ScriptedModel(loop, clean, [piece(0.0, 3.0, "ได้รับ", "ข่าวคราว", "ของเรา")], [])
    settings = engine(monkeypatch, model)
    out = transcribe.run(speech, settings)
    assert [s.text for s in out.segments] == ["ได้รับข่าวคราวของเรา", "[ฟังไม่ชัด]"]  # the second turn: a line to listen to
    assert model.calls[1]["repetition_penalty"] > 1 and model.calls[1]["no_repeat_ngram_size"] > 0
    assert model.calls[1]["temperature"][0] > 0 and model.calls[2]["temperature"][0] == 0
    retry, alone = [e for e in out.edits if e.kind == "redecoded"]
    assert "ขอบคุณ ×12" in retry.note and retry.before.startswith("ขอบคุณขอบคุณ")
    assert alone.before == "ได้รับข่าวคราวของเรา" and alone.after == "ได้รับข่าวคราวของเรา"
    assert out.segments[0].flags == ["redecoded: this speech got no usable words when decoded with its neighbours"]


def test_a_loop_that_persists_is_written_once_or_dropped(monkeypatch, speech) -> None:  # noqa: ANN001
    mixed = [piece(0.1, 3.0, "ที่ประชุม", "รับทราบ", *[" ครับ"] * 8)]
    only = [piece(0.1, 2.0, *["โอเค "] * 9)]
    model = ScriptedModel(mixed, mixed, only, only)  # each turn, and each retry, loops
    out = transcribe.run(speech, engine(monkeypatch, model))
    assert [s.text for s in out.segments] == ["ที่ประชุมรับทราบ ครับ", "[ฟังไม่ชัด]"]
    assert [e.kind for e in out.edits] == ["loop", "unheard", "dropped"]  # the second turn: nothing left
    assert out.edits[2].before.startswith("โอเค") and out.edits[2].after == ""
    assert out.edits[1].start < out.edits[2].start < out.edits[1].end  # the reviewer is told where to listen
    assert out.segments[0].flags == ["loop: ครับ ×8 written once"]


def test_phrases_whisper_writes_on_silence_are_dropped_and_recorded(monkeypatch, speech) -> None:  # noqa: ANN001
    # The turn's words over its speech, the closing phrase written after it, as Whisper does.
    words = [FakeWord(1.0, 2.2, "ที่ประชุม"), FakeWord(2.2, 3.4, "รับ"), FakeWord(3.4, 4.4, "ทราบ"),
             FakeWord(4.4, 4.6, " ขอบคุณ"), FakeWord(4.6, 4.8, "ที่รับชม")]  # fmt: skip
    model = ScriptedModel(
        [FakePiece(1.0, 4.8, "ที่ประชุมรับทราบ ขอบคุณที่รับชม", words)],
        [piece(0.2, 1.5, "ซับไตเติ้ล", "โดย", " Amara.org")],
    )
    out = transcribe.run(speech, engine(monkeypatch, model))
    assert [s.text for s in out.segments] == ["ที่ประชุมรับทราบ", "[ฟังไม่ชัด]"]
    assert [(e.kind, e.before) for e in out.edits] == [
        ("dropped", "ขอบคุณที่รับชม"),
        ("unheard", ""),  # the second turn had only the credits: its speech is left to the reviewer
        ("dropped", "ซับไตเติ้ลโดย Amara.org"),
    ]
    # The text stage puts the change on the sentence it touched.
    sentence = thai.clean(out).segments[0]
    assert sentence.flags == ["dropped: ขอบคุณที่รับชม (a phrase Whisper writes on silence and music)"]


def test_speech_left_without_words_is_decoded_again_alone(monkeypatch, speech) -> None:  # noqa: ANN001
    # Both turns decoded together (a pause shorter than skip_pause): the model writes the first and drops the second.
    together = [piece(0.1, 3.2, "ได้รับ", "ข่าวคราว")]
    alone = [piece(0.1, 1.5, "good", " afternoon")]
    model = ScriptedModel(together, alone)
    out = transcribe.run(speech, engine(monkeypatch, model, skip_pause=3.0))
    assert len(model.calls) == 2 and model.calls[1]["seconds"] < 3.0
    assert [s.text for s in out.segments] == ["ได้รับข่าวคราว", "good afternoon"]
    assert out.segments[1].start > 5.0  # placed at the second turn, not at the start
    assert [e.kind for e in out.edits] == ["redecoded"]


def test_speech_that_stays_without_words_is_marked_for_the_reviewer(monkeypatch, speech) -> None:  # noqa: ANN001
    model = ScriptedModel([piece(0.1, 3.2, "ได้รับ", "ข่าวคราว")], [])
    out = transcribe.run(speech, engine(monkeypatch, model, skip_pause=3.0))
    (edit,) = out.edits
    assert edit.kind == "unheard" and 4.5 < edit.start < 6.0 and "listen here" in edit.note


def test_a_decoding_that_failed_at_every_temperature_is_dropped(monkeypatch, speech) -> None:  # noqa: ANN001
    # What faster-whisper returns on loud noise when every fallback fails: the least bad sample.
    gibberish = piece(0.1, 3.0, "ธัพoudช", "เกี่ยง", " activate", " your", " thoughts")
    gibberish.temperature, gibberish.avg_logprob = 1.0, -1.9
    model = ScriptedModel([gibberish], [piece(0.1, 1.5, "good", " afternoon")])
    settings = engine(monkeypatch, model, skip_pause=0.0, speech_pad=0.3, max_chunk=5.0)  # a window each turn
    out = transcribe.run(speech, settings)
    assert [s.text for s in out.segments] == ["[ฟังไม่ชัด]", "good afternoon"]
    edit, unheard = sorted(out.edits, key=lambda e: e.kind)
    assert edit.kind == "dropped" and "failed at every temperature" in edit.note and edit.before.startswith("ธัพ")
    assert unheard.kind == "unheard" and unheard.start < 1.0


def test_silence_is_never_decoded(monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    from tests.conftest import ffmpeg

    wav = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "30", str(wav))
    model = ScriptedModel([piece(0.0, 5.0, "ขอบคุณ", "ที่รับชม")])
    out = transcribe.run(Audio(str(wav), 30.0), engine(monkeypatch, model))
    assert model.calls == [] and out.segments == [] and out.edits == []


# --- batched decoding: a scripted BatchedInferencePipeline -----------------------------------------


@dataclass
class FakeBatchPiece(FakePiece):
    seek: int = 0
    compression_ratio: float = 1.2


class ScriptedBatch:
    """Stands in for BatchedInferencePipeline: answers each window (clip) of a call in turn, its
    pieces timed from the window's start as faster-whisper times them (offset + time in window)."""

    def __init__(self, *replies: list[FakePiece]) -> None:
        self.replies = list(replies)
        self.calls: list[dict] = []

    def transcribe(self, samples, **options):  # noqa: ANN001, ANN201
        self.calls.append({**options, "seconds": len(samples) / 16000})
        out = []
        for clip in options["clip_timestamps"]:
            offset = int(clip["start"] * 16000) / 16000
            for p in self.replies.pop(0) if self.replies else []:
                words = [FakeWord(offset + w.start, offset + w.end, w.word) for w in p.words]
                out.append(
                    FakeBatchPiece(offset + p.start, offset + p.end, p.text, words, p.no_speech_prob, p.avg_logprob,
                                   0.0, int(offset * 100), getattr(p, "compression_ratio", 1.2))
                )  # fmt: skip
        return out, None


def test_windows_are_decoded_together_in_one_batch_and_placed_back_in_time(monkeypatch, speech) -> None:  # noqa: ANN001
    batch = ScriptedBatch([piece(0.1, 3.0, "ได้รับ", "ข่าวคราว")], [piece(0.1, 1.5, "good", " afternoon")])
    model = ScriptedModel()
    monkeypatch.setattr(transcribe, "_batched", lambda m: batch)
    settings = engine(monkeypatch, model, skip_pause=0.0, speech_pad=0.3, max_chunk=5.0, batch_size=8)
    windows = transcribe.plan(audio.Samples(speech.path), settings)
    assert len(windows) == 2  # the two turns do not fit one 5 s window: cut between them
    out = transcribe.run(speech, settings)
    (call,) = batch.calls  # one call for both windows, and nothing decoded one by one
    assert len(call["clip_timestamps"]) == 2 and call["batch_size"] == 2 and model.calls == []
    assert call["word_timestamps"] and call["beam_size"] == settings.beam_size and call["temperature"] == 0.0
    assert [s.text for s in out.segments] == ["ได้รับข่าวคราว", "good afternoon"]
    first, second = out.segments
    assert windows[0].start <= first.start < first.end <= windows[0].end
    assert windows[1].start <= second.start < second.end <= windows[1].end  # the second turn, not the first
    assert out.settings["batch_size_used"] == 8 and isinstance(out.settings["seed"], int)


def test_a_window_the_batch_decodes_badly_is_decoded_again_alone(monkeypatch, speech) -> None:  # noqa: ANN001
    looping = piece(0.1, 3.0, *["ตอนนี้ "] * 10)  # too repetitive, as a window of noise decodes at temperature 0
    unsure = piece(0.1, 1.5, "ธัพ", "oud")
    unsure.avg_logprob = -1.4
    batch = ScriptedBatch([looping], [unsure])
    model = ScriptedModel([piece(0.1, 3.0, "ได้รับ", "ข่าวคราว")], [piece(0.1, 1.5, "good", " afternoon")])
    monkeypatch.setattr(transcribe, "_batched", lambda m: batch)
    settings = engine(monkeypatch, model, skip_pause=0.0, speech_pad=0.3, max_chunk=5.0, batch_size=8)
    out = transcribe.run(speech, settings)
    assert len(model.calls) == 2  # both windows again, alone, with the temperature fallback
    assert all(c["temperature"] == list(settings.temperatures) for c in model.calls)
    assert [s.text for s in out.segments] == ["ได้รับข่าวคราว", "good afternoon"]


def test_a_window_the_model_finds_silent_gives_nothing(monkeypatch, speech) -> None:  # noqa: ANN001
    silent = piece(0.1, 3.0, "ขอบคุณ")
    silent.no_speech_prob, silent.avg_logprob = 0.9, -1.5
    batch = ScriptedBatch([silent], [piece(0.1, 1.5, "good", " afternoon")])
    model = ScriptedModel()
    monkeypatch.setattr(transcribe, "_batched", lambda m: batch)
    settings = engine(monkeypatch, model, skip_pause=0.0, speech_pad=0.3, max_chunk=5.0, batch_size=8)
    out = transcribe.run(speech, settings)
    # VAD heard speech there: it is decoded again alone (nothing), and left to the reviewer.
    assert [s.text for s in out.segments] == [guard.UNHEARD, "good afternoon"] and len(model.calls) == 1


def test_thai_is_measured_for_repetition_one_byte_a_character() -> None:
    sentence = "ฉันไม่ต้องการใช้ระบบขนส่งสาธารณะเพื่อเหตุผลด้านความปลอดภัยปลาหมึกผัดไข่เค็มมีนมไหม" * 1
    ordinary = sentence + "มีร้านไหนมีไวไฟให้ใช้บ้างและหลังจากนั้นเป็นเวลานานเธอจึงสั่งซื้อผลิตภัณฑ์อีกอัน"
    import zlib

    assert len(ordinary.encode()) / len(zlib.compress(ordinary.encode())) > 2.0  # UTF-8: near Whisper's 2.4
    assert guard.compression_ratio(ordinary) < 1.6
    assert guard.compression_ratio("ตอนนี้ " * 10) > 2.4 and guard.compression_ratio("ขอบคุณ" * 12) > 2.4
    assert guard.compression_ratio("") == 0.0


# --- speech left without words, and sentences said far too often -----------------------------------


def test_speech_that_stays_without_words_becomes_an_unheard_line(monkeypatch, speech) -> None:  # noqa: ANN001
    model = ScriptedModel([piece(0.1, 3.2, "ได้รับ", "ข่าวคราว")], [])
    out = transcribe.run(speech, engine(monkeypatch, model, skip_pause=3.0))
    first, line = out.segments
    assert line.text == "[ฟังไม่ชัด]" and line.flags[0].startswith("unheard: ") and 4.5 < line.start < 6.0
    clean = thai.clean(out)  # the text stage keeps it as it is, a sentence of its own
    assert [s.text for s in clean.segments] == ["ได้รับข่าวคราว", "[ฟังไม่ชัด]"]
    assert clean.segments[1].flags == line.flags and clean.segments[1].start == line.start


def test_a_voice_the_detector_did_not_pass_is_found_by_level_and_weak_probability() -> None:
    frame = 0.032
    probs = np.full(400, 0.02, dtype=np.float32)
    energy = np.full(400, -60.0, dtype=np.float32)
    probs[50:100], energy[50:100] = 0.25, -35.0  # 1.6 s of a voice under the threshold: found
    probs[150:160], energy[150:160] = 0.25, -35.0  # 0.3 s: too short
    probs[200:250], energy[200:250] = 0.25, -58.0  # as weak, but at the level of the quiet: not found
    probs[300:340], energy[300:340] = 0.25, -35.0  # the fringe of speech that follows: decoded already
    probs[340:380], energy[340:380] = 0.9, -25.0
    assert guard.weak_speech(probs, energy, 0.4, frame) == [(1.6, 3.2)]


def test_a_sentence_said_seven_times_is_kept_once_and_its_repeats_flagged() -> None:
    said = ["ขอให้ฝ่ายเลขาจัดทำรายงานการประชุมครับ"] * 4 + ["ขอให้ฝ่ายเลขาจัดทำรายงานการประชุม ค่ะ"] * 3
    others = ["งบประมาณปีหน้าเพิ่มขึ้น", "เห็นด้วยกับข้อเสนอนี้", "ขอเลื่อนไปประชุมคราวหน้า", "ฝ่ายการเงินรายงานว่าครบแล้ว",
              "มีผู้ใดจะสอบถามเพิ่มเติม", "ทางสำนักงานจะส่งเอกสารให้", "ขอบคุณทุกท่านที่มาร่วม"]  # fmt: skip
    texts = [t for pair in zip(said, others, strict=True) for t in pair]
    times = [10.0 * i for i in range(len(texts))]
    found = guard.repeated(texts, times)
    assert [i for i, _, _ in found] == [2, 4, 6, 8, 10, 12] and {(f, n) for _, f, n in found} == {(0, 7)}
    assert guard.repeated(texts[:12], times[:12]) == []  # six times is what people may do
    spread = [3600.0 * i for i in range(len(texts))]  # a chair's formula, once an agenda item, all meeting
    assert guard.repeated(texts, spread) == []


def test_the_seed_follows_the_recording_and_the_settings(speech) -> None:  # noqa: ANN001
    samples = audio.Samples(speech.path)
    base = transcribe.Settings()
    assert transcribe.seed_for(samples, base) == transcribe.seed_for(audio.Samples(speech.path), transcribe.Settings())
    assert transcribe.seed_for(samples, transcribe.Settings(beam_size=5)) != transcribe.seed_for(samples, base)
    other = audio.Samples(array=samples.read(0.0, 4.0))
    assert transcribe.seed_for(other, base) != transcribe.seed_for(samples, base)


def test_the_batch_size_is_asked_for_or_fits_the_memory(monkeypatch) -> None:  # noqa: ANN001
    assert transcribe.batch_size_for(transcribe.Settings(batch_size=3)) == 3
    monkeypatch.setattr(transcribe, "_free_mib", lambda device: 20000.0)
    assert transcribe.batch_size_for(transcribe.Settings(device="cpu")) == transcribe.MAX_BATCH["cpu"]
    assert transcribe.batch_size_for(transcribe.Settings(device="cuda", model="large-v3")) == 16
    monkeypatch.setattr(transcribe, "_free_mib", lambda device: 500.0)  # a small machine: fewer windows at once
    assert transcribe.batch_size_for(transcribe.Settings(device="cpu")) == 2
    monkeypatch.setattr(transcribe, "_free_mib", lambda device: None)
    assert transcribe.batch_size_for(transcribe.Settings(device="cpu")) == 4


def test_a_word_timed_in_a_pause_moves_to_the_speech_it_belongs_to() -> None:
    # A window holding two stretches of speech with a long pause between them: Whisper times the
    # first word after the pause in the pause ("มัน" at 27.7 s) and stretches the next one across it.
    from pipeline.types import Segment, Word

    stretch = transcribe.Stretch(20.0, 50.0, speech=[(20.0, 26.0), (45.9, 50.6)])
    words = [Word(24.8, 25.4, "ภาย"), Word(27.7, 28.2, "มัน"), Word(28.2, 46.6, "เป็น"), Word(46.6, 47.0, "เรื่อง"),
             Word(49.9, 51.5, "จริง")]
    (seg,) = transcribe._within_speech([Segment(id=0, start=24.8, end=51.5, text="ภายมันเป็นเรื่องจริง", words=words)],
                                       stretch)
    assert [(w.start, w.end) for w in seg.words] == [(24.8, 25.4), (45.9, 45.9), (45.9, 46.6), (46.6, 47.0),
                                                     (49.9, 50.6)]
    # a word in a pause with nothing after it stays with the speech before it
    (alone,) = transcribe._within_speech([Segment(id=0, start=24.8, end=28.2, text="ภายมัน",
                                                  words=[Word(24.8, 25.4, "ภาย"), Word(27.7, 28.2, "มัน")])], stretch)
    assert [(w.start, w.end) for w in alone.words] == [(24.8, 25.4), (26.0, 26.0)]
