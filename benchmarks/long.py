"""Long meetings: a composed 2-hour recording, ours beside faster-whisper, memory and coverage.

Composes recordings of the given lengths from the real-speech clips of ../shared/speech (or the
sample's turns), with pauses of 0.8 s to 2 minutes between them, some filled with room noise,
tones or hum (pipeline.evaluate.compose). Each is transcribed in its own process, ours
(`minutes run`'s transcript and text stages) and faster-whisper with its VAD filter (plain
faster-whisper without VAD decodes every silent window through all its temperature fallbacks: far
too slow at this length; `minutes evaluate --compose` scores it on shorter ones), alternating in
one run; reported: utterances heard, invented characters, CER, wall time and peak memory, and the
ratios ours / baseline and longest / shortest (flat memory: about 1).

    python benchmarks/long.py [--minutes 10 120] [--speech ../shared/speech]
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
from pipeline import evaluate  # noqa: E402

OURS = """
import json, sys
from pipeline import evaluate, transcribe
settings = transcribe.Settings(device="cpu", compute_type="int8")
text, spans = evaluate.transcribe_ours(sys.argv[1], settings)
json.dump({"text": text, "spans": [s.__dict__ for s in spans]}, open(sys.argv[2], "w", encoding="utf-8"),
          ensure_ascii=False)
"""

BASELINE = """
import json, sys
from faster_whisper import WhisperModel
from pipeline import transcribe
model = WhisperModel(transcribe.resolve("base"), device="cpu", compute_type="int8")
segments, _ = model.transcribe(sys.argv[1], language="th", beam_size=5, vad_filter=True)
spans = [{"start": s.start, "end": s.end, "text": s.text.strip()} for s in segments]
json.dump({"text": " ".join(s["text"] for s in spans), "spans": spans}, open(sys.argv[2], "w", encoding="utf-8"),
          ensure_ascii=False)
"""


def measure(script: str, wav: Path, result: Path) -> dict:
    """Run `script` on `wav` in a fresh process: wall seconds, peak RSS (MiB), and its output."""
    start = time.perf_counter()
    proc = psutil.Popen([sys.executable, "-c", script, str(wav), str(result)], cwd=ROOT, stderr=subprocess.PIPE)
    peak = peak_rss(proc, interval=0.1)
    if proc.returncode:
        raise SystemExit(proc.stderr.read().decode(errors="replace"))
    out = json.loads(result.read_text(encoding="utf-8"))
    return {"seconds": time.perf_counter() - start, "peak_mib": peak / 2**20, **out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 120.0])
    parser.add_argument("--speech", default=str(ROOT.parent / "shared" / "speech"))
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "long.json"))
    parser.add_argument("--no-baseline", action="store_true", help="ours only (the baseline holds the whole file)")
    parser.add_argument(
        "--pause-scale", type=float, default=1.0, help="stretch the pauses (15: pauses of 12 s to 30 min, sparse talk)"
    )
    args = parser.parse_args()

    report: dict = {"machine": f"{platform.machine()} {psutil.cpu_count()} cpu", "model": "base int8", "runs": {}}
    report["pause_scale"] = args.pause_scale
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if Path(args.speech).exists():
            clips = [c for c in evaluate.load_set(args.speech) if c.kind == "real"]
        else:
            clips = evaluate.load_set(ROOT / "recordings" / "sample")
        for minutes in args.minutes:
            dest = folder / f"composed-{minutes:g}.wav"
            item = evaluate.compose(clips, minutes, dest, folder, pause_scale=args.pause_scale)
            row = {"utterances": len(item.utterances), "speech_seconds": sum(u.end - u.start for u in item.utterances)}
            systems = (("ours", OURS),) if args.no_baseline else (("faster-whisper+vad", BASELINE), ("ours", OURS))
            for name, script in systems:
                m = measure(script, Path(item.audio), folder / f"{name}-{minutes:g}.json")
                spans = [evaluate.Span(**s) for s in m.pop("spans")]
                s = evaluate.score(item, m.pop("text"), spans, m["seconds"])
                row[name] = {
                    **{k: round(v, 1) for k, v in m.items()},
                    "cer": round(s.cer, 4),
                    "heard": s.heard,
                    "invented_chars": s.invented_chars,
                    "invented_text": s.invented,
                }
                print(minutes, name, row[name], flush=True)
            report["runs"][f"{minutes:g} min"] = row
    runs = list(report["runs"].values())
    names = [name for name in ("faster-whisper+vad", "ours") if name in runs[0]]
    for r in runs:
        if len(names) == 2:
            r["ratio_time"] = round(r["ours"]["seconds"] / r["faster-whisper+vad"]["seconds"], 2)
            r["ratio_peak_memory"] = round(r["ours"]["peak_mib"] / r["faster-whisper+vad"]["peak_mib"], 2)
    if len(runs) > 1:
        report["memory_longest_over_shortest"] = {
            name: round(runs[-1][name]["peak_mib"] / runs[0][name]["peak_mib"], 2) for name in names
        }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n| length | system | heard | invented chars | CER | seconds | peak MiB |")
    print("|---|---|---|---|---|---|---|")
    for length, r in report["runs"].items():
        for name in names:
            x = r[name]
            print(f"| {length} | {name} | {x['heard']}/{r['utterances']} | {x['invented_chars']} | {x['cer']:.3f} "
                  f"| {x['seconds']:.0f} | {x['peak_mib']:.0f} |")  # fmt: skip
        if "ratio_time" in r:
            print(f"| {length} | ours / baseline | | | | {r['ratio_time']:.2f} | {r['ratio_peak_memory']:.2f} |")
    if "memory_longest_over_shortest" in report:
        print(f"\npeak memory, longest / shortest: {report['memory_longest_over_shortest']}")


if __name__ == "__main__":
    main()
