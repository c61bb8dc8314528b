"""Render stage: draft minutes as Markdown and DOCX, the transcript as txt/srt/vtt.

Every function returns file contents (name -> bytes); the caller writes them. The Markdown comes
from a Jinja2 template the user may override; the DOCX is built in code from the same view, so
both carry the same official elements in the same order (see reference/thai-minutes.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.util
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path, PureWindowsPath
from typing import Any

import jinja2
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.thaidate import BLANK
from pipeline.types import AgendaItem, ChatMessage, Minutes, Person, Segment, Transcript

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN_TEMPLATE = "minutes.md.j2"
HTML_TEMPLATE = "minutes.html.j2"
DOCX_TEMPLATE = "minutes.docx"

FONT = "TH Sarabun New"
FONT_SIZE = Pt(16)
TEXT_WIDTH = Cm(16)  # A4 21 cm minus margins 3 cm + 2 cm
# The attendee lists: borderless tables of fixed columns (number and name | position | note), so
# a long name or position wraps inside its own column. Widths in cm; indent + columns = 16 cm.
# A name is never cut: 7.5 cm holds the number and a 6.4 cm name (นางสาวเบญจมาศ อินทร์แก้ว at 16 pt);
# positions are the long ones and wrap.
PEOPLE_INDENT = 0.0
PEOPLE_COLUMNS = (7.5, 5.5, 3.0)
PEOPLE_NUMBER = 0.8  # the number hangs: a wrapped name lines up under the name, not the number

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
# The three styles of Thai minutes (reference/thai-minutes.md): จดละเอียด, จดย่อ, จดแต่มติ.
STYLES = ("verbatim", "summarised", "resolutions")


# --------------------------------------------------------------------------------------------
# The view: every value the document shows, already formatted (blanks filled, B.E. dates).


@dataclass
class PersonLine:
    number: int
    columns: list[str]  # name, position and (when given) the note or role

    @property
    def name(self) -> str:
        return self.columns[0]

    @property
    def position(self) -> str:
        return self.columns[1] if len(self.columns) > 1 else ""

    @property
    def note(self) -> str:
        return self.columns[2] if len(self.columns) > 2 else ""


@dataclass
class Line:
    """A line the minutes show, who said it (when known) and where it is in the recording."""

    text: str
    span: str = ""  # "[00:03:10]" or "[00:03:10–00:03:15]"; "" when unknown
    who: str = ""

    def __str__(self) -> str:  # so that a template may print a line as plain text
        return f"{self.who}: {self.text}" if self.who else self.text


@dataclass
class ItemView:
    number: str
    title: str
    span: str  # "[00:03:10–00:07:45]" in the recording, or ""
    summary: list[Line]  # the discussion as the style has it: every utterance, the points, or none
    actions: list[Line]
    notes: list[str]  # bracketed notes for the reviewer
    resolution: str
    resolution_note: str
    resolution_span: str = ""


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
    chat: list[ChatGroup] = field(default_factory=list)  # the Zoom chat appendix, by agenda item
    style: str = "summarised"  # verbatim, summarised or resolutions (STYLES)


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


def _between(start: float | None, end: float | None) -> str:
    if start is None:
        return ""
    return f"[{clock(start)}–{clock(end)}]" if end is not None and int(end) > int(start) else f"[{clock(start)}]"


def _discussion(item: AgendaItem, transcript: Transcript, style: str) -> list[Line]:
    """The item's discussion in `style`: every utterance with its speaker (verbatim), the points
    that led to the resolution with who raised them (summarised), or nothing (resolutions)."""
    if style == "resolutions":
        return []
    if style == "verbatim":
        ids = set(item.segment_ids)
        said = [s for s in transcript.segments if s.id in ids and s.text.strip()]
        lines = [Line(" ".join(s.text.split()), _between(s.start, None), s.speaker or "") for s in said]
        return lines or [Line(BLANK)]
    lines: list[Line] = []
    for point in item.discussion:
        who = point.speaker or ""
        if lines and lines[-1].who == who:  # one speaker's points in a row make one paragraph
            lines[-1].text += " " + point.text
            continue
        lines.append(Line(point.text, _between(point.start, None), who))
    if not lines:  # minutes.json written before points had speakers, or edited by hand
        lines = [Line(p.strip()) for p in item.summary.splitlines() if p.strip()]
    return lines or [Line(BLANK)]


def _item(item: AgendaItem, transcript: Transcript, style: str = "summarised", parent: bool = False) -> ItemView:
    """One item as shown. A `parent` (4 when 4.1 follows) with no resolution or discussion of its
    own gets no resolution line and no blank discussion: its sub-items carry them."""
    notes = ([] if item.found else [NOT_FOUND]) + [n for n in item.notes if n.strip()]
    actions = []
    for action in item.actions:
        text = f"{ASSIGN} {_text(action.assignee)} {_text(action.task)}"
        if action.due:
            text += f" {DUE} {_date(action.due)}"
        actions.append(Line(text, _between(action.start, action.end)))
    resolution = "" if parent and not item.resolution else _text(item.resolution)
    summary = _discussion(item, transcript, style) if item.found else []
    if parent and [line.text for line in summary] == [BLANK]:
        summary = []  # "4" with 4.1 and 4.2 after it, nothing said of its own: no blank to fill
    return ItemView(
        number=_text(item.number),
        title=_text(item.title),
        span=_span(item, transcript),
        summary=summary,
        actions=actions,
        notes=[REVIEW_NOTE.format(n) for n in notes],
        resolution=resolution,
        resolution_note=REVIEW_NOTE.format(NO_RESOLUTION) if resolution == BLANK else "",
        resolution_span=_between(item.resolution_start, item.resolution_end),
    )


def _signature(role: str, person: Person | None) -> SignatureView:
    person = person or Person(name="")
    return SignatureView(role, _text(person.name), _text(person.position))


def check_style(style: str) -> str:
    """The style, or a one-line error listing the styles there are."""
    if style not in STYLES:
        raise MinutesError(f"unknown style '{style}'. Available: {', '.join(STYLES)}")
    return style


def _is_parent(item: AgendaItem, agenda: list[AgendaItem]) -> bool:
    return any(other.number.startswith(item.number.rstrip(".") + ".") for other in agenda if other is not item)


def check_templates(templates: Path | None) -> None:
    """A --templates folder must exist (a typo would otherwise silently give the built-in look)."""
    if templates is not None and not Path(templates).is_dir():
        raise MinutesError(
            f"{templates}: no such folder — give --templates a folder holding minutes.md.j2, "
            "minutes.html.j2 or minutes.docx"
        )
    for name in (MARKDOWN_TEMPLATE, HTML_TEMPLATE, DOCX_TEMPLATE) if templates is not None else ():
        path = Path(templates) / name
        if (path.exists() or path.is_symlink()) and not path.is_file():
            raise MinutesError(f"template {path}: not a regular file (a pipe, a device or a folder) — give a file")


def document_view(minutes: Minutes, transcript: Transcript, style: str = "summarised") -> DocumentView:
    """Everything the minutes show, formatted and in order, with blanks for missing values.

    `style` is one of STYLES: verbatim (every utterance with its speaker), summarised (the
    points of discussion with who raised them; the default) or resolutions (resolutions and
    assignments only). Every style keeps the resolutions, assignments and reviewer notes."""
    check_style(style)
    m = minutes.meeting
    sources = [
        SOURCE_NOTE.format(field=SOURCE_FIELDS.get(key, key), source=source) for key, source in m.sources.items()
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
        items=[_item(item, transcript, style, _is_parent(item, minutes.agenda)) for item in minutes.agenda],
        signatures=[_signature(MINUTE_TAKER, m.minute_taker), _signature(REVIEWER, m.reviewer)],
        review_notes=[n for n in minutes.notes if n.strip()] + sources,
        created=_meeting_start(m.date, m.start_time),
        chat=chat_appendix(minutes),
        style=style,
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
# Markdown and HTML (Jinja2)


# A --templates folder is someone else's code: its templates render in Jinja's sandbox (no
# attribute starting with _, no changing lists or dicts, no huge ranges, strings or powers), within
# a time and an output limit, and a template file must be a regular file of modest size.
TEMPLATE_SECONDS = 20.0  # the built-in templates render a two-hour meeting in well under a second
TEMPLATE_OUTPUT = 50_000_000  # characters a template may write
TEMPLATE_FILE = 2 * 1024 * 1024  # bytes of one template file
_MAX_REPEAT = 1_000_000  # items or characters that one `*` of a template may make
_WIDE = re.compile(r"\d{6,}")  # a format width of a million characters or more


class TemplateLimit(Exception):
    """A user template went past what a template may do or take."""


class _UserLoader(jinja2.FileSystemLoader):
    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        for folder in self.searchpath:
            path = Path(folder) / template
            try:
                info = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                raise TemplateLimit(f"{path} is not a regular file (a pipe or a device)")
            if info.st_size > TEMPLATE_FILE:
                size, limit = info.st_size // 1024, TEMPLATE_FILE // 1024
                raise TemplateLimit(f"{path} is {size} KB; a template is at most {limit} KB")
        return super().get_source(environment, template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, with the few operations that could make gigabytes out of a line refused."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    if max(len(seq), 1) * times > _MAX_REPEAT:
                        raise TemplateLimit(f"`* {times}` would make more than {_MAX_REPEAT} items")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 1000:
            raise TemplateLimit(f"`** {right}` is too large a power")
        if operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise TemplateLimit("a format width of a million characters or more")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_REPEAT:
                raise TemplateLimit(f"the number {value} is too large for a template")
            if isinstance(value, str) and _WIDE.search(value) and "{" in value:
                raise TemplateLimit("a format width of a million characters or more")
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        fmt = getattr(method, "__self__", None)
        if isinstance(fmt, str) and getattr(method, "__name__", "") in ("format", "format_map") and _WIDE.search(fmt):
            raise TemplateLimit("a format width of a million characters or more")
        return super().call(__context, __obj, *args, **kwargs)


def _guarded(function: Any) -> Any:
    """A filter whose numbers (a width, a length, a count) are kept to what a document needs."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_REPEAT:
                raise TemplateLimit(f"the number {value} is too large for a template")
            if isinstance(value, str) and _WIDE.search(value):
                raise TemplateLimit("a format width of a million characters or more")
        return function(*args, **kwargs)

    return guarded


