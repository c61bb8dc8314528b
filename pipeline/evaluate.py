"""How good the transcript is: error rates against references, ours beside plain faster-whisper.

An evaluation set is a folder with `manifest.tsv` (clips, each with its exact transcript: the
layout of ../shared/speech) or with `reference.tsv` (one recording and its utterances with times:
the layout of recordings/sample). `compose()` builds a long recording from a set's clips, with
long silences, noise and tones between them, and knows where each utterance is.

Scores: CER over characters, and WER over newmm words (pythainlp's dictionary word cutter, since
Thai is written without spaces), both after removing spaces and punctuation and turning Thai
digits into Arabic on both sides, so that writing style is not counted as an error. On recordings
with utterance times, `coverage` counts the utterances where any recognised text landed and
`invented` counts characters placed where nobody spoke.
"""

from __future__ import annotations

import csv
import json
import time
import unicodedata
import wave
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline.errors import MinutesError
from pipeline.thaidate import arabic_digits

SAMPLE_RATE = 16000
MARGIN = 0.5  # seconds around an utterance where its words may land (padding, timing error)


def edit_distance(ref: list[str] | str, hyp: list[str] | str) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1) of two texts or word lists."""
    return Levenshtein.distance(ref, hyp)


def scoring_text(text: str) -> str:
    """Text as scored: NFC, pythainlp-normalised, Thai digits Arabic, lower case, no spaces or punctuation."""
    from pythainlp.util import normalize

    text = arabic_digits(normalize(unicodedata.normalize("NFC", text)))
    return "".join(ch for ch in text.lower() if unicodedata.category(ch)[0] in "LMN")


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate, spaces and punctuation removed (Thai spacing is not part of the words)."""
    ref, hyp = scoring_text(reference), scoring_text(hypothesis)
    return edit_distance(ref, hyp) / max(len(ref), 1)


def words(text: str) -> list[str]:
    """newmm words of the scoring text (WER in this project is over these, not over spaces)."""
    from pythainlp.tokenize import word_tokenize

    return [w for w in word_tokenize(scoring_text(text), engine="newmm") if w.strip()]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate over newmm words."""
    ref = words(reference)
    return edit_distance(ref, words(hypothesis)) / max(len(ref), 1)


# --- evaluation sets -------------------------------------------------------------------------------


@dataclass
class Utterance:
    start: float
    end: float
    text: str


@dataclass
class Item:
    """One recording to transcribe and what was said in it."""

    name: str
    audio: str
    reference: str
    kind: str = "real"  # "real" speech, "tts" (a TTS project's voices), or "composed"
    utterances: list[Utterance] = field(default_factory=list)  # with times, when known
    duration: float = 0.0


def load_set(path: str | Path) -> list[Item]:
    """The items of an evaluation set folder (manifest.tsv or reference.tsv) or manifest file."""
    path = Path(path)
    manifest = path if path.is_file() else path / "manifest.tsv"
    if manifest.is_file() and manifest.name != "reference.tsv":
        return _clips(manifest)
    reference = path / "reference.tsv" if path.is_dir() else path
    if reference.is_file():
        return [_recording(reference)]
    raise MinutesError(
        f"{path}: not an evaluation set; give a folder with manifest.tsv (clips and transcripts) "
        "or reference.tsv (a recording and its utterances), such as recordings/sample"
    )


def _clips(manifest: Path) -> list[Item]:
    items = []
    with open(manifest, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            text = (row.get("transcript") or "").strip()
            if not text:
                continue  # clips without a transcript cannot be scored
            kind = row.get("kind", "real")
            kind = "real" if kind == "real" else "tts"
            audio = manifest.parent / row["file"]
            seconds = float(row.get("duration_s") or 0)
            items.append(Item(Path(row["file"]).stem, str(audio), text, kind, duration=seconds))
    if not items:
        raise MinutesError(f"{manifest}: no clip has a transcript; fill the transcript column")
    return items


def _recording(reference: Path) -> Item:
    folder = reference.parent
    media = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in (".m4a", ".mp4", ".wav", ".mp3", ".ogg")]
    if not media:
        raise MinutesError(f"{folder}: reference.tsv has no recording beside it; put the audio file in the folder")
    utterances = []
    with open(reference, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            utterances.append(Utterance(float(row["start"]), float(row["end"]), row["text"].strip()))
    text = " ".join(u.text for u in utterances)
    return Item(folder.name, str(media[0]), text, "real", utterances)


def decoded_wav(item: Item, folder: Path) -> Path:
    """The item's audio as 16 kHz mono WAV (decoded once into `folder`)."""
    from pipeline import audio

    source = Path(item.audio)
    if source.suffix.lower() == ".wav":
        with wave.open(str(source), "rb") as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE):
                return source
    target = folder / f"{item.name}.wav"
    if not target.is_file():
        audio.decode([str(source)], target)
    return target


