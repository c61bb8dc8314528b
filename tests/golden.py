"""Golden files are reviewed artefacts: a test compares with the committed file and never rewrites it.

On any difference the output is written beside the golden file as `<name>.new` and the test fails:
look at the difference (`diff minutes.md minutes.md.new`), and if it is right, move the .new file
over the golden one and commit it. A change of code can therefore never regenerate its own
expectation and pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def check(golden: Path, actual: str) -> None:
    """Fail unless `actual` is the reviewed text of `golden`; a differing one is left at `golden`.new."""
    new = golden.with_name(golden.name + ".new")
    expected = golden.read_text(encoding="utf-8") if golden.exists() else None
    if actual == expected:
        new.unlink(missing_ok=True)
        return
    new.write_text(actual, encoding="utf-8", newline="\n")
    what = "differs from" if expected is not None else "has no reviewed file"
    pytest.fail(f"{new.name} {what} {golden}: review it, and if it is right, move it over the golden file")
