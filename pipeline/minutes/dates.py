"""Deadlines as said ("ภายในวันที่ 30 เมษายน 2569", "ภายใน 30 เม.ย. 69") -> dates."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.minutes.text import NUMWORD, flatten, word_to_int
from pipeline.thaidate import BE_OFFSET, THAI_MONTHS, THAI_MONTHS_ABBR, THAI_WEEKDAYS

_WEEKDAY = "|".join(d.removeprefix("วัน") for d in THAI_WEEKDAYS) + "|พฤหัส"
_MONTH_FORMS = {m: i for i, m in enumerate(THAI_MONTHS, 1)} | {
    a.replace(".", ""): i for i, a in enumerate(THAI_MONTHS_ABBR, 1)
}
_MONTH = "|".join(
    THAI_MONTHS + [r"\.?\s*".join(re.escape(c) for c in a.replace(".", "")) + r"\.?"
                   for a in THAI_MONTHS_ABBR]
)
DUE = re.compile(
    rf"(?:ภายใน|ก่อน|ไม่เกิน)(?:วัน(?:{_WEEKDAY})?)?(?:ที่)?\s*(?P<day>\d{{1,2}}|{NUMWORD})"
    rf"\s*(?P<month>{_MONTH})(?:\s*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?))?(?:\s*(?P<year>\d{{4}}|\d{{2}})(?!\d))?"
)


def due_date(
    text: str, meeting_date: dt.date | None
) -> tuple[dt.date | None, re.Match[str] | None]:
    """The deadline said in `text` ("ภายในวันที่ 30 เมษายน 2569", "ภายใน 30 เม.ย. 69").

    B.E. years lose 543; a two-digit year is B.E. 25xx; a missing year is the meeting's, or
    the next one when the day would fall before the meeting. Returns (None, match) when a
    day and month were said but no year can be known, (None, None) when none was said."""
    m = DUE.search(text)
    if not m:
        return None, None
    return _date_of(m, meeting_date), m


def dates_said(text: str, meeting_date: dt.date | None) -> list[dt.date]:
    """Every deadline said in `text` that is a real date (see `due_date`)."""
    found = (_date_of(m, meeting_date) for m in DUE.finditer(flatten(text)))
    return [d for d in found if d is not None]


def _date_of(m: re.Match[str], meeting_date: dt.date | None) -> dt.date | None:
    day = word_to_int(m["day"])
    month = _MONTH_FORMS[re.sub(r"[\s.]", "", m["month"])]
    if m["year"]:
        year = int(m["year"])
        year = 2500 + year if year < 100 else year
        year = year - BE_OFFSET if year > 2400 else year
    elif meeting_date:
        year = meeting_date.year
        if (month, day) < (meeting_date.month, meeting_date.day):
            year += 1
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # "31 เมษายน": heard wrong; leave it to the reviewer
        return None

