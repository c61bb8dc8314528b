"""Thai text stage: Whisper's output written as a secretary writes it, in sentences with times.

Whisper's pieces are not Thai words and Thai has no full stops. Here the text is normalised
(pythainlp: zero-width characters, vowel/tone order, repeated marks; spaces around ๆ and between
Thai and Latin or digits), cut into newmm words that each get a time from the pieces they came
from (by character offset), corrected towards the glossary, its numbers written in digits, and
split into sentences: pythainlp's CRF model proposes the cuts, pauses and Whisper's own segment
ends add some, and rules drop the cuts that would part a clause from what completes it (a due
date, a resolution, an abbreviation and what follows). Every change to the words is an Edit.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from pythainlp.tokenize import sent_tokenize, word_tokenize
from pythainlp.util import normalize, thaiword_to_num

from pipeline.glossary import Glossary
from pipeline.thaidate import (
    DIGIT_WORDS,
    MULTIPLIERS,
    NUMBER_WORDS,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    arabic_digits,
    thai_digits,
)
from pipeline.types import Edit, Segment, Transcript, Word

SENTENCE_ENGINE = "crfcut"
VERSION = 2  # part of the text stage's cache key: bump when the rules below change what they write
MIN_SENTENCE_CHARS = 4  # shorter pieces ("ครับ", "ค่ะ") join the sentence before them
PAUSE_SPLIT = 1.0  # seconds of silence between two words that end a sentence (unless a rule holds it)
PARAGRAPH_PAUSE = 3.0  # a pause this long, or a new speaker, starts a paragraph; sentences stay within one
DIGITS = ("arabic", "thai")
LOW_CONFIDENCE = 0.35  # mean word probability under which a sentence is flagged (as transcribe does)

_THAI_LETTER = "\u0e01-\u0e3a\u0e40-\u0e4e"

# --- sentence rules: words that say a clause goes on (see thai-minutes.md for the phrases) -------

# A sentence does not start with these: they continue the clause before them.
_CONTINUES = {
    "ภายใน", "โดย", "และ", "หรือ", "แต่", "ซึ่ง", "เพื่อ", "ว่า", "ตาม", "ตามที่", "ของ", "กับ", "แก่",
    "จึง", "ด้วย", "นะ", "นะครับ", "นะคะ", "ครับ", "ค่ะ", "คะ", "ถือว่า", "เป็นต้น", "มีมติ", "มติ",
    "ให้", "แล้ว", "ก่อน", "จนถึง", "ถึง", "เช่น", "ได้แก่", "รวมทั้ง", "รวมถึง", "พร้อม", "พร้อมทั้ง",
}  # fmt: skip
# A sentence does not end with these: what completes them follows.
_HOLDS = {
    "ว่า", "ให้", "และ", "หรือ", "โดย", "ภายใน", "ที่", "ของ", "ซึ่ง", "เพื่อ", "กับ", "แก่", "ถ้า", "หาก",
    "วันที่", "ครั้งที่", "วาระที่", "ร้อยละ", "จำนวน", "เวลา", "ประมาณ", "มอบหมาย", "ขอให้", "เรื่อง",
    "เมื่อ", "ณ", "คือ", "ได้แก่", "เช่น", "ตั้งแต่", "จนถึง", "ถึง", "ระหว่าง", "แจ้ง", "เสนอ", "พิจารณา",
}  # fmt: skip
# These open a new sentence wherever they follow a space or a pause: resolutions and agenda cues.
_OPENS = re.compile(
    r"(?:ที่ประชุม(?:รับทราบ|เห็นชอบ|มีมติ|รับรอง|อนุมัติ|พิจารณาแล้ว)|มติที่ประชุม|ต่อไป(?:เป็น|คือ)?(?:ระเบียบ)?วาระ"
    r"|เข้าสู่(?:ระเบียบ)?วาระ|(?:ระเบียบ)?วาระที่\s*[0-9๐-๙]|ถ้าไม่มีผู้ใด|หากไม่มีผู้ใด|ขอปิดการประชุม|ขอเปิดการประชุม)"
)

MONTHS = [*THAI_MONTHS, *THAI_MONTHS_ABBR]
# Words after which a spoken number is a number to write in digits.
_NUMBER_CUES = {
    "ที่", "วันที่", "ครั้งที่", "วาระที่", "ข้อ", "ข้อที่", "ร้อยละ", "จำนวน", "เวลา", "พ.ศ.", "ค.ศ.", "ปี",
    "เลขที่", "หมายเลข", "อายุ", "ประมาณ", "ภายใน", "รวม", "ทั้งหมด", "กว่า", "อีก", "ราว", *MONTHS,
}  # fmt: skip
# Words before which a spoken number is a quantity.
_UNITS = {
    "บาท", "คน", "ราย", "แห่ง", "วัน", "เดือน", "ปี", "ชั่วโมง", "นาที", "โครงการ", "หน่วยงาน", "ครั้ง",
    "เปอร์เซ็นต์", "กิโลเมตร", "เมตร", "ตัน", "ไร่", "ข้อ", "เรื่อง", "ฉบับ", "ท่าน", "ชุด", "เล่ม",
    "หน้า", "จังหวัด", "อำเภอ", "ตำบล", "ประเด็น", "ล้านบาท", "หมื่นบาท", "แสนบาท", "พันบาท", "ล้าน",
    "ไมโครกรัม", "สัปดาห์", "นาฬิกา", *MONTHS,
}  # fmt: skip
_YEAR_CUES = {"พ.ศ.", "ค.ศ.", "ปี", *MONTHS}
_NUMBER_WORD = re.compile(f"(?:{'|'.join([*NUMBER_WORDS, *MULTIPLIERS])})+")


@dataclass
class TextOptions:
    """What the text stage is asked for beyond the transcript: digits and a glossary."""

    digits: str = "arabic"  # "thai" writes ๐-๙, "arabic" 0-9 (Latin terms such as PM2.5 keep theirs)
    glossary: Glossary | None = None

    def key(self) -> list[object]:
        """What changes the result, for the runner's cache key."""
        return [VERSION, SENTENCE_ENGINE, self.digits, self.glossary.key() if self.glossary else None]


