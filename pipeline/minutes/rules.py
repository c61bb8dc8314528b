"""The rules engine: offline, from the transcript's own words.

It splits the transcript into agenda items at the chair's spoken cues, finds each item's
resolution and assignments, and picks a short extractive summary of the discussion. Whatever it
writes is made of the transcript's own words, and every resolution and action is checked with
`check.supported` before it is kept. Each item's discussion is kept as points with their speakers
and segments, for the summarised and verbatim styles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pipeline.minutes.check import SUBJECT, supported
from pipeline.minutes.dates import due_date
from pipeline.minutes.summary import summary_indices, summary_limit
from pipeline.minutes.text import (
    NUM_PART,
    NUMBER,
    agenda_number,
    flatten,
    sentences,
    spoken_number,
    written,
)
from pipeline.thaidate import BLANK, arabic_digits, parse_date
from pipeline.types import Action, AgendaItem, Meeting, Minutes, Point, Segment, Transcript

# --------------------------------------------------------------------------------------------
# Agenda cues

_INTRO = "(?:ต่อไป(?:ก็)?(?:จะ)?(?:เป็น)?|ขอเข้าสู่|เข้าสู่|มาที่|มาถึง|ไปที่)"
# (pattern, number when the words themselves mean one); a "num" group holds a spoken number.
_NUMBERED_CUES: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(rf"{_INTRO}(?:ระเบียบ)?วาระ(?:ที่)?\s*(?P<num>{NUMBER})"), None),
    (re.compile(rf"(?:ระเบียบ)?วาระที่\s*(?P<num>{NUMBER})"), None),
    (re.compile(r"(?:เรื่อง|วาระ)แรก"), "1"),
    (re.compile(rf"เรื่องที่\s*(?P<num>{NUM_PART}\s*(?:\.|จุด)\s*{NUM_PART})"), None),
]
# (spoken title, words looked for in a planned title, the title when no agenda was given)
_TITLE_CUES: list[tuple[str, str, str]] = [
    ("(?:เรื่องที่)?ประธานแจ้ง", "ประธานแจ้ง", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    ("(?:เรื่อง)?(?:การ)?รับรองรายงานการประชุม", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("เรื่องสืบเนื่อง", "สืบเนื่อง", "เรื่องสืบเนื่อง"),
    ("เรื่อง(?:แจ้ง)?เพื่อทราบ", "เพื่อทราบ", "เรื่องเพื่อทราบ"),
    ("เรื่องเพื่อพิจารณา", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องอื่น(?:ๆ)?", "อื่น", "เรื่องอื่น ๆ"),
]
# A title opens an item only after an introducer ("ต่อไปเป็นเรื่องเพื่อพิจารณา"): said alone,
# these words are too common in discussion ("เรื่องอื่นๆ ที่เกี่ยวข้อง").
_TITLE_CUE_PATTERNS = [
    (re.compile(rf"{_INTRO}(?:ระเบียบ)?(?:วาระ)?(?:ที่)?(?:{spoken})"), words, title)
    for spoken, words, title in _TITLE_CUES
]
# "ในวาระที่ 1", "ตามวาระที่ 3": a reference to an item, not its opening.
_NOT_CUE_AFTER = ("ใน", "ตาม", "ของ", "จาก", "กับ", "เหมือน", "เช่น")


@dataclass
class _Cue:
    start: int
    end: int
    number: str | None  # "4.1"
    words: str | None  # title words to match a planned title
    title: str | None  # title to use when no agenda was given


def _find_cues(flat: str) -> list[_Cue]:
    """Every agenda cue in a sentence, in order, without overlaps."""
    found: list[_Cue] = []
    for pattern, number in _NUMBERED_CUES:
        for m in pattern.finditer(flat):
            num = spoken_number(m["num"]) if "num" in pattern.groupindex else number
            found.append(_Cue(m.start(), m.end(), num, None, None))
    for pattern, words, title in _TITLE_CUE_PATTERNS:
        for m in pattern.finditer(flat):
            found.append(_Cue(m.start(), m.end(), None, words, title))
    # Earliest first; at one place the longest, and a numbered cue before a title cue.
    found.sort(key=lambda c: (c.start, -c.end, c.number is None))
    cues: list[_Cue] = []
    for cue in found:
        if cues and cue.start < cues[-1].end:
            continue
        if flat[: cue.start].endswith(_NOT_CUE_AFTER):
            continue
        cues.append(cue)
    return cues


def _title_after(rest: str) -> str:
    """The title said after a cue's number ("วาระที่ 1 เรื่อง..."), else the blank marker."""
    rest = written(rest)
    if rest.startswith("เรื่อง"):
        return rest
    return next((title for spoken, _, title in _TITLE_CUES if re.match(spoken, rest)), BLANK)



