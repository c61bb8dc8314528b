"""Render stage: draft minutes as Markdown and DOCX, the transcript as txt/srt/vtt.

Every function returns file contents (name -> bytes); the caller writes them. The Markdown comes
from a Jinja2 template the user may override; the DOCX is built in code from the same view, so
both carry the same official elements in the same order (see reference/thai-minutes.md).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.thaidate import BLANK
from pipeline.types import AgendaItem, Minutes, Person, Segment, Transcript

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN_TEMPLATE = "minutes.md.j2"

FONT = "TH Sarabun New"
FONT_SIZE = Pt(16)
TEXT_WIDTH = Cm(16)  # A4 21 cm minus margins 3 cm + 2 cm

# Thai phrases (data). The Markdown template holds its own copy of the element labels.
DRAFT = "ร่าง"
TITLE = "รายงานการประชุม"
CHAIR = "ประธาน"
NONE = "ไม่มี"
ASSIGN = "มอบหมาย"
DUE = "ภายในวันที่"
REVIEW_NOTE = "[หมายเหตุถึงผู้ตรวจ: {}]"
NOT_FOUND = "ไม่พบระเบียบวาระนี้ในบันทึกเสียง โปรดตรวจสอบ"
NO_RESOLUTION = "ไม่ได้ยินมติที่ประชุมในบันทึกเสียง โปรดตรวจสอบและเติมมติ"
REVIEW_HEADING = "หมายเหตุถึงผู้ตรวจ (ลบออกก่อนเสนอรับรอง)"
SOURCE_NOTE = "{field} ได้จาก {source} โปรดตรวจสอบ"
SOURCE_FIELDS = {
    "body": "ชื่อคณะ",
    "session": "ครั้งที่",
    "date": "วันที่ประชุม",
    "start_time": "เวลาเริ่มประชุม",
    "end_time": "เวลาเลิกประชุม",
    "venue": "สถานที่ประชุม",
    "chair": "ประธาน",
    "members_present": "ผู้มาประชุม",
    "members_absent": "ผู้ไม่มาประชุม",
    "attendees": "ผู้เข้าร่วมประชุม",
}
MINUTE_TAKER = "ผู้จดรายงานการประชุม"
REVIEWER = "ผู้ตรวจรายงานการประชุม"
DOC_COMMENT = "ร่างรายงานการประชุม จัดทำโดย thai-minutes"
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# The view: every value the document shows, already formatted (blanks filled, B.E. dates).


@dataclass
class PersonLine:
    number: int
    columns: list[str]  # name, position and (when given) the note or role


@dataclass
class ItemView:
    number: str
    title: str
    span: str  # "[00:03:10–00:07:45]" in the recording, or ""
    summary: list[str]  # paragraphs
    actions: list[str]
    notes: list[str]  # bracketed notes for the reviewer
    resolution: str
    resolution_note: str


@dataclass
class SignatureView:
    role: str
    name: str
    position: str


@dataclass
class DocumentView:
    draft: str
    body: str
    session: str
    date: str
    time: str  # start time for the date line, "" when unknown
    venue: str
    present: list[PersonLine]
    absent: list[PersonLine]
    attendees: list[PersonLine]
    start: str
    end: str
    items: list[ItemView]
    signatures: list[SignatureView]
    review_notes: list[str] = field(default_factory=list)
    created: dt.datetime = FIXED_TIMESTAMP  # the meeting's start (UTC) for the DOCX metadata


def _text(value: str | None) -> str:
    """The value, or the blank marker when it is missing."""
    return value.strip() if value and value.strip() else BLANK


def _date(value: str | None) -> str:
    """`19 มีนาคม 2569`; an unreadable date is shown as given, for the reviewer to fix."""
    try:
        return thaidate.date_be(value)
    except ValueError:
        return _text(value)


def _time(value: str | None) -> str:
    """`13.30 น.`; an unreadable time is shown as given, for the reviewer to fix."""
    try:
        return thaidate.time_th(value)
    except ValueError:
        return _text(value)


def clock(seconds: float) -> str:
    """`01:02:03` for a position in the recording (whole seconds)."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _people(people: list[Person], chair: Person | None = None) -> list[PersonLine]:
    rows: list[tuple[Person, str]] = []
    if chair is not None:
        role = chair.note if CHAIR in chair.note else f"{CHAIR} {chair.note}".strip()
        rows.append((chair, role))
    rows += [(p, p.note.strip()) for p in people if chair is None or p.name != chair.name]
    return [
        PersonLine(n, [_text(p.name), _text(p.position)] + ([note] if note else []))
        for n, (p, note) in enumerate(rows, 1)
    ]


