"""Thai numbers, dates and times, as said and as a Thai secretariat writes them.

The one home of the month names, the number words, the two digit systems and the clock: the text
stage, the glossary, the minutes engines and the renderers all take them from here.
"""

from __future__ import annotations

import datetime as dt
import re

THAI_MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
THAI_MONTHS_ABBR = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
THAI_WEEKDAYS = ["วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์"]
# The digits as counted, each at its value's index; NUMBER_WORDS adds how a digit is said inside a
# number (เอ็ด: the one after a ten, ยี่: the two of twenty), in the order the rules try them.
DIGIT_WORDS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
NUMBER_WORDS = {
    "ศูนย์": 0, "หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7,
    "แปด": 8, "เก้า": 9,
}  # fmt: skip
MULTIPLIERS = {"สิบ": 10, "ร้อย": 100, "พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}
BE_OFFSET = 543
BLANK = "......"  # a visible gap for the reviewer to fill; never an invented value

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Bangkok has no daylight saving: a fixed offset avoids needing tz data on Windows.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")


def thai_digits(text: str, keep_latin: bool = False) -> str:
    """`text` with Thai digits (๐-๙); with `keep_latin`, a word with Latin letters (PM2.5) keeps its own."""
    if not keep_latin:
        return text.translate(_THAI_DIGITS)
    return re.sub(r"\S+", lambda m: m[0] if re.search("[A-Za-z]", m[0]) else m[0].translate(_THAI_DIGITS), text)


def arabic_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)


def digits(text: str, thai: bool) -> str:
    """`text` in Thai digits when asked for them, else as it is."""
    return thai_digits(text) if thai else text


def clock(seconds: float, pad_hours: bool = True) -> str:
    """`01:02:03` (or `1:02:03`) from 3723.4 seconds: a time into a recording, in whole seconds."""
    whole = max(0, int(seconds))
    hours = f"{whole // 3600:02d}" if pad_hours else f"{whole // 3600}"
    return f"{hours}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """An ISO date (Gregorian) or a date whose year is B.E. (> 2400) -> date; None if empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    y, m, d = (int(p) for p in arabic_digits(str(value)).strip()[:10].split("-"))
    if y > 2400:
        y -= BE_OFFSET
    return dt.date(y, m, d)


def date_be(value: str | dt.date | None, thai: bool = False) -> str:
    """`19 มีนาคม 2569`; the blank marker when the date is unknown."""
    day = parse_date(value)
    if day is None:
        return BLANK
    return digits(f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BE_OFFSET}", thai)


def time_th(value: str | None, thai: bool = False) -> str:
    """`13.30 น.` from "13:30", "13.30" or "1330"; the blank marker when unknown."""
    if not value:
        return BLANK
    text = arabic_digits(str(value)).strip().replace(":", ".")
    if "." not in text and len(text) in (3, 4):
        text = f"{text[:-2]}.{text[-2:]}"
    hour, _, minute = text.partition(".")
    return digits(f"{int(hour):02d}.{int(minute or 0):02d} น.", thai)
