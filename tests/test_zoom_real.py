"""Files saved by real Zoom clients (../shared/reference/zoom-real/, see its SOURCES.tsv).

They are read where they lie (or copied into a temporary folder), never into the project, and
every test here is skipped where the folder is absent. Each expected value was counted by hand
from the file itself; the seconds are the message's wall clock minus the start given in the
folder name written beside it (a cloud file's own times are already seconds since the start).
"""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import zoom
from pipeline.cli import app
from tests import zoomfolder as zf

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "zoom-real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not here")
cli = CliRunner()
SPANISH = {"from": "De", "to": "a", "everyone": "Todos"}

# file, folder name giving the start (None: the cloud file's own times), chat_words, dialect,
# public, direct, (first sender, its seconds), (last sender, its seconds)
CHATS = [
    # 01:07:16 and 01:19:42 since the start: 4036 s and 4782 s.
    ("Lightbridge-KS__zoom-chat-1.txt", None, None, "cloud", 8, 0, ("Tom", 4036), ("Max", 4782)),
    # 08:59:02 - 08:58:00 = 62 s; 09:50:05 - 08:58:00 = 52 min 5 s.
    ("Lightbridge-KS__zoom-chat-2.txt", "2021-11-19 08.58.00 class", None, "local v2", 10, 0,
     ("Jacob", 62), ("Teacher", 3125)),
    # 14:25:31 - 14:25:00; 15:00:33 - 14:25:00 = 35 min 33 s.
    ("R-Magnotti__meeting_saved_new_chat.txt", "2025-06-10 14.25.00 lab", None, "local v2", 2, 0,
     ("Richard Magnotti", 31), ("MMM_LAB_PC", 2133)),
    # 16:49:32 - 16:49:00; 17:16:04 - 16:49:00 = 27 min 4 s.
    ("kkatekim__meeting_saved_chat.txt", "2021-03-01 16.49.00 standup", None, "local v1", 3, 0,
     ("Wissam Mantash", 32), ("Noah Finestone", 1624)),
    # Spanish `De`: 16:20:25 - 16:20:00; 16:32:15 - 16:20:00 = 12 min 15 s.
    ("victormln__chat.txt", "2020-05-04 16.20.00 reunión", SPANISH, "local tab", 5, 0,
     ("victormln", 25), ("another_user123123", 735)),
    # Dated: 20:12:17 - 20:12:00; 20:14:56 - 20:12:00 = 2 min 56 s; two `(direct message)`.
    ("ytrkptl__meeting_saved_new_chat.txt", "2025-12-05 20.12.00 class", None, "local dated", 6, 2,
     ("Yatrik Patel", 17), ("Samsung SM-S928U1", 176)),
    # `(Direct Message)` on 4 of 11 lines: 10:20:35 - 10:20:00; 10:22:02 - 10:20:00 = 2 min 2 s.
    ("ytrkptl__new_chat.txt", "2021-02-01 10.20.00 class", None, "local tab", 7, 4,
     ("Yatrik Patel", 35), ("John Doe", 122)),
    # 94 of 95 lines `(Privately)`, the facilitator's at 08:24:25 public; 09:02:32 - 08:17:00 = 45 min 32 s.
    ("ytrkptl__old_chat.txt", "2021-02-01 08.17.00 class", None, "local tab", 1, 94,
     ("SOMEe GUY", 59), ("SOME GUY", 2732)),
]


def _chat(name: str, folder: str | None, words: dict | None) -> zoom.Chat:
    started = zoom.parse_folder_name(folder).started if folder else None
    return zoom.parse_chat(REAL / name, started, zoom.ChatWords.from_config(words))


@pytest.mark.parametrize("name, folder, words, dialect, public, direct, first, last", CHATS)
def test_every_real_chat_file(name, folder, words, dialect, public, direct, first, last) -> None:  # noqa: ANN001
    assert zoom.classify(REAL / name) == "chat"
    chat = _chat(name, folder, words)
    assert chat.dialect == dialect and chat.unread == 0 and chat.reactions == 0
    assert (sum(not m.direct for m in chat.messages), sum(m.direct for m in chat.messages)) == (public, direct)
    assert (chat.messages[0].sender, chat.messages[0].at) == first
    assert (chat.messages[-1].sender, chat.messages[-1].at) == last


