"""The rules engine: offline, from the transcript's own words.

It splits the transcript into agenda items at the spoken cues of whoever presides, finds each
item's resolution and assignments, and picks a short extractive summary of the discussion.

Cues are phrases of the reference (`../shared/reference/thai-minutes.md`) and their spoken
variants, kept below as data. They are looked for approximately (pipeline.minutes.fuzzy), so a
dropped tone mark or a misheard consonant does not lose an item; each match records how sure it
is, and a weak one becomes a note for the reviewer. Chairs do not all read the script:

- items open at "ระเบียบวาระที่ 4.1" (numbers in digits, Thai digits or words), at a title after
  an introducer ("ต่อไปเป็นเรื่องเพื่อพิจารณา"), or at a transition ("เอาเรื่องแรกก่อน",
  "ขยับไปเรื่องถัดไป", "มีใครมีเรื่องอื่นอีกไหม"), said by the chair or a secretary who announces;
- a mention ("ในวาระที่ 2 ของการประชุมครั้งที่แล้ว") opens nothing;
- with the planned agenda (meeting.yaml) an opening is placed by number, else by the planned
  title's words said near it, else as the next planned item; items taken out of order or never
  reached are reported;
- resolutions are dictated ("มติที่ประชุม"), stated ("ที่ประชุมเห็นชอบ"), spoken loosely by the chair
  ("ถ้าไม่มีใครค้าน ก็ผ่านตามนี้นะครับ", "เรื่องนี้ทราบกันแล้วนะ"), deferrals ("เลื่อนไปคุยกันคราวหน้า"),
  votes with counts, or the secretary's restatement; a question, a request or an earlier
  meeting's decision is not one;
- assignments name one or more units before the work ("ให้กองคลังกับสำนักการโยธาไปร่วมกันทำ..."),
  with deadlines absolute or relative (pipeline.minutes.dates).

Whatever it writes is made of the transcript's own words: every resolution and action passes
`check.unsupported` against the sentences it cites before it is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.minutes import fuzzy, learned
from pipeline.minutes.check import SUBJECT, supported
from pipeline.minutes.dates import (
    DUE,
    RELATIVE,
    SPOKEN_DAYS,
    SPOKEN_DEADLINES,
    SPOKEN_MONTHS,
    MeetingYear,
    due_date,
    months_heard,
    year_assumed,
    year_misheard,
    year_said,
)
from pipeline.minutes.summary import summary_indices, summary_limit
from pipeline.minutes.text import (
    NUMBER,
    NUMWORD,
    UNITS,
    agenda_number,
    content_words,
    flatten,
    sentences,
    spoken_number,
    tokens,
    word_to_int,
    written,
)
from pipeline.thaidate import BLANK, DIGIT_WORDS, NUMBER_WORDS, THAI_MONTHS, arabic_digits, parse_date
from pipeline.types import Action, AgendaItem, Meeting, Minutes, Point, Segment, Transcript

# --------------------------------------------------------------------------------------------
# Numbers as said, errors and all: "4.1", "๔.๑", "4 . 1", "สี่จุดหนึ่ง", "สีจุดหนึง"

_NUMBER_WORDS = {**{w: n for w, n in NUMBER_WORDS.items() if n}, "แรก": 1}  # "แรก": the first
_WORD_KEYS = sorted(((fuzzy.phrase_key(w), n) for w, n in _NUMBER_WORDS.items()), key=lambda x: -len(x[0]))
_TEN, _POINT = fuzzy.phrase_key("สิบ"), fuzzy.phrase_key("จุด")
_THI = fuzzy.phrase_key("ที่")


def _unit_at(k: str, i: int) -> tuple[int, int] | None:
    """A digit word at `i`, or one a letter off when it is long enough to tell ("หนึ่อง")."""
    exact = next(((n, len(w)) for w, n in _WORD_KEYS if k.startswith(w, i)), None)
    if exact:
        return exact
    for w, n in _WORD_KEYS:
        if len(w) >= 4:
            for size in (len(w) - 1, len(w) + 1):
                if fuzzy.Levenshtein.distance(w, k[i:i + size]) == 1 and k[i:i + 1] == w[0]:
                    return n, size
    return None


def _part_at(k: str, i: int) -> tuple[int | None, int]:
    """A whole number read from sound-alike key `k` at `i`: digits or words; (None, i) if none."""
    m = re.match(r"\d{1,3}", k[i:])
    if m:
        return int(m.group()), i + m.end()
    j, first = i, None if k.startswith(_TEN, i) else _unit_at(k, i)
    if k.startswith(_TEN, j):
        value, j = 10, j + len(_TEN)
    elif first and k.startswith(_TEN, j + first[1]):
        value, j = first[0] * 10, j + first[1] + len(_TEN)
    elif first:
        return first[0], j + first[1]
    else:
        return None, i
    unit = _unit_at(k, j)
    return (value + unit[0], j + unit[1]) if unit else (value, j)


def number_at(k: str, i: int, junk: int = 0) -> tuple[str | None, int]:
    """An agenda number ("4", "4.1") read from key `k` at `i`, after an optional "ที่" and at most
    `junk` misheard letters before it ("วาระกดสอง")."""
    for skip in range(junk + 1):
        j = i + skip
        if k.startswith(_THI, j):
            j += len(_THI)
        major, j = _part_at(k, j)
        if major is not None:
            break
    else:
        return None, i
    for sep in (".", _POINT):
        for slip in (0, 1):  # "4อ.1": a letter misheard before the point
            if k.startswith(sep, j + slip) and not k[j:j + slip].isdigit():
                minor, end = _part_at(k, j + slip + len(sep))
                if minor is not None:
                    return f"{major}.{minor}", end
    if junk and major < 10 and re.match(r"[^\d\s]\d(?!\d)", k[j:j + 3]):  # "4บ1": the point itself misheard
        return f"{major}.{k[j + 1]}", j + 2
    slipped = _POINT_MISHEARD.match(k, j) if major < 10 else None
    if slipped:  # "สี่จุกนึ่": "จุด" a letter off, a sub-number after it all the same
        minor, end = _part_at(k, slipped.end())
        if minor is None and k.startswith(_ONE_CUT, slipped.end()):
            minor, end = 1, slipped.end() + len(_ONE_CUT)
        if minor is not None and minor < 10:
            return f"{major}.{minor}", end
    return str(major), j


# "จุด" heard a letter off ("จุก", "จุต", "ฉุด"), and "หนึ่ง" cut short ("นึ่"): read so only between numbers
_POINT_MISHEARD = re.compile(r"จุ[ก-ฮ]|[ชฉ]ุด")
_ONE_CUT = fuzzy.phrase_key("นึ")


# --------------------------------------------------------------------------------------------
# Agenda cues (data)

# Words that open an item when a number follows: "ระเบียบวาระที่ 4", "วาระ 4.1", "เรื่องที่ 4.1".
_NUMBERED = ("ระเบียบวาระที่", "ระเบียบวาระ", "วาระที่", "วาระ")
# "เรื่องที่ 2" opens an item only after an introducer or a sub-number ("เรื่องที่ 4.1").
_INTRODUCERS = (
    "ต่อไปเป็น", "ต่อไปก็เป็น", "ต่อไปจะเป็น", "ต่อไป", "ขอเข้าสู่", "เข้าสู่", "มาที่", "มาถึง", "ไปที่", "ขยับไป",
    "ไปต่อที่", "ไปต่อ", "เข้า", "เอา", "มา", "ไป", "กลับมาที่", "กลับมา", "ขอนำ", "นำ", "แล้วก็", "ต่อมา", "ถัดมา",
    "ต่อเลย", "ถัดไป",
)
_ANCHOR = fuzzy.phrase_key("ระเบียบวาระ")
_LOOSE_INTRO = tuple(map(fuzzy.phrase_key, ("ขอเข้าสู่", "เข้าสู่", "ต่อไปเป็น")))
# Transitions that open the next item without a number (meaning: "1" the first, "next", "other").
_TRANSITIONS: tuple[tuple[str, str], ...] = (
    ("เรื่องแรก", "1"), ("วาระแรก", "1"), ("ประเด็นแรก", "1"), ("เอาเรื่อง", "1"), ("ตัวแรก", "1"),
    # the chair's own news opens the first item ("แจ้งก่อนสองเรื่อง", "ผมแจ้งก่อนสั้นๆ"): only before any item
    ("แจ้งก่อน", "1"), ("ผมขอแจ้ง", "1"), ("ขอแจ้งให้ทราบ", "1"),
    ("ข้อสอง", "sub2"), ("ข้อสาม", "sub3"), ("ข้อสุดท้าย", "sublast"),
    ("เรื่องถัดไป", "next"), ("เรื่องต่อไป", "next"), ("วาระถัดไป", "next"), ("วาระต่อไป", "next"),
    ("ประเด็นถัดไป", "next"), ("ประเด็นต่อไป", "next"), ("ขยับไปเรื่อง", "next"), ("ขยับไปที่เรื่อง", "next"),
    ("ไปเรื่องต่อไป", "next"), ("เรื่องสุดท้าย", "next"), ("วาระสุดท้าย", "next"), ("ต่อไปเรื่อง", "next"),
    ("ต่อไปเป็นเรื่อง", "next"), ("ไปที่เรื่อง", "next"), ("มาที่เรื่อง", "next"), ("มาต่อที่เรื่อง", "next"),
    ("มีใครมีเรื่องอื่น", "other"), ("มีเรื่องอื่น", "other"), ("มีอะไรอื่นอีกไหม", "other"),
    ("อื่นอีกไหม", "other"), ("เรื่องอื่นๆ", "other"), ("เรื่องอื่นอื่น", "other"), ("อื่นๆมีไหม", "other"),
    # only once an item has said how many sub-items it holds ("มีสองเรื่อง ... อันแรก ... อันที่สอง")
    ("อันแรก", "sub1"), ("อันที่หนึ่ง", "sub1"), ("ข้อแรก", "sub1"), ("อันที่สอง", "sub2"),
    ("อันที่สาม", "sub3"), ("ข้อที่สอง", "sub2"), ("ข้อที่สาม", "sub3"), ("อันสุดท้าย", "sublast"),
    ("เรื่องสุดท้าย", "sublast"), ("มีใครมีอะไรอีกไหม", "other"),
    # only first in the chair's sentence ("อืม ถัดไป เรื่องที่ค้างมา...", "ต่อเลย รถรับส่ง..."): elsewhere
    # these are "ปีงบประมาณถัดไป", "เชิญต่อเลยครับ"
    ("ถัดไป", "next"), ("ต่อเลย", "next"),
)
_ITEM_WORD = fuzzy.phrase_key("วาระ")
# The last meeting's minutes spoken of ("รายงานครั้งก่อน", "รายงานการประชุมครั้งที่ 2"), as a key.
_LAST_REPORT = re.compile(fuzzy.phrase_key("รายงาน") + ".{0,12}?" + fuzzy.phrase_key("ครั้ง"))
_FIRST_ONLY = {"ถัดไป", "ต่อเลย"}
# A sub-item's number said alone ("4.3 ครับ เชิญ...", "ขอเริ่มที่ 4.1"), not a measure ("4.2 กิโลเมตร").
_BARE_NUMBER_AFTER = re.compile(r"(?:เริ่มที่|ขอเริ่มที่|เรื่องแรก|ต่อไป|ต่อไปเป็น|มาที่|ไปที่|ถัดไป|ครับ|ค่ะ|นะ)\s*$")
_BARE_NUMBER_AFTER_ANY = re.compile(
    rf"(?:ต่อเลย|ต่อไป|ขยับไป|ไปต่อ|มาต่อ|เริ่มที่|ขอเริ่มที่|ต่อที่|ไปที่|มาที่|เรื่องแรก|เรื่องพิจารณา|เรื่องเพื่อพิจารณา|ต่อ)"
    rf"(?=\s*(?:{'|'.join(DIGIT_WORDS[1:])}|สิบ))"
)
_MEASURE = re.compile(r"\s*(?:กิโล|เมตร|ล้าน|บาท|เปอร์เซ็นต์|%|ไร่|ตัน|ลิตร|ชั่วโมง|นาที|เท่า|คะแนน|แสน|หมื่น|พัน|คน|ราย|องศา)")
_PEOPLE = tuple(fuzzy.phrase_key(w) for w in ("ท่าน", "ใคร", "คน", "ผู้ใด", "หน่วยงาน", "หน่วย", "เขต"))
_TRANSITION_SCORE = 0.88  # "ปีงบประมาณถัดไป" is not "วาระถัดไป": transitions may lose one letter at most
# (spoken title, words looked for in a planned title, the title when no agenda was given)
_TITLES: tuple[tuple[str, str, str], ...] = (
    ("เรื่องที่ประธานแจ้ง", "ประธานแจ้ง", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    ("ประธานแจ้ง", "ประธานแจ้ง", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    ("รับรองรายงานการประชุม", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รับรองรายงาน", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รายงานการประชุมครั้งที่แล้ว", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รายงานครั้งที่แล้ว", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รายงานคราวที่แล้ว", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รายงานครั้งก่อน", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("รายงานคราวก่อน", "รับรองรายงาน", "เรื่องรับรองรายงานการประชุม"),
    ("เรื่องสืบเนื่อง", "สืบเนื่อง", "เรื่องสืบเนื่อง"),
    ("เรื่องแจ้งเพื่อทราบ", "เพื่อทราบ", "เรื่องเพื่อทราบ"),
    ("เรื่องเพื่อทราบ", "เพื่อทราบ", "เรื่องเพื่อทราบ"),
    ("เรื่องเพื่อพิจารณา", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องที่ต้องพิจารณา", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องที่ต้องตัดสินใจ", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องหลักที่ต้องตัดสินใจ", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("ส่วนที่ต้องพิจารณา", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องพิจารณา", "เพื่อพิจารณา", "เรื่องเพื่อพิจารณา"),
    ("เรื่องอื่นๆ", "อื่น", "เรื่องอื่น ๆ"),
    ("เรื่องอื่น", "อื่น", "เรื่องอื่น ๆ"),
)
# Before a cue, these make it a reference to an item, not its opening: "ในวาระที่ 1".
_NOT_CUE_AFTER = ("ใน", "ตาม", "ของ", "จาก", "กับ", "เหมือน", "เช่น", "ก่อน", "หลัง", "แทน", "สลับ", "และ",
                  "ประกอบการพิจารณา", "รอ")
# Anywhere before it in the sentence, or just after it: an earlier meeting's item.
_PAST = ("ครั้งที่แล้ว", "ครั้งก่อน", "คราวที่แล้ว", "คราวก่อน", "ครั้งที่ผ่านมา", "เมื่อครั้ง", "ประชุมที่แล้ว")


_OF_PAST = re.compile(rf"\s*(?:นะ|ครับ|ค่ะ|\s)*(?:ของ|ใน|เมื่อ)\s*(?:การประชุม|ที่ประชุม)?\s*(?:{'|'.join(_PAST)})")
_PAST_KEYS = tuple(fuzzy.phrase_key(p) for p in _PAST)
_PAST_REACH = 24  # key letters after a decision's start in which an earlier meeting named makes it that one's
_FUTURE = re.compile(r"(?<!ต่อไป)จะ(?:ขอ)?(?:สลับ|ย้าย|เลื่อน|ยก|พิจารณา|คุย|นำ|เอา|ไป|มี|เป็น)?(?:ใน|ที่|เรื่อง)?\s*$")
_MENTION_KEYS = tuple(fuzzy.phrase_key(w) for w in _NOT_CUE_AFTER)
# A meeting named by its number before the item ("ในการประชุมครั้งที่ห้า วาระที่สี่จุดสอง"): an earlier one's.
_IN_MEETING = tuple(fuzzy.phrase_key(w) for w in (
    "ในการประชุมครั้งที่", "ในที่ประชุมครั้งที่", "ตามที่การประชุมครั้งที่", "ตามที่ประชุมครั้งที่", "จากการประชุมครั้งที่"))
_IN_MEETING_REACH = 60  # letters before the item in which it may be named ("ตามที่การประชุมครั้งที่หกทับสองห้าหกเก้า วาระ...")
# An item asked to be taken first ("ขอเอาวาระสี่จุดสองขึ้นก่อนได้ไหมครับ", "เอาเรื่องแผงค้าขึ้นมาก่อนเลยได้ไหมครับ"):
# a request, not its opening.
# ("วาระที่สาม เรื่องสืบเนื่อง ครั้งนี้ไม่มีนะครับ ข้ามไปเลย" is not: an item announced, with nothing in it)
_WITHDRAWN = re.compile(r"ถอน(?:เรื่อง|วาระ|ออก|ไป)|ขอถอน|ตัดออกจากวาระ|ไม่(?:ต้อง)?(?:นำเข้า|เข้า)?พิจารณา(?:ใน|วัน)")
_WITHDRAWN_REACH = 90  # letters after an item's number in which its withdrawal is said
_SWAP_ASKED = 16  # key letters after the number of an item asked to be swapped, at most, where it is only asked
_SWAP_NOW = re.compile(r"(?:ถ้าอย่างนั้น|ถ้างั้น|งั้น|เพราะฉะนั้น)\s*(?:ฝ่ายเลขา)?\s*(?:จึง)?\s*(?:ขอ)?\s*สลับ")  # done, as agreed
_SWAP_KEYS = tuple(fuzzy.phrase_key("สลับ" + w) for w in ("", "นำ", "เอา", "ยก"))
_FIRST_ASKED = re.compile(r"^.{0,20}?ขึ้น(?:มา)?ก่อน.*(?:ไหม|มั้ย)")


@dataclass
class Cue:
    start: int  # span in the sentence's flat form
    end: int
    number: str | None = None  # "4.1", or None
    meaning: str = ""  # "number", "title", "1", "next", "other"
    words: str | None = None  # title words to match a planned title
    title: str | None = None  # title to use when no agenda was given
    score: float = 1.0
    strong: bool = True  # said as only a presiding speaker says it
    next_only: bool = False  # opens only the item after the current one, and not among announced points
    learned: bool = False  # heard by the learned model alone (pipeline.minutes.learned)
    unsure: bool = False  # a sub-item's number partly misheard, taken in the order heard


def _before(flat: str, start: int) -> str:
    return fuzzy.key(flat[:start])[0]


_INTRO_BEFORE = re.compile(
    "(?:" + "|".join(sorted((re.escape(w) for w in _INTRODUCERS), key=len, reverse=True)) + ")"
    r"(?:ระเบียบวาระ|วาระ|เรื่อง|การ|ที่)*\s*$"
)
_HESITANT = re.compile(r"เอ่อ|อ่า|อืม|เออ|โอเค|ทีนี้|ครับ|ค่ะ|นะ|แล้วก็|\s")
_TITLE_LEADS = tuple(fuzzy.phrase_key(w) for w in ("ระเบียบวาระ", "วาระ", "เรื่อง", "การ", "ที่"))


def _introduced(before: str) -> bool:
    """Whether the key before a title ends with an introducer ("ต่อไปเป็น(เรื่อง)...")."""
    trimmed = True
    while trimmed:
        trimmed = False
        for lead in _TITLE_LEADS:
            if before.endswith(lead):
                before, trimmed = before[: -len(lead)], True
    return before.endswith(tuple(fuzzy.phrase_key(w) for w in _INTRODUCERS))


def _after_decision_or_start(flat: str, start: int) -> bool:
    """Nothing but hesitations before `start`, or a decision just said in the same breath
    ("...ตามที่อนามัยเสนอ ผ่านค่ะ แล้วก็ต่อเลย รถรับส่ง...")."""
    before = flat[:start]
    return not _HESITANT.sub("", before).strip() or decision(before) is not None


def _is_mention(flat: str, cue: Cue) -> bool:
    """"ในวาระที่ 1", "ครั้งที่แล้ว ระเบียบวาระที่สอง", "วาระที่ 2 ของการประชุมครั้งก่อน": no opening."""
    before = _before(flat, cue.start)
    if before.endswith(_MENTION_KEYS):
        return True
    near = fuzzy.key(flat[max(0, cue.start - 25):cue.start])[0]
    if cue.meaning == "number" and _FUTURE.search(flat[max(0, cue.start - 14):cue.start]):
        return True  # "จะขอสลับวาระ 4.2 ...": an announcement of what comes
    if cue.meaning == "number":
        near += fuzzy.key(flat[cue.end:cue.end + 12])[0]
    if _FIRST_ASKED.match(flat[cue.end:]) \
            or before.endswith(_SWAP_KEYS) and len(fuzzy.key(flat[cue.end:])[0]) <= _SWAP_ASKED \
            and not _SWAP_NOW.search(flat[: cue.start]):
        return True  # "ขอเอาวาระสี่จุดสองขึ้นก่อนได้ไหมครับ", "ฝ่ายเลขาจึงขออนุญาตสลับ นำวาระ ๔.๒ ขึ้นพิจารณาก่อนค่ะ"
        # (not "ขอสลับนำวาระ 4.2 ขึ้นก่อน ข้อเสนอให้เอกชน...": the item's title follows, it opens)
    if cue.meaning == "number" and _OF_PAST.match(flat, cue.end):
        return True  # "ตรงวาระสี่จุดหนึ่งของครั้งที่แล้ว ที่บันทึกว่า...": an earlier meeting's item
    if cue.meaning == "number" and _WITHDRAWN.search(flat, cue.end, cue.end + _WITHDRAWN_REACH):
        return True  # "วาระสี่จุดสี่ เรื่องไฟส่องสว่าง ... ขอถอนเรื่องออกไปก่อน": withdrawn, never discussed
    far = fuzzy.key(flat[max(0, cue.start - _IN_MEETING_REACH):cue.start])[0]
    return any(fuzzy.phrase_key(p) in near for p in _PAST) or any(w in far for w in _IN_MEETING)


@lru_cache(maxsize=65536)
def find_cues(flat: str) -> tuple[Cue, ...]:
    """Every agenda cue in a sentence's flat form, in order, without overlaps or mentions."""
    k, where = fuzzy.key(flat)
    inverse = _inverse(where, len(flat))
    found: list[Cue] = []
    for phrase in _NUMBERED:
        for hit in fuzzy.find_all(phrase, flat, (k, where)):
            number, end = number_at(k, inverse[hit.end], junk=2)
            if number is None:
                continue
            found.append(Cue(hit.start, _flat_end(where, end, len(flat)), number, "number", score=hit.score))
    found += _sub_after(flat, k, where, inverse, [c for c in found if "." not in c.number])
    # what is left of "ระเบียบวาระที่ 2" after a bad mishearing ("ระเบียบใครแะที่ 2", "ระเบียบว 4",
    # "ขอเข้าสู่ระเระที่ 3"): digits, or a number after "ที่", with most of the anchor or an introducer before
    for m in re.finditer(rf"{_THI}|(?<![\d.,])\d", k):
        number, end = number_at(k, m.start())
        if number is None:
            continue
        before = k[max(0, m.start() - 12):m.start()]
        anchor = fuzz.partial_ratio(_ANCHOR, before) >= 70 if len(before) >= 4 else False
        if anchor or any(w in before for w in _LOOSE_INTRO):
            start = where[max(0, m.start() - len(before))]
            found.append(Cue(start, _flat_end(where, end, len(flat)), number, "number", score=0.75, strong=False))
    for hit in fuzzy.find_all("เรื่องที่", flat, (k, where)):
        number, end = number_at(k, inverse[hit.start] + len(fuzzy.phrase_key("เรื่อง")))
        introduced = _before(flat, hit.start).endswith(tuple(fuzzy.phrase_key(w) for w in _INTRODUCERS))
        if number is None:
            continue
        stop = _flat_end(where, end, len(flat))
        # "เรื่องที่สอง รับรองรายงาน...": said first and followed by an item's title (a chair's own
        # "เรื่องที่สอง" among his announcements is not followed by one)
        first = not _HESITANT.sub("", flat[: hit.start]).strip()
        titled = first and any(_HESITANT.sub("", flat[stop:]).startswith(spoken) for spoken, _, _ in _TITLES)
        if "." in number or introduced or titled:
            found.append(Cue(hit.start, stop, number, "number", score=hit.score, strong="." in number or introduced))
        elif first or flat.startswith("เลย", stop):  # "เรื่องที่สาม ผลการดำเนินงาน...", "...ละกัน เรื่องที่สองเลยนะ":
            # only as the next item, see _Splitter.locate
            found.append(Cue(hit.start, stop, number, "number", score=hit.score, strong=False, next_only=True))
    # "ต่อเลยสี่จุดสอง เรื่อง...", "สี่ เรื่องพิจารณา สี่จุดหนึ่งก่อน...": a sub-item said in words
    for m in _BARE_NUMBER_AFTER_ANY.finditer(flat):
        number, end = number_at(k, inverse[m.end()])
        if number and "." in number and not _MEASURE.match(flat[_flat_end(where, end, len(flat)):]):
            # the number alone: "เรื่องแรก" or "ต่อเลย" before it is a transition the number then names
            found.append(Cue(m.end(), _flat_end(where, end, len(flat)), number, "number", score=0.9, strong=False))
    for m in re.finditer(r"(?<![\d.,])(\d{1,2})\s*\.\s*(\d{1,2})(?![\d,])", flat):
        before = flat[: m.start()]
        introduced = not before.strip() or _BARE_NUMBER_AFTER.search(before)
        if introduced and not _MEASURE.match(flat[m.end():]):
            found.append(Cue(m.start(), m.end(), f"{int(m[1])}.{int(m[2])}", "number", score=0.9, strong=False))
    for phrase, meaning in _TRANSITIONS:
        for hit in fuzzy.find_all(phrase, flat, (k, where), _TRANSITION_SCORE):
            if phrase.endswith("เรื่อง") and re.match(r"(?:นี้|นั้น|ที่แล้ว|เดิม)", flat[hit.end:]):
                continue  # "ต่อไปเรื่องนี้ต้อง...": this matter, not the next one
            if phrase == "เอาเรื่อง" and "ก่อน" not in flat[hit.end:hit.end + 30]:
                continue  # "เอาเรื่อง X ก่อน" takes X first; "เอาเรื่องนี้ไปคุย" does not
            if phrase.endswith("เรื่อง") and re.match(r"(?:อื่น|เพื่อ|สืบเนื่อง|รับรอง|ประธานแจ้ง|แจ้งเพื่อ)", flat[hit.end:]):
                continue  # "ต่อไปเป็นเรื่องอื่นๆ": the title cue says which
            if phrase.startswith("อื่น") and _before(flat, hit.start).endswith(_PEOPLE):
                continue  # "มีท่านอื่นอีกไหม": anyone else to speak, not any other business
            if phrase in _FIRST_ONLY and (not _after_decision_or_start(flat, hit.start)
                                          or len(fuzzy.key(flat[hit.end:])[0]) < 6):
                continue
            found.append(Cue(hit.start, hit.end, None, meaning, score=hit.score, strong=False,
                             words="อื่น" if meaning == "other" else None,
                             title="เรื่องอื่น ๆ" if meaning == "other" else None))
    for spoken, words, title in _TITLES:
        for hit in fuzzy.find_all(spoken, flat, (k, where)):
            before = _before(flat, hit.start)
            # said alone these words are too common in discussion ("เรื่องอื่นๆ ที่เกี่ยวข้อง"); at the start of
            # the chair's sentence ("เอ่อ รายงานครั้งที่แล้วนะครับ") they open an item if the chair says them
            opening = not _HESITANT.sub("", flat[: hit.start]).strip() and spoken.startswith(("เรื่อง", "รายงาน")) \
                and decision(flat) is None
            if not _introduced(before) and not opening:
                continue
            if flat[hit.start:].startswith("เรื่องนี้"):
                continue  # "เรื่องนี้แจ้งเพื่อทราบ": this matter, heard close to a title
            found.append(Cue(hit.start, hit.end, None, "title", words, title, hit.score, strong=not opening))
    found.extend(_opening_anchor(flat, k, where, inverse))
    found += _sub_after(flat, k, where, inverse, [c for c in found if c.meaning == "title" and c.strong])
    for m in _EN_ITEM.finditer(flat):  # "shall we move to item four point two ..."
        number = m["n"] or str(_EN_NUMBERS[m["w1"].lower()]) + (f".{_EN_NUMBERS[m['w2'].lower()]}" if m["w2"] else "")
        found.append(Cue(m.start(), m.end(), number, "number", score=0.9, strong=False))
    # among overlapping cues the surest, then the longest, then a number before a title
    found.sort(key=lambda c: (-round(c.score, 2), c.meaning != "number", -(c.end - c.start), c.start))
    kept: list[Cue] = []
    for cue in found:
        if not any(c.start < cue.end and cue.start < c.end for c in kept):
            kept.append(cue)
    kept.sort(key=lambda c: c.start)
    cues: list[Cue] = []
    for cue in kept:
        if cues and cue.meaning == "number" and cue.start - cues[-1].end <= 2 \
                and cues[-1].meaning in ("next", "1"):
            cues[-1] = cue  # "เรื่องแรก 4.1 ...": the number says which
            continue
        if cues and cue.meaning in ("title", "other") and cue.words and cue.start - cues[-1].end <= 2 \
                and cues[-1].meaning in ("number", "next", "other", "1"):
            # "วาระที่ 5 เรื่องอื่น ๆ", "เรื่องต่อไป รับรองรายงาน...": one cue, the title named
            cues[-1].words, cues[-1].title = cue.words, cue.title
            cues[-1].strong = cues[-1].strong or cue.strong
            continue
        if _is_mention(flat, cue):
            continue
        cues.append(cue)
    for n, cue in enumerate(cues):  # the introducer belongs to the cue: "ต่อไปเป็นเรื่อง..." is not discussion
        lead = _INTRO_BEFORE.search(flat[: cue.start])
        if lead and (n == 0 or cues[n - 1].end <= lead.start()):
            cue.start = lead.start()
    return tuple(cues)


