"""Per-participant tracks checked against the mixed recording: offset and trimmed tracks are
found and aligned, a track with its silences cut out is detected and not trusted."""

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline import audio, discover, meeting, speakers, tracks
from pipeline.cli import app
from pipeline.errors import MinutesError
from pipeline.types import Audio, Recording, Transcript, Turn
from tests import zoomfolder as zf

cli = CliRunner()


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[zf.Built, Recording, Audio]:
    """The JICA expert's track starts 10 s late (joined late); Wirat's ends after his last word."""
    root = tmp_path_factory.mktemp("shifted")
    built = zf.build_local(root / "2026-03-19 13.30.00 ทดสอบ เสียงเลื่อน", track_edits={zf.JICA: "late", zf.WIRAT: "cut"},
                           dialect="local v2")
    rec = discover.find(built.folder)
    return built, rec, audio.decode(rec.parts, root / "mixed.wav")


@pytest.fixture(scope="module")
def squeezed(tmp_path_factory: pytest.TempPathFactory) -> tuple[zf.Built, Recording, Audio]:
    """Wirat's track has every silence cut out: no single offset lines it up."""
    root = tmp_path_factory.mktemp("squeezed")
    built = zf.build_local(root / "2026-03-19 13.30.00 ทดสอบ ตัดช่วงเงียบ", track_edits={zf.WIRAT: "squeezed"},
                           dialect="local v1", roster=False)
    rec = discover.find(built.folder)
    return built, rec, audio.decode(rec.parts, root / "mixed.wav")


def _named(rec: Recording, turns: list) -> list:
    directory = meeting.Directory(meeting.load(rec.meeting_file), meeting.read_roster(rec))
    return [type(t)(t.start, t.end, directory.name(t.speaker), t.source) for t in turns]


def test_offset_and_shortened_tracks_are_aligned(shifted: tuple[zf.Built, Recording, Audio]) -> None:
    built, rec, mixed = shifted
    checks, turns = tracks.analyse(rec.tracks, mixed.path)
    by_name = {c.name: c for c in checks}
    late, cut = by_name["JICAExpert"], by_name["WiratM."]
    assert (late.status, late.method) == ("aligned", "cross-correlation") and abs(late.offset - 10.0) <= 0.02
    assert (cut.status, cut.method) == ("aligned", "cross-correlation") and abs(cut.offset) <= 0.02
    assert all(c.method == "durations" and abs(c.offset) <= 0.02 for c in checks if c not in (late, cut))
    # Windows the JICA expert's first second spoils (ธนา talks over it) do not count against him.
    assert all(c.agreeing >= c.windows / 2 and c.correlation > 0.9 for c in checks)
    share = zf.turn_attribution(_named(rec, turns), built.utterances, zf.FORMAL)
    print(f"speech time covered by the right named speaker's track turns (offset/cut tracks): {share:.3f}")
    assert share >= 0.95


def test_a_track_with_its_silences_cut_is_detected_and_not_used(
    squeezed: tuple[zf.Built, Recording, Audio], monkeypatch: pytest.MonkeyPatch
) -> None:
    built, rec, mixed = squeezed
    checks, _ = tracks.analyse(rec.tracks, mixed.path)
    bad = [c for c in checks if c.status != "aligned"]
    assert [(c.name, c.status) for c in bad] == [("WiratM.", "not aligned")]
    assert "silences trimmed" in bad[0].reason and bad[0].agreeing < bad[0].windows and bad[0].offset is None
    # auto passes over the tracks, saying which one and why, and falls back to diarisation. (The
    # diarisation engine is the one seam faked here: its own tests run it; this is about the order.)
    diarised = [Turn(0.0, 30.0, "ผู้พูด 1", "diarisation")]
    monkeypatch.setitem(speakers.ENGINES, "diarize", lambda transcript, recording, audio: diarised)
    turns, report = speakers.find_turns(Transcript(), rec, "auto", mixed)
    assert (turns, report["used"]) == (diarised, "diarize")
    assert "audioWiratM.16778241.m4a" in report["passed_over"]["tracks"]
    assert "no Zoom timeline JSON" in report["passed_over"]["hints"]
    monkeypatch.delitem(speakers.ENGINES, "diarize")
    assert speakers.find_turns(Transcript(), rec, "auto", mixed)[1]["used"] == "none"
    # Asked for by name, the tracks engine refuses in one line that names the track and the way out.
    with pytest.raises(MinutesError) as err:
        speakers.find_turns(Transcript(), rec, "tracks", mixed)
    message = str(err.value)
    assert "audioWiratM.16778241.m4a" in message and "--speakers auto" in message and "\n" not in message


def test_a_silent_track_and_another_meetings_track(shifted: tuple[zf.Built, Recording, Audio], tmp_path: Path) -> None:
    _, _, mixed = shifted
    recording = tracks.read_wav(mixed.path)
    silent = tracks.check(np.zeros(len(recording), dtype=np.int16), recording, "audioเงียบ1.m4a")
    assert silent.status == "silent" and silent.offset is None
    other_tracks, _ = zf.compose([zf.Turn(zf.MALEE, "th-002"), zf.Turn(zf.MALEE, "th-004")])
    foreign = (other_tracks[zf.MALEE] * 32767).astype(np.int16)
    result = tracks.check(foreign, recording, "audioคนอื่น1.m4a")
    assert result.status == "not aligned" and result.agreeing == 0


def test_inspect_shows_the_offsets_and_the_fallback(shifted: tuple, squeezed: tuple) -> None:
    result = cli.invoke(app, ["inspect", str(shifted[0].folder)])
    assert result.exit_code == 0, result.output
    assert "aligned: lengths differ by 10.0 s;" in result.output
    assert "match at +10.00 s -> Mr. Kenji Tanaka" in result.output
    assert "local v2 dialect: 3 messages" in result.output
    assert "tracks: 5 per-participant tracks line up" in result.output
    result = cli.invoke(app, ["inspect", str(squeezed[0].folder)])
    assert result.exit_code == 0, result.output
    assert "audioWiratM.16778241.m4a" in result.output and "not aligned: only" in result.output
    fallback = "diarize" if "diarize" in speakers.ENGINES else "none"
    assert f"{fallback}: 1 of 5 tracks do not line up with the mixed recording" in result.output
    assert "participants report  -" in result.output and "missing: absentees cannot be told" in result.output
