"""Zoom per-participant tracks: transcribe the mixed recording once and attribute words by track
activity (what `minutes run` does), beside transcribing every track separately, in one run.

    python benchmarks/tracks.py [--repeat 3] [--rounds 2]

A meeting of six speakers is composed from the real Thai clips in tests/data/speech/ that have
exact transcripts (`rounds` turns each, two of them overlapping the turn before) into a Zoom
folder with per-participant tracks (tests/zoomfolder.py). Each side runs in its own process,
alternating, `--repeat` times, with the same Whisper model and settings; reported: wall time and
peak memory (resident set, polled; model loading included on both sides), the share of
transcribed speech time labelled with the right speaker, the share of reference speech that got
words at all, and the character error rate against the clips' transcripts. Ratios are
per-track / mixed. Results go to benchmarks/results/tracks.json (not in git).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import peak_rss  # noqa: E402
from pipeline import audio, discover, speakers, thai, tracks, transcribe, zoom  # noqa: E402
from pipeline.evaluate import cer  # noqa: E402
from pipeline.types import Segment, Transcript  # noqa: E402
from tests import zoomfolder as zf  # noqa: E402

# One clip per person (each clip is one speaker of the corpus), every clip with an exact transcript.
PEOPLE = [
    ("สมชาย ใจดี", "th-005"),
    ("Wirat M.", "th-001"),
    ("มาลี ศรีสุข", "th-002"),
    ("ธนา รักดี", "th-003"),
    ("Anong K.", "th-004"),
    ("JICA Expert", "th-007"),
]
SETTINGS = transcribe.Settings(device="cpu", compute_type="int8")


def meeting_turns(rounds: int) -> list[zf.Turn]:
    turns = [zf.Turn(name, clip) for _ in range(rounds) for name, clip in PEOPLE]
    for i in (3, 9):  # two overlaps: these turns start a second before the one before ends
        if i < len(turns):
            turns[i].overlap = 1.0
    return turns


def track_label(display: str) -> str:
    """The speaker label the tracks give a person when there is no roster or meeting.yaml."""
    return zoom.track_name(f"audio{display.replace(' ', '')}1.m4a")


def mixed_once(folder: Path, tmp: Path) -> list[Segment]:
    """`minutes run`'s way: one transcription of the mixed recording, words attributed by tracks."""
    rec = discover.find(folder)
    decoded = audio.decode(rec.parts, tmp / "mixed.wav")
    text = thai.clean(transcribe.run(decoded, SETTINGS))
    return speakers.assign(text, rec, "tracks", decoded).segments


def per_track(folder: Path, tmp: Path) -> list[Segment]:
    """Every track transcribed on its own (after the same alignment check), labelled by its owner."""
    rec = discover.find(folder)
    decoded = audio.decode(rec.parts, tmp / "mixed.wav")
    checks, _ = tracks.analyse(rec.tracks, decoded.path)
    segments: list[Segment] = []
    for i, check in enumerate(checks):
        track = audio.decode([check.file], tmp / f"track{i}.wav")
        text = thai.clean(transcribe.run(track, SETTINGS))
        shift = check.offset or 0.0
        for s in text.segments:
            words = [dataclasses.replace(w, start=w.start + shift, end=w.end + shift) for w in s.words]
            segments.append(dataclasses.replace(s, start=s.start + shift, end=s.end + shift, words=words,
                                                speaker=check.name, speaker_source=tracks.SOURCE))
    return sorted(segments, key=lambda s: s.start)


def cpu_seconds() -> float:
    """CPU time of this process and (where the OS reports it) its finished children (ffmpeg):
    steadier than wall time on a busy machine."""
    t = psutil.Process().cpu_times()
    return t.user + t.system + getattr(t, "children_user", 0.0) + getattr(t, "children_system", 0.0)


def side(name: str, rounds: int) -> None:
    """One side, in this process: print its measures as JSON."""
    transcribe.engine(SETTINGS)  # load the model before the clock starts, as a long run would amortise it
    with tempfile.TemporaryDirectory() as tmp:
        built = zf.build_local(Path(tmp) / "2026-03-19 13.30.00 เปรียบเทียบ", meeting_turns(rounds), chat=[],
                               roster=False, meeting_yaml=None)
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        segments = (mixed_once if name == "mixed" else per_track)(built.folder, Path(tmp))
        seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    names = {display: track_label(display) for display, _ in PEOPLE}
    right, covered = zf.word_attribution(segments, built.utterances, names)
    reference = "".join(u.text for u in sorted(built.utterances, key=lambda u: u.start))
    print(json.dumps({
        "work_seconds": seconds,
        "work_cpu_seconds": cpu,
        "audio_seconds": built.duration,
        "right_speaker": right,
        "transcribed": covered,
        "cer": cer(reference, "".join(s.text for s in segments)),
        "segments": len(Transcript(segments=segments).segments),
    }))


def measure(cmd: list[str]) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) of a command and its children, with the measures it printed."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = peak_rss(proc)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err.decode(errors='replace')}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    return {"seconds": time.perf_counter() - start, "peak_mib": peak / 2**20, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="turns each of the six speakers takes")
    parser.add_argument("--side", choices=["mixed", "tracks"], help=argparse.SUPPRESS)  # one side, in a child
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "tracks.json"))
    args = parser.parse_args()
    if args.side:
        side(args.side, args.rounds)
        return
    names = {"mixed": "mixed once + track activity", "tracks": "each track transcribed"}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(args.repeat):
        for name in names:
            runs[name].append(measure([sys.executable, __file__, "--side", name, "--rounds", str(args.rounds)]))
    keys = ("seconds", "work_seconds", "work_cpu_seconds", "peak_mib", "right_speaker", "transcribed", "cer",
            "audio_seconds")
    med = {name: {k: statistics.median(r[k] for r in rs) for k in keys} for name, rs in runs.items()}
    mixed, each = med["mixed"], med["tracks"]
    report = {
        "model": SETTINGS.model,
        "machine": f"{platform.machine()} {psutil.cpu_count()} cpu {platform.python_version()}",
        "repeat": args.repeat,
        "speakers": len(PEOPLE),
        "median": med,
        "ratio_time": each["seconds"] / mixed["seconds"],
        "ratio_work_time": each["work_seconds"] / mixed["work_seconds"],
        "ratio_work_cpu": each["work_cpu_seconds"] / mixed["work_cpu_seconds"],
        "ratio_peak_memory": each["peak_mib"] / mixed["peak_mib"],
        "runs": runs,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{mixed['audio_seconds']:.0f} s meeting, {len(PEOPLE)} speakers, Whisper {SETTINGS.model} int8 cpu, "
          f"median of {args.repeat}")
    print("| | seconds (all) | seconds (work) | CPU s (work) | peak MiB | right speaker | transcribed | CER |")
    print("|---|---|---|---|---|---|---|---|")
    for name, m in med.items():
        print(f"| {names[name]} | {m['seconds']:.1f} | {m['work_seconds']:.1f} | {m['work_cpu_seconds']:.1f} | "
              f"{m['peak_mib']:.0f} | {m['right_speaker']:.3f} | {m['transcribed']:.3f} | {m['cer']:.3f} |")
    print(f"| ratio (each track / mixed) | {report['ratio_time']:.2f} | {report['ratio_work_time']:.2f} | "
          f"{report['ratio_work_cpu']:.2f} | {report['ratio_peak_memory']:.2f} | | | |")


if __name__ == "__main__":
    main()
