"""What Whisper invents, and how to spot it in a piece of text: pure functions, no model.

Whisper's failures on Thai come in two kinds. On silence, music and noise it writes the phrases
that close the videos it was trained on (thanks for watching, subtitle credits, subscribe). And it
falls into loops: one word or phrase repeated until the window ends. The transcription stage
uses these checks to re-decode or drop a stretch and to record what it changed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Closing lines of online videos that Whisper writes on silence and music. They are matched with
# spaces removed; a meeting almost never says them, and each removal is recorded for the reviewer.
SILENCE_PHRASES = (
    "ขอบคุณที่รับชม",
    "ขอบคุณสำหรับการรับชม",
    "ขอบคุณที่ติดตามชม",
    "ขอบคุณที่ติดตามรับชม",
    "ขอบคุณทุกคนที่รับชม",
    "ฝากกดไลค์",
    "กดไลค์กดแชร์",
    "กดติดตามช่อง",
    "ฝากกดติดตาม",
    "ฝากติดตามช่อง",
    "กดซับสไครบ์",
    "กดกระดิ่ง",
    "อย่าลืมกดติดตาม",
    "ซับไตเติ้ลโดย",
    "ซับไตเติลโดย",
    "คำบรรยายโดย",
    "คำบรรยายภาษาไทยโดย",
    "แปลและเรียบเรียงโดย",
    "แปลไทยโดย",
    "subtitlesby",
    "subtitleby",
    "amara.org",
    "thanksforwatching",
    "thankyouforwatching",
    "pleasesubscribe",
    "likeandsubscribe",
)

# What a minute-taker writes where someone spoke and nothing could be made out.
UNHEARD = "[ฟังไม่ชัด]"

# A piece that is only music notes, dots or a bracketed sound label ("[ดนตรี]", "(เสียงเพลง)").
_NON_SPEECH = re.compile(r"^[\s♪♫♬*.…·\-–—_~]*$|^\s*[\[(（【][^\])）】]*[\])）】]\s*$")


@dataclass
class Loop:
    """`unit` repeated `count` times in a row, spanning characters [start, end) of the text."""

    start: int
    end: int
    unit: str
    count: int


def is_non_speech(text: str) -> bool:
    """True for text that only marks a sound, never words: notes, dots, "[ดนตรี]"."""
    return bool(_NON_SPEECH.match(text))


def silence_phrases(text: str) -> list[tuple[int, int, str]]:
    """Where the known silence phrases are in `text`: (start, end, phrase), spaces inside allowed."""
    found = []
    for phrase in SILENCE_PHRASES:
        pattern = r"\s*".join(re.escape(ch) for ch in phrase)
        found += [(m.start(), m.end(), phrase) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, phrase in found:  # overlapping or adjacent matches ("ซับไตเติ้ลโดย Amara.org") become one
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2])
        else:
            merged.append((start, end, phrase))
    return merged


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character spans of newmm words, spaces left out."""
    from pythainlp.tokenize import word_tokenize

    spans, pos = [], 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if word.strip():
            spans.append((pos, pos + len(word)))
        pos += len(word)
    return tuple(spans)


def min_repeats(unit_words: int) -> int:
    """How many times in a row a unit must come before it counts as a loop.

    People do say a word three times ("ครับ ครับ ครับ") and a phrase twice; nobody says one
    word four times in a row or a phrase three times in a row in a meeting.
    """
    return 4 if unit_words == 1 else 3


# A letter, mark or piece of up to four written six times or more in a row ("สาทธธธธธธธ",
# "ษาษาษาษาษาษา"): no Thai or English word does that, and newmm cuts no words there to count.
# Digits are left alone ("1000000").
_LETTER_LOOP = re.compile(r"([^\d\s]{1,4}?)\1{5,}")