# What an opening says before the number, for a sentence that starts with one heard too badly for the
# cues above ("คุรระที่ 3", "วะระที 4", "ต่อศปเใครแ 4.2"): the words before the number need only look
# like one of these, when the number comes within the first letters of the sentence.
# "เรื่อง..." only before a sub-item's number: the chair's own "เรื่องที่สอง" is no item.
_OPENERS = tuple(fuzzy.phrase_key(w) for w in (
    "ระเบียบวาระที่", "ระเบียบวาระ", "วาระที่", "วาระ", "ต่อไปวาระที่", "ขอเข้าสู่ระเบียบวาระที่",
    "ต่อไปเป็นระเบียบวาระที่", "เข้าสู่วาระที่",
))
_SUB_OPENERS = _OPENERS + tuple(fuzzy.phrase_key(w) for w in ("เรื่องที่", "ต่อไปเรื่อง", "ต่อไปเรื่องที่"))
_COUNT = fuzzy.phrase_key("มี")  # "วาระนี้มีสองเรื่อง": a count, not a number
_EN_NUMBERS = {w: n for n, w in enumerate("one two three four five six seven eight nine".split(), 1)}
_EN_WORD = "|".join(_EN_NUMBERS)
_EN_ITEM = re.compile(
    rf"(?:^\s*|\b(?:move|moving|go|going|proceed|proceeding|turn|turning|come|coming|next|now|so|okay|ok|let.?s|then)\b.{{0,20}}?\b)(?:agenda\s+)?item\s+(?:is\s+|will\s+be\s+)?(?:number\s+|no\.?\s*)?"
    rf"(?:(?P<n>\d(?:\.\d)?)|(?P<w1>{_EN_WORD})(?:\s+point\s+(?P<w2>{_EN_WORD}))?)\b", re.IGNORECASE)
_OPENER_SIMILARITY = 0.5
_OPENER_REACH = 16  # key letters from the sentence's start to its number, at most
_SENTENCE_LEAD = re.compile(r"(?:เอ่อ|อ่า|อืม|เออ|เอ้า|โอเค|ครับ|ค่ะ|คะ|นะ|แล้วก็|งั้น|ได้|ดี|\s)*")
# between an item's number and its sub-item's (from the number's last letter: its tone mark may follow)
_SUB_LEAD = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*(?:เอ่อ|อ่า|อืม|เลย|ครับ|ค่ะ|คะ|นะ|\s)*")


def _sub_after(flat: str, k: str, where: list[int], inverse: list[int], cues: list[Cue]) -> list[Cue]:
    """A sub-item's number said right after the cue of its item: "เข้าวาระสี่เลยนะ สี่จุดหนึ่ง ...",
    "เข้าเรื่องพิจารณา สี่จุดหนึ่ง ..." (after a number, a sub-item of that number)."""
    found = []
    for cue in cues:
        at = inverse[_SUB_LEAD.match(flat, cue.end).end()]
        number, end = number_at(k, at)
        stop = _flat_end(where, end, len(flat))
        if number and "." in number and (cue.number is None or number.startswith(cue.number + ".")) \
                and not _MEASURE.match(flat[stop:]):
            found.append(Cue(where[at], stop, number, "number", score=cue.score, strong=cue.strong))
        elif cue.number and (beyond := _sub_beyond(flat, k, where, at, cue.number)):
            found.append(beyond)
    return found


_SWAP_SAID = re.compile(r"สลับ|เอา|แต่|อนุญาต|ขอ|ขึ้นก่อน")
_SUB_REACH = 42  # key letters after an item's number within which its first sub-item's may be said


def _sub_beyond(flat: str, k: str, where: list[int], at: int, parent: str) -> Cue | None:
    """The number of a sub-item of `parent` said after the parent's title, its own major number heard
    wrong or lost ("ระเบียบวาระยสี่ เรื่องเพื่อพีจารณานะครับ ยจุดหนื่ง แผนการ..."): weak, a note."""
    for point in re.finditer(_POINT, k[at: at + _SUB_REACH]):
        i = at + point.start()
        # the major number said right before the point, if any
        before = next((value for value, end in (_part_at(k, j) for j in range(max(at, i - 3), i)) if end == i), None)
        minor, end = _part_at(k, i + len(_POINT))
        if minor is None and k.startswith(_ONE_CUT, i + len(_POINT)):  # "นึ่ง"
            minor, end = 1, i + len(_POINT) + len(_ONE_CUT)
        stop = _flat_end(where, end, len(flat))
        if minor is None or not 1 <= minor <= 9 or before is not None and str(before) != parent \
                or _MEASURE.match(flat[stop:]) \
                or _SWAP_SAID.search(flat[where[at] if at < len(where) else len(flat): stop + 12]):
            return None  # "มีสองจุด...", "สี่จุดห้าล้านบาท", "...แต่ขอสลับ เอาสี่จุดสองขึ้นก่อน": not its opening
        return Cue(where[max(at, i - 3)], stop, f"{parent}.{minor}", "number", score=0.7, strong=False)
    return None


def _opening_anchor(flat: str, k: str, where: list[int], inverse: list[int]) -> list[Cue]:
    """An opening at the start of a sentence whose cue words were misheard, found by its number.

    Weak (a note for the reviewer) and only from whoever presides (`strong=False`)."""
    first = inverse[_SENTENCE_LEAD.match(flat).end()]
    number, end = number_at(k, first)  # "สี่จุดหนึ่ง ร่างประกาศ...": a sub-item's number said first
    if number and "." in number and not _MEASURE.match(flat[_flat_end(where, end, len(flat)):]):
        return [Cue(where[first], _flat_end(where, end, len(flat)), number, "number", score=0.9, strong=False)]
    for i in range(first + 2, min(len(k), first + _OPENER_REACH)):
        number, end = number_at(k, i)
        if number is None:
            continue
        major, _, minor = number.partition(".")
        prefix = k[first:i]
        similar = max(fuzzy.Levenshtein.normalized_similarity(prefix, o) for o in (_SUB_OPENERS if minor else _OPENERS))
        stop = _flat_end(where, end, len(flat))
        if 1 <= int(major) <= 9 and (not minor or 1 <= int(minor) <= 9) and similar >= _OPENER_SIMILARITY \
                and not prefix.endswith(_COUNT) and not _MEASURE.match(flat[stop:]):
            return [Cue(where[first], stop, number, "number", score=0.7, strong=False)]
        return []
    return []


def _inverse(where: list[int], length: int) -> list[int]:
    """For each flat index (and the end), the first key index at or after it."""
    inverse = [len(where)] * (length + 1)
    for j in range(len(where) - 1, -1, -1):
        inverse[where[j]] = j
    for i in range(length - 1, -1, -1):
        inverse[i] = min(inverse[i], inverse[i + 1])
    return inverse


def _flat_end(where: list[int], key_end: int, length: int) -> int:
    return where[key_end - 1] + 1 if 0 < key_end <= len(where) else length


_TITLE_END = re.compile(r"(?:ขอเชิญ|เชิญ|ขออนุญาต|ซึ่ง|โดย|ในวาระนี้|วาระนี้|มีสองเรื่อง|มี\s*\d+\s*เรื่อง)")


def _title_after(rest: str) -> str:
    """The title said after a cue's number ("วาระที่ 1 เรื่อง...", "วาระ 4.1 แผนการ... ขอเชิญ..."),
    up to where the chair moves on; the blank marker when none was said."""
    rest = written(rest)
    for spoken, _, title in _TITLES:
        hit = fuzzy.find(spoken, rest)
        if hit and hit.start <= len("เรื่อง"):
            session = re.match(r"\s*ครั้งที่\s*[\d/]+", rest[hit.end:])  # "รับรองรายงานการประชุม ครั้งที่ 3/2569"
            return title + (session.group().strip() if session else "")
    end = _TITLE_END.search(rest)
    title = rest[: end.start()].strip() if end else rest
    return title if len(title) >= 4 else BLANK


# --------------------------------------------------------------------------------------------
# Resolutions (data)

RESOLUTION_VERBS = "(?:รับทราบ|เห็นชอบ|อนุมัติ|รับรอง|เห็นด้วย)"
_VERBS = ("ไม่อนุมัติ", "ไม่เห็นชอบ", "รับทราบ", "เห็นชอบ", "อนุมัติ", "รับรอง", "เห็นด้วย")
# (strength, phrase): the strongest wins, then the latest. 3: the label dictated; 2: the meeting
# as subject of a decision verb, a vote count, a deferral said as decided; 1: a chair's bare verb
# or loose form, which only counts from whoever presides.
_STATED: tuple[tuple[int, str], ...] = (
    (3, "มติที่ประชุม"), (3, "สรุปมติ"), (3, "ที่ประชุมมีมติ"), (3, "ที่ประชุมพิจารณาแล้วมีมติ"), (3, "ที่ประชุมได้มีมติ"),
    *((2, f"ที่ประชุม{v}") for v in _VERBS), *((2, f"ที่ประชุมได้{v}") for v in _VERBS),
    *((2, f"ถือว่า{v}") for v in _VERBS), *((2, f"เป็นอันว่า{v}") for v in _VERBS),
    (2, "ถือว่าผ่าน"), (2, "เป็นอันว่าผ่าน"), (2, "ถือว่าที่ประชุม"), (2, "เป็นอันว่าที่ประชุม"),
    (2, "มีมติ"), (2, "ลงมติ"), (2, "คะแนนเสียง"), (2, "งดออกเสียง"),
    (2, "ที่ประชุมทราบ"), (2, "ถือว่ารายงานผ่าน"), (2, "รับรองรายงานการประชุม"), (2, "ผลการลงคะแนน"),
    (2, "ลงคะแนน"), (2, "ผลคะแนน"), (2, "เป็นเอกฉันท์"), (2, "เสียงข้างมาก"), (2, "ที่ประชุมเลือก"),
    # an expert's or interpreter's English: "the meeting agrees on online training ..."
    *((2, f"the {who} {verb}") for who in ("meeting", "chairman", "chair", "committee")
      for verb in ("agrees", "agreed", "approves", "approved", "notes", "noted", "resolves", "resolved",
                   "selects", "selected")),
    (2, "we are agreed"), (2, "we have agreed"), (2, "it is agreed"),
)
_LOOSE: tuple[str, ...] = (
    "ผ่านตามนี้", "ผ่านนะ", "ก็ผ่าน", "ผ่านไป", "ตามนี้นะ", "ตามนั้นนะ", "โอเคตามนั้น", "ตามนั้น", "ทราบกันแล้ว",
    "ทราบตามนี้", "ทราบตามนั้น", "ผ่านการรับรอง", "ผ่าน", "รับรู้ไว้", "รับรู้ตามนี้", "เดินหน้าตามที่", "ไม่เอานะ", "ตัดไปก่อน",
    "ตกลงตามนี้", "ตกลงตามนั้น", "ตกลงกันตามนี้", "เอาตาม", "approve ตามที่เสนอ", "approve ตามนี้",
    "รับทราบกัน", "เอาตามนี้", "เอาตามนั้น", "ไม่มีใครค้าน", "ไม่มีผู้ใดคัดค้าน", "ไม่มีใครคัดค้าน",
    "เห็นพ้องกันตามนี้", "เห็นพ้องตามนี้", "เห็นพ้องกัน", "ไปตามนี้", "ทราบ",
    *(f"{v}ตามนี้" for v in _VERBS), *(f"{v}ตามที่เสนอ" for v in _VERBS), *_VERBS,
)
_DEFER: tuple[str, ...] = (
    "เลื่อนไปพิจารณา", "เลื่อนการพิจารณา", "เลื่อนไปคุย", "เลื่อนไปประชุม", "เลื่อนเรื่องนี้", "ขอเลื่อน", "ยกไปพิจารณา",
    "ยกไปคุย", "ยกยอดไป", "ไว้คุยกันคราวหน้า", "ไว้คุยกันครั้งหน้า", "ไว้พิจารณาครั้งหน้า", "ขอถอนเรื่อง", "ถอนเรื่อง",
    "พักไว้ก่อน", "พักเรื่องนี้ไว้ก่อน", "ยกกลับมาคุย",
)
# Loose forms a chair says anywhere in the sentence, not only to open his clause: a refusal or a cut.
_ANYWHERE = {"ไม่เอานะ", "ตัดไปก่อน", "เดินหน้าตามที่", "ผ่านตามนี้"}
# A chair's bare "ทราบ" closes what he heard ("แค่นั้น ทราบนะครับ", "ทราบ ปิดประชุม", "ทราบแล้ว ไม่มีอะไรแล้วนะ"):
# at the end of its clause, never "ไม่ทราบ", "ทราบว่า..." or "ได้ทราบ".
_NOTED_AFTER = re.compile(r"(?:แล้ว|กัน|ไว้)?(?:นะ|ครับ|ค่ะ|คะ|\s)*(?:$|\s*(?:ปิด|ไม่มีอะไร|ขอบคุณ|เรื่อง|ต่อ|ไป|เชิญ))")
_NOT_NOTED_AFTER = tuple(fuzzy.phrase_key(w) for w in (
    "ไม่", "รับ", "ยัง", "ได้", "จะ", "ให้", "ว่า", "ผม", "ดิฉัน", "ที่", "เพื่อ", "ขอ", "ทำให้"))
# A request, an opinion or a condition, not a decision: "ขอให้ที่ประชุมรับทราบ", "ผมเห็นชอบ", "ถ้าที่ประชุมอนุมัติ".
_NOT_RESOLUTION_AFTER = (
    "ขอ", "ให้", "เสนอ", "เพื่อ", "โปรด", "จะ", "ต้อง", "ควร", "ถ้า", "หาก", "คิดว่า", "เห็นว่า", "ผม", "ดิฉัน",
    "กระผม", "หนู", "ยัง", "ไม่ได้", "ได้", "กรุณา", "ช่วย", "พร้อม", "ที่", "ซึ่ง",
    "เรื่อง",  # an item's title announced ("ระเบียบวาระที่สสง เรื่องรับรองรายงานการประชุม..."), its number misheard
)
# The same in an expert's English: "if the committee agrees we will proceed with site B".
_CONDITION_EN = re.compile(r"\b(?:if|once|when|unless|whether|until)\s*$", re.IGNORECASE)
# A phrase a deferral is heard in approximately that says something else: "มาประกอบการพิจารณาด้วย" (to
# support the consideration) is not "เลื่อนการพิจารณา".
_NOT_DEFERRAL = re.compile(r"ประกอบการ|ระกอบการ|เพื่อการพิจารณา|ในการพิจารณา")
# What a chair says before a loose or bare decision: "ถ้าไม่มีผู้ใดเห็นเป็นอย่างอื่น ถือว่า...".
_LEAD_IN = re.compile(
    "^(?:โอเค|ค่ะ|ครับ|คะ|นะ|ก็|งั้น|ถ้างั้น|ถ้าอย่างนั้น|ดังนั้น|เพราะฉะนั้น|สรุปว่า|สรุป|ถือว่า|เป็นอันว่า|เรื่องนี้|วาระนี้"
    "|ทุกท่าน|เอ่อ|อ่า|ดีครับ|ดีค่ะ|ได้ครับ|ได้ค่ะ|เพราะงั้น|แล้วก็|ไม่มี|ไม่มีใคร|ตรงนี้|อันนี้|ข้อนี้|ส่วนนี้|\\s"
    "|ผมถือว่า|ดิฉันถือว่า|เรา|แค่นี้|แค่นั้น"
    f"|(?:ระเบียบวาระ|วาระ|เรื่อง)?(?:ที่)?(?:\\d+(?:\\s*\\.\\s*\\d+)?|{NUMWORD}(?:จุด{NUMWORD})?)"
    "|(?:ถ้า|หาก)ไม่มี.{0,40}?(?=ก็|ถือว่า|เป็นอันว่า|งั้น|$))*$"
)
# The end of what precedes a loose decision in the same breath: "...อีกทีหนึ่ง เรื่องนี้ทราบกันแล้วนะ".
_CLAUSE_END = re.compile(
    r"(?:เรื่องนี้|วาระนี้|ตรงนี้|อันนี้|ข้อนี้|ก็|โอเค|งั้น|ถือว่า|เป็นอันว่า|เอาเป็นว่า|นะ|ครับ|ค่ะ|คะ|ตอนนี้|เอางี้|เอาอย่างนี้"
    r"|หลักการ|ในหลักการ|ทุกคน|ทุกท่าน|ตามนั้น|ตามนี้|นอกนั้น|แค่นี้|แค่นั้น"
    r"|รายงาน(?:การประชุม)?\s*(?:ครั้ง|คราว)(?:ที่แล้ว|ก่อน|ที่ผ่านมา|ที่\s*[^\s]{1,15}))\s*$")  # the report approved
_CLOSED = re.compile(r"(?:ตามนี้|ตามที่เสนอ|ไว้ก่อน|ไว้)?(?:นะ)?(?:ครับ|ค่ะ|คะ|จ้ะ|จ้า)?\s*$")
_BLOCKERS = tuple(fuzzy.phrase_key(w) for w in _NOT_RESOLUTION_AFTER)
_WHO_BLOCKERS = tuple(fuzzy.phrase_key(w) for w in ("ผม", "ดิฉัน", "กระผม", "หนู", "ขอ", "ถ้า", "หาก", "ควร", "ต้อง"))
# After the verb in the same sentence: a question, asking for a decision.
_QUESTION = ("ไหม", "มั้ย", "หรือไม่", "หรือเปล่า", "รึเปล่า", "ได้ไหม", "ใช่ไหม", "ยัง")
_BARE = 1
_ASK_TO_NOTE = fuzzy.phrase_key("ขอให้")
_VERB_STARTS = tuple(fuzzy.phrase_key(v)[:3] for v in ("รับทราบ", "เห็นชอบ", "อนุมัติ", "มีมติ", "ไม่อนุมัติ"))
_REQUEST = re.compile(r"ขอให้|ขอเสนอ|เสนอให้|ขอความเห็นชอบ|ขออนุมัติ|เพื่อให้|เพื่อขอ|ขอมติ|ขอความเห็น")
_VOTES = re.compile(r"(?:เห็นด้วย|เห็นชอบ|ไม่เห็นด้วย|งดออกเสียง|คัดค้าน)\s*\d+\s*(?:เสียง|คน|ท่าน)")


@dataclass
class Decision:
    strength: int
    start: int  # where its words start in the sentence's flat form
    kind: str  # "stated", "loose", "deferral"
    score: float


# The previous meeting's report, item 2's subject ("งั้นรายงานครั้งที่แล้วผ่านนะ", "เป็นอันว่ารายงานการประชุม
# ครั้งก่อนผ่านการรับรอง"): approving it is this meeting's decision, not an earlier one's.
_REPORT_OF_PAST = re.compile(
    rf"(?P<report>รายงาน(?:การประชุม)?)\s*(?:ของ)?\s*(?:การประชุม|ที่ประชุม)?\s*(?:{'|'.join(_PAST)})")


def _this_report(flat: str) -> str:
    """`flat` with the earlier meeting named after "รายงาน" blanked out (the same length: offsets hold)."""
    return _REPORT_OF_PAST.sub(lambda m: m["report"] + " " * (len(m.group()) - len(m["report"])), flat)


_PAST_BEFORE = tuple(fuzzy.phrase_key(p) for p in (*_PAST, "เคย", "ไปแล้วเมื่อ"))


def _past(flat: str, start: int) -> bool:
    return _named_past(_this_report(flat), start)


def _named_past(flat: str, start: int) -> bool:
    """An earlier meeting named before `start` in `flat`, its own report already blanked (`_this_report`)."""
    before = _before(flat, start)
    return any(p in before for p in _PAST_BEFORE)


def _asked(flat: str, start: int) -> bool:
    after = fuzzy.key(flat[start:])[0]
    return any(after.endswith(fuzzy.phrase_key(q)) or fuzzy.phrase_key(q + "ครับ") in after
               or fuzzy.phrase_key(q + "คะ") in after for q in _QUESTION)


