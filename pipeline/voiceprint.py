"""Voice prints: the speech of a recording joined end to end, and Resemblyzer's voice encoder.

Silero VAD (the model faster-whisper ships) marks the speech; the speech alone, joined end to
end, is cut into 1.6 s windows, and each becomes a 256-number voice print from Resemblyzer's
pretrained voice encoder (a 3-layer LSTM, GE2E; its weights ship in `pipeline/weights/`, run
here in numpy). `diarize` clusters these prints; `voices` compares them with a library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline import audio as audio_io
from pipeline import transcribe
from pipeline.errors import MinutesError
from pipeline.types import Turn

SR = audio_io.SAMPLE_RATE
HOP = 160  # samples per mel frame (10 ms), as the voice encoder was trained
N_FFT = 400  # 25 ms analysis window
N_MELS = 40
WINDOW = 160  # mel frames per voice print (1.6 s), the encoder's training length
STEP = 40  # mel frames per cell (0.4 s): the time resolution of the labels
PER = WINDOW // STEP  # cells a voice print covers
TARGET_DBFS = -30.0  # the encoder saw speech raised to this level (never lowered)

# Voice activity: Silero's probabilities cut as transcription cuts them, with shorter margins.
VAD = transcribe.Settings(vad_threshold=0.5, min_pause=0.5, speech_pad=0.1)

BATCH = 256  # voice prints per forward pass of the encoder
BLOCK = 120.0  # seconds of speech embedded at a time


@dataclass
class Diarisation:
    """Turns with the voice print of each speaker (for naming them) and how the count was reached."""

    turns: list[Turn]
    voices: dict[str, np.ndarray]  # label -> L2-normed mean voice print
    how: str = ""


# 1. Voice activity -----------------------------------------------------------------------------


def speech_regions(probs: np.ndarray, duration: float) -> list[tuple[int, int]]:
    """Stretches of speech as (first, last) sample indices, from Silero's 32 ms probabilities."""
    return [(round(a * SR), round(b * SR)) for a, b in transcribe.speech_regions(probs, duration, VAD)]


