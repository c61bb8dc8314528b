"""Thai text helpers shared by the minutes engines: the matching form of a sentence, the written
form of what was said, sentence cuts, numbers as said, and the words that carry content.

Whisper gives Thai without punctuation and with spaces in odd places, so matching runs on a
"flat" form of each sentence: Arabic digits, and no spaces between Thai characters (spaces next
to digits stay, so "30 เมษายน 2569" keeps its parts apart).
"""

from __future__ import annotations

import re

from pythainlp.corpus import thai_stopwords
from pythainlp.tokenize import word_tokenize

from pipeline import thaidate
from pipeline.thaidate import arabic_digits

THAI = "\u0e01-\u0e4f"  # Thai letters, vowels, tone marks, ฯ and ๆ; not the Thai digits
_INNER_SPACE = re.compile(rf"(?<=[{THAI}])\s+(?=[{THAI}])")

# Spoken particles: dropped from anything written; the "final" ones close a sentence.
PARTICLES = frozenset({
    "นะ", "น่ะ", "ครับ", "คับ", "ครับผม", "ค่ะ", "คะ", "นะคะ", "นะครับ", "จ้ะ", "จ้า", "จ๊ะ",
})
FINAL_PARTICLES = PARTICLES - {"นะ", "น่ะ"}
# Whisper's segments often hold two sentences; a space after a final particle separates them.
_SENTENCE_END = re.compile("|".join(rf"(?<={p})\s+" for p in ("ครับ", "ค่ะ", "คะ", "จ้ะ", "จ้า")))

# Words too empty to make a sentence worth summarising (beside pythainlp's stopwords).
FILLER_WORDS = frozenset({"โอเค", "อ่า", "เอ่อ", "อืม", "แบบ", "ก็คือ", "ทุกท่าน", "ขอบคุณ"})


def flatten(text: str) -> str:
    """The matching form: Arabic digits, single spaces, none between Thai characters."""
    text = re.sub(r"\s+", " ", arabic_digits(text)).strip()
    return _INNER_SPACE.sub("", text)


def sentences(text: str) -> list[str]:
    """A segment's text cut after each sentence-final particle that a space follows."""
    text = re.sub(r"\s+", " ", text).strip()
    return [s for s in _SENTENCE_END.split(text) if s.strip()] if text else []


def tokens(text: str) -> list[str]:
    return word_tokenize(text, engine="newmm", keep_whitespace=True)


# Sounds a speaker makes while thinking: never written.
HESITATIONS = frozenset({"อ่า", "เอ่อ", "อืม", "เออ", "อ่ะ", "อะ", "เอ้อ", "อื้ม"})


def written(text: str, cut: bool = True) -> str:
    """Spoken -> written: drop particles and hesitations, and say a false start once
    ("คือ คือว่า", "อันนี้ อันนี้"); with `cut`, stop where a final particle ends the sentence (what
    follows it in the same breath is another sentence)."""
    kept: list[str] = []
    for token in tokens(text):
        if token in PARTICLES:
            if cut and token in FINAL_PARTICLES and "".join(kept).strip():
                break
            continue
        if token in HESITATIONS:
            continue
        words = [t for t in kept if t.strip()]
        if token.strip() and len(token.strip()) > 1 and words and words[-1] == token:
            continue  # the same word twice in a row: a false start
        kept.append(token)
    out = re.sub(r"\s+", " ", "".join(kept)).strip()
    return re.sub(r"\s*ๆ", " ๆ", out)  # the official spelling has a space before ๆ




DIGIT_WORDS = {w: n for w, n in thaidate.NUMBER_WORDS.items() if n}  # the number words but ศูนย์
UNITS = "|".join(thaidate.DIGIT_WORDS[1:])  # หนึ่ง|สอง|...|เก้า
NUMWORD = rf"(?:(?:ยี่|{UNITS})?สิบ(?:เอ็ด|{UNITS})?|{UNITS})"  # to ninety-nine: "ภายในสี่สิบห้าวัน"
NUM_PART = rf"(?:\d+|{NUMWORD})"
NUMBER = rf"{NUM_PART}(?:\s*(?:\.|จุด)\s*{NUM_PART})?"


def word_to_int(word: str) -> int:
    if word.isdigit():
        return int(word)
    tens, has_ten, ones = word.partition("สิบ")
    if not has_ten:
        return DIGIT_WORDS[word]
    return DIGIT_WORDS.get(tens, 1) * 10 + DIGIT_WORDS.get(ones, 0)


def spoken_number(text: str) -> str:
    """"สี่จุดหนึ่ง" / "4 . 1" -> "4.1"."""
    parts = re.split(r"\s*(?:\.|จุด)\s*", arabic_digits(text).strip())
    return ".".join(str(word_to_int(p)) for p in parts if p)


def agenda_number(text: str) -> str:
    """A planned number as written in meeting.yaml ("๔.๑", "4.1.") -> "4.1"."""
    return re.sub(r"\s+", "", arabic_digits(text)).strip(".")




def content_words(sentence: str) -> list[str]:
    stop = thai_stopwords()
    return [
        w for w in tokens(sentence)
        if len(w.strip()) >= 2 and w not in stop and w not in PARTICLES and w not in FILLER_WORDS
    ]

