"""The `minutes` command: thin typer commands over plain functions.

Library errors (MinutesError) become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline import __version__
from pipeline.errors import MinutesError

app = typer.Typer(
    help="Draft Thai meeting minutes (รายงานการประชุม) from Zoom recordings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _utf8_console() -> None:
    """Thai must print on Windows consoles and when output is redirected to a file."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def _fail(exc: MinutesError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    _utf8_console()
    logging.basicConfig(format="%(message)s", level=logging.INFO, stream=sys.stderr)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    if version:
        typer.echo(f"thai-minutes {__version__}")
        raise typer.Exit()


@app.command()
def run(
    path: Annotated[Path, typer.Argument(help="Audio/video file, a recording folder, or a transcript.json.")],
    meeting: Annotated[Optional[Path], typer.Option(help="meeting.yaml (default: one beside the recording).")] = None,  # noqa: UP045
    out: Annotated[Path, typer.Option(help="Output root; results go to OUT/<recording-id>/.")] = Path("outputs"),
    model: Annotated[
        str, typer.Option(help="Whisper model: base (embedded), a faster-whisper name such as large-v3, or a folder.")
    ] = "base",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    compute_type: Annotated[
        str, typer.Option(help="CTranslate2 compute type (auto: int8 on CPU, float16 on GPU).")
    ] = "auto",
    speakers: Annotated[str, typer.Option(help="Speaker engine.")] = "none",
    summary: Annotated[str, typer.Option(help="Minutes engine.")] = "rules",
    templates: Annotated[Optional[Path], typer.Option(help="Folder whose templates override the defaults.")] = None,  # noqa: UP045
    thai_digits: Annotated[bool, typer.Option("--thai-digits", help="Write numbers in Thai digits (๐-๙).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redo every stage, even those already done.")] = False,
) -> None:
    """Turn one recording into draft minutes: transcript, minutes.md and minutes.docx."""
    from pipeline import runner

    if device not in ("auto", "cpu", "cuda"):
        _fail(MinutesError(f"unknown device '{device}'. Available: auto, cpu, cuda"))
    options = runner.Options(
        out=out,
        meeting=meeting,
        model=model,
        device=device,
        compute_type=compute_type,
        speakers=speakers,
        summary=summary,
        templates=templates,
        thai_digits=thai_digits,
        force=force,
    )
    try:
        with _AudioProgress() as progress:
            result = runner.run(path, options, progress=progress)
    except MinutesError as exc:
        _fail(exc)
    done = [name for name, t in result.stages.items() if not t.get("cached") and not t.get("skipped")]
    typer.echo(f"{result.out_dir}: {'ran ' + ', '.join(done) if done else 'nothing to redo (all stages cached)'}")
    for f in result.files:
        if f.name.startswith("minutes."):
            typer.echo(f"  {f}")


class _AudioProgress:
    """A progress bar over audio time, shown only while transcription runs."""

    def __init__(self) -> None:
        self.bar = None

    def __enter__(self) -> _AudioProgress:
        return self

    def __call__(self, done: float, total: float) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=round(total, 1),
                unit="s audio",
                desc="transcribing",
                file=sys.stderr,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}]",
            )
        self.bar.update(round(done, 1) - self.bar.n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