@contextlib.contextmanager
def _time_limit(seconds: float, filenames: set[str]) -> Iterator[None]:
    """Stop a template's own code after `seconds`: its loops and macros run as Python code in
    frames named after the template's file, and a trace function checks the clock in them (works
    in any thread and on Windows, where there is no SIGALRM)."""
    deadline = time.monotonic() + seconds

    def local(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateLimit(f"it ran for more than {seconds:.0f} s")
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in filenames:
            return local(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)


@functools.lru_cache(maxsize=8)  # compiled templates are kept; Jinja reloads a file that changed
def _environment(templates: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]
    if templates is not None:
        loaders.insert(0, _UserLoader(templates))
    kind = jinja2.Environment if templates is None else _Sandbox
    env = kind(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),  # Markdown is not escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_be=thaidate.date_be, time_th=thaidate.time_th, clock=clock, blank=_text, cell=_cell)
    if templates is not None:
        env.filters = {name: _guarded(f) for name, f in env.filters.items()}
        env.globals.pop("lipsum", None)  # pages of Latin on request: nothing a minutes template needs
    env.globals["BLANK"] = BLANK
    # The attendee tables' geometry, so the HTML lays them out as the DOCX does (cm).
    env.globals["PEOPLE"] = {"indent": PEOPLE_INDENT, "columns": PEOPLE_COLUMNS, "number": PEOPLE_NUMBER}
    return env


def _cell(value: str) -> str:
    """A value as one Markdown table cell: its pipes escaped, on one line."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _template_error(
    name: str, filename: str | None, line: int | None, message: str, templates: Path | None
) -> MinutesError:
    own = filename is None or Path(filename).resolve().parent == PACKAGE_TEMPLATES.resolve()
    where = f"template {name if own or not filename else filename}" + (f" line {line}" if line else "")
    message = " ".join(str(message).split())
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


def render_markdown(context: dict[str, Any], templates: Path | None = None, name: str = MARKDOWN_TEMPLATE) -> str:
    """Render template `name` (the user's `templates` dir first, then the package's).

    Any Jinja2 template renders this way: `minutes.md.j2`, `minutes.html.j2` (escaped as HTML).
    A broken template raises MinutesError naming its file and line."""
    env = _environment(templates)
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as e:
        raise _template_error(name, e.filename, e.lineno, e.message or "", templates) from e
    except (TemplateLimit, OSError, UnicodeDecodeError, RecursionError, MemoryError) as e:
        where = None if templates is None else str(templates / name)
        raise _template_error(name, where, None, str(e), templates) from e
    if templates is None:
        try:
            text = template.render(**context)
        except Exception as e:  # a bug in our own template
            raise _template_error(name, template.filename, _error_line(e, template.filename), str(e), None) from e
        return text.rstrip() + "\n"
    files = {f for f in (template.filename, *(str(p) for p in Path(templates).glob("*.j2"))) if f}
    pieces: list[str] = []
    size = 0
    try:
        with _time_limit(TEMPLATE_SECONDS, files):
            for piece in template.generate(**context):
                size += len(piece)
                if size > TEMPLATE_OUTPUT:
                    raise TemplateLimit(f"it wrote more than {TEMPLATE_OUTPUT} characters")
                pieces.append(piece)
    except SecurityError as e:
        raise _template_error(
            name, template.filename, _error_line(e, template.filename), f"not allowed in a template ({e})", templates
        ) from e
    except Exception as e:  # any error raised by a user template is the user's to fix
        line = _error_line(e, template.filename)
        message = f"stopped: {e}" if isinstance(e, TemplateLimit) else str(e) or type(e).__name__
        raise _template_error(name, template.filename, line, message, templates) from e
    return "".join(pieces).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# DOCX: a Word template holds the page, the headers and the styles; the code fills the body.
#
# The built-in templates/minutes.docx is made by `docx_template()` (and checked against it by the
# tests). A secretary copies it into a --templates folder, changes the styles, margins or
# headers in Word, and every later draft comes out that way. The order of the official elements
# stays in code: it is the regulation's, not a matter of taste.

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


def render_docx(view: DocumentView, thai_digits: bool = False, templates: Path | None = None) -> bytes:
    """The minutes as a DOCX made from the Word template (`templates`/minutes.docx, else the built-in)."""
    doc = _open_template(templates)
    if thai_digits:
        _thai_digits_in_headers(doc)
    w = _DocxWriter(doc, thai_digits)
    for text in (
        f"{TITLE}{view.body}",
        f"ครั้งที่ {view.session}",
        f"เมื่อวันที่ {view.date}" + (f" เวลา {view.time}" if view.time else ""),
        f"ณ {view.venue}",
    ):
        w.add(text, style=STYLE_TITLE)
    w.people("ผู้มาประชุม", view.present, BLANK)
    w.people("ผู้ไม่มาประชุม", view.absent, NONE)
    if view.attendees:
        w.people("ผู้เข้าร่วมประชุม", view.attendees, NONE)
    w.add(("เริ่มประชุมเวลา", "b"), f" {view.start}", style=STYLE_HEADING)
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
    w.add(("เลิกประชุมเวลา", "b"), f" {view.end}", style=STYLE_HEADING)
    for signature in view.signatures:
        w.add(f"(ลงชื่อ) {BLANK} {signature.role}", style=STYLE_SIGNATURE, before=24)
        w.add(f"({signature.name})", style=STYLE_SIGNATURE)
        w.add(signature.position, style=STYLE_SIGNATURE)
    if view.review_notes:
        w.add((REVIEW_HEADING, "b"), style=STYLE_HEADING, before=24)
        for note in view.review_notes:
            w.add(("- " + note, "note"), style=STYLE_NOTE)
    _chat_docx(w, view.chat)
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
# PDF: the DOCX converted by LibreOffice, Thai fonts embedded
#
# The DOCX names TH Sarabun New. Where it (or another government font a template names) is not
# installed, LibreOffice is told to use TLWG Laksaman instead: it is derived from TH SarabunPSK and
# has its widths, so lines and pages break as they do in Word with the official font (Debian's
# fonts-thai-tlwg). Without Laksaman, the Sarabun of the PyPI package fontpkg-sarabun (Google's
# Sarabun, about 1 % wider) stands in where fontconfig can be pointed at it (Linux). Each conversion
# runs with its own LibreOffice profile, so runs at the same time never share one.

OFFICIAL_FONTS = ("TH Sarabun New", "TH SarabunPSK", "TH SarabunIT๙")
SUBSTITUTE_FONT = "Laksaman"
PACKAGED_FONT = "Sarabun"  # from fontpkg-sarabun
PDF_TIMEOUT = 300  # seconds: a long verbatim draft takes a while, a hung LibreOffice must not hang the run
# Plain PDF (fonts embedded all the same): LibreOffice's PDF/A writes a colour profile stamped with
# the time of each conversion inside a compressed stream, and the same draft must give the same bytes.
PDF_EXPORT = "pdf:writer_pdf_Export"
NO_OFFICE = (
    "minutes.pdf not made: LibreOffice is not installed — install it (Debian/Ubuntu: apt-get install "
    "libreoffice-writer-nogui; Windows and macOS: libreoffice.org) and run again, or save minutes.docx as "
    "PDF from Word (--no-pdf: no PDF and no note)"
)
NO_THAI_FONT = (
    "minutes.pdf: neither TH Sarabun New nor Laksaman is installed, LibreOffice chose the Thai font — "
    "install fonts-thai-tlwg (Laksaman) or `pip install fontpkg-sarabun` for the official widths"
)


class NoPdf(MinutesError):
    """The PDF could not be made; the message says how to get it. Never fails a run."""


def find_soffice() -> str | None:
    """LibreOffice's `soffice`: on PATH, else where its installers put it on Windows and macOS;
    None when it is not installed. The one seam a test replaces to simulate a machine without it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    system = "nt" if os.name == "nt" else sys.platform
    return next((place for place in install_places(system, os.environ) if Path(place).is_file()), None)


def install_places(system: str, environ: Mapping[str, str]) -> list[str]:
    """Where LibreOffice's installer puts soffice on `system` ("nt", "darwin", ...), off PATH."""
    if system == "nt":
        bases = dict.fromkeys(
            environ[v] for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)") if environ.get(v)
        )
        return [str(PureWindowsPath(base, "LibreOffice", "program", "soffice.exe")) for base in bases]
    if system == "darwin":
        return ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    return []