def test_every_real_chat_file_is_listed() -> None:
    chats = sorted(p.name for p in REAL.glob("*.txt"))
    assert chats == sorted(c[0] for c in CHATS)


def test_real_texts_recipients_and_indentation() -> None:
    jacob = _chat("Lightbridge-KS__zoom-chat-2.txt", "2021-11-19 08.58.00 class", None).messages[0]
    assert jacob.text == "For yesterday's homework, I found all my answers in here\nhttps://www.google.com"
    code = _chat("R-Magnotti__meeting_saved_new_chat.txt", "2025-06-10 14.25.00 lab", None).messages[0]
    lines = code.text.split("\n")
    assert lines[0] == "#!/usr/bin/env python3" and lines[2] == "" and lines[-1] == "    time.sleep(INTERVAL)"
    assert "    a = random.random() * 0.8 + 0.2" in lines
    new = _chat("ytrkptl__new_chat.txt", "2021-02-01 10.20.00 class", None).messages
    assert (new[1].sender, new[1].to, new[1].text) == ("John Doe", "Yatrik Patel", "sup")
    assert (new[0].to, new[0].text) == ("Everyone", "hi john")
    old = _chat("ytrkptl__old_chat.txt", "2021-02-01 08.17.00 class", None).messages
    (public,) = [m for m in old if not m.direct]
    assert public.sender == "Room XYZ FACILITATOR Facilitator, AWESOME County Schools SOMESTATE TA"
    assert (public.clock, public.at) == ("08:24:25", 445.0)
    assert public.text == "ARNOLD SCHWAR is present but her computer isn't working"
    assert old[16].to == "Room XYZ FACILITATOR Facilitator, AWESOME County Schools SOMESTATE TA"
    dated = _chat("ytrkptl__meeting_saved_new_chat.txt", "2025-12-05 20.12.00 class", None).messages
    assert [(m.to, m.text) for m in dated if m.direct] == [
        ("Samsung SM-S928U1", "come on again"),
        ("Samsung SM-S928U1", "how bout now"),
    ]
    spanish = _chat("victormln__chat.txt", "2020-05-04 16.20.00 reunión", SPANISH).messages
    assert spanish[3].text == "Hi! Nice to meet you! :)"  # CRLF files: no CR left in the text


def test_real_participants_reports() -> None:
    heroes = zoom.parse_participants(REAL / "Lightbridge-KS__participants_heroes.csv")
    full = zoom.parse_participants(REAL / "Lightbridge-KS__participants_heroes_full.csv")
    assert len(heroes.people) == 27 and full.meeting["participants"] == "27"  # 31 rows, 4 people twice
    assert full.meeting["meeting id"] == "60245167821" and full.meeting["topic"] == "Heroes meeting"
    for roster in (heroes, full):
        people = {p.name: p for p in roster.people}
        loki = people["015_Loki"]
        assert (loki.names, loki.joined, loki.left) == (
            ["015_Loki", "Loki Laufeyson"], "2021-11-19T09:54:15", "2021-11-19T12:01:59"
        )
        # Power Girl on two devices: 10:08:26-12:01:58 and 10:11:31-12:01:58 are 113 min 32 s, not 225.
        assert (people["003_Power Girl"].sessions, people["003_Power Girl"].minutes) == (2, 113.53)
        # Swarm's sessions overlap by 14 s: 10:14:30-12:01:58 = 107 min 28 s (Zoom says 10 + 98).
        assert people["017_Swarm"].minutes == 107.47
        # Cyborg Superman left and came back: 51 min 41 s + 33 min 47 s.
        assert people["010_Cyborg Superman"].minutes == 85.47
    resaved = zoom.parse_participants(REAL / "Ying-Ju__zoom.csv").people
    # 29 rows: Harry Potter 3, Ginny Weasley 2, Fred Weasley 4; the two Rubeus Hagrids and the two
    # Remus Lupins have e-mails of their own, so they stay two people each.
    assert len(resaved) == 23 and sum(p.name == "Rubeus Hagrid" for p in resaved) == 2
    excel = {p.name: p for p in resaved}
    albus = excel["Albus Dumbledore"]
    assert (albus.joined, albus.left, albus.minutes) == ("2021-01-26T07:45:00", "2021-01-26T09:16:00", 91.0)
    # 7:52-7:53, then 7:57-9:14 and 8:02-9:15 on two devices: 1 + 78 minutes (Zoom's rows add to 152).
    harry = excel["Harry Potter"]
    assert (harry.sessions, harry.joined, harry.left, harry.minutes) == (
        3, "2021-01-26T07:52:00", "2021-01-26T09:15:00", 79.0
    )
    assert excel["Fred Weasley"].minutes == 2 + 2 + 1 + 55
    assert max(p.minutes for p in resaved) <= 91.0  # 7:45 to 9:16: nobody longer than the meeting


