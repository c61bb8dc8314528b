"""A learned second opinion for the rules engine: how likely each segment is to open an agenda item,
state a resolution or give an assignment.

The rules' cue tables hold the phrases their authors thought of; chairs say the same things in
many more ways ("อันนี้ทราบนะ", "ตกลงตามนี้", "ทีนี้ สี่จุดสอง ..."). A logistic regression over
character n-grams of the sound-alike key (pipeline.minutes.fuzzy.key, so a dropped tone mark or a
misheard consonant changes little) learns them from the annotated meetings in
tests/data/meetings/, clean and corrupted the way Whisper mishears Thai (pipeline.noise).

Features of a segment: n-grams of its whole key, of its first and last letters (openings come
first, decisions last), of the end of the segment before and the start of the one after, and how
much its speaker talks (the chair talks most). The n-grams are hashed (crc32, stable on every
platform) into `DIMENSIONS` columns, so the model is one weight matrix:
pipeline/weights/minutes-cues.npz, rebuilt with `python -m pipeline.minutes.train` from the
sets it names. Inference is a sparse product (scipy, already a dependency); training uses scipy's
L-BFGS.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.minutes import fuzzy
from pipeline.types import Transcript

KINDS = ("open", "resolution", "action")
DIMENSIONS = 1 << 17
WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "minutes-cues.npz"
TRAINING_SETS = ("dev", "frozen", "frozen2", "frozen3", "frozen4", "frozen5", "frozen6", "frozen7", "frozen8",
                 "frozen9", "frozen10", "frozen11", "frozen12", "frozen13", "frozen14", "frozen15", "frozen16",
                 "frozen17", "frozen18", "frozen19", "frozen20", "frozen21", "frozen22", "frozen23", "frozen24",
                 "frozen25")
NOISE_LEVELS = (0.05, 0.10, 0.20)  # one corrupted copy of every training meeting at each
_EDGE = 25  # key letters at each end of a segment with features of their own
_CONTEXT = 15  # key letters of the neighbouring segments
_GRAMS = (2, 3, 4, 5)
_L2 = 1.0  # ridge penalty of the regression


def _grams(field: str, text: str) -> list[str]:
    return [f"{field}|{text[i:i + n]}" for n in _GRAMS for i in range(len(text) - n + 1)]


def _features(texts: list[str], speakers: list[str | None]) -> list[dict[int, float]]:
    """One sparse row per segment: hashed n-gram columns, each field scaled to unit length."""
    keys = [fuzzy.key(t)[0] for t in texts]
    rank = {s: i for i, (s, _) in enumerate(Counter(speakers).most_common())}
    rows = []
    for i, k in enumerate(keys):
        before = keys[i - 1][-_CONTEXT:] if i else ""
        after = keys[i + 1][:_CONTEXT] if i + 1 < len(keys) else ""
        fields = [
            _grams("a", k), _grams("b", k[:_EDGE]), _grams("e", k[-_EDGE:]),
            _grams("p", before) + _grams("n", after) + [f"r|{min(rank[speakers[i]], 3)}"],
        ]
        row: dict[int, float] = {}
        for grams in fields:
            columns = {zlib.crc32(g.encode("utf-8")) % DIMENSIONS for g in grams}
            for c in columns:
                row[c] = row.get(c, 0.0) + 1.0 / np.sqrt(len(columns))
        rows.append(row)
    return rows


def _matrix(rows: list[dict[int, float]]):
    """The rows as one sparse (rows, DIMENSIONS) matrix."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=indptr[-1])
    data = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64, count=indptr[-1])
    return csr_matrix((data, indices, indptr), shape=(len(rows), DIMENSIONS))


@dataclass(frozen=True, eq=False)  # compared by identity (`using`)
class Model:
    weights: np.ndarray  # (DIMENSIONS, len(KINDS))
    bias: np.ndarray  # (len(KINDS),)

    def probabilities(self, texts: list[str], speakers: list[str | None]) -> np.ndarray:
        """(segments, kinds): how likely each segment is to open an item, resolve, assign."""
        return 1.0 / (1.0 + np.exp(-(_matrix(_features(texts, speakers)) @ self.weights + self.bias)))