def installed_fonts() -> set[str] | None:
    """The font families fontconfig knows (Linux, and wherever `fc-list` is); None when it cannot
    tell, and LibreOffice's own font fallback is left alone (Windows has Thai fonts of its own)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in listed.stdout.splitlines() for name in line.split(",") if name.strip()}


def _packaged_font_dir() -> Path | None:
    """The folder of fontpkg-sarabun's TTFs, when that package is installed."""
    spec = importlib.util.find_spec("fontpkg_sarabun")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    return folder if any(folder.glob("Sarabun-*.ttf")) else None


@dataclass
class PdfFonts:
    """How the PDF gets its Thai font: the official ones to replace, by what, and any extra folder."""

    replace: list[str] = field(default_factory=list)
    substitute: str = ""
    folder: Path | None = None  # a font folder fontconfig is told about (fontpkg-sarabun)
    note: str = ""  # for the user, when no good Thai font is there


def pdf_fonts(installed: set[str] | None) -> PdfFonts:
    """Which substitute stands in for the official fonts that `installed` lacks."""
    if installed is None:
        return PdfFonts()
    missing = [f for f in OFFICIAL_FONTS if f not in installed]
    if FONT in installed or not missing:
        return PdfFonts(replace=[f for f in missing if f != FONT], substitute=FONT if missing else "")
    if SUBSTITUTE_FONT in installed:
        return PdfFonts(missing, SUBSTITUTE_FONT)
    folder = _packaged_font_dir() if os.name != "nt" and sys.platform != "darwin" else None
    if PACKAGED_FONT in installed or folder is not None:
        return PdfFonts(missing, PACKAGED_FONT, None if PACKAGED_FONT in installed else folder)
    return PdfFonts(note=NO_THAI_FONT)


