"""Choose the decoding settings by measurement: each candidate on the same clips and recordings.

For every candidate (a set of transcribe.Settings overrides) it runs our transcript and text
stages on: the clips of ../shared/speech with transcripts (real speech and TTS voices, each clip
decoded alone), the bundled sample meeting (13 turns with 0.7-1.4 s pauses), and a composed
recording with long silences, noise and tones; and reports pooled CER, utterances heard,
invented characters and seconds, with faster-whisper's own VAD (the settings before this
benchmark) as the baseline row in the same run.

    python benchmarks/decoding.py [--speech ../shared/speech] [--minutes 6] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import evaluate, glossary, thai, transcribe  # noqa: E402

# name -> Settings overrides. "whisper-vad" is how the project decoded before: faster-whisper's
# own VAD concatenating speech, all of it decoded in one pass.
CANDIDATES: dict[str, dict] = {
    "whisper-vad": {"_whisper_vad": True},
    "runs (chosen)": {},
    "runs, skip pauses of 3 s+": {"skip_pause": 3.0},
    "runs, skip pauses of 30 s+": {"skip_pause": 30.0},
    "runs, pad 1.0": {"speech_pad": 1.0},
    "runs, beam 1": {"beam_size": 1},
    "alone, pad 0.3 (before)": {"skip_pause": 0.0, "speech_pad": 0.3},
    "alone, pad 2.0": {"skip_pause": 0.0},
    "no VAD: all audio decoded": {"vad_filter": False},
    "runs, no guard": {"guard": False},
    # The glossary (tests/data/glossary.yaml) in the text stage, with and without decoder hints.
    "glossary, no hints": {"_glossary": True},
    "glossary + hints": {"_glossary": True, "_hints": True},
}
GLOSSARY = ROOT / "tests" / "data" / "glossary.yaml"


def run_whisper_vad(wav: Path, settings: transcribe.Settings) -> tuple[str, list[evaluate.Span]]:
    """The old path: faster-whisper's VAD filter over the whole file, our text stage after it."""
    from pipeline.types import Segment, Transcript, Word

    model = transcribe._load_model(settings)
    pieces, _ = model.transcribe(
        str(wav),
        language="th",
        beam_size=settings.beam_size,
        vad_filter=True,
        word_timestamps=True,
        condition_on_previous_text=False,
    )
    segments = [
        Segment(i, p.start, p.end, p.text.strip(), words=[Word(w.start, w.end, w.word, w.probability) for w in p.words])
        for i, p in enumerate(pieces)
    ]
    clean = thai.clean(Transcript(segments=segments))
    spans = [evaluate.Span(w.start, w.end, w.text) for s in clean.segments for w in s.words]
    return " ".join(s.text for s in clean.segments), spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speech", default=str(ROOT.parent / "shared" / "speech"))
    parser.add_argument("--minutes", type=float, default=6.0, help="length of the composed recording")
    parser.add_argument("--only", nargs="*", help="candidate names to run (default: all)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "decoding.json"))
    args = parser.parse_args()

    base = transcribe.Settings(device="cpu", compute_type="int8")
    names = args.only or list(CANDIDATES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = evaluate.load_set(args.speech) if Path(args.speech).exists() else []
        sample = evaluate.load_set(ROOT / "recordings" / "sample")
        real = [c for c in clips if c.kind == "real"]
        composed = evaluate.compose(real or sample, args.minutes, folder / "composed.wav", folder)
        sets = {"clips": clips, "sample": sample, "composed": [composed]}
        results = {}
        for name in names:
            over = dict(CANDIDATES[name])
            old = over.pop("_whisper_vad", False)
            terms = glossary.load([GLOSSARY]) if over.pop("_glossary", False) else None
            if over.pop("_hints", False):
                over["hints"] = terms.hints()
            settings = dataclasses.replace(base, **over)
            text_options = thai.TextOptions(glossary=terms)
            row = {}
            for set_name, items in sets.items():
                total = evaluate.Score(0, 0, 0, 0, 0.0, 0, 0, 0)
                for item in items:
                    wav = evaluate.decoded_wav(item, folder)
                    t0 = time.perf_counter()
                    if old:
                        text, spans = run_whisper_vad(wav, settings)
                    else:
                        text, spans = evaluate.transcribe_ours(wav, settings, text_options)
                    s = evaluate.score(item, text, spans, time.perf_counter() - t0)
                    total = evaluate.Score(
                        total.reference_chars + s.reference_chars,
                        total.char_errors + s.char_errors,
                        total.reference_words + s.reference_words,
                        total.word_errors + s.word_errors,
                        total.seconds + s.seconds,
                        (total.heard or 0) + (s.heard or 0),
                        (total.utterances or 0) + (s.utterances or 0),
                        (total.invented_chars or 0) + (s.invented_chars or 0),
                    )
                row[set_name] = {
                    "cer": round(total.cer, 4),
                    "seconds": round(total.seconds, 1),
                    "heard": total.heard,
                    "utterances": total.utterances,
                    "invented": total.invented_chars,
                }
            results[name] = row
            print(name, json.dumps(row, ensure_ascii=False), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    ref = results.get("whisper-vad")
    print("\n| settings | clips CER | sample CER | sample heard | composed CER | composed heard | invented | time × |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in results.items():
        seconds = sum(r["seconds"] for r in row.values())
        ratio = seconds / sum(r["seconds"] for r in ref.values()) if ref else float("nan")
        c, s, m = row["clips"], row["sample"], row["composed"]
        print(
            f"| {name} | {c['cer']:.3f} | {s['cer']:.3f} | {s['heard']}/{s['utterances']} | {m['cer']:.3f} "
            f"| {m['heard']}/{m['utterances']} | {m['invented']} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
