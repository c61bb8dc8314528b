"""Thai text stage: normalise Whisper's output and split it into sentences that keep their times.

Whisper's word pieces are not Thai words and Thai has no full stops, so sentences come from
pythainlp's CRF sentence model; each sentence takes its time span from the pieces it covers,
found by character offset.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right

from pythainlp.tokenize import sent_tokenize
from pythainlp.util import normalize

from pipeline.types import Segment, Transcript, Word

SENTENCE_ENGINE = "crfcut"
MIN_SENTENCE_CHARS = 4  # shorter pieces ("ครับ", "ค่ะ") join the sentence before them


def normalise(text: str) -> str:
    """pythainlp normalisation (zero-width chars, vowel/tone order, repeats) and single spaces."""
    return re.sub(r"\s+", " ", normalize(text)).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order; concatenated they give `text` back (spaces aside)."""
    pieces = [p.strip() for p in sent_tokenize(text, engine=SENTENCE_ENGINE) if p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and len(piece) < MIN_SENTENCE_CHARS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and len(merged[0]) < MIN_SENTENCE_CHARS:
        merged[1] = f"{merged.pop(0)} {merged[0]}"
    return merged


def clean(transcript: Transcript) -> Transcript:
    """A new transcript of normalised sentences, numbered from 0, each with its words and times."""
    out: list[Segment] = []
    for seg in transcript.segments:
        for sentence in _split_segment(seg):
            sentence.id = len(out)
            out.append(sentence)
    return Transcript(
        language=transcript.language,
        duration=transcript.duration,
        segments=out,
        model=transcript.model,
        settings=dict(transcript.settings),
        recording=transcript.recording,
    )


def _split_segment(seg: Segment) -> list[Segment]:
    words = seg.words or [Word(seg.start, seg.end, seg.text)]
    raw = "".join(w.text for w in words)
    text = normalise(raw)
    if not text:
        return []
    # Offsets of every word in `raw`, and a map from positions in `text` back to `raw`.
    ends, pos = [], 0
    for w in words:
        pos += len(w.text)
        ends.append(pos)
    to_raw = _offset_map(text, raw)
    result, cursor = [], 0
    for sentence in split_sentences(text):
        begin = text.index(sentence, cursor)
        cursor = begin + len(sentence)
        first = bisect_right(ends, to_raw[begin])
        last = min(bisect_right(ends, max(to_raw[cursor - 1], 0)), len(words) - 1)
        covered = words[first : last + 1] or [words[min(first, len(words) - 1)]]
        result.append(
            Segment(
                id=0,
                start=covered[0].start,
                end=covered[-1].end,
                text=sentence,
                speaker=seg.speaker,
                speaker_source=seg.speaker_source,
                words=[Word(w.start, w.end, w.text.strip(), w.probability) for w in covered] if seg.words else [],
                flags=list(seg.flags),
            )
        )
    return result


def _offset_map(text: str, raw: str) -> list[int]:
    """For each index of `text`, the index in `raw` it came from (nearest, for inserted chars)."""
    mapping = [0] * len(text)
    matcher = difflib.SequenceMatcher(a=text, b=raw, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            mapping[k] = j1 + (k - i1 if tag == "equal" else min(k - i1, max(j2 - j1 - 1, 0)))
    return mapping
