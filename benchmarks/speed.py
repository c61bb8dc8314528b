"""`minutes run` beside faster-whisper's batched and sequential paths, on a composed multi-speaker meeting.

The meeting is made by `pipeline.evaluate.compose` from the real clips th-001..th-007 of
../shared/speech (seven voices, each turn with its exact transcript and time), with pauses of
0.2 s to 30 s (`--pause-scale 0.25`), some filled with room noise, tones or hum, and encoded as
Zoom writes audio (AAC 48 kb/s, 32 kHz, m4a). Each system runs in its own process on that file,
alternating, `--repeat` times:

- `ours`: `minutes run FILE --force` (every stage: audio, transcript, text, speakers, minutes, render);
- `plain-batched`: `BatchedInferencePipeline(model).transcribe(FILE, language="th", batch_size=8,
  word_timestamps=True)`;
- `plain`: `WhisperModel.transcribe(FILE, language="th", beam_size=5, vad_filter=True, word_timestamps=True)`.

Reported: median wall time, CPU time (user + system, the process and its children: steadier than
wall time on a shared machine), peak memory (process tree), CER (scored as `minutes evaluate` scores,
by time, text where nobody spoke counted), and the ratio ours / plain-batched.
`--memory 10 30 120` instead runs ours alone on composed meetings of those lengths and reports the
peak memory longest / shortest.

    python benchmarks/speed.py [--minutes 3.5] [--repeat 1] [--device cuda] [--memory 10 30 120 [--pause-scale 1]]
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

from benchmarks.run import peak_rss  # noqa: E402
from pipeline import audio, evaluate  # noqa: E402

PLAIN = """
import json, sys
from faster_whisper import BatchedInferencePipeline, WhisperModel
from pipeline import transcribe
device = sys.argv[4]
model = WhisperModel(transcribe.resolve("base"), device=device, compute_type="float16" if device == "cuda" else "int8")
if sys.argv[3] == "plain-batched":
    pieces, _ = BatchedInferencePipeline(model).transcribe(sys.argv[1], language="th", batch_size=8,
                                                           word_timestamps=True)
else:
    pieces, _ = model.transcribe(sys.argv[1], language="th", beam_size=5, vad_filter=True, word_timestamps=True)
spans = [{"start": w.start, "end": w.end, "text": w.word} for p in pieces for w in p.words or []]
json.dump({"text": "".join(s["text"] for s in spans), "spans": spans}, open(sys.argv[2], "w", encoding="utf-8"),
          ensure_ascii=False)
