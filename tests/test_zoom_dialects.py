"""Chat files and participants reports in every dialect, from our own fixtures (tests/data/zoom/).

Every expected value here was counted by hand from the fixture it reads (see its README).
"""

import datetime as dt
from pathlib import Path

import pytest

from pipeline import zoom
from pipeline.errors import MinutesError

DATA = Path(__file__).parent / "data" / "zoom"
JAPANESE = {"from": "開始", "to": "に", "everyone": "全員"}
SPANISH = {"from": "De", "to": "a", "everyone": "Todos", "direct": "(Mensaje directo)"}


def _chat(name: str, started: str, words: dict[str, str] | None = None) -> zoom.Chat:
    return zoom.parse_chat(DATA / name, dt.datetime.fromisoformat(started), zoom.ChatWords.from_config(words))


def _summary(chat: zoom.Chat) -> list[tuple]:
    return [(m.sender, m.to, m.direct, m.at, m.clock) for m in chat.messages]


def test_cloud_times_are_since_the_start() -> None:
    chat = _chat("cloud_chat.txt", "2026-03-19 13:30:00")
    assert chat.dialect == "cloud" and chat.reactions == 0 and chat.unread == 0
    assert _summary(chat) == [
        ("สมชาย ใจดี", "Everyone", False, 4.0, "13:30:04"),
        ("Wirat M.", "Everyone", False, 70.0, "13:31:10"),
        ("มาลี ศรีสุข", "Everyone", False, 150.0, "13:32:30"),
    ]
    assert chat.messages[1].text == "เอกสารวาระที่ 4 ครับ\nลิงก์ https://example.go.th/วาระ4.pdf"
    assert chat.messages[2].text == "รับทราบค่ะ\tขอบคุณค่ะ"  # a tab inside a message is text


def test_old_one_line_file_is_wall_clock_not_a_cloud_file() -> None:
    # The folder is `2026-03-19 12.44.00 ...`: 12:45:05 is 65 s in, not 12 h 45 min.
    started = zoom.parse_folder_name("2026-03-19 12.44.00 คณะทำงาน").started
    chat = zoom.parse_chat(DATA / "local_tab_chat.txt", started)
    assert chat.dialect == "local tab" and chat.unread == 0
    assert _summary(chat) == [
        ("Nora Jones", "Everyone", False, 65.0, "12:45:05"),
        ("สมชาย ใจดี", "Nora Jones", True, 120.0, "12:46:00"),
        ("Nora Jones", "สมชาย ใจดี", True, 210.0, "12:47:30"),
        ("มาลี ศรีสุข", "Everyone", False, 255.0, "12:48:15"),
        ("สมชาย ใจดี", "Everyone", False, 360.0, "12:50:00"),
    ]
    texts = [m.text for m in chat.messages]
    # CRLF ends a record; the bare CR inside the fourth is a line break in its text.
    assert texts[3] == "ขอเพิ่มวาระ: เรื่องงบประมาณ\nบรรทัดที่สองของข้อความ"
    assert texts[4] == "talk to me after : ok"  # only the first " : " ends the header


def test_local_v1_with_a_private_message_a_reaction_and_lines_below() -> None:
    chat = _chat("local_v1_chat.txt", "2026-03-19 13:30:00")
    assert chat.dialect == "local v1" and chat.reactions == 1
    assert _summary(chat) == [
        ("สมชาย ใจดี", "Everyone", False, 4.0, "13:30:04"),
        ("ธนา รักดี", "Wirat M.", True, 60.0, "13:31:00"),
        ("มาลี ศรีสุข", "Everyone", False, 125.0, "13:32:05"),
    ]
    assert chat.messages[2].text == "แผนงานมีสามข้อ\n1. สำรวจพื้นที่\n2. จัดทำรายงาน"


def test_local_v2_capital_to_and_code_keeps_its_indentation() -> None:
    chat = _chat("local_v2_chat.txt", "2026-03-19 09:00:00")
    assert chat.dialect == "local v2"
    assert _summary(chat) == [
        ("สมชาย ใจดี", "Everyone", False, 62.0, "09:01:02"),  # `From สมชาย ใจดี To Everyone:`
        ("Wirat M.", "Everyone", False, 120.0, "09:02:00"),
        ("ธนา รักดี", "มาลี ศรีสุข", True, 210.0, "09:03:30"),
    ]
    assert chat.messages[1].text == "def total(rows):\n    return sum(r.amount for r in rows)\n\nprint(total(rows))"


def test_newest_file_reactions_and_replies_are_not_text() -> None:
    chat = _chat("dated_chat.txt", "2026-03-19 13:30:00")
    assert chat.dialect == "local dated"
    # Two reaction lines under messages and one "Reacted to" message.
    assert chat.reactions == 3
    assert _summary(chat) == [
        ("สมชาย ใจดี", "Everyone", False, 4.0, "13:30:04"),
        ("Wirat M.", "Everyone", False, 20.0, "13:30:20"),
        ("ธนา รักดี", "Wirat M.", True, 60.0, "13:31:00"),  # `(direct message)`, lower case
        ("มาลี ศรีสุข", "Everyone", False, 130.0, "13:32:10"),
    ]
    first, reply, direct, last = chat.messages
    assert first.text == "ส่งเอกสารประกอบวาระที่ 4 ในแชทแล้วครับ" and first.reply_to is None
    assert reply.text == "ได้รับแล้ว ขอบคุณครับ" and reply.reply_to == "ส่งเอกสารประกอบวาระที่ 4 ใน…"
    assert direct.text == "ขอไฟล์ด้วยครับ"
    assert last.text == "เวลา: 14:00 น."  # a colon in text is not a reaction
    assert not any("👍" in m.text or "❤" in m.text for m in chat.messages)


