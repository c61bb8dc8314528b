from pathlib import Path

import pytest

from pipeline import meeting
from pipeline.errors import MinutesError
from pipeline.types import Recording


def test_times_and_dates_stay_as_written(tmp_path: Path) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text(
        "body: คณะทำงานขับเคลื่อนแผนแม่บท\nsession: 1/2569\ndate: 2026-03-19\nstart_time: 13:30\n"
        "chair: {name: นายสมชาย ใจดี, position: ผู้อำนวยการสำนักสิ่งแวดล้อม}\n"
        "members_absent:\n  - {name: นางสาวมาลี ดีงาม, position: นักวิชาการ, reason: ติดราชการ}\n"
        "agenda:\n  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n  - {number: 4.1, title: โครงการลดฝุ่น}\n",
        encoding="utf-8",
    )
    m = meeting.load(path)
    assert (m.session, m.date, m.start_time, m.end_time) == ("1/2569", "2026-03-19", "13:30", "")
    assert m.chair and m.chair.position == "ผู้อำนวยการสำนักสิ่งแวดล้อม"
    assert m.members_absent[0].note == "ติดราชการ"
    assert [(a.number, a.title) for a in m.agenda] == [
        ("1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
        ("4.1", "โครงการลดฝุ่น"),
    ]
    # The YAML start time wins over the recording's; no end time is invented from it.
    rec = Recording(id="x", path="x", started="2026-03-19T13:42:00", started_source="Zoom folder name")
    done = meeting.complete(m, rec, duration=600)
    assert (done.start_time, done.end_time) == ("13:30", "")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("body: [unclosed\n", "line"),
        ("colour: blue\n", "unknown field"),
        ("date: 19/03/2026\n", "YYYY-MM-DD"),
        ("start_time: noon\n", "13.30"),
        ("agenda: just text\n", "must be a list"),
    ],
)
def test_bad_meeting_file_is_one_line_naming_it(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinutesError) as err:
        meeting.load(path)
    assert expected in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)
