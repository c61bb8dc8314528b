from pipeline import thai
from pipeline.types import Segment, Transcript, Word


def _segment(pieces: list[str], step: float = 0.5) -> Segment:
    words = [Word(i * step, (i + 1) * step, p) for i, p in enumerate(pieces)]
    return Segment(id=7, start=0.0, end=len(pieces) * step, text="".join(pieces), words=words)


def test_sentences_take_the_times_of_the_pieces_they_cover() -> None:
    pieces = ["วันนี้", "อากาศ", "ดีมาก", " เรา", "ไป", "เที่ยว", "กันเถอะ", " ที่ประชุม", "รับทราบ", "นะครับ"]
    out = thai.clean(Transcript(segments=[_segment(pieces)])).segments
    assert [s.text for s in out] == ["วันนี้อากาศดีมาก", "เราไปเที่ยวกันเถอะ", "ที่ประชุมรับทราบนะครับ"]
    assert [(s.start, s.end) for s in out] == [(0.0, 1.5), (1.5, 3.5), (3.5, 5.0)]
    assert [s.id for s in out] == [0, 1, 2]
    assert "".join(w.text for s in out for w in s.words) == "".join(p.strip() for p in pieces)


def test_normalise_fixes_order_zero_width_and_spaces() -> None:
    # tone mark typed before the vowel, a zero-width space, doubled spaces
    assert thai.normalise("เก่า\u200b  นำ้") == "เก่า น้ำ"


def test_segment_without_words_keeps_its_span_and_empty_text_is_dropped() -> None:
    seg = Segment(id=0, start=2.0, end=4.0, text="ขอบคุณครับ")
    blank = Segment(id=1, start=4.0, end=5.0, text="  \u200b ")
    out = thai.clean(Transcript(segments=[seg, blank])).segments
    assert [(s.text, s.start, s.end) for s in out] == [("ขอบคุณครับ", 2.0, 4.0)]
