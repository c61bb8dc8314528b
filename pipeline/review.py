"""The review page: the draft beside the transcript, each line playing its moment of the recording.

`serve` runs a small HTTP server on 127.0.0.1 that answers only local requests for this one
output folder; every edit is appended to corrections.json at once and the minutes are redrafted
from it. `write_static` writes a self-contained read-only review.html instead.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline import corrections
from pipeline.errors import MinutesError
from pipeline.types import to_dict

PAGE = Path(__file__).parent / "static" / "review.html"
AUDIO = Path("stages") / "audio.wav"
MAX_BODY = 256 * 1024  # one edit is a few hundred bytes; a paragraph of text at most
log = logging.getLogger("minutes")
# The page's own inline script and style only; nothing loads from elsewhere.
CSP = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'"


# --------------------------------------------------------------------------------------------
# The page speaks Thai. The transcript's flags and speaker sources are written in English by the
# stages (they are data, read by tests and tools); the page shows them in Thai. A flag becomes
# parts, [text, is_data]: the data parts (the words a flag is about: a dropped phrase, a glossary
# term) are shown as written and marked untranslatable; everything else is Thai.

Part = list[Any]  # [text, is_data]
_WHY_DROPPED = {
    "a phrase Whisper writes on silence and music": "วลีที่โมเดลถอดความมักเขียนขึ้นเองในช่วงเงียบหรือมีเพลง",
    "a sound label, not speech": "ป้ายบอกเสียง ไม่ใช่คำพูด",
}
_WHY_NUMBER = {
    "written in digits": "เขียนเป็นตัวเลข",
    "a time is written with a full stop": "เวลาเขียนด้วยจุด ไม่ใช้ทวิภาค",
}
_SOURCES = {
    "given": "ชื่อผู้พูดที่มีมาในไฟล์ถอดความ",
    "reviewer": "ผู้ตรวจตั้งชื่อผู้พูด",
    "diarisation": "แยกเสียงผู้พูดจากบันทึกเสียง",
    "pyannote": "แยกเสียงผู้พูดจากบันทึกเสียง (แบบจำลองไพแอนโนต)",
    "Zoom per-participant track": "ไฟล์เสียงแยกรายผู้เข้าร่วมของซูม",
    "Zoom timeline (active speaker)": "ไทม์ไลน์ของซูม (ผู้ที่กำลังพูด)",
    "Zoom transcript (speaker names)": "ไฟล์ถอดความของซูม (ชื่อผู้พูด)",
    "Zoom captions (speaker names)": "คำบรรยายของซูม (ชื่อผู้พูด)",
    "unknown: one mixed track, no speaker data": "ไม่ทราบผู้พูด: บันทึกเสียงรวมแทร็กเดียว ไม่มีข้อมูลผู้พูด",
}


def _repeats(what: str) -> list[Part]:
    """`ครับ ×5, นะ ×3` (guard's loops): each repeated phrase is data, the counts are not."""
    parts: list[Part] = []
    for i, piece in enumerate(what.split(", ")):
        unit, times, count = piece.rpartition(" ×")
        if i:
            parts.append([", ", False])
        parts += [["“", False], [unit, True], [f"” ซ้ำ {count} ครั้ง", False]] if times else [[piece, True]]
    return parts


def _dropped(body: str) -> list[Part]:
    """`<text> (<why>)`: the text is data; the reason, which may hold parentheses itself, is matched at the end."""
    reason: list[Part] | None = None
    if m := re.fullmatch(r"(.*) \(decoding failed at every temperature \(log-probability (-?[\d.]+)\)\)", body, re.S):
        reason = [[f"ถอดความไม่สำเร็จทุกรอบ (ค่าความน่าจะเป็นล็อก {m[2]})", False]]
    elif m := re.fullmatch(r"(.*) \(only a repeated phrase: (.*)\)", body, re.S):
        reason = [["มีแต่วลีซ้ำ: ", False], *_repeats(m[2])]
    elif m := re.fullmatch(r"(.*) \((" + "|".join(map(re.escape, _WHY_DROPPED)) + r")\)", body, re.S):
        reason = [[_WHY_DROPPED[m[2]], False]]
    elif m := re.fullmatch(r"(.*?) \((.*)\)", body, re.S):
        reason = [[m[2], True]]
    if m is None or reason is None:
        return [["ตัดออก: “", False], [body, True], ["”", False]]
    return [["ตัดออก: “", False], [m[1], True], ["” (", False], *reason, [")", False]]


def _unheard(note: str) -> list[Part]:
    """An `unheard:` line's note: where the speech was found, and what the model thought it heard."""
    note, unsure = re.fullmatch(r"(.*?)(?: \(heard as, unsure: (.*)\))?", note, re.S).groups()
    if note.startswith("a voice-like sound the speech detector did not pass"):
        parts: list[Part] = [["มีเสียงคล้ายเสียงพูดที่ตัวตรวจจับเสียงพูดไม่ผ่าน จึงไม่ได้ถอดความ โปรดฟังช่วงนี้", False]]
    elif m := re.fullmatch(r"someone speaks here \((.*)\), no words recognised: listen here", note):
        parts = [[f"มีผู้พูดในช่วงนี้ ({thai_source(m[1])}) แต่ถอดความไม่ได้ โปรดฟังช่วงนี้", False]]
    else:
        parts = [["มีเสียงพูดแต่ถอดความไม่ได้ โปรดฟังช่วงนี้", False]]
    return parts + ([[" (ได้ยินคล้าย แต่ไม่แน่ใจ: “", False], [unsure, True], ["”)", False]] if unsure else [])


def thai_flag(flag: str) -> list[Part]:
    """A transcript flag, as the stages write it in English, in Thai for the page."""
    if m := re.fullmatch(r"doubtful: low confidence \(([\d.]+)\)", flag):
        return [[f"ไม่แน่ใจ: โมเดลมั่นใจในคำเหล่านี้ต่ำ ({m[1]})", False]]
    if m := re.fullmatch(r"doubtful: may not be speech \(no-speech probability ([\d.]+)\)", flag):
        return [[f"ไม่แน่ใจ: อาจไม่ใช่เสียงพูด (โอกาสที่ไม่ใช่เสียงพูด {m[1]})", False]]
    if flag.startswith("dropped: "):
        return _dropped(flag.removeprefix("dropped: "))
    if m := re.fullmatch(r"redecoded: the first decoding repeated (.*)", flag):
        return [["ถอดความใหม่: ครั้งแรกถอดได้คำซ้ำ ", False], *_repeats(m[1])]
    if flag in (
        "redecoded: this speech got no words when decoded with its neighbours",
        "redecoded: speech left without words",
    ):
        return [["ถอดความใหม่: ช่วงนี้ไม่ได้คำเลยเมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก", False]]
    if flag in (
        "redecoded: this speech got no usable words when decoded with its neighbours",
        "redecoded: speech left without usable words",
    ):
        return [["ถอดความใหม่: ช่วงนี้ไม่ได้คำที่ใช้ได้เมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก", False]]
    if m := re.fullmatch(r"repeated: said (\d+) times in this meeting, as at ([\d:]+): kept there, flagged here", flag):
        return [[f"ข้อความนี้พูดซ้ำ {m[1]} ครั้งในการประชุม เหมือนที่เวลา {m[2]} ซึ่งเก็บไว้ที่นั่น ที่นี่ทำเครื่องหมายไว้ให้ตรวจ", False]]
    if flag.startswith("repeated: "):
        return [["ข้อความนี้ซ้ำกับที่พูดไปแล้วหลายครั้งในการประชุม โปรดตรวจ", False]]
    if m := re.fullmatch(r"loop: written once: (.*)", flag) or re.fullmatch(r"loop: (.*) written once", flag):
        return [["คำพูดวนซ้ำ เขียนไว้ครั้งเดียว: ", False], *_repeats(m[1])]
    if m := re.fullmatch(r"glossary: (.*) → (.*) \((.*): (listed form|similar spelling ([\d.]+))\)", flag):
        how = "ตรงกับรูปที่ระบุไว้" if m[4] == "listed form" else f"สะกดใกล้เคียง {m[5]}"
        return [
            ["แก้ตามอภิธานศัพท์: “", False],
            [m[1], True],
            ["” เป็น “", False],
            [m[2], True],
            ["” (หมวด ", False],
            [m[3], True],
            [f" {how})", False],
        ]
    if m := re.fullmatch(r"number: (.*) → (.*) \((.*)\)", flag):
        why = [[_WHY_NUMBER[m[3]], False]] if m[3] in _WHY_NUMBER else [[m[3], True]]
        return [["ตัวเลข: “", False], [m[1], True], ["” เป็น “", False], [m[2], True], ["” (", False], *why, [")", False]]
    if flag == "corrected":
        return [["ผู้ตรวจแก้ข้อความนี้แล้ว", False]]
    if flag.startswith("unheard: "):
        return _unheard(flag.removeprefix("unheard: "))
    return [["หมายเหตุจากระบบ: ", False], [flag, True]]  # a flag this page does not know yet: shown as written


def thai_source(source: str | None) -> str:
    """Where a speaker label came from (`speaker_source`), in Thai, for the speaker chip's tooltip."""
    if not source:
        return ""
    if source in _SOURCES:
        return _SOURCES[source]
    if m := re.fullmatch(r"voice library \(([\d.]+)\)", source):
        return f"คลังเสียงที่รู้จัก (ความคล้าย {m[1]})"
    if source.startswith("unknown: "):
        return "ไม่ทราบผู้พูด: ไม่มีข้อมูลผู้พูดที่ใช้ได้ (รายละเอียดในไฟล์ผลการทำงาน)"
    return "ที่มาของชื่อผู้พูด: " + source


def _thai(transcript: dict[str, Any]) -> dict[str, Any]:
    """The transcript with each segment's flags and speaker source as the page shows them."""
    for seg in transcript["segments"]:
        seg["flags_th"] = [thai_flag(f) for f in seg.get("flags") or []]
        seg["speaker_source_th"] = thai_source(seg.get("speaker_source"))
    return transcript


def page_data(out_dir: Path, readonly: bool = False) -> dict[str, Any]:
    """What the page shows: the transcript and minutes with corrections applied, and any conflicts."""
    out_dir = Path(out_dir)
    for name in ("transcript.json", "minutes.json"):
        if not (out_dir / name).is_file():
            raise MinutesError(f"{out_dir}: no {name} here; run `minutes run` on the recording first, then review")
    from pipeline import runner

    transcript, minutes, conflicts = runner.corrected(out_dir)
    rejected = corrections.load(out_dir).rejected
    meeting = minutes.meeting
    people = [p.name for p in [meeting.chair, *meeting.members_present, *meeting.attendees] if p and p.name]
    return {
        "readonly": readonly,
        "audio": AUDIO.as_posix() if readonly else "audio",
        "transcript": _thai(to_dict(transcript)),
        "minutes": to_dict(minutes),
        "conflicts": [to_dict(c) for c in conflicts],
        # Entries of corrections.json that are not valid edits: left out, each with why and where it is kept.
        "rejected": [{"reason": r.reason, "file": r.file} for r in rejected],
        "people": sorted(set(people)),
    }


def page(data: dict[str, Any]) -> bytes:
    # "<" escaped inside the JSON: no recording text can close the <script> element.
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return PAGE.read_text(encoding="utf-8").replace("__DATA__", payload).encode("utf-8")


def write_static(out_dir: Path) -> Path:
    """A read-only review.html beside the outputs; it plays stages/audio.wav by relative path."""
    from pipeline.runner import write_atomic

    target = Path(out_dir) / "review.html"
    write_atomic(target, page(page_data(out_dir, readonly=True)))
    return target


class _Handler(BaseHTTPRequestHandler):
    out_dir: Path
    lock: threading.Lock  # one edit stored at a time, in order
    drafting: threading.Lock  # one redraft at a time; it takes in every edit stored before it started
    state: dict[str, int]  # edits stored, and how many of them the last redraft took in
    timeout = 30  # seconds a client may take to send its request (a stalled one holds a thread, not the server)

    def _local(self) -> bool:
        """Only this machine, and only under our own host name (no DNS rebinding from a web page)."""
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            return False
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        origin = self.headers.get("Origin")
        port = self.server.server_address[1]
        allowed = {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}
        return host in ("127.0.0.1", "localhost", "::1") and (origin is None or origin in allowed)

    def _send(
        self, status: int, body: bytes, kind: str = "text/plain; charset=utf-8", extra: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _inside(self, relative: str) -> Path | None:
        """A path under the output folder, or None for anything that tries to leave it."""
        target = (self.out_dir / unquote(relative)).resolve()
        return target if target.is_relative_to(self.out_dir.resolve()) and target.is_file() else None

    def do_GET(self) -> None:  # noqa: N802
        if not self._local():
            return self._send(HTTPStatus.FORBIDDEN, b"local requests only")
        path = urlsplit(self.path).path
        try:
            if path == "/":
                return self._send(HTTPStatus.OK, page(page_data(self.out_dir)), "text/html; charset=utf-8")
            if path == "/api/data":
                return self._json(page_data(self.out_dir))
        except MinutesError as exc:  # the folder's results are damaged: say so, do not drop the request
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc).encode())
        if path == "/audio":
            return self._file(self.out_dir / AUDIO, "audio/wav")
        if path.startswith("/files/"):
            target = self._inside(path[len("/files/") :])
            if target is None:
                return self._send(HTTPStatus.FORBIDDEN, b"only files inside the output folder")
            return self._file(target, "application/octet-stream")
        return self._send(HTTPStatus.NOT_FOUND, b"not found")

    do_HEAD = do_GET

    def _body(self) -> Any:
        """The request's JSON, at most MAX_BODY bytes; ValueError (with what to send) for anything else."""
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length is None:
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "send the edit with a Content-Length")
        if not length.strip().isdigit():
            raise _Refused(HTTPStatus.BAD_REQUEST, "Content-Length is not a number")
        if int(length) > MAX_BODY:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"an edit is at most {MAX_BODY // 1024} KB")
        raw = self.rfile.read(int(length))
        if len(raw) < int(length):
            raise _Refused(HTTPStatus.BAD_REQUEST, "the request ended before its Content-Length")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _Refused(HTTPStatus.BAD_REQUEST, "the edit is not JSON (UTF-8)") from None

    def do_POST(self) -> None:  # noqa: N802
        if not self._local():
            return self._send(HTTPStatus.FORBIDDEN, b"local requests only")
        if urlsplit(self.path).path != "/api/edit":
            return self._send(HTTPStatus.NOT_FOUND, b"not found")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._send(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, b"JSON only")
        try:
            body = self._body()
            with self.lock:  # checked against the draft and stored before anything else happens
                corrections.append(self.out_dir, body)
                self.state["stored"] += 1
                mine = self.state["stored"]
        except _Refused as exc:
            self.close_connection = True  # the rest of a refused body is not read
            return self._send(exc.status, exc.message.encode())
        except MinutesError as exc:
            return self._send(HTTPStatus.BAD_REQUEST, str(exc).encode())
        except OSError as exc:  # a full disk: nothing was stored
            return self._send(HTTPStatus.INSUFFICIENT_STORAGE, f"not saved: {exc.strerror or exc}".encode())
        notice = self._redraft(mine)
        try:
            data = page_data(self.out_dir)
        except MinutesError as exc:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"saved, but the page cannot be shown: {exc}".encode())
        if notice:
            data["notice"] = notice
        return self._json(data)

    def _redraft(self, mine: int) -> str | None:
        """Draft again unless a redraft since this edit was stored already took it in (a burst of
        edits is redrafted a few times, not once each). The edit is saved whatever happens here."""
        from pipeline import runner

        with self.drafting:
            if self.state["drafted"] >= mine:
                return None
            upto = self.state["stored"]
            try:
                runner.redraft(self.out_dir, wait=120.0)
            except (MinutesError, OSError) as exc:
                return f"saved; the draft files were not updated: {exc}"
            self.state["drafted"] = upto
        return None

    def _json(self, data: dict[str, Any]) -> None:
        self._send(HTTPStatus.OK, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _file(self, path: Path, kind: str) -> None:
        """Serve a file, with byte ranges so the audio element can seek."""
        if not path.is_file():
            return self._send(HTTPStatus.NOT_FOUND, b"not found")
        size = path.stat().st_size
        start, end = 0, size - 1
        ranged = self.headers.get("Range", "").startswith("bytes=")
        if ranged:
            first, _, last = self.headers["Range"][6:].split(",")[0].partition("-")
            start = int(first) if first else max(size - int(last or 0), 0)
            end = min(int(last), size - 1) if first and last else size - 1
            if start > end:
                return self._send(
                    HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, b"", extra={"Content-Range": f"bytes */{size}"}
                )
        with open(path, "rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        extra = {"Accept-Ranges": "bytes"}
        if ranged:
            extra["Content-Range"] = f"bytes {start}-{end}/{size}"
        self._send(HTTPStatus.PARTIAL_CONTENT if ranged else HTTPStatus.OK, body, kind, extra)


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def make_server(out_dir: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for one output folder on 127.0.0.1 (port 0: any free port)."""
    out_dir = Path(out_dir).resolve()
    page_data(out_dir)  # fail now, with a one-line message, if there is nothing to review
    handler = type(
        "Handler",
        (_Handler,),
        {
            "out_dir": out_dir,
            "lock": threading.Lock(),
            "drafting": threading.Lock(),
            "state": {"stored": 0, "drafted": 0},
        },
    )
    return _Server(("127.0.0.1", port), handler)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a burst of edits (a reviewer's script, a page retrying) queues, not refused
    daemon_threads = True


def serve(out_dir: Path, port: int = 0, open_browser: bool = True) -> None:
    server = make_server(out_dir, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"review page: {url}  (Ctrl+C to stop; every edit is saved at once)", flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
