"""The view the three drafts share (minutes.md, minutes.html, minutes.docx): every value the
minutes show, already formatted (blanks filled, B.E. dates, `13.30 น.` times), and the official
order of their sections (SECTIONS), written here once for all three (see reference/thai-minutes.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.thaidate import BLANK, clock
from pipeline.types import AgendaItem, ChatMessage, Minutes, Person, Transcript

# The built-in templates, which a --templates folder may replace one by one.
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN_TEMPLATE = "minutes.md.j2"
HTML_TEMPLATE = "minutes.html.j2"
DOCX_TEMPLATE = "minutes.docx"

# The attendee lists: borderless tables of fixed columns (number and name | position | note), so
# a long name or position wraps inside its own column. Widths in cm; indent + columns = 16 cm.
# A name is never cut: 7.5 cm holds the number and a 6.4 cm name (นางสาวเบญจมาศ อินทร์แก้ว at 16 pt);
# positions are the long ones and wrap.
PEOPLE_INDENT = 0.0
PEOPLE_COLUMNS = (7.5, 5.5, 3.0)
PEOPLE_NUMBER = 0.8  # the number hangs: a wrapped name lines up under the name, not the number

# Thai phrases (data).
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
# The official order of the minutes' sections (the regulation's, not a matter of taste). The
# Markdown and HTML templates and the DOCX code each have one block per name and follow this order.
SECTIONS = (
    "title",  # รายงานการประชุม..., ครั้งที่, เมื่อวันที่, ณ
    "present",  # ผู้มาประชุม
    "absent",  # ผู้ไม่มาประชุม
    "attendees",  # ผู้เข้าร่วมประชุม (only when there are any)
    "opening",  # เริ่มประชุมเวลา
    "items",  # ระเบียบวาระที่ ...: discussion, notes, มติที่ประชุม, assignments
    "closing",  # เลิกประชุมเวลา
    "signatures",  # ผู้จดรายงานการประชุม, ผู้ตรวจรายงานการประชุม
    "review_notes",  # หมายเหตุถึงผู้ตรวจ (ลบออกก่อนเสนอรับรอง)
    "chat",  # ภาคผนวก: the Zoom chat
)


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
    sections: tuple[str, ...] = SECTIONS  # the order the outputs write their sections in


def blank(value: str | None) -> str:
    """The value, or the blank marker when it is missing."""
    return value.strip() if value and value.strip() else BLANK


def _date(value: str | None) -> str:
    """`19 มีนาคม 2569`; an unreadable date is shown as given, for the reviewer to fix."""
    try:
        return thaidate.date_be(value)
    except ValueError:
        return blank(value)


def _time(value: str | None) -> str:
    """`13.30 น.`; an unreadable time is shown as given, for the reviewer to fix."""
    try:
        return thaidate.time_th(value)
    except ValueError:
        return blank(value)


def _people(people: list[Person], chair: Person | None = None) -> list[PersonLine]:
    rows: list[tuple[Person, str]] = []
    if chair is not None:
        role = chair.note if CHAIR in chair.note else f"{CHAIR} {chair.note}".strip()
        rows.append((chair, role))
    rows += [(p, p.note.strip()) for p in people if chair is None or p.name != chair.name]
    return [
        PersonLine(n, [blank(p.name), blank(p.position)] + ([note] if note else []))
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
        text = f"{ASSIGN} {blank(action.assignee)} {blank(action.task)}"
        if action.due:
            text += f" {DUE} {_date(action.due)}"
        actions.append(Line(text, _between(action.start, action.end)))
    resolution = "" if parent and not item.resolution else blank(item.resolution)
    summary = _discussion(item, transcript, style) if item.found else []
    if parent and [line.text for line in summary] == [BLANK]:
        summary = []  # "4" with 4.1 and 4.2 after it, nothing said of its own: no blank to fill
    return ItemView(
        number=blank(item.number),
        title=blank(item.title),
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
    return SignatureView(role, blank(person.name), blank(person.position))


def check_style(style: str) -> str:
    """The style, or a one-line error listing the styles there are."""
    if style not in STYLES:
        raise MinutesError(f"unknown style '{style}'. Available: {', '.join(STYLES)}")
    return style


def _is_parent(item: AgendaItem, agenda: list[AgendaItem]) -> bool:
    return any(other.number.startswith(item.number.rstrip(".") + ".") for other in agenda if other is not item)


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
        body=blank(m.body),
        session=blank(m.session),
        date=_date(m.date),
        time=_time(m.start_time) if m.start_time else "",
        venue=blank(m.venue),
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
        sections=SECTIONS,
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
# The Zoom chat: an appendix of the minutes

CHAT_HEADING = "ภาคผนวก ข้อความในช่องแชทระหว่างการประชุม"
CHAT_OPENING = "ก่อนเข้าระเบียบวาระ"
CHAT_DIRECT = "(ข้อความส่วนตัวถึง {})"
CHAT_REPLY = "(ตอบข้อความ “{}”)"


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


def chat_line(message: ChatMessage) -> ChatLine:
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
        groups[-1].messages.append(chat_line(message))
    return groups