def _refused(flat: str, start: int, request: bool = True) -> bool:
    """Words at `start` that are no decision: after "ขอ", "ให้", "ผม"... (`_BLOCKERS`), about an earlier
    meeting ("ครั้งที่แล้ว ...", "ที่ประชุมครั้งที่แล้ว..."), asked as a question, or (with `request`)
    asked for: "ขอให้ที่ประชุมพิจารณาเห็นชอบ"."""
    flat = _this_report(flat)
    after = fuzzy.key(flat[start:start + 30])[0][:_PAST_REACH]
    return _before(flat, start).endswith(_BLOCKERS) or _named_past(flat, start) or _asked(flat, start) \
        or any(p in after for p in _PAST_KEYS) \
        or request and _REQUEST.search(flat[max(0, start - 32):start]) is not None


@lru_cache(maxsize=65536)
def decision(flat: str, slack: float | None = None) -> Decision | None:
    """The strongest decision said in a sentence, or None (see the data above).

    With `slack`, a decision verb also counts where it is only that similar to what was heard
    (the last resort for an item in which nothing else was found: see `_resolution`)."""
    k, where = fuzzy.key(flat)
    best: Decision | None = None
    groups = (((s, p) for s, p in _STATED), ((_BARE, p) for p in _LOOSE), ((2, p) for p in _DEFER))
    for kind, group in zip(("stated", "loose", "deferral"), groups, strict=True):
        for strength, phrase in group:
            # a short deferral one letter off is another word ("ถอนเรื่อง" / "ตอนเรื่อง"), and so is English
            # ("the chairman asked" / "agreed")
            strict = 1.0 if kind == "deferral" and len(fuzzy.phrase_key(phrase)) <= 9 or phrase.isascii() \
                or phrase == "ทราบ" else None
            if slack is not None and phrase in _VERBS:
                strict = slack
            for hit in fuzzy.find_all(phrase, flat, (k, where), strict):
                before = _before(flat, hit.start)
                if phrase == "ที่ประชุมรับทราบ" and before.endswith(_ASK_TO_NOTE) \
                        and _CLOSED.match(flat[hit.end:]):
                    # a chair's "ขอให้ที่ประชุมรับทราบไว้นะครับ" closing what he told: noted (presiding only)
                    best = best or Decision(_BARE, hit.start, "loose", hit.score)
                    continue
                # an approximate hit's edge may sit a letter inside the word before ("ผม|เห็นชอบ")
                if _refused(flat, hit.start, request=kind != "deferral") or hit.score < fuzzy.SOUND_ALIKE and any(
                        _before(flat, hit.start + d).endswith(_WHO_BLOCKERS) for d in (1, 2)):
                    continue
                if phrase.isascii() and _CONDITION_EN.search(flat[: hit.start]) \
                        or kind == "deferral" and hit.score < 1.0 and _NOT_DEFERRAL.search(flat[hit.start:hit.end + 2]):
                    continue
                closed = _CLOSED.match(flat[hit.end:]) is not None  # "...ไม่ต้องคิดเยอะ เห็นชอบครับ"
                if "ผ่าน" in phrase and "ผ" not in flat[hit.start:hit.end]:
                    continue  # "ผู้พันนกองเทศกิจ...": "พัน" sounds as "ผ่าน" does, and is a rank or a number
                if phrase == "ทราบ" and (before.endswith(_NOT_NOTED_AFTER) or not _NOTED_AFTER.match(flat, hit.end)):
                    continue
                if phrase == "ผ่านการรับรอง" and "รายงาน" not in flat[: hit.start]:
                    continue  # the report approved, not "แบบนี้ผ่านการรับรองจากวิศวกรแล้ว"
                if phrase == "ผ่าน" and not closed:
                    continue  # "ผ่านไลน์", "ผ่านมา": only "...ตามที่อนามัยเสนอ ผ่านค่ะ" at the end
                if kind == "loose" and phrase not in _ANYWHERE and len(before) > 10 \
                        and not _LEAD_IN.match(flat[: hit.start]) \
                        and not _CLAUSE_END.search(flat[: hit.start]) \
                        and not (closed and (phrase in _VERBS or phrase.startswith("ผ่าน"))):
                    continue  # a bare form opens the chair's clause, after a lead-in at most
                found = Decision(strength, hit.start, kind, hit.score)
                if best is None or (found.strength, -found.start) > (best.strength, -best.start):
                    best = found
    if best is None and slack is not None:
        # the meeting as subject, its verb heard badly but begun right ("ที่ประชุมรับศรผล...")
        for hit in fuzzy.find_all(SUBJECT, flat, (k, where)):
            if fuzzy.key(flat[hit.end:])[0].startswith(_VERB_STARTS) and not _refused(flat, hit.start):
                return Decision(2, hit.start, "stated", min(hit.score, slack))
    return best


_LABEL = re.compile(
    r"^(?:สรุปมติ(?:ของ)?(?:ระเบียบวาระ|วาระ)?(?:นี้|ที่\s*[\d.]+)?|มติที่ประชุม|ถือว่า|เป็นอันว่า|ก็|คือ|ว่า|นะ|ครับ|ค่ะ|คะ|เรื่องนี้|ขอ(?=เลื่อน)|\s)+"
)


def as_resolution(words: str) -> str:
    """Written form of a resolution: its label and particles dropped, "ที่ประชุม" as subject.

    A subject misheard ("ติประชุม"), or one behind a misheard label ("ถืว่าที่ประชุม"), is written
    right: what comes before it in the first few letters is the label, never the decision."""
    words = _LABEL.sub("", words)
    k, where = fuzzy.key(words)
    hit = fuzzy.find(SUBJECT, words, (k, where), min_score=0.75)
    if hit is not None and len(fuzzy.key(words[: hit.start])[0]) <= 6:
        words = SUBJECT + words[hit.end:]
    text = written(words)
    if text and not text.startswith(SUBJECT):
        text = SUBJECT + text
    return text


# --------------------------------------------------------------------------------------------
# Assignments (data)

# The words that hand over a task; a bare "ให้" only at a sentence start or after these.
_ASSIGN = ("มอบหมายให้", "มอบหมาย", "มอบให้", "มอบ", "ฝากให้", "ฝาก", "ขอให้", "รบกวน", "ขอความร่วมมือ", "ให้", "ขอ")
_EXACT_ONLY = {"ให้", "มอบ", "ฝาก", "ขอ"}  # a bare "ขอ" only with a unit right after it ("ขอ JICA ส่งแผนที่...")
_BARE_ASSIGN_AFTER = (
    "และ", "โดย", "จึง", "ก็", "แล้ว", "ทั้งนี้", "พร้อมทั้ง", "เห็นชอบ", "อนุมัติ", "มีมติ", "ตามที่เสนอ", "ครับ", "ค่ะ",
    "คะ", "นะ", "งั้น", "ดังนั้น", "ตามนี้", "เลย", "รับทราบ", "โอเค", "เอ่อ", "อ่า", "อืม", "เอางี้", "อย่างนี้",
)
# "ส่งให้ฝ่ายพัสดุ" sends to, "เพื่อให้กองคลัง" is a purpose: no one is given a task.
_NOT_ASSIGN_AFTER = (
    "ส่ง", "แจ้ง", "เสนอ", "ให้", "เพื่อ", "อยาก", "ต้องการ", "คืน", "ขาย", "โอน", "จ่าย", "มอบ", "ช่วย", "ทำ", "ยื่น",
    "ถาม", "บอก", "ตอบ", "รายงาน", "ส่งต่อ", "เวียน", "ที่", "ซึ่ง",
)
# The work verbs that end the assignee; "ส่ง" but not "ส่งเสริม" (part of agency names).
_ACTION_VERBS = (
    "ดำเนินการ|จัดทำ|จัดส่ง|จัดซื้อ|จัดหา|จัดเตรียม|จัดประชุม|จัด|(?<!ขน)ส่ง(?!เสริม)|ประสาน(?:งาน)?|รวบรวม|ตรวจสอบ"
    "|ติดตาม|ปรับปรุง|ปรับ|แก้ไข|นำเสนอ|เสนอ|รายงาน|สรุป|เตรียม|ทบทวน|(?<!การ)ศึกษา|สำรวจ|แจ้ง|บันทึก|ตรวจ(?!ราชการ)"
    "|ทำ|ดูแล|ดู|เร่ง|หารือ|คุย|ขุด|ลอก|ออก|ร่าง|เขียน|คำนวณ|ปิดรับ|เปิดรับ|ประเมิน|วาง|เก็บ|ติดตั้ง|ซ่อม|อบรม|ประชาสัมพันธ์"
    "|ตั้ง|ขยาย|เพิ่ม|ลด|ยกเลิก|ชี้แจง|เชิญ|นัด|ลงพื้นที่|ทดสอบ|พัฒนา|จ้าง|ขออนุมัติ|ทำหนังสือ"
    "|กำหนด|ยกร่าง|คัดเลือก|เลือก|ประมาณการ|ยืนยัน|เดินดู|เดินสำรวจ|เดินตรวจ|ประกาศ|ติดต่อ|สอบถาม|ติด|แก้|เคลียร์|โพสต์|เตือน|เจรจา|ต่อรอง|ถม|รื้อ|เปลี่ยน|ขอใบเสนอราคา|เวียน|สอบเทียบ|(?<!ผู้)นำ(?!เสนอ)"
    "|อัด(?:เสียง|คลิป|วิดีโอ)|ถ่าย(?:รูป|ภาพ|วิดีโอ)|คิด(?:ตัวเลข|ราคา|ค่า|งบ)|เช็ค|เช็ก|แบ่ง|(?<!ก)พา(?!ะ|ก|ย|น|ร|ง)"
    "|ล้อมรั้ว|กั้นรั้ว|ทาสี|ตีเส้น|ล้าง|ปลูก|เกลา"  # the works a unit is asked for on site, and in a text
)
# Between assignee and task: "ฝากกองคลังช่วยดู", "ให้สำนักการโยธาไปร่วมกันทำ", "รบกวนฝ่ายไอทีรับไป...".
_HELPERS = re.compile(r"(?:ช่วยกัน|ช่วย|รับไป|ไปร่วมกัน|ร่วมกัน|ไปนั่ง|ไป|กลับไป|ลอง|ไล่)+")
_WHO_EXTRA = re.compile(r"^(?:ทาง|ท่าน(?=[ก-ฮ]{4}))|(?:ช่วย|รับไป|ไป|ได้|ด้วย|ทาง|ฝาก)+$")
# What an assignee starts with: a unit or a person.
# Bangkok's fifty districts, as their offices are named ("สำนักงานเขต" + the district).
_DISTRICTS = (
    "พระนคร", "ดุสิต", "หนองจอก", "บางรัก", "บางเขน", "บางกะปิ", "ปทุมวัน", "ป้อมปราบศัตรูพ่าย", "พระโขนง", "มีนบุรี",
    "ลาดกระบัง", "ยานนาวา", "สัมพันธวงศ์", "พญาไท", "ธนบุรี", "บางกอกใหญ่", "ห้วยขวาง", "คลองสาน", "ตลิ่งชัน",
    "บางกอกน้อย", "บางขุนเทียน", "ภาษีเจริญ", "หนองแขม", "ราษฎร์บูรณะ", "บางพลัด", "ดินแดง", "บึงกุ่ม", "สาทร",
    "บางซื่อ", "จตุจักร", "บางคอแหลม", "ประเวศ", "คลองเตย", "สวนหลวง", "จอมทอง", "ดอนเมือง", "ราชเทวี",
    "ลาดพร้าว", "วัฒนา", "บางแค", "หลักสี่", "สายไหม", "คันนายาว", "สะพานสูง", "วังทองหลาง", "คลองสามวา",
    "บางนา", "ทวีวัฒนา", "ทุ่งครุ", "บางบอน",
)
# Bangkok's offices by the abbreviations staff say ("สจส ช่วย..."): the minutes write the full name.
ACRONYMS = {
    "สนป": "สำนักปลัดกรุงเทพมหานคร", "สนพ": "สำนักการแพทย์", "สนอ": "สำนักอนามัย", "สนศ": "สำนักการศึกษา",
    "สนย": "สำนักการโยธา", "สนน": "สำนักการระบายน้ำ", "สสล": "สำนักสิ่งแวดล้อม", "สจส": "สำนักการจราจรและขนส่ง",
    "สนค": "สำนักการคลัง", "สนท": "สำนักเทศกิจ", "สพส": "สำนักพัฒนาสังคม", "สวท": "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว",
    "สปภ": "สำนักป้องกันและบรรเทาสาธารณภัย", "สผม": "สำนักการวางผังและพัฒนาเมือง", "สยป": "สำนักยุทธศาสตร์และประเมินผล",
    "สงป": "สำนักงบประมาณกรุงเทพมหานคร", "กฟน": "การไฟฟ้านครหลวง", "กปน": "การประปานครหลวง",
    # the state agencies that sit in the BMA's working groups
    "กทพ": "การทางพิเศษแห่งประเทศไทย", "รฟม": "การรถไฟฟ้าขนส่งมวลชนแห่งประเทศไทย", "ขสมก": "องค์การขนส่งมวลชนกรุงเทพ",
    "รฟท": "การรถไฟแห่งประเทศไทย", "ททท": "การท่องเที่ยวแห่งประเทศไทย", "สตช": "สำนักงานตำรวจแห่งชาติ",
    "บชน": "กองบัญชาการตำรวจนครบาล", "บกจร": "กองบังคับการตำรวจจราจร", "ปภ": "กรมป้องกันและบรรเทาสาธารณภัย",
    "บชสอท": "กองบัญชาการตำรวจสืบสวนสอบสวนอาชญากรรมทางเทคโนโลยี", "สอท": "กองบัญชาการตำรวจสืบสวนสอบสวนอาชญากรรมทางเทคโนโลยี",
    "สปสช": "สำนักงานหลักประกันสุขภาพแห่งชาติ", "สสส": "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ",
    "กสทช": "สำนักงานคณะกรรมการกิจการกระจายเสียง กิจการโทรทัศน์ และกิจการโทรคมนาคมแห่งชาติ",
    "กฟภ": "การไฟฟ้าส่วนภูมิภาค", "กฟผ": "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย", "กคช": "การเคหะแห่งชาติ",
    "บขส": "บริษัท ขนส่ง จำกัด",
    # Bangkok's central offices, and the state's units named in working groups, by their abbreviations
    "สปท": "สำนักงานปกครองและทะเบียน", "สกจ": "สำนักงานการเจ้าหน้าที่", "สกค": "สำนักงานกฎหมายและคดี",
    "สตน": "สำนักงานตรวจสอบภายใน", "สลป": "สำนักงานเลขานุการปลัดกรุงเทพมหานคร",
    "สลผ": "สำนักงานเลขานุการผู้ว่าราชการกรุงเทพมหานคร", "ขบ": "กรมการขนส่งทางบก", "พอช": "สถาบันพัฒนาองค์กรชุมชน",
    "ศบส": "ศูนย์บริการสาธารณสุข", "พส": "สำนักพัฒนาสังคม", "คพ": "กรมควบคุมมลพิษ", "ปค": "กรมการปกครอง",
}
# Short names of the state's units that would read as the start of common words without their marks
# ("อย" starts "อยาก"): said with them, or whole ("กรมวิทย์ฯ").
_STATE_SHORT = {
    "อย": "สำนักงานคณะกรรมการอาหารและยา", "กรมวิทย์": "กรมวิทยาศาสตร์การแพทย์", "กรมวิทย์ฯ": "กรมวิทยาศาสตร์การแพทย์",
    "ปศุสัตว์": "กรมปศุสัตว์", "กรมปศุ": "กรมปศุสัตว์", "กรมควบคุม": "กรมควบคุมโรค", "กรมปกครอง": "กรมการปกครอง",
    "กรมขนส่ง": "กรมการขนส่งทางบก", "ขนส่งทางบก": "กรมการขนส่งทางบก", "กรมอุตุ": "กรมอุตุนิยมวิทยา",
    "ประปา": "การประปานครหลวง", "การเคหะ": "การเคหะแห่งชาติ", "สำนักงบ": "สำนักงบประมาณกรุงเทพมหานคร",
    "สำนักงบฯ": "สำนักงบประมาณกรุงเทพมหานคร", "การไฟฟ้าฯ": "การไฟฟ้านครหลวง", "การไฟฟ้า": "การไฟฟ้านครหลวง",
    "เนคเทค": "ศูนย์เทคโนโลยีอิเล็กทรอนิกส์และคอมพิวเตอร์แห่งชาติ",
    # the office's name since Bangkok's reorganisation, and the space agency, as said
    "สำนักผังเมือง": "สำนักการวางผังและพัฒนาเมือง", "สำนักผังฯ": "สำนักการวางผังและพัฒนาเมือง",
    **dict.fromkeys(("จิสด้า", "GISTDA", "gistda"), "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (องค์การมหาชน)"),
}
# Universities as chairs say them, after a faculty or alone ("คณะสัตวแพทย์จุฬาฯ").
_UNIVERSITIES = {
    "จุฬาฯ": "จุฬาลงกรณ์มหาวิทยาลัย", "จุฬา": "จุฬาลงกรณ์มหาวิทยาลัย", "มหิดล": "มหาวิทยาลัยมหิดล",
    "ธรรมศาสตร์": "มหาวิทยาลัยธรรมศาสตร์", "เกษตรฯ": "มหาวิทยาลัยเกษตรศาสตร์", "เกษตรศาสตร์": "มหาวิทยาลัยเกษตรศาสตร์",
    "นวมินทร์": "มหาวิทยาลัยนวมินทราธิราช", "นวมินทราธิราช": "มหาวิทยาลัยนวมินทราธิราช",
    "มจธ": "มหาวิทยาลัยเทคโนโลยีพระจอมเกล้าธนบุรี", "สจล": "สถาบันเทคโนโลยีพระจอมเกล้าเจ้าคุณทหารลาดกระบัง",
}
_UNIVERSITIES |= {f"ม.{short}": name for short, name in _UNIVERSITIES.items() if not short.startswith(("ม", "ส"))} | {
    "ม.เกษตร": "มหาวิทยาลัยเกษตรศาสตร์"}
_UNIVERSITY_AFTER = re.compile(
    rf"(?<=\S)\s*(?P<u>{'|'.join(sorted(map(re.escape, _UNIVERSITIES), key=len, reverse=True))})\.?$")
# A person named with the unit he speaks for ("อาจารย์หมอวิไลวรรณทางคณะสัตวแพทย์จุฬาฯ"): the unit is tasked.
_ON_BEHALF = re.compile(r"(?<=\S)\s?ทาง\s?(?=(?:คณะ|กรม|กอง|สำนัก|ศูนย์|สถาบัน|มหาวิทยาลัย|โรงพยาบาล|บริษัท|การ)\S{2})")
# and as heard: "ส" and "ศ" sound alike ("ศปภ. รวบรวมรายชื่อ...")
ACRONYMS |= {"ศ" + a[1:]: name for a, name in ACRONYMS.items() if a.startswith("ส")}


# The foreign experts as chairs call them ("ทีมไจก้า"), as the minutes name them.
_EXPERTS = {f"{team}{name}": "คณะผู้เชี่ยวชาญ JICA" for team in ("", "ทีม", "ทีม ", "คณะ")
            for name in ("ไจก้า", "ไจกา", "JICA", "jica", "เจไอซีเอ")}


_REGIONAL = re.compile(rf"(?P<unit>{'|'.join(ACRONYMS)})\.?\s?เขต\s?(?P<n>\d{{1,2}}|{NUMWORD})")
_OFFICE_OF = re.compile(r"(?P<unit>.+) เขต \d{1,2}")  # a regional office written in full
_POLICE_STATION = re.compile(r"สน\.\s?(?P<name>[ก-๙]{3,}(?:\s?\d)?)")


def _full_name(who: str) -> str:
    """A unit said by its abbreviation ("สจส.", "ทางสพส") written by its full name (a lead and its
    partner each: "สกจ. ร่วมกับสำนักงบ")."""
    if _WITH in who:
        return _WITH.join(map(_full_name, who.split(_WITH)))
    if behalf := _ON_BEHALF.search(who):
        who = who[behalf.end():]
    bare = who.strip().removeprefix("ทาง").rstrip(". ")
    undotted = bare.replace(".", "").replace(" ", "")  # "บก.จร." is บกจร, "บช. สอท." บชสอท
    named = ACRONYMS.get(undotted) or _STATE_SHORT.get(undotted) or _STATE_SHORT.get(bare) or _EXPERTS.get(bare)
    if named:
        return named
    if regional := _REGIONAL.fullmatch(bare):  # "สปสช. เขตสิบสาม": a unit's regional office
        n = regional["n"]
        return f"{ACRONYMS[regional['unit']]} เขต {n if n.isdigit() else word_to_int(n)}"
    if police := _POLICE_STATION.fullmatch(bare):  # "สน. พลับพลาไชยหนึ่ง": a police station by its name
        return f"สถานีตำรวจนครบาล{police['name']}"
    # "คณะสัตวแพทย์จุฬาฯ", "อาจารย์ม.เกษตร": the faculty (or lecturer) of the university written in full (once)
    university = None if any(u in who for u in _UNIVERSITIES.values()) or not who.startswith(("คณะ", "อาจารย์")) \
        else _UNIVERSITY_AFTER.search(who)  # (not "สำนักงานเกษตรฯ": an office of the farm department)
    return f"{who[: university.start()].strip()} {_UNIVERSITIES[university['u']]}" if university else who


_WHO_STARTS = (
    "กอง", "สำนัก", "ฝ่าย", "งาน", "ศูนย์", "กลุ่ม", "ทีม", "หน่วย", "เขต", "นาย", "นาง", "น.ส.", "คุณ", "ท่าน",
    "ผู้อำนวยการ", "ผอ", "เลขา", "ทุก", "อาจารย์", "ดร", "ดอกเตอร์", "ด็อกเตอร์", "ผู้แทน", "เจ้าหน้าที่", "คณะ", "ผู้",
    "เจไอซีเอ", "jica", "JICA", "ไจก้า", "ไจกา",
    "การ", "สถาบัน", "โรงเรียน", "สำนักงาน", "พี่", "น้อง", "นักวิชาการ", "นิติกร", "วิศวกร", "ผู้เชี่ยวชาญ",
    "สถานี", "บริษัท", "ที่ปรึกษา", "กรม", "ฝ่ายเลขา", "ประธาน", "รอง", "ประชาสัมพันธ์", *ACRONYMS,
    "ตำรวจ", "โรงพยาบาล", "รพ.", "องค์การ", "บก.", "บช.", "อย.", "ปศุสัตว์", "มหาวิทยาลัย",  # the state's units
    "จิสด้า", "GISTDA", "สมาคม", "มูลนิธิ",  # and the bodies that work with them
    # Bangkok's offices and districts, as chairs name them without "สำนัก"/"สำนักงานเขต"
    "โยธา", "อนามัย", "เทศกิจ", "พัสดุ", "คลัง", "การโยธา", "การระบายน้ำ", "ระบายน้ำ", "สิ่งแวดล้อม", "การจราจร",
    "พัฒนาสังคม", "พัฒนาชุมชน", "ยุทธศาสตร์", "วัฒนธรรม", "ป้องกันและบรรเทา", "ผังเมือง", "การแพทย์", "การศึกษา",
    "สวน", "ไอที", "นิติการ", "กฎหมาย", "สัตวแพทย์",
    *_DISTRICTS, "ป้อมปราบ",  # (เขตป้อมปราบศัตรูพ่าย, as said short)
)
# Someone else's order reported ("ที่ประชุมจังหวัดให้ทุกอำเภอ..."): not this meeting's assignment.
_REPORTED = re.compile(r"ที่ประชุม|จังหวัด|กระทรวง|ผู้ว่า|ปลัด|ท่าน|สั่ง|นโยบาย|รัฐบาล|ครม|รัฐมนตรี|ซึ่ง")
# "ได้ส่งรายงาน ... ให้ท่านกรรมการ": sent to, not tasked.
_SENT = re.compile(r"ส่ง|แจ้ง|เสนอ|มอบ|คืน|โอน|เวียน|จ่าย")
# "ส่งให้" heard without its tone mark ("สงให้ บก.จร."): sent to whoever follows
_SENT_TO = re.compile(r"(?<![ก-ฮ])ส[่้]?ง$")
# An assignee is a name, not a clause: "กรรมการทางอีเมลแล้วไม่มีท่านใดขอ" is not one ("สมาคมกีฬาว่ายน้ำ" is).
_CLAUSE_IN_WHO = re.compile(r"แล้ว|ไม่|ว่า(?!ย)|ซึ่ง|เพราะ|ถ้า|ครับ|ค่ะ|นะ|จะ|มีใคร|ตามที่|ประชุม")  # "การประชุมครั้งต่อไป..." too
# A message passed on ("ผอเขตฝากมาว่า ... ให้ทุกฝ่าย..."): someone else's request, reported.
_RELAYED = re.compile(r"(?:ฝาก|แจ้ง|สั่ง|บอก)มาว่า")
# The chair taking a task himself, or a message passed on ("ผอเขตฝากมาว่า"): not an assignment here.
_SELF = re.compile(r"^(?:เดี๋ยว|ผม|ดิฉัน|กระผม|เรา|หนู|มา|ไว้|กัน)|(?<!ส)ผม|ดิฉัน")  # (not "สผม.", the city-planning office)
_QUESTION_END = re.compile(r"(?<!ได้)(?<!หน่อยได้)(?:ไหม|มั้ย|หรือไม่|หรือเปล่า|รึเปล่า)$")
_BARE_UNIT = re.compile(r"(?:ทาง)?(?:กอง|สำนัก|สำนักงาน|ฝ่าย|งาน|ศูนย์|กลุ่ม|สถาบัน|ส่วน|หน่วย|กรม|คณะ)")
_JOINED = re.compile(r"(?:ร่วมกับ|กับ|และ|รวมทั้ง|รวมถึง|,)")
_DEADLINE_WORD = re.compile(r"ภายใน|ก่อน|ไม่เกิน")
_DEADLINE_AFTER = re.compile(r"^(?:ครับ|ค่ะ|นะ|แล้วก็|ก็|ขอ|เอา|ให้|ได้|ทำ|เสร็จ|แล้ว|ให้เสร็จ|ให้แล้วเสร็จ|\s)*(?:ภายใน|ก่อน)")
_CAPACITY = re.compile(r"\s*ในฐานะ.*$")
_ASSIGN_LEAD = 8  # key characters before the cue in a sentence that is only an assignment


