"""The llm minutes engine through its real HTTP client, against a local OpenAI-compatible endpoint.

The endpoint here is a real HTTP server on 127.0.0.1 whose "model" is a function returning the
reply a test needs: it exercises the request, the response formats, the parsing and, above all,
the source check that accepts or refuses each claim. tests/test_llm_server.py runs the same
engine against llama-cpp-python's server with a real GGUF model (when that extra is installed).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline import minutes as summarize
from pipeline.cli import app
from pipeline.errors import MinutesError
from pipeline.minutes import llm
from pipeline.types import Minutes, Transcript, load
from tests import recall

Reply = Callable[[dict[str, Any]], tuple[int, str]]  # request body -> (HTTP status, message content)


class Endpoint:
    """A local OpenAI-compatible /v1/chat/completions that answers with `reply`."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                endpoint.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, content = endpoint.reply(body)
                answer = (
                    {"choices": [{"message": {"role": "assistant", "content": content}}]}
                    if status == 200
                    else {"error": {"message": content}}
                )
                data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Reply], Endpoint]]:
    started: list[Endpoint] = []

    def start(reply: Reply) -> Endpoint:
        e = Endpoint(reply)
        started.append(e)
        monkeypatch.setenv("MINUTES_LLM_URL", e.url)
        monkeypatch.setenv("MINUTES_LLM_MODEL", "test-model")
        monkeypatch.setenv("MINUTES_LLM_API_KEY", "secret-key")
        return e

    yield start
    for e in started:
        e.close()


def _lines(body: dict[str, Any]) -> dict[int, str]:
    """The transcript lines of the asked item: id -> text."""
    lines = {}
    for line in body["messages"][1]["content"].splitlines():
        if line.startswith("["):
            number, _, rest = line[1:].partition("] ")
            lines[int(number)] = rest.split(") ", 1)[1] if rest.startswith("(") else rest
    return lines


def _title(body: dict[str, Any]) -> str:
    return body["messages"][1]["content"].splitlines()[0]


def _informal() -> tuple[Transcript, Any]:
    return recall.transcript("informal"), recall.meeting("informal")


# What a good model writes for item 5 of the informal meeting (segments 12-17), in written Thai.
GOOD_ITEM_5 = {
    "points": [
        {"text": "ควรเริ่มนำร่องธนาคารขยะที่ชุมชนบ้านหนองบัวก่อน เพราะมีอาสาสมัครพร้อมอยู่แล้ว", "segment_ids": [13]},
        {"text": "ควรมีการอบรมการคัดแยกขยะให้ชาวบ้านก่อนเริ่มธนาคารขยะ", "segment_ids": [14]},
    ],
    "resolution": {"text": "ที่ประชุมเห็นชอบตามนี้ ให้นำร่องที่ชุมชนบ้านหนองบัว", "segment_ids": [15]},
    "actions": [
        {"assignee": "กองสาธารณสุข", "task": "จัดทำแผนการอบรมเสนอที่ประชุมครั้งหน้า", "due": "2026-04-30", "segment_ids": [16]},
    ],
}
EMPTY = {"points": [], "resolution": None, "actions": []}


def _for_item(number: str, answer: dict[str, Any]) -> Reply:
    """A model that answers `answer` for item `number` and nothing for the others."""
    return lambda body: (200, json.dumps(answer if f"วาระที่ {number} " in _title(body) else EMPTY, ensure_ascii=False))


