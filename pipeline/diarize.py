"""Who spoke when in one mixed recording, offline on a laptop CPU.

The steps, each small and replaceable:

1. voice activity: Silero VAD (the model faster-whisper ships) marks speech, a block at a time;
2. voice prints (`pipeline.voiceprint`): the speech alone, joined end to end, is cut into 1.6 s windows and each becomes
   a 256-number voice print from Resemblyzer's pretrained voice encoder (a 3-layer LSTM, GE2E;
   its weights ship in `pipeline/weights/`, run here in numpy). Windows side by side first;
   then, only where the speaker may change, windows every 0.4 s (a third of the work of 0.4 s
   windows everywhere, with the same resolution at the changes);
3. clustering: average-linkage clustering of the voice prints by cosine distance; the tree is cut
   at a distance chosen on composed meetings (benchmarks/diarisation.py, "dev" seeds), or at the
   number of speakers the user gives (`--num-speakers`, `--min-speakers`, `--max-speakers`);
4. labels: each 0.4 s of speech goes to the speaker whose voice its windows are closest to, with
   a penalty for changing speaker (Viterbi), so a cough does not make a new turn.

Overlapping speech: one voice print per window cannot tell two voices at once (a test of "fits a
mix of two speakers better than one" found a tenth of its detections right on composed meetings,
so it is not used); each stretch gets the voice that dominates it. Engines that find overlaps
(`pyannote`) return overlapping turns, and `speakers.attach` keeps both speakers on the words.

Memory stays flat however long the meeting: audio is read a stretch at a time, and clustering
works on at most `MAX_CLUSTERED` voice prints (the others join the nearest cluster).

Speakers are labelled "ผู้พูด 1", "ผู้พูด 2"... in order of first speech; `pipeline.voices` turns
labels into names from a voice library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import audio as audio_io
from pipeline import voices
from pipeline.errors import MinutesError
from pipeline.types import Audio, Meeting, Recording, Transcript, Turn
from pipeline.voiceprint import (  # noqa: F401 (SpeechStream, embed, speech_regions: diarize's tools too)
    HOP,
    PER,
    SR,
    STEP,
    WINDOW,
    Diarisation,
    SpeechStream,
    embed,
    embed_at,
    speech_regions,
    voice_print,
)

SOURCE = "diarisation"
LABEL = "ผู้พูด {}"  # unnamed speaker n, counted from 1 in order of first speech

# Clustering, tuned on composed meetings (benchmarks/diarisation.py, the "dev" seeds).
THRESHOLD = 0.32  # cosine distance at which the average-linkage tree is cut
MIN_SHARE = 0.02  # a cluster holding less of the speech is noise: it joins the nearest speaker
MAX_CLUSTERED = 1500  # voice prints clustered directly; the rest join the nearest (memory stays flat)
SWITCH_PENALTY = 0.2  # similarity a change of speaker must win by (Viterbi smoothing)
UNSURE = 0.05  # a print this close to two speakers gets its overlapping neighbours computed too


@dataclass(frozen=True)
class Settings:
    """What the user may say about the speakers: their number, bounds on it, a voice library."""

    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    voices: str | None = None  # folder of speakers/<name>/*.wav|m4a

    def check(self) -> Settings:
        """The settings, or a one-line error saying which one is wrong and how to fix it."""
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise MinutesError(f"--{name.replace('_', '-')} {value}: give a number of speakers of 1 or more")
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise MinutesError(
                f"--min-speakers {self.min_speakers} is more than --max-speakers {self.max_speakers}; swap them"
            )
        if self.voices is not None and not Path(self.voices).is_dir():
            raise MinutesError(f"--voices {self.voices}: no such folder; give a folder of speakers/<name>/*.wav|m4a")
        return self


# The speaker engines share one call (transcript, recording, audio); the run's speaker settings
# and meeting.yaml come as keywords, bound by the runner (`functools.partial`), never through a
# global: without them an engine takes the defaults.


def engine(
    transcript: Transcript,
    recording: Recording,
    audio: Audio | None,
    settings: Settings = Settings(),
    meeting: Meeting | None = None,
) -> tuple[list[Turn], str]:
    """The `diarize` speaker engine: turns from the mixed recording, named from a voice library."""
    if audio is None:
        raise MinutesError("diarisation needs the recording's audio; give the recording, not a transcript.json")
    found = diarize(audio.path, settings.check())
    found.how = f"{len(speakers_of(found.turns))} speakers told apart by voice ({found.how})"
    return _named(found, settings, meeting)


def _named(found: Diarisation, settings: Settings, meeting: Meeting | None) -> tuple[list[Turn], str]:
    """The turns with the names the voice library gives, when there is one, and how they were found."""
    if not settings.voices:
        return found.turns, found.how
    named = voices.name_turns(found, voices.Library.load(settings.voices), meeting)
    return named.turns, f"{found.how}; {named.note}"


PYANNOTE_MODEL = "pyannote/speaker-diarization-community-1"


def pyannote_engine(
    transcript: Transcript,
    recording: Recording,
    audio: Audio | None,
    settings: Settings = Settings(),
    meeting: Meeting | None = None,
) -> tuple[list[Turn], str]:
    """The `pyannote` speaker engine (extra `pyannote`): pyannote.audio's community-1 pipeline, which
    finds overlapping speech too. It needs a Hugging Face token (HF_TOKEN) that has accepted the
    model's terms, and a GPU to be fast. Names come from the voice library as for `diarize`."""
    if audio is None:
        raise MinutesError("diarisation needs the recording's audio; give the recording, not a transcript.json")
    try:
        import torch
        from pyannote.audio import Pipeline
    except ImportError:
        raise MinutesError(
            "speaker engine 'pyannote' is not installed: pip install 'thai-minutes[pyannote]' (or --speakers diarize)"
        ) from None
    token = os.environ.get("HF_TOKEN")
    if not token:
        raise MinutesError(
            f"speaker engine 'pyannote' needs a Hugging Face token in HF_TOKEN that accepted {PYANNOTE_MODEL}'s "
            "terms; or use --speakers diarize (offline)"
        )
    settings = settings.check()
    try:
        pipeline = Pipeline.from_pretrained(PYANNOTE_MODEL, token=token)
    except Exception as exc:  # hub, network and authorisation errors all mean the same to a user
        raise MinutesError(f"{PYANNOTE_MODEL} could not be loaded ({exc}); check HF_TOKEN and the network") from None
    if torch.cuda.is_available():
        pipeline.to(torch.device("cuda"))
    bounds = {"num_speakers": settings.num_speakers}
    bounds |= {"min_speakers": settings.min_speakers, "max_speakers": settings.max_speakers}
    output = pipeline(audio.path, **{k: v for k, v in bounds.items() if v})
    annotation = getattr(output, "speaker_diarization", output)  # pyannote.audio 4 wraps the annotation
    raw = [(seg.start, seg.end, str(label)) for seg, _, label in annotation.itertracks(yield_label=True)]
    order = list(dict.fromkeys(label for _, _, label in sorted(raw)))
    names = {label: LABEL.format(i + 1) for i, label in enumerate(order)}
    turns = [Turn(round(a, 3), round(b, 3), names[label], "pyannote") for a, b, label in sorted(raw)]
    note = f"{len(order)} speakers found by {PYANNOTE_MODEL}"
    prints = {}
    if settings.voices:  # each speaker's voice print, from up to a minute of their turns
        samples = audio_io.Samples(audio.path)
        for label in names.values():
            wav = np.concatenate([samples.read(t.start, t.end) for t in turns if t.speaker == label])[: 60 * SR]
            prints[label] = voice_print(wav)
    return _named(Diarisation(turns, {k: v for k, v in prints.items() if v is not None}, note), settings, meeting)


