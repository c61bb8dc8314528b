"""`minutes batch` on a test archive with the fake engine at the transcription seam (fast tier).

The archive (tests/batch_archive.py): five good recordings in nested Thai-named folders, one copy
of a good one, three broken files. Everything else is real: ffmpeg, the stage table, SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import batch, catalog, runner, terminal, transcribe
from pipeline.cli import app
from pipeline.errors import MinutesError
from tests import batch_archive
from tests.batch_archive import BROKEN, COPY, GOOD
from tests.conftest import ROOT, FakeEngine

cli = CliRunner()
# The stages a recording goes through, in order (written here, not read from the runner).
STAGE_NAMES = ["audio", "transcript", "text", "speakers", "minutes", "render"]


@pytest.fixture(scope="session")
def archive_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_archive.build(tmp_path_factory.mktemp("template") / "คลังบันทึก ประชุม")


@pytest.fixture
def archive(archive_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the archive for each test (file times kept)."""
    return Path(shutil.copytree(archive_template, tmp_path / archive_template.name))


def _report(out: Path) -> dict:
    return json.loads((out / batch.REPORT_FILE).read_text(encoding="utf-8"))


def _by_source(report: dict, archive: Path) -> dict[str, dict]:
    return {Path(e["source"]).relative_to(archive.resolve()).as_posix(): e for e in report["entries"]}


def _recording_dirs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir())


