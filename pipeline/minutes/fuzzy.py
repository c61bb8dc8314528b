"""Finding spoken cues in text a speech model wrote, errors and all.

Whisper's Thai errors are mostly of a few kinds: a tone mark dropped or changed, a long vowel for
a short one, one consonant for another of the same sound (ค/ข, ท/ธ/ถ, ส/ศ/ษ, น/ณ, ร/ล), a space
added or lost, and now and then a letter dropped or added. So cues are looked for in a sound-alike
key of the text in which the first kinds no longer differ (`key`), and then approximately, so that
a dropped or added letter costs a little confidence instead of the whole match (`find`).

Every hit says how sure it is (`Hit.score`, 0-1): 1.0 for the exact words, a little less when only
the sound-alike keys agree, less again for an approximate match. Engines keep weak hits as notes
for the reviewer, never as silent claims (`WEAK`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.thaidate import arabic_digits

# Marks that change tone or length but not which word it is.
_DROP = set("\u0e48\u0e49\u0e4a\u0e4b\u0e47\u0e4c\u0e4d\u0e30 \t\n")  # ่ ้ ๊ ๋ ็ ์ ํ ะ and spaces
# Letters that sound alike, each to one representative; long and short vowels alike.
_CLASSES = [
    "กก", "ขขฃคฅฆ", "จจ", "ชฉชฌ", "ซซศษส", "ยยญ", "ดดฎ", "ตตฏ", "ทฐฑฒถทธ", "นนณ", "พผพภ",
    "ฟฝฟ", "รรลฬฤฦ", "หหฮ", "ิิี", "ึึื", "ุุู", "ไไใ", "าาั",
]
_FOLD = {c: group[0] for group in _CLASSES for c in group[1:]} | {"ำ": "าม"}

# How sure a hit is: the exact words, the same sound-alike key, or an approximate key.
EXACT, SOUND_ALIKE = 1.0, 0.95
WEAK = 0.85  # below this a hit is kept only as a note for the reviewer


def key(text: str) -> tuple[str, list[int]]:
    """The sound-alike key of `text`, and for each key character the index in `text` it comes from."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(arabic_digits(text)):
        if c in _DROP:
            continue
        folded = _FOLD.get(c, c).lower()
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


@lru_cache(maxsize=4096)
def phrase_key(phrase: str) -> str:
    return key(phrase)[0]


@dataclass
class Hit:
    start: int  # span in the text searched
    end: int
    score: float


def _min_score(length: int) -> float:
    """Short cues must match exactly (on the key): one wrong letter in three is another word."""
    if length <= 5:
        return 1.0
    if length <= 9:
        return 0.85
    if length <= 13:
        return 0.85
    return 0.8


def find(phrase: str, text: str, text_key: tuple[str, list[int]] | None = None,
         min_score: float | None = None) -> Hit | None:
    """The first place `phrase` is said in `text`, exactly, sound-alike or approximately."""
    hits = find_all(phrase, text, text_key, min_score)
    return hits[0] if hits else None


def find_all(phrase: str, text: str, text_key: tuple[str, list[int]] | None = None,
             min_score: float | None = None) -> list[Hit]:
    """Every place `phrase` is said in `text`, in order, without overlaps (see `find`)."""
    hits = [Hit(i, i + len(phrase), EXACT) for i in _occurrences(phrase, text)]
    k, where = text_key or key(text)
    p = phrase_key(phrase)
    if not p or not k:
        return hits
    for i in _occurrences(p, k):
        _add(hits, Hit(where[i], _mark_end(text, where[i + len(p) - 1] + 1), SOUND_ALIKE))
    threshold = _min_score(len(p)) if min_score is None else min_score
    if threshold >= 1.0 or len(k) < len(p) - 1:
        return sorted(hits, key=lambda h: h.start)
    pos = 0
    while pos < len(k):
        found = fuzz.partial_ratio_alignment(p, k[pos:], score_cutoff=threshold * 100)
        if found is None:
            break
        start, end = pos + found.dest_start, pos + found.dest_end
        if end <= start:
            break
        # score the window by edits (a substitution is one error, not two as in the alignment's ratio),
        # and move its edges a letter or two where that fits the phrase better
        similarity, start, end = max(
            (Levenshtein.normalized_similarity(p, k[a:b]), a, b)
            for a in range(max(pos, start - 2), start + 3) for b in range(max(a + 1, end - 2), min(len(k), end + 2) + 1)
        )
        if similarity >= threshold:
            _add(hits, Hit(where[start], _mark_end(text, where[end - 1] + 1), min(similarity, SOUND_ALIKE - 0.01)))
        pos = end
    return sorted(hits, key=lambda h: h.start)