def speakers_of(turns: list[Turn]) -> list[str]:
    """Speakers in order of first speech."""
    return list(dict.fromkeys(t.speaker for t in sorted(turns, key=lambda t: t.start)))


def diarize(wav: str | Path, settings: Settings = Settings()) -> Diarisation:
    """Find who spoke when in a 16 kHz mono WAV."""
    samples = audio_io.Samples(wav)
    stream = SpeechStream(samples, speech_regions(audio_io.speech_probabilities(samples), samples.duration))
    if stream.frames == 0:
        return Diarisation([], {}, "no speech heard")
    cells = stream.cells
    # Voice prints side by side first (a quarter of the work of overlapping ones) ...
    starts = coarse_starts(cells)
    prints = embed_at(stream, starts)
    labels, centroids, how = cluster(prints, settings)
    # ... then the overlapping ones only where the speaker may change, for 0.4 s resolution there.
    extra = _unsure(starts, prints, centroids, cells)
    if len(extra):
        starts, prints = np.concatenate([starts, extra]), np.concatenate([prints, embed_at(stream, extra)])
    path = viterbi(_cell_scores(prints, starts, centroids, cells), SWITCH_PENALTY)
    turns = _turns(stream, path)
    # Number speakers by first speech, so "ผู้พูด 1" opens the meeting.
    order = list(dict.fromkeys(t.speaker for t in turns))
    names = {old: LABEL.format(i + 1) for i, old in enumerate(order)}
    turns = [Turn(t.start, t.end, names[t.speaker], SOURCE) for t in turns]
    voices = {names[str(k)]: centroids[k] for k in range(len(centroids)) if str(k) in names}
    return Diarisation(turns, voices, how)