@dataclass
class Token:
    """A newmm word with its time, and whether a space stood before it."""

    text: str
    start: float
    end: float
    probability: float = 1.0
    space: bool = False


# --- normalisation --------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """pythainlp normalisation (zero-width chars, vowel/tone order, repeats) and Thai spacing.

    One space at most; ๆ with a space each side; a space between Thai and Latin letters or
    digits; no "?" or "!" after Thai (official Thai does not use them).
    """
    text = normalize(text)
    text = re.sub(rf"(?<=[{_THAI_LETTER}])\s*[?!]+", " ", text)
    text = re.sub(r"(?:\s*ๆ)+", " ๆ ", text)
    text = re.sub(rf"(?<=[{_THAI_LETTER}])(?=[A-Za-z0-9๐-๙])|(?<=[A-Za-z0-9๐-๙])(?=[{_THAI_LETTER}])", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True))


def _is_abbreviation(word: str) -> bool:
    return "." in word and bool(re.search(f"[{_THAI_LETTER}]", word)) and not re.search(r"\d", word)


# --- word timing ----------------------------------------------------------------------------------


def timed_tokens(seg: Segment) -> list[Token]:
    """The segment's normalised text as newmm words, each timed from the Whisper pieces it covers.

    Characters map back to the pieces by offset; within a piece time is spread evenly over its
    characters (its leading space takes none), so a word inside a long piece gets its share.
    """
    pieces = seg.words or [Word(seg.start, seg.end, seg.text)]
    raw = "".join(p.text for p in pieces)
    text = normalise(raw)
    if not text:
        return []
    # Per raw character: the time it starts and ends, and its piece's probability.
    starts, ends, probs = [], [], []
    for p in pieces:
        lead = len(p.text) - len(p.text.lstrip())
        body = max(len(p.text) - lead, 1)
        step = (p.end - p.start) / body
        for k in range(len(p.text)):
            at = max(k - lead, 0)
            starts.append(p.start + at * step)
            ends.append(p.start + (at + 1) * step if k >= lead else p.start)
            probs.append(p.probability)
    to_raw = _offset_map(text, raw)
    tokens: list[Token] = []
    pos, space = 0, False
    for word in _words(text):
        a, b = pos, pos + len(word)
        pos = b
        if not word.strip():
            space = True
            continue
        first, last = to_raw[a], max(to_raw[b - 1], to_raw[a])
        tokens.append(
            Token(
                word,
                round(starts[first], 3),
                round(max(ends[last], starts[first]), 3),
                min(probs[first : last + 1]),
                space and bool(tokens),
            )
        )
        space = False
    return _merge_latin(tokens)


_LATIN = re.compile(r"[A-Za-z0-9๐-๙.,:/\-+%]+")


def _merge_latin(tokens: list[Token]) -> list[Token]:
    """newmm cuts "PM2.5" into "PM" "2.5" and "1/2569" into three: Latin and digit runs are one word."""
    out: list[Token] = []
    for t in tokens:
        if out and not t.space and _LATIN.fullmatch(t.text) and _LATIN.fullmatch(out[-1].text):
            last = out[-1]
            out[-1] = Token(last.text + t.text, last.start, t.end, min(last.probability, t.probability), last.space)
        else:
            out.append(t)
    return out


def _offset_map(text: str, raw: str) -> list[int]:
    """For each index of `text`, the index in `raw` it came from (nearest, for inserted chars)."""
    mapping = [0] * len(text)
    matcher = difflib.SequenceMatcher(a=text, b=raw, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            mapping[k] = min(j1 + (k - i1 if tag == "equal" else min(k - i1, max(j2 - j1 - 1, 0))), len(raw) - 1)
    return mapping


def _joined(tokens: list[Token]) -> str:
    """The tokens as text, with the spaces Thai writing wants (see normalise)."""
    out = ""
    for i, t in enumerate(tokens):
        if i and (t.space or _needs_space(tokens[i - 1].text, t.text)):
            out += " "
        out += t.text
    return out


def _needs_space(left: str, right: str) -> bool:
    thai_l, thai_r = re.search(f"[{_THAI_LETTER}]$", left), re.match(f"[{_THAI_LETTER}]", right)
    other_l, other_r = re.search(r"[A-Za-z0-9๐-๙]$", left), re.match(r"[A-Za-z0-9๐-๙]", right)
    if left.endswith(".") and _is_abbreviation(left) and other_r:  # "พ.ศ. 2569", "เม.ย. 2569"
        return True
    return bool((thai_l and other_r) or (other_l and thai_r) or right == "ๆ" or left == "ๆ")


# --- corrections: glossary and numbers ------------------------------------------------------------


def _replace(tokens: list[Token], first: int, last: int, text: str) -> Token:
    span = tokens[first : last + 1]
    return Token(text, span[0].start, span[-1].end, min(t.probability for t in span), span[0].space)


def apply_glossary(tokens: list[Token], glossary: Glossary, edits: list[Edit]) -> list[Token]:
    """Tokens with glossary corrections made, each recorded in `edits`."""
    words = []
    for i, t in enumerate(tokens):
        if i and t.space:
            words.append(" ")
        words.append(t.text)
    # Map word positions (spaces included) back to token positions.
    owner = [i for i, t in enumerate(tokens) for _ in range(2 if (i and t.space) else 1)]
    out, pos = [], 0
    for c in glossary.correct(words):
        first, last = owner[c.first], owner[c.last]
        if first < pos:
            continue
        out += tokens[pos:first]
        new = _replace(tokens, first, last, c.after)
        how = "listed form" if c.score == 1.0 else f"similar spelling {c.score:.2f}"
        edits.append(Edit("glossary", new.start, new.end, c.before.strip(), c.after, f"{c.term.category}: {how}"))
        out.append(new)
        pos = last + 1
    return out + tokens[pos:]


def format_numbers(tokens: list[Token], edits: list[Edit]) -> list[Token]:
    """Spoken numbers in digits where they count or date something, as minutes write them.

    "วันที่สามสิบ เมษายน สองพันห้าร้อยหกสิบเก้า" -> "วันที่ 30 เมษายน 2569"; "ร้อยละยี่สิบห้า" ->
    "ร้อยละ 25"; "สิบสามนาฬิกาสามสิบนาที" -> "13.30 น."; "13:30 น." -> "13.30 น.". A number word
    with no such cue before or unit after ("หนึ่งในนั้น") is left as spoken.
    """
    tokens = _split_cue_numbers(tokens)
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _NUMBER_WORD.fullmatch(tokens[j].text) and (j == i or not tokens[j].space):
            j += 1
        if j == i:
            out.append(_clock_digits(tokens, i, edits))
            i += 1
            continue
        words = "".join(t.text for t in tokens[i:j])
        value = _number(words)
        end = j
        # A decimal: "สองจุดห้า" -> 2.5 (one digit word after จุด at a time).
        if value is not None and end + 1 < len(tokens) and tokens[end].text == "จุด":
            decimals = ""
            k = end + 1
            while k < len(tokens) and tokens[k].text in DIGIT_WORDS:
                decimals += str(DIGIT_WORDS.index(tokens[k].text))
                k += 1
            if decimals:
                value, end = f"{value}.{decimals}", k
        before = out[-1].text if out else ""
        after = tokens[end].text if end < len(tokens) else ""
        cued = before in _NUMBER_CUES or after in _UNITS or re.fullmatch(r"[A-Za-z]+", before or "-")
        if value is None or not cued:
            out += tokens[i:end]
            i = end
            continue
        text = str(value)
        if after == "นาฬิกา":  # a time of day: "สิบสามนาฬิกาสามสิบนาที" -> "13.30 น."
            minutes, k = "00", end + 1
            m_end = k
            while m_end < len(tokens) and _NUMBER_WORD.fullmatch(tokens[m_end].text):
                m_end += 1
            if m_end > k and (mv := _number("".join(t.text for t in tokens[k:m_end]))) is not None and mv < 60:
                minutes, k = f"{mv:02d}", m_end
                if k < len(tokens) and tokens[k].text == "นาที":
                    k += 1
            text, end = f"{value}.{minutes} น.", k
        elif isinstance(value, int) and value >= 1000 and before not in _YEAR_CUES and after not in _YEAR_CUES:
            text = f"{value:,}"
        new = _replace(tokens, i, end - 1, text)
        spoken = "".join(t.text for t in tokens[i:end])
        edits.append(Edit("number", new.start, new.end, spoken, text, "written in digits"))
        out.append(new)
        i = end
    return out


def _split_cue_numbers(tokens: list[Token]) -> list[Token]:
    """newmm reads "ที่หนึ่ง" as one word: part the cue from the number so the rules see both."""
    out = []
    for t in tokens:
        m = re.fullmatch(r"(ที่|ครั้งที่|วันที่|ข้อ)(" + _NUMBER_WORD.pattern + ")", t.text)
        if m:
            cut = t.start + (t.end - t.start) * len(m[1]) / len(t.text)
            out += [Token(m[1], t.start, cut, t.probability, t.space), Token(m[2], cut, t.end, t.probability)]
        else:
            out.append(t)
    return out


def _clock_digits(tokens: list[Token], i: int, edits: list[Edit]) -> Token:
    """ "13:30" -> "13.30": minutes write times with a full stop."""
    t = tokens[i]
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", t.text)
    if not m:
        return t
    new = Token(f"{m[1]}.{m[2]}", t.start, t.end, t.probability, t.space)
    edits.append(Edit("number", t.start, t.end, t.text, new.text, "a time is written with a full stop"))
    return new


def _number(words: str) -> int | None:
    try:
        value = thaiword_to_num(words)
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, int) else None


# --- sentences ------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order; concatenated they give `text` back (spaces aside)."""
    tokens: list[Token] = []
    space = False
    for w in _words(normalise(text)):
        if w.strip():
            tokens.append(Token(w, 0.0, 0.0, space=space and bool(tokens)))
        space = not w.strip()
    return [_joined(tokens[a:b]) for a, b in _sentence_spans(tokens, set())]


