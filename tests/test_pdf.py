"""minutes.pdf: the DOCX through LibreOffice, Thai fonts embedded; a machine without LibreOffice
gets one line saying how to get the PDF, and the run still succeeds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import render
from pipeline.cli import app
from pipeline.render import minutes_files
from tests.test_render import ORDER, make_minutes, make_transcript

SCRIPTED = Path(__file__).parent / "data" / "scripted" / "formal.json"
HAVE_OFFICE = render.find_soffice() is not None and shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_office = pytest.mark.skipif(
    not HAVE_OFFICE,
    reason="needs LibreOffice and poppler-utils (apt-get install libreoffice-writer-nogui poppler-utils)",
)
# Tone marks and vowels written above or below a consonant: a PDF's text layer may give them after
# the next letter (`ครัง้` for `ครั้ง`) and split words around them, so text is compared without them.
MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\\s]")


def _bare(text: str) -> str:
    return MARKS.sub("", text)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.MULTILINE).group(1))


def pdf_fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) for every font of the PDF."""
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(line.split()[0], line.split()[-5]) for line in listed.splitlines()[2:] if line.strip()]


def cli(*args: str):  # noqa: ANN202
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def scripted(tmp_path: Path) -> Path:
    """A transcript.json (no audio: nothing to transcribe) with a meeting.yaml beside it."""
    folder = tmp_path / "ประชุม ทดสอบ"
    folder.mkdir()
    (folder / "transcript.json").write_bytes(SCRIPTED.read_bytes())
    (folder / "meeting.yaml").write_text(
        "body: คณะทำงานทดสอบการพิมพ์\nsession: 2/2569\ndate: 2026-05-25\nstart_time: '09.30'\n"
        "members_present:\n  - {name: นางสาวกานดา มีสุข, position: นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ}\n",
        encoding="utf-8",
    )
    return folder / "transcript.json"


# --------------------------------------------------------------------------------------------
# With LibreOffice


@needs_office
def test_pdf_holds_the_thai_text_in_the_official_order(tmp_path: Path) -> None:
    docx = minutes_files(make_minutes(), make_transcript())["minutes.docx"]
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(render.minutes_pdf(docx))
    text = pdf_text(pdf)
    position, bare = 0, _bare(text)
    for part in ["ร่าง", *ORDER]:
        found = bare.find(_bare(part), position)
        assert found >= 0, f"{part!r} missing from the PDF or out of order"
        position = found + len(_bare(part))
    # The attendee table's cells stay side by side: name, position and note on one line.
    row = next(line for line in text.splitlines() if "ติดราชการ" in line)
    assert _bare(row).startswith(_bare("1. นางมาลี ศรีสุข")) and _bare("ผู้อำนวยการกองคลัง") in _bare(row)
    assert 1 <= pdf_pages(pdf) <= 3  # a one-page meeting's minutes: two pages here, never a page a line


@needs_office
def test_pdf_embeds_a_thai_font_on_a4(tmp_path: Path) -> None:
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(render.minutes_pdf(minutes_files(make_minutes(), make_transcript())["minutes.docx"]))
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded == "yes" for _, embedded in fonts), fonts
    names = " ".join(name for name, _ in fonts)
    assert any(f.replace(" ", "") in names for f in ("THSarabunNew", "Laksaman", "Sarabun")), names
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Page size:       595.3 x 841.89 pts (A4)" in info or "595.304 x 841.89 pts (A4)" in info
    assert re.search(r"^Title:\s+รายงานการประชุมคณะทำงานขับเคลื่อนแผนแม่บทดิจิทัล ครั้งที่ 1/2569$", info, re.MULTILINE)