def _span(item: AgendaItem, transcript: Transcript) -> str:
    start, end = item.start, item.end
    if start is None and item.segment_ids:
        segments = [s for s in transcript.segments if s.id in set(item.segment_ids)]
        if segments:
            start = min(s.start for s in segments)
            end = max(s.end for s in segments)
    if start is None:
        return ""
    return f"[{clock(start)}–{clock(end)}]" if end is not None else f"[{clock(start)}]"


def _item(item: AgendaItem, transcript: Transcript) -> ItemView:
    notes = ([] if item.found else [NOT_FOUND]) + [n for n in item.notes if n.strip()]
    actions = []
    for action in item.actions:
        text = f"{ASSIGN} {_text(action.assignee)} {_text(action.task)}"
        if action.due:
            text += f" {DUE} {_date(action.due)}"
        actions.append(text)
    resolution = _text(item.resolution)
    return ItemView(
        number=_text(item.number),
        title=_text(item.title),
        span=_span(item, transcript),
        summary=[p.strip() for p in item.summary.splitlines() if p.strip()] or [BLANK],
        actions=actions,
        notes=[REVIEW_NOTE.format(n) for n in notes],
        resolution=resolution,
        resolution_note=REVIEW_NOTE.format(NO_RESOLUTION) if resolution == BLANK else "",
    )


def _signature(role: str, person: Person | None) -> SignatureView:
    person = person or Person(name="")
    return SignatureView(role, _text(person.name), _text(person.position))


def document_view(minutes: Minutes, transcript: Transcript) -> DocumentView:
    """Everything the minutes show, formatted and in order, with blanks for missing values."""
    m = minutes.meeting
    sources = [
        SOURCE_NOTE.format(field=SOURCE_FIELDS.get(key, key), source=source)
        for key, source in m.sources.items()
    ]
    return DocumentView(
        draft=DRAFT,
        body=_text(m.body),
        session=_text(m.session),
        date=_date(m.date),
        time=_time(m.start_time) if m.start_time else "",
        venue=_text(m.venue),
        present=_people(m.members_present, m.chair),
        absent=_people(m.members_absent),
        attendees=_people(m.attendees),
        start=_time(m.start_time),
        end=_time(m.end_time),
        items=[_item(item, transcript) for item in minutes.agenda],
        signatures=[_signature(MINUTE_TAKER, m.minute_taker), _signature(REVIEWER, m.reviewer)],
        review_notes=[n for n in minutes.notes if n.strip()] + sources,
        created=_meeting_start(m.date, m.start_time),
    )


def _meeting_start(date: str, time: str) -> dt.datetime:
    """When the meeting started, in UTC; a constant when unknown (same input, same bytes)."""
    try:
        day = thaidate.parse_date(date)
        hour, minute = (int(x) for x in thaidate.time_th(time)[:5].split(".")) if time else (0, 0)
    except ValueError:
        return FIXED_TIMESTAMP
    if day is None:
        return FIXED_TIMESTAMP
    start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=thaidate.BANGKOK)
    return start.astimezone(dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# Markdown


def _environment(templates: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(templates))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_be=thaidate.date_be, time_th=thaidate.time_th, clock=clock, blank=_text)
    env.globals["BLANK"] = BLANK
    return env


