"""The stage table end to end with the fake engine at the transcription seam (fast tier)."""

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline import corrections, diarize, meeting, runner
from pipeline.errors import MinutesError
from pipeline.runner import Options
from pipeline.store import Workspace
from pipeline.types import Audio, Meeting, Recording, Segment, Transcript, load
from tests import zoomfolder as zf


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


# --- the table, the draft and run.json ----------------------------------------------------------


def test_the_table_in_the_order_a_recording_goes_through_it() -> None:
    """Written out by hand: the program at a glance, each stage after the parts it reads."""
    assert runner.NAMES == ["audio", "transcript", "text", "speakers", "minutes", "render"]
    assert {s.name: s.needs for s in runner.STAGES} == {
        "audio": (),
        "transcript": ("audio",),
        "text": ("transcript",),
        "speakers": ("audio", "text"),
        "minutes": ("reviewed", "audio"),  # the speakers' transcript with the reviewer's corrections
        "render": ("reviewed", "minutes"),
    }
    assert [s.name for s in runner.STAGES if s.media] == ["audio", "transcript", "text"]


def test_options_cannot_change_once_made() -> None:
    options = Options(style="verbatim")
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.style = "resolutions"  # type: ignore[misc]


def test_run_json_gives_back_the_options_it_was_written_with(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    """Every option run.json records, set away from its default, read back by the same codec."""
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("names:\n  - บางรัก\n", encoding="utf-8")
    meeting = recording / "meeting.yaml"
    chosen = Options(
        out=tmp_path / "out",
        meeting=meeting,
        model="base",
        batch_size=2,
        speakers="none",
        style="resolutions",
        thai_digits=True,
        pdf=False,
        direct_messages=True,
        glossary=[glossary],
        digits="thai",
        diarization=diarize.Settings(num_speakers=3),
    )
    folder = runner.run(recording, chosen).out_dir
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["options"]["glossary"] == [str(glossary.resolve())]
    assert record["options"]["diarization"] == {"num_speakers": 3, "min_speakers": None, "max_speakers": None,
                                                "voices": None}  # fmt: skip
    back = runner.RunRecord.options(record, tmp_path / "out")
    assert back == dataclasses.replace(chosen, meeting=meeting.resolve(), glossary=[glossary.resolve()])
    # An older run.json that leaves fields out: the defaults, as `minutes run` has them.
    older = {"options": {"style": "verbatim"}}
    assert runner.RunRecord.options(older, tmp_path) == Options(out=tmp_path, style="verbatim")


def test_a_redraft_runs_with_the_options_of_the_run(recording: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    folder = runner.run(recording, Options(out=tmp_path / "out", style="verbatim", thai_digits=True, pdf=False)).out_dir
    first = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    said = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))["segments"][0]["text"]
    corrections.append(folder, {"kind": "text", "segment": 0, "before": said, "value": "ข้อความที่ผู้ตรวจแก้"})
    result = runner.redraft(folder)
    assert [n for n, s in result.stages.items() if not s["cached"]] == ["minutes", "render"]
    again = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert again["options"] == first["options"] and again["settings"] == first["settings"]
    drafted = (folder / "minutes.md").read_text(encoding="utf-8")
    assert "ข้อความที่ผู้ตรวจแก้" in drafted  # verbatim, as the run had it: every utterance
    assert "ระเบียบวาระที่ ๑" in drafted and "ระเบียบวาระที่ 1" not in drafted  # Thai digits, as the run had them


def test_corrections_are_applied_once_and_the_roster_read_once_per_run(
    recording: Path, tmp_path: Path, fake_engine, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    (recording / "participants_87654321.csv").write_text(
        zf.participants_csv(zf.ROSTER, zf.STARTED), encoding="utf-8", newline=""
    )
    calls = {"apply": 0, "roster": 0}
    apply, roster = corrections.apply_transcript, meeting.read_roster

    def counted_apply(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["apply"] += 1
        return apply(*args, **kwargs)

    def counted_roster(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["roster"] += 1
        return roster(*args, **kwargs)

    monkeypatch.setattr(corrections, "apply_transcript", counted_apply)
    monkeypatch.setattr(meeting, "read_roster", counted_roster)
    result = runner.run(recording, Options(out=tmp_path / "out", pdf=False))
    assert calls == {"apply": 1, "roster": 1}  # the minutes and the render share one reviewed transcript
    # The one reading served the attendance: the note taker, who never speaks, is on the roster only.
    assert zf.NOTE_TAKER in (result.out_dir / "minutes.md").read_text(encoding="utf-8")
    calls.update(apply=0, roster=0)
    runner.run(recording, Options(out=tmp_path / "out", pdf=False))
    assert calls == {"apply": 0, "roster": 0}  # nothing to redo: neither is read


def test_the_file_date_fills_the_minutes_without_changing_the_recording(tmp_path: Path) -> None:
    """The minutes stage reads the draft and returns a new one: the recording it was given is as it was."""
    rec = Recording(id="x", path=str(tmp_path / "x.m4a"), parts=[str(tmp_path / "x.m4a")])
    ws = Workspace(tmp_path / "out" / "x")
    transcript = Transcript(segments=[Segment(id=0, start=0.0, end=3.0, text="ที่ประชุมรับทราบ")], duration=3.0)
    plan = runner.Plan(Options(), Meeting(), ws)
    audio = Audio(path="audio.wav", duration=3.0, created="2026-03-19T13:30:00")
    draft = runner.Draft(rec, plan, audio=audio, speakers=transcript, reviewed=transcript)
    done = runner._draft_minutes(draft)
    assert done.minutes is not None and done.minutes.meeting.date == "2026-03-19"
    assert done.minutes.meeting.sources["date"] == "file metadata"
    assert rec.started is None and draft.minutes is None  # neither was changed in place