def coarse_starts(cells: int) -> np.ndarray:
    """Starts (in cells) of side-by-side windows covering the whole stream, the last flush with its end."""
    last = max(cells - PER, 0)
    return np.unique(np.append(np.arange(0, last + 1, PER), last))


# 3. Clustering -------------------------------------------------------------------------------


def cluster(prints: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray, str]:
    """Speaker index per voice print, the speakers' centroids, and how their number was chosen."""
    from scipy.cluster.hierarchy import fcluster, linkage

    n = len(prints)
    if n == 1:
        return np.zeros(1, dtype=int), prints.copy(), "one voice print"
    # Evenly spaced prints when there are too many: the tree's memory grows with n squared.
    chosen = np.linspace(0, n - 1, min(n, MAX_CLUSTERED)).round().astype(int)
    tree = linkage(prints[chosen].astype(np.float64), method="average", metric="cosine")
    lo = settings.num_speakers or settings.min_speakers or 1
    hi = settings.num_speakers or settings.max_speakers or n
    if settings.num_speakers:
        sub = fcluster(tree, t=settings.num_speakers, criterion="maxclust")
        how = f"{settings.num_speakers} speakers as given"
    else:
        sub = fcluster(tree, t=THRESHOLD, criterion="distance")
        how = f"number estimated at cosine distance {THRESHOLD}"
        count = len(set(sub))
        if count < lo or count > hi:
            sub = fcluster(tree, t=min(max(count, lo), hi), criterion="maxclust")
            how += f", held to {'at least ' + str(lo) if count < lo else 'at most ' + str(hi)}"
    centroids = _centroids(prints[chosen], sub - 1)
    labels = _assign(prints, centroids)
    if not settings.num_speakers:
        # A cluster with almost no speech is coughs, laughter or overlap: fold it into the nearest.
        while len(centroids) > lo:
            share = np.bincount(labels, minlength=len(centroids)) / n
            small = int(np.argmin(share))
            if share[small] >= MIN_SHARE:
                break
            centroids = np.delete(centroids, small, axis=0)
            labels = _assign(prints, centroids)
    for _ in range(3):  # settle the centroids on every print, not only the clustered ones
        centroids = _centroids(prints, labels, len(centroids))
        labels = _assign(prints, centroids)
    return labels, centroids, how