def test_real_captions_vtt() -> None:
    cues = zoom.parse_vtt(REAL / "revgizmo__GMT20240124-202901_Recording.cc.vtt")
    assert len(cues) == 100 and not any(c.speaker for c in cues)  # captions carry no speaker names
    assert (cues[0].start, cues[0].end, cues[0].text) == (68.0, 69.0, "This doesn't.")
    assert (cues[-1].start, cues[-1].end) == (724.0, 739.0)


@pytest.fixture(scope="module")
def audio_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short mixed recording to put beside each chat file (one turn, 7.5 s)."""
    built = zf.build_local(
        tmp_path_factory.mktemp("audio") / "x", turns=[zf.Turn(zf.CHAIR, "th-005")], chat=[], roster=False,
        with_tracks=False, meeting_yaml=None,
    )
    return next(built.folder.glob("audio*.m4a"))


@pytest.mark.parametrize("name, folder, words, dialect, public, direct, first, last", CHATS)
def test_inspect_reads_every_real_chat(name, folder, words, dialect, public, direct, first, last,  # noqa: ANN001
                                       audio_only: Path, tmp_path: Path) -> None:
    target = tmp_path / (folder or "GMT20211119-150000_Recording set")
    target.mkdir()
    shutil.copy(audio_only, target / ("GMT20211119-150000_Recording.m4a" if folder is None else audio_only.name))
    shutil.copy(REAL / name, target / "meeting_saved_chat.txt")
    if words:
        (target / "meeting.yaml").write_text(
            "chat_words: {" + ", ".join(f"{k}: {v}" for k, v in words.items()) + "}\n", encoding="utf-8"
        )
    result = cli.invoke(app, ["inspect", str(target)])
    assert result.exit_code == 0, result.output
    expected = f"{dialect} dialect: {public} messages for the minutes' appendix"
    expected += f", {direct} direct messages left out" if direct else ""
    assert expected in result.output, result.output


def test_a_real_spanish_chat_through_a_run(audio_only: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    folder = tmp_path / "2020-05-04 16.20.00 reunión"
    folder.mkdir()
    shutil.copy(audio_only, folder / audio_only.name)
    shutil.copy(REAL / "victormln__chat.txt", folder / "chat.txt")
    (folder / "meeting.yaml").write_text("chat_words: {from: De, to: a, everyone: Todos}\n", encoding="utf-8")
    result = cli.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--speakers", "none"])
    assert result.exit_code == 0, result.output
    from pipeline.types import Transcript, load

    chat = load(Transcript, tmp_path / "out" / folder.name / "transcript.json").chat
    assert [(m.sender, m.at) for m in chat] == [
        ("victormln", 25.0),
        ("victormln", 560.0),  # 16:29:20
        ("another_user123123", 642.0),  # 16:30:42
        ("victormln", 680.0),  # 16:31:20
        ("another_user123123", 735.0),
    ]
