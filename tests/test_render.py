"""Render stage: Markdown and HTML (Jinja2 templates), DOCX (Word template) and transcript files."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline import render as render_module
from pipeline.errors import MinutesError
from pipeline.render import minutes_files, transcript_files
from pipeline.thaidate import BLANK
from pipeline.types import (
    Action,
    AgendaItem,
    Meeting,
    Minutes,
    Person,
    Point,
    Segment,
    Transcript,
)
from tests import golden

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
    "มติที่ประชุม ......",
    "มอบหมาย สำนักนโยบายและแผน ปรับปรุงร่างแผน",
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
            resolution_start=460.0,
            resolution_end=465.0,
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
            summary="เลขานุการชี้แจงว่า ร่างแผนมี 5 ยุทธศาสตร์ ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด",
            discussion=[
                Point("เลขานุการชี้แจงว่า ร่างแผนมี 5 ยุทธศาสตร์", "SPEAKER_01", [1], 1510.25, 1514.0),
                Point("ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด", None, [2], 1514.0, 1925.75),
            ],
            actions=[
                Action("สำนักนโยบายและแผน", "ปรับปรุงร่างแผน", due="2026-04-30", segment_ids=[2], start=1514.0, end=1925.75)
            ],
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
    assert set(files) == {"minutes.md", "minutes.html", "minutes.docx"}
    return files["minutes.md"].decode("utf-8"), Document(io.BytesIO(files["minutes.docx"]))


def docx_text(doc: DocxDocument) -> str:
    """The document's text in order: a paragraph a line, a table row a line (its cells tab-separated)."""
    lines = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            lines += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            lines.append(block.text)
    return "\n".join(lines)


def all_paragraphs(doc: DocxDocument) -> list[Paragraph]:
    """Every paragraph of the body, those in table cells included."""
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(f"{W}p")]


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)


def test_markdown_matches_golden() -> None:
    """tests/data/golden/minutes.md is reviewed by hand (tests/golden.py: a difference is left as .new)."""
    md, _ = render()
    golden.check(GOLDEN / "minutes.md", md)


def docx_outline(doc: DocxDocument) -> str:
    """What a reviewer checks in a Word file, as text: the page, headers, the styles' settings, and
    each block in order with its style (a table a row a line, its cells between ' | ')."""

    def cm(value: object) -> str | None:
        return None if value is None else f"{value.cm:.2f} cm"

    def pt(value: object) -> str | None:
        return None if value is None else f"{value.pt:g} pt"

    section = doc.sections[0]
    lines = [
        f"page {cm(section.page_width)} x {cm(section.page_height)}; margins top {cm(section.top_margin)}"
        f" bottom {cm(section.bottom_margin)} left {cm(section.left_margin)} right {cm(section.right_margin)}",
        f"first page header of its own: {section.different_first_page_header_footer}",
        *(
            f"{kind}: {' | '.join(p.text for p in getattr(section, kind).paragraphs)}"
            for kind in ("header", "first_page_header")
        ),
    ]
    for name in ("Normal", *render_module.PARAGRAPH_STYLES, *render_module.CHARACTER_STYLES):
        style = doc.styles[name]
        fonts = style.element.find(f"{W}rPr/{W}rFonts")
        fonts = (
            ",".join(f"{k.split('}')[1]}={v}" for k, v in sorted(fonts.attrib.items())) if fonts is not None else None
        )
        font = style.font
        line = f"style {name}: fonts {fonts}, size {pt(font.size)}, bold {font.bold}, highlight {font.highlight_color}"
        if hasattr(style, "paragraph_format"):
            f = style.paragraph_format
            line += (
                f"; align {f.alignment}, first line {cm(f.first_line_indent)}, left {cm(f.left_indent)},"
                f" before {pt(f.space_before)}, keep with next {f.keep_with_next}"
            )
        lines.append(line)
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            lines += [f"  | {' | '.join(cell.text for cell in row.cells)} |" for row in block.rows]
        else:
            lines.append(f"[{block.style.name}] {block.text}")
    return "\n".join(lines) + "\n"


def test_docx_matches_golden() -> None:
    """The document's page, styles and text, block by block, against a reviewed outline."""
    _, doc = render()
    golden.check(GOLDEN / "minutes.docx.txt", docx_outline(doc))


def test_markdown_elements_in_order() -> None:
    md, _ = render()
    assert md.startswith("ร่าง\n")
    assert_in_order(md, ORDER)
    assert "| 1. นายสมชาย ใจดี | ผู้อำนวยการสำนักนโยบายและแผน | ประธาน |" in md
    assert md.count("นายสมชาย ใจดี") == 1  # the chair is not listed twice
    assert "| 3. นายวิชัย กล้าหาญ | ...... | มาประชุมแทน นายประเสริฐ ดีมาก |" in md
    assert "| 1. นางมาลี ศรีสุข | ผู้อำนวยการกองคลัง | ติดราชการ |" in md
    assert "| 1. นายเอก ทดสอบ | ผู้แทนบริษัทที่ปรึกษา |  |" in md
    assert "*[00:03:10–00:07:45]*" in md
    assert "[00:25:10–00:32:05]" in md  # from the item's segments in the transcript


