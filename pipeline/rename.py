"""`minutes speakers`: who speaks how long in a drafted folder, and renaming them (a folder operation).

A rename is a reviewer's correction (corrections.json), so every later run keeps it; the folder is
then drafted again without transcribing.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import corrections, runner
from pipeline.errors import MinutesError

_PAIR = re.compile(r"^\s*(?P<old>[^=]+?)\s*=\s*(?P<new>[^=]+?)\s*$")


def parse_renames(pairs: list[str]) -> dict[str, str]:
    """ "ผู้พูด 2=นายสมชาย ใจดี" -> {"ผู้พูด 2": "นายสมชาย ใจดี"}; a malformed pair is a one-line error."""
    out: dict[str, str] = {}
    for pair in pairs:
        match = _PAIR.match(pair)
        if not match:
            raise MinutesError(f'--rename "{pair}": write it as "ผู้พูด 2=นายสมชาย ใจดี" (old label=new name)')
        out[match["old"]] = match["new"]
    return out


def speaking_time(out_dir: str | Path) -> dict[str, float]:
    """Seconds each speaker speaks in a folder `minutes run` wrote (renames included), in order of first speech."""
    _check_folder(Path(out_dir))
    seconds: dict[str, float] = {}
    for seg in corrections.corrected(out_dir)[0].segments:
        if seg.speaker:
            seconds[seg.speaker] = seconds.get(seg.speaker, 0.0) + seg.end - seg.start
    return seconds


def _check_folder(out_dir: Path) -> None:
    if not (out_dir / "stages" / "speakers.json").is_file() or not (out_dir / "run.json").is_file():
        raise MinutesError(
            f"{out_dir}: no stored speakers (stages/speakers.json) — give the folder `minutes run` "
            "wrote for a recording (OUT/<recording-id>)"
        )


def rename(out_dir: str | Path, renames: dict[str, str]) -> list[Path]:
    """Rename speakers in a folder `minutes run` wrote, and draft it again without transcribing.

    Each rename is a reviewer's correction (corrections.json), so every later run keeps it; the
    labels are checked against the speakers the folder has now (earlier renames included).
    """
    out_dir = Path(out_dir)
    _check_folder(out_dir)
    transcript, _, _ = corrections.corrected(out_dir)
    labels = {s.speaker for s in transcript.segments if s.speaker} | {
        o for s in transcript.segments for o in s.overlapping
    }
    for old in renames:
        if old not in labels:
            raise MinutesError(
                f"{out_dir}: no speaker '{old}' in the transcript. Speakers: {', '.join(sorted(labels)) or 'none'}"
            )
    for old, new in renames.items():
        corrections.append(out_dir, corrections.Edit(kind="rename", by="minutes speakers", before=old, value=new))
    return runner.redraft(out_dir).files
