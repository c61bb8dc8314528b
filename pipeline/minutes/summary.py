"""The extractive summary: the sentences of an item that carry its recurring words, each once.

Near-duplicates (a speaker repeating themselves, or a speech model writing the same misheard
fragment again and again) count as one sentence: their words are counted once and only the first
of them can be chosen, so no summary holds the same point twice.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz import fuzz

from pipeline.minutes.text import content_words, flatten

_SUMMARY_SENTENCES = 3
_SUMMARY_MAX = 8
_MIN_CONTENT_WORDS = 2
NEAR_DUPLICATE = 85  # rapidfuzz ratio of the flat forms, 0-100


def near_duplicates(sentences: list[str]) -> list[int]:
    """For each sentence, the index of the first sentence it nearly repeats (itself when none)."""
    flat = [flatten(s).replace(" ", "") for s in sentences]
    first: list[int] = []
    for i, f in enumerate(flat):
        same = next((j for j in range(i) if first[j] == j and f and flat[j]
                     and (fuzz.ratio(f, flat[j]) >= NEAR_DUPLICATE
                          or min(len(f), len(flat[j])) >= 12 and fuzz.partial_ratio(f, flat[j]) >= 95)), i)
        first.append(same)
    return first


def summary_indices(sentences: list[str], limit: int = _SUMMARY_SENTENCES) -> list[int]:
    """Indices of up to `limit` sentences with the highest term-frequency score, in order.

    Term frequency counts newmm words over all the given sentences, leaving out pythainlp's
    stopwords, particles and fillers; a sentence scores the frequencies of its distinct words,
    so sentences that carry more of the item's recurring words win. Sentences with fewer
    than two such words are never chosen, nor a near-duplicate of an earlier one."""
    first = near_duplicates(sentences)
    words = [content_words(s) if first[i] == i else [] for i, s in enumerate(sentences)]
    tf = Counter(w for ws in words for w in ws)
    scored = [
        (sum(tf[w] for w in set(ws)), i)
        for i, ws in enumerate(words) if len(set(ws)) >= _MIN_CONTENT_WORDS
    ]
    return sorted(i for _, i in sorted(scored, key=lambda s: (-s[0], s[1]))[:limit])


def extract_summary(sentences: list[str], limit: int = _SUMMARY_SENTENCES) -> str:
    """The sentences `summary_indices` chooses, joined with a space; "" when none qualifies."""
    return " ".join(sentences[i] for i in summary_indices(sentences, limit))


def summary_limit(count: int) -> int:
    """How many points to keep from `count` sentences: three, one more per six beyond 18, at most eight.

    A long item deserves more than three points, but the summarised style is not a transcript."""
    return min(_SUMMARY_MAX, max(_SUMMARY_SENTENCES, count // 6))

