"""The review page in a real headless Chromium (Playwright), against the real local server."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from pipeline import review, runner
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
