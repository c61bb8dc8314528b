"""The stage table end to end with the fake engine at the transcription seam (fast tier)."""

import json
from pathlib import Path

import pytest

from pipeline import runner
from pipeline.errors import MinutesError
from pipeline.runner import Options
from pipeline.types import Transcript, load


@pytest.fixture
def recording(tone_m4a: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "2026-03-19 13.30.00 คณะทำงาน ทดสอบ"
    folder.mkdir()
    tone_m4a.rename(folder / "audio1.m4a")
    (folder / "meeting.yaml").write_text(
        "body: คณะทำงานทดสอบ\nsession: 1/2569\nagenda:\n  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n  - 4 เรื่องเพื่อพิจารณา\n",
        encoding="utf-8",
    )
    return folder


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.name != "run.json"}


def test_first_run_writes_every_output(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    result = runner.run(recording, Options(out=tmp_path / "out"))
    assert result.out_dir == tmp_path / "out" / recording.name
    names = {p.name for p in result.out_dir.iterdir()}
    for name in (
        "transcript.json",
        "transcript.txt",
        "transcript.srt",
        "transcript.vtt",
        "minutes.json",
        "minutes.md",
        "minutes.docx",
        "run.json",
    ):
        assert name in names
    run = json.loads((result.out_dir / "run.json").read_text(encoding="utf-8"))
    assert run["input_sha256"] and run["settings"]["model"] == "base" and run["version"]
    assert all(not s["cached"] for s in run["stages"].values())
    minutes = json.loads((result.out_dir / "minutes.json").read_text(encoding="utf-8"))
    # Date and start time come from the Zoom folder name; the source is recorded.
    assert minutes["meeting"]["date"] == "2026-03-19" and minutes["meeting"]["sources"]["date"] == "Zoom folder name"
    assert [a["number"] for a in minutes["agenda"]] == ["1", "4"]
    assert minutes["agenda"][0]["resolution"] and minutes["agenda"][1]["resolution"]


def test_second_run_recomputes_nothing(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    first = runner.run(recording, Options(out=out))
    before = _mtimes(first.out_dir)
    second = runner.run(recording, Options(out=out))
    assert fake_engine.calls == 1
    assert all(s["cached"] for s in second.stages.values())
    assert _mtimes(second.out_dir) == before  # not one file rewritten
    assert json.loads((second.out_dir / "run.json").read_text(encoding="utf-8"))["stages"]["transcript"]["cached"]


def test_force_and_model_change_rerun(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    runner.run(recording, Options(out=out))
    forced = runner.run(recording, Options(out=out, force=True))
    assert not any(s["cached"] for s in forced.stages.values()) and fake_engine.calls == 2
    other = runner.run(recording, Options(out=out, model="small"))
    assert other.stages["audio"]["cached"] and not other.stages["transcript"]["cached"]


def test_template_change_reruns_only_rendering(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out, templates = tmp_path / "out", tmp_path / "templates"
    runner.run(recording, Options(out=out))
    templates.mkdir()
    (templates / "minutes.md.j2").write_text("{{ minutes.meeting.body }} (แบบของหน่วยงาน)\n", encoding="utf-8")
    result = runner.run(recording, Options(out=out, templates=templates))
    assert [n for n, s in result.stages.items() if not s["cached"]] == ["render"]
    assert (result.out_dir / "minutes.md").read_text(encoding="utf-8") == "คณะทำงานทดสอบ (แบบของหน่วยงาน)\n"


def test_a_reviewed_draft_is_never_overwritten(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    folder = runner.run(recording, Options(out=out)).out_dir
    reviewed = "รายงานการประชุม (ตรวจแล้ว)\n"
    (folder / "minutes.md").write_text(reviewed, encoding="utf-8")
    runner.run(recording, Options(out=out, force=True))
    assert (folder / "minutes.md").read_text(encoding="utf-8") == reviewed
    assert "รายงานการประชุม" in (folder / "minutes.new.md").read_text(encoding="utf-8")


def test_corrected_transcript_feeds_the_minutes(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    folder = runner.run(recording, Options(out=out)).out_dir
    path = folder / "transcript.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for seg in data["segments"]:
        seg["speaker"] = "นายสมชาย ใจดี"
        seg["text"] = seg["text"].replace("บางรัก", "บางกะปิ")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    corrected = path.read_bytes()
    result = runner.run(path, Options(out=out))
    assert result.out_dir == folder and fake_engine.calls == 1
    assert path.read_bytes() == corrected  # the input is never written to
    assert result.stages["transcript"].get("skipped")
    text = (folder / "transcript.txt").read_text(encoding="utf-8")
    assert "บางกะปิ" in text and "บางรัก" not in text and "นายสมชาย ใจดี" in text
    assert load(Transcript, path).segments[0].speaker == "นายสมชาย ใจดี"


def test_bad_input_leaves_no_output_folder(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    bad = tmp_path / "meeting.m4a"
    bad.write_text("not audio", encoding="utf-8")
    with pytest.raises(MinutesError):
        runner.run(bad, Options(out=tmp_path / "out"))
    assert not (tmp_path / "out" / "meeting").exists()
