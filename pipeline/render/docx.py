"""minutes.docx: a Word template holds the page, the headers and the styles; the code fills the
body from the view, in the view's order of sections."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.render.view import (
    CHAT_HEADING,
    DOC_COMMENT,
    DOCX_TEMPLATE,
    DRAFT,
    FIXED_TIMESTAMP,
    NONE,
    PACKAGE_TEMPLATES,
    PEOPLE_COLUMNS,
    PEOPLE_INDENT,
    PEOPLE_NUMBER,
    REVIEW_HEADING,
    TITLE,
    DocumentView,
    Line,
    PersonLine,
)
from pipeline.thaidate import BLANK

FONT = "TH Sarabun New"
FONT_SIZE = Pt(16)
TEXT_WIDTH = Cm(16)  # A4 21 cm minus margins 3 cm + 2 cm
#
# The built-in templates/minutes.docx is made by `docx_template()` (and checked against it by the
# tests). A secretary copies it into a --templates folder, changes the styles, margins or
# headers in Word, and every later draft comes out that way. The order of the official sections
# stays in code (view.SECTIONS): it is the regulation's, not a matter of taste.

# Paragraph styles (Thai names: a secretary sees them in Word's Styles pane) and their ids.
STYLE_TITLE = "ชื่อรายงาน"  # the four heading lines: body, session, date, venue
STYLE_HEADING = "หัวข้อรายงาน"  # ผู้มาประชุม..., เริ่ม/เลิกประชุมเวลา, each ระเบียบวาระ
STYLE_PEOPLE = "รายชื่อผู้ประชุม"  # the cells of the attendee tables
STYLE_BODY = "เนื้อความรายงาน"  # the discussion and มติที่ประชุม
STYLE_ACTION = "การมอบหมาย"  # one assignment a line
STYLE_NOTE = "หมายเหตุผู้ตรวจ"  # notes for the reviewer, to delete before certification
STYLE_SIGNATURE = "ลงชื่อ"  # the signature blocks
# Character styles
STYLE_LABEL = "ป้ายรายงาน"  # bold labels: "มติที่ประชุม", "ผู้มาประชุม", ...
STYLE_SOURCE = "เวลาในบันทึกเสียง"  # "[00:12:30]": where to listen
STYLE_MARK = "ข้อความถึงผู้ตรวจ"  # highlighted note text
STYLE_IDS = {
    STYLE_TITLE: "MinutesTitle",
    STYLE_HEADING: "MinutesHeading",
    STYLE_PEOPLE: "MinutesPeople",
    STYLE_BODY: "MinutesBody",
    STYLE_ACTION: "MinutesAction",
    STYLE_NOTE: "MinutesNote",
    STYLE_SIGNATURE: "MinutesSignature",
    STYLE_LABEL: "MinutesLabel",
    STYLE_SOURCE: "MinutesSource",
    STYLE_MARK: "MinutesMark",
}
PARAGRAPH_STYLES = (STYLE_TITLE, STYLE_HEADING, STYLE_PEOPLE, STYLE_BODY, STYLE_ACTION, STYLE_NOTE, STYLE_SIGNATURE)
CHARACTER_STYLES = (STYLE_LABEL, STYLE_SOURCE, STYLE_MARK)
# What each style is for, shown in the template's body (the renderer replaces the body).
STYLE_SAMPLES = {
    STYLE_TITLE: "รายงานการประชุม... ครั้งที่ ... เมื่อวันที่ ... ณ ... (สไตล์ “ชื่อรายงาน”)",
    STYLE_HEADING: "ผู้มาประชุม / ระเบียบวาระที่ ... / เริ่มประชุมเวลา ... (สไตล์ “หัวข้อรายงาน”)",
    STYLE_PEOPLE: "1. ชื่อ / ตำแหน่ง / หมายเหตุ ในตารางรายชื่อผู้ประชุม (สไตล์ “รายชื่อผู้ประชุม”)",
    STYLE_BODY: "ข้อความการประชุมและมติที่ประชุม (สไตล์ “เนื้อความรายงาน”)",
    STYLE_ACTION: "มอบหมาย ... ภายในวันที่ ... (สไตล์ “การมอบหมาย”)",
    STYLE_NOTE: "[หมายเหตุถึงผู้ตรวจ: ...] (สไตล์ “หมายเหตุผู้ตรวจ”)",
    STYLE_SIGNATURE: "(ลงชื่อ) ...... ผู้จดรายงานการประชุม (สไตล์ “ลงชื่อ”)",
}
TEMPLATE_NOTE = (
    "แม่แบบร่างรายงานการประชุมของ thai-minutes: แก้ไขสไตล์ ขอบกระดาษ และหัวกระดาษได้ใน Word "
    "แล้วบันทึกเป็น minutes.docx ในโฟลเดอร์ที่ให้กับ --templates (เนื้อความในหน้านี้จะถูกแทนที่ด้วยรายงาน)"
)
_KINDS = {"b": STYLE_LABEL, "span": STYLE_SOURCE, "note": STYLE_MARK}


def _set_fonts(rpr: Any) -> None:
    """Font and size for every script: Word shapes Thai with the complex-script attributes."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    rpr.get_or_add_sz().val = FONT_SIZE
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(size_cs)
    size_cs.set(qn("w:val"), str(int(FONT_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.attrib.clear()
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:bidi"), "th-TH")


def _bold(style: Any) -> None:
    style.font.bold = True
    style.element.get_or_add_rPr().get_or_add_bCs()  # bold for Thai (complex script) too


def _setup_styles(doc: Any) -> None:
    styles = doc.styles
    _set_fonts(styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    header = styles["Header"]
    _set_fonts(header.element.get_or_add_rPr())
    tabs = header.paragraph_format.tab_stops
    tabs.clear_all()
    tabs.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
    tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)

    def paragraph_style(name: str) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
        style.base_style = normal
        style.quick_style = True  # shown in Word's style gallery
        return style

    title = paragraph_style(STYLE_TITLE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bold(title)
    heading = paragraph_style(STYLE_HEADING)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.keep_with_next = True
    paragraph_style(STYLE_PEOPLE)  # the table's columns place the text: no indents or tabs of its own
    body = paragraph_style(STYLE_BODY)
    body.paragraph_format.first_line_indent = Cm(2.5)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    action = paragraph_style(STYLE_ACTION)
    action.paragraph_format.left_indent = Cm(2.5)
    note = paragraph_style(STYLE_NOTE)
    note.paragraph_format.left_indent = Cm(1)
    signature = paragraph_style(STYLE_SIGNATURE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    signature.paragraph_format.left_indent = Cm(6)
    signature.paragraph_format.keep_with_next = True  # a signature block never splits over two pages

    for name in CHARACTER_STYLES:
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.style_id = STYLE_IDS[name]
        style.quick_style = True
    _bold(styles[STYLE_LABEL])
    styles[STYLE_SOURCE].font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    styles[STYLE_MARK].font.highlight_color = WD_COLOR_INDEX.YELLOW


def _setup_page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.different_first_page_header_footer = True
    # Page 1: only the draft mark. Later pages: `- ๒ -` centred, the draft mark on the right.
    first = section.first_page_header.paragraphs[0]
    _plain_run(first, f"\t\t{DRAFT}", bold=True)
    default = section.header.paragraphs[0]
    _plain_run(default, "\t- ")
    _page_field(default)
    _plain_run(default, " -\t")
    _plain_run(default, DRAFT, bold=True)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (`_thai_digits_in_headers` adds `\\* ThaiArabic` when asked)."""
    instruction = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"}))
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"}))
    paragraph.add_run("2")  # shown until Word updates the field
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def _plain_run(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
        run._r.get_or_add_rPr().get_or_add_bCs()


def docx_template() -> bytes:
    """The built-in Word template: A4, margins 3/2 cm, TH Sarabun New 16 pt, `- ๒ -` page numbers
    from page 2 and `ร่าง` on every page, and one paragraph style per element of the minutes."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    _clear_body(doc)
    note = doc.add_paragraph(TEMPLATE_NOTE, style=STYLE_NOTE)
    note.runs[0].style = doc.styles[STYLE_MARK]
    for name in PARAGRAPH_STYLES:
        doc.add_paragraph(STYLE_SAMPLES[name], style=name)
    sample = doc.add_paragraph(style=STYLE_BODY)
    for name in CHARACTER_STYLES:
        sample.add_run(f"สไตล์ตัวอักษร “{name}”", style=name)
        sample.add_run(" ")
    props = doc.core_properties
    props.title, props.language, props.author = "แม่แบบรายงานการประชุม", "th-TH", "thai-minutes"
    props.last_modified_by, props.comments, props.revision = "thai-minutes", TEMPLATE_NOTE, 1
    props.created = props.modified = FIXED_TIMESTAMP
    _drop_thumbnail(doc)
    out = io.BytesIO()
    doc.save(out)
    return _repack(out.getvalue())


def _open_template(templates: Path | None) -> Any:
    """The user's minutes.docx from `templates` when there is one, else the built-in one, with
    its body emptied; a file that is not a usable template is a one-line error."""
    user = templates / DOCX_TEMPLATE if templates is not None else None
    path = user if user is not None and user.is_file() else PACKAGE_TEMPLATES / DOCX_TEMPLATE
    fix = (
        f"save it from Word as a .docx based on the built-in one, or remove it from --templates {templates}"
        if path == user
        else "this is a bug in the built-in template"
    )
    try:
        doc = Document(str(path))
    except Exception as e:  # python-docx raises several kinds for a file that is not a .docx
        raise MinutesError(f"template {path}: not a Word .docx file ({' '.join(str(e).split())}) — {fix}") from e
    names = {s.name for s in doc.styles}
    missing = [n for n in (*PARAGRAPH_STYLES, *CHARACTER_STYLES) if n not in names]
    if missing:
        raise MinutesError(
            f"template {path}: has no style '{missing[0]}' (restyle the styles, do not delete them) — {fix}"
        )
    _clear_body(doc)
    return doc


def _clear_body(doc: Any) -> None:
    """Remove everything but the page setup (the section properties) from the body."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _thai_digits_in_headers(doc: Any) -> None:
    """Page numbers in Thai digits: Word's `\\* ThaiArabic` switch, and Thai digits in the text."""
    for section in doc.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            if header.is_linked_to_previous and section is not doc.sections[0]:
                continue
            element = header._element
            for instruction in element.iter(qn("w:instrText")):
                if "PAGE" in instruction.text and "ThaiArabic" not in instruction.text:
                    instruction.text = instruction.text.rstrip() + " \\* ThaiArabic "
            for text in element.iter(qn("w:t")):
                text.text = thaidate.thai_digits(text.text or "")


def _set(element: Any, **attributes: str) -> Any:
    """Set w:-namespaced attributes on an element."""
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


class _DocxWriter:
    """Appends paragraphs to a python-docx Document, turning digits Thai when asked."""

    def __init__(self, doc: Any, thai: bool) -> None:
        self.doc, self.thai = doc, thai
        # Style ids looked up once: python-docx scans every style for each name it is given.
        self.ids = {s.name: s.style_id for s in doc.styles}
        # Paragraphs go before the section properties; python-docx would search the whole body
        # for them at each paragraph, which makes a long verbatim draft quadratic.
        self.body = doc.element.body
        self.end = self.body.sectPr

    def add(
        self,
        *runs: str | tuple[str, str],
        style: str = "",
        align: str = "",
        before: float = 0,
        indent: float = 0,
        first_line: float = 0,
        tabs: tuple[float, ...] = (),
    ) -> None:
        """One paragraph in `style`; a run is text, or (text, kind) with kind "b" (label),
        "span" (time in the recording) or "note" (for the reviewer). The other arguments are
        direct formatting over the style, for blocks the template has no style of its own for."""
        self._append(
            self._paragraph(
                runs, style=style, align=align, before=before, indent=indent, first_line=first_line, tabs=tabs
            )
        )

    def _append(self, element: Any) -> None:
        self.body.append(element)
        if self.end is not None:
            self.end.addprevious(element)

    def _paragraph(
        self,
        runs: tuple[str | tuple[str, str], ...],
        *,
        style: str = "",
        align: str = "",
        before: float = 0,
        indent: float | None = 0,
        first_line: float | None = 0,
        tabs: tuple[float, ...] = (),
    ) -> Any:
        """A `w:p` element, not yet placed. An indent of None is written as 0 over the style's."""
        # Built with lxml directly: python-docx's helpers search each element's children anew at
        # every step, and a verbatim draft of a long meeting has thousands of paragraphs.
        p = OxmlElement("w:p")
        if style:
            etree.SubElement(etree.SubElement(p, qn("w:pPr")), qn("w:pStyle")).set(qn("w:val"), self.ids[style])
        if align or before or indent or first_line or tabs or indent is None or first_line is None:
            paragraph = Paragraph(p, self.doc._body)
            fmt = paragraph.paragraph_format
            if align:
                paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
            if before:
                fmt.space_before = Pt(before)
            if indent or indent is None:
                fmt.left_indent = Cm(indent or 0)
            if first_line or first_line is None:
                fmt.first_line_indent = Cm(first_line or 0)
            for position in tabs:
                fmt.tab_stops.add_tab_stop(Cm(position))
        for run in runs:
            text, kind = (run, "") if isinstance(run, str) else run
            if not text:
                continue
            r = etree.SubElement(p, qn("w:r"))
            if kind in _KINDS:
                etree.SubElement(etree.SubElement(r, qn("w:rPr")), qn("w:rStyle")).set(
                    qn("w:val"), self.ids[_KINDS[kind]]
                )
            for i, piece in enumerate(thaidate.digits(text, self.thai).split("\t")):
                if i:
                    etree.SubElement(r, qn("w:tab"))
                if piece:
                    t = etree.SubElement(r, qn("w:t"))
                    t.text = piece
                    t.set(qn("xml:space"), "preserve")
        return p

    def people(self, label: str, rows: list[PersonLine], empty: str) -> None:
        """A heading, then the people as a borderless table of fixed columns: number and name |
        position | note. Each cell wraps inside its own width, and a row never splits over pages."""
        self.add((label, "b"), style=STYLE_HEADING)
        if not rows:
            self.add(empty, style=STYLE_PEOPLE, indent=PEOPLE_INDENT)
            return
        twips = [round(w * 567) for w in PEOPLE_COLUMNS]  # 1 cm = 567 twips (1440 an inch)
        tbl = OxmlElement("w:tbl")
        pr = etree.SubElement(tbl, qn("w:tblPr"))
        _set(etree.SubElement(pr, qn("w:tblW")), w=str(sum(twips)), type="dxa")
        _set(etree.SubElement(pr, qn("w:tblInd")), w=str(round(PEOPLE_INDENT * 567)), type="dxa")
        borders = etree.SubElement(pr, qn("w:tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _set(etree.SubElement(borders, qn(f"w:{side}")), val="nil")
        _set(etree.SubElement(pr, qn("w:tblLayout")), type="fixed")
        margins = etree.SubElement(pr, qn("w:tblCellMar"))
        for side, width in (("top", 0), ("left", 0), ("bottom", 0), ("right", 113)):  # 0.2 cm between columns
            _set(etree.SubElement(margins, qn(f"w:{side}")), w=str(width), type="dxa")
        _set(
            etree.SubElement(pr, qn("w:tblLook")),
            val="0000",
            firstRow="0",
            lastRow="0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        )
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        for width in twips:
            _set(etree.SubElement(grid, qn("w:gridCol")), w=str(width))
        for row in rows:
            tr = etree.SubElement(tbl, qn("w:tr"))
            etree.SubElement(etree.SubElement(tr, qn("w:trPr")), qn("w:cantSplit"))
            cells = [
                self._paragraph(
                    (f"{row.number}.\t{row.name}",),
                    style=STYLE_PEOPLE,
                    indent=PEOPLE_NUMBER,
                    first_line=-PEOPLE_NUMBER,
                    tabs=(PEOPLE_NUMBER,),
                ),
                self._paragraph((row.position,), style=STYLE_PEOPLE, indent=None, first_line=None),
                self._paragraph((row.note,), style=STYLE_PEOPLE, indent=None, first_line=None),
            ]
            for width, p in zip(twips, cells, strict=True):
                tc = etree.SubElement(tr, qn("w:tc"))
                _set(etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW")), w=str(width), type="dxa")
                tc.append(p)
        self._append(tbl)

    def lines(self, lines: list[Line], style: str) -> None:
        for line in lines:
            who = (f"{line.who}: ", "b") if line.who else ""
            self.add(who, line.text, (f"  {line.span}", "span") if line.span else "", style=style)


def _title(w: _DocxWriter, view: DocumentView) -> None:
    for text in (
        f"{TITLE}{view.body}",
        f"ครั้งที่ {view.session}",
        f"เมื่อวันที่ {view.date}" + (f" เวลา {view.time}" if view.time else ""),
        f"ณ {view.venue}",
    ):
        w.add(text, style=STYLE_TITLE)


def _items(w: _DocxWriter, view: DocumentView) -> None:
    for item in view.items:
        w.add(
            (f"ระเบียบวาระที่ {item.number} {item.title}", "b"),
            (f"  {item.span}" if item.span else "", "span"),
            style=STYLE_HEADING,
        )
        w.lines(item.summary, STYLE_BODY)
        for note in item.notes:
            w.add((note, "note"), style=STYLE_NOTE)
        if item.resolution:
            w.add(
                ("มติที่ประชุม", "b"),
                f" {item.resolution}",
                (f"  {item.resolution_span}" if item.resolution_span else "", "span"),
                style=STYLE_BODY,
            )
        if item.resolution_note:
            w.add((item.resolution_note, "note"), style=STYLE_NOTE)
        w.lines(item.actions, STYLE_ACTION)


def _signatures(w: _DocxWriter, view: DocumentView) -> None:
    for signature in view.signatures:
        w.add(f"(ลงชื่อ) {BLANK} {signature.role}", style=STYLE_SIGNATURE, before=24)
        w.add(f"({signature.name})", style=STYLE_SIGNATURE)
        w.add(signature.position, style=STYLE_SIGNATURE)


def _review_notes(w: _DocxWriter, view: DocumentView) -> None:
    if view.review_notes:
        w.add((REVIEW_HEADING, "b"), style=STYLE_HEADING, before=24)
        for note in view.review_notes:
            w.add(("- " + note, "note"), style=STYLE_NOTE)


def _chat(w: _DocxWriter, view: DocumentView) -> None:
    """The chat appendix at the end of the DOCX, as the Markdown template's last block has it."""
    if not view.chat:
        return
    w.add((CHAT_HEADING, "b"), before=24)
    for group in view.chat:
        w.add((group.heading, "b"), before=6)
        for m in group.messages:
            w.add(f"{m.time} {m.sender}: " + " / ".join(m.lines) + (f" {m.note}" if m.note else ""), indent=1)


# One writer per section of SECTIONS (view.py); render_docx calls them in the view's order.
_SECTIONS: dict[str, Callable[[_DocxWriter, DocumentView], None]] = {
    "title": _title,
    "present": lambda w, view: w.people("ผู้มาประชุม", view.present, BLANK),
    "absent": lambda w, view: w.people("ผู้ไม่มาประชุม", view.absent, NONE),
    "attendees": lambda w, view: w.people("ผู้เข้าร่วมประชุม", view.attendees, NONE) if view.attendees else None,
    "opening": lambda w, view: w.add(("เริ่มประชุมเวลา", "b"), f" {view.start}", style=STYLE_HEADING),
    "items": _items,
    "closing": lambda w, view: w.add(("เลิกประชุมเวลา", "b"), f" {view.end}", style=STYLE_HEADING),
    "signatures": _signatures,
    "review_notes": _review_notes,
    "chat": _chat,
}


def render_docx(view: DocumentView, thai_digits: bool = False, templates: Path | None = None) -> bytes:
    """The minutes as a DOCX made from the Word template (`templates`/minutes.docx, else the built-in)."""
    doc = _open_template(templates)
    if thai_digits:
        _thai_digits_in_headers(doc)
    w = _DocxWriter(doc, thai_digits)
    for name in view.sections:
        _SECTIONS[name](w, view)
    _set_core_properties(doc, view, thai_digits)
    _drop_thumbnail(doc)
    out = io.BytesIO()
    doc.save(out)
    return _repack(out.getvalue())


def _set_core_properties(doc: Any, view: DocumentView, thai: bool) -> None:
    props = doc.core_properties
    props.title = thaidate.digits(f"{TITLE}{view.body} ครั้งที่ {view.session}", thai)
    props.language = "th-TH"
    props.author = "thai-minutes"
    props.last_modified_by = "thai-minutes"
    props.comments = DOC_COMMENT
    props.revision = 1
    props.created = props.modified = view.created


def _drop_thumbnail(doc: Any) -> None:
    """python-docx's default template carries a thumbnail of an empty page: drop it."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


def _repack(data: bytes) -> bytes:
    """Rewrite the zip with fixed member timestamps (python-docx stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