# --------------------------------------------------------------------------------------------
# Resolutions

RESOLUTION_VERBS = "(?:รับทราบ|เห็นชอบ|อนุมัติ|รับรอง|เห็นด้วย)"
# What a chair says before a bare resolution verb: "ถ้าไม่มีผู้ใดเห็นเป็นอย่างอื่น ถือว่า...".
_LEAD_IN = (
    "(?:โอเค|ค่ะ|ครับ|ก็|งั้น|ถ้างั้น|ถ้าอย่างนั้น|ดังนั้น|เพราะฉะนั้น|สรุปว่า|สรุป|ถือว่า|เป็นอันว่า"
    "|(?:ถ้า|หาก)ไม่มี(?:ผู้ใด|ท่านใด|ใคร)?"
    "(?:เห็นเป็นอย่างอื่น|มีความเห็นเป็นอย่างอื่น|ขัดข้อง|คัดค้าน|แก้ไข|อะไร(?:เพิ่มเติม)?)?)"
)
# (strength, pattern): the strongest wins, then the latest. The resolution's words start at
# group "res"; what precedes it (label, "ถือว่า", lead-in) is not written.
_RESOLUTIONS: list[tuple[int, re.Pattern[str]]] = [
    # the chair dictates the label: "มติที่ประชุม รับทราบ"
    (3, re.compile(r"มติที่ประชุม(?:คือ|ว่า)?(?P<res>.*)")),
    # "ที่ประชุมพิจารณาแล้วมีมติเห็นชอบ...", "...ถือว่าที่ประชุมเห็นชอบตามที่เสนอ"
    (2, re.compile(
        rf"(?P<res>ที่ประชุม(?:ได้)?(?:พิจารณาแล้ว)?(?:มีมติ)?(?:ให้)?(?:ไม่)?{RESOLUTION_VERBS}.*)"
    )),
    (2, re.compile(r"(?P<res>ที่ประชุม(?:ได้)?(?:พิจารณาแล้ว)?มีมติ.+)")),
    # "รับรองรายงานการประชุม(ครั้งที่ 1/2569) โดย(ไม่)มีการแก้ไข"
    (2, re.compile(r"(?P<res>รับรองรายงานการประชุม.{0,20}?โดย(?:ไม่)?มีการแก้ไข.*)")),
    # the bare spoken verb opening its sentence and closed by a particle: "รับทราบนะครับ",
    # "เห็นชอบตามนี้นะคะ", "รับรองตามนี้นะคะ"
    (1, re.compile(
        rf"^{_LEAD_IN}*(?P<res>(?:ไม่)?{RESOLUTION_VERBS}.{{0,60}}?)(?:นะ)?(?:ครับ|ค่ะ|คะ|จ้ะ|จ้า)$"
    )),
    # a deferral closing the item: "เรื่องนี้ขอเลื่อนไปพิจารณาในการประชุมครั้งหน้านะครับ" (not asked)
    (1, re.compile(
        r"(?:ขอ|ให้)?(?P<res>เลื่อน(?:การ)?(?:ไป)?พิจารณา(?!.*(?:ไหม|มั้ย|หรือเปล่า|หรือไม่)).{0,40}?)"
        r"(?:นะ)?(?:ครับ|ค่ะ|คะ|จ้ะ|จ้า)?$"
    )),
]
_BARE = 1
# A request or an opinion, not a decision: "ขอให้ที่ประชุมรับทราบ", "ผมเห็นชอบ", "ถ้าที่ประชุมอนุมัติ".
_NOT_RESOLUTION_AFTER = (
    "ขอ", "ให้", "เสนอ", "เพื่อ", "โปรด", "จะ", "ต้อง", "ควร", "ถ้า", "หาก", "คิดว่า", "เห็นว่า",
    "ผม", "ดิฉัน", "กระผม", "หนู",
)


def _resolution_match(flat: str) -> tuple[int, re.Match[str]] | None:
    """The strongest resolution pattern matching a sentence, with its strength."""
    for strength, pattern in _RESOLUTIONS:
        m = pattern.search(flat)
        if m and not flat[: m.start()].endswith(_NOT_RESOLUTION_AFTER):
            return strength, m
    return None


