"""A body's or a meeting's glossary: names and terms as they must be written.

`glossary.yaml` lists agencies, projects, people and foreign terms, under any headings:

    agencies:
      - กรมควบคุมมลพิษ
    people:
      - นายวิรัตน์ มนัสสนิทวงศ์
    terms:
      - JICA: [ไจก้า, จิก้า]        # a term, and how it is heard
      - PM2.5

`hints()` gives the terms as decoder hints (faster-whisper's hotwords) for models that benefit;
with Whisper base they made Thai CER twice as bad, so runs do not use them. The text stage
corrects the transcript towards the terms: the listed ways a term is heard, the Thai spelling-out of
an acronym (PM → พีเอ็ม), and, conservatively, Thai words close enough in spelling. Each
correction is recorded as an Edit for the reviewer.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from pipeline.errors import MinutesError
from pipeline.thaidate import DIGIT_WORDS

FILE_NAME = "glossary.yaml"
HINT_CHARS = 200  # faster-whisper keeps at most half its 448-token window for hints: Thai costs ~1 token a char

# How the letters of an acronym are read out in Thai, so "PM" also matches "พีเอ็ม".
LETTER_NAMES = {
    "A": "เอ",
    "B": "บี",
    "C": "ซี",
    "D": "ดี",
    "E": "อี",
    "F": "เอฟ",
    "G": "จี",
    "H": "เอช",
    "I": "ไอ",
    "J": "เจ",
    "K": "เค",
    "L": "แอล",
    "M": "เอ็ม",
    "N": "เอ็น",
    "O": "โอ",
    "P": "พี",
    "Q": "คิว",
    "R": "อาร์",
    "S": "เอส",
    "T": "ที",
    "U": "ยู",
    "V": "วี",
    "W": "ดับเบิลยู",
    "X": "เอ็กซ์",
    "Y": "วาย",
    "Z": "แซด",
}

# A Thai word at least this long, this close in spelling (1 - edits/length), is corrected; shorter
# ones only by their listed forms. Chosen on the clips (benchmarks/README.md): looser thresholds
# start turning ordinary words into names.
FUZZY_MIN_CHARS = 5
FUZZY_SIMILARITY = 0.75
_THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass
class Term:
    """A name or term as it must be written, with the other forms it is heard as."""

    text: str
    category: str
    variants: list[str] = field(default_factory=list)

    def forms(self) -> list[str]:
        """Exact forms replaced by the term: listed variants and the Thai reading of an acronym."""
        forms = list(self.variants)
        spoken = _read_out(self.text)
        if spoken and spoken != self.text:
            forms.append(spoken)
        return [f for f in dict.fromkeys(forms) if f and f != self.text]

    def fuzzy(self) -> bool:
        return bool(_THAI.search(self.text)) and len(_squash(self.text)) >= FUZZY_MIN_CHARS


@dataclass
class Correction:
    """`before` (tokens first..last of a sentence) corrected to `after`."""

    first: int
    last: int
    before: str
    after: str
    term: Term
    score: float


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def key(self) -> str:
        """What changes the transcript: the terms and their forms (not where the file is)."""
        data = [(t.text, t.category, t.variants) for t in self.terms]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]

    def hints(self) -> str:
        """The terms for the decoder, longest first, within the room its prompt has."""
        out: list[str] = []
        for term in sorted(self.terms, key=lambda t: -len(t.text)):
            if sum(len(t) + 1 for t in out) + len(term.text) > HINT_CHARS:
                continue
            out.append(term.text)
        return " ".join(out)

    def correct(self, tokens: list[str]) -> list[Correction]:
        """Corrections for a sentence given as its tokens (newmm words; spaces are tokens too).

        Listed forms are replaced wherever they stand on token boundaries. Thai terms are
        compared with every run of tokens of about their length; the closest run at or above
        FUZZY_SIMILARITY is corrected. Runs already spelled as any term are left alone.
        """
        joined = [_squash(t) for t in tokens]
        found: list[Correction] = []
        exact = {_squash(t.text) for t in self.terms}
        written = set()  # tokens already spelled as a term: never part of a fuzzy correction
        for target in exact:
            for first, last in _runs(joined, target):
                written.update(range(first, last + 1))
        for term in self.terms:
            for form in term.forms():
                for first, last in _runs(joined, _squash(form)):
                    if any(i in written for i in range(first, last + 1)):
                        continue  # "บางรัก" inside "เขตบางรัก" when the term is "เขตบางรัก"
                    found.append(Correction(first, last, "".join(tokens[first : last + 1]), term.text, term, 1.0))
        for term in self.terms:
            if not term.fuzzy():
                continue
            target = _squash(term.text)
            for first in range(len(tokens)):
                if not joined[first] or first in written:
                    continue
                text = ""
                for last in range(first, len(tokens)):
                    text += joined[last]
                    if len(text) > 1.3 * len(target) or last in written:
                        break
                    if len(text) < 0.7 * len(target) or not joined[last] or text in exact:
                        continue
                    longest = max(len(target), len(text))
                    limit = int((1 - FUZZY_SIMILARITY) * longest)  # rapidfuzz stops early past it
                    distance = Levenshtein.distance(target, text, score_cutoff=limit)
                    score = 1 - distance / longest if distance <= limit else 0.0
                    if score >= FUZZY_SIMILARITY:
                        before = "".join(tokens[first : last + 1])
                        found.append(Correction(first, last, before, term.text, term, round(score, 3)))
        # The best corrections that do not overlap: exact forms first, then by score and length.
        found.sort(key=lambda c: (-c.score, c.last - c.first, c.first))
        chosen: list[Correction] = []
        for c in found:
            if all(c.last < o.first or c.first > o.last for o in chosen):
                chosen.append(c)
        return sorted(chosen, key=lambda c: c.first)


def _runs(joined: list[str], target: str) -> list[tuple[int, int]]:
    """Runs of tokens (first, last) whose text, spaces left out, is exactly `target`."""
    runs = []
    for first in range(len(joined)):
        if not joined[first]:
            continue
        text = ""
        for last in range(first, len(joined)):
            text += joined[last]
            if len(text) >= len(target):
                break
        if text == target:
            runs.append((first, last))
    return runs


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _read_out(term: str) -> str:
    """The Thai reading of a Latin acronym with digits: "PM2.5" -> "พีเอ็มสองจุดห้า"; "" otherwise."""
    if not re.fullmatch(r"[A-Z][A-Z0-9.\-]*", term) or not re.search(r"[A-Z]{2}", term):
        return ""
    out = []
    for ch in term:
        if ch.isalpha():
            out.append(LETTER_NAMES[ch])
        elif ch.isdigit():
            out.append(DIGIT_WORDS[int(ch)])
        elif ch == ".":
            out.append("จุด")
    return "".join(out)


def load(paths: list[Path]) -> Glossary | None:
    """The terms of one or more glossary files (later files add to earlier ones); None for none."""
    if not paths:
        return None
    glossary = Glossary()
    for path in paths:
        glossary.terms += _read(Path(path))
        glossary.sources.append(str(path))
    seen: dict[str, Term] = {}
    for term in glossary.terms:  # one entry per term: the variants of repeats are merged
        if term.text in seen:
            seen[term.text].variants += [v for v in term.variants if v not in seen[term.text].variants]
        else:
            seen[term.text] = term
    glossary.terms = list(seen.values())
    return glossary


def _read(path: Path) -> list[Term]:
    fix = "write a heading (agencies:, people:, terms: ...) and under it `- term` or `- term: [how it sounds]`"
    if not path.is_file():
        raise MinutesError(f"{path}: glossary file not found; check the path given to --glossary")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0]
        raise MinutesError(f"{path}: not a readable YAML glossary ({reason}); {fix}") from None
    if data is None:
        return []
    if isinstance(data, list):
        data = {"terms": data}
    if not isinstance(data, dict):
        raise MinutesError(f"{path}: a glossary is headings with lists of terms; {fix}")
    terms = []
    for category, entries in data.items():
        if not isinstance(entries, list):
            raise MinutesError(f"{path}: '{category}' should hold a list of terms; {fix}")
        for entry in entries:
            if isinstance(entry, str) and entry.strip():
                terms.append(Term(entry.strip(), str(category)))
            elif isinstance(entry, (int, float)) and not isinstance(entry, bool):
                terms.append(Term(str(entry), str(category)))
            elif isinstance(entry, dict) and len(entry) == 1:
                text, heard = next(iter(entry.items()))
                heard = [heard] if isinstance(heard, str) else heard
                if not isinstance(heard, list) or not all(isinstance(h, str) for h in heard):
                    raise MinutesError(f"{path}: the forms of '{text}' should be a list of text; {fix}")
                terms.append(Term(str(text).strip(), str(category), [h.strip() for h in heard if h.strip()]))
            else:
                raise MinutesError(f"{path}: cannot read the entry {entry!r} under '{category}'; {fix}")
    return terms


def find(recording_path: str | Path) -> Path | None:
    """The glossary.yaml that goes with a recording: inside its folder, or beside the file."""
    path = Path(recording_path)
    folder = path if path.is_dir() else path.parent
    candidate = folder / FILE_NAME
    return candidate if candidate.is_file() else None
