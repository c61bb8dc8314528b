"""meeting.yaml settings that change how a Zoom folder is read, through `minutes inspect`, `run`
and `batch`: the chat keywords of other client languages, and a meeting.yaml that says when it is
misread. The chats are our own fixtures (tests/data/zoom/); expected values counted by hand."""

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.types import Transcript, load
from tests import zoomfolder as zf

DATA = Path(__file__).parent / "data" / "zoom"
cli = CliRunner()
JAPANESE_YAML = "chat_words: {from: 開始, to: に, everyone: 全員}\n"
SPANISH_YAML = "chat_words: {from: De, to: a, everyone: Todos, direct: (Mensaje directo)}\n"


def _folder(root: Path, name: str, chat: str | None, meeting_yaml: str | None) -> Path:
    """A Zoom folder named `name` with a 7.5 s recording, `chat` (a fixture) and meeting.yaml."""
    started = zf.dt.datetime.strptime(name[:19], "%Y-%m-%d %H.%M.%S")
    built = zf.build_local(
        root / name, turns=[zf.Turn(zf.CHAIR, "th-005")], chat=[], roster=False, with_tracks=False,
        meeting_yaml=meeting_yaml, started=started,
    )
    if chat:
        shutil.copyfile(DATA / chat, built.folder / "meeting_saved_chat.txt")
    return built.folder


def _chat(out: Path, folder: Path) -> list[tuple]:
    return [(m.sender, m.at, m.text) for m in load(Transcript, out / folder.name / "transcript.json").chat]


@pytest.mark.parametrize(
    "name, chat, meeting_yaml, listed, expected",
    [
        (
            "2026-03-19 16.29.00 会議",
            "japanese_chat.txt",
            JAPANESE_YAML,
            "local v1 dialect: 2 messages for the minutes' appendix, 1 direct messages left out",
            [("山田太郎", 55.0, "こんにちは"), ("佐藤花子", 125.0, "議題4の資料です")],
        ),
        (
            "2026-03-19 16.20.00 reunión",
            "spanish_chat.txt",
            SPANISH_YAML,
            "local tab dialect: 2 messages for the minutes' appendix, 1 direct messages left out",
            [("Ana García", 25.0, "Hola a todos"), ("Ana García", 130.0, "Sí, la envío ahora")],
        ),
    ],
)
def test_other_languages_are_read_with_chat_words(
    name: str, chat: str, meeting_yaml: str, listed: str, expected: list, tmp_path: Path, fake_engine  # noqa: ANN001
) -> None:
    folder = _folder(tmp_path, name, chat, meeting_yaml)
    shown = cli.invoke(app, ["inspect", str(folder)])
    assert shown.exit_code == 0, shown.output
    assert "meeting_saved_chat.txt" in shown.output and listed in shown.output, shown.output
    result = cli.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--speakers", "none"])
    assert result.exit_code == 0, result.output
    assert _chat(tmp_path / "out", folder) == expected
    appendix = (tmp_path / "out" / folder.name / "minutes.md").read_text(encoding="utf-8").split("## ภาคผนวก")[1]
    assert f"{expected[0][0]}: {expected[0][2]}" in appendix


def test_a_chat_the_words_do_not_fit_is_found_not_understood(
    tmp_path: Path, fake_engine, caplog: pytest.LogCaptureFixture  # noqa: ANN001
) -> None:
    folder = _folder(tmp_path, "2026-03-19 16.29.00 会議", "japanese_chat.txt", None)
    shown = cli.invoke(app, ["inspect", str(folder)])
    assert shown.exit_code == 0, shown.output
    (row,) = [line for line in shown.output.splitlines() if line.strip().startswith("chat ")]
    assert "meeting_saved_chat.txt" in row and "found, not understood: its messages start with '開始'" in row
    assert "missing" not in row and "chat_words" in row
    with caplog.at_level(logging.WARNING):
        result = cli.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--speakers", "none"])
    assert result.exit_code == 0, result.output  # the minutes are drafted, without the chat
    assert _chat(tmp_path / "out", folder) == []
    (warning,) = [r.getMessage() for r in caplog.records if "not understood" in r.getMessage()]
    assert warning.startswith(f"{folder / 'meeting_saved_chat.txt'}: found, not understood") and "chat_words" in warning


def test_batch_reads_chat_words_too(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    root = tmp_path / "archive"
    folder = _folder(root, "2026-03-19 16.29.00 会議", "japanese_chat.txt", JAPANESE_YAML)
    result = cli.invoke(app, ["batch", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (out,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name.startswith(folder.name)]
    chat = load(Transcript, out / "transcript.json").chat
    assert [(m.sender, m.at) for m in chat] == [("山田太郎", 55.0), ("佐藤花子", 125.0)]


def test_an_old_one_line_chat_is_on_the_wall_clock(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    folder = _folder(tmp_path, "2026-03-19 12.44.00 คณะทำงาน", "local_tab_chat.txt", None)
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", str(folder), "--out", str(out), "--speakers", "none", "--direct-messages"])
    assert result.exit_code == 0, result.output
    chat = load(Transcript, out / folder.name / "transcript.json").chat
    assert [(m.sender, m.clock, m.at, m.direct) for m in chat] == [
        ("Nora Jones", "12:45:05", 65.0, False),
        ("สมชาย ใจดี", "12:46:00", 120.0, True),
        ("Nora Jones", "12:47:30", 210.0, True),
        ("มาลี ศรีสุข", "12:48:15", 255.0, False),
        ("สมชาย ใจดี", "12:50:00", 360.0, False),
    ]


ZOOM_NAME_YAML = """\
body: คณะทำงานขับเคลื่อนแผนแม่บทด้านสิ่งแวดล้อม
members:
  - name: นายสมชาย ใจดี
    position: ผู้อำนวยการสำนักสิ่งแวดล้อม
    zoom_name: "Somchai J."
"""


def test_zoom_name_is_a_warning_and_the_run_completes(
    tmp_path: Path, fake_engine, caplog: pytest.LogCaptureFixture  # noqa: ANN001
) -> None:
    folder = _folder(tmp_path, "2026-03-19 13.30.00 คณะทำงาน", "local_v1_chat.txt", ZOOM_NAME_YAML)
    warning = f"{folder / 'meeting.yaml'} line 5: `zoom_name` is not a meeting.yaml field; did you mean `display_name`?"
    with caplog.at_level(logging.WARNING):
        result = cli.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--speakers", "none"])
    assert result.exit_code == 0, result.output
    assert warning in [r.getMessage() for r in caplog.records]
    assert (tmp_path / "out" / folder.name / "minutes.docx").is_file()
    # The real command prints it on stderr, one line, and goes on.
    shown = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import app; app()", "inspect", str(folder)],
        capture_output=True, encoding="utf-8", env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr.splitlines() == [warning]


def test_a_wrong_type_stops_the_run_with_one_line(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    folder = _folder(tmp_path, "2026-03-19 13.30.00 คณะทำงาน", None, "body: คณะทำงาน\nvenue: [ห้อง 1, ห้อง 2]\n")
    result = cli.invoke(app, ["run", str(folder), "--out", str(tmp_path / "out")])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0] == f"error: {folder / 'meeting.yaml'} line 2: `venue` must be text, not a list"
    assert not (tmp_path / "out" / folder.name).exists()