def test_a_good_answer_passes_the_check(endpoint) -> None:  # noqa: ANN001
    server = endpoint(_for_item("5", GOOD_ITEM_5))
    transcript, meeting = _informal()
    minutes = summarize.run(transcript, meeting, "llm")
    item = {i.number: i for i in minutes.agenda}["5"]
    assert item.resolution == "ที่ประชุมเห็นชอบตามนี้ให้นำร่องที่ชุมชนบ้านหนองบัว"
    assert item.resolution_segment_ids == [15]
    said = {s.id: s for s in transcript.segments}
    assert (item.resolution_start, item.resolution_end) == (said[15].start, said[15].end)
    (action,) = item.actions
    assert (action.assignee, action.due, action.segment_ids) == ("กองสาธารณสุข", "2026-04-30", [16])
    assert [p.text for p in item.discussion] == [p["text"] for p in GOOD_ITEM_5["points"]]
    assert [p.speaker for p in item.discussion] == ["SPEAKER_03", "SPEAKER_02"]  # from the segments
    assert item.summary.startswith("ควรเริ่มนำร่อง")
    assert not [n for n in item.notes if "แบบจำลองภาษา" in n]
    assert minutes.engine == "llm (test-model)"
    # The request: one per item heard, the item's lines with ids and speakers, JSON asked for.
    assert len(server.requests) == len([i for i in minutes.agenda if i.found and i.segment_ids])
    request = next(r for r in server.requests if "วาระที่ 5 " in _title(r["body"]))
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer secret-key"
    assert request["body"]["model"] == "test-model" and request["body"]["temperature"] == 0
    assert request["body"]["response_format"]["type"] == "json_schema"
    assert "[15] (SPEAKER_00) ค่ะ ถ้าอย่างนั้น เห็นชอบตามนี้นะคะ" in request["body"]["messages"][1]["content"]
    assert set(_lines(request["body"])) == {12, 13, 14, 15, 16, 17}


def test_invented_claims_are_refused_with_a_reason(endpoint) -> None:  # noqa: ANN001
    invented = {
        "points": [
            {"text": "ที่ประชุมอนุมัติงบประมาณ 2 ล้านบาท สำหรับธนาคารขยะ", "segment_ids": [13]},  # a number not said
            {"text": "The meeting agreed to start a waste bank.", "segment_ids": [13]},  # not Thai
            {"text": "ควรมีการอบรมการคัดแยกขยะให้ชาวบ้าน", "segment_ids": [99]},  # not this item's line
        ],
        "resolution": {"text": "ที่ประชุมอนุมัติงบประมาณจัดตั้งธนาคารขยะ", "segment_ids": [15]},  # not said
        "actions": [
            {"assignee": "กองช่าง", "task": "จัดทำแผนการอบรม", "due": None, "segment_ids": [16]},  # wrong unit
            {"assignee": "กองสาธารณสุข", "task": "จัดทำแผนการอบรม", "due": "2026-05-01", "segment_ids": [16]},
        ],
    }
    endpoint(_for_item("5", invented))
    transcript, meeting = _informal()
    rules = {i.number: i for i in summarize.run(transcript, meeting, "rules").agenda}["5"]
    item = {i.number: i for i in summarize.run(transcript, meeting, "llm").agenda}["5"]
    notes = [n for n in item.notes if n.startswith("แบบจำลองภาษาเสนอ")]
    assert len(notes) == 6, notes
    assert any("ตัวเลขที่ไม่ได้ยินในช่วงที่อ้าง: 2" in n for n in notes)
    assert any("ไม่ได้เขียนเป็นภาษาไทย" in n for n in notes)
    assert any("อ้างช่วงที่ไม่อยู่ในวาระนี้: 99" in n for n in notes)
    assert any(n.startswith('แบบจำลองภาษาเสนอมติ "ที่ประชุมอนุมัติงบประมาณ') and "ไม่ได้ยินคำว่า" in n for n in notes)
    assert any("กองช่าง" in n and "ไม่ได้ยินคำว่า" in n for n in notes)
    assert any("ไม่ได้ยินวันที่ 2026-05-01" in n for n in notes)
    # What stands: the rules' checked resolution and points, and the action without the unsaid date.
    assert (item.resolution, item.resolution_segment_ids) == (rules.resolution, rules.resolution_segment_ids)
    assert item.discussion == rules.discussion
    assert [(a.assignee, a.task, a.due) for a in item.actions] == [("กองสาธารณสุข", "จัดทำแผนการอบรม", None)]
    for claim in [item.resolution] + [f"{a.assignee} {a.task}" for a in item.actions]:
        assert "อนุมัติงบประมาณ" not in claim and "กองช่าง" not in claim


def test_an_unreadable_answer_refuses_the_item_and_keeps_the_rules(endpoint) -> None:  # noqa: ANN001
    endpoint(lambda body: (200, "ขออภัย ฉันไม่สามารถสรุปได้"))
    transcript, meeting = _informal()
    rules = summarize.run(transcript, meeting, "rules")
    minutes = summarize.run(transcript, meeting, "llm")
    for got, want in zip(minutes.agenda, rules.agenda, strict=True):
        assert (got.resolution, got.actions, got.discussion) == (want.resolution, want.actions, want.discussion)
        if got.found and got.segment_ids:
            assert any("คำตอบไม่ใช่ JSON" in n for n in got.notes)


