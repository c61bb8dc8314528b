"""What the speaker stage costs beside transcription, and its memory on a long meeting.

    python benchmarks/speakers_cost.py [--minutes 10] [--repeat 2]    # speaker stage vs transcription
    python benchmarks/speakers_cost.py --memory 10 120                # peak memory at 10 min and 2 h

Cost: one composed meeting (benchmarks/compose.py, 4 speakers, AAC, decoded by the pipeline);
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
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import compose, diarisation  # noqa: E402
from benchmarks.run import measure  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--memory", type=float, nargs="*", help="meeting lengths in minutes for the memory profile")
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
        wav = meeting(args.minutes, Path(tmp) / "m")
        runs: dict[str, list[dict[str, float]]] = {"transcription": [], "diarisation": []}
        for _ in range(args.repeat):
            runs["transcription"].append(measure([sys.executable, "-c", TRANSCRIBE, str(wav)]))
            runs["diarisation"].append(measure([sys.executable, "-c", DIARIZE, str(wav)]))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    report = {
        "audio_minutes": args.minutes,
        "median_seconds": med,
        "diarisation_over_transcription": med["diarisation"] / med["transcription"],
        "diarisation_rtf": med["diarisation"] / (args.minutes * 60),
        "runs": runs,
    }
    (out / "speakers-cost.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
