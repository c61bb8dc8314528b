"""The `llm` minutes engine: any OpenAI-compatible chat server writes each agenda item in Thai.

The agenda comes from the rules engine (cues and meeting.yaml are exact; a model is not needed to
find "ระเบียบวาระที่ 4"). For each item heard, the model gets the item's transcript lines, each
with its segment id and speaker, and answers JSON: discussion points, the resolution and the
assignments, each citing the ids of the lines it comes from. Every claim is then checked against
the lines it cites, exactly as the rules engine's are (`check.unsupported`):

- a resolution or assignment must be made of words said there, in order;
- a due date must be a date said there;
- a discussion point may paraphrase, but its numbers must be said there and most of its words;
- the cited ids must belong to the item.

A claim that fails is refused: it is left out, the item carries a note for the reviewer with the
reason, and the rules engine's finding (itself checked) stands in its place. Nothing the model
writes reaches the minutes unchecked.

Settings come from the environment, so the same command works with Ollama, vLLM, llama.cpp's
server or a hosted Thai model:

- MINUTES_LLM_URL: the server's base URL, e.g. http://127.0.0.1:11434/v1 (Ollama)
- MINUTES_LLM_MODEL: the model name the server knows (optional for single-model servers)
- MINUTES_LLM_API_KEY (or OPENAI_API_KEY): sent as a bearer token when set
- MINUTES_LLM_TIMEOUT: seconds to wait for one item's answer (default 600; past it, the item is refused)
- MINUTES_LLM_MAX_TOKENS: the longest answer to ask for (default 2048)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import MinutesError
from pipeline.minutes import rules
from pipeline.minutes.check import unsupported
from pipeline.minutes.dates import dates_said
from pipeline.minutes.rules import RESOLUTION_VERBS, as_resolution
from pipeline.minutes.text import content_words, flatten, written
from pipeline.thaidate import arabic_digits, parse_date
from pipeline.types import Action, AgendaItem, Meeting, Minutes, Point, Segment, Transcript

# messages, JSON schema -> the reply's text. One method, so a test double is a plain function.
Chat = Callable[[list[dict[str, str]], dict[str, Any]], str]

_MAX_POINTS = 8
_MAX_ACTIONS = 10
_MIN_WORDS_SAID = 0.6  # share of a paraphrased point's content words that must have been said
_MIN_THAI = 0.5  # share of a point's letters that must be Thai

_IDS = {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 20}
_TEXT = {"type": "string", "maxLength": 400}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "points": {
            "type": "array",
            "maxItems": _MAX_POINTS,
            "items": {
                "type": "object",
                "properties": {"text": _TEXT, "segment_ids": _IDS},
                "required": ["text", "segment_ids"],
            },
        },
        "resolution": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {"text": _TEXT, "segment_ids": _IDS},
                    "required": ["text", "segment_ids"],
                },
            ]
        },
        "actions": {
            "type": "array",
            "maxItems": _MAX_ACTIONS,
            "items": {
                "type": "object",
                "properties": {
                    "assignee": _TEXT,
                    "task": _TEXT,
                    "due": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 10}]},
                    "segment_ids": _IDS,
                },
                "required": ["assignee", "task", "due", "segment_ids"],
            },
        },
    },
    "required": ["points", "resolution", "actions"],
}

SYSTEM = """You draft one agenda item of official Thai meeting minutes (รายงานการประชุม, summarised style) \
from its transcript. The transcript lines are numbered [id] and may name the speaker.
Answer with one JSON object and nothing else:
{"points": [{"text": "...", "segment_ids": [ids]}],
 "resolution": {"text": "...", "segment_ids": [ids]} or null,
 "actions": [{"assignee": "...", "task": "...", "due": "YYYY-MM-DD" or null, "segment_ids": [ids]}]}
