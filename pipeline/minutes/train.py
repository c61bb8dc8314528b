"""Rebuild the learned cues' weights (pipeline/weights/minutes-cues.npz) from the annotated sets.

    python -m pipeline.minutes.train [--meetings tests/data/meetings] [--sets dev frozen ...] [--out PATH]

The segments are read as the rules engine reads them (`rules.heard_as_said`), which is why this
sits above both: pipeline.minutes.learned is below the rules, which consult it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.minutes import learned
from pipeline.minutes.rules import heard_as_said


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the minutes engine's learned cues.")
    parser.add_argument("--meetings", default="tests/data/meetings", help="folder of annotated sets")
    parser.add_argument("--sets", nargs="+", default=list(learned.TRAINING_SETS))
    parser.add_argument("--out", default=str(learned.WEIGHTS))
    args = parser.parse_args(argv)
    rows, labels = learned.examples([Path(args.meetings) / s for s in args.sets], heard_as_said)
    learned.save(learned.fit(rows, labels), Path(args.out), args.sets)
    print(f"{args.out}: {len(rows)} segments from {', '.join(args.sets)}")


if __name__ == "__main__":
    main()
