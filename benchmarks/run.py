"""`minutes run` beside plain faster-whisper on the same audio, model and settings, in one run.

Each side runs in its own process, alternating, `--repeat` times; wall time and peak memory
(resident set of the process tree, polled) are reported with the ratio ours / baseline.

    python benchmarks/run.py [AUDIO] [--repeat 3]
"""

from __future__ import annotations

import argparse
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

from pipeline import transcribe  # noqa: E402

BASELINE = """
import sys
from faster_whisper import WhisperModel
s = {settings}
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8")
segments, info = model.transcribe(sys.argv[2], language=s["language"], beam_size=s["beam_size"],
    vad_filter=s["vad_filter"], word_timestamps=s["word_timestamps"],
    condition_on_previous_text=s["condition_on_previous_text"])
print(sum(len(seg.text) for seg in segments), "characters")
"""


def peak_rss(proc: psutil.Popen, interval: float = 0.05) -> int:
    """Wait for `proc` to end; the peak resident memory (bytes) of it and its children together, polled."""
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(interval)
    return peak


def measure(cmd: list[str]) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) of a command and all its children."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_rss(proc)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode(errors='replace')}")
    return {"seconds": seconds, "peak_mib": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", nargs="?", default=str(ROOT / "recordings" / "sample" / "meeting.m4a"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "run-vs-faster-whisper.json"))
    args = parser.parse_args()

    settings = transcribe.Settings(device="cpu", compute_type="int8")
    model_dir = transcribe.resolve(settings.model)
    baseline_script = BASELINE.format(settings=settings.__dict__)
    runs: dict[str, list[dict[str, float]]] = {"faster-whisper": [], "minutes run": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            runs["faster-whisper"].append(measure([sys.executable, "-c", baseline_script, model_dir, args.audio]))
            ours = [
                sys.executable,
                "-m",
                "pipeline",
                "run",
                args.audio,
                "--out",
                f"{tmp}/{i}",
                "--device",
                "cpu",
                "--compute-type",
                "int8",
                "--force",
            ]
            runs["minutes run"].append(measure(ours))

    med = {name: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mib")} for name, rs in runs.items()}
    base, ours = med["faster-whisper"], med["minutes run"]
    report = {
        "audio": args.audio,
        "model": settings.model,
        "settings": settings.__dict__,
        "machine": f"{platform.machine()} {psutil.cpu_count()} cpu {platform.python_version()}",
        "repeat": args.repeat,
        "median": med,
        "ratio_time": ours["seconds"] / base["seconds"],
        "ratio_peak_memory": ours["peak_mib"] / base["peak_mib"],
        "runs": runs,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"audio: {args.audio} (model {settings.model}, int8, cpu, median of {args.repeat})")
    print("| | seconds | peak MiB |\n|---|---|---|")
    for name, m in med.items():
        print(f"| {name} | {m['seconds']:.1f} | {m['peak_mib']:.0f} |")
    print(f"| ratio | {report['ratio_time']:.2f} | {report['ratio_peak_memory']:.2f} |")


if __name__ == "__main__":
    main()
