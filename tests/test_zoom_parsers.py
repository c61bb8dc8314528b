"""Zoom's companions read in every dialect the reference describes, and names mapped to people."""

import datetime as dt
from pathlib import Path

import pytest

from pipeline import meeting, zoom
from pipeline.errors import MinutesError
from pipeline.types import AgendaItem, ChatMessage, Meeting, Person
from tests import zoomfolder as zf


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "2022-04-19 13.30.00 คณะทำงานขับเคลื่อนแผนแม่บทฯ 81234567890",
            (dt.datetime(2022, 4, 19, 13, 30), "คณะทำงานขับเคลื่อนแผนแม่บทฯ", "81234567890"),
        ),
        ("2026-03-19 09.05.07  ประชุม ครั้งที่ 1/2569", (dt.datetime(2026, 3, 19, 9, 5, 7), "ประชุม ครั้งที่ 1/2569", "")),
        (
            "2018-7-13 18.43.13 Weekly sync 912345678",
            (dt.datetime(2018, 7, 13, 18, 43, 13), "Weekly sync", "912345678"),
        ),
    ],
)
def test_folder_names_old_and_new(name: str, expected: tuple) -> None:
    parsed = zoom.parse_folder_name(name)
    assert parsed is not None and (parsed.started, parsed.topic, parsed.meeting_id) == expected


def test_not_a_zoom_folder_name() -> None:
    assert zoom.parse_folder_name("ประชุม 19 มีนาคม") is None
    assert zoom.parse_folder_name("2026-02-30 10.00.00 วันที่ไม่มีจริง") is None


