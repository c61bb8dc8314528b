"""Ours beside plain faster-whisper, on every audio form users have: the CER table of issue 16.

Each item (the real clips th-001..th-007 of ../shared/speech, each alone; the sample meeting; a
meeting composed from the seven real clips in another order, `--meeting 4`: 4 minutes, 16 turns,
pauses of 0.3-42 s with noise, tones and hum between) is made into each form with ffmpeg: `wav`
(16 kHz mono PCM), `m4a` (AAC 48 kb/s 32 kHz, as Zoom writes audio) and `mp4` (the same AAC
beside a video track). Then, on each form's file:

- `plain`: `WhisperModel.transcribe(file, language="th", beam_size=5, vad_filter=True,
  word_timestamps=True)`, the library's own path (it decodes the file itself, with PyAV);
- `plain-batched`: `BatchedInferencePipeline(model).transcribe(file, language="th",
  batch_size=8, word_timestamps=True)`, the library's batched path;
- `ours`: `minutes run`'s audio, transcript and text stages (`audio.decode`, `transcribe.run`,
  `thai.clean`) with the default `transcribe.Settings`, or with `--ours NAME=k:v,k:v` variants.

Scored as `minutes evaluate` scores (spaces and punctuation out; the sample turn by turn by time,
text placed where nobody spoke counted as errors). Same model everywhere (Whisper base int8 CPU).

    python benchmarks/accuracy.py [--forms wav m4a] [--systems plain ours] [--tts] [--ours NAME=k:v ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import audio, evaluate, thai, transcribe  # noqa: E402
from pipeline.types import Audio  # noqa: E402

FORMS = {
    "wav": ["-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"],
    "m4a": ["-vn", "-ac", "1", "-ar", "32000", "-c:a", "aac", "-b:a", "48k"],
    "mp4": ["-f", "lavfi", "-i", "color=c=gray:s=320x240:r=10", "-shortest", "-map", "1:v", "-map", "0:a",
            "-ac", "1", "-ar", "32000", "-c:a", "aac", "-b:a", "48k", "-c:v", "mpeg4"],
}  # fmt: skip


def make_form(source: Path, form: str, dest: Path) -> Path:
    import subprocess

    # For mp4 the video input comes second, so the audio stays input 0.
    cmd = [audio.ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(source), *FORMS[form], str(dest)]
    subprocess.run(cmd, check=True)
    return dest


def plain(path: Path, settings: transcribe.Settings, batched: bool = False) -> tuple[str, list[evaluate.Span]]:
    """The library's own path on the file itself."""
    model = transcribe._load_model(settings)
    if batched:
        from faster_whisper import BatchedInferencePipeline

        pieces, _ = BatchedInferencePipeline(model).transcribe(
            str(path), language="th", beam_size=5, batch_size=8, word_timestamps=True
        )
    else:
        pieces, _ = model.transcribe(str(path), language="th", beam_size=5, vad_filter=True, word_timestamps=True)
    spans = [evaluate.Span(w.start, w.end, w.word) for p in pieces for w in p.words or []]
    return "".join(s.text for s in spans), spans


def ours(path: Path, settings: transcribe.Settings, folder: Path) -> tuple[str, list[evaluate.Span]]:
    """The audio, transcript and text stages of `minutes run`."""
    wav = folder / f"ours-{path.stem}-{path.suffix[1:]}.wav"
    decoded = audio.decode([str(path)], wav)
    return evaluate.recognised(thai.clean(transcribe.run(Audio(str(wav), decoded.duration), settings)))


def parse_variant(text: str) -> tuple[str, dict]:
    name, _, pairs = text.partition("=")
    over: dict = {}
    fields = {f.name: f.type for f in dataclasses.fields(transcribe.Settings)}
    for pair in filter(None, pairs.split(",")):
        key, _, value = pair.partition(":")
        kind = str(fields[key])
        if "bool" in kind:
            over[key] = value == "true"
        elif "float" in kind:
            over[key] = float(value)
        elif "int" in kind:
            over[key] = int(value)
        else:
            over[key] = value
    return name, over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speech", default=str(ROOT.parent / "shared" / "speech"))
    parser.add_argument("--forms", nargs="+", default=["wav", "m4a"], choices=list(FORMS))
    parser.add_argument("--systems", nargs="+", default=["plain", "ours"])
    parser.add_argument("--ours", nargs="*", default=[], help="variants of ours: NAME=key:value,key:value")
    parser.add_argument("--tts", action="store_true", help="add th-008..th-013 (TTS voices, not human)")
    parser.add_argument("--no-sample", action="store_true")
    parser.add_argument(
        "--meeting", type=float, default=4.0, help="minutes of a meeting composed from the real clips (0: none)"
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "accuracy.json"))
    args = parser.parse_args()

    base = transcribe.Settings(device="cpu", compute_type="int8")
    variants = dict(parse_variant(v) for v in args.ours)
    systems = [s for s in args.systems if s != "ours"] + (list(variants) or ["ours"] if "ours" in args.systems else [])
    clips = [c for c in evaluate.load_set(args.speech) if c.kind == "real" or args.tts]
    groups = {"clips": [c for c in clips if c.kind == "real"]}
    if args.tts:
        groups["tts"] = [c for c in clips if c.kind == "tts"]
    if not args.no_sample:
        groups["sample"] = evaluate.load_set(ROOT / "recordings" / "sample")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        folder = Path(tmp)
        if args.meeting:  # the seven voices in another order than the clips', pauses of 0.3 s to 42 s
            order = list(groups["clips"])
            random.Random(3).shuffle(order)
            composed = evaluate.compose(order, args.meeting, folder / "meeting.wav", folder, seed=2, pause_scale=0.35)
            groups["meeting"] = [composed]
        for form in args.forms:
            for group, items in groups.items():
                for item in items:
                    wav = evaluate.decoded_wav(item, folder)
                    source = make_form(wav, form, folder / f"{item.name}-{form}.{form}")
                    for name in systems:
                        t0 = time.perf_counter()
                        if name == "plain":
                            text, spans = plain(source, base)
                        elif name == "plain-batched":
                            text, spans = plain(source, base, batched=True)
                        else:
                            settings = dataclasses.replace(base, **variants.get(name, {}))
                            text, spans = ours(source, settings, folder)
                        s = evaluate.score(item, text, spans, time.perf_counter() - t0)
                        cell = results.setdefault(form, {}).setdefault(group, {}).setdefault(name, [])
                        cell.append({"item": item.name, "errors": s.char_errors, "chars": s.reference_chars,
                                     "heard": s.heard, "invented": s.invented_chars, "seconds": round(s.seconds, 1),
                                     "text": text})  # fmt: skip
                        print(form, item.name, name, s.char_errors, s.reference_chars, f"{s.seconds:.1f}s", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    head = ["form", "set"] + [f"{n} CER (errors/chars)" for n in systems]
    print("\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for form, by_group in results.items():
        totals = {n: [0, 0] for n in systems}
        for group, by_system in by_group.items():
            cells = []
            for n in systems:
                e, c = sum(x["errors"] for x in by_system[n]), sum(x["chars"] for x in by_system[n])
                if group != "tts":
                    totals[n][0] += e
                    totals[n][1] += c
                cells.append(f"{e / c:.3f} ({e}/{c})")
            print(f"| {form} | {group} | " + " | ".join(cells) + " |")
        print(f"| {form} | **total (real)** | " + " | ".join(f"**{e / c:.3f}** ({e}/{c})" for e, c in totals.values())
              + " |")  # fmt: skip


if __name__ == "__main__":
    main()