def as_resolution(words: str) -> str:
    """Written form of a resolution: particles dropped, "ที่ประชุม" as subject."""
    text = written(words)
    if text and not text.startswith(SUBJECT):
        text = SUBJECT + text
    return text



# --------------------------------------------------------------------------------------------
# Actions

# "มอบ"/"ฝาก" alone are how chairs often say it: "มอบกองแผนงาน ปรับปรุง...", "ฝากกองคลังช่วยดู...".
_ASSIGN = re.compile(r"มอบหมาย(?:ให้)?|มอบ(?:ให้)?|ฝาก(?:ให้)?|ขอให้|ให้")
_ASSIGN_LEAD = 6  # characters before the cue ("และ", "ครับ") in a sentence that is only an assignment
# A bare "ให้" assigns only at a sentence start (also just after a particle) or after these
# ("เห็นชอบ และให้กองคลัง..."); elsewhere it is "เพื่อให้", "อยากให้", "ให้แล้วเสร็จ".
_BARE_ASSIGN_AFTER = (
    "และ", "โดย", "จึง", "ก็", "แล้ว", "ทั้งนี้", "พร้อมทั้ง", "เห็นชอบ", "อนุมัติ", "มีมติ", "ตามที่เสนอ",
    "ครับ", "ค่ะ", "คะ", "นะ",
)
# The work verbs that end the assignee; "ส่ง" but not "ส่งเสริม" (part of agency names).
_ACTION_VERBS = (
    "ดำเนินการ|จัดทำ|จัดส่ง|จัดซื้อ|จัดหา|จัดเตรียม|ส่ง(?!เสริม)|ประสาน(?:งาน)?|รวบรวม|ตรวจสอบ"
    "|ติดตาม|ปรับปรุง|แก้ไข|นำเสนอ|เสนอ|รายงาน|สรุป|เตรียม|ทบทวน|ศึกษา|สำรวจ|แจ้ง|บันทึก|ตรวจ(?!ราชการ)"
)
# Not after "ที่": "เห็นชอบให้เปิดวันเสาร์ตามที่เสนอ" is "as proposed", no one is asked to propose.
_ASSIGNMENT = re.compile(rf"(?P<who>.{{2,40}}?)(?<!ที่)(?P<task>(?:{_ACTION_VERBS}).*)")
# Words around the assignee that are not part of it: "ขอให้ทางกองคลังช่วยประสาน".
_WHO_EXTRA = re.compile(r"^ทาง|(?:ช่วย|รับไป|ไป|ได้)+$")



# --------------------------------------------------------------------------------------------
# The engine


@dataclass
class _Part:
    """A sentence, or the piece of one on either side of an agenda cue, with its segment."""

    seg: int  # index into transcript.segments
    segment: Segment
    text: str  # as said, for the summary
    flat: str  # for matching
    cue: bool = False  # it opens its item


@dataclass
class _Draft:
    number: str
    title: str
    parts: list[_Part] = field(default_factory=list)
    heard: bool = False  # its opening cue was heard
    notes: list[str] = field(default_factory=list)

    @property
    def title_flat(self) -> str:
        return flatten(self.title)


def _locate(cue: _Cue, rest: str, drafts: list[_Draft], current: int, planned: bool) -> int | None:
    """The draft a cue opens, or None when it opens nothing new (a mention of an item already
    passed, or of a number not on the agenda). Without a planned agenda a new draft is made."""
    if planned:
        index = _index_by_number(drafts, cue.number) if cue.number else None
        if index is None and cue.words:
            index = next(
                (i for i in range(current + 1, len(drafts)) if cue.words in drafts[i].title_flat),
                None,
            )
        return index if index is not None and index > current else None
    if cue.number:
        if any(d.number == cue.number for d in drafts):
            return None
        drafts.append(_Draft(cue.number, _title_after(rest)))
        return len(drafts) - 1
    if any(cue.words and cue.words in d.title_flat for d in drafts):
        return None
    numbers = [int(d.number.split(".")[0]) for d in drafts if d.number.split(".")[0].isdigit()]
    draft = _Draft(str(max(numbers, default=0) + 1), cue.title or BLANK)
    draft.notes.append("เลขวาระกำหนดตามลำดับที่ได้ยิน เพราะไม่ได้ยินเลขวาระ โปรดตรวจสอบ")
    drafts.append(draft)
    return len(drafts) - 1