def _sentence_spans(tokens: list[Token], breaks: set[int]) -> list[tuple[int, int]]:
    """(first, end) token ranges of the sentences; `breaks` are cuts Whisper or a pause proposed."""
    if not tokens:
        return []
    text = _joined(tokens)
    starts, pos = [], 0  # character offset of each token in `text`
    for i, t in enumerate(tokens):
        if i and (t.space or _needs_space(tokens[i - 1].text, t.text)):
            pos += 1
        starts.append(pos)
        pos += len(t.text)
    cuts = set(breaks)
    offset = 0
    for piece in sent_tokenize(text, engine=SENTENCE_ENGINE):
        at = text.find(piece.strip(), offset) if piece.strip() else -1
        if at > 0:
            cuts.add(_token_at(starts, at))
        offset = max(offset, at + len(piece.strip())) if at >= 0 else offset
    for i in range(1, len(tokens)):
        if tokens[i].start - tokens[i - 1].end >= PAUSE_SPLIT > 0 and tokens[i].start > 0:
            cuts.add(i)
    opens = {_token_at(starts, m.start()) for m in _OPENS.finditer(text) if not m.start() or text[m.start() - 1] == " "}
    opens |= {i for i in breaks if _OPENS.match(text, starts[i])} if breaks else set()
    kept = sorted(i for i in cuts | opens if 0 < i < len(tokens) and not _held(tokens, i, i in opens))
    spans, first = [], 0
    for i in kept:
        spans.append((first, i))
        first = i
    spans.append((first, len(tokens)))
    # Too short to stand alone ("ครับ"): joins the sentence before (or the one after, at the start).
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and len("".join(t.text for t in tokens[a:b])) < MIN_SENTENCE_CHARS:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) > 1 and len("".join(t.text for t in tokens[merged[0][0] : merged[0][1]])) < MIN_SENTENCE_CHARS:
        merged[1] = (merged[0][0], merged[1][1])
        merged.pop(0)
    return merged


