"""Render stage: Markdown (template), DOCX (python-docx) and transcript files."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from pipeline.errors import MinutesError
from pipeline.render import minutes_files, transcript_files
from pipeline.thaidate import BLANK
from pipeline.types import (
    Action,
    AgendaItem,
    Meeting,
    Minutes,
    Person,
    Segment,
    Transcript,
)

GOLDEN = Path(__file__).parent / "data" / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The official elements, in the order the minutes must carry them.
ORDER = [
    "รายงานการประชุมคณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล",
    "ครั้งที่ 1/2569",
    "เมื่อวันที่ 19 มีนาคม 2569",
    "ณ ห้องประชุม 2 ชั้น 5",
    "ผู้มาประชุม",
    "ผู้ไม่มาประชุม",
    "ผู้เข้าร่วมประชุม",
    "เริ่มประชุมเวลา 13.30 น.",
    "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
    "มติที่ประชุม ที่ประชุมรับทราบ",
    "ระเบียบวาระที่ 2 เรื่องรับรองรายงานการประชุม ครั้งที่ 4/2568",
    "ระเบียบวาระที่ 4.1 ร่างแผนปฏิบัติการ",
    "มอบหมาย สำนักนโยบายและแผน ปรับปรุงร่างแผน",
    "มติที่ประชุม ......",
    "เลิกประชุมเวลา 16.00 น.",
    "ผู้จดรายงานการประชุม",
    "ผู้ตรวจรายงานการประชุม",
]


def make_minutes() -> Minutes:
    meeting = Meeting(
        body="คณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล",
        session="1/2569",
        date="2026-03-19",
        start_time="13:30",
        end_time="16.00",
        venue="ห้องประชุม 2 ชั้น 5",
        chair=Person("นายสมชาย ใจดี", "ผู้อำนวยการสำนักนโยบายและแผน"),
        members_present=[
            Person("นายสมชาย ใจดี", "ผู้อำนวยการสำนักนโยบายและแผน"),
            Person("นางสาวกานดา มีสุข", "นักวิเคราะห์นโยบายและแผน", "เลขานุการ"),
            Person("นายวิชัย กล้าหาญ", "", "มาประชุมแทน นายประเสริฐ ดีมาก"),
        ],
        members_absent=[Person("นางมาลี ศรีสุข", "ผู้อำนวยการกองคลัง", "ติดราชการ")],
        attendees=[Person("นายเอก ทดสอบ", "ผู้แทนบริษัทที่ปรึกษา")],
        minute_taker=Person("นางสาวกานดา มีสุข", "นักวิเคราะห์นโยบายและแผน"),
        sources={"date": "ชื่อโฟลเดอร์ Zoom"},
    )
    agenda = [
        AgendaItem(
            "1",
            "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            summary="ประธานแจ้งให้ที่ประชุมทราบว่า กระทรวงได้อนุมัติงบประมาณแล้ว",
            resolution="ที่ประชุมรับทราบ",
            start=190.4,
            end=465.0,
        ),
        AgendaItem(
            "2",
            "เรื่องรับรองรายงานการประชุม ครั้งที่ 4/2568",
            found=False,
            resolution="รับรองรายงานการประชุมโดยไม่มีการแก้ไข",
        ),
        AgendaItem(
            "4.1",
            "ร่างแผนปฏิบัติการ",
            summary="เลขานุการชี้แจงว่า ร่างแผนมี 5 ยุทธศาสตร์\nที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด",
            actions=[Action("สำนักนโยบายและแผน", "ปรับปรุงร่างแผน", due="2026-04-30")],
            segment_ids=[1, 2],
            notes=["ผู้พูดบางช่วงไม่ชัด"],
        ),
    ]
    return Minutes(meeting=meeting, agenda=agenda, notes=["ตรวจชื่อผู้เข้าร่วมประชุม"])


def make_transcript() -> Transcript:
    return Transcript(
        duration=3600.0,
        recording="meeting-2026-03-19",
        segments=[
            Segment(0, 1.0, 4.5, "สวัสดีครับ เริ่มประชุม", speaker="ประธาน"),
            Segment(1, 1510.25, 1514.0, "เลขานุการชี้แจง", speaker="SPEAKER_01"),
            Segment(2, 1514.0, 1925.75, "ควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย"),
        ],
    )


def render(minutes: Minutes | None = None, **kwargs) -> tuple[str, DocxDocument]:
    files = minutes_files(minutes or make_minutes(), make_transcript(), **kwargs)
    assert set(files) == {"minutes.md", "minutes.docx"}
    return files["minutes.md"].decode("utf-8"), Document(io.BytesIO(files["minutes.docx"]))


def docx_text(doc: DocxDocument) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)


def test_markdown_matches_golden() -> None:
    md, _ = render()
    golden = GOLDEN / "minutes.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(md, encoding="utf-8")
    assert md == golden.read_text(encoding="utf-8")


def test_markdown_elements_in_order() -> None:
    md, _ = render()
    assert md.startswith("ร่าง\n")
    assert_in_order(md, ORDER)
    assert "1. นายสมชาย ใจดี  ผู้อำนวยการสำนักนโยบายและแผน  ประธาน" in md
    assert md.count("นายสมชาย ใจดี") == 1  # the chair is not listed twice
    assert "มาประชุมแทน นายประเสริฐ ดีมาก" in md
    assert "นางมาลี ศรีสุข  ผู้อำนวยการกองคลัง  ติดราชการ" in md
    assert "*[00:03:10–00:07:45]*" in md
    assert "[00:25:10–00:32:05]" in md  # from the item's segments in the transcript


def test_docx_elements_in_order() -> None:
    _, doc = render()
    text = docx_text(doc).replace("\t", "  ")
    assert_in_order(text, ORDER)
    assert "นายวิชัย กล้าหาญ  ......  มาประชุมแทน นายประเสริฐ ดีมาก" in text


def test_dates_and_times_in_buddhist_era() -> None:
    md, doc = render()
    for text in (md, docx_text(doc)):
        assert "เมื่อวันที่ 19 มีนาคม 2569 เวลา 13.30 น." in text
        assert "เลิกประชุมเวลา 16.00 น." in text
        assert "ภายในวันที่ 30 เมษายน 2569" in text
        assert "2026" not in text and "13:30" not in text


def test_missing_values_are_blanks_never_invented() -> None:
    md, doc = render(Minutes(meeting=Meeting(), agenda=[AgendaItem("1", "")]))
    for text in (md, docx_text(doc)):
        for line in (
            f"รายงานการประชุม{BLANK}",
            f"ครั้งที่ {BLANK}",
            f"เมื่อวันที่ {BLANK}",
            f"ณ {BLANK}",
            f"เริ่มประชุมเวลา {BLANK}",
            f"ระเบียบวาระที่ 1 {BLANK}",
            f"เลิกประชุมเวลา {BLANK}",
            f"(ลงชื่อ) {BLANK} ผู้ตรวจรายงานการประชุม",
            f"({BLANK})",
            "ไม่มี",  # nobody absent
        ):
            assert line in text
        assert "ผู้เข้าร่วมประชุม" not in text
        assert "เวลา" not in text.split("เมื่อวันที่")[1].split("\n")[0]


def test_unreadable_date_and_time_are_shown_as_given() -> None:
    md, _ = render(Minutes(meeting=Meeting(date="19/3/2569", end_time="บ่ายสี่โมง")))
    assert "เมื่อวันที่ 19/3/2569" in md
    assert "เลิกประชุมเวลา บ่ายสี่โมง" in md


def test_no_resolution_gives_blank_and_reviewer_note() -> None:
    md, doc = render()
    note = "[หมายเหตุถึงผู้ตรวจ: ไม่ได้ยินมติที่ประชุมในบันทึกเสียง"
    assert re.search(rf"มติที่ประชุม \.{{6}}\n\n> {re.escape(note)}", md)
    assert_in_order(docx_text(doc), ["มติที่ประชุม ......", note])
    assert "ไม่พบระเบียบวาระนี้ในบันทึกเสียง" in md  # found=False
    assert "[หมายเหตุถึงผู้ตรวจ: ผู้พูดบางช่วงไม่ชัด]" in md


def test_thai_text_survives() -> None:
    md, doc = render()
    files = minutes_files(make_minutes(), make_transcript())
    assert files["minutes.md"].decode("utf-8") == md
    for text in (md, docx_text(doc)):
        assert "ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด" in text
        assert "ชื่อโฟลเดอร์ Zoom" in text


def test_thai_digits_everywhere() -> None:
    md, doc = render(thai_digits=True)
    text = docx_text(doc)
    for content in (md, text):
        assert not re.search(r"[0-9]", content)
        assert "ครั้งที่ ๑/๒๕๖๙" in content
        assert "เมื่อวันที่ ๑๙ มีนาคม ๒๕๖๙ เวลา ๑๓.๓๐ น." in content
        assert "[๐๐:๐๓:๑๐–๐๐:๐๗:๔๕]" in content
    header = doc.sections[0].header._element
    instr = "".join(t.text for t in header.iter(f"{W}instrText"))
    assert "PAGE \\* ThaiArabic" in instr


def _rpr_fonts(rpr) -> None:
    fonts = rpr.find(f"{W}rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(f"{W}{attr}") == "TH Sarabun New"
    assert not any("Theme" in k or "theme" in k for k in fonts.attrib)
    assert rpr.find(f"{W}sz").get(f"{W}val") == "32"
    assert rpr.find(f"{W}szCs").get(f"{W}val") == "32"


def test_docx_page_font_and_headers() -> None:
    _, doc = render()
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(m.cm, 2) for m in margins] == [3.0, 2.0, 2.5, 2.0]

    styles = doc.styles.element
    _rpr_fonts(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
    for name in ("Normal", "Header"):
        _rpr_fonts(doc.styles[name].element.find(f"{W}rPr"))
    assert doc.styles["Normal"].paragraph_format.line_spacing == 1.0

    title = doc.paragraphs[0]
    assert title.alignment == 1  # centre
    assert title.runs[0].bold and title.runs[0]._r.rPr.find(f"{W}bCs") is not None

    assert section.different_first_page_header_footer
    first = section.first_page_header
    assert "ร่าง" in first.paragraphs[0].text
    assert not list(first._element.iter(f"{W}fldChar"))  # no number on page 1
    default = section.header._element
    assert "ร่าง" in "".join(t.text for t in default.iter(f"{W}t"))
    kinds = [f.get(f"{W}fldCharType") for f in default.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    instr = "".join(t.text for t in default.iter(f"{W}instrText"))
    assert instr.strip() == "PAGE"
    assert section.header.paragraphs[0].text == "\t- 2 -\tร่าง"

    props = doc.core_properties
    assert props.title == "รายงานการประชุมคณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล ครั้งที่ 1/2569"
    assert props.language == "th-TH"
    assert props.created.isoformat().startswith("2026-03-19T06:30")


def test_docx_is_deterministic() -> None:
    first = minutes_files(make_minutes(), make_transcript())["minutes.docx"]
    second = minutes_files(make_minutes(), make_transcript())["minutes.docx"]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert not [n for n in archive.namelist() if "thumbnail" in n]


def test_template_override(tmp_path: Path) -> None:
    (tmp_path / "minutes.md.j2").write_text(
        "{{ doc.draft }} {{ meeting.date | date_be }} {{ doc.items | length }} วาระ\n",
        encoding="utf-8",
    )
    md, _ = render(templates=tmp_path, thai_digits=True)
    assert md == "ร่าง ๑๙ มีนาคม ๒๕๖๙ ๓ วาระ\n"


def test_template_dir_without_the_file_falls_back(tmp_path: Path) -> None:
    md, _ = render(templates=tmp_path)
    assert md == (GOLDEN / "minutes.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("ok\n{{ doc.body }\n", 2, "unexpected '}'"),
        ("ok\n\n{% if doc.body %}\n", 3, "endif"),
        ("a\nb\n{{ doc.nothing }}\n", 3, "nothing"),
    ],
)
def test_broken_template_is_a_one_line_error(
    tmp_path: Path, body: str, line: int, words: str
) -> None:
    (tmp_path / "minutes.md.j2").write_text(body, encoding="utf-8")
    with pytest.raises(MinutesError) as error:
        render(templates=tmp_path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"template minutes.md.j2 line {line}: ")
    assert words in message
    assert message.endswith(f"fix the template or remove it from --templates {tmp_path}")


def test_transcript_files() -> None:
    files = transcript_files(make_transcript())
    assert set(files) == {"transcript.txt", "transcript.srt", "transcript.vtt"}
    txt = files["transcript.txt"].decode("utf-8")
    assert txt.splitlines() == [
        "[00:00:01] ประธาน: สวัสดีครับ เริ่มประชุม",
        "[00:25:10] SPEAKER_01: เลขานุการชี้แจง",
        "[00:25:14] ควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย",
    ]
    srt = files["transcript.srt"].decode("utf-8")
    assert srt.startswith(
        "1\n00:00:01,000 --> 00:00:04,500\nประธาน: สวัสดีครับ เริ่มประชุม\n\n"
        "2\n00:25:10,250 --> 00:25:14,000\nSPEAKER_01: เลขานุการชี้แจง\n\n"
    )
    assert srt.endswith("3\n00:25:14,000 --> 00:32:05,750\nควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย\n\n")
    vtt = files["transcript.vtt"].decode("utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nประธาน: สวัสดีครับ เริ่มประชุม\n\n")
    assert "00:25:14.000 --> 00:32:05.750\nควรเพิ่มตัวชี้วัด &lt;ดัชนี> &amp; เป้าหมาย\n" in vtt