def find_loops(text: str, longest_unit: int = 8) -> list[Loop]:
    """Stretches of `text` where a unit of 1..longest_unit newmm words repeats (see min_repeats),
    or a piece of one to four letters does six times or more.

    A loop that Whisper cut off mid-unit ("ตอนนี้ ตอนนี้ ตอนน") takes the trailing fragment too.
    """
    letters = [Loop(m.start(), m.end(), m[1], (m.end() - m.start()) // len(m[1])) for m in _LETTER_LOOP.finditer(text)]
    if letters:
        return letters
    spans = _tokens(text)
    words = [text[a:b] for a, b in spans]
    loops: list[Loop] = []
    i = 0
    while i < len(words):
        best: tuple[int, int] | None = None  # (unit length, repeats) covering the most words
        for n in range(1, longest_unit + 1):
            unit = words[i : i + n]
            if len(unit) < n:
                break
            count = 1
            while words[i + count * n : i + (count + 1) * n] == unit:
                count += 1
            if count >= min_repeats(n) and (best is None or n * count > best[0] * best[1]):
                best = (n, count)
        if best is None:
            i += 1
            continue
        n, count = best
        last = i + n * count - 1
        end = spans[last][1]
        unit_text = text[spans[i][0] : spans[i + n - 1][1]]
        rest = text[end:].lstrip()
        if rest and unit_text.replace(" ", "").startswith(rest.replace(" ", "")):
            end = len(text)  # the cut-off last repetition
        loops.append(Loop(spans[i][0], end, unit_text, count))
        i = last + 1
        while i < len(spans) and spans[i][0] < end:
            i += 1
    return loops


def compression_ratio(text: str) -> float:
    """How much zlib shrinks `text` with Thai written one byte a character (TIS-620), as English is.

    Whisper's 2.4 threshold for a repetitive decoding was set on English in ASCII. Thai in UTF-8 is
    three bytes a character, two of them alike, so ordinary Thai sentences reach 2.4 over a 30 s
    window (2.30-2.43 on the sample and composed meetings); one byte a character puts them at
    1.2-1.3, where English is, and loops stay above 2.4 ("ตอนนี้" ×10: 3.6).
    """
    data = text.encode("cp874", errors="replace")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def collapse_loops(text: str, loops: list[Loop]) -> str:
    """`text` with each loop written once (its unit), the rest untouched."""
    out, pos = [], 0
    for loop in loops:
        out.append(text[pos : loop.start])
        out.append(loop.unit)
        pos = loop.end
    out.append(text[pos:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


# Weak speech: where Silero's probability stays under the VAD threshold but above WEAK_PROBABILITY
# for most of a second or more, WEAK_ABOVE_FLOOR dB or more over the recording's quiet (its 10th
# percentile of 32 ms frame energy). A voice at -10 dB SNR in white noise keeps 0.15 on 77 % of its
# frames; room noise, tones and hum reach it on 0-2 % and loud white noise on 6 % (benchmarks/README.md).
WEAK_PROBABILITY = 0.15
WEAK_SHARE = 0.5
WEAK_MIN = 1.0  # seconds
WEAK_ABOVE_FLOOR = 10.0  # dB
FLOOR_DB = -70.0  # digital silence counts as this quiet


def weak_speech(probs: np.ndarray, energy_db: np.ndarray, threshold: float, frame: float) -> list[tuple[float, float]]:
    """Stretches (seconds) of a voice the speech detector did not pass: see WEAK_PROBABILITY.

    `probs` and `energy_db` are per frame of `frame` seconds; a stretch holds no frame at or above
    `threshold` (that is speech, decoded already) and at least WEAK_MIN seconds of which WEAK_SHARE
    are weak-speech frames (gaps of 0.3 s bridged)."""
    n = min(len(probs), len(energy_db))
    if n == 0:
        return []
    probs, energy_db = probs[:n], energy_db[:n]
    floor = max(float(np.percentile(energy_db, 10)), FLOOR_DB)
    weak = (probs >= WEAK_PROBABILITY) & (probs < threshold) & (energy_db >= floor + WEAK_ABOVE_FLOOR)
    bridge = max(int(round(0.3 / frame)), 1)
    out: list[tuple[float, float]] = []
    i = 0
    while i < n:
        if not weak[i]:
            i += 1
            continue
        j, last = i, i
        while j < n and j - last <= bridge and probs[j] < threshold:
            if weak[j]:
                last = j
            j += 1
        if probs[min(j, n - 1)] >= threshold and j < n:  # runs into speech: part of it, decoded
            i = j + 1
            continue
        start, end = i * frame, (last + 1) * frame
        if end - start >= WEAK_MIN and weak[i : last + 1].mean() >= WEAK_SHARE:
            out.append((round(start, 3), round(end, 3)))
        i = last + 1
    return out


# Meeting-level loops: Whisper can write one misheard sentence for stretch after stretch, each of
# which passes the checks alone. People repeat short things ("ครับ", "ที่ประชุมรับทราบ") and a chair
# says a formula once an agenda item, but nobody says one sentence REPEAT_LIMIT times within
# REPEAT_SPAN seconds.
REPEAT_LIMIT = 7
REPEAT_SPAN = 600.0
REPEAT_SIMILARITY = 72.0  # rapidfuzz ratio of the texts without spaces and marks, to any earlier saying: "near-same"
# (Whisper base heard one clip said seven times in two families of readings, 77-100 alike within
# each and up to 73 across; different sentences 18-33 alike; two resolution formulas 70)
REPEAT_MIN_CHARS = 20  # shorter things ("ที่ประชุมรับทราบ") are what people do say again and again


def repeated(texts: list[str], times: list[float]) -> list[tuple[int, int, int]]:
    """(index, index of its first occurrence, how many times said) of every repeat of an utterance
    said REPEAT_LIMIT times or more within REPEAT_SPAN seconds, the same or nearly: alike to any
    earlier saying by REPEAT_SIMILARITY. The first occurrence is never listed."""
    from rapidfuzz import fuzz, process

    def key(t: str) -> str:
        letters = "".join(ch for ch in t.lower() if ch.isalnum() or "\u0e00" <= ch <= "\u0e7f")
        return re.sub(r"(.)\1{2,}", r"\1", letters)  # a letter loop counts once

    # Single linkage: a saying joins every group holding a saying alike to it (union-find).
    seen: list[str] = []
    said: list[int] = []  # index in `texts` of each entry of `seen`
    parent: list[int] = []

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, text in enumerate(texts):
        k = key(text)
        if len(k) < REPEAT_MIN_CHARS:
            continue
        parent.append(len(parent))
        for _, _, j in process.extract(k, seen, scorer=fuzz.ratio, score_cutoff=REPEAT_SIMILARITY, limit=None):
            parent[root(j)] = root(len(parent) - 1)
        seen.append(k)
        said.append(i)
    by_root: dict[int, list[int]] = {}
    for j, i in enumerate(said):
        by_root.setdefault(root(j), []).append(i)
    groups = [sorted(members) for members in by_root.values()]
    out = []
    for members in groups:
        at = [times[i] for i in members]
        dense = any(sum(1 for t in at if a <= t <= a + REPEAT_SPAN) >= REPEAT_LIMIT for a in at)
        if len(members) >= REPEAT_LIMIT and dense:
            out += [(i, members[0], len(members)) for i in members[1:]]
    return sorted(out)