def _centroids(prints: np.ndarray, labels: np.ndarray, k: int | None = None) -> np.ndarray:
    k = int(labels.max()) + 1 if k is None else k
    sums = np.zeros((k, prints.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, prints)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    keep = norms[:, 0] > 0
    return (sums[keep] / norms[keep]).astype(np.float32)


def _assign(prints: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return np.argmax(prints @ centroids.T, axis=1)


# 4. Labels -----------------------------------------------------------------------------------


def _unsure(starts: np.ndarray, prints: np.ndarray, centroids: np.ndarray, cells: int) -> np.ndarray:
    """Starts of the overlapping windows worth computing: around each pair of side-by-side windows
    that disagree on the speaker, and around windows nearly as close to a second speaker."""
    if len(centroids) < 2:
        return np.zeros(0, dtype=np.int64)
    sims = np.sort(prints @ centroids.T, axis=1)
    labels = np.argmax(prints @ centroids.T, axis=1)
    doubt = (sims[:, -1] - sims[:, -2]) < UNSURE
    doubt[:-1] |= labels[:-1] != labels[1:]
    doubt[1:] |= labels[:-1] != labels[1:]
    around = starts[doubt][:, None] + np.arange(-PER + 1, PER)[None, :]
    wanted = np.unique(around[(around >= 0) & (around <= max(cells - PER, 0))])
    return np.setdiff1d(wanted, starts)


def _cell_scores(prints: np.ndarray, starts: np.ndarray, centroids: np.ndarray, cells: int) -> np.ndarray:
    """(cells, speakers): per 0.4 s cell, the mean similarity to each speaker of the windows covering it."""
    covering = (starts[:, None] + np.arange(PER)[None, :]).reshape(-1)
    which = np.repeat(np.arange(len(starts)), PER)
    ok = covering < cells
    count = np.bincount(covering[ok], minlength=cells)
    total = np.zeros((cells, len(centroids)), dtype=np.float64)
    np.add.at(total, covering[ok], (prints @ centroids.T)[which[ok]])
    return total / np.maximum(count, 1)[:, None]


def viterbi(scores: np.ndarray, penalty: float) -> np.ndarray:
    """The speaker sequence maximising the summed scores less `penalty` per change of speaker."""
    n, k = scores.shape
    back = np.zeros((n, k), dtype=np.int64)
    best = scores[0].copy()
    stay = np.arange(k)
    for t in range(1, n):
        switch = best.max() - penalty
        frm = np.where(best >= switch, stay, int(best.argmax()))
        back[t] = frm
        best = np.maximum(best, switch) + scores[t]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(best.argmax())
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _turns(stream: SpeechStream, path: np.ndarray) -> list[Turn]:
    """Runs of one speaker within each stretch of speech, in recording time."""
    step = STEP * HOP  # samples per cell
    turns: list[Turn] = []
    for (a, _), lo, hi in zip(stream.regions, stream.offsets[:-1].tolist(), stream.offsets[1:].tolist(), strict=True):
        cells = np.arange(lo // step, min((hi - 1) // step + 1, len(path)))
        who = path[cells]
        edges = np.flatnonzero(np.diff(who)) + 1
        for first, last in zip(np.r_[0, edges], np.r_[edges, len(who)], strict=True):
            s, e = max(lo, int(cells[first]) * step), min(hi, int(cells[last - 1] + 1) * step)
            start, end = round((a + s - lo) / SR, 3), round((a + e - lo) / SR, 3)
            if end > start:
                turns.append(Turn(start, end, str(who[first]), SOURCE))
    return turns


def key(settings: Settings, meeting: Meeting | None) -> list[Any]:
    """What the speakers stage's cache key takes from the speaker settings: a changed voice
    library or roster reruns it."""
    library = [voices.fingerprint(settings.voices), voices.roster(meeting)] if settings.voices else None
    return [settings.num_speakers, settings.min_speakers, settings.max_speakers, library]