def _occurrences(needle: str, text: str) -> list[int]:
    """Where `needle` starts in `text`, left to right, without overlaps (as re.finditer finds a literal;
    str.find, because the vocabulary's phrases are more than re's cache of compiled patterns holds)."""
    out: list[int] = []
    at = text.find(needle) if needle else -1
    while at != -1:
        out.append(at)
        at = text.find(needle, at + len(needle))
    return out


def _mark_end(text: str, end: int) -> int:
    """Past the tone marks and the like that belong to the last letter of a hit (not in its key)."""
    while end < len(text) and text[end] in _DROP and not text[end].isspace():
        end += 1
    return end


def _add(hits: list[Hit], hit: Hit) -> None:
    """Keep `hit` unless an earlier hit already covers that place."""
    if not any(h.start < hit.end and hit.start < h.end for h in hits):
        hits.append(hit)


def canonical(text: str, vocabulary: tuple[str, ...], bounds: set[int] | None = None) -> str:
    """`text` with every misheard form of a `vocabulary` phrase written as the phrase.

    Only sound-alike and approximate hits are rewritten (exact ones are already right); longer
    phrases first, and no two rewrites overlap. The engines then match their cues and write their
    claims on this form, so "ที่ประชุมเหนชอบ" reads "ที่ประชุมเห็นชอบ" in the draft as in the rules."""
    text_key = key(text)
    candidates = [(hit, phrase) for phrase in vocabulary for hit in find_all(phrase, text, text_key)]
    # a phrase said exactly stays as said, even where another phrase sounds like it ("ครั้งหน้า"/"คราวหน้า")
    kept = [(h.start, h.end) for h, p in candidates if text[h.start:h.end] == p]
    spans: list[tuple[int, int, str]] = []
    for hit, phrase in sorted(candidates, key=lambda c: (-c[0].score, -len(c[1]))):
        if text[hit.start:hit.end] == phrase:
            continue
        # a rewrite must be surer than a match: a short phrase only where its sound-alike key is there
        # whole ("พื้นที่ ป่าชุมชน" is one letter from "ที่ประชุม", and not it)
        if hit.score < SOUND_ALIKE and len(phrase_key(phrase)) < 10:
            continue
        if bounds is not None and len(phrase_key(phrase)) < 7 and not {hit.start, hit.end} <= bounds:
            continue
        if bounds is not None and hit.score < SOUND_ALIKE and _other_word_before(text, hit, phrase, bounds):
            continue
        # an exact phrase is kept unless the rewrite is longer, holds it whole and says it ("สิ่นเดือน" holds
        # "เดือน" and "สิ้นเดือน" says it; "สำนักงานเขตบางกะปิ ไปล" is not "สำนักงานเขตบางกอกใหญ่")
        if any(a < hit.end and hit.start < b and not (hit.start <= a and b <= hit.end and hit.end - hit.start > b - a
                                                      and text[a:b] in phrase)
               for a, b in kept) or any(a < hit.end and hit.start < b for a, b, _ in spans):
            continue
        spans.append((hit.start, hit.end, phrase))
    if not spans:
        return text
    out, pos = [], 0
    for a, b, phrase in sorted(spans):
        out += [text[pos:a], phrase]
        pos = b
    return "".join([*out, text[pos:]])


def _other_word_before(text: str, hit: Hit, phrase: str, bounds: set[int]) -> bool:
    """Whether `hit` is `phrase`'s tail said exactly after another word, not `phrase` misheard: it starts
    inside a word ("คู่มือให้ประชาสัมพันธ์" is not "กองประชาสัมพันธ์"), or at one that has no letter of
    the head it would replace ("ให้ประชาสัมพันธ์" is not "กรมประชาสัมพันธ์")."""
    said = text[hit.start:hit.end]
    for cut in sorted(b for b in bounds if hit.start < b < hit.end):
        tail = said[cut - hit.start:]
        if phrase.endswith(tail) and len(phrase_key(tail)) >= 5:
            head, heard = phrase[: len(phrase) - len(tail)], said[: cut - hit.start]
            return hit.start not in bounds or not set(phrase_key(head)) & set(phrase_key(heard))
    return False


def vocabulary(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Phrases to canonicalise, longest first (a long phrase is surer than the short one inside it)."""
    phrases = {p for g in groups for p in g if re.search("[\u0e01-\u0e4e]", p) and len(phrase_key(p)) >= 3}
    return tuple(sorted(phrases, key=lambda p: (-len(phrase_key(p)), p)))
