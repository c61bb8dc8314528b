"""Issue 15, 1: the review server and corrections.json under malformed, hostile and concurrent edits.

Through the real local server over HTTP (no browser): every malformed edit is refused before it is
stored, a bad entry already on disk is set aside with a note (never fatal), and 200 valid edits
sent at once are each stored exactly once while 50 malformed ones among them are stored not at all.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import corrections, review, runner
from pipeline.cli import app
from pipeline.runner import Options
from tests.test_hostile import MEETING, snapshot, transcript_data, write_json

cli = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A drafted output folder (from a transcript.json, no PDF: redrafts take a fraction of a second)."""
    source = write_json(tmp_path / "ประชุม" / "transcript.json", transcript_data())
    (source.parent / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    return runner.run(source, Options(out=tmp_path / "out", pdf=False)).out_dir


@pytest.fixture
def port(folder: Path) -> Iterator[int]:
    server = review.make_server(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def post(port: int, body: bytes | str | object, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    if not isinstance(body, bytes | str):
        body = json.dumps(body, ensure_ascii=False)
    data = body.encode("utf-8", errors="surrogatepass") if isinstance(body, str) else body
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.putrequest("POST", "/api/edit")
        sent = {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
        for key, value in sent.items():
            if value is not None:
                conn.putheader(key, value)
        conn.endheaders()
        try:
            conn.send(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a refused body is not read to its end
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def usable(folder: Path, port: int | None = None) -> None:
    """run, render and review all still work on the folder."""
    assert cli.invoke(app, ["render", str(folder)]).exit_code == 0
    assert cli.invoke(app, ["review", str(folder), "--static"]).exit_code == 0
    info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert cli.invoke(app, ["run", info["source_path"], "--out", str(folder.parent), "--no-pdf"]).exit_code == 0
    if port is not None:
        assert get(port, "/") == 200 and get(port, "/api/data") == 200


def test_the_issue_reproduction(folder: Path, port: int) -> None:
    """curl -d '{"kind":"text","segment":0,"before":[1],"value":"x"}' .../api/edit, then `minutes render OUT`
    gave `TypeError: unhashable type: 'list'`; the edit had been stored although the answer was 400."""
    status, body = post(port, '{"kind":"text","segment":0,"before":[1],"value":"x"}')
    assert status == 400 and b"before" in body
    assert not (folder / "corrections.json").exists()
    result = cli.invoke(app, ["render", str(folder)])
    assert result.exit_code == 0, result.output
    usable(folder, port)


MALFORMED: dict[str, object] = {
    "before a list": {"kind": "text", "segment": 0, "before": [1], "value": "x"},
    "before an object": {"kind": "text", "segment": 0, "before": {"a": 1}, "value": "x"},
    "value a list": {"kind": "text", "segment": 0, "value": ["x"]},
    "value a number": {"kind": "text", "segment": 0, "value": 3},
    "value missing": {"kind": "text", "segment": 0},
    "segment text": {"kind": "text", "segment": "0", "value": "x"},
    "segment a list": {"kind": "text", "segment": [0], "value": "x"},
    "segment negative": {"kind": "text", "segment": -1, "value": "x"},
    "segment true": {"kind": "text", "segment": True, "value": "x"},
    "segment unknown": {"kind": "text", "segment": 999, "value": "x"},
    "segment 1e300": {"kind": "text", "segment": 1e300, "value": "x"},
    "start NaN": '{"kind": "text", "segment": 0, "value": "x", "start": NaN}',
    "start Infinity": '{"kind": "text", "segment": 0, "value": "x", "start": Infinity}',
    "start negative": {"kind": "text", "segment": 0, "value": "x", "start": -4},
    "start text": {"kind": "text", "segment": 0, "value": "x", "start": "0.5"},
    "unpaired surrogate": '{"kind": "text", "segment": 0, "value": "\\ud800"}',
    "NUL in value": {"kind": "text", "segment": 0, "value": "a\u0000b"},
    "text of 25000 characters": {"kind": "text", "segment": 0, "value": "ก" * 25_000},
    "speaker a list": {"kind": "speaker", "segment": 0, "value": ["ก"]},
    "speaker without segment": {"kind": "speaker", "value": "ก"},
    "rename without before": {"kind": "rename", "value": "ก"},
    "rename from a list": {"kind": "rename", "before": ["ประธาน"], "value": "ก"},
    "rename of nobody": {"kind": "rename", "before": "ไม่มีคนนี้", "value": "ก"},
    "move to no item": {"kind": "move", "segment": 0, "item": "9.9"},
    "move with a value": {"kind": "move", "segment": 0, "item": "4", "value": "x"},
    "item a number": {"kind": "resolution", "item": 4, "value": "x"},
    "resolution to no item": {"kind": "resolution", "item": "77", "value": "x"},
    "resolution a list": {"kind": "resolution", "item": "4", "value": ["x"]},
    "action value a string": {"kind": "action", "item": "4", "value": "ทำแผน"},
    "action unknown field": {"kind": "action", "item": "4", "value": {"task": "x", "__class__": "y"}},
    "action without task": {"kind": "action", "item": "4", "value": {"assignee": "ก"}},
    "action index out of range": {"kind": "action", "item": "1", "index": 50, "value": {"task": "x"}},
    "action index text": {"kind": "action", "item": "4", "index": "0", "value": {"task": "x"}},
    "action due not a date": {"kind": "action", "item": "4", "value": {"task": "x", "due": "พรุ่งนี้"}},
    "action segment_ids text": {"kind": "action", "item": "4", "value": {"task": "x", "segment_ids": "1,2"}},
    "reviewed a string": {"kind": "reviewed", "value": "yes"},
    "reviewed null": {"kind": "reviewed", "value": None},
    "kind unknown": {"kind": "delete", "segment": 0},
    "kind a list": {"kind": ["text"], "segment": 0, "value": "x"},
    "kind missing": {"segment": 0, "value": "x"},
    "unknown field": {"kind": "reviewed", "value": True, "admin": True},
    "by a number": {"kind": "reviewed", "value": True, "by": 5},
    "at not a time": {"kind": "reviewed", "value": True, "at": "เมื่อวาน"},
    "a list": [{"kind": "reviewed", "value": True}],
    "a string": '"reviewed"',
    "null": "null",
    "not JSON": "{kind: text",
    "not UTF-8": b'{"kind": "text", "value": "\xff"}',
    "nested 100000 deep": "[" * 100_000 + "]" * 100_000,
    "empty body": b"",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_edit_is_refused_and_nothing_stored(case: str, folder: Path, port: int) -> None:
    before = snapshot(folder)
    status, body = post(port, MALFORMED[case])
    assert status == 400, (status, body)
    assert body and b"Traceback" not in body and len(body.decode("utf-8", errors="replace").splitlines()) == 1
    assert snapshot(folder) == before
    assert get(port, "/api/data") == 200


@pytest.mark.parametrize(
    "body, headers, expected",
    [
        (b"x" * (10 * 1024 * 1024), {}, 413),  # a 10 MB body was stored as well
        (b'{"kind": "reviewed", "value": true}', {"Content-Length": None}, 411),
        (b'{"kind": "reviewed", "value": true}', {"Content-Length": "abc"}, 400),
        (b'{"kind": "reviewed", "value": true}', {"Content-Length": "-5"}, 400),
        (b'{"kind": "reviewed", "value": true}', {"Content-Length": "99999999999"}, 413),
    ],
)
def test_body_limits(body: bytes, headers: dict, expected: int, folder: Path, port: int) -> None:
    before = snapshot(folder)
    status, _ = post(port, body, headers)
    assert status == expected
    assert snapshot(folder) == before and get(port, "/api/data") == 200


def test_a_valid_edit_is_stored_and_applied(folder: Path, port: int) -> None:
    status, body = post(port, {"kind": "resolution", "item": "4", "value": "ที่ประชุมเห็นชอบตามแผน", "by": "มาลี"})
    assert status == 200, body
    edits = json.loads((folder / "corrections.json").read_text(encoding="utf-8"))["edits"]
    assert [e["value"] for e in edits] == ["ที่ประชุมเห็นชอบตามแผน"]
    assert "ที่ประชุมเห็นชอบตามแผน" in (folder / "minutes.md").read_text(encoding="utf-8")


def _hand_written(folder: Path) -> None:
    """corrections.json as an older tool or a text editor left it: one good edit among bad ones."""
    (folder / "corrections.json").write_text(
        json.dumps(
            {
                "edits": [
                    {"kind": "text", "segment": 0, "before": [1], "value": "x"},
                    {"kind": "resolution", "item": "4", "value": "มติที่ผู้ตรวจเขียน"},
                    {"kind": "action", "item": "4", "value": {"task": "x", "evil": 1}},
                    "ไม่ใช่การแก้ไข",
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def test_a_bad_entry_on_disk_is_set_aside_with_a_note(folder: Path, port: int) -> None:
    """The issue: after one bad line, run, render and review all failed with a traceback, for good."""
    _hand_written(folder)
    usable(folder, port)
    markdown = (folder / "minutes.md").read_text(encoding="utf-8")
    assert "มติที่ผู้ตรวจเขียน" in markdown  # the good edit still applies
    assert "การแก้ไขของผู้ตรวจ 3 รายการอ่านไม่ได้" in markdown  # the reviewer is told of the others
    page = json.loads(_get_body(port, "/api/data"))
    assert [r["reason"].split(":")[0] for r in page["rejected"]] == ["edit 1", "edit 3", "edit 4"]
    # The next stored edit moves them to a file of their own: corrections.json holds only edits.
    assert post(port, {"kind": "reviewed", "value": True})[0] == 200
    stored = json.loads((folder / "corrections.json").read_text(encoding="utf-8"))["edits"]
    assert [e["kind"] for e in stored] == ["resolution", "reviewed"]
    (aside,) = folder.glob("corrections.rejected-*.json")
    kept = json.loads(aside.read_text(encoding="utf-8"))["rejected"]
    assert [r["raw"] for r in kept][1] == {"kind": "action", "item": "4", "value": {"task": "x", "evil": 1}}
    assert len(json.loads(_get_body(port, "/api/data"))["rejected"]) == 3  # still shown
    usable(folder, port)


def test_an_unreadable_corrections_file_is_kept_as_it_is(folder: Path, port: int) -> None:
    broken = b'{"edits": [{"kind": "resolution", "item": "4", "val'
    (folder / "corrections.json").write_bytes(broken)
    usable(folder, port)
    assert "อ่านไม่ได้" in (folder / "minutes.md").read_text(encoding="utf-8")
    assert post(port, {"kind": "reviewed", "value": True})[0] == 200
    (kept,) = folder.glob("corrections.unreadable-*.json")
    assert kept.read_bytes() == broken  # nothing lost
    assert json.loads((folder / "corrections.json").read_text(encoding="utf-8"))["edits"][0]["kind"] == "reviewed"


def _get_body(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        return conn.getresponse().read()
    finally:
        conn.close()


def test_200_concurrent_edits_stored_once_and_50_malformed_none(folder: Path, port: int) -> None:
    segments = len(transcript_data()["segments"])
    valid = [
        {"kind": "text", "segment": i % segments, "value": f"ข้อความที่ {i}", "by": f"ผู้ตรวจ {i}"}
        if i % 2
        else {"kind": "resolution", "item": ("1", "4")[i % 4 // 2], "value": f"มติที่ {i}", "by": f"ผู้ตรวจ {i}"}
        for i in range(200)
    ]
    malformed = [list(MALFORMED.values())[i % len(MALFORMED)] for i in range(50)]
    jobs = [("valid", e) for e in valid] + [("bad", e) for e in malformed]
    jobs = jobs[::2] + jobs[1::2]  # valid and malformed interleaved
    barrier = threading.Barrier(50)

    def send(job: tuple[str, object]) -> tuple[str, int]:
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return job[0], post(port, job[1])[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(send, jobs))
    assert sorted(s for kind, s in results if kind == "valid") == [200] * 200
    assert all(s == 400 for kind, s in results if kind == "bad")
    stored = corrections.load(folder)
    assert not stored.rejected
    assert sorted(e.by for e in stored.edits) == sorted(f"ผู้ตรวจ {i}" for i in range(200))  # each exactly once
    raw = json.loads((folder / "corrections.json").read_text(encoding="utf-8"))["edits"]
    assert len(raw) == 200
    # The folder stays usable, and the drafts hold the last resolution stored for each item.
    usable(folder, port)
    minutes = json.loads((folder / "minutes.json").read_text(encoding="utf-8"))
    last = {e.item: e.value for e in stored.edits if e.kind == "resolution"}
    assert {i["number"]: i["resolution"] for i in minutes["agenda"]} == last