def test_a_server_without_json_schema_gets_json_object(endpoint) -> None:  # noqa: ANN001
    def reply(body: dict[str, Any]) -> tuple[int, str]:
        if body.get("response_format", {}).get("type") == "json_schema":
            return 422, "response_format.type: Input should be 'text' or 'json_object'"
        assert body["response_format"] == {"type": "json_object", "schema": llm.SCHEMA}
        return 200, "```json\n" + json.dumps(EMPTY) + "\n```"  # fenced, as small models do

    server = endpoint(reply)
    transcript, meeting = _informal()
    summarize.run(transcript, meeting, "llm")
    kinds = [r["body"]["response_format"]["type"] for r in server.requests]
    assert kinds[:2] == ["json_schema", "json_object"]
    assert kinds[2:] == ["json_object"] * (len(kinds) - 2)  # remembered: not asked again


def test_a_server_error_for_one_item_is_a_note(endpoint) -> None:  # noqa: ANN001
    endpoint(lambda body: (500, "out of memory") if "วาระที่ 4 " in _title(body) else (200, json.dumps(EMPTY)))
    minutes = summarize.run(*_informal(), "llm")
    item = {i.number: i for i in minutes.agenda}["4"]
    assert any("เซิร์ฟเวอร์ตอบผิดพลาด: 500" in n and "out of memory" in n for n in item.notes)


def test_no_server_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTES_LLM_URL", "http://127.0.0.1:9/v1")  # the discard port: nothing listens
    with pytest.raises(MinutesError) as error:
        summarize.run(*_informal(), "llm")
    message = str(error.value)
    assert message.startswith("cannot reach the LLM server at http://127.0.0.1:9/v1/chat/completions")
    assert "MINUTES_LLM_URL" in message and "\n" not in message


def test_the_check_functions_directly() -> None:
    transcript, _ = _informal()
    said = {s.id: s for s in transcript.segments}
    text, ids, reason = llm.check_resolution({"text": "เห็นชอบตามนี้", "segment_ids": [15]}, said)
    assert (text, ids, reason) == ("ที่ประชุมเห็นชอบตามนี้", [15], "")
    text, _, reason = llm.check_resolution({"text": "ที่ประชุมหารือเรื่องธนาคารขยะ", "segment_ids": [12]}, said)
    assert text is None and reason == "ไม่มีคำที่แสดงการตัดสินของที่ประชุม"
    _, _, reason = llm.check_resolution({"text": "ที่ประชุมเห็นชอบ", "segment_ids": []}, said)
    assert reason == "ไม่ได้อ้างช่วงของบันทึกเสียง"
    action, reason = llm.check_action(
        {"assignee": "ทุกหน่วยงาน", "task": "ส่งรายชื่อผู้เข้าร่วมงาน", "due": "2026-05-15", "segment_ids": [2]},
        said,
        dt.date(2026, 4, 20),
    )
    assert action is not None and action.due == "2026-05-15" and reason == ""
    point, reason = llm.check_point({"text": "ผลการเก็บขยะไตรมาสแรก 1,250 ตัน", "segment_ids": [9]}, said)
    assert point is not None and point.speaker == "SPEAKER_01" and reason == ""
    assert llm.parse('คำตอบ: {"points": []} จบ') == {"points": []}
    with pytest.raises(ValueError):
        llm.parse("[1, 2]")


