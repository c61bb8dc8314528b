"""Zoom folders end to end: speakers named from the folder, attendance, the chat appendix, and
`minutes inspect` on every kind of folder."""

import hashlib
import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from pipeline import runner
from pipeline.cli import app
from pipeline.types import Minutes, Transcript, load
from tests import zoomfolder as zf
from tests.test_render import docx_text

cli = CliRunner()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, zf.Built]:
    root = tmp_path_factory.mktemp("zoom")
    return {
        # New client: per-participant tracks, the dated chat, a participants report, meeting.yaml.
        "local": zf.build_local(root / f"2026-03-19 13.30.00  {zf.TOPIC} {zf.MEETING_ID}"),
        # Downloaded cloud set: M4A, transcript and caption VTTs, cloud chat, timeline, report.
        "cloud": zf.build_cloud(root / "ประชุมคณะทำงาน (คลาวด์)"),
        # Old client, unpadded month, no meeting id: two parts with a 5-minute pause, chat v1.
        "parts": zf.build_local(
            root / "2018-7-13 18.43.13 ประชุม สองช่วง",
            old_client=True,
            with_tracks=False,
            parts=[(12.0, 300.0)],
            dialect="local v1",
            started=zf.dt.datetime(2018, 7, 13, 18, 43, 13),
        ),
    }


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(folder: Path, out: Path, *args: str) -> Path:
    result = cli.invoke(app, ["run", str(folder), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out / folder.name


@pytest.mark.model
def test_zoom_folder_names_who_said_what_and_who_was_there(folders: dict[str, zf.Built], tmp_path: Path) -> None:
    built = folders["local"]
    before = _snapshot(built.folder)
    result = cli.invoke(app, ["run", str(built.folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "speakers from tracks: 5 of 5 per-participant tracks line up" in result.output
    out = tmp_path / built.folder.name
    transcript = load(Transcript, out / "transcript.json")
    right, covered = zf.word_attribution(transcript.segments, built.utterances, zf.FORMAL)
    print(f"speech time attributed to the right named speaker: {right:.3f} (of the {covered:.3f} transcribed)")
    assert right >= 0.95 and covered >= 0.6
    assert {s.speaker_source for s in transcript.segments} == {"Zoom per-participant track"}
    assert transcript.speakers["used"] == "tracks"
    both = {zf.FORMAL[zf.THANA], zf.FORMAL[zf.JICA]}  # they talk over each other for a second
    # The second they talk over each other is given to both of them: as one segment naming the
    # other as overlapping, or (where Whisper cut its segments there) as two.
    jica = next(u for u in built.utterances if u.speaker == zf.JICA)
    a, b = jica.start + 0.2, jica.start + 0.8
    assert set().union(*({s.speaker, *s.overlapping} for s in transcript.segments if s.start < b and s.end > a)) == both
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["speakers"]["used"] == "tracks"
    # Attendance from the report and meeting.yaml; the chat appendix, names intact.
    markdown = (out / "minutes.md").read_text(encoding="utf-8")
    present = markdown.split("## ผู้มาประชุม")[1].split("## ผู้ไม่มาประชุม")[0]
    absent = markdown.split("## ผู้ไม่มาประชุม")[1].split("## ผู้เข้าร่วมประชุม")[0]
    others = markdown.split("## ผู้เข้าร่วมประชุม")[1].split("เริ่มประชุมเวลา")[0]
    assert [n for n in zf.FORMAL.values() if n in present] == [
        "นายสมชาย ใจดี",
        "นายวิรัตน์ มนัสสนิทวงศ์",
        "นายธนา รักดี",
        "นางมาลี ศรีสุข",
    ]
    assert "| 1. นางสาวอรทัย ทองคำ | ผู้อำนวยการกองการขนส่ง |" in absent  # the attendee lists are tables
    assert "Mr. Kenji Tanaka | ผู้เชี่ยวชาญ JICA" in others and "นางสาวณัฐธิดา ใจงาม" in others
    appendix = markdown.split("## ภาคผนวก ข้อความในช่องแชทระหว่างการประชุม")[1]
    assert "นายวิรัตน์ มนัสสนิทวงศ์: ส่งเอกสารประกอบวาระที่ 4 ในแชทแล้วครับ  \n  ลิงก์ https://example.go.th/วาระ4.pdf" in appendix
    assert "Mr. Kenji Tanaka: ได้รับแล้ว ขอบคุณค่ะ" in appendix and "ขอบคุณครับ" not in appendix  # no direct message
    assert "Reacted" not in markdown and "👍" not in markdown
    text = docx_text(docx.Document(str(out / "minutes.docx")))  # paragraphs and table cells
    for expected in ("ผู้ไม่มาประชุม", "นางสาวอรทัย ทองคำ", "ภาคผนวก ข้อความในช่องแชทระหว่างการประชุม", "Mr. Kenji Tanaka"):
        assert expected in text
    lines = (out / "transcript.txt").read_text(encoding="utf-8")
    assert "[00:00:09] (แชท) นายวิรัตน์ มนัสสนิทวงศ์: ส่งเอกสารประกอบวาระที่ 4" in lines
    assert _snapshot(built.folder) == before  # the source folder is never written to


def test_cloud_set_takes_speakers_from_the_timeline(folders: dict[str, zf.Built], tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = _run(folders["cloud"].folder, tmp_path)
    transcript = load(Transcript, out / "transcript.json")
    assert transcript.speakers["used"] == "hints" and "timeline" in transcript.speakers["why"]
    assert transcript.speakers["passed_over"]["tracks"].startswith("no per-participant tracks")
    assert {s.speaker_source for s in transcript.segments} == {"Zoom timeline (active speaker)"}
    assert {s.speaker for s in transcript.segments} <= set(zf.FORMAL.values())
    # The fake transcript (tests/conftest.py SCRIPT) welcomes at 0.5 s, opens item 1 at 4.5 s and item 4
    # at 17.5 s; item 1 holds the chair's welcome before its cue. So the chair's message at 4.0 s and
    # Wirat's at 9.0 s land in item 1 and the reply at 20.0 s in item 4 (zoomfolder.CHAT; the direct
    # message and the reaction are not in the appendix). (The fake's words are not the recording's, so
    # with speakers, speaker changes would cut its sentences at random: hence --speakers none.)
    out = _run(folders["cloud"].folder, tmp_path / "no speakers", "--speakers", "none")
    minutes = load(Minutes, out / "minutes.json")
    first = minutes.agenda[0]
    assert (first.number, first.start, first.opened_at) == ("1", 0.5, 4.5)
    assert [(m.sender, m.at, m.agenda) for m in minutes.chat] == [
        ("นายสมชาย ใจดี", 4.0, "1"),
        ("นายวิรัตน์ มนัสสนิทวงศ์", 9.0, "1"),
        ("Mr. Kenji Tanaka", 20.0, "4"),
    ]
    assert minutes.meeting.date == "2026-03-19" and minutes.meeting.start_time == "13.30"  # from GMT0630
    appendix = (out / "minutes.md").read_text(encoding="utf-8").split("## ภาคผนวก")[1]
    assert appendix.index("### ระเบียบวาระที่ 1") < appendix.index("ลิงก์") < appendix.index("### ระเบียบวาระที่ 4")


def test_parts_are_one_meeting_and_the_chat_skips_the_pause(
    folders: dict[str, zf.Built],
    tmp_path: Path,
    fake_engine,  # noqa: ANN001
) -> None:
    built = folders["parts"]
    result = runner.run(built.folder, runner.Options(out=tmp_path, speakers="none"))
    run = json.loads((result.out_dir / "run.json").read_text(encoding="utf-8"))
    assert [Path(p).name for p in run["parts"]] == ["zoom_0.mp4", "zoom_1.mp4"]
    transcript = load(Transcript, result.out_dir / "transcript.json")
    assert abs(transcript.duration - built.duration) < 0.2  # times run across the parts
    # Wall-clock chat times, five minutes of pause between the parts, back on the joined timeline.
    assert [(m.clock, round(m.at, 1)) for m in transcript.chat] == [
        ("18:43:17", 4.0),
        ("18:43:22", 9.0),
        ("18:48:33", 20.0),
    ]


def test_direct_messages_only_when_asked(folders: dict[str, zf.Built], tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = _run(folders["local"].folder, tmp_path, "--speakers", "none", "--direct-messages")
    minutes = load(Minutes, out / "minutes.json")
    (direct,) = [m for m in minutes.chat if m.direct]
    assert (direct.sender, direct.to, direct.text) == ("นายธนา รักดี", "นายวิรัตน์ มนัสสนิทวงศ์", "ขอบคุณครับ")
    assert "(ข้อความส่วนตัวถึง นายวิรัตน์ มนัสสนิทวงศ์)" in (out / "minutes.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "kind, expected",
    [
        (
            "local",
            [
                "Zoom local recording",
                "meeting id: 81234567890",
                "6 people (1 rejoined, merged)",
                "-> นายวิรัตน์ มนัสสนิทวงศ์",
                "local dated dialect: 3 messages",
                "4 of 5 members on the roster; not on it: นางสาวอรทัย ทองคำ",
                "tracks: 5 per-participant tracks",
            ],
        ),
        (
            "cloud",
            [
                "Zoom cloud recording (downloaded set)",
                "started 2026-03-19 13:30:00",
                "GMT20260319-063000_Recording.m4a",
                "timeline JSON",
                "transcript VTT",
                "captions VTT",
                "cloud dialect: 3 messages",
                "hints: Zoom's timeline JSON",
            ],
        ),
        (
            "parts",
            [
                "started 2018-07-13 18:43:13",
                "zoom_0.mp4",
                "used: part 1 of 2",
                "zoom_1.mp4",
                "used: part 2 of 2",
                "participant tracks   -",
                "local v1 dialect",
            ],
        ),
    ],
)
def test_inspect_says_what_was_found(kind: str, expected: list[str], folders: dict[str, zf.Built]) -> None:
    result = cli.invoke(app, ["inspect", str(folders[kind].folder)])
    assert result.exit_code == 0, result.output
    for line in expected:
        assert line in result.output, line


def test_inspect_a_folder_with_nothing_usable(tmp_path: Path) -> None:
    only_chat = tmp_path / "แชทอย่างเดียว"
    only_chat.mkdir()
    (only_chat / "chat.txt").write_text("10:00:01 From ก to Everyone : สวัสดี\n", encoding="utf-8")
    only_tracks = tmp_path / "เสียงแยกอย่างเดียว"
    (only_tracks / "Audio Record").mkdir(parents=True)
    (only_tracks / "Audio Record" / "audioสมชาย1.m4a").write_bytes(b"\0" * 10)
    unconverted = tmp_path / "2026-03-19 13.30.00 ยังไม่แปลง"
    unconverted.mkdir()
    (unconverted / "double_click_to_convert_01.zoom").write_bytes(b"\0" * 10)
    cases = [
        (only_chat, "expected a Zoom recording (audio*.m4a, zoom_0.mp4"),
        (only_tracks, "tracks, which need the mixed recording beside them"),
        (unconverted, "never converted"),
    ]
    for folder, expected in cases:
        result = cli.invoke(app, ["inspect", str(folder)])
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1, result.output
        assert expected in lines[0] and str(folder) in lines[0]