def test_docx_elements_in_order() -> None:
    _, doc = render()
    text = docx_text(doc).replace("\t", "  ")
    assert_in_order(text, ORDER)
    assert "นายวิชัย กล้าหาญ  ......  มาประชุมแทน นายประเสริฐ ดีมาก" in text


def test_all_three_outputs_follow_the_one_section_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The section order is data (render.SECTIONS): change it there and the Markdown, the HTML and
    the DOCX all change with it. The expected text of each section is written by hand."""
    assert render_module.SECTIONS == (
        "title",
        "present",
        "absent",
        "attendees",
        "opening",
        "items",
        "closing",
        "signatures",
        "review_notes",
        "chat",
    )
    monkeypatch.setattr(render_module.view, "SECTIONS", ("closing", "items", "title", "present"))
    files = minutes_files(make_minutes(), make_transcript())
    md = files["minutes.md"].decode("utf-8")
    html = re.sub(r"<[^>]+>", "", files["minutes.html"].decode("utf-8"))
    docx = docx_text(Document(io.BytesIO(files["minutes.docx"])))
    expected = [
        "เลิกประชุมเวลา 16.00 น.",
        "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
        "ระเบียบวาระที่ 4.1 ร่างแผนปฏิบัติการ",
        "ครั้งที่ 1/2569",
        "ผู้มาประชุม",
    ]
    for text in (md, html, docx):
        assert_in_order(text, expected)
        # the sections left out of the order are left out of every output
        assert "ผู้ไม่มาประชุม" not in text and "เริ่มประชุมเวลา" not in text and "ผู้จดรายงานการประชุม" not in text
    assert md.startswith("เลิกประชุมเวลา 16.00 น.\n")


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
    """Every file keeps the Thai of its input as UTF-8 characters: read from the raw bytes (the DOCX's
    own document.xml), never through the renderer, with the strings written here from make_minutes()
    and make_transcript(); no escapes (\\u0e.., &#3..;) stand in for them."""
    files = {**minutes_files(make_minutes(), make_transcript()), **transcript_files(make_transcript())}
    with zipfile.ZipFile(io.BytesIO(files.pop("minutes.docx"))) as docx_zip:
        files["word/document.xml"] = docx_zip.read("word/document.xml")
    raw = {name: data.decode("utf-8") for name, data in files.items()}  # strict: a broken byte fails here
    said = "ควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย"  # segment 2, with the characters markup must escape
    expected = {
        "minutes.md": ["ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด", "ชื่อโฟลเดอร์ Zoom", "นายวิชัย กล้าหาญ"],
        "minutes.html": ["ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด", "ชื่อโฟลเดอร์ Zoom", "นายวิชัย กล้าหาญ"],
        "word/document.xml": ["ที่ประชุมให้ข้อคิดเห็นว่า ควรเพิ่มตัวชี้วัด", "ชื่อโฟลเดอร์ Zoom", "นายวิชัย กล้าหาญ"],
        "transcript.txt": ["[00:25:10] SPEAKER_01: เลขานุการชี้แจง", said],
        "transcript.srt": ["SPEAKER_01: เลขานุการชี้แจง", said],
        "transcript.vtt": ["SPEAKER_01: เลขานุการชี้แจง", "ควรเพิ่มตัวชี้วัด &lt;ดัชนี> &amp; เป้าหมาย"],
    }
    assert set(raw) == set(expected)
    for name, parts in expected.items():
        for part in parts:
            assert part in raw[name], (name, part)
        assert not re.search(r"\\u0e|&#(?:x0?e[0-7][0-9a-f]|3[5-7]\d\d);", raw[name], re.IGNORECASE), name


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
    assert title.style.name == render_module.STYLE_TITLE
    assert title.style.paragraph_format.alignment == 1  # centre
    assert title.style.font.bold and title.style.element.rPr.find(f"{W}bCs") is not None

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


def test_the_built_in_templates_copied_to_templates_render_the_same_in_the_sandbox(tmp_path: Path) -> None:
    """A secretary starts from a copy of the built-in templates: in --templates they run in Jinja's
    sandbox, whose rules the section macros and their loop must pass, and give the same bytes."""
    for name in ("minutes.md.j2", "minutes.html.j2"):
        (tmp_path / name).write_bytes((render_module.PACKAGE_TEMPLATES / name).read_bytes())
    built_in = minutes_files(make_minutes(), make_transcript())
    copied = minutes_files(make_minutes(), make_transcript(), templates=tmp_path)
    assert copied["minutes.md"] == built_in["minutes.md"]
    assert copied["minutes.html"] == built_in["minutes.html"]


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
def test_broken_template_is_a_one_line_error(tmp_path: Path, body: str, line: int, words: str) -> None:
    (tmp_path / "minutes.md.j2").write_text(body, encoding="utf-8")
    with pytest.raises(MinutesError) as error:
        render(templates=tmp_path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"template {tmp_path / 'minutes.md.j2'} line {line}: ")
    assert words in message
    assert message.endswith(f"fix the template or remove it from --templates {tmp_path}")


def test_transcript_files() -> None:
    files = transcript_files(make_transcript())
    assert set(files) == {"transcript.txt", "transcript.srt", "transcript.vtt"}
    txt = files["transcript.txt"].decode("utf-8")
    assert txt.split("\n\n") == [  # a paragraph each: the speaker changes every time
        "[00:00:01] ประธาน: สวัสดีครับ เริ่มประชุม",
        "[00:25:10] SPEAKER_01: เลขานุการชี้แจง",
        "[00:25:14] ควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย",
        "",
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


# --------------------------------------------------------------------------------------------
# Styles


def _item_text(md: str, number: str) -> str:
    return md.split(f"## ระเบียบวาระที่ {number} ")[1].split("## ")[0]


def test_three_styles() -> None:
    summarised, doc = render()
    verbatim, vdoc = render(style="verbatim")
    resolutions, rdoc = render(style="resolutions")
    # summarised: the points, who raised them and where
    item = _item_text(summarised, "4.1")
    assert "**SPEAKER_01:** เลขานุการชี้แจงว่า ร่างแผนมี 5 ยุทธศาสตร์ *[00:25:10]*" in item
    assert "ควรเพิ่มตัวชี้วัด <ดัชนี>" not in item  # a point, not the utterance
    # verbatim: every utterance of the item with its speaker
    item = _item_text(verbatim, "4.1")
    assert "**SPEAKER_01:** เลขานุการชี้แจง *[00:25:10]*" in item
    assert "ควรเพิ่มตัวชี้วัด <ดัชนี> & เป้าหมาย *[00:25:14]*" in item
    # resolutions only: no discussion, the resolutions and assignments stay
    item = _item_text(resolutions, "4.1")
    assert "ยุทธศาสตร์" not in item and "ตัวชี้วัด" not in item
    assert "มติที่ประชุม ......" in item and "มอบหมาย สำนักนโยบายและแผน ปรับปรุงร่างแผน" in item
    assert "มติที่ประชุม ที่ประชุมรับทราบ *[00:07:40–00:07:45]*" in resolutions
    for text, d in ((summarised, doc), (verbatim, vdoc), (resolutions, rdoc)):
        assert_in_order(text, ORDER)
        assert_in_order(docx_text(d).replace("\t", "  "), ORDER)
    assert "SPEAKER_01: เลขานุการชี้แจง  [00:25:10]" in docx_text(vdoc)
    assert "ยุทธศาสตร์" not in docx_text(rdoc)


def test_unknown_style_lists_the_styles() -> None:
    with pytest.raises(MinutesError) as error:
        render(style="brief")
    assert str(error.value) == "unknown style 'brief'. Available: verbatim, summarised, resolutions"


def test_sources_of_resolutions_and_assignments_are_shown() -> None:
    md, doc = render()
    assert "*[00:25:14–00:32:05]*" in md.split("- มอบหมาย สำนักนโยบายและแผน")[1].splitlines()[0]
    text = docx_text(doc)
    assert "มติที่ประชุม ที่ประชุมรับทราบ  [00:07:40–00:07:45]" in text
    grey = [r for p in doc.paragraphs for r in p.runs if r.style.name == render_module.STYLE_SOURCE]
    assert "[00:07:40–00:07:45]" in "".join(r.text for r in grey)


# --------------------------------------------------------------------------------------------
# HTML


def test_html_has_the_elements_in_order_and_escapes_text() -> None:
    files = minutes_files(make_minutes(), make_transcript(), style="verbatim")
    html = files["minutes.html"].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="th">' in html
    assert_in_order(re.sub(r"<[^>]+>", "", html), [o.replace("  ", " ") for o in ORDER if "ครั้งที่ 4" not in o])
    assert "ควรเพิ่มตัวชี้วัด &lt;ดัชนี&gt; &amp; เป้าหมาย" in html  # autoescaped
    assert "<ดัชนี>" not in html


def test_html_template_override_and_error(tmp_path: Path) -> None:
    (tmp_path / "minutes.html.j2").write_text("<p>{{ doc.body }}</p>\n", encoding="utf-8")
    files = minutes_files(make_minutes(), make_transcript(), templates=tmp_path)
    assert files["minutes.html"].decode("utf-8") == "<p>คณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล</p>\n"
    (tmp_path / "minutes.html.j2").write_text("<p>\n{% for x in doc.items %}\n", encoding="utf-8")
    with pytest.raises(MinutesError) as error:
        minutes_files(make_minutes(), make_transcript(), templates=tmp_path)
    assert str(error.value).startswith(f"template {tmp_path / 'minutes.html.j2'} line 2: ")


# --------------------------------------------------------------------------------------------
# The Word template


def test_builtin_docx_template_is_what_the_code_makes() -> None:
    """templates/minutes.docx is built by render.docx_template() (UPDATE_GOLDEN=1 writes it again
    after a change to that code); what it holds is checked against a reviewed outline, which no
    regeneration writes: a changed template leaves its outline as minutes-template.docx.txt.new."""
    built = render_module.docx_template()
    path = render_module.PACKAGE_TEMPLATES / "minutes.docx"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(built)
    template = Document(str(path))
    golden.check(GOLDEN / "minutes-template.docx.txt", docx_outline(template))
    assert path.read_bytes() == built, "the shipped template is not what the code builds: UPDATE_GOLDEN=1"
    names = {s.name for s in template.styles}
    assert set(render_module.PARAGRAPH_STYLES + render_module.CHARACTER_STYLES) <= names
    # the body tells the secretary what each style is for (the renderer replaces it)
    assert all(any(p.style.name == n for p in template.paragraphs) for n in render_module.PARAGRAPH_STYLES)


def test_docx_uses_the_template_styles() -> None:
    _, doc = render()
    used = {p.style.name for p in all_paragraphs(doc)}
    assert set(render_module.PARAGRAPH_STYLES) <= used
    styles = {p.text.split()[0] if p.text.split() else "": p.style.name for p in doc.paragraphs}
    assert styles["ผู้มาประชุม"] == render_module.STYLE_HEADING
    assert styles["มติที่ประชุม"] == render_module.STYLE_BODY
    assert styles["มอบหมาย"] == render_module.STYLE_ACTION
    body = doc.styles[render_module.STYLE_BODY]
    assert round(body.paragraph_format.first_line_indent.cm, 2) == 2.5
    assert "แม่แบบ" not in docx_text(doc)  # the template's sample body is gone


def test_a_restyled_word_template_is_used(tmp_path: Path) -> None:
    """What a secretary does in Word: change a style, the margins and the header; save as minutes.docx."""
    template = Document(str(render_module.PACKAGE_TEMPLATES / "minutes.docx"))
    template.styles[render_module.STYLE_BODY].font.size = Pt(15)
    template.styles[render_module.STYLE_HEADING].font.underline = True
    template.sections[0].left_margin = Cm(2.5)
    template.sections[0].first_page_header.paragraphs[0].add_run(" สำนักงานเขต")
    template.save(str(tmp_path / "ชื่อแม่แบบ.docx"))
    (tmp_path / "ชื่อแม่แบบ.docx").rename(tmp_path / "minutes.docx")
    _, doc = render(templates=tmp_path)
    assert doc.styles[render_module.STYLE_BODY].font.size == Pt(15)
    assert doc.styles[render_module.STYLE_HEADING].font.underline
    assert round(doc.sections[0].left_margin.cm, 2) == 2.5
    assert "สำนักงานเขต" in doc.sections[0].first_page_header.paragraphs[0].text
    assert_in_order(docx_text(doc).replace("\t", "  "), ORDER)
    md, _ = render(templates=tmp_path)
    assert md == (GOLDEN / "minutes.md").read_text(encoding="utf-8")  # the Markdown keeps its default


def test_broken_word_template_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "minutes.docx").write_text("ไม่ใช่ไฟล์ Word", encoding="utf-8")
    with pytest.raises(MinutesError) as error:
        render(templates=tmp_path)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"template {tmp_path / 'minutes.docx'}: not a Word .docx")
    assert message.endswith(f"remove it from --templates {tmp_path}")

    template = Document(str(render_module.PACKAGE_TEMPLATES / "minutes.docx"))
    style = template.styles[render_module.STYLE_ACTION]
    style.element.getparent().remove(style.element)  # a style deleted in Word
    template.save(str(tmp_path / "minutes.docx"))
    with pytest.raises(MinutesError) as error:
        render(templates=tmp_path)
    assert f"has no style '{render_module.STYLE_ACTION}'" in str(error.value)


