"""`--batch-size` from the command line to the transcript settings (fake engine at the transcription seam)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline import transcribe
from pipeline.cli import app


def test_batch_size_reaches_the_engine_and_is_recorded(
    tone_m4a: Path, tmp_path: Path, fake_engine, monkeypatch
) -> None:  # noqa: ANN001, E501
    asked: list[transcribe.Settings] = []

    class Seen(fake_engine):  # the fake engine, remembering what it was given
        def __init__(self, settings: transcribe.Settings) -> None:
            asked.append(settings)
            super().__init__(settings)

    monkeypatch.setitem(transcribe.ENGINES, "faster-whisper", Seen)
    result = CliRunner().invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path), "--batch-size", "3", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert [s.batch_size for s in asked] == [3]
    (transcript,) = tmp_path.glob("*/transcript.json")
    assert json.loads(transcript.read_text(encoding="utf-8"))["settings"]["batch_size"] == 3
    again = CliRunner().invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path), "--batch-size", "4", "--no-pdf"])
    assert again.exit_code == 0 and fake_engine.calls == 2  # another batch size: transcribed again


def test_a_negative_batch_size_is_refused(tone_m4a: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    result = CliRunner().invoke(app, ["run", str(tone_m4a), "--out", str(tmp_path), "--batch-size", "-1"])
    assert result.exit_code == 2 and fake_engine.calls == 0


def test_the_default_batch_size_is_chosen_and_recorded(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(transcribe, "_free_mib", lambda device: 1000.0)
    engine = transcribe.FasterWhisper(transcribe.Settings(device="cpu"))
    assert engine.batch_size == 4  # half of 1,000 MiB at 110 MiB a window
