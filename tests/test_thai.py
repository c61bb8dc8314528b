import pytest
from pythainlp.tokenize import sent_tokenize

from pipeline import thai
from pipeline.glossary import Glossary, Term
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


# --- sentences: the phrases of ../shared/reference/thai-minutes.md stay whole ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "ขอให้สำนักสิ่งแวดล้อมจัดทำแผนงาน ภายในวันที่ 30 เมษายน 2569 นะครับ",  # a due date is not a sentence
        "ถ้าไม่มีผู้ใดเห็นเป็นอย่างอื่น ถือว่าที่ประชุมเห็นชอบตามที่เสนอนะครับ",  # the spoken resolution
        "ที่ประชุมพิจารณาแล้ว มีมติเห็นชอบ และให้ฝ่ายเลขานุการแจ้งหน่วยงานที่เกี่ยวข้องทราบ",
        "มอบหมายให้กรมควบคุมมลพิษ ดำเนินการสำรวจพื้นที่ ภายใน 30 วัน",
        "ประธานขอให้ผู้แทนกรมควบคุมมลพิษชี้แจงต่อที่ประชุม",
        "ที่ประชุมรับรองรายงานการประชุม โดยไม่มีการแก้ไข",
        "ขอให้ทุกหน่วยงานส่งข้อมูล ภายในวันที่ 15 พ.ค. 2569",
    ],
)
def test_a_clause_and_what_completes_it_stay_one_sentence(text: str) -> None:
    assert thai.split_sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "ประธานแจ้งว่าโครงการลดฝุ่น PM2.5 เริ่มแล้วในเขตบางรัก ที่ประชุมรับทราบนะครับ",
            ["ประธานแจ้งว่าโครงการลดฝุ่น PM2.5 เริ่มแล้วในเขตบางรัก", "ที่ประชุมรับทราบนะครับ"],
        ),
        (
            "ขอให้ทุกหน่วยงานส่งข้อมูล ภายในวันที่ 15 พฤษภาคม 2569 ต่อไปเป็นวาระที่ 5 เรื่องอื่น ๆ",
            ["ขอให้ทุกหน่วยงานส่งข้อมูล ภายในวันที่ 15 พฤษภาคม 2569", "ต่อไปเป็นวาระที่ 5 เรื่องอื่น ๆ"],
        ),
        (
            "ไม่มีการแก้ไข ที่ประชุมรับรองรายงานการประชุม",
            ["ไม่มีการแก้ไข", "ที่ประชุมรับรองรายงานการประชุม"],
        ),
    ],
)
def test_a_resolution_or_an_agenda_cue_starts_a_sentence(text: str, sentences: list[str]) -> None:
    assert thai.split_sentences(text) == sentences


def test_abbreviations_are_not_sentence_ends() -> None:
    text = "การประชุมจัดที่ กทม. เมื่อวันที่ 19 เม.ย. พ.ศ. 2569 เวลา 13.30 น. โดยมี ดร. กมล เป็นประธาน"
    # crfcut alone cuts after every abbreviation; the rules keep the sentence whole.
    assert len(sent_tokenize(text, engine="crfcut")) > 1
    assert thai.split_sentences(text) == [text]


def test_a_due_date_whisper_put_in_the_next_segment_joins_its_sentence() -> None:
    first = _segment(["ขอให้", "สำนัก", "จัดทำ", "แผนงาน"], step=0.5)
    second = _segment(["ภายใน", "วันที่", " 30", " เมษายน", " 2569"], step=0.5)
    for w in second.words:
        w.start, w.end = w.start + 2.8, w.end + 2.8  # after a 0.8 s pause
    second.start, second.end = 2.8, 5.3
    out = thai.clean(Transcript(segments=[first, second])).segments
    assert [s.text for s in out] == ["ขอให้สำนักจัดทำแผนงาน ภายในวันที่ 30 เมษายน 2569"]
    assert (out[0].start, out[0].end) == (0.0, 5.3)


def test_a_long_pause_or_a_new_speaker_starts_a_paragraph() -> None:
    segs = [
        Segment(0, 0.0, 2.0, "ก", speaker="A"),
        Segment(1, 2.5, 4.0, "ข", speaker="A"),
        Segment(2, 8.0, 9.0, "ค", speaker="A"),
        Segment(3, 9.2, 10.0, "ง", speaker="B"),
    ]
    assert [[s.id for s in p] for p in thai.paragraphs(segs)] == [[0, 1], [2], [3]]


# --- normalisation, spacing, numbers ----------------------------------------------------------------


