"""The glossary and digit options through `minutes run` (fake engine at the transcription seam)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import glossary
from pipeline.cli import app
from pipeline.errors import MinutesError

GLOSSARY = """\
agencies:
  - สำนักงานสิ่งแวดล้อม: [สำนักสิ่งแวดล้อม]   # the office's name as the minutes write it
terms:
  - PM2.5
"""


@pytest.fixture
def recording(tone_m4a: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "ประชุม คณะทำงาน"
    folder.mkdir()
    tone_m4a.rename(folder / "audio1.m4a")
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", *args])
    return result.exit_code, result.output


def test_glossary_beside_the_recording_corrects_and_every_change_is_in_transcript_json(
    recording: Path, tmp_path: Path, fake_engine
) -> None:  # noqa: ANN001
    code, output = _run(str(recording), "--out", str(tmp_path / "out"), "--digits", "thai")
    assert code == 0, output
    out = tmp_path / "out" / recording.name
    transcript = json.loads((out / "transcript.json").read_text(encoding="utf-8"))
    text = " ".join(s["text"] for s in transcript["segments"])
    assert "ขอให้สำนักงานสิ่งแวดล้อมจัดทำแผนงาน ภายในวันที่ ๓๐ เมษายน ๒๕๖๙" in text
    assert "PM2.5" in text  # Latin terms keep their digits
    (edit,) = [e for e in transcript["edits"] if e["kind"] == "glossary"]
    assert (edit["before"], edit["after"]) == ("สำนักสิ่งแวดล้อม", "สำนักงานสิ่งแวดล้อม")
    flagged = [s for s in transcript["segments"] if any(f.startswith("glossary:") for f in s["flags"])]
    assert len(flagged) == 1 and "สำนักงานสิ่งแวดล้อม" in flagged[0]["text"]
    assert all(w["start"] <= w["end"] for s in transcript["segments"] for w in s["words"])
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["glossary"] == [str(recording / "glossary.yaml")]
    assert run["options"]["digits"] == "thai" and run["settings"]["hints"] == ""  # hints measured harmful
    assert "๒๕๖๙" in (out / "minutes.md").read_text(encoding="utf-8")  # Thai digits asked for: the minutes too


def test_a_changed_glossary_reruns_the_text_stage_not_transcription(
    recording: Path, tmp_path: Path, fake_engine
) -> None:  # noqa: ANN001
    args = (str(recording), "--out", str(tmp_path / "out"))
    assert _run(*args)[0] == 0 and fake_engine.calls == 1
    code, output = _run(*args)
    assert code == 0 and "nothing to redo" in output and fake_engine.calls == 1
    (recording / "glossary.yaml").write_text(GLOSSARY + "  - JICA: [ไจก้า]\n", encoding="utf-8")
    code, output = _run(*args)
    assert code == 0 and fake_engine.calls == 1 and "ran text" in output


def test_digits_style_reruns_the_text_stage_not_transcription(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    args = (str(recording), "--out", str(tmp_path / "out"))
    assert _run(*args)[0] == 0
    code, output = _run(*args, "--digits", "thai")
    assert code == 0 and fake_engine.calls == 1 and "ran text" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("agencies: [unclosed\n", "not a readable YAML glossary"),
        ("agencies: กรมควบคุมมลพิษ\n", "should hold a list of terms"),
        ("terms:\n  - JICA: {spoken: ไจก้า}\n", "should be a list of text"),
    ],
)
def test_a_broken_glossary_stops_with_one_line_and_leaves_nothing(
    recording: Path, tmp_path: Path, fake_engine, content: str, message: str
) -> None:  # noqa: ANN001
    (recording / "glossary.yaml").write_text(content, encoding="utf-8")
    code, output = _run(str(recording), "--out", str(tmp_path / "out"))
    assert code == 2 and message in output and str(recording / "glossary.yaml") in output
    assert output.strip().count("\n") == 0 and not (tmp_path / "out" / recording.name).exists()
    assert fake_engine.calls == 0


def test_unknown_digits_and_missing_glossary_file(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    code, output = _run(str(recording), "--out", str(tmp_path / "out"), "--digits", "roman")
    assert code == 2 and "Available: arabic, thai" in output
    with pytest.raises(MinutesError, match="glossary file not found"):
        glossary.load([tmp_path / "ไม่มี.yaml"])
