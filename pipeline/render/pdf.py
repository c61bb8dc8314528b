"""minutes.pdf: the DOCX converted by LibreOffice, Thai fonts embedded, the same bytes for the same DOCX.

The DOCX names TH Sarabun New. Where it (or another government font a template names) is not
installed, LibreOffice is told to use TLWG Laksaman instead: it is derived from TH SarabunPSK and
has its widths, so lines and pages break as they do in Word with the official font (Debian's
fonts-thai-tlwg). Without Laksaman, the Sarabun of the PyPI package fontpkg-sarabun (Google's
Sarabun, about 1 % wider) stands in where fontconfig can be pointed at it (Linux). Each conversion
runs with its own LibreOffice profile, so runs at the same time never share one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path, PureWindowsPath

from pipeline.errors import MinutesError
from pipeline.render.docx import FONT

OFFICIAL_FONTS = ("TH Sarabun New", "TH SarabunPSK", "TH SarabunIT๙")
SUBSTITUTE_FONT = "Laksaman"
PACKAGED_FONT = "Sarabun"  # from fontpkg-sarabun
PDF_TIMEOUT = 300  # seconds: a long verbatim draft takes a while, a hung LibreOffice must not hang the run
# Plain PDF (fonts embedded all the same): LibreOffice's PDF/A writes a colour profile stamped with
# the time of each conversion inside a compressed stream, and the same draft must give the same bytes.
PDF_EXPORT = "pdf:writer_pdf_Export"
NO_OFFICE = (
    "minutes.pdf not made: LibreOffice is not installed — install it (Debian/Ubuntu: apt-get install "
    "libreoffice-writer-nogui; Windows and macOS: libreoffice.org) and run again, or save minutes.docx as "
    "PDF from Word (--no-pdf: no PDF and no note)"
)
NO_THAI_FONT = (
    "minutes.pdf: neither TH Sarabun New nor Laksaman is installed, LibreOffice chose the Thai font — "
    "install fonts-thai-tlwg (Laksaman) or `pip install fontpkg-sarabun` for the official widths"
)


class NoPdf(MinutesError):
    """The PDF could not be made; the message says how to get it. Never fails a run."""


def find_soffice() -> str | None:
    """LibreOffice's `soffice`: on PATH, else where its installers put it on Windows and macOS;
    None when it is not installed. The one seam a test replaces to simulate a machine without it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    system = "nt" if os.name == "nt" else sys.platform
    return next((place for place in install_places(system, os.environ) if Path(place).is_file()), None)


def install_places(system: str, environ: Mapping[str, str]) -> list[str]:
    """Where LibreOffice's installer puts soffice on `system` ("nt", "darwin", ...), off PATH."""
    if system == "nt":
        bases = dict.fromkeys(
            environ[v] for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)") if environ.get(v)
        )
        return [str(PureWindowsPath(base, "LibreOffice", "program", "soffice.exe")) for base in bases]
    if system == "darwin":
        return ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    return []


def installed_fonts() -> set[str] | None:
    """The font families fontconfig knows (Linux, and wherever `fc-list` is); None when it cannot
    tell, and LibreOffice's own font fallback is left alone (Windows has Thai fonts of its own)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in listed.stdout.splitlines() for name in line.split(",") if name.strip()}


def _packaged_font_dir() -> Path | None:
    """The folder of fontpkg-sarabun's TTFs, when that package is installed."""
    spec = importlib.util.find_spec("fontpkg_sarabun")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    return folder if any(folder.glob("Sarabun-*.ttf")) else None


@dataclass
class PdfFonts:
    """How the PDF gets its Thai font: the official ones to replace, by what, and any extra folder."""

    replace: list[str] = field(default_factory=list)
    substitute: str = ""
    folder: Path | None = None  # a font folder fontconfig is told about (fontpkg-sarabun)
    note: str = ""  # for the user, when no good Thai font is there


def pdf_fonts(installed: set[str] | None) -> PdfFonts:
    """Which substitute stands in for the official fonts that `installed` lacks."""
    if installed is None:
        return PdfFonts()
    missing = [f for f in OFFICIAL_FONTS if f not in installed]
    if FONT in installed or not missing:
        return PdfFonts(replace=[f for f in missing if f != FONT], substitute=FONT if missing else "")
    if SUBSTITUTE_FONT in installed:
        return PdfFonts(missing, SUBSTITUTE_FONT)
    folder = _packaged_font_dir() if os.name != "nt" and sys.platform != "darwin" else None
    if PACKAGED_FONT in installed or folder is not None:
        return PdfFonts(missing, PACKAGED_FONT, None if PACKAGED_FONT in installed else folder)
    return PdfFonts(note=NO_THAI_FONT)