def test_spacing_rules() -> None:
    assert thai.normalise("ดีๆ มากๆๆ") == "ดี ๆ มาก ๆ"  # ไม้ยมก: a space each side, repeats dropped
    assert thai.normalise("โครงการลดฝุ่นPM2.5ราคา100บาท") == "โครงการลดฝุ่น PM2.5 ราคา 100 บาท"
    assert thai.normalise("มีนมไหม?") == "มีนมไหม"  # official Thai writes no question mark


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        (["วันที่", "สามสิบ", "เมษายน", "สองพันห้าร้อยหกสิบเก้า"], "วันที่ 30 เมษายน 2569"),
        (["ระเบียบ", "วาระที่", "สาม"], "ระเบียบวาระที่ 3"),
        (["ร้อยละ", "ยี่สิบห้า"], "ร้อยละ 25"),
        (["งบประมาณ", "ห้าล้าน", "บาท"], "งบประมาณ 5,000,000 บาท"),
        (["เวลา", "สิบสาม", "นาฬิกา", "สามสิบ", "นาที"], "เวลา 13.30 น."),
        (["เริ่ม", "เวลา", " 13:30", " น."], "เริ่มเวลา 13.30 น."),
        (["หนึ่ง", "ใน", "นั้น"], "หนึ่งในนั้น"),  # no cue, no unit: a word, not a number
        (["ค่า", "PM", "สองจุดห้า"], "ค่า PM 2.5"),
    ],
)
def test_numbers_are_written_as_a_secretary_writes_them(spoken: list[str], written: str) -> None:
    out = thai.clean(Transcript(segments=[_segment(spoken)]))
    assert [s.text for s in out.segments] == [written]
    changed = [e for e in out.edits if e.kind == "number"]
    assert bool(changed) == (written.replace(" ", "") != "".join(spoken).replace(" ", ""))
    assert all(any(f.startswith("number:") for f in out.segments[0].flags) for _ in changed)


def test_thai_digits_on_request_except_inside_latin_terms() -> None:
    seg = _segment(["ฝุ่น", " PM2.5", " ครั้งที่", " 1/2569", " เวลา", " 13.30", " น."])
    out = thai.clean(Transcript(segments=[seg]), thai.TextOptions(digits="thai")).segments
    assert out[0].text == "ฝุ่น PM2.5 ครั้งที่ ๑/๒๕๖๙ เวลา ๑๓.๓๐ น."
    assert "๑/๒๕๖๙" in [w.text for w in out[0].words]


# --- word timing ------------------------------------------------------------------------------------


def test_every_thai_word_gets_a_time_inside_the_piece_it_came_from() -> None:
    # Whisper pieces cut across Thai words: "ที่ประชุม" + "รับทราบ" come as "ที่ประ", "ชุมรับ", "ทราบ".
    seg = _segment(["ที่ประ", "ชุมรับ", "ทราบ", "นะครับ"], step=1.0)
    out = thai.clean(Transcript(segments=[seg])).segments
    words = [(w.text, w.start, w.end) for s in out for w in s.words]
    assert [w for w, _, _ in words] == ["ที่ประชุม", "รับทราบ", "นะ", "ครับ"]
    assert words[0][1] == 0.0 and 1.0 < words[0][2] < 2.0  # "ชุม" is half of the second piece
    assert 1.0 < words[1][1] < 2.0 and words[1][2] == 3.0
    assert all(a <= b for _, a, b in words) and all(words[i][2] <= words[i + 1][1] for i in range(len(words) - 1))


# --- glossary corrections are visible ---------------------------------------------------------------


def test_glossary_corrections_are_recorded_and_flagged() -> None:
    terms = Glossary([Term("JICA", "terms", ["ไจก้า"]), Term("PM2.5", "terms"), Term("จังหวัดเชียงใหม่", "places")])
    seg = _segment(["โครงการ", "ของไจ", "ก้า", " เรื่อง", "ฝุ่น", "พีเอ็ม", "สองจุดห้า", " ที่", "จังวัด", "เชียงใหม่"])
    out = thai.clean(Transcript(segments=[seg]), thai.TextOptions(glossary=terms))
    assert [s.text for s in out.segments] == ["โครงการของ JICA เรื่องฝุ่น PM2.5 ที่จังหวัดเชียงใหม่"]
    changes = [(e.kind, e.before, e.after) for e in out.edits]
    assert changes == [
        ("glossary", "ไจก้า", "JICA"),
        ("glossary", "พีเอ็มสองจุดห้า", "PM2.5"),
        ("glossary", "จังวัดเชียงใหม่", "จังหวัดเชียงใหม่"),
    ]
    assert sum(f.startswith("glossary:") for f in out.segments[0].flags) == 3
    # Timed like the words they replace.
    jica = next(w for w in out.segments[0].words if w.text == "JICA")
    assert (jica.start, jica.end) == (0.8, 1.5)  # "ไจ" is the last 2 of the 5 characters of "ของไจ"