# --------------------------------------------------------------------------------------------
# `minutes render OUTDIR`: the drafts again from the stored results


def _cli(*args: str):  # noqa: ANN202
    from typer.testing import CliRunner

    from pipeline.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    """A run folder made by `minutes run` from a scripted transcript (named with Thai and spaces)."""
    source = tmp_path / "ประชุม คณะทำงาน.json"
    source.write_bytes((Path(__file__).parent / "data" / "scripted" / "secretary.json").read_bytes())
    (tmp_path / "meeting.yaml").write_text(
        "body: คณะทำงานทดสอบ\ndate: 2026-05-25\nagenda:\n  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n"
        "  - 4 เรื่องเพื่อพิจารณา\n  - 4.1 ร่างแผนปฏิบัติการ\n  - 4.2 การจัดซื้อครุภัณฑ์คอมพิวเตอร์\n",
        encoding="utf-8",
    )
    result = _cli("run", str(source), "--out", str(tmp_path / "out"), "--meeting", str(tmp_path / "meeting.yaml"))
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    return folder


def test_render_command_restyles_from_stored_results(drafted: Path) -> None:
    stage = drafted / "stages" / "minutes.json"
    before = stage.stat().st_mtime_ns, (drafted / "transcript.json").read_bytes()
    summarised = (drafted / "minutes.md").read_text(encoding="utf-8")
    result = _cli("render", str(drafted), "--style", "verbatim", "--thai-digits")
    assert result.exit_code == 0, result.output
    assert "rendered (verbatim)" in result.output and "minutes.docx" in result.output
    verbatim = (drafted / "minutes.md").read_text(encoding="utf-8")
    assert verbatim != summarised
    assert "ฝากกองแผนงาน ช่วยจัดทำ" in verbatim  # every utterance, as said
    assert "๒๕๖๙" in verbatim and "2569" not in verbatim
    assert "ฝากกองแผนงาน" not in summarised
    assert json.loads((drafted / "minutes.json").read_text(encoding="utf-8"))["style"] == "verbatim"
    assert "ฝากกองแผนงาน ช่วยจัดทำ" in (drafted / "minutes.html").read_text(encoding="utf-8")
    assert (stage.stat().st_mtime_ns, (drafted / "transcript.json").read_bytes()) == before  # nothing redrafted
    # `minutes run` with the same choices now finds the render done
    root = drafted.parent.parent
    source, meeting = next(root.glob("*.json")), root / "meeting.yaml"
    again = _cli(
        "run",
        str(source),
        "--out",
        str(drafted.parent),
        "--meeting",
        str(meeting),
        "--style",
        "verbatim",
        "--thai-digits",
    )
    assert again.exit_code == 0 and "nothing to redo" in again.output


