"""Issue 15: nothing lost, nothing mixed up, nothing that looks done but isn't.

Each numbered failure of the issue, with its reproduction, and bad input of every kind: one line
on stderr, a non-zero exit, and no file of an existing output folder changed (fast tier: the fake
engine, or a transcript.json as input, which needs no engine at all).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import corrections, meeting, render, runner, store
from pipeline.cli import app
from pipeline.errors import MinutesError
from pipeline.runner import Options
from tests.conftest import ROOT, SCRIPT, ffmpeg

cli = CliRunner()
MEETING = "body: คณะทำงานทดสอบ\nsession: 1/2569\nagenda:\n  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n  - 4 เรื่องเพื่อพิจารณา\n"


def transcript_data(segments: list | None = None) -> dict:
    """A transcript.json as a reviewer may hand it in: the scripted meeting, times in seconds."""
    if segments is None:
        segments = [
            {"id": i, "start": start, "end": end, "text": text, "speaker": "ประธาน"}
            for i, (start, end, text) in enumerate(SCRIPT)
        ]
    return {"language": "th", "duration": 34.0, "segments": segments}


def write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and its hash: what "nothing lost" compares."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_line(result, code: int = 2) -> str:  # noqa: ANN001
    """The command failed with `code` and said so in exactly one line, without a traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def good(tmp_path: Path) -> tuple[Path, Path]:
    """(a good transcript.json with its meeting.yaml, the output root holding its drafted folder)."""
    source = write_json(tmp_path / "good" / "transcript.json", transcript_data())
    (source.parent / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    out = tmp_path / "out"
    result = cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return source, out


def run_bad(args: list[str], out: Path, expected: str | None = None, code: int = 2) -> str:
    """Run, expect one line (holding `expected`), and check no file under `out` changed."""
    before = snapshot(out)
    result = cli.invoke(app, args)
    line = one_line(result, code)
    if expected:
        assert expected in line, line
    assert snapshot(out) == before, "a bad run changed the output folder"
    return line


# --------------------------------------------------------------------------------------------
# 8. transcript.json: every type and range, one line naming the field


def _seg(**changes: object) -> dict:
    seg = {"id": 0, "start": 0.5, "end": 4.0, "text": "สวัสดีครับ"}
    seg.update(changes)
    return {k: v for k, v in seg.items() if v is not _DROP}


_DROP = object()
BAD_TRANSCRIPTS: dict[str, tuple[object, str]] = {
    "NaN start": ('{"segments": [{"id": 0, "start": NaN, "end": 1, "text": "ก"}]}', "segments[0].start"),
    "Infinity end": ('{"segments": [{"id": 0, "start": 0, "end": Infinity, "text": "ก"}]}', "segments[0].end"),
    "-Infinity start": ('{"segments": [{"id": 0, "start": -Infinity, "end": 1, "text": "ก"}]}', "segments[0].start"),
    "1e308 start": ('{"segments": [{"id": 0, "start": 1e308, "end": 1e308, "text": "ก"}]}', "segments[0].start"),
    "1e400 end": ('{"segments": [{"id": 0, "start": 0, "end": 1e400, "text": "ก"}]}', "segments[0].end"),
    "unpaired surrogate": ('{"segments": [{"id": 0, "start": 0, "end": 1, "text": "\\ud800"}]}', "segments[0].text"),
    "low surrogate alone": ('{"segments": [{"id": 0, "start": 0, "end": 1, "text": "ก\\udfff"}]}', "segments[0].text"),
    "NUL in text": ('{"segments": [{"id": 0, "start": 0, "end": 1, "text": "a\\u0000b"}]}', "segments[0].text"),
    "control char in speaker": (transcript_data([_seg(speaker="a\x07")]), "segments[0].speaker"),
    "missing id": (transcript_data([_seg(), _seg(id=_DROP, start=5, end=6)]), "segments[1].id"),
    "repeated id": (transcript_data([_seg(), _seg(start=5, end=6)]), "segments[1].id"),
    "id as text": (transcript_data([_seg(id="0")]), "segments[0].id"),
    "id negative": (transcript_data([_seg(id=-1)]), "segments[0].id"),
    "id float": (transcript_data([_seg(id=1.5)]), "segments[0].id"),
    "id true": (transcript_data([_seg(id=True)]), "segments[0].id"),
    "text a list": (transcript_data([_seg(text=["สวัสดี"])]), "segments[0].text"),
    "text a number": (transcript_data([_seg(text=5)]), "segments[0].text"),
    "text an object": (transcript_data([_seg(text={"th": "ก"})]), "segments[0].text"),
    "text null": (transcript_data([_seg(text=None)]), "segments[0].text"),
    "text missing": (transcript_data([_seg(text=_DROP)]), "segments[0]"),
    "speaker a list": (transcript_data([_seg(speaker=["ก", "ข"])]), "segments[0].speaker"),
    "speaker a number": (transcript_data([_seg(speaker=3)]), "segments[0].speaker"),
    "negative start": (transcript_data([_seg(start=-1.0)]), "segments[0].start"),
    "negative end": (transcript_data([_seg(start=0, end=-2)]), "segments[0].end"),
    "end before start": (transcript_data([_seg(start=5.0, end=2.0)]), "segments[0].end"),
    "start as text": (transcript_data([_seg(start="0.5")]), "segments[0].start"),
    "start true": (transcript_data([_seg(start=True)]), "segments[0].start"),
    "start a week and more": (transcript_data([_seg(start=700000, end=700001)]), "segments[0].start"),
    "flags a string": (transcript_data([_seg(flags="abc")]), "segments[0].flags"),
    "flags of numbers": (transcript_data([_seg(flags=[1, 2])]), "segments[0].flags[0]"),
    "overlapping a string": (transcript_data([_seg(overlapping="ข")]), "segments[0].overlapping"),
    "words a string": (transcript_data([_seg(words="ก ข")]), "segments[0].words"),
    "word without text": (transcript_data([_seg(words=[{"start": 0.5, "end": 1}])]), "segments[0].words[0].text"),
    "word end before start": (
        transcript_data([_seg(words=[{"start": 2, "end": 1, "text": "ก"}])]),
        "segments[0].words[0].end",
    ),
    "word probability 7": (
        transcript_data([_seg(words=[{"start": 0.5, "end": 1, "text": "ก", "probability": 7}])]),
        "segments[0].words[0].probability",
    ),
    "segment a string": (transcript_data(["สวัสดี"]), "segments[0]"),
    "segments an object": ({"segments": {"0": _seg()}}, "segments"),
    "duration negative": ({"duration": -5, "segments": [_seg()]}, "duration"),
    "duration text": ({"duration": "34", "segments": [_seg()]}, "duration"),
    "language a list": ({"language": ["th"], "segments": [_seg()]}, "language"),
    "settings a list": ({"settings": [1], "segments": [_seg()]}, "settings"),
    "NaN inside settings": ('{"settings": {"beam": NaN}, "segments": []}', "settings.beam"),
    "chat without sender": ({"segments": [_seg()], "chat": [{"text": "ก"}]}, "chat[0].sender"),
    "chat at negative": ({"segments": [_seg()], "chat": [{"sender": "ก", "text": "ข", "at": -3}]}, "chat[0].at"),
    "edit end before start": (
        {"segments": [_seg()], "edits": [{"kind": "number", "start": 3, "end": 1, "before": "a", "after": "b"}]},
        "edits[0].end",
    ),
    "10 MB of text in one segment": (transcript_data([_seg(text="ก" * 10_000_000)]), "segments[0].text"),
    "not JSON": ('{"segments": [', "line 1"),
    "not UTF-8": (b'{"segments": [{"text": "\xff"}]}', "UTF-8"),
    "a JSON list": ("[1, 2, 3]", "must be an object"),
    "JSON nested 100000 deep": ("[" * 100_000 + "]" * 100_000, "transcript.json"),
}


@pytest.mark.parametrize("case", list(BAD_TRANSCRIPTS))
def test_bad_transcript_is_one_line_naming_the_field(case: str, good: tuple[Path, Path], tmp_path: Path) -> None:
    data, field = BAD_TRANSCRIPTS[case]
    path = tmp_path / "bad" / "transcript.json"
    path.parent.mkdir()
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    _, out = good
    line = run_bad(["run", str(path), "--out", str(out), "--no-pdf"], out, field)
    assert str(path) in line
    assert not (out / "bad").exists()


def test_a_hand_written_transcript_without_ids_is_numbered(good: tuple[Path, Path], tmp_path: Path) -> None:
    data = transcript_data([{k: v for k, v in s.items() if k != "id"} for s in transcript_data()["segments"]])
    path = write_json(tmp_path / "ids" / "transcript.json", data)
    result = cli.invoke(app, ["run", str(path), "--out", str(good[1]), "--no-pdf"])
    assert result.exit_code == 0, result.output
    ids = [s["id"] for s in json.loads((good[1] / "ids" / "transcript.json").read_text(encoding="utf-8"))["segments"]]
    assert ids == list(range(len(SCRIPT)))


def test_a_10mb_transcript_is_refused_in_a_second(good: tuple[Path, Path], tmp_path: Path) -> None:
    """7: 10 MB of text once ran for more than 5 minutes (and ignored Ctrl-C)."""
    import time

    segments = [_seg(id=i, start=i, end=i + 1, text="ประชุม " * 1400) for i in range(1000)]  # 10 MB, 10k a line
    path = write_json(tmp_path / "big" / "transcript.json", transcript_data(segments))
    assert path.stat().st_size > 10_000_000
    t0 = time.perf_counter()
    run_bad(["run", str(path), "--out", str(good[1]), "--no-pdf"], good[1], "characters of text in all")
    assert time.perf_counter() - t0 < 30


# --------------------------------------------------------------------------------------------
# 8. meeting.yaml: types and ranges, with the line; 7. the alias bomb

BOMB = (
    "".join(
        f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9 if i else ['x'] * 9)}]\n" for i in range(9)
    )
    + "attendees: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n"
)
BAD_MEETINGS: dict[str, tuple[str, str]] = {
    "alias bomb": (BOMB, "aliases"),
    "alias that contains itself": ("members: &a [*a]\n", "contains itself"),
    "start_time 25.99": ("start_time: 25.99\n", "start_time '25.99'"),
    "start_time 12.75": ("start_time: '12.75'\n", "start_time"),
    "end_time -1.00": ("end_time: '-1.00'\n", "end_time"),
    "start_time text": ("start_time: บ่ายโมง\n", "start_time"),
    "date 2026-02-30": ("date: '2026-02-30'\n", "date"),
    "date 0001-01-01": ("date: '0001-01-01'\n", "date"),
    "date words": ("date: พรุ่งนี้\n", "date"),
    "body a list": ("body: [a, b]\n", "`body` must be text"),
    "venue a mapping": ("venue: {room: 1}\n", "`venue` must be text"),
    "chair a list": ("chair: [a, b]\n", "chair"),
    "member without a name": ("members:\n  - {position: ผู้อำนวยการ}\n", "needs a name"),
    "members a string": ("members: นายก\n", "must be a list"),
    "member name a list": ("members:\n  - {name: [a, b]}\n", "needs a name"),
    "aliases of lists": ("members:\n  - {name: ก, aliases: [[a]]}\n", "aliases"),
    "agenda a mapping": ("agenda: {1: ก}\n", "must be a list"),
    "agenda without a title": ("agenda:\n  - {number: '1'}\n", "needs a title"),
    "agenda entry a list": ("agenda:\n  - [1, ก]\n", "agenda entry"),
    "chat_words a list": ("chat_words: [From]\n", "chat_words"),
    "surrogate in body": ('body: "\\ud800"\n', "U+D800"),
    "NUL in venue": ('venue: "a\\0b"\n', "U+0000"),
    "a body of 6000 characters": ("body: " + "ก" * 6000 + "\n", "characters long"),
    "not YAML": ("body: [unclosed\n", "not valid YAML"),
    "tabs": ("body:\n\t- x\n", "not valid YAML"),
    "a list at the top": ("- body\n- date\n", "key: value"),
    "not UTF-8": ("\udcff", "UTF-8"),
    "2 MB": ("body: x\n" + "# " + "x" * 2_000_000 + "\n", "too large"),
}


