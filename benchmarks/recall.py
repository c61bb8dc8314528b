"""Recall of the minutes engine against recognition errors: agenda items, resolutions, assignments.

Scores the annotated meetings of tests/data/meetings/ (`dev`: used while writing the rules;
`frozen`: committed before any rule change, scored once after the work) as clean text and
corrupted to 5, 10 and 20% CER with the error model learned from Whisper base (pipeline.noise),
each level over several seeds. Two settings: `bare` (transcript.json alone, no meeting.yaml) and
`planned` (meeting.yaml's date and planned agenda given).

    python benchmarks/recall.py [--sets dev frozen] [--cer 0 5 10 20] [--seeds 3] [--engine rules]
        [--planned] [--misses] [--json benchmarks/results/recall.json]
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import minutes as drafting  # noqa: E402
from pipeline import noise  # noqa: E402
from pipeline.minutes import learned, score  # noqa: E402
from pipeline.minutes.rules import heard_as_said  # noqa: E402

MEETINGS = ROOT / "tests" / "data" / "meetings"


def fold(name: str) -> learned.Model:
    """The learned cues trained on every training set but `name` (kept in benchmarks/results/folds/,
    named by a hash of the training code and data, as training takes a minute; the rules' data
    tables, which `heard_as_said` reads, are not in it: delete the folder after changing them)."""
    others = [s for s in learned.TRAINING_SETS if s != name]
    what = (learned._grams, learned._features, learned._labels, learned.examples, learned.fit, heard_as_said)
    digest = hashlib.sha256(repr((learned.DIMENSIONS, learned.NOISE_LEVELS, learned._EDGE, learned._CONTEXT,
                                  learned._GRAMS, learned._L2)).encode())
    for f in what:
        digest.update(inspect.getsource(f).encode("utf-8"))
    for s in others:
        for path in sorted((MEETINGS / s).glob("*.json")):
            digest.update(path.read_bytes())
    cached = ROOT / "benchmarks" / "results" / "folds" / f"{name}-{digest.hexdigest()[:12]}.npz"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        rows, labels = learned.examples([MEETINGS / s for s in others], heard_as_said)
        learned.save(learned.fit(rows, labels), cached, others)
    return learned.load(cached)


def run(names: list[str], levels: list[int], seeds: int, engine: str, planned: bool,
        misses: bool, cross: bool = False) -> dict[str, dict[int, score.Score]]:
    """{set: {cer %: pooled score}} over every meeting of each set and every seed; with `cross`, a
    training set is drafted with the learned cues of the other training sets (`fold`)."""
    results: dict[str, dict[int, score.Score]] = {}
    for name in names:
        if cross and name in learned.TRAINING_SETS:
            with learned.using(fold(name)):
                results[name] = _scored(name, levels, seeds, engine, planned, misses)
        else:
            results[name] = _scored(name, levels, seeds, engine, planned, misses)
    return results


def _scored(name: str, levels: list[int], seeds: int, engine: str, planned: bool,
            misses: bool) -> dict[int, score.Score]:
    confusions = noise.default_confusions()
    meetings = score.load_set(MEETINGS / name)
    results: dict[int, score.Score] = {}
    for level in levels:
        total = score.Score(f"{name} {level}%")
        for seed in range(seeds if level else 1):
            for m in meetings:
                transcript = m.transcript if not level else noise.corrupt_transcript(
                    m.transcript, level / 100, seed, confusions)
                minutes = drafting.run(transcript, score.facts(m, planned), engine)
                s = score.score(m, minutes, planned)
                total.add(s)
                if misses:
                    for miss in s.misses:
                        print(f"- {name}/{m.name} {level}% seed {seed}: {miss}")
        results[level] = total
    return results


def table(results: dict[str, dict[int, score.Score]], planned: bool) -> str:
    lines = [
        f"| set | CER | agenda items | resolutions | invented resolutions | assignments | extra assignments "
        f"| extra items |  ({'planned agenda and date given' if planned else 'transcript alone'})",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, levels in results.items():
        for level, s in levels.items():
            lines.append(
                f"| {name} | {level}% | {score.ratio(s.items_found, s.items)} "
                f"| {score.ratio(s.resolutions_found, s.resolutions)} | {s.resolutions_invented} "
                f"| {score.ratio(s.actions_found, s.actions)} | {s.actions_extra} | {s.items_extra} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["dev", "frozen"])
    parser.add_argument("--cer", nargs="+", type=int, default=[0, 5, 10, 20])
    parser.add_argument("--seeds", type=int, default=3, help="corrupted copies per meeting and level")
    parser.add_argument("--engine", default="rules")
    parser.add_argument("--planned", action="store_true", help="give meeting.yaml's date and agenda")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--cross", action="store_true",
                        help="draft each training set with learned cues trained on the others only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # Thai on a Windows console
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    began = time.perf_counter()
    results = run(args.sets, args.cer, args.seeds, args.engine, args.planned, args.misses, args.cross)
    print(table(results, args.planned))
    print(f"\n{args.seeds} seeds per corrupted level; {time.perf_counter() - began:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {n: {str(k): vars(s) for k, s in v.items()} for n, v in results.items()}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
