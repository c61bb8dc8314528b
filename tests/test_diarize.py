"""Diarisation of a mixed recording and names from a voice library, on real Thai speech.

The meetings are composed (benchmarks/compose.py) from the human clips in tests/data/speech
(Common Voice, CC0-1.0; Gowajee, MIT: see its NOTICE.md): the real encoder, VAD and clustering
run on them. Unit tests of the clustering, smoothing and naming logic use real voice prints or,
where the point is the arithmetic, small made-up vectors.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmarks import compose
from pipeline import audio, diarize, speakers, voices
from pipeline.cli import app
from pipeline.errors import MinutesError
from pipeline.types import Audio, Meeting, Person, Turn

SPEECH = Path(__file__).parent / "data" / "speech"
SEED = 7


def _clip(name: str, tmp: Path) -> np.ndarray:
    wav = audio.decode([str(SPEECH / f"{name}.flac")], tmp / f"{name}.wav")
    return compose.trim(compose.read_wav(Path(wav.path)))


def _m4a(samples: np.ndarray, path: Path) -> Path:
    """Samples as AAC in MP4, as Zoom writes a recording (the pipeline decodes it back)."""
    raw = compose.write_wav(path.with_suffix(".raw.wav"), samples)
    cmd = [audio.ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(raw), "-c:a", "aac", str(path)]
    subprocess.run(cmd, check=True)
    raw.unlink()
    return path


def accuracy(reference: list[tuple[float, float, str]], turns: list[Turn]) -> float:
    """Share of the time one reference speaker talks that gets their label, under the best
    one-to-one mapping of labels to speakers (10 ms frames)."""
    from scipy.optimize import linear_sum_assignment

    end = int(max(e for _, e, _ in reference) * 100) + 1
    ref_names = sorted({w for _, _, w in reference})
    hyp_names = sorted({t.speaker for t in turns})
    ref = np.full(end, -1)
    count = np.zeros(end, dtype=int)
    for s, e, who in reference:
        ref[int(s * 100) : int(e * 100)] = ref_names.index(who)
        count[int(s * 100) : int(e * 100)] += 1
    hyp = np.full(end, -1)
    for t in turns:
        hyp[int(t.start * 100) : min(int(t.end * 100), end)] = hyp_names.index(t.speaker)
    single = count == 1
    agree = np.zeros((len(ref_names), max(len(hyp_names), 1)))
    for r in range(len(ref_names)):
        for h in range(len(hyp_names)):
            agree[r, h] = np.sum(single & (ref == r) & (hyp == h))
    rows, cols = linear_sum_assignment(-agree)
    return float(agree[rows, cols].sum() / single.sum())


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> tuple[compose.Meeting, Path]:
    """A 60 s meeting of three real voices (a man and two women), decoded by the pipeline."""
    tmp = tmp_path_factory.mktemp("diarize")
    voices_ = [compose.Voice(n, [_clip(n, tmp)]) for n in ("th-001", "th-003", "th-007")]
    composed = compose.compose(voices_, 60.0, SEED)
    m4a = _m4a(composed.audio, tmp / "การประชุม ครั้งที่ 1.m4a")
    return composed, Path(audio.decode([str(m4a)], tmp / "decoded.wav").path)


@pytest.fixture(scope="module")
def found(meeting: tuple[compose.Meeting, Path]) -> diarize.Diarisation:
    return diarize.diarize(meeting[1])


def test_three_voices_are_told_apart(meeting: tuple[compose.Meeting, Path], found: diarize.Diarisation) -> None:
    composed, _ = meeting
    assert diarize.speakers_of(found.turns) == ["ผู้พูด 1", "ผู้พูด 2", "ผู้พูด 3"]
    assert accuracy(composed.turns, found.turns) >= 0.85
    # Turns lie inside the recording, in order, labelled as diarisation.
    assert all(0 <= t.start < t.end <= composed.duration + 0.5 for t in found.turns)
    assert [t.start for t in found.turns] == sorted(t.start for t in found.turns)
    assert {t.source for t in found.turns} == {diarize.SOURCE}
    # The first voice heard is "ผู้พูด 1".
    start, end, _ = composed.turns[0]
    middle = (start + end) / 2
    assert [t.speaker for t in found.turns if t.start <= middle <= t.end] == ["ผู้พูด 1"]


def test_the_number_of_speakers_can_be_given_or_bounded(meeting: tuple[compose.Meeting, Path]) -> None:
    samples = audio.Samples(meeting[1])
    stream = diarize.SpeechStream(samples, diarize.speech_regions(audio.speech_probabilities(samples), 60.0))
    prints = diarize.embed_at(stream, diarize.coarse_starts(stream.cells))

    def count(**bounds: int) -> int:
        labels, centroids, _ = diarize.cluster(prints, diarize.Settings(**bounds))
        assert len(centroids) == len(set(labels.tolist()))
        return len(centroids)

    assert count() == 3
    assert count(num_speakers=2) == 2
    assert count(num_speakers=4) == 4
    assert count(max_speakers=2) == 2
    assert count(min_speakers=5) == 5


def test_silence_has_no_speakers(tmp_path: Path) -> None:
    quiet = compose.write_wav(tmp_path / "เงียบ.wav", np.zeros(16000 * 5, dtype=np.float32))
    assert diarize.diarize(quiet).turns == []


def test_the_numpy_encoder_gives_pytorchs_voice_prints() -> None:
    # Reference values from Resemblyzer's encoder run in PyTorch 2.13 (torch.nn.LSTM + Linear) on
    # the same input: the numpy port must agree to float32 rounding.
    x = (np.abs(np.sin(np.arange(2 * 160 * 40, dtype=np.float32) * 0.37)) * 0.1).reshape(2, 160, 40)
    x[1] = x[1][::-1]
    prints = diarize.embed(x)
    assert prints.shape == (2, 256) and np.allclose(np.linalg.norm(prints, axis=1), 1.0, atol=1e-5)
    expected = [[0.244028, 0.230766, 0.19441, 0.191549], [0.246779, 0.222088, 0.224704, 0.182739]]
    assert np.allclose(prints[:, [120, 16, 10, 104]], expected, atol=2e-5)


def test_speech_stream_joins_the_speech_and_reads_it_back() -> None:
    samples = audio.Samples(array=np.arange(1000, dtype=np.float32))
    stream = diarize.SpeechStream(samples, [(100, 200), (500, 650)])
    assert stream.length == 250
    assert stream.read(90, 120).tolist() == list(range(190, 200)) + list(range(500, 520))


def test_viterbi_ignores_a_blip_but_follows_a_change() -> None:
    a, b = [1.0, 0.0], [0.0, 1.0]
    blip = np.array([a] * 5 + [[0.4, 0.6]] + [a] * 5)
    assert diarize.viterbi(blip, 0.3).tolist() == [0] * 11
    change = np.array([a] * 5 + [b] * 5)
    assert diarize.viterbi(change, 0.3).tolist() == [0] * 5 + [1] * 5


def test_settings_that_cannot_be_met_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(MinutesError, match="--min-speakers 4 is more than --max-speakers 2"):
        diarize.Settings(min_speakers=4, max_speakers=2).check()
    with pytest.raises(MinutesError, match="--num-speakers 0"):
        diarize.Settings(num_speakers=0).check()
    with pytest.raises(MinutesError, match="no such folder"):
        diarize.Settings(voices=str(tmp_path / "ไม่มี")).check()


def test_unavailable_engine_says_how_to_get_it() -> None:
    try:
        installed = importlib.util.find_spec("pyannote.audio") is not None
    except ModuleNotFoundError:  # the parent package "pyannote" is absent too
        installed = False
    if installed:
        pytest.skip("pyannote.audio is installed here")
    with pytest.raises(MinutesError, match=r"pip install 'thai-minutes\[pyannote\]'"):
        speakers.ENGINES["pyannote"](None, None, Audio(path="x.wav", duration=1.0))  # type: ignore[arg-type]


# Names ------------------------------------------------------------------------------------------


def _unit(*v: float) -> np.ndarray:
    x = np.array(v, dtype=np.float32)
    return x / np.linalg.norm(x)


def _found() -> diarize.Diarisation:
    turns = [Turn(0, 5, "ผู้พูด 1", "diarisation"), Turn(5, 9, "ผู้พูด 2", "diarisation")]
    turns.append(Turn(9, 12, "ผู้พูด 3", "diarisation"))
    prints = {"ผู้พูด 1": _unit(1, 0, 0, 0), "ผู้พูด 2": _unit(0, 1, 0, 0), "ผู้พูด 3": _unit(0, 0, 1, 0)}
    return diarize.Diarisation(turns, prints)


def _library() -> voices.Library:
    return voices.Library(
        Path("speakers"),
        {
            "นายสมชาย ใจดี": _unit(0.95, 0.1, 0, 0.1),
            "นางสาวมาลี รักไทย": _unit(0.05, 1, 0, 0.05),
            "นายวิรัตน์ มนัสสนิทวงศ์": _unit(0.3, 0, 0.2, 1),  # nearest to ผู้พูด 3, but not alike
        },
    )


def test_known_voices_are_named_and_a_stranger_is_not() -> None:
    named = voices.name_turns(_found(), _library(), None)
    assert [t.speaker for t in named.turns] == ["นายสมชาย ใจดี", "นางสาวมาลี รักไทย", "ผู้พูด 3"]
    assert named.turns[0].source.startswith("voice library (0.9")
    assert "2 of 3" in named.note


def test_each_name_is_given_once() -> None:
    found = _found()
    found.voices["ผู้พูด 3"] = _unit(1, 0.05, 0, 0)  # as close to สมชาย as ผู้พูด 1 is
    names = [t.speaker for t in voices.name_turns(found, _library(), None).turns]
    assert names.count("นายสมชาย ใจดี") == 1


def test_the_roster_restricts_the_candidates() -> None:
    meeting = Meeting(
        chair=Person("นายสมชาย ใจดี"),
        members_present=[Person("นายวิรัตน์ มนัสสนิทวงศ์")],
        members_absent=[Person("นางสาวมาลี รักไทย", note="ติดราชการ")],  # absent: cannot be the voice
    )
    names = [t.speaker for t in voices.name_turns(_found(), _library(), meeting).turns]
    assert names == ["นายสมชาย ใจดี", "ผู้พูด 2", "ผู้พูด 3"]
    # A library folder without the title still matches the roster's formal name.
    lib = voices.Library(Path("speakers"), {"สมชาย ใจดี": _unit(1, 0, 0, 0)})
    assert voices.name_turns(_found(), lib, meeting).turns[0].speaker == "นายสมชาย ใจดี"


def test_a_real_voice_library_names_two_voices_and_leaves_the_third(tmp_path: Path) -> None:
    """Enrolled with the first half of two speakers' clips; the meeting uses the second halves,
    so no audio is in both. The third voice is not in the library."""
    clips = {n: _clip(n, tmp_path) for n in ("th-001", "th-003", "th-007")}
    library = tmp_path / "speakers"
    names = {"th-001": "นางสาวมาลี รักไทย", "th-003": "นายสมชาย ใจดี"}
    for clip, name in names.items():
        half = clips[clip][: len(clips[clip]) // 2]
        _m4a(half, library / name / "เสียง ประชุม 1.m4a")
    parts = {n: c[len(c) // 2 :] if n in names else c for n, c in clips.items()}
    composed = compose.compose([compose.Voice(n, [c]) for n, c in parts.items()], 40.0, SEED)
    wav = compose.write_wav(tmp_path / "meeting.wav", composed.audio)
    named = voices.name_turns(diarize.diarize(wav), voices.Library.load(library), None)
    time: dict[tuple[str, str], float] = {}  # (reference voice, label given) -> seconds together
    for t in named.turns:
        for s, e, who in composed.turns:
            both = max(0.0, min(e, t.end) - max(s, t.start))
            time[who, t.speaker] = time.get((who, t.speaker), 0.0) + both
    enrolled = sum(v for (who, _), v in time.items() if who in names)
    right = sum(v for (who, label), v in time.items() if who in names and label == names[who])
    assert right / enrolled >= 0.9
    # The label that holds most of the stranger's speech is no one's name.
    stranger = max((v, label) for (who, label), v in time.items() if who == "th-007")[1]
    assert stranger.startswith("ผู้พูด ")


def test_library_errors_name_the_folder(tmp_path: Path) -> None:
    (tmp_path / "speakers" / "นายสมชาย ใจดี").mkdir(parents=True)
    with pytest.raises(MinutesError, match="no voices found"):
        voices.Library.load(tmp_path / "speakers")
    compose.write_wav(tmp_path / "speakers" / "นายสมชาย ใจดี" / "เงียบ.wav", np.zeros(16000, dtype=np.float32))
    with pytest.raises(MinutesError, match="no speech heard"):
        voices.Library.load(tmp_path / "speakers")


# The command line -------------------------------------------------------------------------------


def test_run_diarises_then_speakers_renames_without_transcribing(
    meeting: tuple[compose.Meeting, Path], tmp_path: Path, fake_engine: type
) -> None:
    composed, _ = meeting
    recording = _m4a(composed.audio[: 35 * 16000], tmp_path / "ประชุม ทดลอง.m4a")
    out = tmp_path / "ผลลัพธ์"
    cli = CliRunner()
    result = cli.invoke(app, ["run", str(recording), "--out", str(out), "--speakers", "diarize"])
    assert result.exit_code == 0, result.output
    folder = out / recording.stem
    transcript = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    labels = {s["speaker"] for s in transcript["segments"]}
    assert labels and all(label.startswith("ผู้พูด ") for label in labels)
    assert {s["speaker_source"] for s in transcript["segments"]} == {diarize.SOURCE}
    calls = fake_engine.calls

    listed = cli.invoke(app, ["speakers", str(folder)])
    assert listed.exit_code == 0 and "ผู้พูด 1" in listed.output

    result = cli.invoke(app, ["speakers", str(folder), "--rename", "ผู้พูด 1=นายสมชาย ใจดี"])
    assert result.exit_code == 0, result.output
    assert fake_engine.calls == calls  # nothing transcribed again
    renamed = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    assert "นายสมชาย ใจดี" in {s["speaker"] for s in renamed["segments"]}
    assert "ผู้พูด 1" not in {s["speaker"] for s in renamed["segments"]}
    assert "นายสมชาย ใจดี" in (folder / "transcript.txt").read_text(encoding="utf-8")
    # A later run with the same settings keeps the name (its stored results are still valid).
    again = cli.invoke(app, ["run", str(recording), "--out", str(out), "--speakers", "diarize"])
    assert again.exit_code == 0, again.output
    assert "นายสมชาย ใจดี" in (folder / "transcript.txt").read_text(encoding="utf-8")

    bad = cli.invoke(app, ["speakers", str(folder), "--rename", "ผู้พูด 9=ใครสักคน"])
    assert bad.exit_code == 2 and "no speaker 'ผู้พูด 9'" in bad.output and "นายสมชาย ใจดี" in bad.output
    malformed = cli.invoke(app, ["speakers", str(folder), "--rename", "นายสมชาย ใจดี"])
    assert malformed.exit_code == 2 and "old label=new name" in malformed.output

    # Changing the speaker count reruns the speakers stage only.
    result = cli.invoke(app, ["run", str(recording), "--out", str(out), "--speakers", "diarize", "--num-speakers", "2"])
    assert result.exit_code == 0, result.output
    assert "speakers" in result.output.splitlines()[0] and "transcript" not in result.output.splitlines()[0]
    assert fake_engine.calls == calls
    two = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    assert len({s["speaker"] for s in two["segments"]}) <= 2


def test_bad_speaker_options_stop_before_any_work(tmp_path: Path, tone_m4a: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", str(tone_m4a), "--out", str(tmp_path / "o"), "--min-speakers", "3", "--max-speakers", "2"]
    )
    assert result.exit_code == 2
    assert "--min-speakers 3 is more than --max-speakers 2" in result.output
    assert not (tmp_path / "o").exists()
