"""Project-level promises: the README's two commands, and CI running the README's test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    return [line.strip() for line in lines if line.startswith("    ") and line.strip()]


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    demo, tests = _readme_commands()[:2]
    assert "pip install" in demo and demo.endswith("minutes run recordings/sample")
    assert "pip install" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci


# --------------------------------------------------------------------------------------------
# No block of code written twice (issue 14): pylint's duplicate-code engine (Symilar), run on
# each top-level definition of pipeline/ as its own piece so that a block repeated within one file
# counts too, and run twice: on the code as written, and on its shape (every name "x", every
# string "'s'", every number and None/True/False 0), so that a copy with renamed variables counts as well. Lines that
# are only names and literals (dataclass fields, keyword-argument lists, string tables) carry no
# logic and are left out of the shape view.

MIN_LINES = 6
_PLAIN = {"x", "'s'", "0", ",", ":", "=", "(", ")", "[", "]", "{", "}", ".", "->", "|", "*", "**"}


def _shape(source: str) -> str:
    """`source` with its names, strings and numbers made alike, line for line (indentation kept)."""
    import io
    import keyword
    import tokenize

    words: dict[int, list[str]] = {}
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    strings = {tokenize.STRING} | ({tokenize.FSTRING_START} if hasattr(tokenize, "FSTRING_START") else set())
    inside_fstring = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if hasattr(tokenize, "FSTRING_START") and token.type in (tokenize.FSTRING_MIDDLE, tokenize.FSTRING_END):
            inside_fstring -= token.type == tokenize.FSTRING_END
            continue
        if token.type in skip or inside_fstring:
            continue
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
            word = "x"
        elif token.type in strings:
            inside_fstring += token.type != tokenize.STRING
            word = "'s'"
        elif token.type == tokenize.NUMBER or token.string in ("None", "True", "False"):
            word = "0"
        else:
            word = token.string
        words.setdefault(token.start[0], []).append(word)
    lines = source.splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        found = words.get(number, [])
        if not found or set(found) <= _PLAIN or found[0] in ("import", "from"):
            out.append("")
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(indent + " ".join(found) + (" \\" if line.rstrip().endswith("\\") else ""))
    return "\n".join(out) + "\n"


def duplicates(root: Path, min_lines: int = MIN_LINES) -> list[str]:
    """Blocks of `min_lines` or more repeated under `root`, as written or in shape: one line each."""
    import ast
    import contextlib
    import io

    from pylint.checkers.symilar import Symilar

    found = []
    for view in ("as written", "in shape"):
        similar = Symilar(
            min_lines=min_lines,
            ignore_comments=True,
            ignore_docstrings=True,
            ignore_imports=view == "as written",  # these two parse the code: the shape view has no
            ignore_signatures=view == "as written",  # imports, and its signatures are one line each
        )
        for path in sorted(root.rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines(keepends=True)
            for node in ast.parse(source).body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    piece = "".join(lines[node.lineno - 1 : node.end_lineno])
                    name = f"{path.relative_to(root.parent).as_posix()}:{node.lineno}:{node.name}"
                    similar.append_stream(name, io.StringIO(piece if view == "as written" else _shape(piece)))
        with contextlib.redirect_stdout(io.StringIO()):  # Symilar prints as it computes
            for commonality in similar._compute_sims():  # noqa: SLF001 (pylint's own report loop uses it)
                where = []
                for lineset, start, _ in commonality[1]:
                    file, line, name = lineset.name.rsplit(":", 2)
                    where.append(f"{file}:{int(line) + start} ({name})")
                found.append(f"{commonality[0]} lines {view}: {' = '.join(sorted(where))}")
    return found


def test_the_duplicate_check_finds_a_copy_with_other_names(tmp_path: Path) -> None:
    """The check below can fail: a block copied with its names changed, in the same file, is found."""
    package = tmp_path / "package"
    package.mkdir()
    body = """
def {name}(values, limit):
    total = 0
    for {item} in values:
        if {item} > limit:
            total += {item} * 2
        else:
            total -= 1
    return round(total / len(values), 2)
"""
    (package / "one.py").write_text(body.format(name="first", item="v") + body.format(name="second", item="w"))
    (package / "two.py").write_text(body.format(name="third", item="v"))
    (package / "three.py").write_text("def fields():\n" + "".join(f"    a{i} = b{i}\n" for i in range(9)))
    found = duplicates(package)
    # The copy in two.py, word for word: its 7 body lines (the signature is not counted).
    assert "7 lines as written: package/one.py:3 (first) = package/two.py:3 (third)" in found
    # The renamed copy in the same file: 7 lines of shape from the def line (`total = 0`, a name and
    # a number, is left out); three.py's nine plain assignments are no block at all.
    assert "7 lines in shape: package/one.py:11 (second) = package/one.py:2 (first)" in found
    assert not [f for f in found if "three.py" in f]


def test_no_duplicate_code() -> None:
    """No block of 6 or more lines is repeated in pipeline/, in the same words or the same shape."""
    found = duplicates(ROOT / "pipeline")
    assert not found, "\n".join(found)


def test_a_regenerated_golden_never_passes(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """tests/golden.py: a differing output is left beside the reviewed file and fails, UPDATE_GOLDEN or not."""
    import pytest

    from tests import golden

    reviewed = tmp_path / "minutes.md"
    reviewed.write_text("ระเบียบวาระที่ 1\n", encoding="utf-8")
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    for _ in range(2):  # a second run does not pass either
        with pytest.raises(pytest.fail.Exception, match="minutes.md.new differs from"):
            golden.check(reviewed, "ระเบียบวาระที่ 2\n")
    assert reviewed.read_text(encoding="utf-8") == "ระเบียบวาระที่ 1\n"
    assert (tmp_path / "minutes.md.new").read_text(encoding="utf-8") == "ระเบียบวาระที่ 2\n"
    golden.check(reviewed, "ระเบียบวาระที่ 1\n")  # the reviewed text passes, and the stale .new goes
    assert not (tmp_path / "minutes.md.new").exists()