def _token_at(starts: list[int], offset: int) -> int:
    """The first token starting at or after character `offset`."""
    return bisect_left(starts, offset)


def _held(tokens: list[Token], i: int, opens: bool) -> bool:
    """True when a cut before token i would part what belongs together."""
    left, right = tokens[i - 1].text, tokens[i].text
    if left in _HOLDS:
        return True  # "วันที่ | 30", "ขอให้ | ..."
    if opens:
        return False  # a resolution or an agenda cue starts here
    if right in _CONTINUES or _is_abbreviation(left):
        return True  # "| ภายในวันที่ ...", "| ถือว่าที่ประชุมเห็นชอบ", "กทม. | ..."
    numeric = re.compile(r"[0-9๐-๙][0-9๐-๙.,:/]*")
    if (numeric.fullmatch(left) or left in MONTHS) and (numeric.match(right) or right in MONTHS or right in _UNITS):
        return True  # "30 | เมษายน | 2569", "13.30 | น."
    if right in ("น.",) or left in ("ที่ประชุม",) and right in ("รับทราบ", "เห็นชอบ", "อนุมัติ", "มีมติ", "รับรอง"):
        return True
    return False


# --- the stage ------------------------------------------------------------------------------------


def clean(transcript: Transcript, options: TextOptions | None = None) -> Transcript:
    """A new transcript of normalised sentences, numbered from 0, each with its words and times.

    Segments of one speaker less than PARAGRAPH_PAUSE apart are read as one stream, so a sentence
    Whisper cut in two (a due date after a pause) is put back together; every change made is in
    `edits` and flagged on the sentence it touched.
    """
    options = options or TextOptions()
    if options.digits not in DIGITS:
        raise ValueError(f"digits must be one of {DIGITS}")
    edits = list(transcript.edits)
    out: list[Segment] = []
    for run in paragraphs(transcript.segments, alone=_placeholder):  # a sentence never crosses a paragraph
        if len(run) == 1 and _placeholder(run[0]):  # "[ฟังไม่ชัด]": kept as the transcript stage wrote it
            out.append(replace(run[0], flags=list(run[0].flags)))
            continue
        tokens: list[Token] = []
        breaks: set[int] = set()
        owners: list[Segment] = []
        for seg in run:
            found = timed_tokens(seg)
            if options.glossary:
                found = apply_glossary(found, options.glossary, edits)
            found = format_numbers(found, edits)
            if not found:
                continue
            if tokens:
                breaks.add(len(tokens))
                found[0].space = True
            tokens += found
            owners += [seg] * len(found)
        for a, b in _sentence_spans(tokens, breaks):
            out.append(_sentence(tokens[a:b], owners[a:b], options))
    edits.sort(key=lambda e: (e.start, e.end))
    for i, seg in enumerate(out):
        seg.id = i
        seg.flags = edit_flags(seg, edits) + seg.flags
    return Transcript(
        language=transcript.language,
        duration=transcript.duration,
        segments=out,
        model=transcript.model,
        settings=dict(transcript.settings),
        recording=transcript.recording,
        edits=edits,
    )


