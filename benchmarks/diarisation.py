"""Diarisation on meetings composed from real Thai speech: DER, speaker count, speed, and names.

    python benchmarks/diarisation.py [--set test|dev] [--per-count 3] [--seconds 240]
    python benchmarks/diarisation.py --library      # names from a voice library, one stranger each

Each meeting has 3, 4, 5 or 6 speakers drawn from the real (human) clips of ../shared/speech
(benchmarks/compose.py: turns of 1-30 s, pauses, some overlap, room noise, AAC), is decoded by
the pipeline's own decode stage, and diarised by `pipeline.diarize`. The score is the diarisation
error rate of pyannote.metrics with no collar and overlapping speech scored (missed speech +
false alarm + speaker confusion, over the total reference speech time). The "dev" seeds were used
to choose the engine's thresholds; the "test" seeds (the default) were not.

`--library`: the meetings are built from the second half of each clip (or a speaker's second
clip) and the voice library from the first half (or first clip), so no audio is in both; one
speaker of every meeting is left out of the library and must stay unnamed.
Results land in benchmarks/results/ (not in git).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import compose  # noqa: E402
from pipeline import audio, diarize, voices  # noqa: E402

SPEECH = ROOT.parent / "shared" / "speech"
SEEDS = {"dev": 1000, "test": 2000}
# Fictional Thai names for the library's folders (Thai, spaces and titles exercise the paths).
NAMES = [
    "นายสมชาย ใจดี", "นางสาวมาลี รักไทย", "นายวิรัตน์ มนัสสนิทวงศ์", "นางสุดา พรหมมา", "ดร.ปกรณ์ ศรีสุข",
    "นายอนันต์ บุญมา", "นางสาวกานดา แก้วใส", "นายชัยวัฒน์ ทองดี", "นางพิมพ์ใจ สายสุวรรณ", "นายธนา วงศ์ใหญ่",
    "นางสาวอรุณี ชื่นชม", "นายประเสริฐ มีสุข", "นางวันเพ็ญ ดวงดี", "นายสุริยา คงมั่น", "นางสาวจันทร์เพ็ญ ใจงาม",
    "นายเกียรติ ศักดิ์ดี", "นางรัตนา พูนผล", "นายบุญชัย แสงทอง", "นางสาวนภา ฟ้าใส", "นายวีระ กล้าหาญ",
    "นางสมศรี ยิ้มแย้ม", "นายพงษ์ศักดิ์ ร่มเย็น", "นางสาวปิยะ ดีงาม", "นายสมบัติ มั่งมี", "นางอำไพ ใจบุญ",
    "นายกิตติ รุ่งเรือง", "นางสาวสุนีย์ ประเสริฐ", "นายมานะ อดทน",
]  # fmt: skip


def real_clips(include_augmented: bool = False) -> dict[str, list[Path]]:
    """Human speech (the manifest's kind = real) grouped by speaker id; without the clips the
    manifest says may be noise-augmented unless asked for (Silero VAD hears some of them as no
    speech at all: th-022, th-024)."""
    if not (SPEECH / "manifest.tsv").is_file():
        raise SystemExit(f"{SPEECH}: not found; this benchmark needs the shared speech clips")
    groups: dict[str, list[Path]] = defaultdict(list)
    with open(SPEECH / "manifest.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["kind"] == "real" and (include_augmented or "noise-augmented" not in row["note"]):
                groups[row["speaker"]].append(SPEECH / row["file"])
    return dict(sorted(groups.items()))


def halves(clips: dict[str, list[Path]]) -> tuple[list[compose.Voice], list[compose.Voice]]:
    """(enrolment, meeting) material per speaker with no audio in both: a speaker's first clip
    and second clip when there are two, else the two halves of the one clip."""
    enrol, meet = [], []
    for name, paths in clips.items():
        wavs = [compose.trim(compose.read_wav(p)) for p in paths]
        if len(wavs) >= 2:
            enrol.append(compose.Voice(name, wavs[:1]))
            meet.append(compose.Voice(name, wavs[1:]))
        else:
            half = len(wavs[0]) // 2
            enrol.append(compose.Voice(name, [wavs[0][:half]]))
            meet.append(compose.Voice(name, [wavs[0][half:]]))
    return enrol, meet


def recorded(meeting: compose.Meeting, folder: Path) -> Path:
    """The meeting as a Zoom-like AAC file, decoded by the pipeline's decode stage."""
    raw = compose.write_wav(folder / "mix.wav", meeting.audio)
    m4a = folder / "meeting.m4a"
    cmd = [audio.ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-i", str(raw), "-ar", "32000"]
    subprocess.run([*cmd, "-c:a", "aac", "-b:a", "48k", str(m4a)], check=True)
    return Path(audio.decode([str(m4a)], folder / "decoded.wav").path)


def score(reference: list[tuple[float, float, str]], turns: list, uem_end: float) -> dict[str, float]:
    """pyannote.metrics DER, no collar, overlap scored, with its components in seconds."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for i, (s, e, who) in enumerate(reference):
        ref[Segment(s, e), i] = who
    for i, t in enumerate(turns):
        hyp[Segment(t.start, t.end), i] = t.speaker
    metric = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    detail = metric(ref, hyp, uem=Timeline([Segment(0, uem_end)]), detailed=True)
    return {k: float(v) for k, v in detail.items()}


def named_share(reference: list[tuple[float, float, str]], turns: list, truth: dict[str, str], end: float) -> dict:
    """Speech time (10 ms frames, one reference speaker at a time) given the right name, the wrong
    name, or no name; and for speakers outside the library, the time given any library name."""
    n = int(end * 100) + 1
    ref_count = np.zeros(n, dtype=int)
    ref_who = np.full(n, "", dtype=object)
    for s, e, who in reference:
        ref_count[int(s * 100) : int(e * 100)] += 1
        ref_who[int(s * 100) : int(e * 100)] = who
    hyp_who = np.full(n, "", dtype=object)
    for t in sorted(turns, key=lambda t: t.end - t.start, reverse=True):  # main turns win over short overlaps
        hyp_who[int(t.start * 100) : int(t.end * 100)] = t.speaker
    single = ref_count == 1
    names = set(truth.values())
    out = {"enrolled_s": 0.0, "right_s": 0.0, "wrong_name_s": 0.0, "unnamed_s": 0.0, "stranger_s": 0.0}
    out["stranger_named_s"] = 0.0
    for i in np.flatnonzero(single):
        who, got = ref_who[i], hyp_who[i]
        if who in truth:
            out["enrolled_s"] += 0.01
            if got == truth[who]:
                out["right_s"] += 0.01
            elif got in names:
                out["wrong_name_s"] += 0.01
            else:
                out["unnamed_s"] += 0.01
        else:
            out["stranger_s"] += 0.01
            if got in names:
                out["stranger_named_s"] += 0.01
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SEEDS), default="test")
    parser.add_argument("--per-count", type=int, default=3, help="meetings for each number of speakers (3-6)")
    parser.add_argument("--seconds", type=float, default=240.0, help="length of each meeting")
    parser.add_argument("--library", action="store_true", help="evaluate names from a voice library")
    parser.add_argument("--all-clips", action="store_true", help="also the clips that may be noise-augmented")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    clips = real_clips(args.all_clips)
    enrol, meet = halves(clips) if args.library else ([], compose.voices_from(clips))
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        library_dir = Path(tmp) / "speakers"
        if args.library:  # every speaker's enrolment audio, in folders named by fictional Thai names
            for voice, name in zip(enrol, NAMES, strict=False):
                compose.write_wav(library_dir / name / "เสียง 1.wav", np.concatenate(voice.clips))
        truth_all = dict(zip([v.name for v in enrol], NAMES, strict=False))
        for count in (3, 4, 5, 6):
            for k in range(args.per_count):
                seed = SEEDS[args.set] + 10 * count + k
                rng = random.Random(seed)
                chosen = rng.sample(meet, count)
                meeting = compose.compose(chosen, args.seconds, seed)
                folder = Path(tmp) / f"m{seed}"
                wav = recorded(meeting, folder)
                t0 = time.perf_counter()
                found = diarize.diarize(wav)
                row = {"seed": seed, "speakers": count, "found": len(diarize.speakers_of(found.turns))}
                if args.library:
                    stranger = chosen[rng.randrange(count)].name
                    library = voices.Library.load(library_dir)
                    library.voices.pop(truth_all[stranger])  # one speaker the library does not know
                    named = voices.name_turns(found, library, None)
                    truth = {v.name: truth_all[v.name] for v in chosen if v.name != stranger}
                    row |= named_share(meeting.turns, named.turns, truth, meeting.duration)
                seconds = time.perf_counter() - t0
                row |= {"audio_s": meeting.duration, "speaker_stage_s": seconds, "rtf": seconds / meeting.duration}
                row |= score(meeting.turns, found.turns, meeting.duration)
                row["der"] = row["diarization error rate"]
                rows.append(row)
                print(
                    f"seed {seed}: {count} speakers, found {row['found']}, DER {row['der']:.1%}, RTF {row['rtf']:.3f}"
                    + (f", named right {row['right_s'] / row['enrolled_s']:.1%}" if args.library else ""),
                    flush=True,
                )

    def pooled(rs: list[dict]) -> float:
        errors = sum(r["missed detection"] + r["false alarm"] + r["confusion"] for r in rs)
        return errors / sum(r["total"] for r in rs)

    summary: dict = {
        "set": args.set,
        "clips": "all real" if args.all_clips else "real, not noise-augmented",
        "speakers_in_pool": len(clips),
        "meetings": len(rows),
        "seconds_each": args.seconds,
        "der_pooled": pooled(rows),
        "der_by_speakers": {c: pooled([r for r in rows if r["speakers"] == c]) for c in (3, 4, 5, 6)},
        "count_exact": sum(r["found"] == r["speakers"] for r in rows) / len(rows),
        "missed_share": sum(r["missed detection"] for r in rows) / sum(r["total"] for r in rows),
        "false_alarm_share": sum(r["false alarm"] for r in rows) / sum(r["total"] for r in rows),
        "confusion_share": sum(r["confusion"] for r in rows) / sum(r["total"] for r in rows),
        "rtf_median": statistics.median(r["rtf"] for r in rows),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "wall_s": time.perf_counter() - started,
    }
    if args.library:
        enrolled = sum(r["enrolled_s"] for r in rows)
        summary |= {
            "named_right": sum(r["right_s"] for r in rows) / enrolled,
            "named_wrong": sum(r["wrong_name_s"] for r in rows) / enrolled,
            "left_unnamed": sum(r["unnamed_s"] for r in rows) / enrolled,
            "stranger_given_a_name": sum(r["stranger_named_s"] for r in rows) / sum(r["stranger_s"] for r in rows),
        }
    name = f"diarisation-{args.set}{'-library' if args.library else ''}.json"
    out = args.out or ROOT / "benchmarks" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "meetings": rows}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
