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
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import minutes as drafting  # noqa: E402
from pipeline import noise  # noqa: E402
from pipeline.minutes import score  # noqa: E402

MEETINGS = ROOT / "tests" / "data" / "meetings"


def run(names: list[str], levels: list[int], seeds: int, engine: str, planned: bool,
        misses: bool) -> dict[str, dict[int, score.Score]]:
    """{set: {cer %: pooled score}} over every meeting of each set and every seed."""
    confusions = noise.default_confusions()
    results: dict[str, dict[int, score.Score]] = {}
    for name in names:
        meetings = score.load_set(MEETINGS / name)
        results[name] = {}
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
            results[name][level] = total
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
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # Thai on a Windows console
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    began = time.perf_counter()
    results = run(args.sets, args.cer, args.seeds, args.engine, args.planned, args.misses)
    print(table(results, args.planned))
    print(f"\n{args.seeds} seeds per corrupted level; {time.perf_counter() - began:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {n: {str(k): vars(s) for k, s in v.items()} for n, v in results.items()}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
