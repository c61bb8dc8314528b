"""What the speaker stage costs beside transcription, and its memory on a long meeting.

    python benchmarks/speakers_cost.py [--minutes 10] [--repeat 2]    # speaker stage vs transcription
    python benchmarks/speakers_cost.py --audio recordings/sample/meeting.m4a   # stage times in `minutes run`
    python benchmarks/speakers_cost.py --memory 10 120                # peak memory at 10 min and 2 h

Cost: a recording given with --audio (decoded by the pipeline), or one composed meeting
(benchmarks/compose.py, 4 speakers, AAC, decoded by the pipeline). Mind that compose.py builds a turn
from a speaker's clip repeated and cropped, which is fine for telling voices apart but makes Whisper
hear the same sentence over and over: its loops and temperature fallbacks inflate transcription time
there, so the cost figure is taken on natural speech (--audio);
transcription (the pipeline's transcribe stage, default model and settings) and diarisation
(`pipeline.diarize`) each run in their own process, alternating, `--repeat` times: median wall
seconds and the ratio diarisation / transcription.
Memory: diarisation alone, in its own process, on meetings of each length; peak resident memory
(polled) and seconds, so a flat profile shows as a ratio near 1. Results go to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import compose, diarisation  # noqa: E402
from benchmarks.run import measure  # noqa: E402
from pipeline import audio  # noqa: E402

TRANSCRIBE = """
import sys
from pipeline import audio, transcribe
from pipeline.types import Audio
wav = sys.argv[1]
transcribe.run(Audio(path=wav, duration=audio.Samples(wav).duration), transcribe.Settings())
"""
DIARIZE = """
import sys
from pipeline import diarize
print(len(diarize.diarize(sys.argv[1]).turns))
"""


def meeting(minutes: float, folder: Path, seed: int = 3000) -> Path:
    """A composed meeting of four voices, through AAC and the pipeline's decode stage."""
    pool = compose.voices_from(diarisation.real_clips())
    chosen = random.Random(seed).sample(pool, 4)
    folder.mkdir(parents=True, exist_ok=True)
    return diarisation.recorded(compose.compose(chosen, minutes * 60, seed), folder)


def in_run(recording: Path, repeat: int, tmp: Path, out: Path) -> None:
    """The stage times `minutes run --speakers diarize --force` records in run.json, `repeat` times."""
    rows = []
    for i in range(repeat):
        dest = tmp / f"run{i}"
        cmd = [sys.executable, "-m", "pipeline", "run", str(recording), "--speakers", "diarize", "--force"]
        subprocess.run([*cmd, "--out", str(dest)], check=True, capture_output=True)
        run = json.loads(next(dest.glob("*/run.json")).read_text(encoding="utf-8"))
        rows.append({name: stage["seconds"] for name, stage in run["stages"].items()})
        print(f"run {i + 1}: transcript {rows[-1]['transcript']:.1f} s, speakers {rows[-1]['speakers']:.1f} s")
    seconds = audio.Samples(next(dest.glob("*/stages/audio.wav"))).duration  # what the last run decoded
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    report = {
        "audio": str(recording),
        "audio_minutes": seconds / 60,
        "median_stage_seconds": med,
        "speakers_over_transcript": med["speakers"] / med["transcript"],
        "speakers_rtf": med["speakers"] / seconds,
        "transcript_rtf": med["transcript"] / seconds,
        "runs": rows,
    }
    name = f"speakers-cost-{recording.stem}.json"
    (out / name).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--memory", type=float, nargs="*", help="meeting lengths in minutes for the memory profile")
    parser.add_argument("--audio", type=Path, help="measure the cost on this recording instead of a composed one")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.memory:
            rows = []
            for minutes in args.memory:
                wav = meeting(minutes, Path(tmp) / f"m{minutes}")
                m = measure([sys.executable, "-c", DIARIZE, str(wav)])
                rows.append({"minutes": minutes, **m, "rtf": m["seconds"] / (minutes * 60)})
                print(f"{minutes:g} min: {m['seconds']:.0f} s, peak {m['peak_mib']:.0f} MiB", flush=True)
            report = {"memory": rows, "peak_ratio_longest_to_shortest": rows[-1]["peak_mib"] / rows[0]["peak_mib"]}
            (out / "speakers-memory.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
            print(json.dumps(report, indent=2))
            return
        if args.audio:
            in_run(args.audio, args.repeat, Path(tmp), out)
            return
        wav = meeting(args.minutes, Path(tmp) / "m")
        seconds = audio.Samples(wav).duration
        runs: dict[str, list[dict[str, float]]] = {"transcription": [], "diarisation": []}
        for _ in range(args.repeat):
            runs["transcription"].append(measure([sys.executable, "-c", TRANSCRIBE, str(wav)]))
            runs["diarisation"].append(measure([sys.executable, "-c", DIARIZE, str(wav)]))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    report = {
        "audio": "composed (benchmarks/compose.py)",
        "audio_minutes": seconds / 60,
        "median_seconds": med,
        "diarisation_over_transcription": med["diarisation"] / med["transcription"],
        "diarisation_rtf": med["diarisation"] / seconds,
        "transcription_rtf": med["transcription"] / seconds,
        "runs": runs,
    }
    (out / "speakers-cost.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