def test_render_command_keeps_a_reviewed_draft(drafted: Path) -> None:
    reviewed = "รายงานการประชุม (ตรวจแล้ว)\n"
    (drafted / "minutes.md").write_text(reviewed, encoding="utf-8")
    result = _cli("render", str(drafted), "--style", "resolutions")
    assert result.exit_code == 0, result.output
    assert (drafted / "minutes.md").read_text(encoding="utf-8") == reviewed
    assert "มติที่ประชุม" in (drafted / "minutes.new.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--style", "brief"], "unknown style 'brief'. Available: verbatim, summarised, resolutions"),
        (["--templates", "ไม่มีโฟลเดอร์นี้"], "ไม่มีโฟลเดอร์นี้: no such folder"),
    ],
)
def test_render_command_bad_options(drafted: Path, args: list[str], expected: str) -> None:
    before = {p.name: p.read_bytes() for p in drafted.iterdir() if p.is_file()}
    result = _cli("render", str(drafted), *args)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and expected in line
    assert {p.name: p.read_bytes() for p in drafted.iterdir() if p.is_file()} == before


def test_render_command_needs_a_run_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ไม่ใช่ผลลัพธ์"
    folder.mkdir()
    result = _cli("render", str(folder))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {folder}: no stored minutes to render") and "minutes run" in line
    assert not any(folder.iterdir())