_WHO_KEYS = tuple(fuzzy.phrase_key(w) for w in _WHO_STARTS)


def _who_like(who: str) -> bool:
    """Whether `who` starts as a unit or a person does ("กอง...", "นาย..."), a letter off at most
    for the longer starts ("ถถาบัน" is "สถาบัน" misheard), or as an abbreviation the tables lack
    ("สปท.", "ขบ.": a few consonants and a dot). Short starts must be the very letters: "ขนส่ง"
    sounds like "คณะ..." but is no committee."""
    k = fuzzy.key(who)[0]
    if who.startswith(_WHO_STARTS) or re.match(r"[A-Za-z]|[ก-ฮ]{2,5}\.", who) or flatten(who) in _written_units():
        return True
    if any(len(w) >= 4 and k.startswith(w) for w in _WHO_KEYS):
        return True
    return any(len(w) >= 4 and fuzzy.Levenshtein.distance(k[: len(w)], w) <= 1 for w in _WHO_KEYS)


def _assign_cues(flat: str) -> list[fuzzy.Hit]:
    k, where = fuzzy.key(flat)
    hits: list[fuzzy.Hit] = []
    for phrase in _ASSIGN:
        for hit in fuzzy.find_all(phrase, flat, (k, where), 1.0 if phrase in _EXACT_ONLY else None):
            if phrase == "ขอ" and not _who_like(flat[hit.end:hit.end + 15].removeprefix("ทาง")[:12]):
                continue
            if phrase == "ให้":
                before = flat[: hit.start].strip()
                unit_next = _who_like(flat[hit.end:hit.end + 12]) and not before.endswith(_NOT_ASSIGN_AFTER) \
                    and not any(h.start < hit.start for h in hits) and not _ADDRESSED.match(before) \
                    and not _REPORTED.search(before[-20:]) and not _SENT.search(before[-45:]) \
                    and not _SENT_TO.search(before)
                if before and not before.endswith(_BARE_ASSIGN_AFTER) and not unit_next:
                    continue
                if hits and _SENT.search(before[-25:]):
                    continue  # "...แล้วส่งแบบที่แก้ไขแล้วให้ฝ่ายเลขา ภายใน...": sent to, within the task before
            if not any(h.start < hit.end and hit.start < h.end for h in hits):
                hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _deadline(task: str, meeting_date: dt.date | None,
              year: MeetingYear | None) -> tuple[str, dt.date | None, re.Match[str] | None]:
    """A task with the deadline said in it: (the task, without the deadline when it gives a date;
    the date; what was said, see `due_date`)."""
    due, said = due_date(task, meeting_date, year)
    if not due:
        return task, due, said
    after = task[said.end():].strip()
    # a few letters after the deadline are a particle misheard ("...สองห้าหกเก้าคใหบ"), not more of the task
    return (task[: said.start()] + (after if len(after) > _PARTICLE_LETTERS else "")).strip(), due, said


_PARTICLE_LETTERS = 5
# A first word alone, no one's name: "การจัดลำดับ..." read as "การ" tasked, "ผลตรวจรอบสอง..." as "ผล"
_NO_ONE = {"การ", "ผู้", "งาน", "ส่วน", "หน่วย", "กลุ่ม", "คณะ", "สำนัก", "กอง", "ฝ่าย", "ผล", "เลื่อน"}
_POLITE_END = re.compile(r"(?:ได้ไหม|ได้มั้ย|ให้หน่อย|หน่อย|ด้วย)+$")
# A task said in Thai, then again in English for the experts: the minutes keep the Thai
_ECHOED = re.compile(r"(?<=[\u0e01-\u0e4e]{8})\s+[A-Za-z][A-Za-z0-9 ,'-]{15,}$")
# The chair asking for objections after a task ("...ภายในสามอาทิตย์ มีใครค้านไหม ไม่มีนะ โอเค"), and none said
_OBJECTIONS_ASKED = re.compile(r"มีใคร(?:จะ)?(?:ค้าน|คัดค้าน|ขัดข้อง|เห็นต่าง|เห็นเป็นอย่างอื่น)")
_NONE_AGAINST = re.compile(
    _OBJECTIONS_ASKED.pattern + r".{0,8}?(?:ไหม|มั้ย)(?:ครับ|คะ|ค่ะ|นะ|\s)*ไม่มี(?:นะ|ครับ|ค่ะ|โอเค|งั้น|\s)*$")


def actions_in(
    flat: str, meeting_date: dt.date | None, notes: list[str], presides: bool = True, year: MeetingYear | None = None
) -> list[tuple[str, str, dt.date | None, float]]:
    """The assignments said in one sentence: (assignee, task, due, how sure).

    A member's "ขอให้เขตประสาน..." is a request to the chair, not an assignment: unless the
    speaker presides (`presides`), only an explicit "มอบหมาย" counts."""
    cues = [c for c in _assign_cues(flat) if (presides or fuzzy.find("มอบหมาย", flat[c.start:c.end]))
            and not _past(flat, c.start) and not _RELAYED.search(flat[: c.start])]
    found: list[tuple[str, str, dt.date | None, float]] = []
    last: list[tuple[str, str, dt.date | None, float]] = []  # the tasks of the cue before
    for n, cue in enumerate(cues):
        stop = cues[n + 1].start if n + 1 < len(cues) else len(flat)
        span = flat[cue.end:stop]
        if last and last[-1][2] is None and _DEADLINE_AFTER.match(span):
            # "...มาประกอบด้วย ขอให้ได้ภายในวันที่สิบห้าธันวา": the deadline of the task just given
            due, _ = due_date(span, meeting_date, year)
            if due:
                found[-len(last):] = [(who, task, due, score) for who, task, _, score in last]
                last = []
                continue
        last = []
        # the first work verb after a whole name ("กองจัดการสิ่งปฏิกูล...": จัดการ is in the name, as is
        # ออกแบบ in "กองสำรวจและออกแบบ": a unit known by its full name is read whole)
        named = _named_length(span)
        m = next((v for v in re.finditer(rf"(?<!ที่)(?:{_ACTION_VERBS})", span)
                  if v.start() >= max(2, named) and not _BARE_UNIT.fullmatch(span[: v.start()].strip())), None)
        helper = next((h for h in _HELPERS.finditer(span)
                       if h.start() >= max(2, named) and not _BARE_UNIT.fullmatch(span[: h.start()].strip())), None)
        cut = min([p for p in (m and m.start(), helper and helper.start()) if p] or [named or len(span)])
        if named and cut > named and _NAME_ENDS.match(span, named):
            # "ขอกรมวิทย์ฯรับตัวอย่าง...": a unit's name the tables know ends where it is written to end
            cut = named
        fronted = _fronted(flat[: cue.start]) if n == 0 and _VERB_FIRST.match(span.lstrip()) else None
        if fronted:  # "ส่วน สจส. ขอให้จัดเจ้าหน้าที่มาตรวจซ้ำ...": the unit named before the cue, the task after it
            span, cut = fronted + " " + span.lstrip(), len(fronted) + 1
            helper = _HELPERS.match(span, cut) or helper
        left = _WHO_LAST.match(span) if n == 0 and not m and not helper else None
        task = re.sub(r"^(?:ส่วน|แล้วก็|แล้ว|ก็|ทีนี้|เรื่อง|\s)+", "", flat[: cue.start]).strip() if left else ""
        if left and _who_like(left["who"].strip()) and len(task) >= 4 and supported(written(task), task):
            # "ส่วนหลักสูตรฉบับละเอียด ฝากทีม JICA ด้วยนะครับ ขอภายในสิบห้าเมษา": the task before, the unit last
            due, _ = due_date(left["rest"], meeting_date, year)
            last = [(_full_name(one), written(task), due, cue.score) for one in _split_who(left["who"].strip())]
            found += last
            continue
        if cut < 2 or cut > 50:
            continue
        who = _WHO_EXTRA.sub("", written(span[:cut], cut=False)).strip()
        who = _CAPACITY.sub("", who).strip() or who  # "สำนักการจราจรและขนส่ง ในฐานะฝ่ายเลขา": the unit
        task_from = helper.end() if helper and helper.start() == cut else cut
        task = re.sub(r"(?:และ|โดย|ด้วย|ด้วยนะ|นะ|เลย)$", "", written(span[task_from:])).strip()
        task = _OBJECTIONS_ASKED.split(task)[0].strip() or task  # "...อีกที มีใครค้านไหม": the call ends the task
        task = _ECHOED.sub("", task)  # "...ภายในวันที่สามสิบกันยา Could you send the template...": said again in English
        if _QUESTION_END.search(task):
            continue  # "...มีใครจะแก้ไขไหม": a question, not a task
        ones = _split_who(who)
        longest = max(len(p) for one in ones for p in one.split(_WITH))
        if not who or who in _NO_ONE or len(task) < 2 or SUBJECT in who or longest > 45 or _SELF.search(who) \
                or _CLAUSE_IN_WHO.search(who) or _HEED.match(who):
            continue
        strong = fuzzy.phrase_key("ให้") != fuzzy.key(flat[cue.start:cue.end])[0]  # ขอให้, มอบหมาย, ฝาก...
        if not _who_like(who) and (cue.score < fuzzy.SOUND_ALIKE or len(who) > (40 if strong else 10)):
            continue
        if not _who_like(who) and fuzzy.phrase_key("ให้") == fuzzy.key(flat[cue.start:cue.end])[0]:
            continue
        task, due, said = _deadline(task, meeting_date, year)
        task = _POLITE_END.sub("", task).strip() or task  # "...ส่งมา ภายในวันที่สามสิบ มิถุนา ได้ไหมครับ": asked politely
        if due and year_misheard(said, year):
            notes.append(f"ปีของกำหนดเวลา \"{said.group()}\" ฟังไม่ชัด จึงใช้ปีของการประชุม โปรดตรวจสอบ")
        elif due and year_assumed(said, meeting_date):
            notes.append(f"กำหนดเวลา \"{said.group()}\" ไม่ได้ระบุปี จึงใช้ปีที่กล่าวถึงในการประชุม โปรดตรวจสอบ")
        # with no date: a relative deadline and no meeting date is kept as said, in the task; else a note
        if not due and said and (meeting_date is not None or said.groupdict().get("month")):
            notes.append(
                f"กำหนดเวลา \"{said.group()}\" แปลงเป็นวันที่ไม่ได้ (ไม่ระบุปีและไม่ทราบวันที่ประชุม"
                " หรือไม่มีวันนี้ในปฏิทิน) โปรดตรวจสอบ"
            )
        # who and what are checked apart: the words between them ("ไปร่วมกัน") are left out of both
        # (the task as written may lose a filler heard inside a word: "ร่างรอะเบียบ" is written "ร่างรเบียบ")
        if not task or not supported(who, flat) \
                or not supported(task, span[task_from:]) and not supported(task, written(span[task_from:])):
            continue
        last = [(_full_name(one), task, due, cue.score) for one in ones]
        found += last
    return found


def _named_length(span: str) -> int:
    """How far into `span` a unit's name the tables know reaches ("ทางสำนักการโยธา...", "กรมวิทย์ฯ..."), or 0."""
    bare = span.lstrip().removeprefix("ทาง").lstrip()
    lead = len(span) - len(bare)
    return next((lead + len(n) for n in _said_names() if bare.startswith(n)), 0)


@lru_cache(maxsize=1)
def _said_names() -> tuple[str, ...]:
    """Full names, and the short names written with a mark that ends them ("อย.", "กรมวิทย์ฯ"), longest first."""
    said = [n for n in _written_units() if n in _UNIT_FLAT or n.endswith(("ฯ", "."))]
    return tuple(sorted(said, key=len, reverse=True))


# Where a known name ends and its task begins: after its mark, or at a work word ("...รับตัวอย่าง")
_NAME_ENDS = re.compile(r"(?<=[ฯ.])|\s*(?:รับ|ไป)")


# A task straight after the handing-over word: "ขอให้ไปร่วมตรวจรับพื้นที่...", "ฝากเดินดูหน่อย...".
_VERB_FIRST = re.compile(rf"(?:{_HELPERS.pattern})?(?:{_ACTION_VERBS}|ร่วม)")


def _fronted(before: str) -> str | None:
    """A unit named at the start of a sentence, before its handing-over word ("ส่วน สจส. ขอให้...",
    "ส่วนกองสัตวแพทย์ ฝาก..."): its name, or None."""
    who = re.sub(r"^(?:แล้วก็|แล้ว|ส่วน|ทาง|\s)+", "", before).strip().rstrip(".")
    if not who or len(who) > 30 or _CLAUSE_IN_WHO.search(who) or _SELF.search(who):
        return None
    return who if who in _written_units() or _unit_written(who)[1] or _who_like(who) else None


_WHO_PATTERN = "|".join(_WHO_STARTS)
_WHO_LAST = re.compile(
    rf"^\s*(?P<who>(?:ทาง)?(?:{_WHO_PATTERN})[^\s]{{0,20}}?(?:\s[A-Za-z]+)?)\s*(?:ช่วย)?(?:ด้วย|หน่อย)(?:นะ)?"
    r"(?:ครับ|ค่ะ|คะ)?\s*(?P<rest>.*)$")


# Asked to heed, not to act: "ขอให้ระวังเรื่องข้อมูลส่วนบุคคลด้วย" ("ส่วน" there starts no unit).
_HEED = re.compile(r"ระวัง|ระมัดระวัง|คำนึง|ตระหนัก|เข้าใจ")
# A chair speaking to a unit: "โยธาช่วยติดไฟ...", "ส่วนฝ่ายพัสดุก็เตรียมร่าง...", "กองสวนช่วยทำแบบป้าย...ได้ไหม".
_ADDRESSED = re.compile(
    r"^(?:แล้วก็|แล้ว|ก็|ส่วน|อ่า|เอ่อ|อืม|งั้น|โอเค|ครับ|ค่ะ|อันนี้|อันนั้น|ทาง|เอางี้|แต่|ฝั่ง|ระหว่างนี้|\s)*"
    rf"(?P<who>(?:{_WHO_PATTERN}|[\u0e01-\u0e4e]{{2,}}).{{0,40}}?)(?:ช่วย|รับไป|(?:ก็|ไป|เอ่อ|อ่า)+(?=(?:{_ACTION_VERBS})))"
)


# A unit by its formal start, asked for help in the middle of a sentence.
_UNIT_ASKED = re.compile(r"(?:กอง|สำนักงานเขต|สำนัก|ฝ่าย|ศูนย์)[\u0e01-\u0e4e]{2,30}?(?:ช่วย|รับไป)")

# A unit named first and its task straight after, with a deadline ("แล้วบางกะปิ ไปวัดพื้นที่ ทำผังแผงใหม่
# มาให้ดูภายในสองอาทิตย์นะครับ", "อนามัยจัดรอบอบรมให้ผู้ค้าให้เสร็จก่อนสิ้นเดือนนี้"): only with the deadline,
# which makes it a task and not a report, and only from whoever presides.
def _addressed_due(name_from: int) -> re.Pattern[str]:
    return re.compile(
        r"^(?:แล้วก็|แล้ว|ก็|ส่วน|อ่า|เอ่อ|อืม|งั้น|โอเค|ครับ|ค่ะ|ทาง|แต่|ฝั่ง|ระหว่างนี้|\s)*"
        rf"(?P<who>(?:{_WHO_PATTERN})[\u0e01-\u0e4e.]{{{name_from},25}}?)\s?(?:ไป|ช่วย)?"
        rf"(?!(?:แจ้ง|รายงาน|บอก|เสนอ|ชี้แจง)(?:มา)?ว่า)(?=(?:{_ACTION_VERBS}|ขอ|วัด|คัด|ประมาณการ))"
    )  # "สำนักงบประมาณแจ้งว่าจะโอนงบ...": a report, not a task


_ADDRESSED_DUE = _addressed_due(0)
# The secretary giving out the next meeting's date, of itself: a notice, not a task
_NOTICE = re.compile(r"(?:ฝ่ายเลขา(?:นุการ)?|เลขา)ฯ?\s?(?:ขอ)?(?:นัด|แจ้ง(?:กำหนด)?(?:การ)?(?:ประชุม|นัด)|แจ้งวัน)")
# a deadline no date is known for, kept in the task as said: "ก่อนประชุมครั้งหน้า"
_NEXT_MEETING = re.compile(r"ก่อน(?:การ|ที่จะ|จะ)?ประชุม(?:ครั้ง|คราว|รอบ)(?:หน้า|ต่อไป|ถัดไป)")
# the same, the unit's name at least three letters past its first word ("กองจัดการคุณภาพน้ำ")
_ADDRESSED_DUE_NAMED = _addressed_due(3)
_LEAD_ONLY = re.compile(r"(?:งั้น|งัน|ถ้างั้น|โอเค|ครับ|ค่ะ|เอ่อ|อ่า|แล้วก็|แล้ว|ก็|ทีนี้|\s)+")

# "ส่วนฝ่ายพัสดุก็เตรียมร่าง...": the chair turning to a unit ("as for ...").
_ASIDE = re.compile(rf"^(?:แล้วก็|ก็|อ่า|เอ่อ|งั้น|โอเค|ครับ|ค่ะ|\s)*ส่วน(?P<who>(?:{_WHO_PATTERN}).{{0,30}}?)ก็")


def addressed(
    flat: str, meeting_date: dt.date | None, said: str = "", year: MeetingYear | None = None
) -> list[tuple[str, str, dt.date | None, float]]:
    """A task put to a unit without a handing-over word (only a presiding speaker's counts):
    at the start of the sentence, or where a phrase of it starts (`said`, the sentence with its
    spaces: "...ต้องดูข้อมูลก่อน  เทศกิจช่วยลงไปดู..."), then with a unit's name."""
    found = _addressed_at(flat, meeting_date, True, year)
    if found or _RELAYED.search(flat):
        return found
    inside = _UNIT_ASKED.search(flat)  # "...หลังที่เป็นโครงเหล็กกองควบคุมอาคารช่วยส่งวิศวกร..."
    if inside and inside.start() > 0:
        found = _addressed_at(flat[inside.start():], meeting_date, False, year)
        if found:
            return found
    for space in re.finditer(r"\s+", said.strip()):
        found = _addressed_at(flatten(said.strip()[space.end():]), meeting_date, False, year)
        if found:
            return found
    return []


def _addressed_at(
    flat: str, meeting_date: dt.date | None, loose: bool, year: MeetingYear | None = None
) -> list[tuple[str, str, dt.date | None, float]]:
    m = _ADDRESSED.match(flat) or _ASIDE.match(flat)
    if m and _LEAD_ONLY.fullmatch(m["who"]):  # "งั้นช่วยพัฒนาสังคมทำตัวเลข...": the unit follows "ช่วย"
        return _addressed_at(flat[m.end():], meeting_date, loose, year)
    if not m and (due_date(flat, meeting_date, year)[1] is not None or _NEXT_MEETING.search(flat)):
        m = _ADDRESSED_DUE.match(flat)
        if m and _BARE_UNIT.fullmatch(m["who"].strip()):  # "กองจัดการคุณภาพน้ำส่ง...": จัดการ is in the name
            m = _ADDRESSED_DUE_NAMED.match(flat) or m
        if m and not _who_like(m["who"]):
            m = None
    if not m:
        return []
    who = _WHO_EXTRA.sub("", written(m["who"], cut=False)).strip()
    who = re.sub(r"\s*(?:ขอให้|ขอ|ให้)$", "", who)  # "ขสมก. ขอให้ ช่วย...": the unit, then its handing-over word
    if not who or SUBJECT in who or _SELF.search(who) or _CLAUSE_IN_WHO.search(who) or len(who) > 30 \
            or re.match(r"(?:และ|ให้|ขอ|ฝาก|มอบ|ใคร|ท่านใด)", who) or _RELAYED.search(flat) \
            or not (_who_like(who) or loose and (len(who) <= 8 or len(who) <= 20 and flat[:m.end()].endswith("ช่วย"))):
        return []
    if not loose and any(who.endswith(u) and who != u for u in _SHORT_UNITS) and not _unit_written(who)[1]:
        return []  # "ทุกยี่สิบห้าเมตร เสริมไฟราว โยธา ไปปรับแบบ...": the unit is the last words, a phrase start later
    task = written(flat[m.end():])
    due, said = due_date(flat[m.end():], meeting_date, year)
    if due and said:
        task = re.sub(re.escape(written(said.group())), "", task).strip()
    task = re.sub(r"(?:ได้ไหม|ได้มั้ย|ให้หน่อย|หน่อย|และ|ด้วย|นะ|เลย)+$", "", task).strip()
    if not task or not supported(who, m["who"]) or not supported(task, flat[m.end():]):
        return []
    return [(_full_name(one), task, due, 0.9) for one in _split_who(who)]


# What the chair asks of a unit named after it: "แล้วขอ timing plan จากทีม JICA ภายในเจ็ดวัน"
_ASKED_FROM = re.compile(
    r"^(?:แล้วก็|แล้ว|ก็|เอ่อ|งั้น|\s)*ขอ(?!ให้|ความ|มติ|อนุญาต|เสนอ|บคุณ|โทษ|แก้)(?P<task>.{2,40}?)\s?จาก"
    rf"(?P<who>(?:ทาง)?\s?(?:{_WHO_PATTERN})[^\s]{{0,20}}?(?:\s[A-Za-z]+)?)(?=\s|ภายใน|ก่อน|$)", re.IGNORECASE)


def _asked_from(flat: str, meeting_date: dt.date | None,
                year: MeetingYear | None) -> list[tuple[str, str, dt.date | None, float]]:
    m = _ASKED_FROM.match(flat)
    if not m or _RELAYED.search(flat):
        return []
    who, task = m["who"].strip(), written(m["task"]).strip()
    due, _ = due_date(flat[m.end():], meeting_date, year)
    if len(task) < 3 or not supported(task, m["task"]) or not _who_like(who):
        return []
    return [(_full_name(who), task, due, 0.9)]


_FORMAL = ("กอง", "สำนัก", "ฝ่าย", "ศูนย์", "เขต", "งาน", "กลุ่ม", "ทีม", "หน่วย", "นาย", "นาง", "น.ส.", "คุณ", "ทุก")


def _split_who(who: str) -> list[str]:
    """"กองคลังกับสำนักการโยธา" -> both, when each side is a unit or a person. "และ" joins two only
    before a formal name ("...และสำนักการโยธา"): it is inside many ("กองสาธารณสุขและสิ่งแวดล้อม").
    "สกจ. ร่วมกับสำนักงบ" is one task, its lead unit with a partner: kept as one, as `_WITH` joins it."""
    pieces = re.split(f"({_JOINED.pattern})", who)
    names, joins = [p.strip() for p in pieces[::2]], pieces[1::2]
    if len(names) < 2 or not all(names):
        return [who]
    def like(name: str) -> bool:  # a unit or person ("ทางสปภ"), or a unit's name heard a letter off ("เขฏดินดดง")
        written_as, heard = _unit_written(name)  # ("เคตพระนคร" sounds as "เขตพระนคร" does: a unit, heard right)
        return _who_like(name.removeprefix("ทาง")) or heard or written_as != _full_name(name)

    merged, partnered = [names[0]], []
    for join, name in zip(joins, names[1:], strict=True):
        apart = like(name) and (join not in ("และ", "รวมทั้ง", "รวมถึง") or name.startswith(_FORMAL))
        if apart:
            merged.append(name)
            partnered.append(join == "ร่วมกับ")
        else:
            merged[-1] += join + name
    if len(merged) < 2 or not all(like(m) for m in merged):
        return [who]
    for n in range(len(partnered) - 1, -1, -1):  # the partner joins its lead's task
        if partnered[n]:
            merged[n:n + 2] = [merged[n] + _WITH + merged[n + 1]]
    return merged