def test_unset_url_fails_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINUTES_LLM_URL", raising=False)
    source = tmp_path / "ประชุม ทดสอบ.json"
    source.write_bytes((recall.DATA / "informal.json").read_bytes())
    result = CliRunner().invoke(app, ["run", str(source), "--out", str(tmp_path / "out"), "--summary", "llm"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: the llm summary engine needs MINUTES_LLM_URL")
    assert not (tmp_path / "out").exists()


def test_cli_run_with_llm_writes_checked_minutes(tmp_path: Path, endpoint) -> None:  # noqa: ANN001
    """Issue 6, points 3 and 4: every resolution and assignment in minutes.json has source times
    whose text contains it, whichever engine wrote it; what the model invented is refused."""
    answers = {
        "5": GOOD_ITEM_5,
        "4": {  # item 4: a resolution the recording does not hold
            "points": [],
            "resolution": {"text": "ที่ประชุมอนุมัติ", "segment_ids": [11]},
            "actions": [],
        },
    }

    def reply(body: dict[str, Any]) -> tuple[int, str]:
        number = _title(body).split()[1]
        return 200, json.dumps(answers.get(number, EMPTY), ensure_ascii=False)

    endpoint(reply)
    source = tmp_path / "ประชุม ทดสอบ.json"
    source.write_bytes((recall.DATA / "informal.json").read_bytes())
    (tmp_path / "meeting.yaml").write_text("date: 2026-04-20\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", str(source), "--out", str(out), "--summary", "llm", "--meeting", str(tmp_path / "meeting.yaml")]
    )
    assert result.exit_code == 0, result.output
    folder = next(out.iterdir())
    minutes = load(Minutes, folder / "minutes.json")
    transcript = load(Transcript, folder / "transcript.json")
    assert minutes.engine == "llm (test-model)"
    # Written by hand from informal.json (the segment each claim rests on, its times, and its words):
    # items 1, 2 and 4 from the rules (item 4's invented approval refused), item 5 from the model's answer.
    claims = [(i.number, i.resolution, i.resolution_start, i.resolution_end) for i in minutes.agenda]
    actions = [(i.number, a) for i in minutes.agenda for a in i.actions]
    claims += [(n, f"{a.assignee} / {a.task} / {a.due}", a.start, a.end) for n, a in actions]
    assert sorted(claims, key=lambda c: (c[0], c[2] or 0)) == [
        ("1", "ทุกหน่วยงาน / ส่งรายชื่อผู้เข้าร่วมงานให้ฝ่ายเลขา / 2026-05-15", 17.0, 24.4),  # segment 2
        ("1", "ที่ประชุมรับทราบ", 24.8, 26.3),  # segment 3: "รับทราบนะคะ"
        ("2", "ที่ประชุมรับรองรายงานการประชุมโดยมีการแก้ไข", 42.1, 51.8),  # segment 6: "...แก้ไขตามนั้น..."
        ("3", None, None, None),  # "เรื่องสืบเนื่อง ไม่มีนะคะ"
        ("4", "ที่ประชุมรับทราบ", 76.8, 79.0),  # segment 11
        ("5", "ที่ประชุมเห็นชอบตามนี้ให้นำร่องที่ชุมชนบ้านหนองบัว", 101.5, 107.3),  # segment 15, the model's
        ("5", "กองสาธารณสุข / จัดทำแผนการอบรมเสนอที่ประชุมครั้งหน้า / 2026-04-30", 107.7, 115.3),  # segment 16
        ("6", None, None, None),  # "เรื่องอื่นๆ ... ไม่มีครับ"
    ]
    assert {s.id: (s.start, s.end) for s in transcript.segments}[16] == (107.7, 115.3)  # the times are the source's
    item4 = {i.number: i for i in minutes.agenda}["4"]
    assert item4.resolution == "ที่ประชุมรับทราบ"  # the rules' finding, not the invented approval
    assert any("ที่ประชุมอนุมัติ" in n for n in item4.notes)
    assert "แบบจำลองภาษาเสนอมติ" in (folder / "minutes.md").read_text(encoding="utf-8")  # the reviewer sees it


def test_a_slow_answer_refuses_the_item_only(endpoint, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    def reply(body: dict[str, Any]) -> tuple[int, str]:
        if "วาระที่ 5 " in _title(body):
            time.sleep(1.5)
        return 200, json.dumps(EMPTY)

    endpoint(reply)
    monkeypatch.setenv("MINUTES_LLM_TIMEOUT", "0.5")
    minutes = summarize.run(*_informal(), "llm")
    items = {i.number: i for i in minutes.agenda}
    assert any("no answer within 0.5 s" in n for n in items["5"].notes)
    assert not any("no answer" in n for n in items["4"].notes)
    assert items["5"].resolution == "ที่ประชุมเห็นชอบตามนี้"  # the rules' finding stands
