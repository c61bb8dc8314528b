"""Dates, times and digits as a Thai secretariat writes them (B.E. years, `เวลา 13.30 น.`)."""

from __future__ import annotations

import datetime as dt

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
BE_OFFSET = 543
BLANK = "......"  # a visible gap for the reviewer to fill; never an invented value

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Bangkok has no daylight saving: a fixed offset avoids needing tz data on Windows.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")


def thai_digits(text: str) -> str:
    return text.translate(_THAI_DIGITS)


def arabic_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)


def digits(text: str, thai: bool) -> str:
    return thai_digits(text) if thai else text


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