_WITH = " ร่วมกับ"  # a lead unit and its partner in one task, as the minutes write them


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
    opened_at: Segment | None = None
    order: int = -1  # when it was heard, among the items heard
    subs: int = 0  # how many sub-items its opening announced ("มีสองเรื่อง")
    score: float = 1.0  # how sure its opening cue was
    cue_text: str = ""
    notes: list[str] = field(default_factory=list)
    guessed: bool = False  # numbered in the order heard, no number being said
    guess: bool = False  # opened on the learned model's weak guess alone, no number said (see _Splitter.open)
    learned_at: int | None = None  # the segment it was opened in, where only the learned model heard that
    in_english: bool = False  # and that segment was said in English
    implied: bool = False  # opened with its first sub-item heard, itself unannounced
    before: int = -1  # the draft heard before it opened
    weak_at: int | None = None  # the segment it was opened in, where only a weak cue opened it ("เรื่องที่สอง")
    # said to be withdrawn ("วาระสี่จุดสี่ ... ขอถอนออกไปก่อน"): no next item, nor one by its words, nor opened
    # by its number in the sentences that withdraw it
    withdrawn: set[str] = field(default_factory=set)

    @property
    def title_flat(self) -> str:
        return flatten(self.title)


def _planned_index(drafts: list[_Draft], number: str) -> int | None:
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


def _title_words(title: str) -> list[str]:
    generic = {"เรื่อง", "การ", "โครงการ", "แผน", "รายงาน", "ผล", "ที่ประชุม", "พิจารณา", "ทราบ", "ครั้ง"}
    return [w for w in content_words(flatten(title)) if w not in generic and not w.isdigit()]


def _by_content(drafts: list[_Draft], text: str, current: int, prefer: int | None = None) -> int | None:
    """The unheard planned item whose title's words are said in `text`, if one stands out; `prefer`
    if its words are said at all (the next item, after "ต่อเลย": "ต่อเลย เรื่องผลตรวจอาหารกลางวัน รอบแรก" is
    item 3's "ผลการตรวจ...อาหารกลางวัน... รอบที่ 1", not 4.2's "แผนการตรวจ...อาหารกลางวัน รอบที่ 2")."""
    k = fuzzy.key(text)
    scored = []
    for i, d in enumerate(drafts):
        if d.heard or d.withdrawn:
            continue
        words = _title_words(d.title)
        if not words:
            continue
        heard = [w for w in words if fuzzy.find(w, text, k)]
        share = sum(map(len, heard)) / sum(map(len, words))
        if len(heard) >= min(2, len(words)) or share >= 0.5:
            scored.append((share, len(heard), -abs(i - current - 1), i))
    if not scored:
        return None
    if prefer in (i for *_, i in scored):
        return prefer
    scored.sort(reverse=True)
    return scored[0][3]


def _next_planned(drafts: list[_Draft], current: int, meaning: str) -> int | None:
    if meaning == "other":
        return next((i for i in range(len(drafts) - 1, -1, -1) if "อื่น" in drafts[i].title_flat
                     and not drafts[i].heard), None)
    if meaning == "1":
        if not any(d.heard for d in drafts):
            return 0
        # "เรื่องเพื่อพิจารณา มีสองเรื่อง ... เรื่องแรก": the first sub-item of the item just opened
        parent = drafts[current].number if current >= 0 else ""
        first = next((i for i, d in enumerate(drafts) if d.number.startswith(parent + ".")), None)
        return first if first is not None and not drafts[first].heard else None
    start = current + 1
    return next((i for i in range(start, len(drafts)) if not drafts[i].heard and not drafts[i].withdrawn), None)


_ITEM_NUMBER = re.compile(rf"วาระ(?:ที่)?\s*(?P<number>{NUMBER})")


def _withdrawn(transcript: Transcript) -> dict[str, set[str]]:
    """The items said to be withdrawn in a segment ("เรื่องที่สอง วาระสี่จุดสี่ ... ขอถอนเรื่องออกไปก่อน"):
    number -> the segment's sentences (flat) that name it."""
    out: dict[str, set[str]] = {}
    for segment in transcript.segments:
        flat = flatten(segment.text)
        for m in _ITEM_NUMBER.finditer(flat):
            if _WITHDRAWN.search(flat, m.end(), m.end() + _WITHDRAWN_REACH):
                number = spoken_number(m["number"])
                out.setdefault(number, set()).update(
                    f for f in map(flatten, sentences(segment.text))
                    if any(spoken_number(n["number"]) == number for n in _ITEM_NUMBER.finditer(f)))
    return out


_SUB_COUNT = re.compile(rf"มี\s*(?P<n>[2-9]|{UNITS})\s*(?:เรื่อง|รายการ|ประเด็น|วาระ)")


_POINTS = re.compile(r"เรื่องแรก|เรื่องที่หนึ่ง|เรื่องที่\s*1(?![\d.])|ประการแรก")
# The items for consideration named as they open ("เรื่องที่ต้องตัดสินใจ", "เรื่องหลัก"), and the first of them
# taken up by its subject, the floor given ("เรื่องขยาย เป็นยี่สิบเขต เลขาว่ามา", "เอาเรื่อง แอป... ขึ้นก่อน ... เชิญครับ")
_CONSIDER = re.compile(r"พิจารณา|ตัดสินใจ|เรื่องหลัก")
_FIRST_TAKEN = re.compile(r"(?:เอา|มา|ขอเริ่ม(?:ที่)?|เริ่ม(?:ที่|จาก)?)?เรื่อง(?!ที่ต้อง|เพื่อ|อื่น|นี้|ถัดไป|ต่อไป|หลัก)\S{3,}?"
                          r".{0,160}?(?:เชิญ|ว่ามา|ว่าไป|เล่า|ว่าไง)")


class _Splitter:
    """Shares the transcript's sentences out among the drafts, cutting them at accepted cues."""

    def __init__(self, drafts: list[_Draft], planned: bool, presiding: set[str],
                 opens: list[float] | None = None, rulings: list[float] | None = None) -> None:
        self.drafts, self.planned, self.presiding = drafts, planned, presiding
        self.opens = opens  # the learned chance that each segment opens an item (pipeline.minutes.learned)
        self.rulings = rulings  # and that it states a resolution
        self.ruled = False  # the item being heard has had its ruling, as the model hears it
        self.current = -1  # the draft being heard; -1 before the first cue
        self.heard = 0
        self.fresh = 0
        self.opening: list[_Part] = []  # what is heard before the first opening (see `split`)
        self.seg = 0  # the segment being heard
        self.owner: dict[int, int] = {}

    def locate(self, cue: Cue, flat: str, rest: str, speaker: str | None, chance: float) -> int | None:
        """The draft a cue opens, or None when it opens nothing new (`chance`: the learned chance that
        the segment opens an item)."""
        if not cue.strong and self.presiding and speaker not in self.presiding:
            return None
        drafts = self.drafts
        if cue.next_only:  # "เรื่องที่สอง..." first in a sentence: the chair's second point, or the next item
            current = drafts[self.current] if self.current >= 0 else None
            head = next((d for d in drafts if current and d.number == current.number.split(".")[0]), current)
            major = agenda_number(current.number).split(".")[0] if current else "0"
            sub = current.number.split(".") if current else []
            if len(sub) == 2 and sub[1].isdigit() and cue.number == str(int(sub[1]) + 1):
                # "เรื่องที่สอง ..." said first after 4.1: the next sub-item
                cue = replace(cue, number=f"{sub[0]}.{cue.number}", next_only=False)
            elif current is None and cue.number == "2" and chance >= _SURE_OPENING:
                cue = replace(cue, next_only=False)  # the first cue heard, where the model is sure: item 1 unheard
            elif head is not None and head.subs or not major.isdigit() or cue.number != str(int(major) + 1):
                return None
            if current is not None and not flat.startswith("เลย", cue.end) \
                    and any(m for n, p in enumerate(current.parts) for m in _POINTS.finditer(p.flat)
                            if n or _HESITANT.sub("", p.flat[: m.start()]).strip()):
                return None  # "เรื่องแรก ... เรื่องที่สอง ...": the points of the item being heard, not the "เรื่องแรก
                # เลย สี่จุดหนึ่ง" that opened it (and "เรื่องที่
                # สองเลยนะ" moves on: "เรื่องแรกผมแจ้งเฉยๆ นะ ... ก็ทุกหน่วยรับรู้ไว้ละกัน เรื่องที่สองเลยนะ")
        if cue.meaning.startswith("sub"):  # "อันที่สอง" of the sub-items announced: that sub-item's number
            current = drafts[self.current] if self.current >= 0 else None
            parent = current.number.split(".")[0] if current else ""
            head = next((d for d in drafts if d.number == parent), current)
            if cue.meaning == "sub1" and not self.planned and parent.isdigit() and head is not None \
                    and self.fresh <= 0 and not _CONSIDER.search(head.cue_text) and _CONSIDER.search(flat[: cue.start]):
                # "เข้าเรื่องหลักละนะ เรื่องที่ต้องตัดสินใจกันวันนี้มีสองเรื่อง อันแรกคือ...": the items for
                # consideration open, and their first (not a point of the item before)
                parent, head = str(int(parent) + 1), None
                cue = replace(cue, number=f"{parent}.1", meaning="number", strong=False)
                return self.locate(cue, flat, rest, speaker, chance)
            which = str(head.subs) if head is not None and cue.meaning == "sublast" else cue.meaning[3:]
            if head is not None and not head.subs:  # none announced: only the next one in order
                done = sum(1 for d in drafts if d.number.startswith(parent + ".") and d.heard)
                which = str(done + 1) if cue.meaning == "sublast" else which
                if int(which) != done + 1 or not parent.isdigit():
                    return None
            elif head is None or int(which) > head.subs:
                return None
            cue = replace(cue, number=f"{parent}.{which}", meaning="number")
        if cue.number and "." not in cue.number and chance >= _SURE_OPENING and self.current >= 0 \
                and drafts[self.current].number.split(".")[0] == cue.number:
            # "ระเบียบวาระที่สี่จุสาม" while item 4 is heard, where the model is sure an item opens: the next of
            # its sub-items, the rest of the number misheard (not item 4 said again as it opens, unless it
            # announced its sub-items: "...วันนี้มีสามเรื่อง" then "ระเบียบวาระที่สี่ไดหนึ่ง")
            done = sum(1 for d in drafts if d.number.startswith(cue.number + ".") and d.heard)
            head = next((d for d in drafts if d.number == cue.number and d.heard and not d.implied), None)
            if head is not None and not head.guess and (self.fresh <= 0 or head.subs > done):
                # (not over a weak guess: "เริ่มเลยนะครับ" guessed as item 1, then "เอ่อ วาระหนึ่ง" is item 1)
                # the first not heard yet: after 4.2 taken out of order, "กลับมาที่ระเบียบวาระที่สี่จุใครแง" is 4.1
                heard = {d.number for d in drafts if d.heard}
                sub = next(n for n in range(1, done + 2) if f"{cue.number}.{n}" not in heard)
                cue = replace(cue, number=f"{cue.number}.{sub}", unsure=True)
        if self.planned:
            index = None
            guessed = drafts[self.current] if self.current >= 0 else None
            if guessed is not None and guessed.guess and cue.words and not cue.learned \
                    and cue.words in guessed.title_flat and self.reopens(self.current, cue):
                return self.current  # opened on the model's weak guess, its title said now ("มีเรื่องอื่นไหม")
            if cue.number:
                index = _planned_index(drafts, cue.number)
                if index is not None and flat in drafts[index].withdrawn:
                    return None  # named as it is withdrawn
                # a number only the model's opening has is read from a few letters ("ต่อ เรื่องหัวดับเพลิง" as
                # "ห้า"): where the next item's title is said instead, it is the next item
                after = _next_planned(drafts, self.current, "next")
                if cue.learned and after is not None and _by_content(drafts, flat, self.current) == after:
                    index = after
            if index is None and cue.words:
                if cue.meaning == "title" and any(d.heard and cue.words in d.title_flat for d in drafts):
                    return None  # the title of an item already opened, said again
                index = next((i for i, d in enumerate(drafts) if not d.heard and cue.words in d.title_flat), None)
            if index is None and cue.meaning in ("next", "other", "title") and not cue.learned:
                # (what the model alone heard goes in order)
                after = _next_planned(drafts, self.current, "next") if cue.meaning == "next" else None
                index = _by_content(drafts, rest or flat, self.current, after)
            if index is None and cue.meaning in ("1", "next", "other", "title"):
                index = _next_planned(drafts, self.current, cue.meaning)
            if index is None or drafts[index].heard and not (cue.number and self.reopens(index, cue)):
                return None
            return index
        if cue.number:
            major = cue.number.split(".")[0]
            guessed = drafts[self.current] if self.current >= 0 else None
            if guessed is not None and guessed.guessed and guessed.guess and self.reopens(self.current, cue) \
                    and major.isdigit() and int(major) <= int(guessed.number.split(".")[0]) \
                    and not any(d.number == cue.number for d in drafts if d is not guessed):
                # numbered in the order heard on the model's guess, its number said now ("โอเคต่อสี่จุดสองครับ"
                # after a guess numbered 5; a guess numbered 1, then "รายงานครั้งที่สาม...", item 2, is the next)
                guessed.number, guessed.guessed, guessed.notes = cue.number, False, []
                return self.current
            same = next((i for i, d in enumerate(drafts) if d.number == cue.number and not d.guessed), None)
            if same is not None:
                return same if self.reopens(same, cue) or drafts[same].implied and not drafts[same].parts else None
            # an item numbered in the order heard does not hide the numbers said after it
            passed = [int(d.number.split(".")[0]) for d in drafts if d.number.split(".")[0].isdigit() and not d.guessed]
            if passed and int(major) < max(passed) and chance < LEARNED:
                return None  # an earlier item mentioned again (unless the model hears an opening: an item
                # heard with a wrong, higher number before, "ครบ 12 คน" read as item 12, hides no later one)
            if int(major) > max(passed, default=0) + 2 and chance < DOUBTED:
                return None  # a number far ahead where the model hears no opening: a count, not an item
            title = _title_after(rest)
            title = cue.title if title == BLANK and cue.title else title
            if "." in cue.number and not any(d.number == major for d in drafts):
                # "เข้าวาระสี่จุดหนึ่ง", item 4 never announced: it opens too (where it is announced later, there)
                drafts.append(_Draft(major, BLANK, implied=True))
            drafts.append(_Draft(cue.number, title))
            if cue.unsure:
                drafts[-1].notes.append("เลขวาระย่อยฟังไม่ชัด จึงกำหนดตามลำดับที่ได้ยิน โปรดตรวจสอบ")
            return len(drafts) - 1
        current = drafts[self.current] if self.current >= 0 else None
        if cue.meaning == "title" and current is not None and self.fresh > 0 and current.title == BLANK \
                and not cue.strong:
            # "ระเบียบวาระที่ 3 ค่ะ เรื่องเพื่อพิจารณา...": the title of the item just opened (but one moved to,
            # "มาเรื่องที่ต้องตัดสินใจกันวันนี้", is the next item's)
            current.title = cue.title or BLANK
            return None
        if cue.words and any(cue.words in d.title_flat[: len(cue.words) + 12] for d in drafts):
            return None  # an item of that title heard already (its title says so first, not "...ไปอุโมงค์อื่น...")
        current = drafts[self.current] if self.current >= 0 else None
        # "เรื่องเพื่อพิจารณา มีสองเรื่อง ... เรื่องแรก ...": the sub-items of the item just opened
        if current is not None and cue.meaning in ("1", "next"):
            parent = current.number.split(".")[0]
            head = next((d for d in drafts if d.number == parent), current)
            done = sum(1 for d in drafts if d.number.startswith(parent + "."))
            # (or, none announced, the next after a sub-item: "เรื่องแรก ... เรื่องถัดไป ..." is 4.1 then 4.2)
            announced = head.subs and done < head.subs
            if (announced or not head.subs and done and cue.meaning == "next" and "." in current.number) \
                    and (cue.learned or (cue.meaning == "1") == (done == 0)):
                drafts.append(_Draft(f"{parent}.{done + 1}", BLANK, guessed=True))
                drafts[-1].notes.append("เลขวาระย่อยกำหนดตามลำดับที่ได้ยิน โปรดตรวจสอบ")
                return len(drafts) - 1
        if cue.meaning == "1" and current is not None and "." not in current.number and self.fresh > 0 \
                and current.number.isdigit() and int(current.number) > 2 \
                and not any(d.number.startswith(current.number + ".") for d in drafts):
            # "เรื่องเพื่อพิจารณา ... เรื่องแรกเลย ...": the first sub-item of the item just opened (in items 1
            # and 2 "เรื่องแรก" is the chair's first point)
            drafts.append(_Draft(f"{current.number}.1", BLANK, guessed=True))
            drafts[-1].notes.append("เลขวาระย่อยกำหนดตามลำดับที่ได้ยิน โปรดตรวจสอบ")
            return len(drafts) - 1
        if cue.meaning == "1" and drafts:
            return None
        numbers = [int(d.number.split(".")[0]) for d in drafts if d.number.split(".")[0].isdigit()]
        draft = _Draft(str(max(numbers, default=0) + 1), cue.title or BLANK, guessed=True)
        draft.notes.append("เลขวาระกำหนดตามลำดับที่ได้ยิน เพราะไม่ได้ยินเลขวาระ โปรดตรวจสอบ")
        drafts.append(draft)
        return len(drafts) - 1

    def sub_beyond(self, flat: str) -> Cue | None:
        """A sub-item's number, its major number misheard, said first in the sentence after the one
        that opened its item (`_sub_beyond`)."""
        if self.current < 0 or "." in self.drafts[self.current].number:
            return None
        k, where = fuzzy.key(flat)
        cue = _sub_beyond(flat, k, where, _inverse(where, len(flat))[_SENTENCE_LEAD.match(flat).end()],
                          self.drafts[self.current].number)
        return None if cue is None or _is_mention(flat, cue) else cue  # ("สี่จุดสี่ ... ขอถอนไปก่อน")

    def first_taken(self, flat: str, start: int) -> Cue | None:
        """The first item for consideration taken up by its subject as they open, no number said
        (`_FIRST_TAKEN`, from `start`): weak, a note for the reviewer; with the agenda given, `sub_named` finds it."""
        head = self.drafts[self.current] if self.current >= 0 else None
        if head is None or "." in head.number or not head.number.isdigit() or not _CONSIDER.search(head.cue_text) \
                or any(d.number.startswith(head.number + ".") and d.heard for d in self.drafts):
            return None
        m = _FIRST_TAKEN.search(flat, start)
        if m is None:
            return None
        return Cue(m.start(), m.end(), f"{head.number}.1", "number", score=0.7, strong=False)

    def count_subs(self, said: str) -> None:
        """Note how many sub-items an item just opened announces ("มีสองเรื่อง")."""
        m = _SUB_COUNT.search(said)
        if m and self.fresh > 0 and self.current >= 0:
            draft = self.drafts[self.current]
            if "." not in draft.number and not draft.subs:
                draft.subs = word_to_int(m["n"])

    def sub_named(self, flat: str, speaker: str | None) -> int | None:
        """With the agenda given, the sub-item whose title the chair names just after its item opened
        ("ไปเรื่องที่ต้องตัดสินใจกันวันนี้ละ มีสองเรื่อง" then "สวนผักก่อน พี่วันเพ็ญ เล่าเลย": 4.1's "สวนผักชุมชน")."""
        if not self.planned or self.fresh <= 0 or self.current < 0 \
                or self.presiding and speaker not in self.presiding:
            return None
        head = self.drafts[self.current].number
        subs = [i for i, d in enumerate(self.drafts) if d.number.startswith(head + ".")]
        if "." in head or not subs or any(self.drafts[i].heard for i in subs):
            return None
        k = fuzzy.key(flat)
        named = [i for i in subs
                 if any(len(w) >= 4 and fuzzy.find(w, flat, k) for w in _title_words(self.drafts[i].title))]
        return named[0] if len(named) == 1 else None  # one sub-item's words, not "สวนผักกับหัวดับเพลิง"

    def learned_opening(self, seg: int, said: list[str]) -> int | None:
        """Which sentence of segment `seg` the learned model opens an item at when the rules open
        none there (see `split`): none when the model is unsure; else the first in which the rules
        hear a cue they may yet refuse ("วาระที่คุรดสาม" read as item 3 after item 4), the first that
        says the item's number ("ขณะนี้ผู้แทนมาถึงแล้วนะคะ ขอย้อนกลับไปสี่จุดหนึ่ง..."), or the first
        sentence, the second when the first closes the item before ("ก็รับทราบกันไว้นะครับ ทีนี้ ...")."""
        # after the item's ruling the next opening is likelier ("ทราบตามนี้" then "รายงานครั้งที่แล้ว มีแก้ไหม"),
        # and so is the first, while none is heard ("ประธานแจ้ง มีเรื่องเดียวครับ ...")
        threshold = _AFTER_RULING if self.ruled or self.current < 0 else LEARNED
        if self.opens is None or self.opens[seg] < threshold or not said:
            return None
        flats = [flatten(s) for s in said]
        cued = [i for i, f in enumerate(flats) if find_cues(f)]
        numbered = [i for i, f in enumerate(flats) if self.learned_cue(f, 1.0, by_custom=False).number]
        at = (cued or numbered or [1 if len(flats) > 1 and decision(flats[0]) is not None else 0])[0]
        k = fuzzy.key(flats[at])[0]
        if decision(flats[at]) is not None:
            return None  # a decision the rules hear is no opening, whatever the model thinks
        if not cued and _FAREWELL.search(whole := " ".join(flats)) and _ENDS.search(whole):
            return None  # nor is the meeting's close ("ขอบคุณทุกคนนะครับ เจอกันหน้างาน ปิดแล้วนะครับ")
        lead = k[: k.find(_ITEM_WORD)]
        starts = self.opens[seg] >= _SURE_OPENING and len(lead) <= _ITEM_LEAD and _ITEM_WORD in k \
            and not lead.endswith(_MENTION_KEYS)  # "ตามที่รายงานไว้ในวาระที่ 3" names an item, opens none
        if _ITEM_WORD in k and at not in cued and not starts:
            return None  # an item named where the rules hear no cue: a mention ("ตามที่รายงานไว้ในวาระที่ 3"),
            # unless the model is sure and the sentence starts with it ("รเบีอยบวาระที่คุรม เรื่องสืบเนื่อง", its
            # number misheard)
        return at

    def learned_cue(self, flat: str, chance: float, by_custom: bool = True) -> Cue:
        """The cue of an opening only the learned model heard: the item's number when one is said
        near the start and follows the items heard ("เรื่องสามที่ค้างมา", "ทีนี้ สี่จุดสอง"), item 2 where the
        last meeting's minutes are spoken of before it (`by_custom`), else the next."""
        k, where = fuzzy.key(flat)
        majors = [int(d.number.split(".")[0]) for n, d in enumerate(self.drafts)
                  if d.heard and d.number.split(".")[0].isdigit() and not self.reopens(n)]
        last = max(majors, default=0)
        for i in range(min(len(k), _OPENER_REACH)):
            number, end = number_at(k, i)
            if number is None:
                continue
            major = int(number.split(".")[0])
            taken = any(d.heard and d.number == number and not self.reopens(n) for n, d in enumerate(self.drafts))
            if not taken and (major == last + 1 or major == last and "." in number):
                return Cue(0, _flat_end(where, end, len(flat)), number, "number", score=chance, learned=True)
            break
        if by_custom and last <= 1 and _LAST_REPORT.search(k) \
                and not any(d.heard and d.number == "2" for d in self.drafts):
            # "รายงานครั้งก่อน ครั้งที่ 2 ... ใครจะแก้อะไรไหม": the minutes of the last meeting, item 2 by custom
            return Cue(0, 0, "2", "number", score=chance, learned=True)
        return Cue(0, 0, None, "next", score=chance, learned=True)

    def reopens(self, index: int, cue: Cue | None = None) -> bool:
        """Draft `index` was opened on a weak guess and its number is said now: it opens here instead
        ("เริ่มเลยนะครับ" heard as an opening, then "เอ่อวาระหนึ่ง..."; the chair's "ปิดไมค์หน่อยครับ" after a
        ruling, then "โอเคต่อสี่จุดสองครับ"). So does one only the model heard, where the rules' own cue
        (`cue`) follows in the next segment (the chair's "ได้ เอาสี่จุดสองก่อนเลย", then the secretary's
        "วาระที่สี่จุดสอง การนำร่อง...")."""
        draft = self.drafts[index]
        if index == self.current and cue is not None and cue.strong and not cue.learned and cue.number == draft.number \
                and draft.weak_at is not None and 0 < self.seg - draft.weak_at <= _REOPEN_REACH:
            return True  # "เรื่องที่สอง กรมอุตุฯ คาดการณ์..." (the chair's second point), then "ต่อไประเบียบวาระที่สอง"
        if index != self.current or draft.learned_at is None:
            return False
        return draft.guess or cue is not None and not cue.learned and cue.strong \
            and 0 < self.seg - draft.learned_at <= _REOPEN_REACH \
            and not draft.in_english  # (an expert's English opening, then its interpretation: it opened there)

    def open(self, target: int, cue: Cue, segment: Segment, flat: str) -> None:
        """Draft `target` is opened by `cue`, said in `segment`."""
        draft = self.drafts[target]
        head = next((d for d in self.drafts if d.number == draft.number.split(".")[0]), draft)
        if draft.heard and self.reopens(target, cue):  # what was heard since the guess belongs to the draft before
            back = draft.before
            (self.drafts[back].parts if back >= 0 else self.opening).extend(draft.parts)
            draft.parts = []
            self.owner.update({seg: max(back, 0) for seg, owner in self.owner.items() if owner == target})
            if head.opened_at is draft.opened_at:
                head.opened_at = segment
        else:
            draft.before = self.current
        draft.guess = cue.learned and cue.number is None and cue.score < LEARNED
        draft.learned_at = self.seg if cue.learned else None
        draft.weak_at = self.seg if not cue.strong and not cue.learned else None
        draft.in_english = len(re.findall("[A-Za-z]", segment.text)) > len(re.findall("[\u0e01-\u0e4e]", segment.text))
        self.current = target
        if head is not draft and not head.heard:  # 4.1 opened: 4 was too
            head.heard, head.opened_at, head.order, self.heard = True, segment, self.heard, self.heard + 1
        draft.heard, draft.opened_at, draft.order, draft.implied = True, segment, self.heard, False
        self.ruled = False
        draft.score, draft.cue_text = cue.score, flat[cue.start:cue.end]
        self.heard += 1
        self.fresh = 3  # this and the next two sentences may say how many sub-items it has

    def split(self, transcript: Transcript) -> tuple[list[_Part], dict[int, int]]:
        """Returns the parts heard before any cue (the chair's opening) and, for each segment
        index, the draft it belongs to: the draft of its last part, so a segment that closes one
        item and opens the next belongs to the next."""
        self.opening, self.owner = opening, owner = [], {}
        for seg, segment in enumerate(transcript.segments):
            self.seg = seg
            said = sentences(segment.text)
            chance = self.opens[seg] if self.opens is not None else NO_OPINION
            learned_at = self.learned_opening(seg, said)
            opened = False  # an item opened in this segment
            for n_sentence, sentence in enumerate(said):
                flat = flatten(sentence)
                bounds: list[tuple[int, int, bool]] = [(0, self.current, False)]
                cues = find_cues(flat)
                seen = 0
                for n, cue in enumerate(cues):
                    stop = cues[n + 1].start if n + 1 < len(cues) else len(flat)
                    self.count_subs(flat[seen:cue.start])
                    seen = cue.end
                    if chance < DOUBTED and not (cue.meaning == "1" and self.current < 0) \
                            and (not cue.strong or cue.score < fuzzy.SOUND_ALIKE or self.planned and not cue.number):
                        continue  # a loose, approximate or unnumbered cue where the learned model hears no opening
                        # (but "เรื่องแรก" before any item opens the first: "งั้นเริ่มเลยนะ คนครบแล้ว เรื่องแรกผมแจ้ง...")
                    target = self.locate(cue, flat, flat[cue.end:stop], segment.speaker, chance)
                    if target is not None:
                        self.open(target, cue, segment, flat)
                        bounds.append((cue.start, target, True))
                        opened = True
                sub = self.sub_beyond(flat) if opened and len(bounds) == 1 else None
                if sub is None and opened and not self.planned:  # after the cue that opened it, in this sentence
                    sub = self.first_taken(flat, bounds[-1][0] + len(self.drafts[self.current].cue_text)
                                           if len(bounds) > 1 else 0)
                if sub is not None:  # "วาระยสี่ เรื่องเพื่อพีจารณานะครับ | ยจุดหนื่ง แผนการ...": its first sub-item
                    target = self.locate(sub, flat, flat[sub.end:], segment.speaker, chance)
                    if target is not None:
                        self.open(target, sub, segment, flat)
                        bounds.append((sub.start, target, True))
                if n_sentence == learned_at and not opened:  # the model heard an opening the rules did not
                    cue = self.learned_cue(flat, chance)
                    # where the rules refused their own cues (an item said again, a mention) only a new
                    # number said opens one ("วาระที่คุรดสาม" heard as item 3 of 4.3 is 4.3 no longer)
                    target = None if cues and cue.number is None else \
                        self.locate(cue, flat, flat[cue.end:], segment.speaker, chance)
                    if target is not None:
                        self.open(target, cue, segment, flat)
                        bounds = [(0, target, True)]
                        opened = True
                if not opened and (target := self.sub_named(flat, segment.speaker)) is not None:
                    self.open(target, Cue(0, len(flat), None, "title", score=_BY_TITLE, strong=False), segment, flat)
                    bounds = [(0, target, True)]
                    opened = True

                self.count_subs(flat[seen:])
                self.fresh -= 1
                ends = [b[0] for b in bounds[1:]] + [len(flat)]
                for (start, index, is_cue), end in zip(bounds, ends, strict=True):
                    piece = flat[start:end]
                    if not piece.strip():
                        continue
                    text = arabic_digits(sentence) if len(bounds) == 1 else piece
                    part = _Part(seg, segment, text, piece, is_cue)
                    (self.drafts[index].parts if index >= 0 else opening).append(part)
                    owner[seg] = max(index, 0)
            owner.setdefault(seg, max(self.current, 0))
            if self.rulings is not None and self.current >= 0 and self.rulings[seg] >= _SURE_RULING \
                    and (not self.presiding or segment.speaker in self.presiding):
                self.ruled = True
        return opening, owner