def test_transcript_txt_joins_a_speakers_sentences_into_paragraphs() -> None:
    segments = [
        Segment(0, 1.0, 3.0, "ขอเปิดการประชุมครับ", speaker="ประธาน"),
        Segment(1, 3.2, 6.0, "วาระที่ 1 เรื่องแจ้งเพื่อทราบ", speaker="ประธาน"),
        Segment(2, 6.5, 8.0, "รับทราบค่ะ", speaker="เลขานุการ"),
        Segment(3, 20.0, 22.0, "ต่อไปวาระที่ 2", speaker="เลขานุการ"),  # after a long pause
    ]
    txt = transcript_files(Transcript(language="th", duration=30.0, segments=segments))["transcript.txt"]
    assert txt.decode("utf-8").split("\n\n") == [
        "[00:00:01] ประธาน: ขอเปิดการประชุมครับ วาระที่ 1 เรื่องแจ้งเพื่อทราบ",
        "[00:00:06] เลขานุการ: รับทราบค่ะ",
        "[00:00:20] เลขานุการ: ต่อไปวาระที่ 2",
        "",
    ]


# --------------------------------------------------------------------------------------------
# The attendee lists: borderless tables of fixed columns

SAMPLE_MEETING = Path(__file__).parent.parent / "recordings" / "sample" / "meeting.yaml"
# Written by hand from recordings/sample/meeting.yaml: (number and name, position, note).
SAMPLE_PRESENT = [
    ("1.\tดร.กมล วิริยะกุล", "รองปลัดกรุงเทพมหานคร ประธานคณะทำงาน", "ประธาน"),
    ("2.\tนายธนวัฒน์ ศรีประเสริฐ", "ผู้อำนวยการสำนักการจราจรและขนส่ง คณะทำงาน", ""),
    ("3.\tนางสาวสุภาวดี มั่นคงธรรม", "ผู้อำนวยการสำนักสิ่งแวดล้อม คณะทำงาน", ""),
    ("4.\tนายอนุชา พงษ์ไพบูลย์", "ผู้อำนวยการกองวิศวกรรมทาง สำนักการโยธา", "มาประชุมแทน ผู้อำนวยการสำนักการโยธา"),
    ("5.\tนางวราภรณ์ แก้วมณี", "ผู้อำนวยการเขตปทุมวัน คณะทำงาน", ""),
    ("6.\tนางสาวปวีณา ทองดี", "ผู้อำนวยการกองนโยบายและแผนงาน สำนักยุทธศาสตร์และประเมินผล คณะทำงาน", ""),
    ("7.\tนางสาวอรอุมา จันทร์เพ็ญ", "ผู้อำนวยการกองการขนส่ง สำนักการจราจรและขนส่ง คณะทำงาน", ""),
    ("8.\tนายพงศกร รัตนวงศ์", "ผู้อำนวยการกองนโยบายและแผนงาน สำนักการจราจรและขนส่ง คณะทำงานและเลขานุการ", ""),
    (
        "9.\tนางสาวณัฐธิดา ใจงาม",
        "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ สำนักการจราจรและขนส่ง คณะทำงานและผู้ช่วยเลขานุการ",
        "",
    ),
]
SAMPLE_ABSENT = [
    ("1.\tนายสมเกียรติ บุญญาศิริ", "ผู้อำนวยการสำนักการระบายน้ำ คณะทำงาน", "ติดราชการ"),
    ("2.\tนางสาวจิราพร เลิศวิไล", "ผู้อำนวยการเขตบางรัก คณะทำงาน", "ลาป่วย"),
]
SAMPLE_ATTENDEES = [
    ("1.\tนางสาวกัญญารัตน์ สุขสวัสดิ์", "นักวิชาการสิ่งแวดล้อมชำนาญการ สำนักสิ่งแวดล้อม", ""),
    ("2.\tนางสาวเบญจมาศ อินทร์แก้ว", "ผู้แทนที่ปรึกษาโครงการ (บริษัทตัวอย่าง จำกัด)", ""),
]