@pytest.mark.parametrize("case", list(BAD_MEETINGS))
def test_bad_meeting_yaml_is_one_line(case: str, good: tuple[Path, Path], tmp_path: Path) -> None:
    text, expected = BAD_MEETINGS[case]
    path = tmp_path / "meeting.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    source, out = good
    line = run_bad(["run", str(source), "--meeting", str(path), "--out", str(out), "--no-pdf"], out, expected)
    assert str(path) in line


def test_the_alias_bomb_is_refused_without_growing(tmp_path: Path) -> None:
    """7: a 1 KB meeting.yaml grew to 2.5 GB and ended in MemoryError."""
    import resource

    path = tmp_path / "meeting.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(MinutesError, match="aliases"):
        meeting.load(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB: under 100 MB more


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "meeting.yaml"
    path.write_text("chair: &c {name: นายสมชาย ใจดี}\nmembers:\n  - *c\n", encoding="utf-8")
    assert meeting.load(path).members[0].name == "นายสมชาย ใจดี"


# --------------------------------------------------------------------------------------------
# 7 and 8: files that are not files, cannot be read, or are not what their option takes


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("which", ["transcript", "recording", "meeting", "glossary", "template"])
def test_a_fifo_is_refused_not_read(which: str, good: tuple[Path, Path], tmp_path: Path, tone_m4a: Path) -> None:
    """7: a FIFO given as transcript.json or --meeting hung for ever."""
    source, out = good
    args = {
        "transcript": lambda: ["run", str(_fifo(tmp_path / "transcript.json"))],
        "recording": lambda: ["run", str(_fifo(tmp_path / "meeting.m4a"))],
        "meeting": lambda: ["run", str(source), "--meeting", str(_fifo(tmp_path / "meeting.yaml"))],
        "glossary": lambda: ["run", str(tone_m4a), "--glossary", str(_fifo(tmp_path / "glossary.yaml"))],
        "template": lambda: ["run", str(source), "--templates", str(_templates(tmp_path, fifo=True))],
    }[which]()
    result: list = []
    worker = threading.Thread(target=lambda: result.append(cli.invoke(app, [*args, "--out", str(out), "--no-pdf"])))
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the run hung on the FIFO"
    assert "not a regular file" in one_line(result[0])


def _templates(tmp_path: Path, text: str = "", fifo: bool = False) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    if fifo:
        os.mkfifo(folder / "minutes.md.j2")
    else:
        (folder / "minutes.md.j2").write_text(text, encoding="utf-8")
    return folder


def _deny(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Opening files called `name` raises PermissionError, as for a file of another user (tests run as root)."""
    real = open

    def guarded(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if Path(str(file)).name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(module, "open", guarded, raising=False)


def test_unreadable_meeting_yaml_is_one_line(good: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    source, out = good
    _deny(monkeypatch, meeting, "meeting.yaml")
    line = run_bad(["run", str(source), "--out", str(out), "--no-pdf"], out, "permission denied")
    assert "meeting.yaml" in line


def test_unreadable_glossary_is_one_line(tone_m4a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("terms:\n  - PM2.5\n", encoding="utf-8")
    _deny(monkeypatch, meeting, "glossary.yaml")
    out = tmp_path / "out"
    line = run_bad(["run", str(tone_m4a), "--glossary", str(glossary), "--out", str(out)], out, "permission denied")
    assert "glossary.yaml" in line and not (out / "tone").exists()


def test_glossary_alias_bomb_is_one_line(tone_m4a: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(BOMB.replace("attendees", "terms"), encoding="utf-8")
    out = tmp_path / "out"
    run_bad(["run", str(tone_m4a), "--glossary", str(glossary), "--out", str(out)], out, "aliases")


def test_out_that_is_a_file_is_one_line(good: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("ไม่ใช่โฟลเดอร์", encoding="utf-8")
    run_bad(["run", str(good[0]), "--out", str(target)], tmp_path / "out", "is a file, not a folder")
    assert target.read_text(encoding="utf-8") == "ไม่ใช่โฟลเดอร์"


def test_out_under_a_file_is_one_line(good: tuple[Path, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    run_bad(["run", str(good[0]), "--out", str(blocker / "out")], good[1], "cannot make the output folder")


def test_read_only_out_is_one_line(good: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "readonly"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    real = os.access
    monkeypatch.setattr(runner.os, "access", lambda p, mode: not (Path(p) == out and mode & os.W_OK) and real(p, mode))
    try:
        run_bad(["run", str(good[0]), "--out", str(out)], out, "not writable")
    finally:
        out.chmod(stat.S_IRWXU)


def test_full_disk_is_one_line_and_leaves_no_temporary_file(
    good: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """3: a full disk gave a traceback and left `.minutes.docx.tmp` behind."""
    source, out = good
    folder = out / "good"
    before = snapshot(folder)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner.os, "fsync", full)
    line = one_line(cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--style", "verbatim"]))
    assert "No space left on device" in line and "free some space" in line
    assert snapshot(folder) == before and not list(folder.rglob("*.tmp"))


def test_model_that_is_a_file(tone_m4a: Path, tmp_path: Path) -> None:
    """8: a --model that is a file said 'connect to the internet'."""
    model = tmp_path / "model.bin"
    model.write_bytes(b"\0" * 64)
    line = run_bad(["run", str(tone_m4a), "--model", str(model), "--out", str(tmp_path / "out")], tmp_path / "out")
    assert "is a file" in line and "model folder" in line and "internet" not in line


@pytest.mark.parametrize(
    "args, expected",
    [
        (["render", "{tmp}/nowhere"], "no stored minutes"),
        (["render", "{out}/good", "--style", "poem"], "unknown style"),
        (["render", "{out}/good", "--templates", "{tmp}/no-such-folder"], "no such folder"),
        (["review", "{tmp}", "--static"], "no transcript.json"),
        (["speakers", "{tmp}"], "no stored speakers"),
        (["run", "{src}", "--digits", "roman"], "unknown digits"),
        (["run", "{src}", "--device", "tpu"], "unknown device"),
        (["run", "{src}", "--summary", "magic"], "magic"),
        (["run", "{src}", "--speakers", "magic"], "unknown speaker engine"),
        (["run", "{tmp}/nothing.m4a"], "no such file"),
        (["run", "{src}", "--meeting", "{tmp}"], "is a folder"),
        (["run", "{src}", "--meeting", "{tmp}/none.yaml"], "not found"),
        (["search", "x", "--out", "{tmp}/nothing"], "catalog"),
    ],
)
def test_bad_arguments_are_one_line(args: list[str], expected: str, good: tuple[Path, Path], tmp_path: Path) -> None:
    source, out = good
    filled = [a.format(tmp=tmp_path, out=out, src=source) for a in args]
    if filled[0] == "run":
        filled += ["--out", str(out), "--no-pdf"]
    run_bad(filled, out, expected)


# --------------------------------------------------------------------------------------------
# 7. Templates: sandboxed, within a time limit

BAD_TEMPLATES = {
    "shell through cycler": ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "not allowed"),
    "shell through joiner": ("{{ joiner.__init__.__globals__['os'].system('id') }}", "not allowed"),
    "class walk": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "not allowed"),
    "a list changed": ("{% set x = [] %}{{ x.append(1) }}", "not allowed"),
    "endless loop": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "ran for"),
    "loop over a kept list": (
        "{% set r = range(100000)|list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
        "ran for",
    ),
    "exponential macro": ("{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recursion"),
    "a gigabyte string": ("{{ 'x' * 1000000000 }}", "would make more than"),
    "a huge width": ("{{ 'x'|center(1000000000) }}", "too large"),
    "a huge format": ("{{ '%999999999d' % 1 }}", "format width"),
    "a huge str.format": ("{{ '{:>999999999}'.format(1) }}", "format width"),
    "too much output": ("{% for a in range(100000) %}{{ 'y' * 999999 }}{% endfor %}", "wrote more than"),
    "includes itself": ("{% include 'minutes.md.j2' %}", "recursion"),
    "syntax error": ("{% for %}", "line 1"),
}


@pytest.mark.parametrize("case", list(BAD_TEMPLATES))
def test_hostile_template_is_one_line(
    case: str, good: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, expected = BAD_TEMPLATES[case]
    monkeypatch.setattr(render.jinja, "TEMPLATE_SECONDS", 2.0)
    templates = _templates(tmp_path, text)
    source, out = good
    run_bad(["run", str(source), "--out", str(out), "--no-pdf", "--templates", str(templates)], out, expected)
    run_bad(["render", str(out / "good"), "--templates", str(templates)], out, expected)


def test_a_sandboxed_user_template_still_renders(good: tuple[Path, Path], tmp_path: Path) -> None:
    templates = _templates(tmp_path, "{{ meeting.body }}: {{ doc.items|length }} วาระ {{ '%d' % 3 }}\n")
    result = cli.invoke(app, ["render", str(good[1] / "good"), "--templates", str(templates)])
    assert result.exit_code == 0, result.output
    assert (good[1] / "good" / "minutes.md").read_text(encoding="utf-8") == "คณะทำงานทดสอบ: 2 วาระ 3\n"


# --------------------------------------------------------------------------------------------
# 2. One recording, one output folder


def _tone(path: Path, frequency: int, seconds: float = 2.0, faststart: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = ["-movflags", "+faststart"] if faststart else []
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}", "-c:a", "aac", *extra, str(path))
    return path


def test_two_recordings_of_one_name_never_share_a_folder(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    """2: b/meeting.m4a replaced a/meeting.m4a's minutes and inherited its reviewed resolution."""
    a, b = _tone(tmp_path / "a" / "meeting.m4a", 440), _tone(tmp_path / "b" / "meeting.m4a", 660)
    for folder in (a.parent, b.parent):
        (folder / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    out = tmp_path / "out"
    first = runner.run(a, Options(out=out, pdf=False)).out_dir
    corrections.append(first, {"kind": "resolution", "item": "4", "value": "มติของการประชุม ก"})
    corrections.append(first, {"kind": "reviewed", "value": True, "by": "มาลี"})
    runner.redraft(first)
    a_files = snapshot(first)
    second = runner.run(b, Options(out=out, pdf=False)).out_dir
    assert second != first and second.name.startswith("meeting-")
    assert snapshot(first) == a_files  # A's minutes and corrections untouched
    assert not (second / "corrections.json").exists()
    minutes = json.loads((second / "minutes.json").read_text(encoding="utf-8"))
    assert minutes["reviewed"] is None and "มติของการประชุม ก" not in json.dumps(minutes, ensure_ascii=False)
    # Each goes on to its own folder on every later run.
    assert runner.run(b, Options(out=out, pdf=False)).out_dir == second
    assert runner.run(a, Options(out=out, pdf=False)).out_dir == first


def test_a_folder_of_another_source_refuses_with_the_owner(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    a, b = _tone(tmp_path / "a" / "meeting.m4a", 440), _tone(tmp_path / "b" / "meeting.m4a", 660)
    out = tmp_path / "out"
    first = runner.run(a, Options(out=out, pdf=False)).out_dir
    before = snapshot(first)
    with pytest.raises(MinutesError) as refused:
        runner.run(b, Options(out=out, pdf=False), rec_id=first.name)  # as a batch or a redraft names it
    message = str(refused.value)
    assert str(a.resolve()) in message and "--out" in message and "\n" not in message
    assert snapshot(first) == before
    # Through the CLI: the name and the name with b's hash are both another's.
    (out / "meeting-squatter").mkdir()
    sha = runner.source_sha(runner.discover.find(b))
    squat = out / f"meeting-{sha[:8]}"
    squat.mkdir()
    (squat / "run.json").write_text(json.dumps({"source_path": "/elsewhere/c.m4a", "input_sha256": "0" * 64}))
    line = one_line(cli.invoke(app, ["run", str(b), "--out", str(out), "--no-pdf"]))
    assert "another recording" in line and "--out" in line


def test_zoom_generic_names_take_their_folder_name(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    a = _tone(tmp_path / "2026-03-19 13.30.00 คณะทำงาน ก 81234567890" / "audio_only.m4a", 440)
    b = _tone(tmp_path / "2026-03-26 13.30.00 คณะทำงาน ข 81234567891" / "audio_only.m4a", 660)
    out = tmp_path / "out"
    folders = {runner.run(p, Options(out=out, pdf=False)).out_dir.name for p in (a, b)}
    assert folders == {f"{a.parent.name}-audio_only", f"{b.parent.name}-audio_only"}


def test_a_copy_of_the_same_recording_shares_its_folder(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    a = _tone(tmp_path / "a" / "meeting.m4a", 440)
    copy = tmp_path / "b" / "meeting.m4a"
    copy.parent.mkdir()
    copy.write_bytes(a.read_bytes())
    out = tmp_path / "out"
    assert runner.run(a, Options(out=out, pdf=False)).out_dir == runner.run(copy, Options(out=out, pdf=False)).out_dir


# --------------------------------------------------------------------------------------------
# 3 and 6. Exports as a set; our own files known as ours; hand edits never overwritten


class Killed(BaseException):
    """Stands in for a kill at one point of a run (the real SIGKILL is below)."""


def _kill_at(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    calls = {"n": 0}
    real = os.replace

    def replace(src, dst):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == n:
            raise Killed
        return real(src, dst)

    monkeypatch.setattr(runner.os, "replace", replace)


def _exports(folder: Path) -> dict[str, str]:
    return {k: v for k, v in snapshot(folder).items() if not k.startswith("stages/") and k != "run.json"}


@pytest.mark.parametrize("at", [1, 2, 3, 4, 5, 6, 7])
def test_a_rerender_stopped_between_writes_is_not_done(
    at: int, good: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3: a re-render killed between export writes was 'nothing to redo' ever after, with minutes.md
    and minutes.docx in different styles; with --force our own file was taken for a hand edit."""
    source, out = good
    folder = out / "good"
    reference = tmp_path / "reference"
    assert cli.invoke(app, ["run", str(source), "--out", str(reference), "--no-pdf"]).exit_code == 0
    expected = _exports(reference / "good")
    _kill_at(monkeypatch, at)
    with pytest.raises(Killed):
        runner.render_stored(folder, Options(style="verbatim", pdf=False))
    monkeypatch.undo()
    half_done = _exports(folder) != expected  # stopped after some of the verbatim drafts were in place
    again = cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf"])
    assert again.exit_code == 0 and ("nothing to redo" not in again.output or not half_done)
    assert _exports(folder) == expected  # every draft in one style, no `.new` copy, no temporary file
    forced = cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--force"])
    assert forced.exit_code == 0 and _exports(folder) == expected


def test_leftover_temporary_files_are_cleaned(good: tuple[Path, Path]) -> None:
    source, out = good
    folder = out / "good"
    (folder / ".minutes.docx.tmp").write_bytes(b"half")
    (folder / "stages" / ".minutes.json.123-abcd.tmp").write_bytes(b"half")
    assert cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf"]).exit_code == 0
    assert not list(folder.rglob("*.tmp"))


def test_a_hand_edited_new_file_is_never_overwritten(good: tuple[Path, Path]) -> None:
    """6: hand edits in minutes.new.md were overwritten by the next --force run."""
    source, out = good
    folder = out / "good"
    (folder / "minutes.md").write_text("ฉบับที่ผู้ตรวจแก้\n", encoding="utf-8")
    assert cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--style", "verbatim"]).exit_code == 0
    (folder / "minutes.new.md").write_text("ฉบับใหม่ที่ผู้ตรวจแก้ด้วย\n", encoding="utf-8")
    result = cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--force"])
    assert result.exit_code == 0
    assert (folder / "minutes.md").read_text(encoding="utf-8") == "ฉบับที่ผู้ตรวจแก้\n"
    assert (folder / "minutes.new.md").read_text(encoding="utf-8") == "ฉบับใหม่ที่ผู้ตรวจแก้ด้วย\n"
    assert "รายงานการประชุม" in (folder / "minutes.new-2.md").read_text(encoding="utf-8")


def test_an_unreadable_manifest_does_not_send_every_export_aside(good: tuple[Path, Path]) -> None:
    """4: an unreadable manifest sent every later export to *.new.* for ever."""
    source, out = good
    folder = out / "good"
    (folder / "stages" / "manifest.json").write_text("{not json", encoding="utf-8")
    assert cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--style", "verbatim"]).exit_code == 0
    assert not list(folder.glob("*.new*"))
    assert "ผู้พูด" in (folder / "minutes.md").read_text(encoding="utf-8") or (folder / "minutes.md").is_file()


def test_minutes_docx_open_in_word(good: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: os.replace onto minutes.docx raises PermissionError on Windows while Word has it open."""
    source, out = good
    folder = out / "good"
    docx_before = (folder / "minutes.docx").read_bytes()
    real = os.replace

    def word_has_it(src, dst):  # noqa: ANN001, ANN202
        if Path(dst).name == "minutes.docx":
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real(src, dst)

    monkeypatch.setattr(runner.os, "replace", word_has_it)
    line = one_line(cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--style", "verbatim"]))
    assert "close minutes.docx and run again" in line and "minutes.new.docx" in line
    assert (folder / "minutes.docx").read_bytes() == docx_before
    assert (folder / "minutes.new.docx").is_file() and not list(folder.rglob("*.tmp"))
    monkeypatch.undo()  # Word closed
    result = cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf", "--style", "verbatim"])
    assert result.exit_code == 0 and "nothing to redo" not in result.output
    assert (folder / "minutes.docx").read_bytes() != docx_before
    assert not (folder / "minutes.new.docx").exists()  # our own draft beside it, no longer needed


# --------------------------------------------------------------------------------------------
# 4. Corrupted caches are computed again; partial input is said


@pytest.mark.parametrize(
    "damage",
    ["empty object", "truncated", "edited value", "not UTF-8", "a list", "deleted"],
)
def test_a_damaged_stage_file_is_computed_again(damage: str, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    """4: `{}` in speakers.json wrote empty minutes over good ones; a truncated one was a traceback."""
    recording = _tone(tmp_path / "rec" / "meeting.m4a", 440, 34)
    (recording.parent / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    out = tmp_path / "out"
    folder = runner.run(recording, Options(out=out, pdf=False)).out_dir
    good_exports = _exports(folder)
    path = folder / "stages" / "speakers.json"
    text = path.read_text(encoding="utf-8")
    if damage == "edited value":
        data = json.loads(text)
        data["segments"][0]["text"] = "ข้อความที่มีคนแก้ในแคช"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        {
            "empty object": lambda: path.write_text("{}", encoding="utf-8"),
            "truncated": lambda: path.write_text(text[: len(text) // 2], encoding="utf-8"),
            "not UTF-8": lambda: path.write_bytes(b"\xff\xfe" + text.encode()),
            "a list": lambda: path.write_text("[]", encoding="utf-8"),
            "deleted": lambda: path.unlink(),
        }[damage]()
    result = runner.run(recording, Options(out=out, pdf=False, style="verbatim"))
    assert not result.stages["speakers"]["cached"] and fake_engine.calls == 1  # from the cached text stage
    runner.run(recording, Options(out=out, pdf=False))
    assert _exports(folder) == good_exports
    json.loads(path.read_text(encoding="utf-8"))


def test_a_damaged_stage_file_is_one_line_for_render_and_review(good: tuple[Path, Path]) -> None:
    folder = good[1] / "good"
    (folder / "stages" / "minutes.json").write_text("{}", encoding="utf-8")
    assert "changed or damaged" in run_bad(["render", str(folder)], good[1])
    assert "changed or damaged" in run_bad(["review", str(folder), "--static"], good[1])


def test_a_half_copied_recording_is_said(tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    """4: a half-copied m4a decoded 13.1 of 26.8 s, exited 0 and left no note for the reviewer."""
    whole = _tone(tmp_path / "whole.m4a", 440, 26.8, faststart=True)
    half = tmp_path / "rec" / "meeting.m4a"
    half.parent.mkdir()
    half.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    result = cli.invoke(app, ["run", str(half), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "meeting"
    note = [n for n in json.loads((folder / "minutes.json").read_text(encoding="utf-8"))["notes"] if "meeting.m4a" in n]
    assert note and "ขาดไป" in note[0]
    assert "ขาดไป" in (folder / "minutes.md").read_text(encoding="utf-8")
    warned = runner._shortfalls([str(half)], [json.loads((folder / "stages" / "audio.json").read_text())["duration"]])
    assert warned and warned[0]["missing"] > 5 and warned[0]["container"] == pytest.approx(26.8, abs=0.2)


def test_a_whole_recording_gets_no_such_note(tone_m4a: Path, tmp_path: Path, fake_engine) -> None:  # noqa: ANN001
    folder = runner.run(tone_m4a, Options(out=tmp_path / "out", pdf=False)).out_dir
    assert not json.loads((folder / "stages" / "manifest.json").read_text(encoding="utf-8")).get("short")


# --------------------------------------------------------------------------------------------
# 5. A lock per output folder


def test_a_second_run_on_the_same_folder_refuses(good: tuple[Path, Path]) -> None:
    """5: two runs at once collided on shared temporary names; one's cleanup deleted the other's files."""
    source, out = good
    folder = out / "good"
    before = snapshot(folder)
    with runner.locked(folder / runner.LOCK, "held by the test"):
        line = run_bad(["run", str(source), "--out", str(out), "--no-pdf", "--force"], out)
        assert "another `minutes` run is writing this folder" in line
        assert "a `minutes` run is writing" in run_bad(["render", str(folder), "--style", "verbatim"], out)
    assert snapshot(folder) == before


def test_a_second_first_run_does_not_delete_the_first(tmp_path: Path) -> None:
    """A first run refused by the lock must not clean up the folder the running one is writing."""
    source = write_json(tmp_path / "good" / "transcript.json", transcript_data())
    out = tmp_path / "out"
    folder = out / "good"
    with runner.locked(folder / runner.LOCK, "held"):
        (folder / "minutes.md").write_text("กำลังเขียน", encoding="utf-8")
        one_line(cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf"]))
        assert (folder / "minutes.md").read_text(encoding="utf-8") == "กำลังเขียน"


def test_the_lock_goes_with_a_killed_process(good: tuple[Path, Path]) -> None:
    """A run killed with SIGKILL leaves no stale lock: the next one goes ahead."""
    folder = good[1] / "good"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from pipeline import runner; import time\n"
            f"with runner.locked(Path({str(folder / runner.LOCK)!r}), 'x'):\n"
            " print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(runner.Busy):
            with runner.locked(folder / runner.LOCK, "busy"):
                pass
        holder.kill()
        holder.wait(10)
        with runner.locked(folder / runner.LOCK, "busy", wait=5):
            pass
    finally:
        holder.kill()


def test_two_runs_at_once_one_refused_the_other_whole(good: tuple[Path, Path], tmp_path: Path) -> None:
    source, out = good
    reference = tmp_path / "reference"
    args = ["--no-pdf", "--style", "verbatim"]
    assert cli.invoke(app, ["run", str(source), "--out", str(reference), *args]).exit_code == 0
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "run",
                str(source),
                "--out",
                str(out),
                "--no-pdf",
                "--style",
                "verbatim",
                "--force",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(p.wait(120), p.stderr.read()) for p in procs]
    assert all(code in (0, 2) for code, _ in results) and any(code == 0 for code, _ in results), results
    for code, err in results:
        if code == 2:
            assert [line for line in err.splitlines() if line.startswith("error:")] == [err.strip().splitlines()[-1]]
            assert "another `minutes` run" in err and "Traceback" not in err
    assert _exports(out / "good") == _exports(reference / "good")


# --------------------------------------------------------------------------------------------
# 3 (What it must show, 2): a real SIGKILL at each of 10 points, then a rerun: the same bytes

KILLER = """
import os, signal, sys
from pathlib import Path
from pipeline import runner, transcribe
from tests.conftest import FakeEngine
transcribe.ENGINES["faster-whisper"] = FakeEngine
transcribe.model_identity = lambda name: "fake:" + name
n, real, count = int(sys.argv[1]), os.replace, [0]
def replace(src, dst):
    count[0] += 1
    if count[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
runner.os.replace = replace
if sys.argv[2] == "run":
    runner.run(sys.argv[3], runner.Options(out=Path(sys.argv[4]), pdf=False))
else:
    runner.render_stored(sys.argv[3], runner.Options(style="verbatim", pdf=False))
"""


def _meaningful(folder: Path) -> dict[str, str]:
    """Every file but run.json (clock times) and the manifest (stage seconds; its keys compared apart)."""
    files = {k: v for k, v in snapshot(folder).items() if k not in ("run.json", "stages/manifest.json")}
    manifest = json.loads((folder / "stages" / "manifest.json").read_text(encoding="utf-8"))
    files["keys"] = json.dumps({k: v["key"] for k, v in manifest["stages"].items()}, sort_keys=True)
    files["exports"] = json.dumps(manifest["exports"], sort_keys=True)
    return files


# (the os.replace a first run is killed at, the one a re-render is killed at): a first run renames 25
# files (audio.wav, each stage, the manifest after each, the exports, run.json), a re-render 8
# (manifest, minutes.json, .md, .html, .docx, manifest): every stage and every gap between exports.
KILL_POINTS = [(1, 1), (5, 2), (9, 3), (11, 4), (14, 5), (16, 6), (19, 7), (21, 8), (24, 4), (25, 5)]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("point, render_point", KILL_POINTS)
def test_sigkill_at_a_point_then_rerun_gives_the_same_bytes(
    point: int,
    render_point: int,
    tmp_path: Path,
    fake_engine,  # noqa: ANN001
) -> None:
    recording = _tone(tmp_path / "rec" / "meeting.m4a", 440, 34)
    (recording.parent / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    reference = runner.run(recording, Options(out=tmp_path / "reference", pdf=False)).out_dir
    out = tmp_path / "out"
    # A first run killed at `point`, then a re-render of a finished folder killed at the same point.
    for at, args in ((point, ["run", str(recording), str(out)]), (render_point, ["render", str(reference)])):
        killed = subprocess.run([sys.executable, "-c", KILLER, str(at), *args], cwd=ROOT, capture_output=True)
        assert killed.returncode == -9, killed.stderr.decode()[-2000:]  # killed there, not finished
    runner.run(recording, Options(out=out, pdf=False))
    result = runner.run(recording, Options(out=tmp_path / "reference", pdf=False))  # the re-rendered one, rerun
    assert all(s["cached"] for name, s in result.stages.items() if name != "render")
    fresh = runner.run(recording, Options(out=tmp_path / "fresh", pdf=False)).out_dir
    for folder in (out / "meeting", reference):
        assert not list(folder.glob("*.new*")) and not list(folder.rglob("*.tmp"))
        assert _meaningful(folder) == _meaningful(fresh)


class _WindowsOs:
    """The os module as the folder lock (pipeline.store) sees it on Windows: only `name` differs."""

    name = "nt"

    def __getattr__(self, attr: str) -> object:
        return getattr(os, attr)


class _FakeMsvcrt:
    """msvcrt.locking's contract (LK_NBLCK raises OSError when another handle holds the byte),
    played with flock so that two handles in one process contend, as on Windows."""

    LK_UNLCK, LK_NBLCK = 0, 2
    calls: list[tuple[int, int]] = []

    @classmethod
    def locking(cls, fd: int, mode: int, nbytes: int) -> None:
        import fcntl

        cls.calls.append((mode, nbytes))
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if mode == cls.LK_NBLCK else fcntl.LOCK_UN)


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real msvcrt is used")
def test_the_folder_lock_on_windows(good: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """5: 'works on Windows too': the msvcrt branch, with a stand-in for msvcrt."""
    monkeypatch.setattr(store, "os", _WindowsOs())
    monkeypatch.setitem(sys.modules, "msvcrt", _FakeMsvcrt)
    source, out = good
    folder = out / "good"
    with runner.locked(folder / runner.LOCK, "held by the test"):
        line = run_bad(["run", str(source), "--out", str(out), "--no-pdf", "--force"], out)
        assert "another `minutes` run is writing this folder" in line
    assert cli.invoke(app, ["run", str(source), "--out", str(out), "--no-pdf"]).exit_code == 0
    assert (_FakeMsvcrt.LK_NBLCK, 1) in _FakeMsvcrt.calls and (_FakeMsvcrt.LK_UNLCK, 1) in _FakeMsvcrt.calls


def test_a_half_copied_recording_warns_with_the_seconds(
    tmp_path: Path,
    fake_engine,
    caplog: pytest.LogCaptureFixture,  # noqa: ANN001
) -> None:
    whole = _tone(tmp_path / "whole.m4a", 440, 26.8, faststart=True)
    half = tmp_path / "rec" / "meeting.m4a"
    half.parent.mkdir()
    half.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with caplog.at_level("WARNING", logger="minutes"):
        runner.run(half, Options(out=tmp_path / "out", pdf=False))
    (line,) = [r.getMessage() for r in caplog.records if "container gives" in r.getMessage()]
    assert str(half) in line and "s are missing" in line and "of the 26.8 s" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_inspect_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "transcript.json")
    assert "not a regular file" in run_bad(["inspect", str(fifo)], tmp_path / "out")


def test_an_older_folder_last_drafted_from_its_transcript_is_still_the_recordings(
    tmp_path: Path,
    fake_engine,  # noqa: ANN001
) -> None:
    """A folder made before owners were recorded, whose run.json names its own transcript.json, is
    not taken for another recording's: the recording goes on in it."""
    recording = _tone(tmp_path / "rec" / "meeting.m4a", 440)
    out = tmp_path / "out"
    folder = runner.run(recording, Options(out=out, pdf=False)).out_dir
    for name in ("manifest.json", "exports.json"):
        path = folder / "stages" / name
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("owner", None)
        path.write_text(json.dumps(data), encoding="utf-8")
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    info.update(source_path=str(folder / "transcript.json"), input_sha256="f" * 64)
    (folder / "run.json").write_text(json.dumps(info), encoding="utf-8")
    assert runner.run(recording, Options(out=out, pdf=False)).out_dir == folder
