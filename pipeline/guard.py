"""What Whisper invents, and how to spot it in a piece of text: pure functions, no model.

Whisper's failures on Thai come in two kinds. On silence, music and noise it writes the phrases
that close the videos it was trained on (thanks for watching, subtitle credits, subscribe). And it
falls into loops: one word or phrase repeated until the window ends. The transcription stage
uses these checks to re-decode or drop a stretch and to record what it changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


def find_loops(text: str, longest_unit: int = 8) -> list[Loop]:
    """Stretches of `text` where a unit of 1..longest_unit newmm words repeats (see min_repeats).

    A loop that Whisper cut off mid-unit ("ตอนนี้ ตอนนี้ ตอนน") takes the trailing fragment too.
    """
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


def collapse_loops(text: str, loops: list[Loop]) -> str:
    """`text` with each loop written once (its unit), the rest untouched."""
    out, pos = [], 0
    for loop in loops:
        out.append(text[pos : loop.start])
        out.append(loop.unit)
        pos = loop.end
    out.append(text[pos:])
    return re.sub(r"\s+", " ", "".join(out)).strip()
