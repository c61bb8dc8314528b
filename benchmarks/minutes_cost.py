"""The minutes stage's cost beside transcription's, on a 2-hour transcript, in one run.

Transcription: `minutes run AUDIO --force` records each stage's seconds in run.json; its real-time
factor (transcript seconds / audio seconds, median of `--repeat`) gives what 2 hours of audio cost
on this machine. The minutes stage: the rules engine on a 2-hour transcript made of the annotated
meetings of tests/data/meetings/ laid end to end (a dense meeting: someone talks all the time), as
text and at 20% CER, median of `--repeat`, in this process after one warm-up (pythainlp's
dictionary and the engine's caches load once per process, as in a run).

    python benchmarks/minutes_cost.py [--audio recordings/sample] [--hours 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import minutes as drafting  # noqa: E402
from pipeline import noise  # noqa: E402
from pipeline.minutes import score  # noqa: E402
from pipeline.types import Meeting, Transcript  # noqa: E402


def long_transcript(hours: float) -> Transcript:
    """The annotated meetings one after another, again and again, until `hours` of talk."""
    meetings = score.load_set(ROOT / "tests" / "data" / "meetings" / "dev") + score.load_set(
        ROOT / "tests" / "data" / "meetings" / "frozen")
    segments, offset, k = [], 0.0, 0
    while offset < hours * 3600:
        for s in meetings[k % len(meetings)].transcript.segments:
            seg = copy.copy(s)
            seg.id, seg.start, seg.end = len(segments), s.start + offset, s.end + offset
            segments.append(seg)
        offset, k = segments[-1].end + 2.0, k + 1
    return Transcript(segments=segments, duration=offset)


def transcription_rtf(audio: Path, repeat: int) -> tuple[float, float]:
    """(median transcript-stage seconds, audio seconds) of `minutes run --force`."""
    times, seconds = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"run{i}"
            cmd = [sys.executable, "-m", "pipeline", "run", str(audio), "--force", "--out", str(out), "--no-pdf"]
            subprocess.run(cmd, check=True, capture_output=True)
            run = json.loads(next(out.glob("*/run.json")).read_text(encoding="utf-8"))
            times.append(run["stages"]["transcript"]["seconds"])
            seconds = json.loads(next(out.glob("*/stages/audio.json")).read_text(encoding="utf-8"))["duration"]
    return statistics.median(times), seconds


def minutes_seconds(transcript: Transcript, repeat: int) -> tuple[float, float]:
    """(median seconds, peak MiB traced) of the rules engine on `transcript`."""
    drafting.run(Transcript(segments=transcript.segments[:50]), Meeting())  # warm-up: dictionaries load
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        drafting.run(transcript, Meeting())
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    drafting.run(transcript, Meeting())
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=ROOT / "recordings" / "sample")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    transcript = long_transcript(args.hours)
    noisy = noise.corrupt_transcript(transcript, 0.20, 0, noise.default_confusions())
    clean_s, clean_mib = minutes_seconds(transcript, args.repeat)
    noisy_s, noisy_mib = minutes_seconds(noisy, args.repeat)
    trans_s, audio_s = transcription_rtf(args.audio, args.repeat)
    rtf = trans_s / audio_s
    hours_s = rtf * transcript.duration
    report = {
        "transcript": {"segments": len(transcript.segments), "seconds": round(transcript.duration)},
        "minutes_stage_s": {"text": round(clean_s, 2), "20% CER": round(noisy_s, 2)},
        "minutes_stage_peak_traced_mib": {"text": round(clean_mib, 1), "20% CER": round(noisy_mib, 1)},
        "transcription": {
            "audio": str(args.audio), "audio_s": round(audio_s, 1), "transcript_stage_s": round(trans_s, 2),
            "real_time_factor": round(rtf, 3), f"{transcript.duration / 3600:.2f} h estimated s": round(hours_s),
        },
        "ratio": {"text": round(clean_s / hours_s, 4), "20% CER": round(noisy_s / hours_s, 4)},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
