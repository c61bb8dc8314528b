"""Throughput of `minutes batch` (audio hours per hour): --jobs 1, --jobs 2 and Ray, beside a baseline.

The baseline is what a secretary does without `batch`: `minutes run` on each file, one after
another (a new process, and the model loaded again, per recording). Archives of real Thai speech
are cut from the bundled sample meeting (pieces of --seconds, each different audio, so none is a
copy of another), at each --sizes; every configuration runs on a fresh output folder with the real
Whisper base model, in its own process tree, whose wall time and peak memory (resident set of the
tree, polled) are measured. Transcripts are compared: --jobs 2 with --jobs 1, Ray with --jobs 2
(one thread per recording in both). The thread count changes the last bits of the audio features,
so --jobs 1 (every core on one recording) may hear a word differently; and faster-whisper samples
at a higher temperature where greedy decoding fails its checks, so such a passage can differ
between two runs of the same command. `same text` counts the recordings that came out identical.

    python benchmarks/batch.py [--sizes 2 6] [--seconds 10]

Results: benchmarks/results/batch.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import peak_rss  # noqa: E402
from pipeline import audio  # noqa: E402

SAMPLE = ROOT / "recordings" / "sample" / "meeting.m4a"
CONFIGS = {
    "baseline: minutes run per file": None,
    "batch --jobs 1": ["--jobs", "1"],
    "batch --jobs 2": ["--jobs", "2"],
    "batch --executor ray --jobs 2": ["--executor", "ray", "--jobs", "2"],
}
COMPARED_WITH = {"batch --jobs 2": "batch --jobs 1", "batch --executor ray --jobs 2": "batch --jobs 2"}


def measure(cmds: list[list[str]]) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) of commands run one after another, each with its children."""
    start = time.perf_counter()
    peak = 0
    for cmd in cmds:
        proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = max(peak, peak_rss(proc, interval=0.1))
        if proc.returncode not in (0,):
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode(errors='replace')}")
    return {"seconds": time.perf_counter() - start, "peak_mib": peak / 2**20}


def build_archive(folder: Path, count: int, seconds: float) -> list[Path]:
    """`count` recordings of `seconds` each, cut from the sample at different places (7.3 s apart, wrapping
    round: no two alike, or the content hash would process them once), in Thai-named folders."""
    files = []
    for i in range(count):
        target = folder / f"ปี {2560 + i % 3}" / f"การประชุม ครั้งที่ {i + 1}.m4a"
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [audio.ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-ss", f"{i * 7.3 % (64 - seconds):.1f}", "-t",
             str(seconds), "-i", str(SAMPLE), "-c:a", "aac", str(target)],
            check=True,
        )  # fmt: skip
        files.append(target)
    return files


def transcripts(out: Path) -> dict[str, list[str]]:
    return {
        p.parent.name: [s["text"] for s in json.loads(p.read_text(encoding="utf-8"))["segments"]]
        for p in sorted(out.glob("*/transcript.json"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 6])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "batch.json"))
    args = parser.parse_args()
    minutes = [sys.executable, "-m", "pipeline"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            archive = Path(tmp) / f"คลัง {size}"
            files = build_archive(archive, size, args.seconds)
            hours = size * args.seconds / 3600
            texts_of: dict[str, dict[str, list[str]]] = {}
            for name, extra in CONFIGS.items():
                out = Path(tmp) / f"out-{size}-{len(rows)}"
                if extra is None:
                    cmds = [[*minutes, "run", str(f), "--out", str(out)] for f in files]
                else:
                    cmds = [[*minutes, "batch", str(archive), "--out", str(out), *extra]]
                m = measure(cmds)
                texts = texts_of[name] = transcripts(out) if extra is not None else {}
                reference = texts_of.get(COMPARED_WITH.get(name, ""))
                row = {
                    "recordings": size,
                    "audio_seconds": size * args.seconds,
                    "config": name,
                    **m,
                    "audio_hours_per_hour": hours / (m["seconds"] / 3600),
                    "compared_with": COMPARED_WITH.get(name),
                    "same_text": None if reference is None else sum(texts.get(k) == v for k, v in reference.items()),
                }
                rows.append(row)
                speed = row["audio_hours_per_hour"]
                print(f"{size} recordings, {name}: {m['seconds']:.1f} s, {speed:.2f} h/h", flush=True)
    for row in rows:
        base = next(r for r in rows if r["recordings"] == row["recordings"] and r["config"].startswith("baseline"))
        row["speed_vs_baseline"] = row["audio_hours_per_hour"] / base["audio_hours_per_hour"]
        row["peak_memory_vs_baseline"] = row["peak_mib"] / base["peak_mib"]
    report = {
        "machine": f"{platform.machine()} {psutil.cpu_count()} cpu {platform.python_version()}",
        "model": "base (embedded, int8, cpu)",
        "piece_seconds": args.seconds,
        "rows": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n{report['machine']}, Whisper base int8, pieces of {args.seconds:.0f} s of real Thai speech")
    print("| recordings | configuration | wall s | audio h per h | vs baseline | peak MiB | vs baseline | same text |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        same = "-" if r["same_text"] is None else f"{r['same_text']}/{r['recordings']} as {r['compared_with'][6:]}"
        print(
            f"| {r['recordings']} | {r['config']} | {r['seconds']:.1f} | {r['audio_hours_per_hour']:.2f} | "
            f"{r['speed_vs_baseline']:.2f} | {r['peak_mib']:.0f} | {r['peak_memory_vs_baseline']:.2f} | {same} |"
        )


if __name__ == "__main__":
    main()