def _placeholder(seg: Segment) -> bool:
    """A line for speech nobody could make out (transcribe's `[ฟังไม่ชัด]`): a sentence of its own."""
    return any(f.startswith("unheard:") for f in seg.flags)


def _sentence(tokens: list[Token], owners: list[Segment], options: TextOptions) -> Segment:
    first = owners[0]
    # The digits asked for; a Latin term keeps its own (PM2.5).
    digits = arabic_digits if options.digits == "arabic" else partial(thai_digits, keep_latin=True)
    text = digits(_joined(tokens))
    words = [Word(t.start, t.end, digits(t.text), round(t.probability, 4)) for t in tokens]
    kept = []  # the transcript stage's doubts about any segment this sentence came from
    for owner in dict.fromkeys(id(o) for o in owners):
        seg = next(o for o in owners if id(o) == owner)
        kept += [f for f in seg.flags if f.startswith("doubtful: may not be speech")]
    mean = sum(w.probability for w in words) / len(words)
    if first.words and mean < LOW_CONFIDENCE:
        kept.append(f"doubtful: low confidence ({mean:.2f})")
    return Segment(
        id=0,
        start=tokens[0].start,
        end=max(tokens[-1].end, tokens[0].start),
        text=text,
        speaker=first.speaker,
        speaker_source=first.speaker_source,
        words=words if first.words else [],
        flags=list(dict.fromkeys(kept)),
    )