NO_OPINION = 0.28  # the chance taken without the learned model: above every doubt (DOUBTED) and below every
# opening it adds (_AFTER_RULING), so it changes nothing
DOUBTED_TASK = 0.05  # below this learned chance no assignment the rules read is kept
DOUBTED_RULING = 0.15  # below this learned chance a loose or misheard decision of the rules is no resolution
DOUBTED = 0.25  # below this learned chance a loose or approximate cue of the rules opens nothing
LEARNED = 0.5  # the learned model's chance from which an opening or a resolution it alone hears is kept
_REOPEN_REACH = 3  # segments after a weak opening in which its number said in full opens the item instead
_SURE_RULING = 0.8  # the chance from which the model hears a segment as the item's ruling
_AFTER_RULING = 0.3  # and the chance from which it opens an item after one, or the first
_BY_TITLE = 0.8  # how sure a sub-item opened by its title's words alone is (a reviewer's note: below fuzzy.WEAK)
_SURE_OPENING = 0.9  # the chance from which a sentence that starts by naming an item opens one, its number unheard
_ITEM_LEAD = _OPENER_REACH  # key letters before "วาระ" in a sentence that starts with it ("ต่อไปเป็นระเบียบวาระ")
_SLACK = 0.7  # how like a decision verb the chair's closing words must be when nothing else was found
_CLOSING = 3  # how many of the chair's last sentences in an item may hold such a decision
_SLACK_WORDS = 7  # letters a decision found so must say besides its subject
_SLACK_SCORE = 0.8  # a decision found so is always a reviewer's note (below fuzzy.WEAK)


def _resolution(draft: _Draft, presiding: set[str],
                chances=None) -> tuple[str, list[int], list[int], float, str] | None:
    """The item's resolution: (written text, segment ids, indices of the parts used, how sure, kind).

    When no decision is heard, the chair's last few sentences are read again for a decision verb
    heard badly ("ลับลอง", "รับทรไหม"); one found so is kept with a low score, as a note."""
    found = _decided(draft, presiding, None, chances=chances)
    if found is None and presiding:
        chair = [i for i, p in enumerate(draft.parts) if not p.cue and p.segment.speaker in presiding]
        found = _decided(draft, presiding, _SLACK, set(chair[-_CLOSING:]), chances)
        if found is not None:
            found = (*found[:3], min(found[3], _SLACK_SCORE), found[4])
    if found is None and presiding:
        found = _summed_up(draft, presiding)
    if found is None and chances is not None:
        found = _learned_resolution(draft, chances)
    return found


# A chair summing up ("สรุปนะครับ เราเดินห้าเขต ตามที่เลขาฯ เสนอ ...") where no decision word is said,
# and what says the summing-up decides nothing ("สรุปนะ ยังไม่ได้ข้อยุติ", "ยังสรุปไม่ได้").
_SUMMING_UP = re.compile(r"สรุป(?:นะ|ก็คือ|ว่า|สั้นๆ|ง่ายๆ)(?:ครับ|ค่ะ|คะ|นะ|\s)*")
_UNSETTLED = re.compile(r"ยังไม่|ไม่ได้ข้อ|สรุปไม่ได้|ยังสรุป|ไว้ก่อน|ค่อยว่ากัน")
_HANDED = re.compile(r"มอบหมายให้|มอบหมาย|ขอให้|ให้|ฝาก|รบกวน")  # before a unit: the tasks start


def _summed_up(draft: _Draft, presiding: set[str]) -> tuple[str, list[int], list[int], float, str] | None:
    """The item's resolution in the chair's summing-up, when no decision word was heard: its words
    up to the first task handed over, as said (a note asks the reviewer to check the wording)."""
    for i in reversed(range(len(draft.parts))):
        part = draft.parts[i]
        m = None if part.cue or part.segment.speaker not in presiding else _SUMMING_UP.search(part.flat)
        if m is None or _ASKED.search(part.flat) or _past(part.flat, len(part.flat)):
            continue
        # what is summed up may be the sentences after it, in the same breath ("ครับ สรุปนะครับ | เราเดินห้าเขต...")
        used = [i, *(j for j in range(i + 1, len(draft.parts))
                     if draft.parts[j].seg == part.seg and not draft.parts[j].cue)]
        rest = " ".join([part.flat[m.end():], *(draft.parts[j].flat for j in used[1:])]).strip()
        if _UNSETTLED.search(rest) or _NO_RESOLUTION.search(rest):
            continue
        handed = [c.start for c in _assign_cues(rest)]
        handed += [h.start() for h in _HANDED.finditer(rest) if _unit_mention().match(rest, h.end())]
        words = rest[: min(handed)] if handed else rest
        text = as_resolution(words)
        if len(text) - len(SUBJECT) >= _SLACK_WORDS and supported(text, rest):
            used = [j for j in used if j == i or rest.find(draft.parts[j].flat) < len(words)]
            return text, [part.segment.id], used, 0.9, "loose"
    return None


# A decision verb or subject said as an opinion or a condition ("ผมเห็นชอบ", "ถ้าที่ประชุมอนุมัติ").
_OPINION = re.compile(rf"(?:ผม|ดิฉัน|กระผม|หนู|ถ้า|หาก|ควร|ต้อง|ขอ)\s*(?:{'|'.join(_VERBS)}|{SUBJECT})")
# A question as said (a tone-folded key would hear "ใหม่" as "ไหม"): "ใครมีข้อสังเกตไหมครับ"
_ASKED = re.compile(r"(?:ไหม|มั้ย|หรือไม่|หรือเปล่า|รึเปล่า|หรือยัง)(?:ครับ|คะ|ค่ะ|นะ|จ๊ะ)*\s*$")


# Said to mean that nothing is resolved ("อันนี้แค่แจ้งไว้ ยังไม่ต้องมีมติอะไร") or settled, unless put off to a
# later meeting ("ยังไม่สรุป ยกไปครั้งหน้า" is deferred).
_NO_RESOLUTION = re.compile(r"ไม่ต้อง(?:มี|ลง)?มติ|ไม่(?:ได้)?มีมติ|ไม่ต้องตัดสิน"
                            r"|(?:ไม่ได้ข้อยุติ|ยังไม่มีข้อยุติ|สรุปไม่ได้|ยังไม่สรุป|ไม่ต้องสรุป)(?!.*(?:ยกไป|เลื่อน|(?:ครั้ง|คราว)หน้า))")


_THANKS = re.compile(r"ขอบคุณ(?:มาก)?|ดี|โอเค|ครับ|ค่ะ|คะ|นะ|[ก-ฮ]?รับ|\s")
_THANKS_LEFT = 4  # letters at most left of thanks heard badly


def _learned_resolution(draft: _Draft, chances) -> tuple[str, list[int], list[int], float, str] | None:
    """The segment the learned model is surest states the item's resolution, as said: the rules
    know none of its words, so the reviewer is asked to write it in the register of minutes. A
    segment more like an assignment than a decision ("ฝากงานบุคคลไปจัดทำ...") is not one, nor is a
    request, a question, an earlier meeting's decision or any decision verb the rules heard and
    refused ("ผมเห็นชอบ", "ถ้าที่ประชุมอนุมัติ ก็จะ..."): the model is for the wordings they do not know."""
    said: dict[int, list[int]] = {}  # segment -> its parts in this item
    for i, p in enumerate(draft.parts):
        if not p.cue:
            said.setdefault(p.seg, []).append(i)

    def spoils(p: _Part) -> bool:  # a segment holding these holds no resolution of its own
        return bool(_REQUEST.search(p.flat) or _past(p.flat, len(p.flat)) or _NO_RESOLUTION.search(p.flat)
                    or actions_in(p.flat, None, []) and not _NONE_AGAINST.search(p.flat))  # (objections asked, none)

    def closes(seg: int, segment: Segment) -> bool:  # nor does the meeting's close with no decision word in it, unless
        # the model is sure ("หมดแล้วนะ เลิก ขอบคุณครับ"; not "...ทุกท่านทราบนะครับ ... เลิกประชุม", "ทรไหมครับ ปิดประชุม")
        text = flatten(segment.text)
        return bool(_ENDS.search(text)) and not _DECIDES.search(text) \
            and (chances[seg, 1] < _SURE_RULING or _FAREWELL.search(text) is not None)

    def ruling(p: _Part) -> bool:  # "ใครมีข้อสังเกตไหมครับ" before "ถ้าไม่มี ผมถือว่าทุกท่านรับทราบ" is no part of it
        return not _ASKED.search(p.flat) and not _OPINION.search(p.flat)

    segments = [(chances[seg, 1], seg) for seg, parts in said.items()
                if chances[seg, 1] >= LEARNED and chances[seg, 1] > chances[seg, 2]
                and not _unsure(draft.parts[parts[0]].segment) and not closes(seg, draft.parts[parts[0]].segment)
                # (nor thanks alone, a letter or two heard besides: "ดี ขอบคุณ ส คทรับ")
                and len(_THANKS.sub("", flatten(draft.parts[parts[0]].segment.text))) > _THANKS_LEFT
                and not any(spoils(draft.parts[i]) for i in parts)
                and any(ruling(draft.parts[i]) for i in parts)]
    if not segments:
        return None
    chance, seg = max(segments)
    used = [i for i in said[seg] if ruling(draft.parts[i])]
    best = used[-1]
    source = " ".join(draft.parts[i].text for i in used)
    text = written(source, cut=False)
    if not text or not supported(text, source):
        return None
    return text, [draft.parts[best].segment.id], used, float(chance), "learned"


_CLOSE_AFTER = re.compile(r"\s*(?:ไม่มีอะไรแล้ว|ขอบคุณ|ปิด(?:การ)?ประชุม|ปิดเลย|เลิกประชุม)(?!.*(?:มติ|เห็นชอบ|อนุมัติ)).*$")
_CLOSES = re.compile(r"ปิด(?:การ)?ประชุม|ขอบคุณ|เลิก|thank you", re.IGNORECASE)
# the meeting's close (not "ขอบคุณค่ะ คือสรุปก็คือ...", a ruling left implicit): "...ออกจากห้องได้เลย เจอกันคราวหน้า",
# "ขอบคุณทุกคนนะครับ เจอกันหน้างาน ปิดแล้วนะครับ"
_ENDS = re.compile(r"ปิด(?:การ)?ประชุม|ปิด(?:แล้ว|เลย)(?:นะ|ครับ|ค่ะ|คะ)*$|เลิก|ออกจากห้อง"
                   r"|เจอกัน(?:ใหม่)?(?:คราว|ครั้ง|เดือน|สัปดาห์|อาทิตย์)หน้า|ไม่มีอะไรแล้ว"
                   r"|(?:วันนี้)?พอแค่นี้")
# "ขอบคุณครับ เจอกันเดือนหน้า", "งั้นวันนี้ พอแค่นี้ ขอบคุณทุกคน": only the close, however sure the model
_FAREWELL = re.compile(r"เจอกัน|พบกัน|ขอบคุณทุก(?:คน|ท่าน)")
_DECIDES = re.compile(r"ทราบ|เห็นชอบ|อนุมัติ|รับรอง|ผ่าน|มติ|เลื่อน|ตามนี้|ตามที่|agree|approve", re.IGNORECASE)


_LAST_WORDS = 14  # characters from a decision word to the end of the chair's segment
_ENDS_WITH_RULING = re.compile(r"(?:แค่นี้|แค่นั้น|เท่านี้)(?:ครับ|ค่ะ|นะ)*(?:รับ)?ทราบ(?:นะ|ครับ|ค่ะ|กัน)*$")


def _decided(draft: _Draft, presiding: set[str], slack: float | None,
             only: set[int] | None = None, chances=None) -> tuple[str, list[int], list[int], float, str] | None:
    heard = []
    parts = draft.parts
    for i, part in enumerate(parts):
        if only is not None and i not in only:
            continue
        found = None if part.cue else decision(part.flat, slack)
        if not found:
            continue
        speaker = part.segment.speaker
        # the chair's last words, heard right, closing what he said ("...ต้องลงให้ถี่ขึ้น แค่นี้ครับ ทราบนะ")
        last_word = slack is None and speaker in presiding and found.score >= fuzzy.EXACT \
            and len(part.flat) - found.start <= _LAST_WORDS \
            and (said := flatten(part.segment.text)).endswith(part.flat) and _ENDS_WITH_RULING.search(said)
        if chances is not None and chances[part.seg, 1] < DOUBTED_RULING and not last_word \
                and (found.kind == "loose" or found.score < fuzzy.WEAK or slack is not None) \
                and not (slack is None and speaker in presiding and _CLOSES.search(part.segment.text)
                         and found.score >= fuzzy.EXACT):
            continue  # a loose or misheard decision word where the model hears no ruling ("เห็นด้วยค่ะ แต่..."),
            # unless it is the chair's as he closes the meeting ("รับทราบครับ ขอบคุณทุกท่าน ปิดประชุมครับ")
        if chances is not None and chances[part.seg, 1] < DOUBTED_RULING and not last_word \
                and (presiding and speaker not in presiding or chances[part.seg, 0] >= _SURE_OPENING):
            continue  # any decision a member says where the model hears no ruling is reported, not ruled
            # ("สวท. แจ้งครับ งานวิ่ง...ผู้จัดงาน ขอเลื่อนออกไป เป็นเดือนมีนาแทน"), and one in what the model is
            # sure opens the next item is its title ("ต่อไปเป็นการรับรองรายงานการประชุม...", its cue misheard)
        # A bare "รับทราบค่ะ" from someone other than whoever presides acknowledges, not resolves.
        if found.strength == _BARE and presiding and speaker and speaker not in presiding:
            continue
        if found.strength == _BARE and not presiding and part.cue:
            continue
        words, used = part.flat[found.start:], [i]
        words = _CLOSE_AFTER.sub("", words) or words  # "ทราบ ปิดประชุม": the meeting's close is no part of it
        # "มติที่ประชุม" said alone: the decision follows in the next sentence
        if not as_resolution(words).removeprefix(SUBJECT).strip() and i + 1 < len(parts) and not parts[i + 1].cue:
            words, used = parts[i + 1].flat, [i + 1]
        # the vote counts said just before the decision ("เห็นด้วย 9 เสียง ... ถือว่าอนุมัติ") belong to it
        if not _VOTES.search(words):
            counts = next((j for j in range(i - 1, max(i - 3, -1), -1)
                           if not parts[j].cue and _VOTES.search(parts[j].flat)), None)
            if counts is not None:
                words, used = words + " " + parts[counts].flat[_VOTES.search(parts[counts].flat).start():], \
                    [*used, counts]
        text = as_resolution(words)
        source = " ".join(parts[j].flat for j in sorted(used, key=lambda j: -1 if j == i else j))
        if not text or not supported(text, source):
            continue
        if slack is not None and (len(text) - len(SUBJECT) < _SLACK_WORDS or "ต้อนรับ" in part.flat):
            continue  # a verb heard badly needs words after it ("ที่ประชุมลา" is a fragment), and is no welcome
        reported = _reported_ruling(parts, i, found, presiding)
        if reported is not None:
            text, used = reported[0] or text, [*used, *reported[1]]
        ids = sorted(dict.fromkeys(parts[j].segment.id for j in used))
        heard.append(((found.strength, i), text, ids, used, found.score, found.kind))
    if not heard:
        return None
    best = max(heard, key=lambda h: h[0])
    # a point put off ("อันนั้น พักไว้ก่อน วันนี้ไม่คุย", "ตลาดนัดพักไว้ก่อน") before the item is decided in a later
    # sentence ("เรื่องนี้ ทราบกันแล้วนะ", "สวนผัก เอา ลุยได้เลย") is only a part of it: the later decision rules
    later = [h for h in heard if best[-1] == "deferral" and h[-1] != "deferral" and h[0][1] > best[0][1]
             and parts[h[0][1]].seg != parts[best[0][1]].seg]
    return (max(later, key=lambda h: h[0]) if later else best)[1:]


def _reported_ruling(parts: list[_Part], i: int, found: Decision, presiding: set[str]) -> tuple[str, list[int]] | None:
    """An interpreter's English report of the chair ("the chairman agrees on five minute data ...")
    restates the chair's summing-up said just before it, in Thai: the resolution was said there. Its
    parts, and their Thai written as the resolution where they hold no assignment (else "")."""
    if not i or not parts[i].flat[found.start:].startswith(("the chairman", "the chair ")):
        return None
    before = [j for j in range(i) if not parts[j].cue and parts[j].seg == parts[i - 1].seg]
    chair = parts[i - 1].segment.speaker
    if not before or chair not in presiding or chair == parts[i].segment.speaker:
        return None
    said = " ".join(parts[j].flat for j in before if not actions_in(parts[j].flat, None, []))
    words = said[said.find("สรุป") + len("สรุป"):] if "สรุป" in said else said
    text = as_resolution(words) if words.strip() else ""
    return (text if text and supported(text, said) else ""), before


# Units a chair names when he hands one a task without any handing-over word the rules know:
# full names, abbreviations, the short names chairs use and districts (each written in full).
# (a short name stays as said, as in `_unit_written`: in a district's meeting "โยธา" is its own ฝ่ายโยธา)
_SHORT_UNITS = {**{w: w for w in _WHO_STARTS[_WHO_STARTS.index("โยธา"):] if w not in _DISTRICTS},
                **ACRONYMS, **{d: f"สำนักงานเขต{d}" for d in _DISTRICTS}}


def _units_said() -> set[str]:
    """Every name a unit is said by: in full, abbreviated or short (_UNIT_FLAT is defined below)."""
    return {*_UNIT_FLAT, *_SHORT_UNITS, "ฝ่ายเลขา"}


@lru_cache(maxsize=1)
def _unit_mention() -> re.Pattern[str]:
    names = {*_unit_prefixes(), "เขต"}  # a district too as "เขตปทุมวัน" ("เทศกิจกับเขตปทุมวัน ไป...")
    return re.compile(r"(?:ทาง)?(?P<who>" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + ")")


_TASK_AFTER = re.compile(rf"^(?:ฯ|\.|\s|นะ|ครับ|ค่ะ|ก็|เนี่ย)*(?:{_HELPERS.pattern})?\s*(?=(?:{_ACTION_VERBS}))")


def _learned_actions(flat: str, meeting_date: dt.date | None, year: MeetingYear | None,
                     chance: float) -> list[tuple[str, str, dt.date | None, float]]:
    """The task in a sentence the learned model hears as an assignment and the rules do not: the
    first unit named right before a work verb ("แล้วบางขุนเทียน ส่งรายชื่อ...", "อนามัยนะครับ ช่วย
    ช่วยตรวจ..."), with any unit joined to it ("เทศกิจกับเขตบางกะปิ ไปลงพื้นที่...")."""
    if _SELF.search(flat[:12]) or _RELAYED.search(flat):
        return []
    first = None  # the unit the sentence starts with, its work verb misheard ("สปภ. รวบรวาตรายชื้อ...")
    for m in _unit_mention().finditer(flat):
        if first is None:
            first = m if not _UNIT_LEAD.sub("", flat[: m.start()]).strip() else False
        if m.start() and flat[: m.start()].endswith(_OBJECT_BEFORE):
            continue  # "...จากเขต ส่งเลขา...": what the task comes from or goes to, not who does it
        names, end = [m["who"]], m.end()
        while (joined := re.match(r"\s*(?:ร่วมกับ|กับ|และ)\s*", flat[end:])) and \
                (other := _unit_mention().match(flat, end + joined.end())):
            names.append(other["who"])
            end = other.end()
        after = _TASK_AFTER.match(flat[end:])
        if after is None:
            continue
        task, due, _ = _deadline(written(flat[end + after.end():]), meeting_date, year)
        if not task or not supported(task, flat[end + after.end():]) or _QUESTION_END.search(task):
            return []
        return [(_SHORT_UNITS.get(n, n), task, due, chance) for n in names]
    if first and chance >= _SURE:
        return _heard_unit_action(flat, meeting_date, year, chance, first)
    return _heard_unit_action(flat, meeting_date, year, chance) if chance >= _SURE else []