def test_glossary_leaves_correct_and_unrelated_words_alone() -> None:
    terms = Glossary([Term("จังหวัดเชียงใหม่", "places"), Term("กรมควบคุมมลพิษ", "agencies")])
    seg = _segment(["ฉัน", "ไป", "ที่", "จังหวัด", "เชียงใหม่", " กับ", "กรม", "ชลประทาน"])
    out = thai.clean(Transcript(segments=[seg]), thai.TextOptions(glossary=terms))
    assert out.segments[0].text == "ฉันไปที่จังหวัดเชียงใหม่ กับกรมชลประทาน" and out.edits == []


def test_an_unheard_line_is_a_paragraph_of_its_own() -> None:
    """The text stage's runs are paragraphs: same speaker, under 3 s apart; an `[ฟังไม่ชัด]` line alone."""
    unheard = Segment(1, 2.0, 3.0, "[ฟังไม่ชัด]", speaker="A", flags=["unheard: no usable words"])
    segs = [
        Segment(0, 0.0, 1.5, "ขอเริ่มประชุม", speaker="A"),
        unheard,
        Segment(2, 3.5, 5.0, "ต่อไปเป็นวาระที่ 2", speaker="A"),
        Segment(3, 5.5, 6.0, "ครับ", speaker="A"),
    ]
    assert [[s.id for s in p] for p in thai.paragraphs(segs)] == [[0, 1, 2, 3]]
    assert [[s.id for s in p] for p in thai.paragraphs(segs, alone=thai._placeholder)] == [[0], [1], [2, 3]]
    out = thai.clean(Transcript(segments=segs)).segments
    assert [s.text for s in out] == ["ขอเริ่มประชุม", "[ฟังไม่ชัด]", "ต่อไปเป็นวาระที่ 2 ครับ"]


# --- the one home of Thai numbers, dates and times (pipeline/thaidate.py) ---------------------------


def test_thai_numbers_dates_and_clock_as_written_by_hand() -> None:
    from pipeline import thaidate

    assert thaidate.DIGIT_WORDS[5] == "ห้า" and thaidate.DIGIT_WORDS[0] == "ศูนย์"
    assert thaidate.NUMBER_WORDS["เอ็ด"] == 1 and thaidate.NUMBER_WORDS["ยี่"] == 2
    assert thaidate.THAI_MONTHS[3] == "เมษายน" and thaidate.THAI_MONTHS_ABBR[3] == "เม.ย."
    assert thaidate.thai_digits("PM2.5 วันที่ 30") == "PM๒.๕ วันที่ ๓๐"
    assert thaidate.thai_digits("PM2.5 วันที่ 30", keep_latin=True) == "PM2.5 วันที่ ๓๐"
    assert thaidate.arabic_digits("๑/๒๕๖๙") == "1/2569"
    assert thaidate.digits("13.30 น.", thai=True) == "๑๓.๓๐ น."
    assert thaidate.digits("13.30 น.", thai=False) == "13.30 น."
    assert thaidate.date_be("2026-04-30") == "30 เมษายน 2569"
    assert thaidate.time_th("1330") == "13.30 น."
    assert thaidate.clock(3723.9) == "01:02:03" and thaidate.clock(3723.9, pad_hours=False) == "1:02:03"
    assert thaidate.clock(-0.5) == "00:00:00" and thaidate.clock(36000) == "10:00:00"
    # The text stage writes what it hears with these words: "สิบเอ็ด" is 11, "ยี่สิบห้า" 25, "สองจุดห้า" 2.5.
    edits: list = []
    tokens = [thai.Token(w, float(i), i + 1.0) for i, w in enumerate(["ร้อยละ", "ยี่สิบห้า", "ข้อ", "สิบเอ็ด"])]
    assert [t.text for t in thai.format_numbers(tokens, edits)] == ["ร้อยละ", "25", "ข้อ", "11"]
    tokens = [thai.Token(w, float(i), i + 1.0) for i, w in enumerate(["ประมาณ", "สอง", "จุด", "ห้า", "ล้านบาท"])]
    assert [t.text for t in thai.format_numbers(tokens, edits)] == ["ประมาณ", "2.5", "ล้านบาท"]
