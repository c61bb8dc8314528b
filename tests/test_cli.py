"""The `minutes` command: help everywhere, and one-line errors for every kind of bad input."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import ffmpeg

cli = CliRunner()


def test_every_command_has_help() -> None:
    result = cli.invoke(app, ["--help"])
    assert result.exit_code == 0 and "run" in result.output
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        sub = cli.invoke(app, [name, "--help"])
        assert sub.exit_code == 0 and "--help" in sub.output


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp / "empty.m4a"
    empty.write_bytes(b"")
    text = tmp / "บันทึก ประชุม.m4a"
    text.write_text("นี่ไม่ใช่ไฟล์เสียง\n" * 50, encoding="utf-8")
    video = tmp / "video.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5", "-c:v", "mpeg4", str(video))
    broken = tmp / "transcript.json"
    broken.write_text('{"segments": [{"start": 0, "end": 1, "text": "ข', encoding="utf-8")
    return {
        "missing": (tmp / "nothing-here.m4a", "no such file"),
        "empty": (empty, "empty"),
        "text as m4a": (text, "not a readable audio"),
        "video without audio": (video, "no audio track"),
        "invalid transcript": (broken, "not a valid transcript.json"),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "text as m4a", "video without audio", "invalid transcript"])
def test_bad_input_is_one_line_naming_file_and_fix(case: str, tmp_path: Path) -> None:
    path, expected = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())  # nothing that could pass for a result


@pytest.mark.parametrize(
    "model, expected", [("large-v3", "could not be loaded"), ("./no/such/model", "not a CTranslate2")]
)
def test_model_that_cannot_be_had(
    model: str, expected: str, tone_m4a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as on a machine without internet, without the wait
    monkeypatch.setenv("MINUTES_MODELS", str(tmp_path / "models"))
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", str(tone_m4a), "--out", str(out), "--model", model])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "--model" in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_unknown_engine_lists_the_available_ones(tone_m4a: Path, tmp_path: Path) -> None:
    result = cli.invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path), "--speakers", "magic"])
    assert result.exit_code == 2 and "unknown speaker engine 'magic'. Available: auto, " in result.stderr
    assert all(name in result.stderr for name in ("hints", "none", "tracks"))


def test_run_prints_where_the_minutes_are(tone_m4a: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    result = cli.invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "minutes.docx" in result.output
    again = cli.invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path)])
    assert "nothing to redo" in again.output
    assert json.loads((tmp_path / "tone" / "run.json").read_text(encoding="utf-8"))["recording"] == "tone"