"""


def run_system(name: str, media: Path, folder: Path, extra: list[str], device: str = "cpu") -> dict:
    result = folder / f"{name}.json"
    if name == "ours":
        out = folder / "out"
        cmd = [sys.executable, "-m", "pipeline", "run", str(media), "--out", str(out), "--force", "--no-pdf"]
        cmd += ["--device", device, *extra]
    else:
        cmd = [sys.executable, "-c", PLAIN, str(media), str(result), name, device]
    start, cpu = time.perf_counter(), _children_cpu()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_rss(proc, interval=0.1)
    seconds = time.perf_counter() - start
    cpu = None if cpu is None else _children_cpu() - cpu
    if proc.returncode:
        raise SystemExit(proc.stderr.read().decode(errors="replace"))
    if name == "ours":
        (transcript,) = (folder / "out").glob("*/transcript.json")
        data = json.loads(transcript.read_text(encoding="utf-8"))
        segments = [s for s in data["segments"] if not any(f.startswith("unheard:") for f in s["flags"])]
        spans = [{"start": w["start"], "end": w["end"], "text": w["text"]} for s in segments for w in s["words"]]
        text = " ".join(s["text"] for s in segments)
        extra_info = {"settings": {k: data["settings"].get(k) for k in ("seed", "batch_size_used", "device_used")}}
    else:
        data = json.loads(result.read_text(encoding="utf-8"))
        spans, text, extra_info = data["spans"], data["text"], {}
    cpu_info = {} if cpu is None else {"cpu_seconds": cpu}
    return {"seconds": seconds, **cpu_info, "peak_mib": peak / 2**20, "text": text, "spans": spans, **extra_info}


def _children_cpu() -> float | None:
    """CPU seconds (user + system) of every finished child process and its descendants: on a
    shared machine a fairer measure of the work than wall time. None where `resource` is missing
    (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def zoom_form(wav: Path, dest: Path) -> Path:
    subprocess.run(
        [audio.ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(wav),
         "-ac", "1", "-ar", "32000", "-c:a", "aac", "-b:a", "48k", str(dest)],
        check=True,
    )  # fmt: skip
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speech", default=str(ROOT.parent / "shared" / "speech"))
    parser.add_argument("--minutes", type=float, default=3.5)
    parser.add_argument("--pause-scale", type=float, default=0.25)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--systems", nargs="+", default=["ours", "plain-batched", "plain"])
    parser.add_argument("--memory", type=float, nargs="*", help="lengths in minutes: ours alone, peak memory")
    parser.add_argument("--ours-args", nargs="*", default=[], help="extra arguments for minutes run")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="cuda: float16 on the GPU, both sides")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "speed.json"))
    args = parser.parse_args()

    clips = [c for c in evaluate.load_set(args.speech) if c.kind == "real"]
    model = "base float16 cuda" if args.device == "cuda" else "base int8 cpu"
    report: dict = {"machine": f"{platform.machine()} {psutil.cpu_count()} cpu", "model": model}
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        folder = Path(tmp)
        lengths = args.memory or [args.minutes]
        systems = ["ours"] if args.memory else args.systems
        for minutes in lengths:
            wav = folder / f"ประชุม-{minutes:g}.wav"
            item = evaluate.compose(clips, minutes, wav, folder, seed=1, pause_scale=args.pause_scale)
            media = zoom_form(wav, folder / f"ประชุม-{minutes:g}.m4a")
            speakers = len({u.text for u in item.utterances})
            row: dict = {"utterances": len(item.utterances), "voices": speakers, "seconds": item.duration}
            runs: dict[str, list[dict]] = {name: [] for name in systems}
            for _ in range(args.repeat):
                for name in systems:
                    sub = folder / f"{name}-{minutes:g}"
                    sub.mkdir(exist_ok=True)
                    m = run_system(name, media, sub, args.ours_args, args.device)
                    s = evaluate.score(item, m.pop("text"), [evaluate.Span(**x) for x in m.pop("spans")], 0.0)
                    m.update(cer=round(s.cer, 4), errors=s.char_errors, chars=s.reference_chars, heard=s.heard,
                             invented=s.invented_chars)  # fmt: skip
                    print(f"{minutes:g} min", name, json.dumps(m, ensure_ascii=False), flush=True)
                    runs[name].append(m)
            for name, rs in runs.items():
                row[name] = {
                    "seconds": round(statistics.median(r["seconds"] for r in rs), 1),
                    **(
                        {"cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in rs), 1)}
                        if all("cpu_seconds" in r for r in rs)
                        else {}
                    ),  # fmt: skip
                    "peak_mib": round(statistics.median(r["peak_mib"] for r in rs)),
                    **{k: rs[-1][k] for k in ("cer", "errors", "chars", "heard", "invented")},
                    "runs": rs,
                }
            if "plain-batched" in row and "ours" in row:
                row["ratio_wall_ours_over_batched"] = round(row["ours"]["seconds"] / row["plain-batched"]["seconds"], 2)
                if "cpu_seconds" in row["ours"] and "cpu_seconds" in row["plain-batched"]:
                    ratio = row["ours"]["cpu_seconds"] / row["plain-batched"]["cpu_seconds"]
                    row["ratio_cpu_ours_over_batched"] = round(ratio, 2)
            report[f"{minutes:g} min"] = row
    if args.memory and len(lengths) > 1:
        first, last = report[f"{lengths[0]:g} min"], report[f"{lengths[-1]:g} min"]
        report["memory_longest_over_shortest"] = round(last["ours"]["peak_mib"] / first["ours"]["peak_mib"], 2)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n| recording | system | wall s | CPU s | peak MiB | CER (errors/chars) | turns heard | invented chars |")
    print("|---|---|---|---|---|---|---|---|")
    for length, row in report.items():
        if not isinstance(row, dict) or "utterances" not in row:
            continue
        for name in systems:
            x = row[name]
            cer = f"{x['cer']:.3f} ({x['errors']}/{x['chars']})"
            cpu = f"{x['cpu_seconds']:.1f}" if "cpu_seconds" in x else "-"
            print(f"| {length}, {row['utterances']} turns | {name} | {x['seconds']:.1f} | {cpu} | {x['peak_mib']} "
                  f"| {cer} | {x['heard']}/{row['utterances']} | {x['invented']} |")  # fmt: skip
        if "ratio_wall_ours_over_batched" in row:
            print(f"\nwall ours / plain-batched: {row['ratio_wall_ours_over_batched']}")
        if "ratio_cpu_ours_over_batched" in row:
            print(f"CPU time ours / plain-batched: {row['ratio_cpu_ours_over_batched']}")
    if "memory_longest_over_shortest" in report:
        print(f"\npeak memory, longest / shortest: {report['memory_longest_over_shortest']}")


if __name__ == "__main__":
    main()