def _sample_docx(**kwargs) -> DocxDocument:  # noqa: ANN003
    from pipeline import meeting

    minutes = Minutes(meeting=meeting.load(SAMPLE_MEETING), agenda=[AgendaItem("1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ")])
    files = minutes_files(minutes, Transcript(), **kwargs)
    return Document(io.BytesIO(files["minutes.docx"]))


def test_attendee_lists_are_tables_with_a_cell_for_name_position_and_note() -> None:
    doc = _sample_docx()
    assert len(doc.tables) == 3
    for table, expected in zip(doc.tables, (SAMPLE_PRESENT, SAMPLE_ABSENT, SAMPLE_ATTENDEES), strict=True):
        assert [tuple(cell.text for cell in row.cells) for row in table.rows] == expected
    # Each table comes right after its heading, in the official order.
    blocks = list(doc.iter_inner_content())
    for label, table in zip(("ผู้มาประชุม", "ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม"), doc.tables, strict=True):
        at = next(i for i, b in enumerate(blocks) if isinstance(b, Table) and b._tbl is table._tbl)
        assert blocks[at - 1].text == label


def test_attendee_tables_are_borderless_with_fixed_columns() -> None:
    doc = _sample_docx()
    for table in doc.tables:
        tbl = table._tbl
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        borders = tbl.find(f"{W}tblPr/{W}tblBorders")
        assert {b.get(f"{W}val") for b in borders} == {"nil"} and len(borders) == 6
        widths = [round(int(c.get(f"{W}w")) / 567, 2) for c in tbl.iter(f"{W}gridCol")]
        assert widths == [7.5, 5.5, 3.0]  # number and name | position | note, in cm
        indent = int(tbl.find(f"{W}tblPr/{W}tblInd").get(f"{W}w")) / 567
        assert round(indent + sum(widths), 1) == 16.0  # the page's text width
        for row in table.rows:
            assert row._tr.find(f"{W}trPr/{W}cantSplit") is not None  # a row never splits over two pages
            cells = [round(int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) / 567, 2) for tc in row._tr.iter(f"{W}tc")]
            assert cells == widths
            name, position, note = (cell.paragraphs[0] for cell in row.cells)
            assert round(name.paragraph_format.left_indent.cm, 2) == 0.8  # a wrapped name stays under the name
            assert round(name.paragraph_format.first_line_indent.cm, 2) == -0.8
            assert position.paragraph_format.left_indent == 0 and note.paragraph_format.first_line_indent == 0
            assert {p.style.name for p in (name, position, note)} == {render_module.STYLE_PEOPLE}


def test_attendee_tables_in_thai_digits() -> None:
    doc = _sample_docx(thai_digits=True)
    assert doc.tables[0].rows[8].cells[0].text == "๙.\tนางสาวณัฐธิดา ใจงาม"


def test_markdown_and_html_attendee_lists_have_the_same_three_columns() -> None:
    from pipeline import meeting

    minutes = Minutes(meeting=meeting.load(SAMPLE_MEETING))
    files = minutes_files(minutes, Transcript())
    md = files["minutes.md"].decode("utf-8")
    present = md.split("## ผู้มาประชุม\n\n")[1].split("\n\n")[0].splitlines()
    assert present[:2] == ["|   |   |   |", "|---|---|---|"]
    assert present[2:] == [f"| {n.replace(chr(9), ' ')} | {p} | {x} |" for n, p, x in SAMPLE_PRESENT]
    absent = md.split("## ผู้ไม่มาประชุม\n\n")[1].split("\n\n")[0].splitlines()[2:]
    assert absent == [
        "| 1. นายสมเกียรติ บุญญาศิริ | ผู้อำนวยการสำนักการระบายน้ำ คณะทำงาน | ติดราชการ |",
        "| 2. นางสาวจิราพร เลิศวิไล | ผู้อำนวยการเขตบางรัก คณะทำงาน | ลาป่วย |",
    ]
    html = files["minutes.html"].decode("utf-8")
    tables = re.findall(r'<table class="people">(.*?)</table>', html, flags=re.DOTALL)
    assert len(tables) == 3
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", tables[0])]
    assert rows[3] == [
        '<span class="number">4.</span>นายอนุชา พงษ์ไพบูลย์',
        "ผู้อำนวยการกองวิศวกรรมทาง สำนักการโยธา",
        "มาประชุมแทน ผู้อำนวยการสำนักการโยธา",
    ]
    assert '<col style="width: 7.5cm"><col style="width: 5.5cm"><col style="width: 3.0cm">' in tables[0]