def describe(edit: Edit) -> str:
    """One line for the reviewer: what was changed, and why."""
    if edit.kind in ("glossary", "number"):
        return f"{edit.kind}: {edit.before} → {edit.after} ({edit.note})"
    if edit.kind == "dropped":
        return f"dropped: {edit.before} ({edit.note})"
    return f"{edit.kind}: {edit.note}"


def edit_flags(seg: Segment, edits: list[Edit]) -> list[str]:
    """The reviewer's lines for the edits a sentence's time touches (an unheard line is its own)."""

    def touches(e: Edit) -> bool:
        if e.kind in ("glossary", "number"):  # made on this stage's own words: the sentence holding them
            return seg.start <= e.start < seg.end or e.start == seg.start
        return e.start <= seg.end and e.end >= seg.start  # a dropped tail touches the sentence it ended

    touched = [e for e in edits if touches(e)]
    return list(dict.fromkeys(describe(e) for e in touched if e.kind != "unheard"))


def paragraphs(segments: list[Segment], alone: Callable[[Segment], bool] = lambda seg: False) -> list[list[Segment]]:
    """Segments grouped into paragraphs: a new one at a change of speaker or a long pause.

    A segment `alone` picks is a paragraph of its own (the text stage's `[ฟังไม่ชัด]` lines).
    """
    out: list[list[Segment]] = []
    for seg in segments:
        last = out[-1][-1] if out else None
        if alone(seg) or (last and alone(last)):
            out.append([seg])
        elif last and seg.speaker == last.speaker and seg.start - last.end < PARAGRAPH_PAUSE:
            out[-1].append(seg)
        else:
            out.append([seg])
    return out