_MODEL: list[Model] = []  # the model in use: the shipped one once loaded, or one given to `using`


def load(path: Path = WEIGHTS) -> Model:
    with np.load(path) as data:
        return Model(data["weights"].astype(np.float64), data["bias"].astype(np.float64))


def model() -> Model:
    if not _MODEL:
        _MODEL.append(load())
    return _MODEL[-1]


@contextmanager
def using(m: Model):
    """Draft with model `m` instead of the shipped one (cross-validation: a set is scored by a model
    that never saw it)."""
    _MODEL.append(m)
    try:
        yield m
    finally:
        _MODEL.remove(m)


def probabilities(transcript: Transcript) -> np.ndarray:
    """The shipped model's (segments, kinds) probabilities for a transcript."""
    segments = transcript.segments
    return model().probabilities([s.text for s in segments], [s.speaker for s in segments])


# --- training ---------------------------------------------------------------------------------------


def _labels(expected: list[dict], ids: list[int]) -> np.ndarray:
    opens = {it["opens"] for it in expected if it.get("opens") is not None}
    said = {s for it in expected if it.get("resolution") for s in it["resolution"]["segments"]}
    given = {a["segment"] for it in expected for a in it.get("actions", [])}
    return np.array([[i in opens, i in said, i in given] for i in ids], dtype=np.float64)


def examples(folders: list[Path], prepare=None, levels=NOISE_LEVELS, seed: int = 0):
    """(feature rows, labels) of every segment of every meeting in `folders`, as written and
    corrupted to each of `levels`; `prepare` (a transcript -> transcript) is what the engine does
    before reading."""
    from pipeline import noise
    from pipeline.minutes import score

    confusions = noise.default_confusions()
    rows_x: list[dict[int, float]] = []
    rows_y: list[np.ndarray] = []
    for folder in folders:
        for meeting in score.load_set(folder):
            copies = [meeting.transcript] + [
                noise.corrupt_transcript(meeting.transcript, level, seed + n, confusions)
                for n, level in enumerate(levels)
            ]
            for t in copies:
                t = prepare(t) if prepare else t
                rows_x += _features([s.text for s in t.segments], [s.speaker for s in t.segments])
                rows_y.append(_labels(meeting.items, [s.id for s in t.segments]))
    return rows_x, np.vstack(rows_y)


def fit(rows: list[dict[int, float]], labels: np.ndarray) -> Model:
    """Balanced, ridge-penalised logistic regression per kind (scipy's L-BFGS)."""
    from scipy.optimize import minimize

    x = _matrix(rows)
    weights = np.zeros((DIMENSIONS, len(KINDS)))
    bias = np.zeros(len(KINDS))
    for k in range(len(KINDS)):
        y = labels[:, k]
        positive = max(y.sum(), 1.0)
        sample = np.where(y > 0, len(y) / (2 * positive), len(y) / (2 * max(len(y) - positive, 1.0)))

        def loss(theta: np.ndarray, y=y, sample=sample) -> tuple[float, np.ndarray]:
            w, b = theta[:-1], theta[-1]
            z = x @ w + b
            p = 1.0 / (1.0 + np.exp(-z))
            value = np.sum(sample * (np.logaddexp(0, z) - y * z)) + 0.5 * _L2 * w @ w
            g = sample * (p - y)
            return value, np.append(x.T @ g + _L2 * w, g.sum())

        theta = minimize(loss, np.zeros(DIMENSIONS + 1), jac=True, method="L-BFGS-B",
                         options={"maxiter": 500}).x
        weights[:, k], bias[k] = theta[:-1], theta[-1]
    return Model(weights, bias)


def save(m: Model, path: Path, sets: list[str]) -> None:
    np.savez_compressed(path, weights=m.weights.astype(np.float32), bias=m.bias.astype(np.float32),
                        sets=np.array(json.dumps(sets, ensure_ascii=False)))