class SpeechStream:
    """The speech of a recording joined end to end, with the way back to the recording's time."""

    def __init__(self, samples: audio_io.Samples, regions: list[tuple[int, int]]) -> None:
        self.samples = samples
        self.regions = [(a, min(b, samples.frames)) for a, b in regions if a < samples.frames]
        lengths = np.array([b - a for a, b in self.regions], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)])  # speech sample where each region starts
        self.length = int(self.offsets[-1])
        self.frames = max(0, 1 + (self.length - N_FFT) // HOP) if self.length >= N_FFT else 0

    def read(self, first: int, last: int) -> np.ndarray:
        """Speech samples [first, last) of the joined stream."""
        out: list[np.ndarray] = []
        i = max(int(np.searchsorted(self.offsets, first, side="right")) - 1, 0)
        while i < len(self.regions) and self.offsets[i] < last:
            a, _ = self.regions[i]
            lo = max(first, int(self.offsets[i])) - int(self.offsets[i])
            hi = min(last, int(self.offsets[i + 1])) - int(self.offsets[i])
            out.append(self.samples.read((a + lo) / SR, (a + hi) / SR))
            i += 1
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    @property
    def cells(self) -> int:
        """Number of 0.4 s cells the speech fills (the last one may be partly empty)."""
        return -(-self.frames // STEP)


# 2. Voice prints ---------------------------------------------------------------------------------


@functools.cache
def _mel_basis() -> np.ndarray:
    """The (n_fft/2+1, 40) Slaney-style mel filterbank librosa uses by default (the encoder's)."""

    def hz_to_mel(f: np.ndarray) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        lin = f / (200.0 / 3)
        logstep = np.log(6.4) / 27.0
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / logstep, lin)

    def mel_to_hz(m: np.ndarray) -> np.ndarray:
        logstep = np.log(6.4) / 27.0
        return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), m * (200.0 / 3))

    fft_freqs = np.linspace(0, SR / 2, 1 + N_FFT // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SR / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
    return weights.T.astype(np.float32)


def mel_frames(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram: 25 ms Hann windows every 10 ms, no padding."""
    if len(wav) < N_FFT:
        return np.zeros((0, N_MELS), dtype=np.float32)
    n = 1 + (len(wav) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    power = np.abs(np.fft.rfft(wav[idx] * window, axis=1)) ** 2
    return (power.astype(np.float32) @ _mel_basis()).astype(np.float32)


WEIGHTS = Path(__file__).parent / "weights" / "voice-encoder.npz"  # Resemblyzer 0.1.4's encoder (NOTICE.md)


@functools.cache
def encoder() -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """Resemblyzer's voice encoder weights: per LSTM layer (input weights, hidden weights, bias),
    transposed for `x @ w`; then the linear layer's weights and bias."""
    try:
        with np.load(WEIGHTS) as f:
            w = {k: f[k] for k in f.files}
    except (OSError, ValueError) as e:
        raise MinutesError(f"{WEIGHTS}: the voice encoder's weights unreadable ({e}); reinstall thai-minutes") from None
    layers = [
        (
            np.ascontiguousarray(w[f"lstm_weight_ih_l{n}"].T),
            np.ascontiguousarray(w[f"lstm_weight_hh_l{n}"].T),
            w[f"lstm_bias_ih_l{n}"] + w[f"lstm_bias_hh_l{n}"],
        )
        for n in range(3)
    ]
    return layers, np.ascontiguousarray(w["linear_weight"].T), w["linear_bias"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """In place: sigmoid(x) = (1 + tanh(x / 2)) / 2, one pass of tanh."""
    x *= 0.5
    np.tanh(x, out=x)
    x += 1.0
    x *= 0.5
    return x


def _encode(mels: np.ndarray) -> np.ndarray:
    """The encoder on mel windows (n, steps, 40): PyTorch's LSTM equations (gates i, f, g, o), the
    last layer's final hidden state through a ReLU linear layer, L2-normed."""
    layers, linear_w, linear_b = encoder()
    n, steps, _ = mels.shape
    x = mels.astype(np.float32, copy=False)
    h = np.zeros((n, 0), np.float32)
    for w_in, w_hidden, bias in layers:
        size = w_hidden.shape[0]
        gates_in = (x.reshape(n * steps, -1) @ w_in).reshape(n, steps, 4 * size)
        gates_in += bias
        h = np.zeros((n, size), np.float32)
        c = np.zeros((n, size), np.float32)
        out = np.empty((n, steps, size), np.float32)
        for t in range(steps):
            g = gates_in[:, t]
            g += h @ w_hidden
            _sigmoid(g[:, : 2 * size])  # input and forget gates
            np.tanh(g[:, 2 * size : 3 * size], out=g[:, 2 * size : 3 * size])  # candidate
            _sigmoid(g[:, 3 * size :])  # output gate
            c *= g[:, size : 2 * size]
            c += g[:, :size] * g[:, 2 * size : 3 * size]
            h = g[:, 3 * size :] * np.tanh(c)
            out[:, t] = h
        x = out
    raw = np.maximum(h @ linear_w + linear_b, 0.0)
    return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-8)


def embed(windows: np.ndarray) -> np.ndarray:
    """Voice prints (n, 256), L2-normed, of mel windows (n, 160, 40)."""
    out = [_encode(np.ascontiguousarray(windows[i : i + BATCH])) for i in range(0, len(windows), BATCH)]
    return np.concatenate(out) if out else np.zeros((0, 256), dtype=np.float32)


def _level(mels: np.ndarray, wav_power: np.ndarray) -> np.ndarray:
    """Raise quiet windows to TARGET_DBFS (power scales the mel spectrogram), as the encoder expects."""
    dbfs = 10 * np.log10(np.maximum(wav_power, 1e-10))
    gain = np.where(dbfs < TARGET_DBFS, 10 ** ((TARGET_DBFS - dbfs) / 10), 1.0).astype(np.float32)
    return mels * gain[:, None, None]


def embed_at(stream: SpeechStream, starts: np.ndarray) -> np.ndarray:
    """Voice prints (n, 256) of the 1.6 s windows starting at the given cells of the speech stream.

    Audio is read and turned into mel frames a block at a time, so memory stays flat.
    """
    order = np.argsort(starts, kind="stable")
    out = np.zeros((len(starts), 256), dtype=np.float32)
    block = int(BLOCK * SR / HOP) // STEP  # cells per block
    i = 0
    while i < len(order):
        first = int(starts[order[i]])
        j = int(np.searchsorted(starts[order], first + block, side="left"))
        mine = order[i:j]
        frame0, frame1 = first * STEP, int(starts[mine].max()) * STEP + WINDOW
        wav = stream.read(frame0 * HOP, (frame1 - 1) * HOP + N_FFT)
        mels = mel_frames(wav)
        if len(mels) < frame1 - frame0:  # the stream's end: pad with silence
            mels = np.pad(mels, ((0, frame1 - frame0 - len(mels)), (0, 0)))
        offsets = (starts[mine] - first) * STEP
        windows = np.stack([mels[o : o + WINDOW] for o in offsets])
        energy = np.square(np.pad(wav, (0, max(0, (frame1 - frame0) * HOP - len(wav)))), dtype=np.float64)
        power = np.array([energy[o * HOP : (o + WINDOW) * HOP].mean() for o in offsets])
        out[mine] = embed(_level(windows, power))
        i = j
    return out


def voice_print(samples: np.ndarray) -> np.ndarray | None:
    """The L2-normed mean voice print of the speech in 16 kHz samples; None when there is none."""
    source = audio_io.Samples(array=samples)
    stream = SpeechStream(source, speech_regions(audio_io.speech_probabilities(source), source.duration))
    if stream.frames == 0:
        return None
    # Every 0.4 s, not side by side: library recordings are short, and more windows average better.
    starts = np.arange(0, max(stream.cells - PER, 0) + 1)
    return unit(embed_at(stream, starts).mean(axis=0))


def unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-8)).astype(np.float32)