def _write_chat(tmp_path: Path, dialect: str) -> Path:
    path = tmp_path / f"chat {dialect}.txt"
    path.write_text(zf.chat_text(zf.CHAT, dialect, zf._wall(zf.STARTED, [])), encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("dialect", ["cloud", "local v1", "local v2", "local dated"])
def test_every_chat_dialect(dialect: str, tmp_path: Path) -> None:
    path = _write_chat(tmp_path, dialect)
    assert zoom.classify(path) == "chat"
    chat = zoom.parse_chat(path, zf.STARTED)
    assert chat.dialect == dialect and chat.reactions == 1 and chat.unread == 0
    by_sender = {m.sender: m for m in chat.messages}
    # Multi-line text stays whole; a tab inside a message survives (the cloud dialect is tab-separated).
    assert by_sender[zf.WIRAT].text == f"{zf.DOC}\nลิงก์ https://example.go.th/วาระ4.pdf"
    assert by_sender[zf.JICA].text == "ได้รับแล้ว ขอบคุณค่ะ\tดูหน้า 3"
    assert by_sender[zf.JICA].reply_to == zf.DOC
    # Times on the recording's timeline, the wall clock joined to the folder's date.
    assert [m.at for m in chat.messages if not m.direct] == [4.0, 9.0, 20.0]
    assert by_sender[zf.CHAIR].clock == "13:30:04" and by_sender[zf.CHAIR].to == "Everyone"
    direct = [(m.sender, m.to, m.text) for m in chat.messages if m.direct]
    assert direct == ([] if dialect == "cloud" else [(zf.THANA, zf.WIRAT, "ขอบคุณครับ")])


def test_chat_keywords_follow_the_client_language(tmp_path: Path) -> None:
    path = tmp_path / "meeting_saved_chat.txt"
    path.write_text("13:31:02 จาก  สมชาย ใจดี  ถึง  ทุกคน:\n\tขอเอกสารวาระที่ 3 ด้วยครับ\n", encoding="utf-8")
    with pytest.raises(MinutesError, match="chat_words") as err:
        zoom.parse_chat(path, zf.STARTED)
    assert str(path) in str(err.value)
    words = zoom.ChatWords.from_config({"from": "จาก", "to": "ถึง", "everyone": "ทุกคน"})
    (message,) = zoom.parse_chat(path, zf.STARTED, words).messages
    assert (message.sender, message.text, message.at, message.direct) == (
        "สมชาย ใจดี",
        "ขอเอกสารวาระที่ 3 ด้วยครับ",
        62.0,
        False,
    )


def test_a_meeting_past_midnight_and_a_chat_without_a_start(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("23:59:30 From A to Everyone : ก่อนเที่ยงคืน\n00:00:30 From B to Everyone : หลังเที่ยงคืน\n", "utf-8")
    chat = zoom.parse_chat(path, dt.datetime(2026, 3, 19, 23, 59, 0))
    assert [m.at for m in chat.messages] == [30.0, 90.0]
    unknown = zoom.parse_chat(path)  # no folder name: the time as written, no place on the timeline
    assert [(m.at, m.clock) for m in unknown.messages] == [(None, "23:59:30"), (None, "00:00:30")]


def test_chat_across_parts_skips_the_pause() -> None:
    clock = zoom.PartClock([zf.STARTED, zf.STARTED + dt.timedelta(minutes=10)], [120.0, 300.0])
    assert clock.position(zf.STARTED + dt.timedelta(seconds=60)) == 60.0
    assert clock.position(zf.STARTED + dt.timedelta(minutes=5)) == 120.0  # sent during the pause
    assert clock.position(zf.STARTED + dt.timedelta(minutes=11)) == 180.0


@pytest.mark.parametrize("per_session", [True, False])
def test_participants_report_merges_rejoins(per_session: bool, tmp_path: Path) -> None:
    path = tmp_path / "participants_81234567890.csv"
    path.write_text(zf.participants_csv(zf.ROSTER, zf.STARTED, per_session), encoding="utf-8", newline="")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()
    assert zoom.classify(path) == "participants"
    roster = zoom.parse_participants(path)
    assert roster.meeting["topic"] == zf.TOPIC and roster.complete
    names = [p.name for p in roster.people]
    assert names == [zf.CHAIR, zf.WIRAT, zf.THANA, zf.MALEE, zf.JICA, zf.NOTE_TAKER]
    wirat = roster.people[1]
    assert wirat.sessions == 2 and wirat.names == [zf.WIRAT, "วิรัตน์ มนัสสนิทวงศ์"]
    jica = roster.people[4]
    assert jica.names == [zf.JICA, "Kenji Tanaka"] and jica.guest is True
    if per_session:  # unpadded hours, AM/PM
        assert wirat.joined == "2026-03-19T13:29:10" and wirat.left == "2026-03-19T14:00:00"


def test_not_a_participants_report(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(MinutesError, match="Name \\(Original Name\\)"):
        zoom.parse_participants(path)


def test_timeline_turns_keep_overlaps_and_drop_flicker(tmp_path: Path) -> None:
    _, utterances = zf.compose(zf.TURNS)
    path = tmp_path / "timeline.json"
    path.write_text(zf.timeline_json(utterances, 40.0), encoding="utf-8")
    assert zoom.classify(path) == "timeline"
    turns = zoom.parse_timeline(path)
    assert [t.speaker for t in turns] == [u.speaker for u in utterances]
    for turn, u in zip(turns, utterances, strict=True):  # within one 0.5 s tick
        assert abs(turn.start - u.start) <= 0.5 and abs(turn.end - u.end) <= 0.5
    assert turns[3].start < turns[2].end  # ธนา and the JICA expert overlap: both kept
    flicker = tmp_path / "flicker.json"
    flicker.write_text(
        '{"timeline": [{"ts": "00:00:01.000", "users": [{"username": "A"}]}, '
        '{"ts": "00:00:01.250", "users": []}, {"ts": "00:00:05.000", "users": []}]}',
        encoding="utf-8",
    )
    assert zoom.parse_timeline(flicker) == []


def test_vtt_speaker_prefixes_and_cues_without_one(tmp_path: Path) -> None:
    _, utterances = zf.compose(zf.TURNS)
    path = tmp_path / "GMT20260319-063000_Recording.transcript.vtt"
    path.write_text(zf.vtt_text(utterances), encoding="utf-8", newline="")
    assert zoom.classify(path) == "transcript_vtt"
    cues = zoom.parse_vtt(path)
    assert cues[0].speaker is None and [c.speaker for c in cues[1:]] == [u.speaker for u in utterances[1:]]
    assert cues[2].text == utterances[2].text and abs(cues[2].start - utterances[2].start) < 0.001
    turns = zoom.vtt_turns(cues)
    assert len(turns) == len(utterances) - 1 and turns[0].source == zoom.VTT_SOURCE
    cc = tmp_path / "GMT20260319-063000_Recording.cc.vtt"
    cc.write_text(zf.vtt_text(utterances), encoding="utf-8")
    assert zoom.classify(cc) == "cc_vtt"


def test_track_file_names() -> None:
    assert zoom.track_name("Audio Record/audioJohnSmith98796876.m4a") == "JohnSmith"
    assert zoom.track_name("audioวิรัตน์มนัสสนิทวงศ์11.m4a") == "วิรัตน์มนัสสนิทวงศ์"
    assert zoom.matches_track("Room 101", "audioRoom10112345.m4a")
    assert not zoom.matches_track("Room 102", "audioRoom10112345.m4a".replace("101", "1O1"))


def _planned() -> Meeting:
    return Meeting(
        chair=Person("นายสมชาย ใจดี", "ผู้อำนวยการ"),
        members=[
            Person("นายวิรัตน์ มนัสสนิทวงศ์", "ผู้อำนวยการกอง", aliases=["Wirat M."]),
            Person("นางมาลี ศรีสุข", "ผู้อำนวยการกอง"),
            Person("นางสาวอรทัย ทองคำ", "ผู้อำนวยการกอง"),
        ],
        members_absent=[Person("นายก้อง ไกลบ้าน", "ผู้อำนวยการเขต", "ติดราชการ")],
        attendees=[Person("Mr. Kenji Tanaka", "ผู้เชี่ยวชาญ JICA", aliases=["JICA Expert"])],
    )


def _roster(complete: bool = True) -> zoom.Roster:
    people = [
        zoom.Participant("สมชาย ใจดี", ["สมชาย ใจดี"]),
        zoom.Participant("Wirat M.", ["Wirat M.", "วิรัตน์ มนัสสนิทวงศ์"], sessions=2),
        zoom.Participant("มาลี ศรีสุข", ["มาลี ศรีสุข"]),
        zoom.Participant("JICA Expert", ["JICA Expert", "Kenji Tanaka"]),
        zoom.Participant("iPad ของห้องประชุม", ["iPad ของห้องประชุม"]),
    ]
    return zoom.Roster(people, complete=complete)


def test_zoom_names_become_formal_names() -> None:
    directory = meeting.Directory(_planned(), _roster())
    assert directory.name("Wirat M.") == "นายวิรัตน์ มนัสสนิทวงศ์"  # meeting.yaml alias
    assert directory.name("WiratM.") == "นายวิรัตน์ มนัสสนิทวงศ์"  # a track file name: spaces lost
    assert directory.name("วิรัตน์ มนัสสนิทวงศ์") == "นายวิรัตน์ มนัสสนิทวงศ์"  # the original name, via the roster
    assert directory.name("สมชายใจดี") == "นายสมชาย ใจดี"  # the title นาย is not in the display name
    assert directory.name("Kenji Tanaka") == "Mr. Kenji Tanaka"
    assert directory.name("iPadของห้องประชุม") == "iPad ของห้องประชุม"  # not in meeting.yaml: the roster's name
    assert directory.name("SPEAKER_00") == "SPEAKER_00"


def test_attendance_from_a_complete_roster() -> None:
    done = meeting.attendance(_planned(), _roster())
    assert [p.name for p in done.members_present] == ["นายวิรัตน์ มนัสสนิทวงศ์", "นางมาลี ศรีสุข"]
    assert [(p.name, p.note) for p in done.members_absent] == [
        ("นายก้อง ไกลบ้าน", "ติดราชการ"),  # as meeting.yaml says
        ("นางสาวอรทัย ทองคำ", ""),  # a member missing from the roster
    ]
    assert [(p.name, p.position) for p in done.attendees] == [
        ("Mr. Kenji Tanaka", "ผู้เชี่ยวชาญ JICA"),
        ("iPad ของห้องประชุม", ""),
    ]
    assert done.sources["members_absent"] == meeting.ROSTER_SOURCE


def test_without_a_report_nobody_is_called_absent() -> None:
    done = meeting.attendance(_planned(), _roster(complete=False))
    assert [p.name for p in done.members_absent] == ["นายก้อง ไกลบ้าน"]
    assert "นางสาวอรทัย ทองคำ" in done.sources["members_present"]
    assert done.sources["members_present"].startswith(meeting.SEEN_SOURCE)


def test_without_membership_everyone_on_the_roster_is_listed_present() -> None:
    done = meeting.attendance(Meeting(), _roster())
    assert [p.name for p in done.members_present] == [p.name for p in _roster().people]
    assert meeting.attendance(_planned(), None) == _planned()


def test_meeting_yaml_aliases_and_members(tmp_path: Path) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text(zf.MEETING_YAML + "chat_words: {from: จาก, to: ถึง}\n", encoding="utf-8")
    m = meeting.load(path)
    assert m.members[1].aliases == ["Wirat M."] and m.attendees[0].aliases == ["JICA Expert"]
    assert m.chat_words == {"from": "จาก", "to": "ถึง"}
    path.write_text("members:\n  - {name: นาย ก, aliases: {x: 1}}\n", encoding="utf-8")
    with pytest.raises(MinutesError, match="aliases"):
        meeting.load(path)


def test_chat_lands_in_the_agenda_item_it_was_sent_in() -> None:
    items = [
        AgendaItem("1", "แจ้งเพื่อทราบ", start=10.0),
        AgendaItem("2", "รับรองรายงาน", found=False),
        AgendaItem("4", "เพื่อพิจารณา", start=60.0),
    ]
    messages = [ChatMessage("ก", "ก่อน", at=5.0), ChatMessage("ข", "ระหว่าง", at=30.0), ChatMessage("ค", "ท้าย", at=61.0)]
    messages.append(ChatMessage("ง", "ไม่ทราบเวลา"))
    assert [m.agenda for m in meeting.place_chat(messages, items)] == [None, "1", "4", None]
