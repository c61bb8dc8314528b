"""What a person sees: a batch's progress on stderr while it runs, its closing table, `minutes
status` and `minutes search` as text. Only the CLI imports this; the batch and the catalogue
return data and events."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

from pipeline import runner
from pipeline.batch import REPORT_FILE, Entry, Event, Heard, Job, Report, StageDone
from pipeline.catalog import KIND_LABELS, Hit, SearchResult, clock


def summary(report: Report) -> str:
    """The closing table of a batch: how many recordings ended how, the failures and why, where the report is."""
    lines = [f"{'status':<10} {'recordings':>10} {'audio':>9}"]
    for state, count in report.counts.items():
        seconds = sum(e.duration or 0 for e in report.entries if e.status == state)
        lines.append(f"{state:<10} {count:>10} {clock(seconds) if seconds else '':>9}")
    for e in report.failed:
        lines.append(f"failed: {e.error}" if e.error and e.source in e.error else f"failed: {e.source}: {e.error}")
    for e in report.entries:
        if e.status == "duplicate":
            lines.append(f"copy: {e.source} is the same recording as {e.copy_of}")
    rate = report.audio_hours_per_hour
    speed = f", {rate:.2f} h of audio per hour" if rate else ""
    lines.append(
        f"{clock(report.audio_seconds)} of audio transcribed in {clock(report.wall_seconds)}{speed}; "
        f"report: {Path(report.out) / REPORT_FILE}"
    )
    return "\n".join(lines)


def describe(state: dict[str, Any]) -> str:
    """`minutes status` as text."""
    counts = ", ".join(f"{n} {s}" for s, n in sorted(state["counts"].items())) or "no recordings yet"
    audio = state["audio_seconds"]
    lines = [f"{state['out']}: {counts}; {clock(audio['done'])} of {clock(audio['total'])} of audio done"]
    if state["copies"]:
        lines.append(f"{state['copies']} copies of recordings already catalogued (processed once)")
    last = state["last_batch"]
    if state["batch_running"]:
        lines.append(f"a batch is running now (started {last['started'] if last else '?'})")
    elif last:
        ended = f"finished {last['finished']}" if last["finished"] else "was interrupted; run it again to resume"
        lines.append(
            f"last batch: {last['root']} ({last['executor']}, {last['jobs']} at once), "
            f"started {last['started']}, {ended}"
        )
    for r in state["in_progress"]:
        verb = "in work" if state["batch_running"] else "interrupted"
        lines.append(f"{verb}: {r['id']} (last stage finished: {r['stage'] or 'none'})")
    for r in state["failed"]:
        lines.append(f"failed: {r['id']}: {r['error']}")
    return "\n".join(lines)


class ConsoleProgress:
    """Progress on stderr: recordings and audio hours done, the file and stage in work, and an ETA.

    On a terminal it is one bar; in a log file (cron, CI) a line per recording finished.
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar: Any = None
        self.total = 0
        self.finished = 0
        self.audio_total = 0.0
        self.audio_done = 0.0  # of finished recordings
        self.partial: dict[str, float] = {}  # audio transcribed so far in recordings in work
        self.current: dict[str, str] = {}  # recording id -> stage in work
        self.durations: dict[str, float] = {}
        self.t0 = time.monotonic()
        self.computed = 0.0  # audio actually transcribed (not reused), what the ETA's rate is made of

    def begin(self, jobs: list[Job], known: list[Entry]) -> None:
        self.total = len(jobs)
        self.durations = {j.id: j.duration or 0.0 for j in jobs}
        self.audio_total = sum(self.durations.values())
        for entry in known:
            if entry.status == "failed":
                self._line(f"failed: {entry.error}")
        if self.tty and self.total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total, file=self.stream, bar_format="{n_fmt}/{total_fmt} recordings |{bar:20}| {desc}"
            )
        self._refresh()

    def start(self, job: Job) -> None:
        self.current[job.id] = "audio"
        self._refresh()

    def event(self, event: Event) -> None:
        if isinstance(event, StageDone) and event.id in self.current:
            nxt = runner.NAMES.index(event.stage) + 1
            self.current[event.id] = runner.NAMES[nxt] if nxt < len(runner.NAMES) else "finishing"
        elif isinstance(event, Heard):
            self.partial[event.id] = float(event.done)
            self.current[event.id] = "transcript"
        self._refresh()

    def finish(self, entry: Entry) -> None:
        self.finished += 1
        self.current.pop(entry.id, None)
        self.partial.pop(entry.id, None)
        self.audio_done += self.durations.get(entry.id, 0.0)
        if "transcript" in entry.ran:
            self.computed += entry.duration or 0.0
        if self.bar is not None:
            self.bar.update(1)
        note = f": {entry.error}" if entry.error else f" ({', '.join(entry.ran)})" if entry.ran else ""
        self._line(f"[{self.finished}/{self.total}] {entry.id} {entry.status}{note}")
        self._refresh()

    def eta(self) -> float | None:
        """Seconds left at the rate audio has been transcribed so far in this batch."""
        elapsed = time.monotonic() - self.t0
        done_now = self.computed + sum(self.partial.values())
        if done_now <= 0 or elapsed <= 0:
            return None
        left = self.audio_total - self.audio_done - sum(self.partial.values())
        return max(0.0, left) / (done_now / elapsed)

    def _refresh(self) -> None:
        if self.bar is None:
            return
        done = self.audio_done + sum(self.partial.values())
        eta = self.eta()
        now = ", ".join(f"{i} ({s})" for i, s in self.current.items())
        text = f"{clock(done)}/{clock(self.audio_total)} audio · ETA {clock(eta) if eta is not None else '-'} · {now}"
        # One line, never wrapped: a wrapped line is not redrawn in place.
        width = shutil.get_terminal_size((100, 20)).columns - 40
        self.bar.set_description_str(text if len(text) <= width else text[: max(width - 1, 10)] + "…", refresh=True)

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def describe_search(result: SearchResult) -> str:
    """Search hits as text, grouped by meeting: where to look (time) and what was said."""
    if not result.hits:
        return f"no passage holds {result.query!r}"
    lines = []
    if result.substring:
        lines.append(f"no whole-word match for {result.query!r}; passages that contain it:")
    seen: dict[str, list[Hit]] = {}
    for hit in result.hits:
        seen.setdefault(hit.recording, []).append(hit)
    for hits in seen.values():
        first = hits[0]
        lines.append(" · ".join(filter(None, [first.title, first.date, first.out_dir])))
        for h in hits:
            when = f"{clock(h.start)}-{clock(h.end)}" if h.start is not None else "-"
            what = KIND_LABELS.get(h.kind, h.kind) + (f" วาระที่ {h.item}" if h.item else "")
            who = f" {h.speaker}:" if h.speaker else ""
            lines.append(f"  {when:<17} {what}{who} {h.snippet}")
    return "\n".join(lines)