@needs_office
def test_the_same_draft_gives_the_same_pdf() -> None:
    """As the DOCX: a rerun rewrites nothing, and two archives drafted apart hold the same files."""
    docx = minutes_files(make_minutes(), make_transcript())["minutes.docx"]
    first = render.minutes_pdf(docx)
    time.sleep(1.1)  # LibreOffice stamps the second of the conversion
    assert render.minutes_pdf(docx) == first
    assert b"/CreationDate(D:20260319063000" in first  # the meeting's start (UTC), as in the DOCX


@needs_office
def test_minutes_run_writes_the_pdf_beside_the_docx(scripted: Path, tmp_path: Path) -> None:
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "ประชุม ทดสอบ"
    assert str(folder / "minutes.pdf") in result.output and "LibreOffice" not in result.output
    pdf = folder / "minutes.pdf"
    text = _bare(pdf_text(pdf))
    assert _bare("รายงานการประชุมคณะทำงานทดสอบการพิมพ์") in text and _bare("ครั้งที่ 2/2569") in text
    assert _bare("นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ") in text
    assert 1 <= pdf_pages(pdf) <= 6
    assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["options"]["pdf"] is True
    assert not list(folder.glob(".*.tmp"))  # written through a temporary file, as every export
    again = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert again.exit_code == 0 and "nothing to redo" in again.output and str(pdf) in again.output


@needs_office
def test_no_pdf_option(scripted: Path, tmp_path: Path) -> None:
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"), "--no-pdf")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "ประชุม ทดสอบ"
    assert (folder / "minutes.docx").is_file() and not (folder / "minutes.pdf").exists()
    assert "minutes.pdf" not in result.output and "LibreOffice" not in result.output
    # Asked for later, the PDF is made without drafting again.
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0 and "ran render" in result.output and (folder / "minutes.pdf").is_file()


@needs_office
def test_a_pdf_someone_changed_is_never_written_over(scripted: Path, tmp_path: Path) -> None:
    assert cli("run", str(scripted), "--out", str(tmp_path / "out")).exit_code == 0
    folder = tmp_path / "out" / "ประชุม ทดสอบ"
    signed = (folder / "minutes.pdf").read_bytes() + b"\n% signed by the secretary\n"
    (folder / "minutes.pdf").write_bytes(signed)
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"), "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "minutes.pdf").read_bytes() == signed
    assert (folder / "minutes.new.pdf").read_bytes().startswith(b"%PDF")
    assert str(folder / "minutes.new.pdf") in result.output


