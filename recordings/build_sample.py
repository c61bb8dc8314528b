"""Build the bundled sample meeting (recordings/sample/) from real Thai speech clips.

    python recordings/build_sample.py [--clips ../shared/speech/clips] [--out recordings/sample]

Composes the 13 clips that have exact transcripts (th-001..th-013 of the shared speech manifest)
into one Zoom-like recording and writes, in the output folder:

- meeting.m4a     AAC-LC in MP4, mono 32 kHz, 64 kbit/s (what Zoom's audio_only.m4a looks like)
- reference.tsv   start, end, speaker, clip, text (seconds in meeting.m4a; one row per utterance)
- reference.txt   the reference transcript, one utterance per line, text only

The result is deterministic: the clip order, the pauses (seeded), the trimming and the gains are
all fixed, and the encoder runs with bit-exact flags and no metadata, so the same clips and the
same ffmpeg give byte-identical files. meeting.yaml and NOTICE.md in the output folder are
written by hand; this script checks that every speaker name it uses appears in meeting.yaml.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import warnings
from pathlib import Path

with warnings.catch_warnings():  # pydub warns on import when ffmpeg is not on PATH; handled below
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIPS = REPO / ".." / "shared" / "speech" / "clips"
DEFAULT_OUT = REPO / "recordings" / "sample"

# Manifest speaker id -> display name used in meeting.yaml (all names are fictional).
# Clips with the same speaker id are the same person.
SPEAKERS = {
    "f5tts-voice-A": "ดร.กมล วิริยะกุล",  # chair (TTS reference voice + two synthetic clones)
    "cv-765ddb5b": "นายพงศกร รัตนวงศ์",  # secretary
    "cv-ee40e9f6": "นายธนวัฒน์ ศรีประเสริฐ",
    "solo-005": "นางสาวสุภาวดี มั่นคงธรรม",
    "solo-002": "นายอนุชา พงษ์ไพบูลย์",
    "solo-004": "นางวราภรณ์ แก้วมณี",
    "f5tts-2": "นางสาวปวีณา ทองดี",
    "gowajee-F0000000006": "นางสาวอรอุมา จันทร์เพ็ญ",
    "f5tts-4": "นางสาวณัฐธิดา ใจงาม",  # assistant secretary, minute taker
    "gowajee-F0000000009": "นางสาวกัญญารัตน์ สุขสวัสดิ์",  # attendee
    "f5tts-3": "นางสาวเบญจมาศ อินทร์แก้ว",  # attendee (project consultant)
}

# Turn order: no speaker twice in a row; the chair opens, speaks mid-way and closes.
ORDER = [
    "th-008",  # chair (TTS reference voice)
    "th-010",  # consultant's greeting
    "th-003",  # secretary
    "th-001",
    "th-005",
    "th-013",  # chair (synthetic)
    "th-002",
    "th-009",
    "th-007",
    "th-004",
    "th-006",
    "th-011",
    "th-012",  # chair (synthetic)
]

SEED = 20260319  # the sample meeting's date
LEAD_IN_MS = 1000
TAIL_MS = 1500
PAUSE_S = (0.6, 1.5)  # silence inserted between turns
KEEP_EDGE_MS = 100  # silence kept at each end of a clip after trimming
TRIM_BELOW_DB = 20  # a clip's edges quieter than (clip loudness - this) count as silence
TARGET_DBFS = -20.0  # loudness target (RMS dBFS) for every clip ...
MAX_GAIN_DB = 12.0  # ... but never boost or cut by more than this (moderate normalisation)
PEAK_CEILING_DBFS = -1.0
FADE_MS = 10

EXPORT_RATE = 32000
EXPORT_BITRATE = "64k"


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {Path(r["file"]).stem: r for r in rows}


def trim(clip: AudioSegment) -> AudioSegment:
    threshold = clip.dBFS - TRIM_BELOW_DB
    lead = detect_leading_silence(clip, silence_threshold=threshold, chunk_size=10)
    tail = detect_leading_silence(clip.reverse(), silence_threshold=threshold, chunk_size=10)
    start = max(0, lead - KEEP_EDGE_MS)
    end = min(len(clip), len(clip) - tail + KEEP_EDGE_MS)
    return clip[start:end]


def level(clip: AudioSegment) -> AudioSegment:
    gain = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, TARGET_DBFS - clip.dBFS))
    gain = min(gain, PEAK_CEILING_DBFS - clip.max_dBFS)
    return clip.apply_gain(round(gain, 2))


def build(clips_dir: Path, manifest_path: Path, out_dir: Path) -> list[dict[str, str]]:
    manifest = read_manifest(manifest_path)
    rng = random.Random(SEED)
    meeting = AudioSegment.silent(duration=LEAD_IN_MS, frame_rate=16000)
    rows = []
    for i, clip_id in enumerate(ORDER):
        entry = manifest[clip_id]
        text = entry["transcript"].strip()
        if not text:
            raise SystemExit(f"{clip_id}: no transcript in {manifest_path}; only exact ones are used")
        if entry["speaker"] not in SPEAKERS:
            raise SystemExit(f"{clip_id}: speaker {entry['speaker']} has no display name")
        clip = AudioSegment.from_wav(clips_dir / f"{clip_id}.wav")
        clip = clip.set_channels(1).set_sample_width(2)
        if clip.frame_rate != 16000:
            raise SystemExit(f"{clip_id}: expected 16 kHz, got {clip.frame_rate}")
        clip = level(trim(clip)).fade_in(FADE_MS).fade_out(FADE_MS)
        if i:
            pause_ms = round(rng.uniform(*PAUSE_S) * 100) * 10
            meeting += AudioSegment.silent(duration=pause_ms, frame_rate=16000)
        start = len(meeting) / 1000
        meeting += clip
        rows.append(
            {
                "start": f"{start:.3f}",
                "end": f"{len(meeting) / 1000:.3f}",
                "speaker": SPEAKERS[entry["speaker"]],
                "clip": f"{clip_id}.wav",
                "text": text,
            }
        )
    meeting += AudioSegment.silent(duration=TAIL_MS, frame_rate=16000)

    out_dir.mkdir(parents=True, exist_ok=True)
    if shutil.which("ffmpeg") is None:
        import imageio_ffmpeg

        AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    meeting.export(
        out_dir / "meeting.m4a",
        format="mp4",
        codec="aac",
        bitrate=EXPORT_BITRATE,
        parameters=[
            "-ar", str(EXPORT_RATE), "-ac", "1",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-brand", "M4A ",
        ],
    )  # fmt: skip
    with (out_dir / "reference.tsv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["start", "end", "speaker", "clip", "text"], delimiter="\t",
            lineterminator="\n", quoting=csv.QUOTE_NONE,
        )  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
    (out_dir / "reference.txt").write_text("".join(r["text"] + "\n" for r in rows), encoding="utf-8")
    return rows


def check_names(out_dir: Path) -> None:
    """Every display name must be a person in meeting.yaml (written by hand beside the audio)."""
    meeting_yaml = out_dir / "meeting.yaml"
    if not meeting_yaml.exists():
        print(f"note: {meeting_yaml} not found; speaker names not checked", file=sys.stderr)
        return
    text = meeting_yaml.read_text(encoding="utf-8")
    missing = [name for name in SPEAKERS.values() if name not in text]
    if missing:
        raise SystemExit(f"{meeting_yaml}: speaker name(s) not listed: {', '.join(missing)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=Path, default=DEFAULT_CLIPS, help="folder of th-NNN.wav")
    parser.add_argument("--manifest", type=Path, help="manifest.tsv (default: beside --clips)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    clips = args.clips.resolve()
    manifest = (args.manifest or clips.parent / "manifest.tsv").resolve()
    rows = build(clips, manifest, args.out)
    check_names(args.out)
    total = float(rows[-1]["end"]) + TAIL_MS / 1000
    speakers = len({r["speaker"] for r in rows})
    print(f"{args.out}/meeting.m4a: {total:.2f} s, {len(rows)} utterances, {speakers} speakers")


if __name__ == "__main__":
    main()
