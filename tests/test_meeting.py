import logging
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


def _load_warnings(path: Path, text: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    path.write_text(text, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline.meeting"):
        meeting.load(path)
    return [r.getMessage() for r in caplog.records]


def test_an_unknown_key_is_a_warning_naming_the_file_the_line_and_the_field_meant(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "meeting.yaml"
    text = (
        "body: คณะทำงาน\n"
        "members:\n"
        "  - name: นายสมชาย ใจดี\n"
        "    position: ผู้อำนวยการ\n"
        '    zoom_name: "Somchai J."\n'
    )
    assert _load_warnings(path, text, caplog) == [
        f"{path} line 5: `zoom_name` is not a meeting.yaml field; did you mean `display_name`?"
    ]
    m = meeting.load(path)
    assert (m.members[0].name, m.members[0].aliases) == ("นายสมชาย ใจดี", [])  # left out, not guessed
    assert _load_warnings(path, "venu: ห้องประชุม 1\nagenda:\n  - {numbr: 1, title: แจ้งเพื่อทราบ}\n", caplog) == [
        f"{path} line 1: `venu` is not a meeting.yaml field; did you mean `venue`?",
        f"{path} line 3: `numbr` is not a meeting.yaml field; did you mean `number`?",
    ]
    assert _load_warnings(path, "Start Time: 13.30\nchat_words: {form: De}\n", caplog) == [
        f"{path} line 1: `Start Time` is not a meeting.yaml field; did you mean `start_time`?",
        f"{path} line 2: `form` is not a meeting.yaml field; did you mean `from`?",
    ]
    (colour,) = _load_warnings(path, "colour: blue\n", caplog)
    assert colour.startswith(f"{path} line 1: `colour` is not a meeting.yaml field and is left out (the fields")
    twice = _load_warnings(path, "body: ก\nbody: ข\n", caplog)
    assert twice == [f"{path} line 2: `body` is given twice; the last one is used"]
    assert meeting.load(path).body == "ข"


@pytest.mark.parametrize(
    "text, line, expected",
    [
        ("body: [คณะทำงาน, ชุดที่ 2]\n", 1, "`body` must be text, not a list"),
        ("venue: {room: 1}\n", 1, "`venue` must be text, not 'key: value' lines"),
        ("session: 1/2569\nchair: [นายก, นายข]\n", 2, "each entry of `chair` is a name or 'name: ..., position: ...'"),
        ("members: {name: นายก}\n", 1, "`members` must be a list"),
        ("members:\n  - {name: นายก, position: [ก, ข]}\n", 2, "`position` of นายก must be text, not a list"),
        ("members:\n  - {position: ผู้อำนวยการ}\n", 2, "each entry of `members` needs a name"),
        ("attendees:\n  - {name: นายก, aliases: {x: 1}}\n", 2, "`aliases` of นายก must be a name or a list of names"),
        ("agenda:\n  - {number: 1, title: [ก]}\n", 2, "`title` of an agenda entry must be text"),
        ("agenda:\n  - {number: 1}\n", 2, "each agenda entry needs a title"),
        ("agenda:\n  - [1, ก]\n", 2, "each agenda entry is '4.1 title'"),
        ("chat_words: [From, to]\n", 1, "`chat_words` must be 'key: word' lines"),
        ("chat_words:\n  from: [De]\n", 2, "`from` of chat_words must be text, not a list"),
        ("body: ก\ndate: 19/03/2026\n", 2, "YYYY-MM-DD"),
    ],
)
def test_a_wrong_type_is_one_line_naming_the_file_and_the_line(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinutesError) as err:
        meeting.load(path)
    message = str(err.value)
    assert message.startswith(f"{path} line {line}: ") and expected in message and "\n" not in message


def test_every_field_read(tmp_path: Path) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text(
        "chair: นายสมชาย ใจดี\n"
        "members:\n"
        "  - {name: นายวิรัตน์ มนัสสนิทวงศ์, display_name: Wirat M., aliases: WiratM}\n"
        "  - {name: นางมาลี ศรีสุข, note: มาประชุมแทน}\n"
        "members_present:\nmembers_absent:\n  - {name: นายก้อง ไกลบ้าน, reason: ติดราชการ}\n"
        "minute_taker: {name: นางสาวณัฐธิดา ใจงาม, position: นักวิเคราะห์}\n"
        "reviewer: นายธนา รักดี\n"
        "chat_words: {from: 開始, to: に, everyone: 全員, direct: （DM）, replying: 返信}\n",
        encoding="utf-8",
    )
    m = meeting.load(path)
    assert m.chair and m.chair.name == "นายสมชาย ใจดี" and m.members_present == []
    assert m.members[0].aliases == ["Wirat M.", "WiratM"] and m.members[1].note == "มาประชุมแทน"
    assert m.members_absent[0].note == "ติดราชการ" and m.reviewer and m.reviewer.name == "นายธนา รักดี"
    assert m.minute_taker and m.minute_taker.position == "นักวิเคราะห์"
    assert m.chat_words == {"from": "開始", "to": "に", "everyone": "全員", "direct": "（DM）", "replying": "返信"}