def _template_error(
    name: str, filename: str | None, line: int | None, message: str, templates: Path | None
) -> MinutesError:
    where = f"template {name}" + (f" line {line}" if line else "")
    message = " ".join(str(message).split())
    own = filename is None or Path(filename).resolve().parent == PACKAGE_TEMPLATES.resolve()
    advice = (
        "this is a bug in the built-in template"
        if own or templates is None
        else f"fix the template or remove it from --templates {templates}"
    )
    return MinutesError(f"{where}: {message} — {advice}")


def _error_line(exc: BaseException, filename: str | None) -> int | None:
    """The template line where a render-time error happened (Jinja rewrites the traceback)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_markdown(
    context: dict[str, Any], templates: Path | None = None, name: str = MARKDOWN_TEMPLATE
) -> str:
    """Render template `name` (the user's `templates` dir first, then the package's)."""
    env = _environment(templates)
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as e:
        raise _template_error(name, e.filename, e.lineno, e.message or "", templates) from e
    try:
        text = template.render(**context)
    except Exception as e:  # any error raised by a user template is the user's to fix
        line = _error_line(e, template.filename)
        raise _template_error(name, template.filename, line, str(e), templates) from e
    return text.rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# DOCX


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


def _setup_page(doc: Any, thai: bool) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.different_first_page_header_footer = True
    # Page 1: only the draft mark. Later pages: `- ๒ -` centred, the draft mark on the right.
    first = section.first_page_header.paragraphs[0]
    _run(first, f"\t\t{DRAFT}", bold=True)
    default = section.header.paragraphs[0]
    _run(default, "\t- ")
    _page_field(default, thai)
    _run(default, " -\t")
    _run(default, DRAFT, bold=True)


def _page_field(paragraph: Paragraph, thai: bool) -> None:
    """A PAGE field; `\\* ThaiArabic` makes Word show the number in Thai digits."""
    instruction = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction.text = " PAGE \\* ThaiArabic " if thai else " PAGE "
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"}))
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"}))
    paragraph.add_run(thaidate.digits("2", thai))  # shown until Word updates the field
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, kind: str = "") -> None:
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
        run._r.get_or_add_rPr().get_or_add_bCs()
    if kind == "span":
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    elif kind == "note":
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


class _DocxWriter:
    """Appends paragraphs to a python-docx Document, turning digits Thai when asked."""

    def __init__(self, doc: Any, thai: bool) -> None:
        self.doc, self.thai = doc, thai

    def add(
        self,
        *runs: str | tuple[str, str],
        align: str = "",
        before: float = 0,
        indent: float = 0,
        first_line: float = 0,
        tabs: tuple[float, ...] = (),
    ) -> None:
        """One paragraph; a run is text, or (text, kind) with kind "b", "span" or "note"."""
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if align:
            paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
        if before:
            fmt.space_before = Pt(before)
        if indent:
            fmt.left_indent = Cm(indent)
        if first_line:
            fmt.first_line_indent = Cm(first_line)
        for position in tabs:
            fmt.tab_stops.add_tab_stop(Cm(position))
        for run in runs:
            text, kind = (run, "") if isinstance(run, str) else run
            if text:
                _run(paragraph, thaidate.digits(text, self.thai), bold=kind == "b", kind=kind)

    def people(self, label: str, rows: list[PersonLine], empty: str) -> None:
        self.add((label, "b"), before=12)
        if not rows:
            self.add(empty, indent=1)
        for row in rows:
            self.add(
                f"{row.number}.\t" + "\t".join(row.columns),
                indent=1,
                first_line=-1,
                tabs=(1, 7.5, 12.5),
            )


def render_docx(view: DocumentView, thai_digits: bool = False) -> bytes:
    """The minutes as a DOCX (A4, TH Sarabun New 16 pt, `- ๒ -` page numbers, draft mark)."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, thai_digits)
    w = _DocxWriter(doc, thai_digits)
    for text in (
        f"{TITLE}{view.body}",
        f"ครั้งที่ {view.session}",
        f"เมื่อวันที่ {view.date}" + (f" เวลา {view.time}" if view.time else ""),
        f"ณ {view.venue}",
    ):
        w.add((text, "b"), align="CENTER")
    w.people("ผู้มาประชุม", view.present, BLANK)
    w.people("ผู้ไม่มาประชุม", view.absent, NONE)
    if view.attendees:
        w.people("ผู้เข้าร่วมประชุม", view.attendees, NONE)
    w.add(("เริ่มประชุมเวลา", "b"), f" {view.start}", before=12)
    for item in view.items:
        w.add(
            (f"ระเบียบวาระที่ {item.number} {item.title}", "b"),
            (f"  {item.span}" if item.span else "", "span"),
            before=12,
        )
        for paragraph in item.summary:
            w.add(paragraph, first_line=2.5)
        for action in item.actions:
            w.add(action, indent=1)
        for note in item.notes:
            w.add((note, "note"))
        w.add(("มติที่ประชุม", "b"), f" {item.resolution}", first_line=2.5)
        if item.resolution_note:
            w.add((item.resolution_note, "note"))
    w.add(("เลิกประชุมเวลา", "b"), f" {view.end}", before=12)
    for signature in view.signatures:
        w.add(f"(ลงชื่อ) {BLANK} {signature.role}", align="CENTER", indent=6, before=24)
        w.add(f"({signature.name})", align="CENTER", indent=6)
        w.add(signature.position, align="CENTER", indent=6)
    if view.review_notes:
        w.add((REVIEW_HEADING, "b"), before=24)
        for note in view.review_notes:
            w.add(("- " + note, "note"))
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