def test_japanese_and_spanish_clients_need_their_words() -> None:
    for name, words, word in (("japanese_chat.txt", JAPANESE, "開始"), ("spanish_chat.txt", SPANISH, "De")):
        path = DATA / name
        assert zoom.classify(path) == "chat"  # recognised by its shape, whatever the language
        problem = zoom.chat_problem(path)
        assert problem and f"'{word}'" in problem and "chat_words" in problem
        with pytest.raises(MinutesError, match="found, not understood") as err:
            zoom.parse_chat(path)
        assert str(path) in str(err.value) and "\n" not in str(err.value)
        assert zoom.chat_problem(path, zoom.ChatWords.from_config(words)) is None
    japanese = _chat("japanese_chat.txt", "2026-03-19 16:29:00", JAPANESE)
    assert japanese.dialect == "local v1"
    assert [(m.sender, m.to, m.direct, m.at, m.text) for m in japanese.messages] == [
        ("山田太郎", "全員", False, 55.0, "こんにちは"),
        ("佐藤花子", "山田太郎", True, 100.0, "資料を送りました"),  # （ダイレクトメッセージ） taken off
        ("佐藤花子", "全員", False, 125.0, "議題4の資料です"),
    ]
    spanish = _chat("spanish_chat.txt", "2026-03-19 16:20:00", SPANISH)
    assert spanish.dialect == "local tab"
    assert [(m.sender, m.to, m.direct, m.at, m.text) for m in spanish.messages] == [
        ("Ana García", "Todos", False, 25.0, "Hola a todos"),
        ("Luis Pérez", "Ana García", True, 60.0, "¿Tienes el acta?"),
        ("Ana García", "Todos", False, 130.0, "Sí, la envío ahora"),
    ]


def test_reaction_lines() -> None:
    assert zoom._reaction_line("Elianna DeSota, Peiyu Chen:👍")
    assert zoom._reaction_line("สมชาย ใจดี:❤️")
    assert zoom._reaction_line("Ann:👍🏽😂")
    assert not zoom._reaction_line("เวลา: 14:00 น.")
    assert not zoom._reaction_line("Note: 👍 means yes")
    assert not zoom._reaction_line("👍")


def test_excel_resaved_report_merges_overlapping_sessions() -> None:
    roster = zoom.parse_participants(DATA / "participants_excel.csv")
    assert roster.meeting["meeting id"] == "81234567890"
    # The waiting-room row is not time in the meeting; whoever only waited is not on the roster.
    assert [(p.name, p.joined, p.left, p.minutes, p.sessions) for p in roster.people] == [
        ("สมชาย ใจดี", "2026-03-19T13:25:00", "2026-03-19T15:00:00", 95.0, 1),
        # 13:30-15:00 on a laptop and 14:00-14:45 on an iPad at once: 90 minutes, not 135.
        ("Wirat M.", "2026-03-19T13:30:00", "2026-03-19T15:00:00", 90.0, 2),
        ("มาลี ศรีสุข", "2026-03-19T13:40:00", "2026-03-19T15:00:00", 70.0, 2),
    ]
    assert roster.people[1].names == ["Wirat M.", "วิรัตน์ มนัสสนิทวงศ์", "Wirat iPad"]


def test_thai_excel_writes_the_day_first_and_the_buddhist_year() -> None:
    roster = zoom.parse_participants(DATA / "participants_thai_excel.csv")
    assert [(p.name, p.joined, p.left, p.minutes) for p in roster.people] == [
        ("สมชาย ใจดี", "2026-03-19T13:30:00", "2026-03-19T15:00:00", 90.0),
        ("มาลี ศรีสุข", "2026-03-19T13:40:00", "2026-03-19T14:10:30", 30.5),
    ]


@pytest.mark.parametrize(
    "value, day_first, expected",
    [
        ("11/19/2021 09:54:15 AM", False, "2021-11-19T09:54:15"),
        ("11/19/2021 9:54:15 PM", False, "2021-11-19T21:54:15"),
        ("11/19/2021 12:01:59 AM", False, "2021-11-19T00:01:59"),
        ("1/26/2021 7:45", False, "2021-01-26T07:45:00"),
        ("1/26/21 17:45", False, "2021-01-26T17:45:00"),
        ("2021-01-26 07:45:00", False, "2021-01-26T07:45:00"),
        ("26/1/2564 07:45", True, "2021-01-26T07:45:00"),
    ],
)
def test_report_times_as_zoom_and_excel_write_them(value: str, day_first: bool, expected: str) -> None:
    moment = zoom._report_time(value, day_first)
    assert moment is not None and moment.isoformat() == expected
