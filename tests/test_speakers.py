import pytest

from pipeline import speakers
from pipeline.errors import MinutesError
from pipeline.types import Segment, Transcript, Turn, Word


def _transcript() -> Transcript:
    pieces = [("ขอบคุณ", 0.0, 0.5), ("ครับ", 0.5, 1.0), ("เชิญ", 1.2, 1.6), ("ท่าน", 1.6, 2.0), ("ผอ.", 2.0, 2.4)]
    words = [Word(a, b, t) for t, a, b in pieces]
    seg = Segment(id=0, start=0.0, end=2.4, text="ขอบคุณครับ เชิญท่าน ผอ.", words=words)
    return Transcript(segments=[seg, Segment(id=1, start=5.0, end=6.0, text="ค่ะ", speaker="นางสาวมาลี")])


def test_no_turns_keeps_given_labels_and_marks_the_rest_unknown() -> None:
    out = speakers.attach(_transcript(), []).segments
    assert [(s.speaker, s.speaker_source) for s in out] == [(None, speakers.UNKNOWN), ("นางสาวมาลี", "given")]


def test_a_segment_spanning_a_change_of_speaker_is_split_at_the_word() -> None:
    turns = [Turn(0.0, 1.1, "ประธาน", "zoom track"), Turn(1.1, 2.6, "เลขานุการ", "zoom track")]
    out = speakers.attach(_transcript(), turns).segments
    assert [(s.id, s.text, s.speaker, s.start, s.end) for s in out[:2]] == [
        (0, "ขอบคุณครับ", "ประธาน", 0.0, 1.0),
        (1, "เชิญท่าน ผอ.", "เลขานุการ", 1.2, 2.4),
    ]
    assert [w.text for w in out[1].words] == ["เชิญ", "ท่าน", "ผอ."]
    assert out[0].speaker_source == "zoom track"
    # A segment no turn reaches keeps the label a reviewer gave it.
    assert (out[2].speaker, out[2].speaker_source) == ("นางสาวมาลี", "given")


def test_overlapping_speech_keeps_both_speakers() -> None:
    turns = [Turn(0.0, 2.4, "ประธาน", "zoom track"), Turn(1.0, 2.4, "ผู้แทน JICA", "zoom track")]
    out = speakers.attach(_transcript(), turns).segments
    assert out[0].speaker == "ประธาน" and out[0].overlapping == []
    assert out[1].speaker == "ประธาน" and out[1].overlapping == ["ผู้แทน JICA"]


def test_unknown_engine_lists_the_available() -> None:
    with pytest.raises(MinutesError, match="Available: auto, .*none"):
        speakers.assign(_transcript(), None, "magic")  # type: ignore[arg-type]
