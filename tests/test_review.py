"""The review page in a real headless Chromium (Playwright), against the real local server."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from pipeline import review, runner, transcribe
from pipeline.runner import Options
from tests import conftest
from tests.conftest import ffmpeg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium (apt-get install chromium)")
SHOTS = os.environ.get("MINUTES_SCREENSHOTS")  # a folder to keep screenshots of the page in
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">ข้อความ'


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine) -> Path:  # noqa: ANN001
    """A 40 s recording whose (fake-engine) transcript holds a line of hostile HTML."""
    monkeypatch.setattr(conftest, "SCRIPT", [*conftest.SCRIPT, (34.0, 36.0, HOSTILE)])
    folder = tmp_path / "ประชุม ทดสอบ"
    folder.mkdir()
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=40", "-c:a", "aac", str(folder / "audio.m4a"))
    return folder


@pytest.fixture
def out_dir(recording: Path, tmp_path: Path) -> Path:
    return runner.run(recording, Options(out=tmp_path / "out")).out_dir


def start(out_dir: Path) -> tuple[object, str]:
    server = review.make_server(out_dir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_load_seek_edit_reload_and_docx(out_dir: Path, browser) -> None:  # noqa: ANN001
    server, url = start(out_dir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector(".line")
        assert "ระเบียบวาระที่ 4" in page.inner_text("#items")
        assert "ขอให้สำนักสิ่งแวดล้อมจัดทำแผนงาน" in page.inner_text("#lines")
        shot(page, "review-loaded")

        # Clicking a line's time seeks the audio to that moment.
        page.wait_for_function("() => document.getElementById('player').readyState >= 1")
        line = page.locator(".line").nth(4)
        target = float(line.get_attribute("data-start"))
        line.locator(".time").click()
        page.wait_for_function(f"() => Math.abs(document.getElementById('player').currentTime - {target}) < 0.3")

        # Fix a transcript line and a resolution; both are saved at once.
        text = line.locator("[contenteditable]")
        text.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("ต่อไปเป็นวาระที่ 4 เรื่องเพื่อพิจารณา (แก้ไขแล้ว)")
        page.keyboard.press("Enter")
        page.wait_for_selector("#status:has-text('บันทึกแล้ว')")
        resolution = page.locator("#item-4 .resolution")
        resolution.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("ที่ประชุมเห็นชอบให้ดำเนินการตามแผน")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.getElementById('status').textContent.includes('บันทึกแล้ว') && "
            "document.querySelector('#item-4 .resolution').textContent.includes('ตามแผน')"
        )
        edits = json.loads((out_dir / "corrections.json").read_text(encoding="utf-8"))["edits"]
        assert [e["kind"] for e in edits] == ["text", "resolution"]

        page.reload()
        page.wait_for_selector(".line")
        assert "(แก้ไขแล้ว)" in page.inner_text("#lines")
        assert "ที่ประชุมเห็นชอบให้ดำเนินการตามแผน" in page.inner_text("#item-4")
        shot(page, "review-edited")
        document = docx.Document(str(out_dir / "minutes.docx"))
        assert "ที่ประชุมเห็นชอบให้ดำเนินการตามแผน" in "\n".join(p.text for p in document.paragraphs)
    finally:
        server.shutdown()


def test_rename_a_speaker_everywhere(tmp_path: Path, browser) -> None:  # noqa: ANN001
    source = tmp_path / "reviewed" / "transcript.json"
    source.parent.mkdir()
    segments = [
        {"id": i, "start": a, "end": b, "text": t, "speaker": f"ผู้พูด {1 + i % 2}"}
        for i, (a, b, t) in enumerate(conftest.SCRIPT)
    ]
    source.write_text(json.dumps({"language": "th", "segments": segments}, ensure_ascii=False), encoding="utf-8")
    out_dir = runner.run(source, Options(out=tmp_path / "out")).out_dir
    server, url = start(out_dir)
    try:
        page = browser.new_page()
        page.goto(url)
        page.locator(".line .speaker").nth(1).click()
        page.fill("#speaker-input", "นายสมชาย ใจดี")
        page.check("#speaker-all")
        page.click("#speaker-ok")
        page.wait_for_selector("#status:has-text('บันทึกแล้ว')")
        chips = page.locator(".line .speaker").all_inner_texts()
        assert chips == ["ผู้พูด 1", "นายสมชาย ใจดี"] * (len(chips) // 2) + ["ผู้พูด 1"] * (len(chips) % 2)
        transcript = json.loads((out_dir / "transcript.json").read_text(encoding="utf-8"))
        assert {s["speaker"] for s in transcript["segments"]} == {"ผู้พูด 1", "นายสมชาย ใจดี"}
        assert json.loads(source.read_text(encoding="utf-8"))["segments"][1]["speaker"] == "ผู้พูด 2"  # input untouched
    finally:
        server.shutdown()


def test_recording_text_is_shown_inert(out_dir: Path, browser) -> None:  # noqa: ANN001
    server, url = start(out_dir)
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(".line")
        assert page.evaluate("window.pwned") is None
        assert HOSTILE in page.inner_text("#lines")
        assert page.locator("#lines img").count() == 0
    finally:
        server.shutdown()
    static = review.write_static(out_dir)
    page = browser.new_page()
    page.goto(static.as_uri())
    page.wait_for_selector(".line")
    assert page.evaluate("window.pwned") is None and HOSTILE in page.inner_text("#lines")
    assert page.locator("[contenteditable=true]").count() == 0  # the static page is read-only


def _get(
    port: int,
    path: str,
    host: str = "127.0.0.1",
    method: str = "GET",
    body: bytes | None = None,
    headers: dict | None = None,
) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)  # the path is sent exactly as given
    conn.putheader("Host", f"{host}:{port}")
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.putheader("Content-Length", str(len(body or b"")))
    conn.endheaders(body)
    status = conn.getresponse().status
    conn.close()
    return status


def test_paths_outside_the_output_folder_and_foreign_requests_are_refused(out_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("ความลับ", encoding="utf-8")
    server, _ = start(out_dir)
    port = server.server_address[1]
    try:
        assert _get(port, "/files/minutes.md") == 200
        for path in (
            "/files/../secret.txt",
            "/files/%2e%2e/secret.txt",
            "/files/..%2fsecret.txt",
            f"/files/{secret}",
            "/files/../../../../etc/passwd",
            "/etc/passwd",
        ):
            assert _get(port, path) in (403, 404), path
        assert _get(port, "/", host="evil.example") == 403  # DNS rebinding
        edit = json.dumps({"kind": "reviewed", "value": True}).encode()
        assert _get(port, "/api/edit", method="POST", body=edit, headers={"Content-Type": "text/plain"}) == 415
        assert (
            _get(
                port,
                "/api/edit",
                method="POST",
                body=edit,
                headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
            )
            == 403
        )
        assert not (out_dir / "corrections.json").exists()
    finally:
        server.shutdown()


def test_edits_survive_a_server_restart_and_a_rerun(recording: Path, out_dir: Path, browser) -> None:  # noqa: ANN001
    server, url = start(out_dir)
    page = browser.new_page()
    page.goto(url)
    page.locator("#item-1 .resolution").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("ที่ประชุมรับทราบและมอบหมายฝ่ายเลขานุการ")
    page.keyboard.press("Enter")
    page.wait_for_selector("#status:has-text('บันทึกแล้ว')")
    server.shutdown()
    server.server_close()

    runner.run(recording, Options(out=out_dir.parent, force=True))  # every stage redone, corrections kept
    minutes = json.loads((out_dir / "minutes.json").read_text(encoding="utf-8"))
    assert minutes["agenda"][0]["resolution"] == "ที่ประชุมรับทราบและมอบหมายฝ่ายเลขานุการ"

    server, url = start(out_dir)
    try:
        page.goto(url)
        page.wait_for_selector(".line")
        assert "ที่ประชุมรับทราบและมอบหมายฝ่ายเลขานุการ" in page.inner_text("#item-1")
    finally:
        server.shutdown()


# --------------------------------------------------------------------------------------------
# The page in Thai: English only where it is data

# Flags as the stages write them (pipeline/transcribe.py, thai.py, corrections.py), and the Thai
# the page shows for each, written by hand; «...» marks a data part, shown as written.
# The meeting-level loop flag and a speaker turn left without words, as the stages write them.
REPEATED = "repeated: said 7 times in this meeting, as at 0:00:16: kept there, flagged here"
REPEATED_TH = "ข้อความนี้พูดซ้ำ 7 ครั้งในการประชุม เหมือนที่เวลา 0:00:16 ซึ่งเก็บไว้ที่นั่น ที่นี่ทำเครื่องหมายไว้ให้ตรวจ"
UNHEARD_TRACK = f"unheard: {transcribe.TURN_NOTE.format(source='Zoom per-participant track')}"
UNHEARD_TRACK_TH = "มีผู้พูดในช่วงนี้ (ไฟล์เสียงแยกรายผู้เข้าร่วมของซูม) แต่ถอดความไม่ได้ โปรดฟังช่วงนี้"
FLAGS = {
    "doubtful: low confidence (0.31)": "ไม่แน่ใจ: โมเดลมั่นใจในคำเหล่านี้ต่ำ (0.31)",
    "doubtful: may not be speech (no-speech probability 0.71)": "ไม่แน่ใจ: อาจไม่ใช่เสียงพูด (โอกาสที่ไม่ใช่เสียงพูด 0.71)",
    "dropped: Thanks for watching! (a phrase Whisper writes on silence and music)": (
        "ตัดออก: “«Thanks for watching!»” (วลีที่โมเดลถอดความมักเขียนขึ้นเองในช่วงเงียบหรือมีเพลง)"
    ),
    "dropped: (music) (a sound label, not speech)": "ตัดออก: “«(music)»” (ป้ายบอกเสียง ไม่ใช่คำพูด)",
    "dropped: ครับ ครับ ครับ (only a repeated phrase: ครับ ×3)": ("ตัดออก: “«ครับ ครับ ครับ»” (มีแต่วลีซ้ำ: “«ครับ»” ซ้ำ 3 ครั้ง)"),
    "dropped: Ok (decoding failed at every temperature (log-probability -1.52))": (
        "ตัดออก: “«Ok»” (ถอดความไม่สำเร็จทุกรอบ (ค่าความน่าจะเป็นล็อก -1.52))"
    ),
    "redecoded: the first decoding repeated นะครับ ×3, OK ×2": (
        "ถอดความใหม่: ครั้งแรกถอดได้คำซ้ำ “«นะครับ»” ซ้ำ 3 ครั้ง, “«OK»” ซ้ำ 2 ครั้ง"
    ),
    "redecoded: this speech got no words when decoded with its neighbours": (
        "ถอดความใหม่: ช่วงนี้ไม่ได้คำเลยเมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก"
    ),
    "redecoded: speech left without words": "ถอดความใหม่: ช่วงนี้ไม่ได้คำเลยเมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก",
    "loop: ครับ ×4 written once": "คำพูดวนซ้ำ เขียนไว้ครั้งเดียว: “«ครับ»” ซ้ำ 4 ครั้ง",
    "loop: written once: ครับ ×4": "คำพูดวนซ้ำ เขียนไว้ครั้งเดียว: “«ครับ»” ซ้ำ 4 ครั้ง",
    "glossary: ไจก้า → JICA (terms: listed form)": "แก้ตามอภิธานศัพท์: “«ไจก้า»” เป็น “«JICA»” (หมวด «terms» ตรงกับรูปที่ระบุไว้)",
    "glossary: กรมควบคุมมลพิด → กรมควบคุมมลพิษ (agencies: similar spelling 0.93)": (
        "แก้ตามอภิธานศัพท์: “«กรมควบคุมมลพิด»” เป็น “«กรมควบคุมมลพิษ»” (หมวด «agencies» สะกดใกล้เคียง 0.93)"
    ),
    "number: สามสิบ → 30 (written in digits)": "ตัวเลข: “«สามสิบ»” เป็น “«30»” (เขียนเป็นตัวเลข)",
    "number: 13:30 → 13.30 (a time is written with a full stop)": (
        "ตัวเลข: “«13:30»” เป็น “«13.30»” (เวลาเขียนด้วยจุด ไม่ใช้ทวิภาค)"
    ),
    "redecoded: this speech got no usable words when decoded with its neighbours": (
        "ถอดความใหม่: ช่วงนี้ไม่ได้คำที่ใช้ได้เมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก"
    ),
    "redecoded: speech left without usable words": (
        "ถอดความใหม่: ช่วงนี้ไม่ได้คำที่ใช้ได้เมื่อถอดความรวมกับช่วงข้างเคียง จึงถอดความแยก"
    ),
    REPEATED: REPEATED_TH,
    f"unheard: {transcribe.UNHEARD_NOTE}": "มีเสียงพูดแต่ถอดความไม่ได้ โปรดฟังช่วงนี้",
    f"unheard: {transcribe.UNHEARD_NOTE} (heard as, unsure: อืม (ไอ) ครับ)": (
        "มีเสียงพูดแต่ถอดความไม่ได้ โปรดฟังช่วงนี้ (ได้ยินคล้าย แต่ไม่แน่ใจ: “«อืม (ไอ) ครับ»”)"
    ),
    f"unheard: {transcribe.WEAK_NOTE}": "มีเสียงคล้ายเสียงพูดที่ตัวตรวจจับเสียงพูดไม่ผ่าน จึงไม่ได้ถอดความ โปรดฟังช่วงนี้",
    UNHEARD_TRACK: UNHEARD_TRACK_TH,
    f"unheard: {transcribe.TURN_NOTE.format(source='diarisation')}": (
        "มีผู้พูดในช่วงนี้ (แยกเสียงผู้พูดจากบันทึกเสียง) แต่ถอดความไม่ได้ โปรดฟังช่วงนี้"
    ),
    "corrected": "ผู้ตรวจแก้ข้อความนี้แล้ว",
    "a flag from a stage the page does not know": "หมายเหตุจากระบบ: «a flag from a stage the page does not know»",
}


def _shown(parts: list) -> str:
    return "".join(f"«{text}»" if is_data else text for text, is_data in parts)


def test_every_flag_the_stages_write_reads_in_thai() -> None:
    for flag, thai in FLAGS.items():
        parts = review.thai_flag(flag)
        assert _shown(parts) == thai, flag
        if flag != "a flag from a stage the page does not know":
            assert not re.search(r"[A-Za-z]", "".join(t for t, is_data in parts if not is_data)), flag


def test_speaker_sources_read_in_thai() -> None:
    sources = {
        "given": "ชื่อผู้พูดที่มีมาในไฟล์ถอดความ",
        "reviewer": "ผู้ตรวจตั้งชื่อผู้พูด",
        "diarisation": "แยกเสียงผู้พูดจากบันทึกเสียง",
        "Zoom per-participant track": "ไฟล์เสียงแยกรายผู้เข้าร่วมของซูม",
        "Zoom timeline (active speaker)": "ไทม์ไลน์ของซูม (ผู้ที่กำลังพูด)",
        "Zoom transcript (speaker names)": "ไฟล์ถอดความของซูม (ชื่อผู้พูด)",
        "Zoom captions (speaker names)": "คำบรรยายของซูม (ชื่อผู้พูด)",
        "voice library (0.72)": "คลังเสียงที่รู้จัก (ความคล้าย 0.72)",
        "unknown: one mixed track, no speaker data": "ไม่ทราบผู้พูด: บันทึกเสียงรวมแทร็กเดียว ไม่มีข้อมูลผู้พูด",
        "unknown: no usable speaker data (passed over: tracks, hints; see run.json)": (
            "ไม่ทราบผู้พูด: ไม่มีข้อมูลผู้พูดที่ใช้ได้ (รายละเอียดในไฟล์ผลการทำงาน)"
        ),
    }
    for source, thai in sources.items():
        assert review.thai_source(source) == thai
        assert not re.search(r"[A-Za-z]", thai)


def _words(text: str, start: float, end: float, low: set[str]) -> list[dict]:
    pieces = text.split(" ")
    step = (end - start) / len(pieces)
    return [
        {
            "start": start + k * step,
            "end": start + (k + 1) * step,
            "text": (" " if k else "") + p,
            "probability": 0.2 if p in low else 0.9,
        }
        for k, p in enumerate(pieces)
    ]


def flagged_transcript(folder: Path) -> Path:
    """A reviewed-style transcript.json whose lines carry every kind of flag, some English data."""
    lines = [
        (0.5, 5.0, "ประธาน", "เข้าสู่ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ", ["doubtful: low confidence (0.31)"]),
        (
            5.5,
            11.0,
            None,
            "ขอบคุณ JICA ที่สนับสนุนโครงการครับ",
            [
                "dropped: Thanks for watching! (a phrase Whisper writes on silence and music)",
                "glossary: ไจก้า → JICA (terms: listed form)",
            ],
        ),
        (
            11.5,
            16.0,
            "ผู้พูด 2",
            "เริ่มโครงการ เวลา 13.30 น. ครับ",
            [
                "number: 13:30 → 13.30 (a time is written with a full stop)",
                "loop: ครับ ×4 written once",
                "redecoded: the first decoding repeated นะครับ ×3",
            ],
        ),
        (
            16.5,
            19.0,
            "ผู้พูด 2",
            "ที่ประชุมรับทราบนะครับ",
            [
                "doubtful: may not be speech (no-speech probability 0.71)",
                "dropped: (music) (a sound label, not speech)",
            ],
        ),
        (19.5, 22.0, "ประธาน", "เข้าสู่ระเบียบวาระที่ 4 เรื่องเพื่อพิจารณา", [REPEATED]),
        (22.5, 25.0, "นายเอก ทดสอบ", "[ฟังไม่ชัด]", [UNHEARD_TRACK]),
    ]
    segments = [
        {
            "id": i,
            "start": a,
            "end": b,
            "speaker": who,
            "text": text,
            "flags": flags,
            "words": [] if text == "[ฟังไม่ชัด]" else _words(text, a, b, {"JICA"} if i == 1 else set()),
        }
        for i, (a, b, who, text, flags) in enumerate(lines)
    ]
    segments[1]["overlapping"] = ["นายเอก ทดสอบ"]
    source = folder / "transcript.json"
    source.write_text(json.dumps({"language": "th", "segments": segments}, ensure_ascii=False), encoding="utf-8")
    (folder / "meeting.yaml").write_text(
        "body: คณะทำงานทดสอบหน้าตรวจ\nagenda:\n  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n  - 4 เรื่องเพื่อพิจารณา\n",
        encoding="utf-8",
    )
    return source


# Every text node the page shows outside data (translate="no"), and every placeholder, tooltip
# and accessible name: the page's own words.
COLLECT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement, text = node.textContent.trim();
    if (!text || parent.closest('[translate="no"], script, style')) continue;
    if (!parent.closest('select') && !parent.checkVisibility()) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (!el.closest('#speaker-form') && !el.checkVisibility()) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  out.push(document.title);
  return out;
}"""

