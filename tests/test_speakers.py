import pytest

from pipeline import speakers, transcribe
from pipeline.errors import MinutesError
from pipeline.types import Recording, Segment, Transcript, Turn, Word


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


# --- someone talking where the transcript has no words ---------------------------------------


def _heard_and_unheard(engine: str, turns: list[Turn]) -> Transcript:
    """The sample transcript (words 0-2.4 s, a wordless line 5-6 s), speakers found by `engine`."""
    recording = Recording(id="r", path="r.m4a")
    return speakers.assign(_transcript(), recording, engine, engines={engine: lambda t, r, a: turns})


def test_a_turn_with_no_words_becomes_a_flagged_unheard_line_with_its_speaker() -> None:
    turns = [
        Turn(0.0, 2.4, "ผู้พูด 1", "diarisation"),  # its words are there
        Turn(8.0, 11.5, "ผู้พูด 2", "diarisation"),  # nothing was transcribed here
        Turn(12.0, 12.6, "ผู้พูด 1", "diarisation"),  # too short to tell the reviewer of
    ]
    out = _heard_and_unheard("diarize", turns)
    lines = [s for s in out.segments if s.text == "[ฟังไม่ชัด]"]
    assert [(s.start, s.end, s.speaker, s.speaker_source) for s in lines] == [(8.0, 11.5, "ผู้พูด 2", "diarisation")]
    assert lines[0].flags == ["unheard: someone speaks here (diarisation), no words recognised: listen here"]
    assert [s.id for s in out.segments] == list(range(len(out.segments)))  # renumbered in time order
    assert [s.start for s in out.segments] == sorted(s.start for s in out.segments)
    assert [(e.kind, e.start, e.end) for e in out.edits] == [("unheard", 8.0, 11.5)]


def test_a_turn_whose_words_cover_too_little_of_it_is_unheard_too() -> None:
    # 0.4 s of words (ผอ. at 2.0-2.4) in a 2.9 s turn: a word spilled into a voice Whisper skipped.
    out = _heard_and_unheard("tracks", [Turn(2.0, 4.9, "นายเอก", "Zoom per-participant track")])
    assert [s.speaker for s in out.segments if s.text == "[ฟังไม่ชัด]"] == ["นายเอก"]


def test_no_line_where_one_is_already_or_the_engine_only_marks_the_active_speaker() -> None:
    marked = _transcript()
    marked.segments.append(Segment(id=2, start=8.0, end=11.0, text="[ฟังไม่ชัด]", flags=["unheard: speech detected"]))
    out = speakers.assign(
        marked,
        Recording(id="r", path="r.m4a"),
        "diarize",
        engines={"diarize": lambda t, r, a: [Turn(8.0, 11.5, "ผู้พูด 2", "diarisation")]},
    )
    assert [s.text for s in out.segments].count("[ฟังไม่ชัด]") == 1
    # Zoom's active speaker stays on through silence: not a sign that anyone talks there.
    hinted = _heard_and_unheard("hints", [Turn(8.0, 11.5, "นายเอก", "Zoom timeline (active speaker)")])
    assert "[ฟังไม่ชัด]" not in [s.text for s in hinted.segments]


def test_a_split_sentence_keeps_only_the_edit_flags_its_own_time_touches() -> None:
    # The text stage flagged the whole sentence for an edit at 1.3-2.4 s; once split by speaker,
    # the chair's half (0-1 s) is not what was edited.
    from pipeline.types import Edit

    transcript = _transcript()
    edit = Edit("repeated", 1.3, 2.4, "เชิญท่าน ผอ.", "เชิญท่าน ผอ.", "said 7 times in this meeting")
    transcript.edits = [edit]
    transcript.segments[0].flags = ["repeated: said 7 times in this meeting", "doubtful: low confidence (0.30)"]
    turns = [Turn(0.0, 1.1, "ประธาน", "zoom track"), Turn(1.1, 2.6, "เลขานุการ", "zoom track")]
    first, second, _ = speakers.attach(transcript, turns).segments
    assert first.flags == ["doubtful: low confidence (0.30)"]
    assert second.flags == ["repeated: said 7 times in this meeting", "doubtful: low confidence (0.30)"]


def test_words_the_loops_retry_sampled_are_heard_once_the_transcript_kept_them() -> None:
    # The text stage flags a sentence with every edit its time touches, the loop's retry among them:
    # its words, kept by the transcript stage, are heard, and no [ฟังไม่ชัด] line is put over them.
    transcript = _transcript()
    transcript.segments[0].flags = [f"{transcribe.RETRIED}สุด ×13"]
    out = speakers.assign(transcript, Recording(id="r", path="r.m4a"), "tracks",
                          engines={"tracks": lambda t, r, a: [Turn(0.0, 2.4, "นายเอก", "Zoom per-participant track")]})
    assert "[ฟังไม่ชัด]" not in [s.text for s in out.segments]