_OBJECT_BEFORE = ("จาก", "ของ", "ถึง")


_HEARD_UNIT = 0.8  # how like a unit's name (five key letters or more) what was heard must be
_SURE = 0.8  # the learned chance from which an assignment is kept with its unit heard approximately


@lru_cache(maxsize=1)
def _unit_forms() -> tuple[str, ...]:
    forms = {n for n in _units_said() if n in _UNIT_FLAT or len(fuzzy.phrase_key(n)) >= 4}
    return tuple(sorted(forms, key=lambda n: -len(n)))


def _heard_unit_action(flat: str, meeting_date: dt.date | None, year: MeetingYear | None, chance: float,
                       said: re.Match[str] | None = None) -> list[tuple[str, str, dt.date | None, float]]:
    """A sentence the learned model is sure gives a task whose work verb was heard too badly for
    `_learned_actions` ("รบกวนตลาด งรกชื่...", "อนถมัยทำใครแาชุด..."): the first unit it names,
    approximately (or the one `said` first, exactly: "สปภ. รวบรวาตรายชื้อ..."), and what follows as the task."""
    if said is not None:  # the unit named first, exactly (`_learned_actions`)
        hits = [(said.start(), 0, fuzzy.Hit(said.start(), said.end(), 1.0), said["who"])]
    else:
        k = fuzzy.key(flat)
        # (not the meeting's "ครั้ง" after "ประชุม", which sounds as "คลัง" does: "การประชุมครั้งต่อไป กำหนด...")
        hits = [(h.start, -(h.end - h.start), h, n) for n in _unit_forms()
                for h in fuzzy.find_all(n, flat, k, _HEARD_UNIT if len(fuzzy.phrase_key(n)) >= 5 else None)
                if not flat[: h.start].endswith("ประชุม")]
    if not hits:
        return []
    _, _, hit, name = min(hits, key=lambda x: x[:2])
    if _SELF.search(flat[: hit.start]) or _REPORTED.search(flat[max(0, hit.start - 12): hit.start]):
        return []
    rest = flat[hit.end:].lstrip("ฯ. ")
    task, due, _ = _deadline(written(_HELPERS.sub("", rest[:8], count=1) + rest[8:]).strip(), meeting_date, year)
    if len(task) < 4 or not supported(task, rest):
        return []
    return [(_SHORT_UNITS.get(name, name), task, due, min(chance, fuzzy.WEAK - 0.01))]


def _tasks(flat: str, said: str, meeting_date: dt.date | None, notes: list[str], presides: bool,
           year: MeetingYear | None, chance: float | None) -> list[tuple[str, str, dt.date | None, float]]:
    """The assignments in a sentence: by the rules' handing-over words, by a unit addressed, or (with
    the learned `chance` of a task, None once one was found in the segment) by a unit named before a
    work verb. A second unit turned to in the same breath ("...ส่งมาภายในวันที่ 30 ตุลาคม
    ส่วนสิ่งแวดล้อมช่วยส่งสเปก...") gets its own task, when each half holds one."""
    cut = _second_task(flat) if presides else None
    if cut:
        first = _tasks(flat[: cut[0]], flat[: cut[0]], meeting_date, notes, presides, year, chance)
        second = _tasks(flat[cut[1]:], flat[cut[1]:], meeting_date, notes, presides, year, chance)
        if first and second:
            shared = {due for *_, due, _ in second if due}
            if len(shared) == 1 and not any(due for *_, due, _ in first) \
                    and due_date(flat[: cut[0]], meeting_date, year)[1] is None:
                # "ให้สำนักการโยธาทำแบบ แล้วก็สำนักการจราจรและขนส่งออกแบบป้าย ส่งมาภายในศุกร์หน้า": one deadline, both tasks'
                first = [(who, task, shared.pop(), score) for who, task, _, score in first]
            return first + second
    said_notes: list[str] = []
    found = actions_in(flat, meeting_date, said_notes, presides, year)
    if cut and not first and second and len(second) > len(found):
        return second  # the tasks are all after the turn ("เราเดินห้าเขต...ส่วนจตุจักรให้...แล้วก็สจส...")
    notes += said_notes
    if not found:
        found = _asked_in_english(said or flat, meeting_date, year, presides)
    handed = bool(found)  # with a handing-over word, or asked for in English
    if not found and presides:
        found = addressed(flat, meeting_date, said, year) or _asked_from(flat, meeting_date, year)
    guessed = False
    if not found and presides and chance is not None and chance >= LEARNED:
        found = _learned_actions(flat, meeting_date, year, chance)
        guessed = bool(found)
    if found and not handed and _NOTICE.search(flat):
        return []  # "ฝ่ายเลขาขอนัดวันพฤหัสที่สิบเอ็ด...": the secretary giving out the next date, no one tasked
    if guessed:
        for who, *_ in found:
            notes.append(f"การมอบหมายให้ \"{who}\" จับได้จากถ้อยคำที่ไม่ใช่คำมอบหมายที่รู้จัก โปรดตรวจสอบ")
    written_as = []
    for who, *rest in found:
        names = []
        for one in who.split(_WITH):  # a lead unit and its partner each written
            name, heard = _unit_written(_trimmed(one))
            if heard:
                notes.append(f"ชื่อหน่วยงานที่ได้รับมอบหมาย \"{one}\" ฟังไม่ชัด จึงเขียนเป็น \"{name}\" โปรดตรวจสอบ")
            names.append(name)
        written_as.append((_WITH.join(names), *rest))
    return written_as


# A request made in English, by a foreign expert or to one: "could the public works department send us
# the soil boring logs ... within two weeks", "Morita-san please send us the course outline".
_EN_VERBS = r"(?:send|prepare|provide|share|submit|revise|update|check|give|draft|make|arrange|organi[sz]e)\b"
_EN_ASK = re.compile(
    r"(?:\b(?P<name>[A-Za-z]+)[- ]san\b|\b(?:dr|mr|ms|mrs|doctor)\.?\s+(?P<titled>[A-Za-z]+))?"
    r"[\s,]*(?:(?:ah|so|and)\s+)*"
    r"(?:(?:could|can|would|will)\s+(?:you|the\s+(?P<unit>[a-z ]{3,40}?))\s+(?:please\s+)?|please\s+)"
    rf"(?P<task>{_EN_VERBS}[^.?]*)", re.IGNORECASE)
# Bangkok's offices as the experts call them
_EN_UNITS = {
    "public works": "สำนักการโยธา", "drainage": "สำนักการระบายน้ำ", "traffic": "สำนักการจราจรและขนส่ง",
    "transport": "สำนักการจราจรและขนส่ง", "environment": "สำนักสิ่งแวดล้อม", "health": "สำนักอนามัย",
    "medical": "สำนักการแพทย์", "education": "สำนักการศึกษา", "city planning": "สำนักผังเมือง",
    "urban planning": "สำนักผังเมือง", "finance": "สำนักการคลัง", "budget": "สำนักงบประมาณกรุงเทพมหานคร",
    "social development": "สำนักพัฒนาสังคม", "disaster": "สำนักป้องกันและบรรเทาสาธารณภัย",
    "fire": "สำนักป้องกันและบรรเทาสาธารณภัย", "secretariat": "ฝ่ายเลขานุการ", "district office": "สำนักงานเขต",
}
_EN_DEADLINES = (
    (r"within (?:a|one|1) (week|month|day)s?", {"week": "ภายในหนึ่งสัปดาห์", "month": "ภายในหนึ่งเดือน", "day": "ภายในหนึ่งวัน"}),
    (r"within (two|three|four|five|six|seven|ten|fourteen|thirty|\d+) (weeks|months|days)", None),
    (r"by the end of (this|next) month", {"this": "ภายในสิ้นเดือนนี้", "next": "ภายในสิ้นเดือนหน้า"}),
)
_EN_COUNTS = {"two": "สอง", "three": "สาม", "four": "สี่", "five": "ห้า", "six": "หก", "seven": "เจ็ด", "ten": "สิบ",
              "fourteen": "สิบสี่", "thirty": "สามสิบ"}


def _english_deadline(task: str) -> tuple[str, str | None]:
    """An English deadline at the end of a request, as a Thai chair says it, and the task without it."""
    for pattern, said in _EN_DEADLINES:
        m = re.search(pattern, task, re.IGNORECASE)
        if not m:
            continue
        if said is not None:
            thai = said[m[1].lower()]
        else:
            unit = {"weeks": "สัปดาห์", "months": "เดือน", "days": "วัน"}[m[2].lower()]
            thai = f"ภายใน{_EN_COUNTS.get(m[1].lower(), m[1])}{unit}"
        return task[: m.start()].strip(), thai
    return task, None


def _asked_in_english(said: str, meeting_date: dt.date | None, year: MeetingYear | None,
                      presides: bool) -> list[tuple[str, str, dt.date | None, float]]:
    """A task asked for in English: of a Bangkok office the expert names, or by the chair of an expert he
    names ("Suzuki-san could you send us..."), written as the experts' team. The task is kept as said, in
    English, and is weak: the reviewer writes it in Thai."""
    m = _EN_ASK.search(said)
    if not m:
        return []
    unit = m["unit"] and next((name for en, name in _EN_UNITS.items() if en in m["unit"].lower()), None)
    named = m["name"] or m["titled"]
    if unit is None and not (named and presides):
        return []
    who = unit or _EXPERTS["JICA"]
    task = re.sub(r"\s+(?:krub|ka|na|ครับ|ค่ะ|นะ)\s*$", "", m["task"].strip(), flags=re.IGNORECASE)
    bare, deadline = _english_deadline(task)
    due = due_date(deadline, meeting_date, year)[0] if deadline else None
    task = bare if due else task  # the deadline kept as said when no date is known
    return [(who, task, due, fuzzy.WEAK - 0.05)] if len(task) > 8 else []


# A unit's name heard this like a known one (on the sound-alike keys, five letters or more), and
# this much more like it than like any other, is written as that unit: "ระดายน้ำ" is สำนักการระบายน้ำ.
_UNIT_LIKE, _UNIT_MARGIN = 0.8, 0.05
# What a chair says before the unit he turns to ("แล้วเขต...", "ทางสยป.", "ส่วนสจส."), as keys.
_LEAD_KEYS = tuple(fuzzy.phrase_key(w) for w in ("แล้วก็", "แล้ว", "ส่วน", "ทาง", "ก็"))
# and the fillers before it, written as said ("งั้นสจส", "งันสจส": "งั้น"'s key is that of "งาน")
_UNIT_LEAD = re.compile(r"(?:เอ่อ|อ่า|อืม|เออ|โอเค|งั้น|งัน|\s)+(?=\S{2})")


@lru_cache(maxsize=1)
def _written_units() -> dict[str, str]:
    """Every name a unit is said by (flattened) -> the unit's name as the minutes write it: its full
    name, a district's office ("บางรัก", "เขตบางรัก"), an abbreviation's office. A short name
    ("ระบายน้ำ", "เทศกิจ") stays as said: a district's meeting means its own ฝ่ายเทศกิจ by it."""
    names = {flatten(n): n for n in _UNIT_NAMES} | {"ฝ่ายเลขา": "ฝ่ายเลขานุการ", "ศูนย์สาธารณสุข": "ศูนย์บริการสาธารณสุข",
                                                    "เลขา": "ฝ่ายเลขานุการ", "เลขาฯ": "ฝ่ายเลขานุการ"}
    names |= {f"เขต{d}": f"สำนักงานเขต{d}" for d in _DISTRICTS} | {d: f"สำนักงานเขต{d}" for d in _DISTRICTS}
    names |= {"ป้อมปราบ": "สำนักงานเขตป้อมปราบศัตรูพ่าย", "เขตป้อมปราบ": "สำนักงานเขตป้อมปราบศัตรูพ่าย"}
    names |= {short: short for short in _WHO_STARTS[_WHO_STARTS.index("โยธา"):] if short not in names}
    # Bangkok's hospitals by their own names ("ตากสิน", "รพ.ตากสิน"), the Erawan Centre as "เอราวัณ"
    names |= {f"{lead}{n.removeprefix('โรงพยาบาล')}": n for n in _BMA_OFFICES if n.startswith("โรงพยาบาล")
              for lead in ("", "รพ.", "รพ")} | {"เอราวัณ": "ศูนย์เอราวัณ"}
    names |= {f"{short}{dot}": name for short, name in _STATE_SHORT.items() for dot in ("", ".")}
    return names | ACRONYMS | _EXPERTS


@lru_cache(maxsize=1)
def _unit_keys() -> tuple[tuple[str, str], ...]:
    return tuple((fuzzy.phrase_key(said), name) for said, name in _written_units().items()
                 if len(fuzzy.phrase_key(said)) >= 5)


_GROUP_OF = re.compile(rf"(?P<unit>{'|'.join(ACRONYMS)})\.?\s*(?:ของเรา|เรา)?$")


_PART_AFTER = re.compile(rf"(?P<unit>{'|'.join(ACRONYMS)})\.?\s?(?P<part>(?:กอง|ฝ่าย|ศูนย์|กลุ่มงาน|กลุ่ม)[ก-๙]{{2,}})")


def _unit_written(who: str) -> tuple[str, bool]:
    """`who` as the minutes write a unit (`_written_units`), and whether it was heard approximately:
    "ทางสยป." is สำนักยุทธศาสตร์และประเมินผล, "แลวเขตบางรัก" สำนักงานเขตบางรัก, "สำนัถการระบาน้รู้"
    สำนักการระบายน้ำ (approximately). Anyone else, or a name like two units, is kept as heard."""
    bare = _UNIT_LEAD.sub("", flatten(who).strip(), count=1).rstrip("ฯ. ") or flatten(who)  # "งั้นสจส"
    k, where = fuzzy.key(bare)
    forms = [f.rstrip(". ") for f in [bare] + [bare[where[len(lead)]:] for lead in _LEAD_KEYS
                                               if k.startswith(lead) and len(k) > len(lead)]]
    for form in forms:
        if form in _written_units():
            return _written_units()[form], False
        if form in _WHO_STARTS:  # a word for who is tasked ("นิติกร"), not a unit's name misheard ("นิติการ")
            return _full_name(who), False
    if (full := _full_name(who)) in _UNIT_NAMES:  # "บช. สอท.": an abbreviation said in two
        return full, False
    # a group of a unit named by the unit's abbreviation ("กลุ่มงานขนส่งมวลชน สจส", "วิศวกรรมจราจร สจส เรา"):
    # the group of that unit, written in full
    group = _GROUP_OF.search(bare)
    if group and group.start() > 0:
        return f"{bare[: group.start()].strip()} {ACRONYMS[group['unit']]}", False
    if _REGIONAL.fullmatch(bare) or (of := _OFFICE_OF.fullmatch(who.strip())) and of["unit"] in ACRONYMS.values():
        return _full_name(who.strip()), False  # "สปสช. เขตสิบสาม": its regional office, not สปสช. heard approximately
    if led := _PART_AFTER.fullmatch(bare):  # "สวท. กองกีฬา": the unit's part, the unit said first
        return f"{led['part']} {ACRONYMS[led['unit']]}", False
    if of := _of_unit(bare):
        return f"{_unit_written(of[0])[0]} {_written_units()[of[1]]}", False
    for form in forms:
        fk = fuzzy.key(form)[0]
        if len(fk) < 5:
            continue
        ranked = sorted(((fuzzy.Levenshtein.normalized_similarity(fk, uk), name) for uk, name in _unit_keys()),
                        reverse=True)
        best = ranked[0]
        second = next((r for r in ranked if r[1] != best[1]), (0.0, ""))
        if best[0] >= _UNIT_LIKE and best[0] - second[0] >= _UNIT_MARGIN:
            return best[1], best[0] < 1.0
    return _full_name(who), False


def _of_unit(who: str) -> tuple[str, str] | None:
    """A part of a unit named with it ("ฝ่ายเลขาสำนักสิ่งแวดล้อม", "ฝ่ายโยธา สำนักงานเขตบางกะปิ"): (the part,
    the unit as said), when the unit is one the tables know by a formal name and the part starts as one does."""
    flat = flatten(who).strip()
    for m in re.finditer(r"\s?(?=(?:สำนักงานเขต|สำนักงาน|สำนัก|กรม|การ)\S{2})", flat):
        part, unit = flat[: m.start()].strip(), flat[m.end():].rstrip("ฯ. ")
        if m.start() >= 3 and unit in _written_units() and part.startswith(_FORMAL) and _who_like(part):
            return part, unit
    return None


@lru_cache(maxsize=1)
def _unit_prefixes() -> tuple[str, ...]:
    return tuple(sorted(_units_said() | {f"เขต{d}" for d in _DISTRICTS}, key=len, reverse=True))


_OUR_SECRETARY = re.compile(r"(?:ฝ่าย)?เลขา(?:นุการ)?ฯ?\s?(?:ของ)?(?:เรา)?\s?(?:นี่แหละ|เนี่ย|นี่)?")


def _trimmed(who: str) -> str:
    """An assignee read with the first words of its task ("โยธาเร่ง", "เขตพญาไทลองเปิดจุด"): the unit's
    name alone. A name joined to another ("กฟนกับกรุงเทพธนาคม") or one the tables do not end is kept."""
    if who in _UNIT_FLAT:
        return who
    name = next((f for f in _unit_prefixes() if who.startswith(f)), None)
    rest = who[len(name):] if name else ""
    if _OFFICE_OF.fullmatch(who):
        return who
    after = re.sub(r"^[.ฯ]?\s", "", rest) if name in ACRONYMS else rest
    if after != rest and after.strip() and (not _who_like(after.strip()) and not _JOINED.match(after.strip())
                                            or _OUR_SECRETARY.fullmatch(after.strip())):
        # "สปท. ก", "สจส. ธออ": an abbreviation, then a word heard badly (no unit, no partner); "สปภ. เลขาเรา
        # นี่แหละ": the unit, as the meeting's secretary
        return name
    if not name or not rest or re.match(r"\s*(?:กับ|และ|ร่วมกับ|,|ฯ|\.)", rest) or len(name) < 3:
        return who
    if _of_unit(who):  # "ฝ่ายเลขา สำนักสิ่งแวดล้อม": a part named with its unit
        return who
    # "สวนอนามัย" is "ส่วนอนามัย" (as for อนามัย) heard without its tone mark: the unit after it
    other = next((f for f in _unit_prefixes() if rest.lstrip().startswith(f)), None)
    return _trimmed(rest.lstrip()) if other and fuzzy.phrase_key(name) in _LEAD_KEYS else name


def _second_task(flat: str) -> tuple[int, int] | None:
    """Where a sentence turns to another unit ("...ส่วนสิ่งแวดล้อมช่วย...", "...แล้วพัฒนาสังคมช่วย...")."""
    for m in re.finditer(r"\s?(?:ส่วน|แล้วก็|แล้ว)\s?", flat):
        if m.start() >= _ASSIGN_LEAD and _unit_mention().match(flat, m.end()):
            return m.start(), m.end()
        # "...เสนอผมภายในวันที่สิบเอ็ดกันยายน แล้วก็ให้เขตหนองจอก...": a task with its deadline, then a
        # handing-over word to another unit (kept for the second task)
        handing = re.match(r"(?:ขอให้|ให้|ฝาก|รบกวน|ขอ(?=\s?ทาง))\s?", flat[m.end():])
        if handing and m.start() >= _ASSIGN_LEAD and _unit_mention().match(flat, m.end() + handing.end()) \
                and due_date(flat[: m.start()], None)[1] is not None:
            return m.start(), m.end()
    for deadline in (*DUE.finditer(flat), *RELATIVE.finditer(flat)):  # "...ส่งมา ภายในสองอาทิตย์ ฝ่ายสิ่งแวดล้อม ประกาศ..."
        at = _PARTICLES.match(flat, deadline.end()).end()
        if deadline.start() >= _ASSIGN_LEAD and (_unit_mention().match(flat, at) or _WHO_FIRST.match(flat, at)):
            return deadline.end(), at
    return None


_PARTICLES = re.compile(r"(?:ครับ|ค่ะ|นะ|\s)*")
_WHO_FIRST = re.compile(f"(?:{_WHO_PATTERN})")


@lru_cache(maxsize=1)
def _calling() -> re.Pattern[str]:
    names = "|".join(map(re.escape, _unit_prefixes()))
    return re.compile(rf"^(?:แล้วก็|แล้ว|ส่วน|ทีนี้|ทาง|เอ่อ|อ่า|\s)*(?P<who>{names})[.\s]*(?:ครับ|ค่ะ|คะ|นะ|\s)*$")


def _called(part: _Part) -> str | None:
    """The unit a sentence only calls by name ("ทีนี้ สจส.ครับ"), whose task the next sentence gives."""
    m = None if part.cue else _calling().match(part.flat)
    return m["who"] if m else None


def _unsure(segment: Segment) -> bool:
    """Speech with no usable words ("[ฟังไม่ชัด]") or a repeat of what was already written is never a point."""
    return "ฟังไม่ชัด" in segment.text or any(f.startswith(("unheard", "repeated")) for f in segment.flags)


def _item(draft: _Draft, segments: list[Segment], planned: bool, presiding: set[str],
          meeting_date: dt.date | None, year: MeetingYear | None = None, chances=None) -> AgendaItem:
    item = AgendaItem(number=draft.number, title=draft.title, notes=list(draft.notes))
    item.segment_ids = [s.id for s in segments]
    item.found = bool(draft.heard or draft.parts) if planned else True
    if not item.found:  # the renderer tells the reviewer; found=False is the fact
        return item
    if planned and not draft.heard:
        item.notes.append("ไม่ได้ยินการเปิดวาระนี้ ข้อความช่วงก่อนวาระถัดไปจึงจัดไว้ในวาระนี้")
    if draft.heard:
        item.confidence = round(draft.score, 2)
    if draft.heard and draft.score < fuzzy.WEAK:
        item.notes.append(f"เปิดวาระจากคำที่ฟังไม่ชัด (\"{draft.cue_text}\") โปรดตรวจสอบว่าเป็นการเปิดวาระนี้จริง")
    timed = segments or [p.segment for p in draft.parts]
    if timed:
        item.start, item.end = timed[0].start, max(s.end for s in timed)
    if draft.opened_at is not None:  # item 1 also holds the chair's welcome, before its cue
        item.opened_at = draft.opened_at.start

    resolution = _resolution(draft, presiding, chances)
    used: list[int] = []
    if resolution:  # none heard stays None; the renderer asks the reviewer for it
        item.resolution, item.resolution_segment_ids, used, score, kind = resolution
        item.resolution_confidence = round(score, 2)
        said = [p.segment for p in draft.parts if p.segment.id in item.resolution_segment_ids]
        item.resolution_start, item.resolution_end = said[0].start, max(s.end for s in said)
        if score < fuzzy.WEAK:
            item.notes.append("มติจับได้จากคำที่ฟังไม่ชัด โปรดฟังเสียงช่วงนี้และตรวจสอบมติ")
        elif kind == "loose":
            item.notes.append("มติเขียนจากคำพูดของประธานที่ไม่เป็นทางการ โปรดตรวจสอบถ้อยคำของมติ")
        if kind == "learned":
            item.notes.append("มติคัดจากคำพูดช่วงนี้ตามที่ได้ยิน โปรดฟังเสียงและเรียบเรียงมติ")

    for i, part in enumerate(draft.parts):
        cues = _assign_cues(part.flat)
        if part.cue and not cues and (chances is None or chances[part.seg, 2] < LEARNED):
            continue  # an opening, unless the model hears a task in it too ("แล้วบางรัก ช่วยจัดระเบียบ...")
        presides = not presiding or not part.segment.speaker or part.segment.speaker in presiding
        chance = None if chances is None or any(part.segment.id in a.segment_ids for a in item.actions) \
            else float(chances[part.seg, 2])
        found = _tasks(part.flat, part.text, meeting_date, item.notes, presides, year, chance)
        if not found and i and draft.parts[i - 1].seg == part.seg and presides \
                and (called := _called(draft.parts[i - 1])):  # "ทีนี้ สจส.ครับ" then "ไปทำป้าย...": the unit, its task
            joined = f"{called} {part.flat}"
            found = _tasks(joined, joined, meeting_date, item.notes, presides, year, chance)
        last = item.actions[-1] if item.actions else None
        if not found and last and last.due is None and last.segment_ids[-1] in (part.segment.id, part.segment.id - 1):
            # "...ให้หน่อยนะครับ ให้เสร็จภายในสามสัปดาห์ได้ไหม": the deadline said just after the task, or
            # later in the same turn, the task's sentence cut short ("จัดดนครับไฏิบัติการ... เสนอ ภายในวัณที่ ๓๑...")
            said = _DEADLINE_AFTER.match(part.flat) if last.segment_ids[-1] != part.segment.id \
                else _DEADLINE_WORD.search(part.flat)
            due, _ = due_date(part.flat[said.start():], meeting_date, year) if said else (None, None)
            if due:
                last.due = due.isoformat()
                last.segment_ids = list(dict.fromkeys([*last.segment_ids, part.segment.id]))
                last.end = part.segment.end
                used.append(i)
        if found and chances is not None and chances[part.seg, 2] < DOUBTED_TASK:
            found = []  # the model is sure no task is given here ("เชิญโยธาชี้แจง", "ฝ่ายเลขาส่งเวียนไปแล้ว")
        for who, task, due, score in found:
            again = _restated(item.actions, who, task, part.segment.id)
            if again:  # the secretary's recap of a task given before ("...และขอความร่วมมือ บก.จร. ประสาน..."): one task
                again.assignee = max(again.assignee, who, key=len)  # the fuller name ("บก.จร." after "ตำรวจ")
                _repeats(again, due.isoformat() if due else None, part.segment.id)
                continue
            item.actions.append(Action(
                assignee=who, task=task, due=due.isoformat() if due else None,
                segment_ids=[part.segment.id], start=part.segment.start, end=part.segment.end,
                confidence=round(score, 2),
            ))
            if score < fuzzy.WEAK:
                item.notes.append(f"การมอบหมายให้ \"{who}\" จับได้จากคำที่ฟังไม่ชัด โปรดตรวจสอบ")
        if found and cues and len(fuzzy.key(part.flat[: cues[0].start])[0]) <= _ASSIGN_LEAD:
            used.append(i)  # a sentence that is the assignment is written as one, not summarised too

    candidates = [
        (written(p.text, cut=False), p.segment) for i, p in enumerate(draft.parts)
        if not p.cue and i not in used and decision(p.flat) is None and not _unsure(p.segment)
    ]
    candidates = [(text, segment) for text, segment in candidates if text]
    chosen = summary_indices([text for text, _ in candidates], summary_limit(len(candidates)))
    item.discussion = [
        Point(text, segment.speaker, [segment.id], segment.start, segment.end)
        for text, segment in (candidates[i] for i in chosen)
    ]
    item.summary = " ".join(p.text for p in item.discussion)
    return item


