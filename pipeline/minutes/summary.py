"""The extractive summary: the sentences of an item that carry its recurring words."""

from __future__ import annotations

from collections import Counter

from pipeline.minutes.text import content_words

_SUMMARY_SENTENCES = 3
_SUMMARY_MAX = 8
_MIN_CONTENT_WORDS = 2


def summary_indices(sentences: list[str], limit: int = _SUMMARY_SENTENCES) -> list[int]:
    """Indices of up to `limit` sentences with the highest term-frequency score, in order.

    Term frequency counts newmm words over all the given sentences, leaving out pythainlp's
    stopwords, particles and fillers; a sentence scores the frequencies of its distinct words,
    so sentences that carry more of the item's recurring words win. Sentences with fewer
    than two such words are never chosen."""
    words = [content_words(s) for s in sentences]
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

