"""The `minutes` command: thin typer commands over plain functions.

Library errors (MinutesError) become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
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
    typer.echo(f"error: {' '.join(str(exc).split())}", err=True)
    raise typer.Exit(exc.exit_code)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """What the user can fix is one line and exit 2; Ctrl-C is one line too (run again to go on)."""
    try:
        yield
    except MinutesError as exc:
        _fail(exc)
    except OSError as exc:  # a file the checks could not foresee (a disk full or gone)
        from pipeline.runner import os_message

        _fail(MinutesError(os_message(exc)))
    except KeyboardInterrupt:
        typer.echo("error: interrupted; run the same command again to go on from where it stopped", err=True)
        raise typer.Exit(130) from None


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


SUMMARY_HELP = (
    "Minutes engine: rules (offline), or llm (an OpenAI-compatible server: set MINUTES_LLM_URL and "
    "MINUTES_LLM_MODEL; every claim it makes is checked against the recording)."
)
STYLE_HELP = "verbatim (every utterance), summarised (the points of discussion) or resolutions (resolutions only)."
TEMPLATES_HELP = "Folder whose minutes.md.j2, minutes.html.j2 or minutes.docx (Word) replace the built-in ones."
GLOSSARY_HELP = (
    "glossary.yaml: names and terms as they must be written, corrected in the transcript "
    "(repeatable; default: a glossary.yaml beside the recording)."
)
DIGITS_HELP = "How numbers are written: arabic (0-9) or thai (๐-๙; the minutes too)."
PDF_HELP = "Also write minutes.pdf from the DOCX (needs LibreOffice; without it, one line says how to get it)."
BATCH_HELP = "Speech windows decoded together (0: chosen from the device and its memory; 1: one at a time)."
VOICES_HELP = "Voice library: a folder of <name>/*.wav|m4a; diarised speakers whose voice it knows get that name."


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
    batch_size: Annotated[int, typer.Option(help=BATCH_HELP, min=0)] = 0,
    speakers: Annotated[
        str,
        typer.Option(
            help="Speaker engine: auto (Zoom tracks, else Zoom's timeline/VTT, else diarisation if installed, "
            "else none), tracks, hints, diarize, pyannote, none."
        ),
    ] = "auto",
    summary: Annotated[str, typer.Option(help=SUMMARY_HELP)] = "rules",
    style: Annotated[str, typer.Option(help=STYLE_HELP)] = "summarised",
    templates: Annotated[Optional[Path], typer.Option(help=TEMPLATES_HELP)] = None,  # noqa: UP045
    thai_digits: Annotated[bool, typer.Option("--thai-digits", help="Write numbers in Thai digits (๐-๙).")] = False,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help=PDF_HELP)] = True,
    force: Annotated[bool, typer.Option("--force", help="Redo every stage, even those already done.")] = False,
    direct_messages: Annotated[
        bool, typer.Option("--direct-messages", help="Include the Zoom chat's direct messages (left out by default).")
    ] = False,
    glossary: Annotated[Optional[list[Path]], typer.Option(help=GLOSSARY_HELP)] = None,  # noqa: UP045
    digits: Annotated[str, typer.Option(help=DIGITS_HELP)] = "arabic",
    num_speakers: Annotated[Optional[int], typer.Option(help="Diarisation: exactly this many speakers.")] = None,  # noqa: UP045
    min_speakers: Annotated[Optional[int], typer.Option(help="Diarisation: at least this many speakers.")] = None,  # noqa: UP045
    max_speakers: Annotated[Optional[int], typer.Option(help="Diarisation: at most this many speakers.")] = None,  # noqa: UP045
    voices: Annotated[Optional[Path], typer.Option(help=VOICES_HELP)] = None,  # noqa: UP045
) -> None:
    """Turn one recording into draft minutes: transcript, minutes.md, minutes.docx and minutes.pdf."""
    from pipeline import diarize, runner

    if device not in ("auto", "cpu", "cuda"):
        _fail(MinutesError(f"unknown device '{device}'. Available: auto, cpu, cuda"))
    if digits not in ("arabic", "thai"):
        _fail(MinutesError(f"unknown digits '{digits}'. Available: arabic, thai"))
    options = runner.Options(
        out=out,
        meeting=meeting,
        model=model,
        device=device,
        compute_type=compute_type,
        batch_size=batch_size,
        speakers=speakers,
        summary=summary,
        style=style,
        templates=templates,
        thai_digits=thai_digits or digits == "thai",  # Thai digits asked for: the minutes too
        pdf=pdf,
        force=force,
        direct_messages=direct_messages,
        glossary=list(glossary or []),
        digits=digits,
        diarization=diarize.Settings(num_speakers, min_speakers, max_speakers, str(voices) if voices else None),
    )
    with _errors():
        with _AudioProgress() as progress:
            result = runner.run(path, options, progress=progress)
    done = [name for name, t in result.stages.items() if not t.get("cached") and not t.get("skipped")]
    typer.echo(f"{result.out_dir}: {'ran ' + ', '.join(done) if done else 'nothing to redo (all stages cached)'}")
    for f in result.files:
        if f.name.startswith("minutes."):
            typer.echo(f"  {f}")
    for note in result.notes:
        typer.echo(f"  {note}")
    _say_speakers(result.speakers or {})


@app.command()
def render(
    outdir: Annotated[Path, typer.Argument(help="A folder `minutes run` wrote for a recording (OUT/<recording-id>).")],
    style: Annotated[str, typer.Option(help=STYLE_HELP)] = "summarised",
    templates: Annotated[Optional[Path], typer.Option(help=TEMPLATES_HELP)] = None,  # noqa: UP045
    thai_digits: Annotated[bool, typer.Option("--thai-digits", help="Write numbers in Thai digits (๐-๙).")] = False,
) -> None:
    """Render minutes.md, .html and .docx again from the stored results, in seconds (no transcription)."""
    from pipeline import runner

    options = runner.Options(style=style, templates=templates, thai_digits=thai_digits)
    with _errors():
        result = runner.render_stored(outdir, options)
    typer.echo(f"{result.out_dir}: rendered ({options.style}) in {result.stages['render']['seconds']:.1f} s")
    for f in result.files:
        typer.echo(f"  {f}")
    for note in result.notes:
        typer.echo(f"  {note}")


@app.command()
def speakers(
    outdir: Annotated[Path, typer.Argument(help="A folder `minutes run` wrote for a recording (OUT/<recording-id>).")],
    rename: Annotated[
        list[str], typer.Option(help='"ผู้พูด 2=นายสมชาย ใจดี": give a speaker a name (repeatable).')
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
) -> None:
    """List the speakers of a drafted recording, or rename them and draft again (no transcription)."""
    from pipeline import rename as renaming

    with _errors():
        if rename:
            files = renaming.rename(outdir, renaming.parse_renames(rename))
            typer.echo(f"{outdir}: renamed {len(rename)} speaker(s)")
            for f in files:
                typer.echo(f"  {f}")
            return
        for name, seconds in renaming.speaking_time(outdir).items():
            typer.echo(f"{name}\t{seconds:.0f} s")


def _say_speakers(report: dict) -> None:
    """One line on where the speaker names came from (run.json has the details)."""
    if report.get("used"):
        why = f": {report['why']}" if report.get("why") else ""
        passed = "; ".join(f"{k} passed over: {v}" for k, v in (report.get("passed_over") or {}).items())
        typer.echo(f"  speakers from {report['used']}{why}" + (f" ({passed})" if passed else ""))


@app.command()
def inspect(
    path: Annotated[Path, typer.Argument(help="A Zoom recording folder (local or a downloaded cloud set), or a file.")],
    meeting: Annotated[Optional[Path], typer.Option(help="meeting.yaml (default: one beside the recording).")] = None,  # noqa: UP045
) -> None:
    """Show what a recording folder holds, what a run will use, and what is missing."""
    from pipeline import inventory, runner

    with _errors():
        runner.check_input(path)  # a FIFO would block, a broken transcript.json is one line naming the field
        typer.echo(inventory.format_inventory(inventory.inventory(path, meeting)), nl=False)


@app.command()
def batch(
    root: Annotated[Path, typer.Argument(help="Folder tree of recordings: media files and Zoom folders, nested.")],
    out: Annotated[Path, typer.Option(help="Output root: OUT/<recording-id>/, OUT/catalog.db.")] = Path("outputs"),
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Recordings at once (default: 1 locally, every CPU of the Ray cluster with ray)."),
    ] = None,
    executor: Annotated[str, typer.Option(help="local, or ray for a Ray cluster.")] = "local",
    address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Address of a running Ray cluster (default: start a local Ray)."),
    ] = None,
    model: Annotated[str, typer.Option(help="Whisper model, as for `minutes run`.")] = "base",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    compute_type: Annotated[str, typer.Option(help="CTranslate2 compute type.")] = "auto",
    speakers: Annotated[Optional[str], typer.Option(help="Speaker engine, as for `minutes run`.")] = None,  # noqa: UP045
    summary: Annotated[Optional[str], typer.Option(help="Minutes engine, as for `minutes run`.")] = None,  # noqa: UP045
    templates: Annotated[Optional[Path], typer.Option(help="Folder whose templates override the defaults.")] = None,  # noqa: UP045
    thai_digits: Annotated[bool, typer.Option("--thai-digits", help="Write numbers in Thai digits (๐-๙).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redo every stage of every recording.")] = False,
) -> None:
    """Draft minutes for every recording under ROOT; rerun it to resume. Exit 1 if any recording failed."""
    from pipeline import batch as batches
    from pipeline import runner, terminal

    if device not in ("auto", "cpu", "cuda"):
        _fail(MinutesError(f"unknown device '{device}'. Available: auto, cpu, cuda"))
    # Engines left unnamed keep runner.Options' defaults, the same as `minutes run` has.
    engines = {k: v for k, v in {"speakers": speakers, "summary": summary}.items() if v is not None}
    options = runner.Options(
        out=out,
        model=model,
        device=device,
        compute_type=compute_type,
        templates=templates,
        thai_digits=thai_digits,
        force=force,
        **engines,
    )
    with _errors():
        report = batches.run(
            root, options, jobs=jobs, executor=executor, address=address, display=terminal.ConsoleProgress()
        )
    typer.echo(terminal.summary(report))
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find, Thai or English; all must be in one passage.")],
    out: Annotated[Path, typer.Option(help="Output root holding catalog.db.")] = Path("outputs"),
    kind: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--in", help="Only these passages: transcript, resolution, action, summary, title, meeting."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many passages.")] = 20,
) -> None:
    """Find meetings by what was said or resolved, with the times to listen to. Exit 1 if nothing matched."""
    from pipeline import catalog, terminal

    with _errors():
        with catalog.Catalog(out, create=False) as cat:
            result = cat.search(query, limit=limit, kinds=kind)
    typer.echo(terminal.describe_search(result))
    raise typer.Exit(0 if result.hits else 1)


@app.command()
def status(
    out: Annotated[Path, typer.Option(help="Output root holding catalog.db.")] = Path("outputs"),
) -> None:
    """The state of an archive: recordings done, failed and in work, audio hours, the last batch."""
    from pipeline import batch as batches
    from pipeline import terminal

    with _errors():
        state = batches.status(out)
    typer.echo(terminal.describe(state))


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


@app.command()
def evaluate(
    sets: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(
            help="Evaluation sets: folders with manifest.tsv (clips with transcripts, e.g. ../shared/speech) or "
            "reference.tsv (a recording, e.g. recordings/sample). Default: the bundled sample."
        ),
    ] = None,
    model: Annotated[str, typer.Option(help="Whisper model, as for `minutes run`.")] = "base",
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    compute_type: Annotated[str, typer.Option(help="CTranslate2 compute type.")] = "auto",
    glossary: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="glossary.yaml: adds a column with the transcript corrected towards it."),
    ] = None,
    compose: Annotated[
        float,
        typer.Option(help="Also compose a recording this many minutes long from the sets' clips, with pauses of up "
        "to 2 minutes, noise and tones between them, and score it (coverage and invented text too)."),
    ] = 0.0,
    baseline: Annotated[bool, typer.Option(help="Score plain faster-whisper beside ours (same model).")] = True,
    per_clip: Annotated[bool, typer.Option("--per-clip", help="A line for every clip too.")] = False,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores as JSON here.")] = None,  # noqa: UP045
) -> None:
    """Measure transcripts: CER and WER (newmm words) of ours beside plain faster-whisper, same model."""
    from pipeline import evaluate as scoring
    from pipeline import transcribe

    if device not in ("auto", "cpu", "cuda"):
        _fail(MinutesError(f"unknown device '{device}'. Available: auto, cpu, cuda"))
    settings = transcribe.Settings(model=model, device=device, compute_type=compute_type)
    chosen = list(sets or [Path(__file__).resolve().parent.parent / "recordings" / "sample"])
    with _errors():
        rows = scoring.run(
            chosen, settings, glossary, compose, ("raw", "raw+vad") if baseline else (), per_item=per_clip
        )
    typer.echo(scoring.table(rows, model), nl=False)
    if json_out:
        json_out.write_text(scoring.as_json(rows, model), encoding="utf-8")


@app.command()
def review(
    out_dir: Annotated[Path, typer.Argument(help="A recording's output folder (OUT/<recording-id>).")],
    static: Annotated[bool, typer.Option("--static", help="Write a read-only review.html instead of serving.")] = False,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the browser.")] = False,
) -> None:
    """Check the draft against the recording in the browser; every edit is saved at once."""
    from pipeline import review as review_page

    with _errors():
        if static:
            typer.echo(str(review_page.write_static(out_dir)))
        else:
            review_page.serve(out_dir, port=port, open_browser=not no_browser)


def main() -> None:
    try:
        app()
    except Exception as exc:  # a bug: one line for the user, the traceback with MINUTES_DEBUG=1
        if os.environ.get("MINUTES_DEBUG"):
            raise
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:300]} (a bug in thai-minutes; "
            "MINUTES_DEBUG=1 shows where, please report it)",
            err=True,
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