def test_a_pipe_in_a_name_stays_inside_its_markdown_cell() -> None:
    meeting = Meeting(members_present=[Person("นาย ก | ข", "ตำแหน่ง\nสองบรรทัด")])
    md = minutes_files(Minutes(meeting=meeting), Transcript())["minutes.md"].decode("utf-8")
    assert "| 1. นาย ก \\| ข | ตำแหน่ง สองบรรทัด |  |" in md


def test_html_thai_digits_leave_the_style_sheet_alone() -> None:
    html = minutes_files(make_minutes(), make_transcript(), thai_digits=True)["minutes.html"].decode("utf-8")
    style = html.split("<style>")[1].split("</style>")[0]
    assert "font-size: 16pt" in style and "width: 16.0cm" in style and "๑" not in style
    assert '<col style="width: 7.5cm">' in html
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "", html, flags=re.DOTALL)
    assert not re.search(r"[0-9]", text) and "ครั้งที่ ๑/๒๕๖๙" in text


def test_a_parent_item_with_nothing_of_its_own_shows_no_blanks() -> None:
    agenda = [
        AgendaItem("4", "เรื่องเพื่อพิจารณา", start=10.0, end=12.0),
        AgendaItem("4.1", "ร่างแผน", resolution="ที่ประชุมเห็นชอบ", summary="ฝ่ายแผนงานชี้แจง"),
    ]
    md, doc = render(Minutes(meeting=Meeting(), agenda=agenda))
    item = _item_text(md, "4")
    assert BLANK not in item and "มติที่ประชุม" not in item
    assert "มติที่ประชุม ที่ประชุมเห็นชอบ" in _item_text(md, "4.1")
    text = docx_text(doc)
    assert "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา  [00:00:10–00:00:12]\nระเบียบวาระที่ 4.1 ร่างแผน" in text


# --------------------------------------------------------------------------------------------
# The bundled scripted example: recordings/scripted-meeting/transcript.json (text, no audio)