def _profile(root: Path, fonts: PdfFonts) -> Path:
    """A fresh LibreOffice profile whose font replacement table maps the official fonts to the substitute."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    pairs = "".join(
        f'<node oor:name="_{i}" oor:op="replace">'
        '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{font}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{fonts.substitute}</value></prop></node>'
        for i, font in enumerate(fonts.replace)
    )
    table = (
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>'
        if pairs
        else ""
    )
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{table}</oor:items>\n',
        encoding="utf-8",
    )
    return profile


def _fontconfig(root: Path, folder: Path) -> Path:
    """A fontconfig file: the system's configuration plus `folder`."""
    conf = root / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{html_escape(str(folder))}</dir>\n  <cachedir>{html_escape(str(root / 'fc-cache'))}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def minutes_pdf(docx: bytes, notes: list[str] | None = None) -> bytes:
    """The DOCX as PDF by LibreOffice, Thai fonts embedded, the same bytes for the same DOCX. Raises
    NoPdf (one line saying how to get the PDF) when LibreOffice is absent or fails; a note about the
    fonts goes to `notes`."""
    soffice = find_soffice()
    if soffice is None:
        raise NoPdf(NO_OFFICE)
    fonts = pdf_fonts(installed_fonts())
    if fonts.note and notes is not None:
        notes.append(fonts.note)
    with tempfile.TemporaryDirectory(prefix="minutes-pdf-") as tmp:
        root = Path(tmp)
        source = root / "in" / "minutes.docx"
        source.parent.mkdir()
        source.write_bytes(docx)
        env = dict(os.environ)
        if fonts.folder is not None:
            env["FONTCONFIG_FILE"] = str(_fontconfig(root, fonts.folder))
        command = [
            soffice,
            f"-env:UserInstallation={_profile(root, fonts).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--convert-to",
            PDF_EXPORT,
            "--outdir",
            str(root / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                env=env,
                timeout=PDF_TIMEOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=os.name != "nt",  # so a hung LibreOffice is ended with its children
            )
        except subprocess.TimeoutExpired:
            raise NoPdf(
                f"minutes.pdf not made: LibreOffice ({soffice}) took over {PDF_TIMEOUT} s — "
                "save minutes.docx as PDF from Word or LibreOffice"
            ) from None
        except OSError as e:
            raise NoPdf(
                f"minutes.pdf not made: {soffice} does not start ({e.strerror}) — reinstall LibreOffice, "
                "or save minutes.docx as PDF from Word"
            ) from None
        target = root / "out" / "minutes.pdf"
        if not target.is_file() or not target.read_bytes().startswith(b"%PDF"):
            said = " ".join((done.stderr or b"").decode("utf-8", "replace").split())[-300:]
            raise NoPdf(
                f"minutes.pdf not made: LibreOffice ({soffice}) exited {done.returncode} without a PDF"
                + (f" ({said})" if said else "")
                + " — save minutes.docx as PDF from Word or LibreOffice"
            )
        return _reproducible(target.read_bytes(), docx)


def _reproducible(pdf: bytes, docx: bytes) -> bytes:
    """The PDF with what LibreOffice stamps on each conversion made from the DOCX instead: the
    creation date is the DOCX's (the meeting's start), the file identifiers a hash of the DOCX.
    Every value keeps its length, so the cross-reference table stays right."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
        found = re.search(r"<dcterms:created[^>]*>(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})", core)
        stamp = "".join(found.groups()).encode() if found else b"20000101000000"
    except (KeyError, zipfile.BadZipFile):
        stamp = b"20000101000000"
    digest = hashlib.sha256(docx).hexdigest().upper().encode()
    pdf = re.sub(rb"/(CreationDate|ModDate)\(D:\d{14}", lambda m: b"/" + m[1] + b"(D:" + stamp, pdf)
    pdf = re.sub(
        rb"/ID \[ ?<[0-9A-F]{32}>\s*<[0-9A-F]{32}> ?\]",
        lambda m: re.sub(rb"<[0-9A-F]{32}>", b"<" + digest[:32] + b">", m[0]),
        pdf,
    )
    return re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + digest[32:64], pdf)