def _index_by_number(drafts: list[_Draft], number: str) -> int | None:
    """Exact number first; "4" also finds the first of 4.1, 4.2; "4.3" falls back to "4"."""
    planned = [agenda_number(d.number) for d in drafts]
    for test in (
        lambda n: n == number,
        lambda n: n.startswith(number + "."),
        lambda n: n == number.split(".")[0],
    ):
        index = next((i for i, n in enumerate(planned) if test(n)), None)
        if index is not None:
            return index
    return None


def _split(
    transcript: Transcript, drafts: list[_Draft], planned: bool
) -> tuple[list[_Part], dict[int, int]]:
    """Share the transcript's sentences out among the drafts, cutting them at accepted cues.

    Returns the parts heard before any cue (the chair's opening) and, for each segment index,
    the draft it belongs to: the draft of its last part, so a segment that closes one item and
    opens the next belongs to the next."""
    current = -1  # the draft being heard; -1 before the first cue
    opening: list[_Part] = []
    owner: dict[int, int] = {}
    for seg, segment in enumerate(transcript.segments):
        for sentence in sentences(segment.text):
            flat = flatten(sentence)
            # (start, draft, opens it): the sentence continues the current item up to a cue.
            bounds: list[tuple[int, int, bool]] = [(0, current, False)]
            cues = _find_cues(flat)
            for k, cue in enumerate(cues):
                stop = cues[k + 1].start if k + 1 < len(cues) else len(flat)
                target = _locate(cue, flat[cue.end:stop], drafts, current, planned)
                if target is not None:
                    current = target
                    drafts[target].heard = True
                    bounds.append((cue.start, target, True))
            ends = [b[0] for b in bounds[1:]] + [len(flat)]
            for (start, index, is_cue), end in zip(bounds, ends, strict=True):
                piece = flat[start:end]
                if not piece.strip():
                    continue
                # A sentence not cut keeps its spoken spacing for the summary.
                text = arabic_digits(sentence) if len(bounds) == 1 else piece
                part = _Part(seg, segment, text, piece, is_cue)
                (drafts[index].parts if index >= 0 else opening).append(part)
                owner[seg] = max(index, 0)
        owner.setdefault(seg, max(current, 0))  # a segment with no words stays where it falls
    return opening, owner


def _resolution(draft: _Draft, chair: set[str]) -> tuple[str, list[int], list[int]] | None:
    """The item's resolution: (written text, segment ids, indices of the parts used)."""
    best: tuple[tuple[int, int], str, list[int], list[int]] | None = None
    for i, part in enumerate(draft.parts):
        if part.cue:
            continue
        found = _resolution_match(part.flat)
        if not found:
            continue
        strength, m = found
        speaker = part.segment.speaker
        # A bare "รับทราบค่ะ" from someone other than the chair acknowledges, not resolves.
        if strength == _BARE and chair and speaker and speaker not in chair:
            continue
        words, used = m["res"], [i]
        # "มติที่ประชุม" said alone: the resolution follows in the next sentence.
        if not written(words) and i + 1 < len(draft.parts) and not draft.parts[i + 1].cue:
            words, used = draft.parts[i + 1].flat, [i, i + 1]
        text = as_resolution(words)
        source = " ".join(draft.parts[j].flat for j in used)
        if not text or not supported(text, source):
            continue
        if best is None or (strength, i) >= best[0]:
            ids = list(dict.fromkeys(draft.parts[j].segment.id for j in used))
            best = ((strength, i), text, ids, used)
    return None if best is None else best[1:]


def _actions(part: _Part, meeting_date: dt.date | None, notes: list[str]) -> list[Action]:
    """The assignments said in one sentence."""
    flat = part.flat
    cues = [
        m for m in _ASSIGN.finditer(flat)
        if m.group() != "ให้" or not flat[: m.start()].strip()
        or flat[: m.start()].endswith(_BARE_ASSIGN_AFTER)
    ]
    actions: list[Action] = []
    for k, cue in enumerate(cues):
        stop = cues[k + 1].start() if k + 1 < len(cues) else len(flat)
        m = _ASSIGNMENT.match(flat, cue.end(), stop)
        if not m:
            continue
        who = _WHO_EXTRA.sub("", written(m["who"]))
        if not who or SUBJECT in who:  # a request to the meeting itself is not an assignment
            continue
        task = re.sub(r"(?:และ|โดย)$", "", written(m["task"])).strip()
        due, said = due_date(task, meeting_date)
        if due:
            task = (task[: said.start()] + task[said.end():]).strip()
        elif said:
            notes.append(
                f"กำหนดเวลา \"{said.group()}\" แปลงเป็นวันที่ไม่ได้ (ไม่ระบุปีและไม่ทราบวันที่ประชุม"
                " หรือไม่มีวันนี้ในปฏิทิน) โปรดตรวจสอบ"
            )
        if not task or not supported(f"{who} {task}", flat):
            continue
        actions.append(Action(
            assignee=who, task=task, due=due.isoformat() if due else None,
            segment_ids=[part.segment.id], start=part.segment.start, end=part.segment.end,
        ))
    return actions


