"""`minutes batch` with the real Whisper base model on a small archive of real Thai speech.

Two clips (tests/data/batch/NOTICE.md) in Thai-named folders, one broken file; the model is rough
on Thai, so the checks hold for any reasonable transcript: Thai text comes out, and a word the
model wrote is found by `minutes search` at the time it was said.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import catalog
from pipeline.cli import app
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "batch"
cli = CliRunner()


@pytest.mark.model
def test_real_model_archive_is_processed_and_searchable(tmp_path: Path) -> None:
    archive = tmp_path / "คลังเสียง"
    for clip, where in (("th-004.m4a", "ปี 2567/คณะทำงาน ก/ประชุม 1.m4a"), ("th-007.m4a", "ปี 2568/ประชุม 1.m4a")):
        (archive / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DATA / clip, archive / where)
    (archive / "ปี 2568" / "เสีย.m4a").write_bytes(b"\x00" * 1000)
    out = tmp_path / "out"

    result = cli.invoke(app, ["batch", str(archive), "--out", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert report["counts"]["done"] == 2 and report["counts"]["failed"] == 1
    assert report["audio_seconds"] == pytest.approx(3.46 + 3.60, abs=0.1)

    done = [e for e in report["entries"] if e["status"] == "done"]
    for entry in done:
        segments = json.loads((Path(entry["out_dir"]) / "transcript.json").read_text(encoding="utf-8"))["segments"]
        text = "".join(s["text"] for s in segments)
        assert any("\u0e01" <= ch <= "\u0e5b" for ch in text), text  # Thai came out
        # A word the model wrote is found, in this meeting, at the time of its sentence.
        segment = max(segments, key=lambda s: len(s["text"]))
        word = max(catalog.words(segment["text"]), key=len)
        with catalog.Catalog(out) as cat:
            hits = [h for h in cat.search(word, kinds=["transcript"], limit=50).hits if h.recording == entry["id"]]
        assert any((h.start, h.end) == (segment["start"], segment["end"]) for h in hits), (word, hits)

    again = cli.invoke(app, ["batch", str(archive), "--out", str(out)])
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert again.exit_code == 1 and report["counts"]["skipped"] == 2  # nothing transcribed twice