def _profile(root: Path, fonts: PdfFonts) -> Path:
    """A fresh LibreOffice profile whose font replacement table maps the official fonts to the substitute."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    pairs = "".join(
        f'<node oor:name="_{i}" oor:op="replace">'
        '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{font}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{fonts.substitute}</value></prop></node>'
        for i, font in enumerate(fonts.replace)
    )
    table = (
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>'
        if pairs
        else ""
    )
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{table}</oor:items>\n',
        encoding="utf-8",
    )
    return profile


def _fontconfig(root: Path, folder: Path) -> Path:
    """A fontconfig file: the system's configuration plus `folder`."""
    conf = root / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{html_escape(str(folder))}</dir>\n  <cachedir>{html_escape(str(root / 'fc-cache'))}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def minutes_pdf(docx: bytes, notes: list[str] | None = None) -> bytes:
    """The DOCX as PDF by LibreOffice, Thai fonts embedded, the same bytes for the same DOCX. Raises
    NoPdf (one line saying how to get the PDF) when LibreOffice is absent or fails; a note about the
    fonts goes to `notes`."""
    soffice = find_soffice()
    if soffice is None:
        raise NoPdf(NO_OFFICE)
    fonts = pdf_fonts(installed_fonts())
    if fonts.note and notes is not None:
        notes.append(fonts.note)
    with tempfile.TemporaryDirectory(prefix="minutes-pdf-") as tmp:
        root = Path(tmp)
        source = root / "in" / "minutes.docx"
        source.parent.mkdir()
        source.write_bytes(docx)
        env = dict(os.environ)
        if fonts.folder is not None:
            env["FONTCONFIG_FILE"] = str(_fontconfig(root, fonts.folder))
        command = [
            soffice,
            f"-env:UserInstallation={_profile(root, fonts).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--convert-to",
            PDF_EXPORT,
            "--outdir",
            str(root / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                env=env,
                timeout=PDF_TIMEOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=os.name != "nt",  # so a hung LibreOffice is ended with its children
            )
        except subprocess.TimeoutExpired:
            raise NoPdf(
                f"minutes.pdf not made: LibreOffice ({soffice}) took over {PDF_TIMEOUT} s — "
                "save minutes.docx as PDF from Word or LibreOffice"
            ) from None
        except OSError as e:
            raise NoPdf(
                f"minutes.pdf not made: {soffice} does not start ({e.strerror}) — reinstall LibreOffice, "
                "or save minutes.docx as PDF from Word"
            ) from None
        target = root / "out" / "minutes.pdf"
        if not target.is_file() or not target.read_bytes().startswith(b"%PDF"):
            said = " ".join((done.stderr or b"").decode("utf-8", "replace").split())[-300:]
            raise NoPdf(
                f"minutes.pdf not made: LibreOffice ({soffice}) exited {done.returncode} without a PDF"
                + (f" ({said})" if said else "")
                + " — save minutes.docx as PDF from Word or LibreOffice"
            )
        return _reproducible(target.read_bytes(), docx)


def _reproducible(pdf: bytes, docx: bytes) -> bytes:
    """The PDF with what LibreOffice stamps on each conversion made from the DOCX instead: the
    creation date is the DOCX's (the meeting's start), the file identifiers a hash of the DOCX.
    Every value keeps its length, so the cross-reference table stays right."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
        found = re.search(r"<dcterms:created[^>]*>(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})", core)
        stamp = "".join(found.groups()).encode() if found else b"20000101000000"
    except (KeyError, zipfile.BadZipFile):
        stamp = b"20000101000000"
    digest = hashlib.sha256(docx).hexdigest().upper().encode()
    pdf = re.sub(rb"/(CreationDate|ModDate)\(D:\d{14}", lambda m: b"/" + m[1] + b"(D:" + stamp, pdf)
    pdf = re.sub(
        rb"/ID \[ ?<[0-9A-F]{32}>\s*<[0-9A-F]{32}> ?\]",
        lambda m: re.sub(rb"<[0-9A-F]{32}>", b"<" + digest[:32] + b">", m[0]),
        pdf,
    )
    return re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + digest[32:64], pdf)


# --------------------------------------------------------------------------------------------
# Public API


def minutes_files(
    minutes: Minutes,
    transcript: Transcript,
    templates: Path | None = None,
    thai_digits: bool = False,
    style: str = "summarised",
) -> dict[str, bytes]:
    """The draft minutes: {"minutes.md", "minutes.html", "minutes.docx"}.

    `templates` is a user directory whose `minutes.md.j2`, `minutes.html.j2` or `minutes.docx`
    replace the built-in ones; `thai_digits` writes every digit of the document as ๐-๙; `style`
    is one of STYLES. Raises MinutesError with a one-line message when a template is broken.
    """
    view = document_view(minutes, transcript, style)
    context = {
        "doc": view,
        "minutes": minutes,
        "meeting": minutes.meeting,
        "transcript": transcript,
    }
    markdown = thaidate.digits(render_markdown(context, templates), thai_digits)
    html = render_markdown(context, templates, HTML_TEMPLATE)
    html = _thai_digits_html(html) if thai_digits else html
    return {
        "minutes.md": markdown.encode("utf-8"),
        "minutes.html": html.encode("utf-8"),
        "minutes.docx": render_docx(view, thai_digits, templates),
    }


def _thai_digits_html(html: str) -> str:
    """Thai digits in the page's text only: the style sheet and the tags keep theirs (`16pt`)."""
    parts = re.split(r"(<style\b.*?</style>|<[^>]*>)", html, flags=re.DOTALL | re.IGNORECASE)
    return "".join(part if i % 2 else thaidate.thai_digits(part) for i, part in enumerate(parts))


def _cue_text(segment: Segment, text: str | None = None) -> str:
    text = " ".join((segment.text if text is None else text).split())
    return f"{segment.speaker}: {text}" if segment.speaker else text


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    return f"{clock(millis // 1000)}{separator}{millis % 1000:03d}"


def transcript_files(transcript: Transcript) -> dict[str, bytes]:
    """The transcript as {"transcript.txt", "transcript.srt", "transcript.vtt"} (UTF-8).

    txt: a paragraph a line, `[00:01:02] speaker: sentence sentence ...`, blank lines between (a new
    paragraph at a change of speaker or a long pause); SRT and WebVTT cues are sentences reading
    `speaker: text` (the speaker is left out when unknown). Segments without text are skipped.
    """
    from pipeline.thai import paragraphs

    segments = [s for s in transcript.segments if s.text.strip()]
    paras = paragraphs(segments)
    txt = [f"[{clock(p[0].start)}] {_cue_text(p[0], ' '.join(s.text for s in p))}\n\n" for p in paras]
    txt = _with_chat(txt, [p[0].start for p in paras], transcript.chat)
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


# --------------------------------------------------------------------------------------------
# The Zoom chat: an appendix of the minutes, and lines of transcript.txt

CHAT_HEADING = "ภาคผนวก ข้อความในช่องแชทระหว่างการประชุม"
CHAT_OPENING = "ก่อนเข้าระเบียบวาระ"
CHAT_DIRECT = "(ข้อความส่วนตัวถึง {})"
CHAT_REPLY = "(ตอบข้อความ “{}”)"
CHAT_MARK = "(แชท)"


@dataclass
class ChatLine:
    time: str  # "เวลา 13.31 น." from the wall clock, else "[00:12:34]" in the recording
    sender: str
    lines: list[str]  # the message's own lines
    note: str = ""  # a reply's quote, or who a direct message went to


@dataclass
class ChatGroup:
    heading: str  # "ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา", or CHAT_OPENING
    messages: list[ChatLine]


def _chat_line(message: ChatMessage) -> ChatLine:
    if message.clock:
        time = f"เวลา {message.clock[:5].replace(':', '.')} น."
    else:
        time = f"[{clock(message.at)}]" if message.at is not None else ""
    notes = [CHAT_DIRECT.format(message.to)] if message.direct else []
    if message.reply_to:
        notes.append(CHAT_REPLY.format(message.reply_to))
    return ChatLine(time, message.sender, message.text.splitlines() or [""], " ".join(notes))


def chat_appendix(minutes: Minutes) -> list[ChatGroup]:
    """The meeting's chat for the appendix, grouped under the agenda item each message was sent in."""
    titles = {item.number: f"ระเบียบวาระที่ {item.number} {item.title}" for item in minutes.agenda}
    groups: list[ChatGroup] = []
    for message in minutes.chat:
        heading = titles.get(message.agenda or "", CHAT_OPENING)
        if not groups or groups[-1].heading != heading:
            groups.append(ChatGroup(heading, []))
        groups[-1].messages.append(_chat_line(message))
    return groups


def _chat_docx(w: _DocxWriter, groups: list[ChatGroup]) -> None:
    """The chat appendix at the end of the DOCX, as the Markdown template's last block has it."""
    if not groups:
        return
    w.add((CHAT_HEADING, "b"), before=24)
    for group in groups:
        w.add((group.heading, "b"), before=6)
        for m in group.messages:
            w.add(f"{m.time} {m.sender}: " + " / ".join(m.lines) + (f" {m.note}" if m.note else ""), indent=1)


def _with_chat(lines: list[str], times: list[float], chat: list[ChatMessage]) -> list[str]:
    """transcript.txt lines with the chat's lines among them, in time order (unknown times last)."""
    if not chat:
        return lines
    timed = [(t, 0, line) for t, line in zip(times, lines, strict=True)]
    end = max(times, default=0.0)
    for m in chat:
        line = _chat_line(m)
        at = m.at if m.at is not None else end
        text = " / ".join(line.lines) + (f" {line.note}" if line.note else "")
        timed.append((at, 1, f"[{clock(at) if m.at is not None else '--:--:--'}] {CHAT_MARK} {m.sender}: {text}\n\n"))
    return [line for _, _, line in sorted(timed, key=lambda x: (x[0], x[1]))]