# --- composed long recordings ----------------------------------------------------------------------

# Between clips, in turn: pauses of these lengths (seconds), some filled with a distraction.
PAUSES = (0.8, 3.0, 20.0, 120.0, 1.5, 45.0)
DISTRACTIONS = ("silence", "noise", "tones", "silence", "hum", "silence")


def distraction(kind: str, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Non-speech audio: silence, room noise (pink, quiet), music-like tones, mains hum."""
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    if kind == "silence" or n == 0:
        return np.zeros(n, dtype=np.float32)
    if kind == "noise":
        spectrum = np.fft.rfft(rng.standard_normal(n))
        spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
        x = np.fft.irfft(spectrum, n)
        return (0.05 * x / max(np.abs(x).max(), 1e-9)).astype(np.float32)
    if kind == "tones":  # a melody of harmonic notes, a note every half second, with vibrato
        notes = rng.choice([262, 294, 330, 349, 392, 440, 494, 523], size=int(seconds * 2) + 1)
        f0 = np.repeat(notes, SAMPLE_RATE // 2)[:n] * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))
        phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
        x = sum(np.sin(k * phase) / k for k in range(1, 6))
        return (0.2 * x / max(np.abs(x).max(), 1e-9)).astype(np.float32)
    if kind == "hum":
        return (0.05 * np.sin(2 * np.pi * 50 * t) + 0.02 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    raise ValueError(kind)


@dataclass
class Timeline:
    """Sound laid out in time, each speaker's on a track of their own: the one way a meeting is
    composed, here for `minutes evaluate --compose` (`compose` below, written to disk as it goes),
    in benchmarks/compose.py (turns, pauses and overlaps) and in tests/zoomfolder.py (Zoom folders);
    with the truth of who spoke when."""

    rate: int = SAMPLE_RATE
    placed: list[tuple[int, np.ndarray, str | None]] = field(default_factory=list)
    end: int = 0  # the sample just after the last one anything covers
    written: int = 0  # how far `write` has written

    def put(self, at: int, clip: np.ndarray, speaker: str | None = None) -> tuple[float, float]:
        """`clip` (said by `speaker`; None: not speech) from sample `at` on; its (start, end) in seconds."""
        self.placed.append((at, clip, speaker))
        self.end = max(self.end, at + len(clip))
        return at / self.rate, (at + len(clip)) / self.rate

    def tracks(self, tail: int = 0) -> dict[str | None, np.ndarray]:
        """Each speaker's track, all `tail` samples longer than the sound, in the order they first spoke."""
        out = {who: np.zeros(self.end + tail, dtype=np.float32) for _, _, who in self.placed}
        for at, clip, who in self.placed:
            out[who][at : at + len(clip)] += clip
        return out

    def mix(self, tail: int = 0) -> np.ndarray:
        """Everything in one track (not clipped)."""
        out = np.zeros(self.end + tail, dtype=np.float32)
        for at, clip, _ in self.placed:
            out[at : at + len(clip)] += clip
        return out

    def write(self, out: wave.Wave_write, upto: int) -> None:
        """The mix from where the last write stopped to sample `upto`, as 16-bit samples, a minute at a
        time; what lies wholly before `upto` is then let go (hours of meeting never sit in memory)."""
        step = 60 * self.rate
        while self.written < upto:
            stop = min(upto, self.written + step)
            block = np.zeros(stop - self.written, dtype=np.float32)
            for at, clip, _ in self.placed:
                first, last = max(at, self.written), min(at + len(clip), stop)
                if first < last:
                    block[first - self.written : last - self.written] += clip[first - at : last - at]
            out.writeframes((np.clip(block, -1, 1) * 32767).astype(np.int16).tobytes())
            self.written = stop
        self.placed = [p for p in self.placed if p[0] + len(p[1]) > self.written]


def compose(
    items: list[Item], minutes: float, dest: Path, folder: Path, seed: int = 0, pause_scale: float = 1.0
) -> Item:
    """A `minutes`-long recording of the items' clips, repeated in turn, with pauses between them.

    Written block by block (memory stays flat at any length). The pauses cycle through PAUSES
    (times `pause_scale`), two-minute silences included, filled in turn with DISTRACTIONS.
    Returns the item with every utterance's time.
    """
    from pipeline import audio

    rng = np.random.default_rng(seed)
    clips = [(it, audio.Samples(decoded_wav(it, folder)).read(0, None)) for it in items]
    total = int(minutes * 60 * SAMPLE_RATE)
    utterances: list[Utterance] = []
    timeline = Timeline()
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)

        def then(x: np.ndarray, reference: str | None = None) -> None:
            """`x` after what is placed, written at once (the recording ends at `total`)."""
            said = timeline.put(timeline.end, x, reference)
            if reference is not None:
                utterances.append(Utterance(*said, reference))
            timeline.write(out, min(timeline.end, total))

        then(distraction("silence", 2.0, rng))
        k = 0
        while timeline.end < total:
            item, samples = clips[k % len(clips)]
            if timeline.end + len(samples) > total:
                break
            then(samples, item.reference)
            pause = PAUSES[k % len(PAUSES)] * pause_scale
            for _ in range(int(pause // 60)):  # a minute at a time: long pauses never sit in memory whole
                then(distraction(DISTRACTIONS[k % len(DISTRACTIONS)], 60.0, rng))
            then(distraction(DISTRACTIONS[k % len(DISTRACTIONS)], pause % 60, rng))
            k += 1
        timeline.write(out, total)  # the rest is silence
    text = " ".join(u.text for u in utterances)
    return Item(dest.stem, str(dest), text, "composed", utterances, duration=total / SAMPLE_RATE)


# --- transcribing: ours and plain faster-whisper -----------------------------------------------------


@dataclass
class Span:
    """Recognised text placed in time: a word (ours) or a segment (plain faster-whisper)."""

    start: float
    end: float
    text: str


def transcribe_ours(wav: Path, settings: Any, text_options: Any = None) -> tuple[str, list[Span]]:
    """Our transcript of a WAV: the transcript and text stages, as `minutes run` runs them."""
    from pipeline import audio, thai, transcribe
    from pipeline.types import Audio

    raw = transcribe.run(Audio(str(wav), audio.Samples(wav).duration), settings)
    return recognised(thai.clean(raw, text_options))


def recognised(transcript: Any) -> tuple[str, list[Span]]:
    """A transcript's text and its words in time, as scored: lines for speech nobody could make
    out (`[ฟังไม่ชัด]`, flagged `unheard:`) are not recognised text and are left out."""
    segments = [s for s in transcript.segments if not any(f.startswith("unheard:") for f in s.flags)]
    spans = [Span(w.start, w.end, w.text) for s in segments for w in s.words] or [
        Span(s.start, s.end, s.text) for s in segments
    ]
    return " ".join(s.text for s in segments), spans


def transcribe_raw(wav: Path, settings: Any, vad: bool = False) -> tuple[str, list[Span]]:
    """Plain faster-whisper on the same WAV and model: its defaults and Thai (and its VAD filter if asked)."""
    from pipeline import transcribe

    model = transcribe._load_model(settings)
    segments, _ = model.transcribe(str(wav), language=settings.language, vad_filter=vad)
    spans = [Span(s.start, s.end, s.text.strip()) for s in segments]
    return " ".join(s.text for s in spans), spans


# --- scoring ------------------------------------------------------------------------------------------


@dataclass
class Score:
    """One system on one item."""

    reference_chars: int
    char_errors: int
    reference_words: int
    word_errors: int
    seconds: float
    heard: int | None = None  # utterances where any recognised text landed
    utterances: int | None = None
    invented_chars: int | None = None  # characters placed away from every utterance
    text: str = ""
    invented: str = ""  # the text placed away from every utterance

    @property
    def cer(self) -> float:
        return self.char_errors / max(self.reference_chars, 1)

    @property
    def wer(self) -> float:
        return self.word_errors / max(self.reference_words, 1)


def score(item: Item, text: str, spans: list[Span], seconds: float) -> Score:
    ref_chars, ref_words = scoring_text(item.reference), words(item.reference)
    if item.utterances:  # align by time: utterance by utterance, so a long recording stays cheap
        placed = place(item.utterances, spans)
        pairs = list(zip(item.utterances, placed[0], strict=True))
        char_errors = sum(edit_distance(scoring_text(u.text), scoring_text(h)) for u, h in pairs)
        word_errors = sum(edit_distance(words(u.text), words(h)) for u, h in pairs)
        heard = sum(1 for h in placed[0] if scoring_text(h))
        invented = len(scoring_text(placed[1]))
        char_errors += invented
        word_errors += len(words(placed[1]))
        return Score(len(ref_chars), char_errors, len(ref_words), word_errors, seconds, heard, len(item.utterances),
                     invented, text, placed[1])  # fmt: skip
    return Score(
        len(ref_chars),
        edit_distance(ref_chars, scoring_text(text)),
        len(ref_words),
        edit_distance(ref_words, words(text)),
        seconds,
        text=text,
    )


def place(utterances: list[Utterance], spans: list[Span]) -> tuple[list[str], str]:
    """Each utterance's recognised text (spans overlapping it, with MARGIN), and the text elsewhere."""
    texts: list[list[str]] = [[] for _ in utterances]
    stray: list[str] = []
    for span in spans:
        best, overlap = None, 0.0
        for i, u in enumerate(utterances):
            o = min(span.end, u.end + MARGIN) - max(span.start, u.start - MARGIN)
            if o > overlap or (o == overlap == 0 and u.start - MARGIN <= span.start <= u.end + MARGIN):
                best, overlap = i, o
        if best is None:
            stray.append(span.text)
        else:
            texts[best].append(span.text)
    return [" ".join(t) for t in texts], " ".join(stray)


# --- the whole evaluation --------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a group of items scored for each system."""

    name: str
    items: int
    audio_seconds: float
    scores: dict[str, Score]


SYSTEMS = ("raw", "raw+vad", "ours", "ours+glossary")


def evaluate(
    sets: list[list[Item]],
    settings: Any,
    folder: Path,
    glossary: Any = None,
    baselines: tuple[str, ...] = ("raw", "raw+vad"),
    per_item: bool = False,
) -> list[Row]:
    """Score every item with each system; one row per set and kind (real speech, TTS, composed)."""
    from pipeline import thai

    systems = [*baselines, "ours"] + (["ours+glossary"] if glossary else [])
    rows: list[Row] = []
    for items in sets:
        results: dict[str, list[tuple[Item, Score]]] = {name: [] for name in systems}
        for item in items:
            wav = decoded_wav(item, folder)
            for name in systems:
                t0 = time.perf_counter()
                if name == "raw":
                    text, spans = transcribe_raw(wav, settings)
                elif name == "raw+vad":
                    text, spans = transcribe_raw(wav, settings, vad=True)
                elif name == "ours":
                    text, spans = transcribe_ours(wav, settings, thai.TextOptions())
                else:
                    text, spans = transcribe_ours(wav, settings, thai.TextOptions(glossary=glossary))
                results[name].append((item, score(item, text, spans, time.perf_counter() - t0)))
        for kind in dict.fromkeys(item.kind for item in items):
            group = [it for it in items if it.kind == kind]
            label = _label(items, kind)
            rows.append(Row(label, len(group), sum(_duration(it) for it in group), _pooled(results, group)))
            if per_item and len(group) > 1:
                for it in group:
                    scores = {name: next(s for i, s in results[name] if i is it) for name in systems}
                    rows.append(Row(f"  {it.name}", 1, _duration(it), scores))
    return rows


def _label(items: list[Item], kind: str) -> str:
    names = [it.name for it in items if it.kind == kind]
    span = names[0] if len(names) == 1 else f"{names[0]}..{names[-1]}"
    return {"real": f"{span} (real speech)", "tts": f"{span} (TTS voices, not human)"}.get(kind, span)


def _duration(item: Item) -> float:
    if not item.duration:
        from pipeline import audio

        try:
            item.duration = audio.Samples(item.audio).duration
        except Exception:
            item.duration = item.utterances[-1].end if item.utterances else 0.0
    return item.duration


def _pooled(results: dict[str, list[tuple[Item, Score]]], group: list[Item]) -> dict[str, Score]:
    pooled = {}
    for name, scored in results.items():
        mine = [s for it, s in scored if it in group]
        heard = [s for s in mine if s.heard is not None]
        pooled[name] = Score(
            sum(s.reference_chars for s in mine),
            sum(s.char_errors for s in mine),
            sum(s.reference_words for s in mine),
            sum(s.word_errors for s in mine),
            sum(s.seconds for s in mine),
            sum(s.heard or 0 for s in heard) if heard else None,
            sum(s.utterances or 0 for s in heard) if heard else None,
            sum(s.invented_chars or 0 for s in heard) if heard else None,
        )
    return pooled


def table(rows: list[Row], model: str) -> str:
    """The rows as a Markdown table: CER and WER (newmm words) of each system, and coverage."""
    systems = list(rows[0].scores) if rows else []
    head = ["set", "model", "audio s"] + [f"{s} CER" for s in systems] + [f"{s} WER*" for s in systems]
    long_rows = any(s.heard is not None for r in rows for s in r.scores.values())
    if long_rows:
        head += [f"{s} heard / invented" for s in systems]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.name, model, f"{r.audio_seconds:.0f}"]
        cells += [f"{r.scores[s].cer:.3f}" for s in systems] + [f"{r.scores[s].wer:.3f}" for s in systems]
        if long_rows:
            cells += [_coverage(r.scores[s]) for s in systems]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("CER: characters; WER*: newmm words (Thai has no spaces between words), both with spaces and")
    lines.append("punctuation removed. raw: plain faster-whisper (defaults, language th); raw+vad: the same with")
    lines.append("its VAD filter; ours: `minutes run`'s transcript and text stages; same model everywhere.")
    return "\n".join(lines) + "\n"


def _coverage(s: Score) -> str:
    if s.heard is None:
        return ""
    return f"{s.heard}/{s.utterances} / {s.invented_chars}"


def as_json(rows: list[Row], model: str) -> str:
    data = {
        "model": model,
        "rows": [
            {
                "set": r.name,
                "items": r.items,
                "audio_seconds": round(r.audio_seconds, 1),
                "scores": {
                    name: {**{k: v for k, v in asdict(s).items() if k != "text"}, "cer": s.cer, "wer": s.wer}
                    for name, s in r.scores.items()
                },
            }
            for r in rows
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def iter_rows(rows: list[Row]) -> Iterator[tuple[str, str, float]]:
    """(set, system, CER) for each cell, handy for checks."""
    for r in rows:
        for name, s in r.scores.items():
            yield r.name, name, s.cer


def run(
    sets: list[Path],
    settings: Any,
    glossary_file: Path | None = None,
    compose_minutes: float = 0.0,
    baselines: tuple[str, ...] = ("raw", "raw+vad"),
    per_item: bool = False,
) -> list[Row]:
    """`minutes evaluate`: load the sets (and compose a long recording from their clips), score them."""
    import tempfile

    from pipeline import glossary

    terms = glossary.load([glossary_file]) if glossary_file else None
    loaded = [load_set(p) for p in sets]
    with tempfile.TemporaryDirectory(prefix="minutes-evaluate-") as tmp:
        folder = Path(tmp)
        if compose_minutes > 0:
            clips = [it for items in loaded for it in items if not it.utterances and it.kind == "real"]
            if not clips:
                raise MinutesError(
                    f"{', '.join(map(str, sets))}: no clips of real speech to compose a recording from; "
                    "add a clip set such as ../shared/speech"
                )
            dest = folder / f"composed-{compose_minutes:g}min.wav"
            loaded.append([compose(clips, compose_minutes, dest, folder)])
        return evaluate(loaded, settings, folder, terms, baselines, per_item)
