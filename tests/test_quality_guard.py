"""Hallucination and loop control without the model: the text checks, and the engine's reactions.

The engine's reactions are driven by a scripted stand-in for faster-whisper's WhisperModel (the
one-method seam `transcribe(audio, **options)`) over real speech from the sample, so VAD and the
stretch planning are real; test_quality_model.py runs the same paths with the real model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
    monkeypatch.setattr(transcribe, "_load_model", lambda s: model)
    return transcribe.Settings(**settings)


def test_a_loop_is_decoded_again_with_penalties_and_the_change_recorded(monkeypatch, speech) -> None:  # noqa: ANN001
    loop = [piece(0.1, 3.0, *["ขอบคุณ"] * 12)]
    clean = [piece(0.1, 3.0, "ได้รับ", "ข่าวคราว", "ของเรา")]
    model = ScriptedModel(loop, clean, [])  # the first turn loops, its retry is clean; the second turn: nothing
    settings = engine(monkeypatch, model)
    out = transcribe.run(speech, settings)
    assert [s.text for s in out.segments] == ["ได้รับข่าวคราวของเรา"]
    assert model.calls[1]["repetition_penalty"] > 1 and model.calls[1]["no_repeat_ngram_size"] > 0
    (edit,) = [e for e in out.edits if e.kind == "redecoded"]
    assert "ขอบคุณ ×12" in edit.note and edit.before.startswith("ขอบคุณขอบคุณ")
    assert out.segments[0].flags == ["redecoded: the first decoding repeated ขอบคุณ ×12"]


def test_a_loop_that_persists_is_written_once_or_dropped(monkeypatch, speech) -> None:  # noqa: ANN001
    mixed = [piece(0.1, 3.0, "ที่ประชุม", "รับทราบ", *[" ครับ"] * 8)]
    only = [piece(0.1, 2.0, *["โอเค "] * 9)]
    model = ScriptedModel(mixed, mixed, only, only)  # each turn, and each retry, loops
    out = transcribe.run(speech, engine(monkeypatch, model))
    assert [s.text for s in out.segments] == ["ที่ประชุมรับทราบ ครับ"]
    assert [e.kind for e in out.edits] == ["loop", "unheard", "dropped"]  # the second turn: nothing left
    assert out.edits[2].before.startswith("โอเค") and out.edits[2].after == ""
    assert out.edits[1].start < out.edits[2].start < out.edits[1].end  # the reviewer is told where to listen
    assert out.segments[0].flags == ["loop: ครับ ×8 written once"]


def test_phrases_whisper_writes_on_silence_are_dropped_and_recorded(monkeypatch, speech) -> None:  # noqa: ANN001
    model = ScriptedModel(
        [piece(0.1, 3.0, "ที่ประชุม", "รับทราบ", " ขอบคุณ", "ที่รับชม")],
        [piece(0.2, 1.5, "ซับไตเติ้ล", "โดย", " Amara.org")],
    )
    out = transcribe.run(speech, engine(monkeypatch, model))
    assert [s.text for s in out.segments] == ["ที่ประชุมรับทราบ"]
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
    out = transcribe.run(speech, engine(monkeypatch, model, skip_pause=0.0))  # each turn decoded on its own
    assert [s.text for s in out.segments] == ["good afternoon"]
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