SCRIPTED_MEETING = Path(__file__).parent.parent / "recordings" / "scripted-meeting" / "transcript.json"
# What a secretary writes from the script, by hand: each agenda item in order; the resolution's
# words and where it was said; each assignment (who, what, by when, where it was said).
SCRIPTED_ITEMS = [
    ("1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    ("1.1", "ผลการประเมินเมืองสะอาดระดับจังหวัด"),
    ("1.2", "กำหนดการตรวจเยี่ยมของผู้ว่าราชการจังหวัด"),
    ("2", "เรื่องรับรองรายงานการประชุม ครั้งที่ 2/2569"),
    ("3", "เรื่องสืบเนื่อง"),
    ("3.1", "ความคืบหน้าโครงการคัดแยกขยะต้นทางในชุมชน"),
    ("4", "เรื่องเพื่อพิจารณา"),
    ("4.1", "ร่างแผนปฏิบัติการลดขยะพลาสติก ปี 2570"),
    ("4.2", "การจัดซื้อรถเก็บขนขยะแบบอัดท้าย"),
    ("5", "เรื่องอื่น ๆ"),
]
SCRIPTED_RESOLUTIONS = {  # item: (words the resolution holds, where it was said)
    "1.1": (["รับทราบ"], "[00:00:46–00:00:48]"),
    "1.2": (["รับทราบ"], "[00:01:16–00:01:18]"),
    "2": (["รับรองรายงานการประชุม", "2/2569", "โดยไม่มีการแก้ไข"], "[00:01:44–00:01:54]"),
    "3.1": (["รับทราบความคืบหน้า"], "[00:02:41–00:02:54]"),
    "4.1": (["เห็นชอบร่างแผนปฏิบัติการ", "ปรับตัวชี้วัด"], "[00:03:49–00:04:03]"),
    "4.2": (["เห็นชอบให้จัดซื้อรถเก็บขนขยะ", "2 คัน"], "[00:04:45–00:04:53]"),
    "5": (["รับทราบ"], "[00:05:31–00:05:42]"),
}
SCRIPTED_ACTIONS = [  # (item, assignee, task words, due, where it was said)
    ("1.2", "กองช่าง", "เตรียมสถานที่", "ภายในวันที่ 10 มิถุนายน 2569", "[00:01:02–00:01:09]"),
    ("3.1", "กองสาธารณสุขและสิ่งแวดล้อม", "สรุปผลการคัดแยกขยะ", "ภายในวันที่ 15 มิถุนายน 2569", "[00:02:41–00:02:54]"),
    ("4.1", "ฝ่ายแผนงาน", "ปรับปรุงร่างแผน", "ภายในวันที่ 30 มิถุนายน 2569", "[00:04:04–00:04:13]"),
    ("4.2", "กองคลัง", "ร่างขอบเขตของงาน", "ภายในวันที่ 31 กรกฎาคม 2569", "[00:04:54–00:05:02]"),
    ("5", "ฝ่ายประชาสัมพันธ์", "ประชาสัมพันธ์กิจกรรม", "ภายในวันที่ 1 มิถุนายน 2569", "[00:05:31–00:05:42]"),
]


@pytest.fixture(scope="module")
def scripted_docx(tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    """`minutes run recordings/scripted-meeting/transcript.json`, as the README shows it; the DOCX read back."""
    out = tmp_path_factory.mktemp("scripted")
    before = SCRIPTED_MEETING.read_bytes()
    result = _cli("run", str(SCRIPTED_MEETING), "--out", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert SCRIPTED_MEETING.read_bytes() == before  # the bundled file is never written to
    return Document(str(out / "scripted-meeting" / "minutes.docx"))


def _sections(doc: DocxDocument) -> dict[str, list[Paragraph]]:
    """The paragraphs under each agenda item's heading, by item number."""
    sections: dict[str, list[Paragraph]] = {}
    current = None
    for p in doc.paragraphs:
        if m := re.match(r"ระเบียบวาระที่ ([\d.]+) ", p.text):
            current = sections.setdefault(m[1], [])
        elif p.text.startswith("เลิกประชุมเวลา"):
            current = None
        elif current is not None:
            current.append(p)
    return sections


def _resolution(paragraphs: list[Paragraph]) -> str:
    lines = [p.text for p in paragraphs if p.text.startswith("มติที่ประชุม")]
    return lines[0] if lines else ""


def _action_lines(paragraphs: list[Paragraph]) -> list[str]:
    return [p.text for p in paragraphs if p.style.name == render_module.STYLE_ACTION]


def test_scripted_example_has_every_item_resolution_and_assignment(scripted_docx: DocxDocument) -> None:
    doc = scripted_docx
    text = docx_text(doc)
    headings = [p.text.split("  [")[0] for p in doc.paragraphs if p.text.startswith("ระเบียบวาระที่ ")]
    assert headings == [f"ระเบียบวาระที่ {n} {t}" for n, t in SCRIPTED_ITEMS]
    assert_in_order(
        text,
        [
            "รายงานการประชุมคณะกรรมการบริหารจัดการขยะมูลฝอยเทศบาลนครตัวอย่าง",
            "ครั้งที่ 3/2569",
            "เมื่อวันที่ 21 พฤษภาคม 2569 เวลา 09.30 น.",
            "ผู้มาประชุม",
            "1.\tนายวีระพงษ์ ศรีสมบูรณ์\tนายกเทศมนตรีนครตัวอย่าง\tประธาน",
            "ผู้ไม่มาประชุม",
            "1.\tนายประยุทธ ขยันดี\tผู้อำนวยการกองการศึกษา กรรมการ\tติดราชการ",
            "เริ่มประชุมเวลา 09.30 น.",
            "เลิกประชุมเวลา 10.00 น.",
            "(นางสาวพิมพ์ชนก แสงทอง)",
        ],
    )
    sections = _sections(doc)
    for number, (words, span) in SCRIPTED_RESOLUTIONS.items():
        resolution = _resolution(sections[number])
        assert resolution, f"item {number}: no resolution"
        for word in words:
            assert word.replace(" ", "") in resolution.replace(" ", ""), (
                f"item {number}: {word!r} not in {resolution!r}"
            )
        assert resolution.endswith(span), f"item {number}: {resolution!r} not at {span}"
        assert render_module.BLANK not in resolution
    for number in ("1", "3", "4"):  # the parents: their sub-items carry the resolutions
        assert not _resolution(sections[number]), number
    for number, assignee, task, due, span in SCRIPTED_ACTIONS:
        lines = [line for line in _action_lines(sections[number]) if line.startswith(f"มอบหมาย {assignee}")]
        assert lines, f"item {number}: no assignment to {assignee}: {_action_lines(sections[number])}"
        (line,) = lines
        assert task.replace(" ", "") in line.replace(" ", "") and due in line and line.endswith(span), line
    assert sum(len(_action_lines(s)) for s in sections.values()) >= len(SCRIPTED_ACTIONS)


def test_scripted_example_assignment_to_two_offices(scripted_docx: DocxDocument) -> None:
    sections = _sections(scripted_docx)
    # 4.2: "ฝาก กองคลัง ร่วมกับ กองช่าง จัดทำ ร่างขอบเขตของงาน": one assignment to both (the lead unit and
    # its partner, as the minutes write them: "กองคลัง ร่วมกับกองช่าง"), or one each; never an assignee cut
    # out of the phrase ("กองคลังร่วม").
    actions = _action_lines(sections["4.2"])
    together = [a for a in actions if a.startswith(("มอบหมาย กองคลัง ร่วมกับกองช่าง ", "มอบหมาย กองคลังร่วมกับกองช่าง ",
                                                     "มอบหมาย กองคลัง ร่วมกับ กองช่าง "))]
    apart = [a for a in actions if a.startswith(("มอบหมาย กองคลัง ", "มอบหมาย กองช่าง "))]
    assert len(together) == 1 or len(apart) == 2, actions


def test_scripted_example_keeps_the_words_as_said(scripted_docx: DocxDocument) -> None:
    # No letters cut off, no tone marks lost, no word changed in the points of discussion.
    sections = _sections(scripted_docx)
    said = "\n".join(p.text for s in sections.values() for p in s)
    for word in ("จุดเติมน้ำดื่ม", "เขามีข้อสังเกต"):
        assert word in said.replace(" ", ""), word
    for broken in ("คันะ", "ขอบคุ ", "ๆมขอ", "ทุกท่า "):
        assert broken not in said + " ", broken