# --------------------------------------------------------------------------------------------
# Public API


def minutes_files(
    minutes: Minutes,
    transcript: Transcript,
    templates: Path | None = None,
    thai_digits: bool = False,
) -> dict[str, bytes]:
    """The draft minutes: {"minutes.md": ..., "minutes.docx": ...}.

    `templates` is a user directory whose `minutes.md.j2` replaces the built-in one;
    `thai_digits` writes every digit of the document as ๐-๙. Raises MinutesError with a one-line
    message when a template is broken.
    """
    view = document_view(minutes, transcript)
    context = {
        "doc": view,
        "minutes": minutes,
        "meeting": minutes.meeting,
        "transcript": transcript,
    }
    markdown = thaidate.digits(render_markdown(context, templates), thai_digits)
    return {
        "minutes.md": markdown.encode("utf-8"),
        "minutes.docx": render_docx(view, thai_digits),
    }


def _cue_text(segment: Segment) -> str:
    text = " ".join(segment.text.split())
    return f"{segment.speaker}: {text}" if segment.speaker else text


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    return f"{clock(millis // 1000)}{separator}{millis % 1000:03d}"


def transcript_files(transcript: Transcript) -> dict[str, bytes]:
    """The transcript as {"transcript.txt", "transcript.srt", "transcript.vtt"} (UTF-8).

    txt: `[00:01:02] speaker: text` a line; SRT and WebVTT cues read `speaker: text`
    (the speaker is left out when unknown). Segments without text are skipped.
    """
    segments = [s for s in transcript.segments if s.text.strip()]
    txt = [f"[{clock(s.start)}] {_cue_text(s)}\n" for s in segments]
    srt, vtt = [], ["WEBVTT\n\n"]
    for n, s in enumerate(segments, 1):
        end = max(s.end, s.start)
        text = _cue_text(s)
        srt.append(f"{n}\n{_timestamp(s.start, ',')} --> {_timestamp(end, ',')}\n{text}\n\n")
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "->")
        vtt.append(f"{_timestamp(s.start, '.')} --> {_timestamp(end, '.')}\n{escaped}\n\n")
    return {
        "transcript.txt": "".join(txt).encode("utf-8"),
        "transcript.srt": "".join(srt).encode("utf-8"),
        "transcript.vtt": "".join(vtt).encode("utf-8"),
    }
