"""Are the outputs byte for byte the same before and after a change to the code?

    python benchmarks/identical.py --against c1a2110 [--after REV] [--take PATH...] [--quick] [--only CASE] [--keep]

Checks out `--against` as a temporary `git worktree` (in the system temp folder, removed
afterwards), then runs the same `minutes` commands with the same inputs in that tree and in this
working tree (uncommitted changes included; or in a worktree of `--after`; or, with `--take`,
in `--against` with only the given paths from the working tree), each into its own
output root, and compares every file the runs left, byte for byte. One line per file; exit 1 on
any difference, a file only one side wrote, or a command whose exit code or printed lines differ.

The cases: the audio sample (`recordings/sample`, the embedded Whisper base on the CPU; left out
with --quick), every meeting in `tests/data/scripted` and `recordings/scripted-meeting`, and a few
follow-ups on the same folder: `minutes render` in another style and digits, `minutes speakers
--rename`, and a draft again after a reviewer's correction (the review page's redraft).

Ignored, being wall-clock by nature: in run.json `started_at`, `finished_at` and every stage's
`seconds`; in stages/manifest.json every stage's `seconds`. Everything else must match, and the
printed lines must match once each side's output root is written as OUT (and the seconds `minutes
render` says it took as N).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTED = ROOT / "tests" / "data" / "scripted"
# A heading for one scripted meeting, so the run also drafts members and the session line.
MEETING_YAML = (
    "body: คณะทำงานทดสอบการพิมพ์\nsession: 2/2569\ndate: 2026-05-25\nstart_time: '09.30'\n"
    "members_present:\n  - {name: นางสาวกานดา มีสุข, position: นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ}\n"
)
# The review page's redraft, after a reviewer renamed a speaker and corrected a line.
REDRAFT = """
import json, sys
from pathlib import Path
from pipeline import corrections, runner
out, at = Path(sys.argv[1]), "2026-05-25T10:00:00+07:00"  # the edits' time given: no wall clock in the file
said = json.loads((out / "transcript.json").read_text(encoding="utf-8"))["segments"][3]["text"]
corrections.append(out, {"kind": "rename", "before": "SPEAKER_01", "value": "นางสาวกานดา มีสุข", "at": at})
corrections.append(out, {"kind": "text", "segment": 3, "before": said, "value": "ข้อความที่ผู้ตรวจแก้แล้ว", "at": at})
corrections.append(out, {"kind": "reviewed", "value": True, "at": at})
runner.redraft(out)
"""


# `minutes ARGS...` through the CLI with the clock stopped at one moment, so that an edit a
# command stamps with the time (`minutes speakers --rename`) is the same on both sides.
FIXED_CLOCK = """
import datetime, sys, types
class Stopped(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2026, 5, 25, 10, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))).astimezone(tz)
from pipeline import corrections, cli
corrections.dt = types.SimpleNamespace(**{**vars(datetime), "datetime": Stopped})
sys.argv = ["minutes", *sys.argv[1:]]
cli.main()
"""


@dataclass
class Step:
    """One command of a case: `minutes ARGS...`, or `python` run with ARGS (without ARGS: with the
    case's recording folder)."""

    args: list[str]
    python: str | None = None


def cases(inputs: Path, quick: bool) -> dict[str, list[Step]]:
    """Case name -> the commands run for it, in order, all into that case's own output root.
    `{in}` is the inputs folder, `{out}` the case's output root."""
    found: dict[str, list[Step]] = {}
    if not quick:
        found["sample"] = [Step(["run", "{in}/sample", "--out", "{out}", "--device", "cpu"])]
    for path in sorted(SCRIPTED.glob("*.json")):
        found[f"scripted/{path.stem}"] = [Step(["run", f"{{in}}/scripted/{path.name}", "--out", "{out}", "--no-pdf"])]
    found["scripted-meeting"] = [Step(["run", "{in}/scripted-meeting/transcript.json", "--out", "{out}"])]
    found["heading"] = [Step(["run", "{in}/heading/transcript.json", "--out", "{out}", "--no-pdf"])]
    found["options"] = [
        Step(
            [
                "run",
                "{in}/scripted/digress.json",
                "--out",
                "{out}",
                "--no-pdf",
                "--style",
                "resolutions",
                "--digits",
                "thai",
                "--speakers",
                "none",
                "--glossary",
                "{in}/glossary.yaml",
            ]
        )
    ]
    found["render"] = [
        Step(["run", "{in}/scripted/formal.json", "--out", "{out}", "--no-pdf"]),
        Step(["render", "{out}/formal", "--style", "verbatim", "--thai-digits"]),
    ]
    found["rename"] = [
        Step(["run", "{in}/scripted/secretary.json", "--out", "{out}", "--no-pdf"]),
        Step(["speakers", "{out}/secretary", "--rename", "นายวิชัย กล้าหาญ=นายสมชาย ใจดี"], python=FIXED_CLOCK),
        Step(["speakers", "{out}/secretary"]),
    ]
    found["redraft"] = [
        Step(["run", "{in}/scripted/informal.json", "--out", "{out}", "--no-pdf"]),
        Step([], python=REDRAFT),
    ]
    return found


def make_inputs(inputs: Path, quick: bool) -> None:
    """The same input files for both trees (run.json records their paths)."""
    if not quick:
        shutil.copytree(ROOT / "recordings" / "sample", inputs / "sample")
    shutil.copytree(SCRIPTED, inputs / "scripted")
    shutil.copytree(ROOT / "recordings" / "scripted-meeting", inputs / "scripted-meeting")
    (inputs / "heading").mkdir()
    shutil.copy(SCRIPTED / "formal.json", inputs / "heading" / "transcript.json")
    (inputs / "heading" / "meeting.yaml").write_text(MEETING_YAML, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "data" / "glossary.yaml", inputs / "glossary.yaml")


def run_case(tree: Path, steps: list[Step], inputs: Path, out: Path) -> list[str]:
    """Run a case's commands with `tree`'s code; what each printed (stdout) and its exit code."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),  # this tree's `pipeline`, not the editable install's
        "PYTHONIOENCODING": "utf-8",
        "MINUTES_MODELS": os.environ.get("MINUTES_MODELS", str(ROOT / "models")),  # one model for both
    }
    env.pop("MINUTES_DEBUG", None)
    printed = []
    for step in steps:
        fill = [a.replace("{in}", str(inputs)).replace("{out}", str(out)) for a in step.args]
        if step.python is not None:
            command = [sys.executable, "-c", step.python, *(fill or [str(next(out.iterdir()))])]
        else:
            command = [sys.executable, "-m", "pipeline", *fill]
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, encoding="utf-8")
        if done.returncode:
            sys.stderr.write(f"{tree}: {' '.join(command[2:])} exited {done.returncode}\n{done.stderr[-2000:]}\n")
        printed.append(f"$ {' '.join(step.args) or 'python'} -> exit {done.returncode}")
        shown = done.stdout.replace(str(out), "OUT").replace(str(inputs), "IN")
        printed += re.sub(r"\bin \d+\.\d s\b", "in N s", shown).splitlines()  # `render` prints its time
    return printed


def _drop_seconds(stages: Any) -> None:
    if isinstance(stages, dict):
        for entry in stages.values():
            if isinstance(entry, dict):
                entry.pop("seconds", None)


def comparable(relative: str, data: bytes) -> bytes:
    """The bytes to compare: run.json and the manifest without their wall-clock fields."""
    name = Path(relative).name
    if name not in ("run.json", "manifest.json"):
        return data
    try:
        record = json.loads(data.decode("utf-8"))
    except ValueError:
        return data
    if not isinstance(record, dict):
        return data
    if name == "run.json":
        record.pop("started_at", None)
        record.pop("finished_at", None)
    _drop_seconds(record.get("stages"))
    return json.dumps(record, ensure_ascii=False, indent=2).encode()  # in the order written: order counts too


def files_under(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def compare(case: str, before: Path, after: Path, printed: tuple[list[str], list[str]]) -> int:
    """Print one line per file (and one for the commands' output); the number of differences."""
    differences = 0
    old, new = files_under(before), files_under(after)
    for relative in sorted(old.keys() | new.keys()):
        label = f"{case}: {relative}"
        if relative not in new:
            print(f"ONLY BEFORE  {label}")
        elif relative not in old:
            print(f"ONLY AFTER   {label}")
        else:
            a, b = comparable(relative, old[relative].read_bytes()), comparable(relative, new[relative].read_bytes())
            if a == b:
                print(f"identical    {label}")
                continue
            print(f"DIFFERENT    {label}")
            if relative.endswith((".json", ".md", ".txt", ".srt", ".vtt", ".html")):
                diff = difflib.unified_diff(
                    a.decode("utf-8", "replace").splitlines(),
                    b.decode("utf-8", "replace").splitlines(),
                    "before",
                    "after",
                    lineterm="",
                    n=1,
                )
                for line in list(diff)[:20]:
                    print(f"             {line}")
        differences += 1
    if printed[0] == printed[1]:
        print(f"identical    {case}: (printed lines and exit codes)")
    else:
        differences += 1
        print(f"DIFFERENT    {case}: (printed lines and exit codes)")
        for line in list(difflib.unified_diff(*printed, "before", "after", lineterm="", n=0))[:20]:
            print(f"             {line}")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", required=True, help="git revision to compare this working tree with")
    parser.add_argument("--quick", action="store_true", help="leave out the audio sample (minutes of CPU)")
    parser.add_argument("--after", help="a git revision for the after side instead of this working tree")
    parser.add_argument(
        "--take",
        nargs="+",
        metavar="PATH",
        help="the after side is --against with only these files or folders taken from this working tree "
        "(one engineer's change alone, while others change other files)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--only", action="append", help="only the cases whose name starts with this (repeatable)")
    args = parser.parse_args()
    revs = {}
    for side, name in (("before", args.against), ("after", args.after)):
        if name is None:
            continue
        rev = subprocess.run(
            ["git", "rev-parse", "--verify", f"{name}^{{commit}}"], cwd=ROOT, capture_output=True, text=True
        )
        if rev.returncode:
            print(f"error: {name}: not a commit in {ROOT}", file=sys.stderr)
            return 2
        revs[side] = rev.stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="minutes-identical-"))
    if args.take and not args.after:
        revs["after"] = revs["before"]
    trees = {"before": work / "before-tree", "after": work / "after-tree" if "after" in revs else ROOT}
    try:
        for side, commit in revs.items():
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(trees[side]), commit], cwd=ROOT, check=True
            )
        for taken in args.take or []:
            relative = (ROOT / taken).resolve().relative_to(ROOT)
            target = trees["after"] / relative
            if target.is_dir():
                shutil.rmtree(target)
            target.unlink(missing_ok=True)
            if (ROOT / relative).is_dir():
                shutil.copytree(ROOT / relative, target, ignore=shutil.ignore_patterns("__pycache__"))
            elif (ROOT / relative).is_file():
                shutil.copy2(ROOT / relative, target)
        inputs = work / "inputs"
        make_inputs(inputs, args.quick)
        chosen = {
            name: steps
            for name, steps in cases(inputs, args.quick).items()
            if not args.only or name.startswith(tuple(args.only))
        }
        after = f"{args.after} ({revs['after'][:10]})" if args.after else f"the working tree {ROOT}"
        if args.take:
            after = f"{args.after or args.against} with {', '.join(args.take)} from the working tree"
        print(f"before: {args.against} ({revs['before'][:10]}), after: {after}")
        differences = 0
        for name, steps in chosen.items():
            sides = []
            for side, tree in trees.items():
                out = work / side / name
                sides.append((out, run_case(tree, steps, inputs, out)))
            differences += compare(name, sides[0][0], sides[1][0], (sides[0][1], sides[1][1]))
        print(f"{'identical' if not differences else f'{differences} difference(s)'} over {len(chosen)} case(s)")
        return 1 if differences else 0
    finally:
        for side in revs:
            subprocess.run(["git", "worktree", "remove", "--force", str(trees[side])], cwd=ROOT, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        if args.keep:
            print(f"kept {work}")
        else:
            from pipeline.store import remove_tree  # this checkout's: the revisions compared run elsewhere

            for left in remove_tree(work):
                print(f"could not remove {left}; delete it by hand")


if __name__ == "__main__":
    raise SystemExit(main())