Rules:
- Write in formal written Thai, without spoken particles (ครับ ค่ะ นะ).
- points: the points of discussion that led to the resolution, at most 8, each citing the lines it sums up.
- resolution: what the meeting decided, in the words said, e.g. "ที่ประชุมรับทราบ", "ที่ประชุมเห็นชอบตามที่เสนอ". \
null when no decision was heard. Never write a decision that was not said.
- actions: each task given to a unit or a person, in the words said; due is the deadline said, as a \
Gregorian date (a Thai year 2569 is 2026), or null when none was said.
- Cite only line ids of this item. Do not invent names, numbers or dates."""


@dataclass
class Settings:
    """Where the OpenAI-compatible server is and which model to ask."""

    url: str
    model: str = ""
    api_key: str = ""
    timeout: float = 600.0
    max_tokens: int = 2048

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("MINUTES_LLM_URL", "").strip()
        if not url:
            raise MinutesError(
                "the llm summary engine needs MINUTES_LLM_URL, the base URL of an OpenAI-compatible server "
                "(e.g. http://127.0.0.1:11434/v1 for Ollama): set it, or use --summary rules"
            )
        try:
            timeout = float(os.environ.get("MINUTES_LLM_TIMEOUT", "600"))
            max_tokens = int(os.environ.get("MINUTES_LLM_MAX_TOKENS", "2048"))
        except ValueError:
            raise MinutesError(
                "MINUTES_LLM_TIMEOUT must be a number of seconds (e.g. 600), MINUTES_LLM_MAX_TOKENS a whole number"
            ) from None
        return cls(
            url=url.rstrip("/"),
            model=os.environ.get("MINUTES_LLM_MODEL", "").strip(),
            api_key=os.environ.get("MINUTES_LLM_API_KEY", os.environ.get("OPENAI_API_KEY", "")).strip(),
            timeout=timeout,
            max_tokens=max_tokens,
        )

    def identity(self) -> dict[str, str]:
        """What decides the answers (for the cache key); never the API key."""
        prompt = hashlib.sha256((SYSTEM + json.dumps(SCHEMA, sort_keys=True)).encode()).hexdigest()[:16]
        return {"url": self.url, "model": self.model, "prompt": prompt, "max_tokens": str(self.max_tokens)}


class ServerError(Exception):
    """The server answered, but not with a reply for this item (refused for the item only)."""


class OpenAIChat:
    """POST /chat/completions on an OpenAI-compatible server, asking for JSON that fits a schema.

    The standard `json_schema` response format is tried first (OpenAI, vLLM, Ollama, llama.cpp's
    llama-server); a server that rejects it gets llama-cpp-python's `json_object` with a schema,
    then plain JSON mode. The format that worked is remembered for the next items."""

    FORMATS = ("json_schema", "json_object", "none")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.formats = list(self.FORMATS)

    def __call__(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        last: ServerError | None = None
        for kind in list(self.formats):
            body: dict[str, Any] = {
                "messages": messages,
                "temperature": 0,
                "seed": 0,
                "max_tokens": self.settings.max_tokens,
            }
            if self.settings.model:
                body["model"] = self.settings.model
            if kind == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "agenda_item", "schema": schema},
                }
            elif kind == "json_object":
                body["response_format"] = {"type": "json_object", "schema": schema}
            try:
                return self._post(body)
            except ServerError as e:
                # 400/422 by the book; llama-cpp-python answers 500 with its validation error
                if not (str(e).startswith(("400", "422")) or "response_format" in str(e)):
                    raise
                last = e
                self.formats.remove(kind)  # this server does not take it: not again
        raise last or ServerError("no response format accepted")

    def _post(self, body: dict[str, Any]) -> str:
        url = f"{self.settings.url}/chat/completions"
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = " ".join(e.read().decode("utf-8", "replace").split())[:200]
            raise ServerError(f"{e.code} {detail}") from None
        except TimeoutError:  # slow on this item (a long item, a small machine): refuse it, go on
            raise ServerError(f"no answer within {self.settings.timeout:g} s (MINUTES_LLM_TIMEOUT)") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError):
                raise ServerError(f"no answer within {self.settings.timeout:g} s (MINUTES_LLM_TIMEOUT)") from None
            raise MinutesError(
                f"cannot reach the LLM server at {url} ({reason}): start it, or set MINUTES_LLM_URL"
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ServerError("the server's answer is not JSON") from None
        try:
            return answer["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise ServerError("the server's answer has no choices[0].message.content") from None


# --------------------------------------------------------------------------------------------
# The engine


def draft(transcript: Transcript, meeting: Meeting, chat: Chat | None = None) -> Minutes:
    """Minutes whose items the model writes and the source check vets (see the module's doc).

    `chat` is the model (default: the server in MINUTES_LLM_URL). Raises MinutesError when the
    server cannot be reached; a bad answer for one item only refuses that item's claims."""
    model = ""
    if chat is None:
        settings = Settings.from_env()
        chat, model = OpenAIChat(settings), settings.model
    minutes = rules.run(transcript, meeting)
    segments = {s.id: s for s in transcript.segments}
    try:
        meeting_date = parse_date(meeting.date)
    except ValueError:
        meeting_date = None
    for item in minutes.agenda:
        if item.found and item.segment_ids:
            _write_item(item, segments, meeting, meeting_date, chat)
    minutes.engine = f"llm ({model})" if model else "llm"
    return minutes


def run(transcript: Transcript, meeting: Meeting) -> Minutes:
    """The engine's entry in the table: `draft` with the server in MINUTES_LLM_URL."""
    return draft(transcript, meeting)


def settings() -> dict[str, str]:
    """The server's endpoint and model decide the result (raises MinutesError when none is set)."""
    return Settings.from_env().identity()


def _lines(item: AgendaItem, segments: dict[int, Segment]) -> list[Segment]:
    """The item's segments, with those its rules findings cite (a closing said in the next
    item's first breath belongs to this item's resolution)."""
    ids = set(item.segment_ids) | set(item.resolution_segment_ids)
    ids |= {i for a in item.actions for i in a.segment_ids}
    return [segments[i] for i in sorted(ids) if i in segments]


def messages(item: AgendaItem, lines: list[Segment], meeting: Meeting) -> list[dict[str, str]]:
    """The chat messages asking for one item."""
    said = "\n".join(
        f"[{s.id}]" + (f" ({s.speaker})" if s.speaker else "") + " " + " ".join(s.text.split()) for s in lines
    )
    head = f"ระเบียบวาระที่ {item.number} {item.title}"
    if meeting.date:
        head += f"\nวันที่ประชุม {meeting.date}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"{head}\n\n{said}"}]


def refusal(what: str, reason: str) -> str:
    """The reviewer's note for a claim the check refused."""
    return f"แบบจำลองภาษาเสนอ{what} แต่ไม่ผ่านการตรวจกับบันทึกเสียง ({reason}) จึงไม่นำมาใช้"


def _write_item(
    item: AgendaItem,
    segments: dict[int, Segment],
    meeting: Meeting,
    meeting_date: dt.date | None,
    chat: Chat,
) -> None:
    lines = _lines(item, segments)
    try:
        reply = parse(chat(messages(item, lines, meeting), SCHEMA))
    except ServerError as e:
        item.notes.append(refusal("ร่างวาระนี้", f"เซิร์ฟเวอร์ตอบผิดพลาด: {e}"))
        return
    except ValueError as e:
        item.notes.append(refusal("ร่างวาระนี้", str(e)))
        return
    allowed = {s.id: s for s in lines}

    points: list[Point] = []
    for raw in _list(reply.get("points")):
        point, reason = check_point(raw, allowed)
        if point:
            points.append(point)
        else:
            item.notes.append(refusal(f'ประเด็น "{_short(raw)}"', reason))
    if points:
        item.discussion = points
        item.summary = " ".join(p.text for p in points)

    raw = reply.get("resolution")
    if raw:
        resolution, ids, reason = check_resolution(raw, allowed)
        if resolution:
            item.resolution, item.resolution_segment_ids = resolution, ids
            item.resolution_start = min(allowed[i].start for i in ids)
            item.resolution_end = max(allowed[i].end for i in ids)
        else:
            item.notes.append(refusal(f'มติ "{_short(raw)}"', reason))

    kept: list[Action] = []
    for raw in _list(reply.get("actions")):
        action, reason = check_action(raw, allowed, meeting_date)
        if action:
            kept.append(action)
            if reason:  # kept without the due date it gave
                item.notes.append(refusal(f'กำหนดเวลาของ "{action.assignee} {action.task}"', reason))
        else:
            item.notes.append(refusal(f'การมอบหมาย "{_short(raw)}"', reason))
    cited = {i for a in kept for i in a.segment_ids}
    item.actions = kept + [a for a in item.actions if not cited & set(a.segment_ids)]


def parse(reply: str) -> dict[str, Any]:
    """The JSON object in a reply (code fences and chatter around it are dropped)."""
    text = reply.strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("คำตอบไม่ใช่ JSON")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        raise ValueError("คำตอบไม่ใช่ JSON ที่อ่านได้") from None
    if not isinstance(data, dict):
        raise ValueError("คำตอบไม่ใช่ JSON object")
    return data


# --------------------------------------------------------------------------------------------
# The checks: each returns the claim it accepts, or None and the reason


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _short(raw: Any, limit: int = 60) -> str:
    if isinstance(raw, dict):
        raw = raw.get("text") or " ".join(str(raw.get(k, "")) for k in ("assignee", "task"))
    text = " ".join(str(raw).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cited(raw: dict[str, Any], allowed: dict[int, Segment]) -> tuple[list[int], str]:
    ids = raw.get("segment_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        return [], "ไม่ได้อ้างช่วงของบันทึกเสียง"
    outside = [i for i in ids if i not in allowed]
    if outside:
        return [], "อ้างช่วงที่ไม่อยู่ในวาระนี้: " + ", ".join(map(str, outside))
    return sorted(set(ids)), ""


def _source(ids: list[int], allowed: dict[int, Segment]) -> str:
    return " ".join(allowed[i].text for i in ids)


def check_resolution(raw: Any, allowed: dict[int, Segment]) -> tuple[str | None, list[int], str]:
    """(written resolution, cited ids, "") when its words were said in the lines it cites."""
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None, [], "รูปแบบไม่ถูกต้อง"
    ids, reason = _cited(raw, allowed)
    if reason:
        return None, [], reason
    text = as_resolution(flatten(raw["text"]))
    if not re.search(rf"{RESOLUTION_VERBS}|มีมติ|เลื่อน", flatten(text)):
        return None, [], "ไม่มีคำที่แสดงการตัดสินของที่ประชุม"
    reason = unsupported(text, _source(ids, allowed))
    return (None, [], reason) if reason else (text, ids, "")


def check_action(raw: Any, allowed: dict[int, Segment], meeting_date: dt.date | None) -> tuple[Action | None, str]:
    """(the action, "") when assignee and task were said in the cited lines; the due date is
    kept only when that date was said there (else the action is kept without it, with a reason)."""
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("assignee", "task")):
        return None, "รูปแบบไม่ถูกต้อง"
    ids, reason = _cited(raw, allowed)
    if reason:
        return None, reason
    assignee = written(raw["assignee"], cut=False)
    task = written(raw["task"], cut=False)
    if not assignee or not task:
        return None, "ไม่ระบุผู้รับมอบหมายหรืองาน"
    source = _source(ids, allowed)
    reason = unsupported(f"{assignee} {task}", source)
    if reason:
        return None, reason
    action = Action(
        assignee=assignee,
        task=task,
        segment_ids=ids,
        start=min(allowed[i].start for i in ids),
        end=max(allowed[i].end for i in ids),
    )
    due = raw.get("due")
    if due:
        try:
            day = dt.date.fromisoformat(str(due))
        except ValueError:
            return action, f'"{due}" ไม่ใช่วันที่'
        if day not in dates_said(source, meeting_date):
            return action, f"ไม่ได้ยินวันที่ {day.isoformat()} ในช่วงที่อ้าง"
        action.due = day.isoformat()
    return action, ""


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", arabic_digits(text))}


def check_point(raw: Any, allowed: dict[int, Segment]) -> tuple[Point | None, str]:
    """(the point, "") when it is Thai, its numbers were said in the cited lines, and most of its
    words too (a point may paraphrase; a resolution or an assignment may not)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None, "รูปแบบไม่ถูกต้อง"
    ids, reason = _cited(raw, allowed)
    if reason:
        return None, reason
    text = " ".join(written(raw["text"], cut=False).split())
    letters = [c for c in text if c.isalpha()]
    if not letters or sum("\u0e00" <= c <= "\u0e7f" for c in letters) / len(letters) < _MIN_THAI:
        return None, "ไม่ได้เขียนเป็นภาษาไทย"
    source = _source(ids, allowed)
    invented = sorted(_numbers(text) - _numbers(source))
    if invented:
        return None, "ตัวเลขที่ไม่ได้ยินในช่วงที่อ้าง: " + ", ".join(invented)
    words = set(content_words(text))
    said = flatten(source)
    missing = sorted(w for w in words if flatten(w) not in said)
    if not words or len(missing) > (1 - _MIN_WORDS_SAID) * len(words):
        return None, f"คำส่วนใหญ่ไม่ได้ยินในช่วงที่อ้าง: {' '.join(missing[:5])}"
    first = allowed[ids[0]]
    return Point(text, first.speaker, ids, first.start, max(allowed[i].end for i in ids)), ""
