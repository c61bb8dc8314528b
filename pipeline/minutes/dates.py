"""Deadlines as said -> dates: "ภายในวันที่ 30 เมษายน 2569", "ภายใน 30 เม.ย. 69", and relative ones,
"ภายในหนึ่งสัปดาห์", "ก่อนสิ้นไตรมาสนี้", "ภายในวันศุกร์นี้", resolved against the meeting date.

Choices where custom is loose: a week ends on its Friday (the working week), a quarter is the
calendar quarter (the fiscal year's quarters fall on the same months), the fiscal year ends on
30 September, and "N เดือน" is the same day N months on (the month's last day when it has none).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

from pythainlp.util import num_to_thaiword
from rapidfuzz.distance import Levenshtein

from pipeline.minutes.fuzzy import phrase_key
from pipeline.minutes.text import NUMWORD, flatten, word_to_int
from pipeline.thaidate import BE_OFFSET, DIGIT_WORDS, THAI_MONTHS, THAI_MONTHS_ABBR, THAI_WEEKDAYS

_WEEKDAY = "|".join(d.removeprefix("วัน") for d in THAI_WEEKDAYS) + "|พฤหัส"
# As said: "กรกฎา" for กรกฎาคม, "ตุลา" for ตุลาคม.
SPOKEN_MONTHS = ["มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา", "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา"]
_MONTH_FORMS = {m: i for i, m in enumerate(THAI_MONTHS, 1)} | {
    a.replace(".", ""): i for i, a in enumerate(THAI_MONTHS_ABBR, 1)
} | {m: i for i, m in enumerate(SPOKEN_MONTHS, 1)}
_MONTH = "|".join(
    THAI_MONTHS + SPOKEN_MONTHS + [r"\.?\s*".join(re.escape(c) for c in a.replace(".", "")) + r"\.?"
                   for a in THAI_MONTHS_ABBR]
)
# A B.E. year said digit by digit ("สองห้าหกเก้า") or in full ("สองพันห้าร้อยหกสิบเก้า").
_DIGIT = "|".join(DIGIT_WORDS)
_SPOKEN_YEAR = rf"(?:(?:{_DIGIT})\s*){{4}}|สองพันห้าร้อย(?:(?:{_DIGIT})?สิบ)?(?:เอ็ด|{_DIGIT})?"
DUE = re.compile(
    # a letter or two misheard between "ภายใน" and the day ("ภายในวันให 30") does not hide the date
    rf"(?:(?:ภายใน|ก่อน|ไม่เกิน)(?:วัน(?:{_WEEKDAY})?)?(?:ที่|.{{0,3}}?)|(?<!ตั้งแต่)(?<!เมื่อ)(?<!ระหว่าง)(?:วันที่|ที่)?)"
    rf"\s*(?<![\d.,])(?P<day>\d{{1,2}}|{NUMWORD})"
    rf"\s*(?P<month>{_MONTH})(?:\s*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?))?(?:\s*(?P<year>\d{{2,4}}(?!\d)|{_SPOKEN_YEAR}))?"
)


_N = rf"(?P<n>\d{{1,3}}|{NUMWORD})"
_WEEKDAYS = {d.removeprefix("วัน"): i for i, d in enumerate(THAI_WEEKDAYS)} | {"พฤหัส": 3}
_WEEKDAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_THIS = r"(?:นี้|นี(?![\u0e01-\u0e4e]))"  # "ศุกร์นี" too: the tone mark lost
RELATIVE = re.compile(
    # "ให้เสร็จในสองอาทิตย์": "ใน" after what must be done by then says "within" too
    rf"(?:ภายใน|ไม่เกิน|(?<=เสร็จ)ใน|(?<=ทัน)ใน)(?:ระยะเวลา)?\s*{_N}\s*(?P<unit>วัน(?!ที่)|สัปดาห์|อาทิตย์|เดือน)"
    # "ก่อนสิ้นเดือนเมษา", "ภายในสิ้นมีนา": a month as people say it, with or without "เดือน"
    # (before the bare "สิ้นเดือน", which would take it for this month)
    rf"|(?:ภายใน|ก่อน)(?:สิ้น)?(?:เดือน)?(?P<month_name>{'|'.join(THAI_MONTHS + SPOKEN_MONTHS)})"
    rf"(?:\s*(?P<month_year>\d{{4}}))?"
    rf"|(?:ภายใน|ก่อน)(?P<end>สิ้น)?(?P<period>สัปดาห์|อาทิตย์|เดือน|ไตรมาส|ปีงบประมาณ|ปีงบ|ปี)(?P<which>{_THIS}|หน้า)"
    rf"|(?:ภายใน|ก่อน)(?P<end2>สิ้น)(?P<period2>สัปดาห์|อาทิตย์|เดือน|ไตรมาส|ปีงบประมาณ|ปีงบ|ปี)"
    rf"|(?:ภายใน|ก่อน)วัน(?P<weekday>{_WEEKDAY_NAMES})(?:ที่)?(?:สัปดาห์|อาทิตย์)?(?P<wwhich>{_THIS}|หน้า)?"
    # "ภายในศุกร์นี้": the weekday without "วัน", with นี้/หน้า
    rf"|(?:ภายใน|ก่อน)(?P<weekday2>{_WEEKDAY_NAMES})(?P<wwhich2>{_THIS}|หน้า)"
    rf"|ภายใน(?:วัน)?(?P<day>พรุ่งนี้|วันนี้|นี้)"
    # "ไปดูให้หน่อย พรุ่งนี้เลยนะ": tomorrow said alone, as the deadline ends the sentence
    rf"|(?P<day2>พรุ่งนี้)(?=\s*(?:เลย|เช้า|นะ|ครับ|ค่ะ|คะ)*\s*$)"
    # "ภายใน"/"ก่อน" misheard or lost ("ให้แล้นสิ้นไตรมาสนี้"): an end of a period, or a weekday with
    # นี้/หน้า, still says when; a bare number of weeks does not (a duration, not a deadline)
    rf"|(?P<end3>สิ้น)(?P<period3>สัปดาห์|อาทิตย์|เดือน|ไตรมาส|ปีงบประมาณ|ปีงบ|ปี)(?P<which3>{_THIS}|หน้า)?"
    rf"|วัน(?P<weekday3>{_WEEKDAY_NAMES})(?P<wwhich3>{_THIS}|หน้า)"
    # the weekday alone, with นี้/หน้า ("ส่งรายชื่อให้ พส. ศุกร์นี้เลย"; "อาทิตย์หน้า" is next week, not Sunday)
    rf"|(?P<weekday4>{_WEEKDAY_NAMES.replace('อาทิตย์|', '')})(?P<wwhich4>{_THIS}|หน้า)"
)


# Relative deadlines as said most often, for the engines to spell right when misheard
# ("ภายใราะกร์นี้" is "ภายในศุกร์นี้"): see pipeline.minutes.fuzzy.canonical.
_SPAN_WORDS = ("หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "เจ็ด", "สิบ", "สิบห้า", "ยี่สิบ", "สามสิบ", "สี่สิบห้า", "หกสิบ", "เก้าสิบ")
SPOKEN_DEADLINES = tuple(
    [f"{lead}{day}{d}{which}" for lead in ("ภายใน", "ก่อน") for day in ("วัน", "")
     for d in (w.removeprefix("วัน") for w in THAI_WEEKDAYS) for which in ("นี้", "หน้า")]
    + [f"{lead}สิ้น{p}{which}" for lead in ("ภายใน", "ก่อน") for p in ("สัปดาห์", "เดือน", "ไตรมาส", "ปีงบประมาณ", "ปี")
       for which in ("นี้", "หน้า", "")]
    + [f"ภายใน{n}{unit}" for n in _SPAN_WORDS for unit in ("วัน", "สัปดาห์", "อาทิตย์", "เดือน")]
)


# A day of the month as said ("วันที่สามสิบเอ็ด"), for the engines to spell right when misheard ("วันทีอศามสิบเอ็ด").
SPOKEN_DAYS = tuple(f"วันที่{num_to_thaiword(day)}" for day in range(1, 32))


# A deadline's day said ("ภายในวันที่ 28 ", "ก่อนวันที่สิบห้า"): a month is said next, however badly it is heard.
_DAY_SAID = re.compile(rf"(?:ภายใน|ก่อน|ไม่เกิน)\s*(?:วัน)?(?:ที่)?\s*(?<![\d.,])(?:\d{{1,2}}(?![\d.,])|{NUMWORD})\s*")
_MONTH_KEYS = [(phrase_key(name), name) for name in THAI_MONTHS + SPOKEN_MONTHS]
_MONTH_HEARD = 0.65  # the least likeness of the sound-alike keys for a month heard badly after a day


def months_heard(text: str) -> str:
    """`text` with a month heard too badly for the cue words' rewrite ("ภายในวันที่ 15 ธันวแคม", "28 มกกคม")
    written as the month it is nearest to, where a deadline's day was just said and no month follows it
    as said. (Nowhere else: away from a date "มกกคม" is no month.)"""
    out, pos = [], 0
    for m in _DAY_SAID.finditer(text):
        at = m.end()
        word = re.match("[\u0e01-\u0e4e]*", text[at:])[0]
        if at < pos or DUE.match(text, m.start()) or len(word) < 4:
            continue
        best = max(((Levenshtein.normalized_similarity(phrase_key(word[:n]), key), -abs(n - len(name)), n, name)
                    for key, name in _MONTH_KEYS
                    for n in range(max(len(name) - 1, 4), min(len(name) + 1, len(word)) + 1)), default=None)
        if best and best[0] >= _MONTH_HEARD:
            out += [text[pos:at], best[3]]
            pos = at + best[2]
    return "".join([*out, text[pos:]])


def relative_date(m: re.Match[str], date: dt.date) -> dt.date:
    """The date a RELATIVE match names, counted from the meeting's `date`."""
    if m["n"]:
        n = word_to_int(m["n"])
        if m["unit"] == "วัน":
            return date + dt.timedelta(days=n)
        if m["unit"] in ("สัปดาห์", "อาทิตย์"):
            return date + dt.timedelta(weeks=n)
        return _add_months(date, n)
    if m["weekday"] or m["weekday2"] or m["weekday3"] or m["weekday4"]:
        weekday, which = next((m[f"weekday{n}"], m[f"wwhich{n}"]) for n in ("", "2", "3", "4") if m[f"weekday{n}"])
        day = date + dt.timedelta(days=(_WEEKDAYS[weekday] - date.weekday()) % 7)
        return day + dt.timedelta(weeks=1) if which == "หน้า" else day
    if m["day"] or m["day2"]:
        return date + dt.timedelta(days=1) if "พรุ่งนี้" in (m["day"], m["day2"]) else date
    if m["month_name"]:
        return _month_end_said(m, date.year + (_MONTH_FORMS[m["month_name"]] < date.month))
    period, which = m["period"] or m["period2"] or m["period3"], m["which"] or m["which3"] or "นี้"
    ahead = which == "หน้า"
    if period in ("สัปดาห์", "อาทิตย์"):
        return date + dt.timedelta(days=4 - date.weekday() + (7 if ahead else 0))
    if period == "เดือน":
        return _month_end(_add_months(date.replace(day=1), int(ahead)))
    if period == "ไตรมาส":
        last = (date.month - 1) // 3 * 3 + 3 + (3 if ahead else 0)
        return _month_end(dt.date(date.year + (last - 1) // 12, (last - 1) % 12 + 1, 1))
    if period.startswith("ปีงบ"):
        return dt.date(date.year + (date.month >= 10) + ahead, 9, 30)
    return dt.date(date.year + ahead, 12, 31)


def _month_end_said(m: re.Match[str], unsaid: int) -> dt.date:
    """The end of the month a RELATIVE match names ("ก่อนสิ้นเดือนเมษา"), in the year said, else `unsaid`."""
    year = int(m["month_year"]) - BE_OFFSET if m["month_year"] else unsaid
    return _month_end(dt.date(year, _MONTH_FORMS[m["month_name"]], 1))


def _add_months(date: dt.date, n: int) -> dt.date:
    month = date.month - 1 + n
    year, month = date.year + month // 12, month % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


def _month_end(date: dt.date) -> dt.date:
    return date.replace(day=calendar.monthrange(date.year, date.month)[1])


class MeetingYear(NamedTuple):
    """What a meeting's words tell of the year (C.E.) it is held in, when its date is not known."""

    near: int | None  # the year most said in it: a deadline's year heard wrong is taken as this one
    own: int | None  # the year its number gives ("ครั้งที่ 4/2569"): a day and month said alone are in it


def due_date(
    text: str, meeting_date: dt.date | None, year: MeetingYear | None = None
) -> tuple[dt.date | None, re.Match[str] | None]:
    """The deadline said in `text` ("ภายในวันที่ 30 เมษายน 2569", "ภายใน 30 เม.ย. 69").

    B.E. years lose 543; a two-digit year is B.E. 25xx; a missing year is the meeting's (with no
    date, the one its number gives: `year`.own), or the next one when the day would fall before the
    meeting. A year heard wrong ("256", or one years before the meeting's, a deadline that cannot
    be) is taken as the meeting's year (with no date, the one most said: `year`.near): see
    `year_misheard`. Returns (None, match) when a day and month were said but no year can be
    known, (None, None) when none was said."""
    m = DUE.search(text)
    if m:
        return _date_of(m, meeting_date, year), m
    m = RELATIVE.search(text)
    if m and not meeting_date and m["month_name"] and (m["month_year"] or year and year.own):
        # "ก่อนสิ้นเดือนตุลา" with no meeting date: the month's end in the year the meeting says it is in
        return _month_end_said(m, year.own if year else 0), m
    if m:
        return (relative_date(m, meeting_date) if meeting_date else None), m
    return None, None


def dates_said(text: str, meeting_date: dt.date | None) -> list[dt.date]:
    """Every deadline said in `text` that is a real date (see `due_date`)."""
    said = flatten(text)
    found = [_date_of(m, meeting_date) for m in DUE.finditer(said)]
    if meeting_date:
        found += [relative_date(m, meeting_date) for m in RELATIVE.finditer(said)]
    return [d for d in found if d is not None]


def year_assumed(m: re.Match[str], meeting_date: dt.date | None) -> bool:
    """Whether a DUE match's year is the one the meeting says it is in, none being said or known."""
    if meeting_date is None and m.groupdict().get("month_name"):  # a month's end ("ก่อนสิ้นเดือนตุลา")
        return not m["month_year"]
    return meeting_date is None and bool(m.groupdict().get("month")) \
        and not (m["year"] and _year(m["year"]) is not None)  # (a RELATIVE match has no "month")


def year_misheard(m: re.Match[str], year: MeetingYear | None) -> bool:
    """Whether the year said with a DUE match cannot be right for a meeting held near `year`:
    three digits ("256"), or not within a year before to three after it."""
    said = m.groupdict().get("year")  # a RELATIVE match says no year
    if not said or year is None or year.near is None:
        return False
    return _year(said) is None or not year.near - 1 <= _year(said) <= year.near + 3


def _year(said: str) -> int | None:
    if not said.isdigit():
        said = _spoken_year(said)
    if len(said) == 3:
        return None
    year = int(said)
    year = 2500 + year if year < 100 else year
    return year - BE_OFFSET if year > 2400 else year


def _spoken_year(said: str) -> str:
    """"สองห้าหกเก้า" -> "2569", "สองพันห้าร้อยหกสิบเก้า" -> "2569"."""
    said = re.sub(r"\s", "", said)
    if said.startswith("สองพันห้าร้อย"):
        rest = said.removeprefix("สองพันห้าร้อย")
        return str(2500 + (word_to_int(rest) if rest else 0))
    digits = re.findall(_DIGIT, said)
    return "".join(str(DIGIT_WORDS.index(d)) for d in digits)


# A B.E. year said in words as people say it ("สองห้าหกเก้า", "สองพันห้าร้อยหกสิบเก้า"), read like its digits.
_YEAR_IN_WORDS = re.compile(rf"สองห้า(?:{_DIGIT}){{2}}|สองพันห้าร้อย(?:(?:{_DIGIT})?สิบ)?(?:เอ็ด|{_DIGIT})?")


def year_said(text: str) -> MeetingYear:
    """The year (C.E.) a meeting is in, by its words: the B.E. year most said in it (the later of
    two said as often), in digits or in words ("สองห้าหกเก้า"), and the one of its number written in
    digits ("ครั้งที่ 4/2569", "ครั้งที่ 7 2569", "ครั้งที่3 ปี2569" -> 2026). Only the number says when the
    meeting is: deadlines ("31 มีนาคม 2570") and fiscal years ("ปีงบประมาณ 2570") lie after it by any
    amount. (A number said in words, "ครั้งที่หนึ่งทับสองห้าหกเก้า", is not read as one: those meetings
    name early-year deadlines of the next year, "สิบสาม กุมภา", with no year.)"""
    def most(years: list[int]) -> int | None:
        return max(set(years), key=lambda y: (years.count(y), y)) - BE_OFFSET if years else None

    in_digits = _YEAR_IN_WORDS.sub(lambda m: _spoken_year(m[0]), flatten(text))
    said = [int(y) for y in re.findall(r"(?<!\d)25[5-9]\d(?!\d)", in_digits)]
    numbered = [int(y) for y in re.findall(r"ครั้งที่\s*\S{1,6}?\s*(?:/|\s|ปี)\s*(25[5-9]\d)(?!\d)", text)]
    return MeetingYear(most(said), most(numbered))


def _unread_year(m: re.Match[str]) -> bool:
    """Whether digits follow a day and month, a year said but too misheard to read ("...รับห้าหกเก้า")."""
    return len(re.findall(rf"{_DIGIT}|\d", m.string[m.end(): m.end() + 14])) >= 2


def _date_of(m: re.Match[str], meeting_date: dt.date | None, meeting_year: MeetingYear | None = None) -> dt.date | None:
    day = word_to_int(m["day"])
    month = _MONTH_FORMS[re.sub(r"[\s.]", "", m["month"])]
    if meeting_date and meeting_year is None:
        meeting_year = MeetingYear(meeting_date.year, meeting_date.year)
    if m["year"] and year_misheard(m, meeting_year):
        # the year of the meeting's number, unless it was misheard too: the deadlines said lie after it
        own = meeting_year.own
        year = own if own and meeting_year.near and abs(own - meeting_year.near) <= 1 else meeting_year.near
        if meeting_date and (month, day) < (meeting_date.month, meeting_date.day):
            year += 1
    elif m["year"] and _year(m["year"]) is not None:
        year = _year(m["year"])
    elif meeting_date:
        year = meeting_date.year
        if (month, day) < (meeting_date.month, meeting_date.day):
            year += 1
    elif meeting_year and (meeting_year.own or _unread_year(m) and meeting_year.near):
        # no year said and no meeting date: the year the meeting says it is in ("ครั้งที่ 1/2569"), as
        # a secretary writes it (see `year_assumed`); one heard too badly to read ("สิบห้ามิถุนายนสอราะาหกเก้า")
        # was said, and is near the others said
        year = meeting_year.own or meeting_year.near
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # "31 เมษายน": heard wrong; leave it to the reviewer
        return None

