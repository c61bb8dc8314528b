"""`minutes render OUTDIR` (re-render from stored results) against `minutes run transcript.json --force`
(draft and render again) on the same long meeting, alternating in one run; median wall time of each
and the ratio.

The meeting is the scripted meetings of tests/data/scripted/ joined end to end until it holds at
least SEGMENTS segments (a long afternoon of Whisper sentences); the rules engine drafts it.

    python benchmarks/render.py [--segments 1500] [--repeat 3]

Results land in benchmarks/results/render.json (not in git).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTED = ROOT / "tests" / "data" / "scripted"


def long_meeting(segments: int) -> dict:
    """The scripted meetings, in a fixed order, repeated and shifted in time."""
    sources = [json.loads(p.read_text(encoding="utf-8"))["segments"] for p in sorted(SCRIPTED.glob("*.json"))]
    out: list[dict] = []
    offset = 0.0
    while len(out) < segments:
        for source in sources:
            for s in source:
                out.append({**s, "id": len(out), "start": s["start"] + offset, "end": s["end"] + offset})
            offset = out[-1]["end"] + 1.0
    return {"language": "th", "duration": offset, "segments": out}


def timed(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", *args], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ประชุม ยาว.json"
        meeting = long_meeting(args.segments)
        source.write_text(json.dumps(meeting, ensure_ascii=False), encoding="utf-8")
        out = Path(tmp) / "out"
        timed("run", str(source), "--out", str(out))  # the stored results the re-render reads
        folder = out / source.stem
        full, rerender = [], []
        for i in range(args.repeat):
            full.append(timed("run", str(source), "--out", str(out), "--force"))
            rerender.append(timed("render", str(folder), "--style", ("verbatim", "resolutions")[i % 2]))
    result = {
        "segments": len(meeting["segments"]),
        "audio_hours": round(meeting["duration"] / 3600, 2),
        "baseline": "minutes run transcript.json --force (speakers, minutes, render)",
        "run_seconds": [round(t, 2) for t in full],
        "render_seconds": [round(t, 2) for t in rerender],
        "median_run_seconds": round(statistics.median(full), 2),
        "median_render_seconds": round(statistics.median(rerender), 2),
        "render_to_run_ratio": round(statistics.median(rerender) / statistics.median(full), 3),
    }
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "render.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