def test_archive_good_ones_processed_bad_ones_reported(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "ผลลัพธ์"
    before = batch_archive.fingerprint(archive)
    result = cli.invoke(app, ["batch", str(archive), "--out", str(out)])

    assert result.exit_code == 1, result.output  # something failed, and the exit code says so
    assert fake_engine.calls == len(GOOD)  # five recordings transcribed: the copy was not
    report = _report(out)
    entries = _by_source(report, archive)
    assert len(entries) == 9 and report["counts"] == {
        "done": 5,
        "resumed": 0,
        "skipped": 0,
        "failed": 3,
        "duplicate": 1,
    }
    for name in GOOD:
        e = entries[name]
        assert e["status"] == "done" and e["ran"] == STAGE_NAMES and e["attempts"] == 1
        folder = Path(e["out_dir"])
        assert folder.parent == out.resolve() and (folder / "minutes.docx").is_file()
        assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["input_sha256"] == e["sha256"]
    # Same file name in two folders, different content: two recordings, two folders.
    ids = {entries[GOOD[0]]["id"], entries[GOOD[1]]["id"]}
    assert len(ids) == 2 and all(i.startswith("ประชุม ครั้งที่ 1-") for i in ids)
    # The Zoom folder is one recording of two parts.
    zoom = entries[GOOD[2]]
    assert zoom["id"].startswith("2026-03-19 13.30.00 คณะทำงาน ทดสอบ 81234567890-")
    assert zoom["duration"] == pytest.approx(2.5, abs=0.1)
    # The copy is reported as such and points at the recording it repeats.
    assert entries[COPY]["status"] == "duplicate" and entries[COPY]["copy_of"] == entries[GOOD[0]]["id"]
    # Each broken file is reported with a reason that names it, and has no output folder.
    reasons = {"cut off": "not a readable", "empty": "empty", "not audio": "not a readable"}
    for name, kind in BROKEN.items():
        e = entries[name]
        assert e["status"] == "failed" and e["out_dir"] is None
        assert e["error"].startswith(str((archive / name).resolve())) and reasons[kind] in e["error"]
        assert f"failed: {e['error']}" in result.output
    assert len(_recording_dirs(out)) == len(GOOD)
    assert not list(out.rglob("*.tmp"))
    assert batch_archive.fingerprint(archive) == before  # no source file touched

    # The catalogue: a row per recording, with what the issue lists.
    with catalog.Catalog(out) as cat:
        rows = {r["source"]: r for r in cat.recordings()}
    first = rows[str((archive / GOOD[0]).resolve())]
    assert first["status"] == "done" and first["title"] == "คณะทำงานทดสอบ ครั้งที่ 1/2569"
    assert first["sha256"] == entries[GOOD[0]]["sha256"] and first["duration"] == pytest.approx(2.0, abs=0.1)
    assert set(json.loads(first["stage_seconds"])) == set(STAGE_NAMES)
    assert rows[str((archive / GOOD[2]).resolve())]["date"] == "2026-03-19"
    failed = [r for r in rows.values() if r["status"] == "failed"]
    assert len(failed) == 3 and all(r["error"] for r in failed)
    assert "copy: " in result.output and "report: " in result.output


def test_rerun_skips_what_is_done(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    batch.run(archive, runner.Options(out=out))
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.parent != out}
    again = batch.run(archive, runner.Options(out=out))
    assert fake_engine.calls == len(GOOD)  # nothing transcribed twice
    assert again.counts["skipped"] == len(GOOD) and again.counts["failed"] == 3
    assert all(e.ran == [] for e in again.entries)
    rewritten = [p for p, t in written.items() if p.name != "run.json" and p.stat().st_mtime_ns != t]
    assert rewritten == []


def test_a_fixed_file_is_processed_and_its_old_failure_forgotten(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    batch.run(archive, runner.Options(out=out))
    for name in BROKEN:
        (archive / name).unlink()
    batch_archive.tone(archive / "เสีย/ว่าง.m4a", 1200)  # the empty one copied again properly
    result = cli.invoke(app, ["batch", str(archive), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = _report(out)
    assert report["counts"]["done"] == 1 and report["counts"]["skipped"] == len(GOOD)
    state = batch.status(out)
    assert state["counts"] == {"done": len(GOOD) + 1, "failed": 2}  # the two files that are gone
    assert all("ว่าง" not in f["source"] for f in state["failed"])


def test_transient_failure_is_tried_once_more(archive: Path, tmp_path: Path, monkeypatch, fake_engine) -> None:  # noqa: ANN001
    class Flaky(FakeEngine):
        hiccups = 1  # the first transcription of the batch fails once, as a dropped network share would

        def transcribe(self, samples, duration, progress):  # noqa: ANN001, ANN202
            if abs(duration - 3.0) < 0.1:  # the 3-second recording makes the engine fail every time
                raise RuntimeError("engine crashed")
            if Flaky.hiccups:
                Flaky.hiccups -= 1
                raise OSError("network share went away")
            return super().transcribe(samples, duration, progress)

    monkeypatch.setitem(transcribe.ENGINES, "faster-whisper", Flaky)
    report = batch.run(archive, runner.Options(out=tmp_path / "out"))
    entries = {Path(e.source).relative_to(archive.resolve()).as_posix(): e for e in report.entries}
    retried = [e for e in entries.values() if e.status == "done" and e.attempts == 2]
    assert len(retried) == 1  # the first recording failed once, then went through
    bad = entries[GOOD[3]]  # the 3-second one
    assert bad.status == "failed" and bad.attempts == batch.MAX_ATTEMPTS
    assert bad.error == "failed 2 times: RuntimeError: engine crashed"
    assert not (tmp_path / "out" / bad.id).exists()  # its half-done folder was not left behind
    assert [e.status for e in entries.values()].count("done") == len(GOOD) - 1  # the others were not affected


def test_jobs_2_gives_the_same_outputs_and_survives_a_dying_worker(
    archive: Path, tmp_path: Path, monkeypatch, fake_engine  # noqa: ANN001
) -> None:
    batch.run(archive, runner.Options(out=tmp_path / "one"))
    # The pool's workers are other processes: the fake engine reaches them as a plugin.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv(batch.PLUGINS_ENV, "tests.batch_plugin")
    monkeypatch.setenv("MINUTES_FAKE_CRASH_ONCE", str(tmp_path / "crashed"))
    threads = {name: os.environ.get(name) for name in batch.THREAD_VARS}
    result = cli.invoke(app, ["batch", str(archive), "--out", str(tmp_path / "two"), "--jobs", "2"])
    assert {name: os.environ.get(name) for name in batch.THREAD_VARS} == threads  # set for the workers only
    assert result.exit_code == 1, result.output
    assert (tmp_path / "crashed").is_file()  # a worker really died mid-transcription
    report = _report(tmp_path / "two")
    counts = report["counts"]
    assert counts["done"] + counts["resumed"] == len(GOOD) and counts["failed"] == 3
    # The recording whose worker died went again, from the stage it had reached.
    again = [e for e in report["entries"] if e["attempts"] == 2]
    assert again and all(e["status"] in ("done", "resumed") for e in again)
    assert any(e["ran"] == STAGE_NAMES[1:] for e in again)
    assert batch_archive.outputs(tmp_path / "two") == batch_archive.outputs(tmp_path / "one")
    assert batch_archive.catalogue(tmp_path / "two") == batch_archive.catalogue(tmp_path / "one")


def test_search_finds_thai_words_and_resolutions_with_times(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    report = batch.run(archive, runner.Options(out=out))
    folder = Path(next(e.out_dir for e in report.entries if e.source.endswith(GOOD[0])))
    # Where the outputs say the word and the resolution are: the search must point there.
    segments = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))["segments"]
    agenda = json.loads((folder / "minutes.json").read_text(encoding="utf-8"))["agenda"]
    item = next(i for i in agenda if i["number"] == "4")
    said = [s for s in segments if s["id"] in item["resolution_segment_ids"]]
    resolution_at = f"{catalog.clock(said[0]['start'])}-{catalog.clock(said[-1]['end'])}"

    result = cli.invoke(app, ["search", "บางรัก", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # Said in every meeting, each at its own time (the fake engine fits its script to each recording's length).
    times = []
    for entry in report.entries:
        if entry.status == "done" and any(entry.source.endswith(name) for name in GOOD):
            said_there = json.loads((Path(entry.out_dir) / "transcript.json").read_text(encoding="utf-8"))["segments"]
            hit = next(s for s in said_there if "บางรัก" in s["text"])
            times.append(f"{catalog.clock(hit['start'])}-{catalog.clock(hit['end'])}")
    assert len(times) == len(GOOD)
    for at in set(times):
        assert result.output.count(f"{at:<17} ถ้อยคำ") == times.count(at), at
    assert "เขต[บางรัก]" in result.output and "คณะทำงานทดสอบ ครั้งที่ 1/2569 · 2026-03-19" in result.output

    result = cli.invoke(app, ["search", "เห็นชอบ", "--in", "resolution", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{resolution_at:<17} มติ วาระที่ 4 " in result.output and "[เห็นชอบ]" in result.output
    assert "ถ้อยคำ" not in result.output  # only resolutions were asked for

    with catalog.Catalog(out) as cat:
        hits = cat.search("เห็นชอบ", kinds=["resolution"]).hits
        assert {h.kind for h in hits} == {"resolution"} and len(hits) == len(GOOD)
        mine = next(h for h in hits if h.recording == folder.name)
        assert (mine.start, mine.end) == (said[0]["start"], said[-1]["end"]) and mine.item == "4"
        assert mine.text == item["resolution"] and Path(mine.out_dir) == folder
        both = cat.search("สำนักสิ่งแวดล้อม แผนงาน").hits  # every term in one passage
        assert both and all("แผนงาน" in h.text and "สำนักสิ่งแวดล้อม" in h.text for h in both)

    nothing = cli.invoke(app, ["search", "ไม่มีคำนี้ในที่ประชุมเลย", "--out", str(out)])
    assert nothing.exit_code == 1 and "no passage holds" in nothing.output
    missing = cli.invoke(app, ["search", "งบประมาณ", "--out", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no catalogue here" in missing.output


def test_status_shows_the_state_of_the_archive(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    batch.run(archive, runner.Options(out=out))
    result = cli.invoke(app, ["status", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 done, 3 failed" in result.output and "1 copies" in result.output
    assert result.output.count("failed: ") == 3 and "finished" in result.output
    assert cli.invoke(app, ["status", "--out", str(tmp_path / "none")]).exit_code == 2


def test_a_second_batch_on_the_same_output_is_refused(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    out.mkdir()
    with batch.exclusive(out):
        assert batch.is_running(out)
        result = cli.invoke(app, ["batch", str(archive), "--out", str(out)])
        assert result.exit_code == 2 and "another `minutes batch` is writing here" in result.output
    assert not batch.is_running(out)


def test_bad_arguments_are_one_line_errors(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    empty = tmp_path / "ว่างเปล่า"
    empty.mkdir()
    out = ["--out", str(tmp_path / "o")]
    cases = [
        (["batch", str(tmp_path / "ไม่มี"), *out], "no such folder"),
        (["batch", str(empty), *out], "no recordings found"),
        (["batch", str(archive), "--executor", "spark", *out], "unknown executor engine 'spark'. Available: local"),
        (["batch", str(archive), "--jobs", "0", *out], "--jobs 0"),
        (["batch", str(archive), "--address", "127.0.0.1:6379", *out], "--address is for --executor ray"),
        (["batch", str(archive), "--device", "tpu", *out], "unknown device 'tpu'"),
    ]
    for args, message in cases:
        result = cli.invoke(app, args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1


def test_stale_temporary_files_are_cleared(archive: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    report = batch.run(archive, runner.Options(out=out))
    folder = Path(next(e.out_dir for e in report.entries if e.out_dir))
    (folder / "stages" / ".audio.wav.tmp").write_bytes(b"RIFF half")  # as a kill mid-decode leaves it
    (folder / ".minutes.docx.tmp").write_bytes(b"PK half")
    batch.run(archive, runner.Options(out=out))
    assert not list(out.rglob("*.tmp"))


def test_find_recordings_treats_zoom_folders_as_one_and_skips_the_output(archive: Path) -> None:
    out = archive / "outputs"
    (out / "x").mkdir(parents=True)
    batch_archive.tone(out / "x" / "stray.m4a", 400, 0.5)  # inside the output root: not a source
    earlier = archive / "ผลลัพธ์เก่า" / "ประชุม-0123abcd"  # what an earlier `minutes run --out` left in the tree
    batch_archive.tone(earlier / "stages" / "audio.wav", 400, 0.5)
    (earlier / "stages" / "manifest.json").write_text("{}", encoding="utf-8")
    (archive / ".hidden").mkdir()
    batch_archive.tone(archive / ".hidden" / "h.m4a", 400, 0.5)
    found = [p.relative_to(archive).as_posix() for p in batch.find_recordings(archive, out)]
    assert sorted(found) == sorted([*GOOD, COPY, *BROKEN])


def test_unknown_plugin_is_a_one_line_error(monkeypatch, archive: Path, tmp_path: Path) -> None:  # noqa: ANN001
    monkeypatch.setenv(batch.PLUGINS_ENV, "no_such_plugin_module")
    with pytest.raises(MinutesError, match="cannot import plugin 'no_such_plugin_module'"):
        batch.run(archive, runner.Options(out=tmp_path / "out"))


def test_progress_counts_recordings_and_audio_and_estimates_the_time_left(monkeypatch) -> None:  # noqa: ANN001
    import io

    now = [100.0]
    monkeypatch.setattr(terminal.time, "monotonic", lambda: now[0])
    stream = io.StringIO()  # not a terminal: a line per recording
    shown = terminal.ConsoleProgress(stream)
    opts = runner.Options()
    jobs = [batch.Job(f"ประชุม {i}-0000000{i}", f"/a/{i}.m4a", opts, duration=600.0) for i in range(3)]
    broken = batch.Entry(source="/a/x.m4a", id="x", status="failed", error="/a/x.m4a: the file is empty")
    shown.begin(jobs, [broken])
    assert shown.eta() is None  # nothing transcribed yet: no rate to go by
    shown.start(jobs[0])
    shown.event(batch.StageDone(jobs[0].id, "audio", {"cached": False}))
    assert shown.current[jobs[0].id] == "transcript"
    now[0] += 60
    shown.event(batch.Heard(jobs[0].id, 300.0, 600.0))  # half of ten minutes of audio in one minute
    assert shown.eta() == pytest.approx((1800 - 300) / 5)
    now[0] += 60
    done = batch.Entry(source=jobs[0].source, id=jobs[0].id, status="done", duration=600.0, ran=STAGE_NAMES)
    shown.finish(done)
    assert shown.eta() == pytest.approx(1200 / 5) and not shown.current
    lines = stream.getvalue().splitlines()
    assert lines == ["failed: /a/x.m4a: the file is empty", f"[1/3] {jobs[0].id} done ({', '.join(STAGE_NAMES)})"]