# The page's own words for the transcript and meeting above, written by hand (strings holding a
# letter; times and punctuation alone are left out). OPTIONAL ones depend on what the minutes
# engine finds in the lines; the agenda menu's "วาระ N" entries are checked by their pattern.
UI_STRINGS = {
    # header, keys, panes
    "ตรวจร่าง: รายงานการประชุม",
    "ทำเครื่องหมายว่าตรวจแล้ว",
    "เว้นวรรค",
    "เล่น/หยุด ·",
    "จุดที่ควรตรวจถัดไป ·",
    "ค้นหา",
    "ค้นหาในบันทึก (/)",
    "ค้นหาในบันทึกคำพูด",
    "ร่างรายงานการประชุม",
    "บันทึกคำพูด",
    "ตรวจร่าง: รายงานการประชุมคณะทำงานทดสอบหน้าตรวจ",  # the tab's title: the body's name after the label
    # the minutes pane
    "ระเบียบวาระที่",
    "มติที่ประชุม",
    # the transcript pane: speakers, menus, tooltips
    "ไม่ทราบผู้พูด",
    "ย้ายไปวาระ",
    "ชื่อผู้พูดที่มีมาในไฟล์ถอดความ",
    "ไม่ทราบผู้พูด: บันทึกเสียงรวมแทร็กเดียว ไม่มีข้อมูลผู้พูด",
    "ความมั่นใจ 0.20",
    "(พูดพร้อมกับ",
    # the flags, in pieces around their data
    "ไม่แน่ใจ: โมเดลมั่นใจในคำเหล่านี้ต่ำ (0.31)",
    "ตัดออก: “",
    "วลีที่โมเดลถอดความมักเขียนขึ้นเองในช่วงเงียบหรือมีเพลง",
    "แก้ตามอภิธานศัพท์: “",
    "” เป็น “",
    "” (หมวด",
    "ตรงกับรูปที่ระบุไว้)",
    "ตัวเลข: “",
    "เวลาเขียนด้วยจุด ไม่ใช้ทวิภาค",
    "คำพูดวนซ้ำ เขียนไว้ครั้งเดียว:",
    "” ซ้ำ 4 ครั้ง",
    "ถอดความใหม่: ครั้งแรกถอดได้คำซ้ำ",
    "” ซ้ำ 3 ครั้ง",
    "ไม่แน่ใจ: อาจไม่ใช่เสียงพูด (โอกาสที่ไม่ใช่เสียงพูด 0.71)",
    "ป้ายบอกเสียง ไม่ใช่คำพูด",
    REPEATED_TH,
    UNHEARD_TRACK_TH,
    # the speaker form
    "เปลี่ยนทุกบรรทัดของผู้พูดนี้",
    "ตกลง",
    "ชื่อผู้พูด",
}
OPTIONAL_STRINGS = {"มอบหมาย", "ภายในวันที่", "หมายเหตุถึงผู้ตรวจ:"}
AFTER_EDIT = {"ผู้ตรวจแก้ข้อความนี้แล้ว"}  # the flag a corrected line gets
# What is data stays as written, marked not to be translated.
DATA = ["Thanks for watching!", "JICA", "terms", "(music)", "นายเอก ทดสอบ", "ประธาน", "ผู้พูด 2"]


