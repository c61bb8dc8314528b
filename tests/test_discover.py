import hashlib
from pathlib import Path

import pytest

from pipeline import discover, meeting
from pipeline.errors import MinutesError


def test_file_with_thai_name_and_spaces(tone_m4a: Path, tmp_path: Path) -> None:
    target = tmp_path / "ประชุม คณะทำงาน ครั้งที่ 1.m4a"
    tone_m4a.rename(target)
    rec = discover.find(target)
    assert rec.id == "ประชุม คณะทำงาน ครั้งที่ 1"
    assert rec.parts == [str(target)]


def test_zoom_folder_gives_parts_in_order_and_start_time(tone_m4a: Path, tmp_path: Path) -> None:
    folder = tmp_path / "2022-04-19 13.30.00 คณะทำงานขับเคลื่อนแผนแม่บทฯ 81234567890"
    folder.mkdir()
    for name in ("zoom_10.mp4", "zoom_2.mp4", "zoom_0.mp4", "chat.txt"):
        (folder / name).write_bytes(tone_m4a.read_bytes())
    (folder / "meeting.yaml").write_text("body: คณะทำงาน\n", encoding="utf-8")
    rec = discover.find(folder)
    assert [Path(p).name for p in rec.parts] == ["zoom_0.mp4", "zoom_2.mp4", "zoom_10.mp4"]
    assert rec.started == "2022-04-19T13:30:00" and rec.started_source == "Zoom folder name"
    assert rec.meeting_file and rec.meeting_file.endswith("meeting.yaml")
    completed = meeting.complete(meeting.load(rec.meeting_file), rec, duration=3600)
    assert (completed.date, completed.start_time, completed.end_time) == ("2022-04-19", "13.30", "14.30")
    assert completed.sources["date"] == "Zoom folder name"


def test_audio_preferred_over_video(tone_m4a: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    folder.mkdir()
    (folder / "video1234.mp4").write_bytes(tone_m4a.read_bytes())
    (folder / "audio1234.m4a").write_bytes(tone_m4a.read_bytes())
    assert [Path(p).name for p in discover.find(folder).parts] == ["audio1234.m4a"]


def _file(folder: Path, name: str, content: str) -> Path:
    (folder / name).write_text(content, encoding="utf-8")
    return folder / name


def _mkdir(folder: Path) -> Path:
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda d: d / "missing.m4a", "no such file"),
        (lambda d: _file(d, "empty.m4a", ""), "empty"),
        (lambda d: _file(d, "notes.docx", "x"), "not a recording"),
        (lambda d: _file(d, "double_click_to_convert_01.zoom", "x").parent, "never converted"),
        (lambda d: _mkdir(d / "sub"), "no audio or video"),
        (lambda d: _file(d, "transcript.json", "{not json"), "line 1"),
        (lambda d: _file(d, "transcript.json", '{"segments": [{"text": 1}]}'), "needs"),
    ],
)
def test_bad_paths_name_the_file_and_the_fix(setup, expected: str, tmp_path: Path) -> None:  # noqa: ANN001
    path = setup(tmp_path)
    with pytest.raises(MinutesError) as err:
        discover.find(path)
    message = str(err.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_recording_id_drops_characters_windows_forbids() -> None:
    assert discover.recording_id('ประชุม: "วาระ" 1/2569?') == "ประชุม_ _วาระ_ 1_2569_"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("Aux.m4a", "Aux_.m4a"),  # a device name with an extension is the device too
        ("NUL .txt", "NUL_ .txt"),
        ("COM1", "COM1_"),
        ("lpt9.mp4", "lpt9_.mp4"),
        ("PRN.", "PRN_"),  # Windows drops the final dot: still PRN
        ("COM10", "COM10"),  # not a device
        ("CONSOLE", "CONSOLE"),
        ("ประชุม CON", "ประชุม CON"),
        ("", "recording"),
    ],
)
def test_recording_id_is_never_a_windows_device_name(name: str, expected: str) -> None:
    assert discover.recording_id(name) == expected


def test_a_long_recording_id_is_cut_between_letters_and_keeps_a_hash() -> None:
    name = "ประชุมคณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล ครั้งที่ 1/2569 วันที่ 19 มีนาคม 2569 ณ ห้องประชุมใหญ่ชั้นห้า"
    made = discover.recording_id(name)
    # 71 characters of the name (the 72nd, "ม" of มีนาคม, is a letter), "-", and 8 of its SHA-256
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    assert made == f"ประชุมคณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล ครั้งที่ 1_2569 วันที่ 19 มีนาค-{digest}"
    assert len(made) == 80
    # 71 cuts "ที่" between ท and its marks (index 71 is the vowel ี): the cut moves back to before ท
    cut_in_a_letter = "ก" * 70 + "ที่" + "ข" * 20
    assert discover.recording_id(cut_in_a_letter).split("-")[0] == "ก" * 70
    assert discover.recording_id("ก" * 80) == "ก" * 80  # at the limit: kept whole
    assert discover.recording_id("ก" * 81) != discover.recording_id("ก" * 82)  # the hash keeps them apart


def test_chat_words_decide_which_chat_a_folder_has(tone_m4a: Path, tmp_path: Path) -> None:
    folder = tmp_path / "2026-03-19 16.29.00 会議"
    folder.mkdir()
    tone_m4a.rename(folder / "audio1382913456.m4a")
    chat = Path(__file__).parent / "data" / "zoom" / "japanese_chat.txt"
    (folder / "meeting_saved_chat.txt").write_bytes(chat.read_bytes())
    (folder / "meeting.yaml").write_text("chat_words: {from: 開始, to: に, everyone: 全員}\n", encoding="utf-8")
    assert discover.meeting_beside(folder) == str(folder / "meeting.yaml")
    assert discover.meeting_beside(folder / "audio1382913456.m4a") == str(folder / "meeting.yaml")
    assert discover.meeting_beside(tmp_path / "missing") is None
    # English keywords: the file is there but not understood, so it is not the recording's chat.
    rec = discover.find(folder)
    assert rec.chat_file is None and rec.unused == ["meeting_saved_chat.txt"]
    rec = discover.find(folder, meeting.load(discover.meeting_beside(folder)))
    assert rec.chat_file == str(folder / "meeting_saved_chat.txt") and rec.unused == []