def _merge_recaps(items: list[AgendaItem], transcript: Transcript) -> None:
    """A task restated in a recap of the whole meeting ("ฝ่ายเลขาขอทวนมตินะคะ วาระสี่จุดหนึ่ง ... ให้ฝ่ายเลขา
    แจ้งเวียน...", and on in the speaker's next segments) is the task given in its own item, not a new one
    in the item the recap falls in; nor are the recap's resolutions, item by item, that item's resolution."""
    recaps: set[int] = set()
    for before, s in zip([None, *transcript.segments], transcript.segments, strict=False):
        if _RECAP.search(s.text) or before and before.id in recaps and before.speaker == s.speaker:
            recaps.add(s.id)
    text = {s.id: s.text for s in transcript.segments}
    for item in items:
        said = flatten(" ".join(text[i] for i in item.resolution_segment_ids))
        named = {spoken_number(m["number"]) for m in _ITEM_NUMBER.finditer(said)}
        if item.resolution and set(item.resolution_segment_ids) <= recaps and named - {item.number}:
            # (a recap of this item alone, "สรุปมติวาระ 3.1 นะคะ ...", is its resolution restated)
            item.resolution, item.resolution_segment_ids, item.resolution_confidence = None, [], None
            item.resolution_start = item.resolution_end = None
        for action in [a for a in item.actions if a.segment_ids[0] in recaps]:
            before = [a for other in items if other is not item for a in other.actions
                      if a.segment_ids[0] < action.segment_ids[0]]
            again = _restated(before, action.assignee, action.task, action.segment_ids[0], recap=True)
            if again:
                _repeats(again, action.due, action.segment_ids[0])
                item.actions.remove(action)


_RECAP = re.compile(r"ทวนมติ|ขอทวน|ทวนอีก|สรุปมติ")
_RESTATED = 70  # how alike (rapidfuzz partial ratio) a later task must be to an earlier one to repeat it


def _repeats(earlier: Action, due: str | None, segment: int) -> None:
    """`earlier` said again in `segment`: cited there too, and dated by it when it had no deadline
    (a deadline kept as said stays the one said)."""
    if not _DEADLINE_WORD.search(earlier.task):
        earlier.due = earlier.due or due
    earlier.segment_ids.append(segment)


def _restated(actions: list[Action], who: str, task: str, segment: int, recap: bool = False) -> Action | None:
    """The task given earlier that this one, said in a later segment, repeats: the same unit (by its name
    as said or as written) and the same work; in a recap, said shorter, two of its words the same."""
    def same(earlier: str) -> bool:
        if recap:
            return len(set(content_words(earlier)) & set(content_words(task))) >= 2
        return fuzz.partial_ratio(flatten(earlier), flatten(task)) >= _RESTATED

    def unit(earlier: str) -> bool:  # "ตำรวจ" then "กองบังคับการตำรวจจราจร" (not สำนักการศึกษา after สำนักการจราจร...)
        return flatten(earlier) in flatten(who) or flatten(who) in flatten(earlier)

    return next((a for a in actions if segment not in a.segment_ids and unit(a.assignee) and same(a.task)), None)


def _presiding(transcript: Transcript) -> set[str]:
    """Who presides: whoever says numbered or titled cues, or states a resolution in full.

    Used to tell a chair's loose "ผ่านนะครับ" or "ขยับไปเรื่องถัดไป" from a member's; a secretary
    may announce the items while the chair decides, so both count."""
    found: set[str] = set()
    for segment in transcript.segments:
        if not segment.speaker:
            continue
        for sentence in sentences(segment.text):
            flat = flatten(sentence)
            if any(c.strong for c in find_cues(flat)):
                found.add(segment.speaker)
            else:
                d = decision(flat)
                if d and d.strength >= 2 and d.kind == "stated":
                    found.add(segment.speaker)
    if not found:  # an informal chair: whoever makes the most transitions and loose decisions
        counts: dict[str, int] = {}
        for segment in transcript.segments:
            for sentence in sentences(segment.text):
                flat = flatten(sentence)
                n = len(find_cues(flat)) + (decision(flat) is not None)
                if n and segment.speaker:
                    counts[segment.speaker] = counts.get(segment.speaker, 0) + n
        if counts:
            found.add(max(counts, key=counts.get))
        return found
    # whoever talks most presides too: a chair whose own cues were misheard still decides and assigns
    talk: dict[str, int] = {}
    for segment in transcript.segments:
        if segment.speaker:
            talk[segment.speaker] = talk.get(segment.speaker, 0) + 1
    if len(talk) > 2:
        found.add(max(talk, key=talk.get))
    # a secretary who announces the items addresses the chair ("ขอเรียนเชิญท่านประธาน..."): the chair is
    # whoever else talks most, though he says no cue of his own
    addressing = {s.speaker for s in transcript.segments  # (heard badly too: "ท่านประทาน")
                  if s.speaker in found and fuzzy.find("ท่านประธาน", flatten(s.text)) is not None}
    others = {who: n for who, n in talk.items() if who not in addressing}
    if addressing and others and len(talk) > 2:
        found.add(max(others, key=others.get))
    # and, only one found, whoever decides most: the chair whose cues and full resolutions were all
    # misheard, beside a secretary who announces the items and talks as much ("ตามนั้นครับ ... เห็นฉอบนะครับ")
    if len(found) == 1 and len(talk) > 2:
        decides = {who: 0 for who in talk}
        for segment in transcript.segments:
            if segment.speaker:
                decides[segment.speaker] += sum(decision(flatten(s)) is not None for s in sentences(segment.text))
        if any(decides.values()):
            found.add(max(decides, key=decides.get))
    return found


# The common five-item scheme (thai-minutes.md): items 1-3 are the chair's news, the report and matters
# arising, the last is other business ("เรื่องอื่น ๆ"), and what lies between is item 4 and its sub-items.
_ITEMS_BEFORE_CONSIDERATION = 3
_CONSIDERATION, _OTHER_BUSINESS = "เรื่องเพื่อพิจารณา", "เรื่องอื่น ๆ"
_SCHEME_TITLES = {written for _, _, written in _TITLES}  # an item announced so is framed already
_FRAME_NOTE = "จัดเป็นเรื่องเพื่อพิจารณาและวาระย่อยตามแบบระเบียบวาระทั่วไป เพราะไม่ได้ยินเลขวาระ โปรดตรวจสอบ"
_SUB_NOTE = "เลขวาระย่อยกำหนดตามลำดับที่ได้ยิน โปรดตรวจสอบ"


def _in_frame(drafts: list[_Draft], owner: dict[int, int]) -> None:
    """No agenda given, the items heard set in the common scheme, in place (`owner` kept pointing at them):
    - items numbered in the order heard between matters arising and other business ("ขยับไป หน้าตาป้าย ...",
      "มีใครมีเรื่องอื่นอีกไหม" as item 7) are the items for consideration, 4.1, 4.2 ..., and other business is 5;
    - an item discussed for a while and then its second sub-item, its first never heard ("เข้าเรื่องถัดไป ..."
      as 4, then "สี่จุดสอง"), holds its first sub-item."""
    def insert(at: int, draft: _Draft) -> None:
        drafts.insert(at, draft)
        owner.update({seg: n + 1 for seg, n in owner.items() if n >= at})

    numbers = [d.number for d in drafts]
    run = [d for d in drafts if d.number.isdigit() and int(d.number) > _ITEMS_BEFORE_CONSIDERATION]
    # (the items for consideration announced as such, "มาเรื่องที่ต้องตัดสินใจกันละ ...", open their first
    # sub-item; an item announced by another title of the scheme, "ต่อไปเป็นเรื่องเพื่อทราบ", is an item of its own)
    announced = run[1:-1] if run and run[0].title == _CONSIDERATION else run[:-1]
    if len(run) >= 3 and not any("." in n for n in numbers) and all(d.guessed for d in run[:-1]) \
            and not any(d.title in _SCHEME_TITLES for d in announced) and run[-1].title == _OTHER_BUSINESS \
            and numbers[: _ITEMS_BEFORE_CONSIDERATION] == ["1", "2", "3"]:
        head = str(_ITEMS_BEFORE_CONSIDERATION + 1)
        for n, d in enumerate(run[:-1], start=1):
            d.number, d.notes = f"{head}.{n}", [_SUB_NOTE]
            if d.title == _CONSIDERATION:  # the head implied below holds that title
                d.title = BLANK
        run[-1].number = str(_ITEMS_BEFORE_CONSIDERATION + 2)
        at = drafts.index(run[0])
        insert(at, _Draft(head, _CONSIDERATION, heard=True, opened_at=run[0].opened_at, order=run[0].order,
                          implied=True, notes=[_FRAME_NOTE]))
        return
    for at, d in enumerate(drafts):
        if "." in d.number or d.implied or not d.heard or d.number + ".2" not in numbers \
                or d.number + ".1" in numbers or len({p.seg for p in d.parts}) < 2:
            continue  # (an item announced, and then its second sub-item taken first, holds no first)
        first = _Draft(d.number + ".1", BLANK, parts=d.parts, heard=True, opened_at=d.opened_at, order=d.order,
                       guessed=True, notes=[_SUB_NOTE], score=d.score, cue_text=d.cue_text)
        d.parts, d.implied = [], True
        insert(at + 1, first)
        owner.update({seg: at + 1 for seg, n in owner.items() if n == at})
        return


def _order_notes(drafts: list[_Draft]) -> list[str]:
    heard = [d for d in drafts if d.heard]
    by_time = sorted(heard, key=lambda d: d.order)
    notes = []
    if [d.number for d in by_time] != [d.number for d in heard]:
        notes.append("ที่ประชุมพิจารณาไม่ตรงตามลำดับระเบียบวาระ: ลำดับที่ได้ยินคือ " + ", ".join(d.number for d in by_time))
    return notes


# The words cues are made of, each written right where it was misheard (fuzzy.canonical). Whole words
# only: a rewrite never adds a word that was not heard.
_CUE_WORDS = (
    "ระเบียบวาระ", "วาระ", "ที่ประชุม", "มติที่ประชุม", "รับทราบ", "เห็นชอบ", "อนุมัติ", "รับรอง", "เห็นด้วย",
    "ไม่เห็นด้วย", "งดออกเสียง", "คะแนนเสียง", "รายงานการประชุม", "การประชุม", "ครั้งหน้า", "คราวหน้า", "ครั้งต่อไป",
    "ครั้งที่แล้ว", "ครั้งก่อน", "เลื่อน", "พิจารณา", "ถือว่า", "เป็นอันว่า", "ตามที่เสนอ", "ตามนี้", "ตามนั้น", "มอบหมาย",
    "ขอให้", "รบกวน", "ดำเนินการ", "จัดทำ", "ประสาน", "ตรวจสอบ", "ติดตาม", "รวบรวม", "ปรับปรุง", "ภายใน", "วันที่",
    "สัปดาห์", "อาทิตย์", "เดือน", "ไตรมาส", "ปีงบประมาณ", "ครับ", "ต่อไป", "ขอเข้าสู่", "เข้าสู่",
    "ถัดไป", "เรื่องแรก", "สืบเนื่อง", "เพื่อทราบ", "เพื่อพิจารณา", "เรื่องอื่น", "ประธานแจ้ง", "สำนักงานเขต",
    "สำนักงาน", "สำนัก", "ฝ่าย", "ขอเชิญ", "เรื่อง", "ขยับ", "สุดท้าย", "ไม่มีใครค้าน", "คัดค้าน", "ขัดข้อง",
    "เห็นเป็นอย่างอื่น", "ช่วย", "เรื่องนี้", "วาระนี้", "สิ้นเดือน", "สิ้นไตรมาส", "ปีงบประมาณ", "ร่วมกัน", "มอบหมายให้",
    "ประกอบการพิจารณา",  # said right, it stays: "มาประกอบการพิจารณาด้วย" is not "เลื่อนการพิจารณา" misheard
)
# The decision phrases too, so that a label misheard in front of the subject ("ถืว่าที่ประชุม") reads
# as said and is dropped from the written resolution like the right one.
# And what a chair says before a loose decision, which `_LEAD_IN` and `_CLAUSE_END` read as written
# ("งั้น" is not among them: its key is that of "งาน").
_LEAD_WORDS = (
    "ถ้าอย่างนั้น", "ถ้าเช่นนั้น", "ถ้างั้น", "ดังนั้น", "เพราะฉะนั้น", "สรุปว่า", "ไม่มีใคร", "ถ้าไม่มี", "หากไม่มี",
    "โอเค", "ตรงนี้", "อันนี้", "ตอนนี้", "หลักการ", "ในหลักการ", "ทุกคน", "ทุกท่าน", "เอางี้", "เอาอย่างนี้",
)
# Bangkok's own offices and district offices by their full names, so that a misheard assignee
# ("กงจัดการสิ่งปฏิกูาตและมูลฝอย") reads as the unit and its task starts where the name ends.
_BMA_OFFICES = (
    "สำนักปลัดกรุงเทพมหานคร", "สำนักงบประมาณกรุงเทพมหานคร", "สำนักยุทธศาสตร์และประเมินผล", "สำนักการแพทย์",
    "สำนักอนามัย", "สำนักการศึกษา", "สำนักการโยธา", "สำนักการระบายน้ำ", "สำนักสิ่งแวดล้อม", "สำนักการจราจรและขนส่ง",
    "สำนักการคลัง", "สำนักเทศกิจ", "สำนักพัฒนาสังคม", "สำนักวัฒนธรรม กีฬา และการท่องเที่ยว",
    "สำนักป้องกันและบรรเทาสาธารณภัย", "สำนักผังเมือง", "สำนักการวางผังและพัฒนาเมือง", "สำนักงานประชาสัมพันธ์", "สำนักงานกฎหมายและคดี",
    "สำนักงานการต่างประเทศ", "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร", "สำนักงานตรวจสอบภายใน",
    "กองจัดการสิ่งปฏิกูลและมูลฝอย", "กองควบคุมอาคาร", "กองสำรวจและออกแบบ", "กองบำรุงรักษาทาง", "กองรายได้",
    "กองนโยบายและแผนงาน", "กองสวนสาธารณะ", "กองระบบคลอง", "กองการท่องเที่ยว", "กองควบคุมโรค", "กองการพยาบาล",
    "กองคลัง", "กองการเจ้าหน้าที่", "กองสารสนเทศภูมิศาสตร์", "กองวิศวกรรมจราจร", "กองโรงงานกำจัดมูลฝอย", "กองประชาสัมพันธ์",
    "ฝ่ายเลขานุการ", "ฝ่ายพัสดุ", "ฝ่ายโยธา", "ฝ่ายรักษาความสะอาดและสวนสาธารณะ", "ฝ่ายเทศกิจ", "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล",
    "ฝ่ายการคลัง", "ฝ่ายปกครอง", "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม", "ฝ่ายการศึกษา", "ฝ่ายรายได้", "ฝ่ายทะเบียน",
    "ศูนย์บริการสาธารณสุข", "ศูนย์เอราวัณ", "โรงพยาบาลกลาง", "โรงพยาบาลตากสิน", "โรงพยาบาลเจริญกรุงประชารักษ์",
    "โรงพยาบาลราชพิพัฒน์", "โรงพยาบาลสิรินธร", "โรงพยาบาลลาดกระบังกรุงเทพมหานคร", "โรงพยาบาลเวชการุณย์รัศมิ์",
)
# The state's units that sit in Bangkok's working groups, as the minutes name them.
_PARTNERS = (
    "กองบังคับการตำรวจจราจร", "กองบัญชาการตำรวจนครบาล", "กองบังคับการตำรวจท่องเที่ยว", "สำนักงานตำรวจแห่งชาติ",
    "กรมเจ้าท่า", "กรมทางหลวง", "กรมทางหลวงชนบท", "กรมควบคุมมลพิษ", "กรมทรัพยากรน้ำบาดาล", "กรมทรัพยากรน้ำ",
    "กรมชลประทาน", "กรมอุตุนิยมวิทยา", "กรมศิลปากร", "กรมป้องกันและบรรเทาสาธารณภัย", "กรมการขนส่งทางบก",
    "การไฟฟ้านครหลวง", "การประปานครหลวง", "การทางพิเศษแห่งประเทศไทย", "การรถไฟแห่งประเทศไทย",
    "การรถไฟฟ้าขนส่งมวลชนแห่งประเทศไทย", "องค์การขนส่งมวลชนกรุงเทพ", "การท่องเที่ยวแห่งประเทศไทย",
    "บริษัท กรุงเทพธนาคม จำกัด", "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (องค์การมหาชน)",
    "กรมวิทยาศาสตร์การแพทย์", "กรมปศุสัตว์", "กรมควบคุมโรค", "กรมอนามัย",
    "กรมสุขภาพจิต", "กรมการปกครอง", "กรมส่งเสริมการปกครองท้องถิ่น", "กรมพัฒนาสังคมและสวัสดิการ", "กรมกิจการผู้สูงอายุ",
    "กรมส่งเสริมคุณภาพสิ่งแวดล้อม", "กรมโยธาธิการและผังเมือง", "กรมประชาสัมพันธ์", "กรมธนารักษ์", "กรมบัญชีกลาง",
    "กรมพัฒนาพลังงานทดแทนและอนุรักษ์พลังงาน", "กรมพัฒนาที่ดิน", "กรมส่งเสริมการเกษตร", "กรมป่าไม้", "กรมการค้าภายใน",
    "กรมสรรพสามิต", "กรมการท่องเที่ยว", "กรมพลศึกษา", "กรมบังคับคดี", "กรมคุมประพฤติ", "กรมราชทัณฑ์",
    "สำนักงานคณะกรรมการอาหารและยา", "สำนักงานหลักประกันสุขภาพแห่งชาติ", "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ",
    "กองบัญชาการตำรวจสืบสวนสอบสวนอาชญากรรมทางเทคโนโลยี", "การไฟฟ้าส่วนภูมิภาค", "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย",
    "การเคหะแห่งชาติ", "สถาบันพัฒนาองค์กรชุมชน", "การท่าเรือแห่งประเทศไทย", "บริษัท ขนส่ง จำกัด",
    "สำนักงานพัฒนารัฐบาลดิจิทัล", "สำนักงานสถิติแห่งชาติ", "ศูนย์อำนวยการรักษาความปลอดภัยของกรุงเทพมหานคร",
)
_UNIT_NAMES = _BMA_OFFICES + _PARTNERS + tuple(f"สำนักงานเขต{d}" for d in _DISTRICTS)
_UNIT_FLAT = tuple(sorted((flatten(n) for n in _UNIT_NAMES), key=len, reverse=True))
# ("ผ่าน" is left out as "งั้น" is: its key is that of "พัน", and "สองพันห้าร้อย" must stay a number.)
_VOCABULARY = fuzzy.vocabulary(_CUE_WORDS, THAI_MONTHS, SPOKEN_MONTHS, [p for _, p in _STATED],
                               [p for p in _LOOSE if p != "ผ่าน"], _DEFER, _LEAD_WORDS, _UNIT_NAMES, SPOKEN_DEADLINES,
                               SPOKEN_DAYS)


def _bounds(text: str) -> set[int]:
    """Where newmm puts word boundaries in `text` (spaces are boundaries too)."""
    out, pos = {0, len(text)}, 0
    for token in tokens(text):
        pos += len(token)
        out.add(pos)
    return out


def heard_as_said(transcript: Transcript) -> Transcript:
    """A copy whose segments have the cue words written right (`fuzzy.canonical`), and a deadline's month
    heard badly (`months_heard`); ids and times kept."""
    segments = [replace(s, text=months_heard(fuzzy.canonical(s.text, _VOCABULARY, _bounds(s.text))))
                for s in transcript.segments]
    return replace(transcript, segments=segments)


def run(transcript: Transcript, meeting: Meeting) -> Minutes:
    """The offline engine: cues, resolutions, actions and summaries from the data above."""
    transcript = heard_as_said(transcript)
    planned = bool(meeting.agenda)
    drafts = [_Draft(a.number, a.title) for a in meeting.agenda]
    withdrawn = _withdrawn(transcript) if drafts else {}
    for draft in drafts:
        draft.withdrawn = withdrawn.get(draft.number, set())
    presiding = _presiding(transcript)
    if presiding and meeting.chair and meeting.chair.name:
        presiding.add(meeting.chair.name)
    chances = learned.probabilities(transcript)
    splitter = _Splitter(drafts, planned, presiding, list(chances[:, 0]), list(chances[:, 1]))
    opening, owner = splitter.split(transcript)
    notes: list[str] = []
    # no cue heard, or only the model's guess that the meeting's first words open its one item
    guessed_only = len(drafts) == 1 and drafts[0].learned_at == 0 and not planned
    if not any(d.heard for d in drafts) or guessed_only:
        notes.append("ไม่ได้ยินการเปิดระเบียบวาระใดเลย ข้อความทั้งหมดจึงอยู่ในวาระแรก โปรดตรวจสอบ")
    blank = not drafts
    if blank:
        drafts.append(_Draft("1", BLANK))
    if blank or guessed_only:
        drafts[0].notes.append(notes[0])
    if opening:
        drafts[0].parts[:0] = opening
    if planned:
        notes.extend(_order_notes(drafts))
    else:
        _in_frame(drafts, owner)
    try:
        meeting_date = parse_date(meeting.date)
    except ValueError:
        meeting_date = None
    # the meeting's year, for a deadline's year heard wrong or not said: its date's, or what its words tell
    year = MeetingYear(meeting_date.year, meeting_date.year) if meeting_date \
        else year_said(" ".join(s.text for s in transcript.segments))
    items = []
    for index, draft in enumerate(drafts):
        segments = [s for seg, s in enumerate(transcript.segments) if owner.get(seg, 0) == index]
        items.append(_item(draft, segments, planned, presiding, meeting_date, year, chances))
    _merge_recaps(items, transcript)
    missing = [i.number for i in items if not i.found]
    if missing:
        notes.append("ไม่พบในบันทึกเสียง: ระเบียบวาระที่ " + ", ".join(missing))
    return Minutes(meeting=meeting, agenda=items, style="summarised", engine="rules", notes=notes)


def settings() -> dict[str, str]:
    """Nothing besides the transcript and the meeting decides this engine's result."""
    return {}