def _ui_strings(page) -> set[str]:  # noqa: ANN001
    return {s for s in page.evaluate(COLLECT) if re.search(r"[^\W\d_]", s)}


def _check_thai(strings: set[str], expected: set[str]) -> None:
    english = sorted(s for s in strings if re.search(r"[A-Za-z]", s))
    assert not english, f"English on the page: {english}"
    menu = {s for s in strings if re.fullmatch(r"วาระ [\d.]+", s)}
    assert menu >= {"วาระ 1", "วาระ 4"}
    rest = strings - menu
    assert expected <= rest, f"missing: {sorted(expected - rest)}"
    assert rest <= expected | OPTIONAL_STRINGS | AFTER_EDIT, (
        f"not on the list: {sorted(rest - expected - OPTIONAL_STRINGS)}"
    )


def test_the_page_has_no_english_ui_text(tmp_path: Path, browser) -> None:  # noqa: ANN001
    folder = tmp_path / "หน้าตรวจ"
    folder.mkdir()
    out_dir = runner.run(flagged_transcript(folder), Options(out=tmp_path / "out", pdf=False)).out_dir
    server, url = start(out_dir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector(".line")
        page.locator(".line .speaker").nth(0).click()  # the speaker form's words too
        shot(page, "review-thai")
        _check_thai(_ui_strings(page), UI_STRINGS)
        for value in DATA:
            assert page.locator("[translate=no]", has_text=value).count(), value
        assert page.locator("kbd[translate=no]").all_inner_texts() == ["N", "/"]  # key caps, as printed

        page.keyboard.press("Escape")
        text = page.locator(".line").nth(0).locator("[contenteditable]")
        text.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("เข้าสู่ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบครับ")
        page.keyboard.press("Enter")
        page.wait_for_selector("#status:has-text('บันทึกแล้ว')")
        assert re.fullmatch(r"บันทึกแล้ว [\d:]+", page.inner_text("#status"))
        after = _ui_strings(page) - {page.inner_text("#status")}
        _check_thai(after, (UI_STRINGS | AFTER_EDIT) - {"เปลี่ยนทุกบรรทัดของผู้พูดนี้", "ตกลง"})
    finally:
        server.shutdown()
    static = review.write_static(out_dir)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(static.as_uri())
    page.wait_for_selector(".line")
    strings = _ui_strings(page)
    assert not [s for s in strings if re.search(r"[A-Za-z]", s)]


def test_n_reaches_the_repeated_and_unheard_lines_each_with_its_thai_note(tmp_path: Path, browser) -> None:  # noqa: ANN001
    folder = tmp_path / "หน้าตรวจ"
    folder.mkdir()
    out_dir = runner.run(flagged_transcript(folder), Options(out=tmp_path / "out", pdf=False)).out_dir
    (out_dir / review.AUDIO).parent.mkdir(exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=30", "-ar", "16000", str(out_dir / review.AUDIO))
    server, url = start(out_dir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_selector(".line")
        visited = []
        for _ in range(6):
            page.keyboard.press("n")
            visited.append(round(page.evaluate("document.getElementById('player').currentTime"), 2))
        assert visited == [0.5, 5.5, 11.5, 16.5, 19.5, 22.5]  # every flagged line in turn, the last two included
        repeated = page.locator(".line", has_text="เข้าสู่ระเบียบวาระที่ 4")
        assert REPEATED_TH in repeated.locator(".flags").inner_text()
        unheard = page.locator(".line", has_text="[ฟังไม่ชัด]")
        assert UNHEARD_TRACK_TH in unheard.locator(".flags").inner_text()
        assert "นายเอก ทดสอบ" in unheard.inner_text()  # the speaker the turn was found for
    finally:
        server.shutdown()
