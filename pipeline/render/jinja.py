"""minutes.md and minutes.html from Jinja2 templates over the view.

The built-in templates render with plain Jinja; a --templates folder is someone else's code, so
its templates render in Jinja's sandbox within a time and an output limit."""

from __future__ import annotations

import contextlib
import functools
import re
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from pipeline import thaidate
from pipeline.errors import MinutesError
from pipeline.render.view import (
    MARKDOWN_TEMPLATE,
    PACKAGE_TEMPLATES,
    PEOPLE_COLUMNS,
    PEOPLE_INDENT,
    PEOPLE_NUMBER,
    blank,
    clock,
)
from pipeline.thaidate import BLANK

# A --templates folder is someone else's code: its templates render in Jinja's sandbox (no
# attribute starting with _, no changing lists or dicts, no huge ranges, strings or powers), within
# a time and an output limit, and a template file must be a regular file of modest size.
TEMPLATE_SECONDS = 20.0  # the built-in templates render a two-hour meeting in well under a second
TEMPLATE_OUTPUT = 50_000_000  # characters a template may write
TEMPLATE_FILE = 2 * 1024 * 1024  # bytes of one template file
_MAX_REPEAT = 1_000_000  # items or characters that one `*` of a template may make
_WIDE = re.compile(r"\d{6,}")  # a format width of a million characters or more


class TemplateLimit(Exception):
    """A user template went past what a template may do or take."""


class _UserLoader(jinja2.FileSystemLoader):
    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        for folder in self.searchpath:
            path = Path(folder) / template
            try:
                info = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                raise TemplateLimit(f"{path} is not a regular file (a pipe or a device)")
            if info.st_size > TEMPLATE_FILE:
                size, limit = info.st_size // 1024, TEMPLATE_FILE // 1024
                raise TemplateLimit(f"{path} is {size} KB; a template is at most {limit} KB")
        return super().get_source(environment, template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, with the few operations that could make gigabytes out of a line refused."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    if max(len(seq), 1) * times > _MAX_REPEAT:
                        raise TemplateLimit(f"`* {times}` would make more than {_MAX_REPEAT} items")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 1000:
            raise TemplateLimit(f"`** {right}` is too large a power")
        if operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise TemplateLimit("a format width of a million characters or more")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_REPEAT:
                raise TemplateLimit(f"the number {value} is too large for a template")
            if isinstance(value, str) and _WIDE.search(value) and "{" in value:
                raise TemplateLimit("a format width of a million characters or more")
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        fmt = getattr(method, "__self__", None)
        if isinstance(fmt, str) and getattr(method, "__name__", "") in ("format", "format_map") and _WIDE.search(fmt):
            raise TemplateLimit("a format width of a million characters or more")
        return super().call(__context, __obj, *args, **kwargs)


def _guarded(function: Any) -> Any:
    """A filter whose numbers (a width, a length, a count) are kept to what a document needs."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_REPEAT:
                raise TemplateLimit(f"the number {value} is too large for a template")
            if isinstance(value, str) and _WIDE.search(value):
                raise TemplateLimit("a format width of a million characters or more")
        return function(*args, **kwargs)

    return guarded


@contextlib.contextmanager
def _time_limit(seconds: float, filenames: set[str]) -> Iterator[None]:
    """Stop a template's own code after `seconds`: its loops and macros run as Python code in
    frames named after the template's file, and a trace function checks the clock in them (works
    in any thread and on Windows, where there is no SIGALRM)."""
    deadline = time.monotonic() + seconds

    def local(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateLimit(f"it ran for more than {seconds:.0f} s")
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in filenames:
            return local(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)


@functools.lru_cache(maxsize=8)  # compiled templates are kept; Jinja reloads a file that changed
def _environment(templates: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]
    if templates is not None:
        loaders.insert(0, _UserLoader(templates))
    kind = jinja2.Environment if templates is None else _Sandbox
    env = kind(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),  # Markdown is not escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_be=thaidate.date_be, time_th=thaidate.time_th, clock=clock, blank=blank, cell=_cell)
    if templates is not None:
        env.filters = {name: _guarded(f) for name, f in env.filters.items()}
        env.globals.pop("lipsum", None)  # pages of Latin on request: nothing a minutes template needs
    env.globals["BLANK"] = BLANK
    # The attendee tables' geometry, so the HTML lays them out as the DOCX does (cm).
    env.globals["PEOPLE"] = {"indent": PEOPLE_INDENT, "columns": PEOPLE_COLUMNS, "number": PEOPLE_NUMBER}
    return env


def _cell(value: str) -> str:
    """A value as one Markdown table cell: its pipes escaped, on one line."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _template_error(
    name: str, filename: str | None, line: int | None, message: str, templates: Path | None
) -> MinutesError:
    own = filename is None or Path(filename).resolve().parent == PACKAGE_TEMPLATES.resolve()
    where = f"template {name if own or not filename else filename}" + (f" line {line}" if line else "")
    message = " ".join(str(message).split())
    advice = (
        "this is a bug in the built-in template"
        if own or templates is None
        else f"fix the template or remove it from --templates {templates}"
    )
    return MinutesError(f"{where}: {message} — {advice}")


def _error_line(exc: BaseException, filename: str | None) -> int | None:
    """The template line where a render-time error happened (Jinja rewrites the traceback)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_markdown(context: dict[str, Any], templates: Path | None = None, name: str = MARKDOWN_TEMPLATE) -> str:
    """Render template `name` (the user's `templates` dir first, then the package's).

    Any Jinja2 template renders this way: `minutes.md.j2`, `minutes.html.j2` (escaped as HTML).
    A broken template raises MinutesError naming its file and line."""
    env = _environment(templates)
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as e:
        raise _template_error(name, e.filename, e.lineno, e.message or "", templates) from e
    except (TemplateLimit, OSError, UnicodeDecodeError, RecursionError, MemoryError) as e:
        where = None if templates is None else str(templates / name)
        raise _template_error(name, where, None, str(e), templates) from e
    if templates is None:
        try:
            text = template.render(**context)
        except Exception as e:  # a bug in our own template
            raise _template_error(name, template.filename, _error_line(e, template.filename), str(e), None) from e
        return text.rstrip() + "\n"
    files = {f for f in (template.filename, *(str(p) for p in Path(templates).glob("*.j2"))) if f}
    pieces: list[str] = []
    size = 0
    try:
        with _time_limit(TEMPLATE_SECONDS, files):
            for piece in template.generate(**context):
                size += len(piece)
                if size > TEMPLATE_OUTPUT:
                    raise TemplateLimit(f"it wrote more than {TEMPLATE_OUTPUT} characters")
                pieces.append(piece)
    except SecurityError as e:
        raise _template_error(
            name, template.filename, _error_line(e, template.filename), f"not allowed in a template ({e})", templates
        ) from e
    except Exception as e:  # any error raised by a user template is the user's to fix
        line = _error_line(e, template.filename)
        message = f"stopped: {e}" if isinstance(e, TemplateLimit) else str(e) or type(e).__name__
        raise _template_error(name, template.filename, line, message, templates) from e
    return "".join(pieces).rstrip() + "\n"