@needs_office
def test_conversions_at_the_same_time_do_not_clash() -> None:
    docx = minutes_files(make_minutes(), make_transcript())["minutes.docx"]
    results: list[bytes | BaseException] = []

    def convert() -> None:
        try:
            results.append(render.minutes_pdf(docx))
        except BaseException as e:  # noqa: BLE001 - reported by the assert below
            results.append(e)

    threads = [threading.Thread(target=convert) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and all(isinstance(r, bytes) and r.startswith(b"%PDF") for r in results), results


# --------------------------------------------------------------------------------------------
# Without LibreOffice


def test_without_libreoffice_one_line_says_how_and_the_run_succeeds(
    scripted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render.pdf, "find_soffice", lambda: None)
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "ประชุม ทดสอบ"
    assert (folder / "minutes.docx").is_file() and not (folder / "minutes.pdf").exists()
    (line,) = [line for line in result.output.splitlines() if "minutes.pdf" in line]
    assert line.strip() == render.NO_OFFICE
    assert "apt-get install libreoffice-writer-nogui" in line and "Word" in line
    # The same line on a run with nothing to redo; and once LibreOffice is there, the PDF is made.
    again = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert again.exit_code == 0 and "nothing to redo" in again.output and render.NO_OFFICE in again.output
    assert "--no-pdf" in render.NO_OFFICE
    quiet = cli("run", str(scripted), "--out", str(tmp_path / "out"), "--no-pdf")
    assert quiet.exit_code == 0 and "minutes.pdf" not in quiet.output
    if HAVE_OFFICE:
        monkeypatch.undo()
        later = cli("run", str(scripted), "--out", str(tmp_path / "out"))
        assert later.exit_code == 0 and (folder / "minutes.pdf").is_file()


@pytest.mark.skipif(sys.platform != "linux", reason="LibreOffice is looked for outside PATH on Windows and macOS")
def test_without_libreoffice_on_the_path_the_real_lookup_finds_none(
    scripted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert render.find_soffice() is None
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert render.NO_OFFICE in result.output
    assert not (tmp_path / "out" / "ประชุม ทดสอบ" / "minutes.pdf").exists()


def test_a_libreoffice_that_fails_is_one_line_too(
    scripted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.name == "nt":
        pytest.skip("a shell script stands in for soffice")
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(render.pdf, "find_soffice", lambda: str(broken))
    result = cli("run", str(scripted), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    # (one more minutes.pdf line, the font warning, where Laksaman is not installed)
    (line,) = [line for line in result.output.splitlines() if "minutes.pdf not made" in line]
    assert "LibreOffice" in line and "exited 1" in line and "source file could not be loaded" in line
    assert not (tmp_path / "out" / "ประชุม ทดสอบ" / "minutes.pdf").exists()


def test_soffice_is_looked_for_in_program_files_on_windows() -> None:
    places = render.install_places(
        "nt", {"ProgramFiles": r"C:\Program Files", "ProgramFiles(x86)": r"C:\Program Files (x86)"}
    )
    assert places == [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ]
    assert render.install_places("darwin", {}) == ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    assert render.install_places("linux", {}) == []


# --------------------------------------------------------------------------------------------
# Which Thai font the PDF gets


def test_the_official_font_is_used_where_it_is_installed() -> None:
    fonts = render.pdf_fonts({"TH Sarabun New", "DejaVu Sans"})
    assert fonts.replace == ["TH SarabunPSK", "TH SarabunIT๙"] and fonts.substitute == "TH Sarabun New"
    assert not fonts.note and fonts.folder is None
    assert render.pdf_fonts({"TH Sarabun New", "TH SarabunPSK", "TH SarabunIT๙"}).replace == []


def test_laksaman_stands_in_for_the_official_fonts() -> None:
    fonts = render.pdf_fonts({"Laksaman", "DejaVu Sans", "Sarabun"})
    assert fonts.replace == ["TH Sarabun New", "TH SarabunPSK", "TH SarabunIT๙"] and fonts.substitute == "Laksaman"


def test_without_a_thai_font_the_note_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render.pdf, "_packaged_font_dir", lambda: None)
    fonts = render.pdf_fonts({"DejaVu Sans"})
    assert fonts.replace == [] and "fonts-thai-tlwg" in fonts.note and "fontpkg-sarabun" in fonts.note
    assert render.pdf_fonts(None).replace == []  # cannot tell (no fontconfig): LibreOffice's own fallback


def test_the_profile_maps_each_missing_font(tmp_path: Path) -> None:
    profile = render.pdf._profile(tmp_path, render.PdfFonts(["TH Sarabun New", "TH SarabunIT๙"], "Laksaman"))
    xcu = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert xcu.count("<value>Laksaman</value>") == 2
    assert "<value>TH Sarabun New</value>" in xcu and "<value>TH SarabunIT๙</value>" in xcu
    plain = render.pdf._profile(tmp_path / "other", render.PdfFonts())
    assert "FontPairs" not in (plain / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")


@needs_office
@pytest.mark.skipif(
    render.pdf._packaged_font_dir() is None, reason="needs fontpkg-sarabun (pip install fontpkg-sarabun)"
)
def test_fontpkg_sarabun_stands_in_where_no_thai_font_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render.pdf, "installed_fonts", lambda: {"DejaVu Sans"})
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(render.minutes_pdf(minutes_files(make_minutes(), make_transcript())["minutes.docx"]))
    assert any("Sarabun" in name for name, _ in pdf_fonts(pdf))