def _item(draft: _Draft, segments: list[Segment], planned: bool, chair: set[str],
          meeting_date: dt.date | None) -> AgendaItem:
    item = AgendaItem(number=draft.number, title=draft.title, notes=list(draft.notes))
    item.segment_ids = [s.id for s in segments]
    item.found = bool(draft.heard or draft.parts) if planned else True
    if not item.found:  # the renderer tells the reviewer; found=False is the fact
        return item
    if planned and not draft.heard:
        item.notes.append("ไม่ได้ยินการเปิดวาระนี้ ข้อความช่วงก่อนวาระถัดไปจึงจัดไว้ในวาระนี้")
    timed = segments or [p.segment for p in draft.parts]
    if timed:
        item.start, item.end = timed[0].start, max(s.end for s in timed)

    resolution = _resolution(draft, chair)
    used: list[int] = []
    if resolution:  # none heard stays None; the renderer asks the reviewer for it
        item.resolution, item.resolution_segment_ids, used = resolution
        # its segments may belong to the next item (the closing and the next cue in one breath)
        said = [p.segment for p in draft.parts if p.segment.id in item.resolution_segment_ids]
        item.resolution_start, item.resolution_end = said[0].start, max(s.end for s in said)

    for i, part in enumerate(draft.parts):
        found = _actions(part, meeting_date, item.notes)
        item.actions.extend(found)
        cue = _ASSIGN.search(part.flat)
        if found and cue and cue.start() <= _ASSIGN_LEAD:
            used.append(i)  # a sentence that is the assignment is written as one, not summarised too

    candidates = [
        (written(p.text, cut=False), p.segment) for i, p in enumerate(draft.parts)
        if not p.cue and i not in used and _resolution_match(p.flat) is None
    ]
    candidates = [(text, segment) for text, segment in candidates if text]
    chosen = summary_indices([text for text, _ in candidates], summary_limit(len(candidates)))
    item.discussion = [
        Point(text, segment.speaker, [segment.id], segment.start, segment.end)
        for text, segment in (candidates[i] for i in chosen)
    ]
    item.summary = " ".join(p.text for p in item.discussion)
    return item


def run(transcript: Transcript, meeting: Meeting) -> Minutes:
    """The offline engine: cues, resolutions, actions and summaries from patterns."""
    planned = bool(meeting.agenda)
    drafts = [_Draft(a.number, a.title) for a in meeting.agenda]
    opening, owner = _split(transcript, drafts, planned)
    notes: list[str] = []
    if not any(d.heard for d in drafts):
        notes.append("ไม่ได้ยินการเปิดระเบียบวาระใดเลย ข้อความทั้งหมดจึงอยู่ในวาระแรก โปรดตรวจสอบ")
    if not drafts:
        drafts.append(_Draft("1", BLANK))
        drafts[0].notes.append(notes[0])
    if opening:
        drafts[0].parts[:0] = opening

    # Who presides: whoever opens items or states a resolution in full ("ที่ประชุมรับทราบ"), and
    # the chair named in meeting.yaml. Used to tell a resolution from a member's acknowledgement;
    # a secretary may announce the items while the chair decides.
    chair = {
        p.segment.speaker for d in drafts for p in d.parts
        if p.segment.speaker and (p.cue or (_resolution_match(p.flat) or (0,))[0] > _BARE)
    }
    if chair and meeting.chair and meeting.chair.name:
        chair.add(meeting.chair.name)
    try:
        meeting_date = parse_date(meeting.date)
    except ValueError:
        meeting_date = None
    items = []
    for index, draft in enumerate(drafts):
        segments = [s for seg, s in enumerate(transcript.segments) if owner.get(seg, 0) == index]
        items.append(_item(draft, segments, planned, chair, meeting_date))
    missing = [i.number for i in items if not i.found]
    if missing:
        notes.append("ไม่พบในบันทึกเสียง: ระเบียบวาระที่ " + ", ".join(missing))
    return Minutes(meeting=meeting, agenda=items, style="summarised", engine="rules", notes=notes)


def settings() -> dict[str, str]:
    """Nothing besides the transcript and the meeting decides this engine's result."""
    return {}
