"""Render stage: the draft minutes as Markdown, HTML and DOCX (and PDF), the transcript as txt/srt/vtt.

Every function returns file contents (name -> bytes); the caller writes them. The package's rooms:

    view.py     the view the three drafts share, and the official order of sections (SECTIONS)
    jinja.py    minutes.md and minutes.html from Jinja2 templates (user templates sandboxed)
    docx.py     minutes.docx from the Word template, and the built-in template itself
    pdf.py      minutes.pdf from the DOCX by LibreOffice
    exports.py  transcript.txt, .srt and .vtt
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.render import pdf
from pipeline.render.docx import (
    CHARACTER_STYLES,
    PARAGRAPH_STYLES,
    STYLE_ACTION,
    STYLE_BODY,
    STYLE_HEADING,
    STYLE_LABEL,
    STYLE_MARK,
    STYLE_NOTE,
    STYLE_PEOPLE,
    STYLE_SIGNATURE,
    STYLE_SOURCE,
    STYLE_TITLE,
    docx_template,
    render_docx,
)
from pipeline.render.exports import transcript_files
from pipeline.render.jinja import TEMPLATE_SECONDS, TemplateLimit, render_markdown
from pipeline.render.pdf import NO_OFFICE, NoPdf, PdfFonts, find_soffice, install_places, minutes_pdf, pdf_fonts
from pipeline.render.view import (
    DOCX_TEMPLATE,
    HTML_TEMPLATE,
    MARKDOWN_TEMPLATE,
    PACKAGE_TEMPLATES,
    SECTIONS,
    STYLES,
    DocumentView,
    chat_appendix,
    check_style,
    clock,
    document_view,
)
from pipeline.thaidate import BLANK
from pipeline.types import Minutes, Transcript

__all__ = [
    "BLANK",
    "CHARACTER_STYLES",
    "DOCX_TEMPLATE",
    "HTML_TEMPLATE",
    "MARKDOWN_TEMPLATE",
    "NO_OFFICE",
    "PACKAGE_TEMPLATES",
    "PARAGRAPH_STYLES",
    "SECTIONS",
    "STYLES",
    "STYLE_ACTION",
    "STYLE_BODY",
    "STYLE_HEADING",
    "STYLE_LABEL",
    "STYLE_MARK",
    "STYLE_NOTE",
    "STYLE_PEOPLE",
    "STYLE_SIGNATURE",
    "STYLE_SOURCE",
    "STYLE_TITLE",
    "TEMPLATE_SECONDS",
    "DocumentView",
    "NoPdf",
    "PdfFonts",
    "TemplateLimit",
    "chat_appendix",
    "check_style",
    "check_templates",
    "clock",
    "docx_template",
    "document_view",
    "find_soffice",
    "install_places",
    "minutes_files",
    "minutes_pdf",
    "pdf",
    "pdf_fonts",
    "render_docx",
    "render_markdown",
    "transcript_files",
]


def minutes_files(
    minutes: Minutes,
    transcript: Transcript,
    templates: Path | None = None,
    thai_digits: bool = False,
    style: str = "summarised",
) -> dict[str, bytes]:
    """The draft minutes: {"minutes.md", "minutes.html", "minutes.docx"}.

    `templates` is a user directory whose `minutes.md.j2`, `minutes.html.j2` or `minutes.docx`
    replace the built-in ones; `thai_digits` writes every digit of the document as ๐-๙; `style`
    is one of STYLES. Raises MinutesError with a one-line message when a template is broken.
    """
    view = document_view(minutes, transcript, style)
    context = {
        "doc": view,
        "minutes": minutes,
        "meeting": minutes.meeting,
        "transcript": transcript,
    }
    markdown = thaidate.digits(render_markdown(context, templates), thai_digits)
    html = render_markdown(context, templates, HTML_TEMPLATE)
    html = _thai_digits_html(html) if thai_digits else html
    return {
        "minutes.md": markdown.encode("utf-8"),
        "minutes.html": html.encode("utf-8"),
        "minutes.docx": render_docx(view, thai_digits, templates),
    }


def _thai_digits_html(html: str) -> str:
    """Thai digits in the page's text only: the style sheet and the tags keep theirs (`16pt`)."""
    parts = re.split(r"(<style\b.*?</style>|<[^>]*>)", html, flags=re.DOTALL | re.IGNORECASE)
    return "".join(part if i % 2 else thaidate.thai_digits(part) for i, part in enumerate(parts))


def check_templates(templates: Path | None) -> None:
    """A --templates folder must exist (a typo would otherwise silently give the built-in look)."""
    if templates is not None and not Path(templates).is_dir():
        raise MinutesError(
            f"{templates}: no such folder — give --templates a folder holding minutes.md.j2, "
            "minutes.html.j2 or minutes.docx"
        )
    for name in (MARKDOWN_TEMPLATE, HTML_TEMPLATE, DOCX_TEMPLATE) if templates is not None else ():
        path = Path(templates) / name
        if (path.exists() or path.is_symlink()) and not path.is_file():
            raise MinutesError(f"template {path}: not a regular file (a pipe, a device or a folder) — give a file")
