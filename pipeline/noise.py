"""Recognition errors on demand: Thai text corrupted the way Whisper base mishears it.

The minutes engine has to be judged on transcripts with realistic errors, at a chosen error rate.
`Confusions.learn` estimates an error model from real (reference, hypothesis) pairs
(tests/data/asr/whisper-base-pairs.json, made by benchmarks/asr_pairs.py with the embedded model);
`corrupt_transcript` applies it to a Transcript at a target character error rate (CER).

Learning. Each reference is aligned with its hypothesis character by character (Levenshtein
opcodes, rapidfuzz) after NFC and pythainlp normalisation, whitespace collapsed. A chunk is a
maximal run of non-equal opcodes: a reference substring written as a hypothesis substring
("่" -> "" when ค่ะ becomes คะ, "ค" -> "ข", "ไวไฟ" -> "Wi-Fi"). Every chunk is counted with its
left and right reference character as context, and sorted into one kind, the first that fits:

- space_insert / space_remove: spaces the hypothesis has more or fewer (counted beside the rest);
- number: a digit on either side ("4" -> "สี่", a digit dropped);
- latin: a Latin letter in the reference;
- tone_drop / tone_add / tone_change: equal once tone marks (่ ้ ๊ ๋) are removed;
- vowel_length: equal once vowel length is ignored (ิ/ี ึ/ื ุ/ู ะ/า ั/า, ะ and ็ dropped: เ-ะ/เ-);
- similar_consonant: equal once similar-sounding consonants are one (ค/ข/ฆ, ท/ธ/ถ/ฒ/ฑ/ฐ, ส/ศ/ษ/ซ,
  น/ณ, ล/ร/ฬ, พ/ผ/ภ, ต/ฏ, ด/ฎ, ย/ญ, ฟ/ฝ, ช/ฉ/ฌ), tones and vowel length aside;
- deletion (the hypothesis has nothing), insertion (the reference has nothing), substitution
  (anything else: a syllable or word swapped for another).

Each kind has sites, the places it can happen (tone marks for tone_drop and tone_change, consonants
without a tone mark for tone_add, the marks and vowels above for vowel_length, the consonants of
the groups, boundaries between newmm words for space_insert, spaces for space_remove, Thai
characters with their marks for deletion and substitution, boundaries between them for insertion,
digits and Thai number words for number, Latin letters for latin). A kind's rate per site is
(chunks + MIN_SITES * overall) / (sites + MIN_SITES), where overall is the pairs' edits per
character: the data where there are many sites, about the overall rate where there are few (the
references have no digits and no Latin text). What an edit writes is learned too (which tone, which
vowel, which consonant of a group, how many characters a deletion takes, which syllables are
inserted, which pieces replace others), with priors beside the counts: the short/long partner for
a vowel, the group's letters as often as the model writes them for a consonant, a number spelled
out or a digit dropped or changed. Substitutions away from their context take only pieces that
start with a character (not a mark) and hold no Latin: Whisper writes English for loanwords (ไวไฟ
as Wi-Fi), which only the context layer below puts back where they were heard.

Context, where data allows: a chunk whose reference context (left character, reference substring,
right character) occurs at least MIN_CONTEXT times in the references is also used as such. Where
text matches that context, the edit probability is (chunk count + BETA * class rate) / (context
count + BETA): the context's own statistics, smoothed towards the character classes.

Corrupting. Every position of the text gets its candidate edits with these per-site rates, scaled
by one factor so that the expected number of edits is `rate` per non-space character (a site's
probability is capped at 1). Random draws are made per position before any decision, so that a
higher rate adds edits to a lower one's instead of drawing anew; `corrupt_transcript` relies on
that to find, by bisection, the rate whose measured pooled CER (pipeline.evaluate.scoring_text,
Levenshtein) is the target. Space edits do not change the CER (scoring removes spaces) but are
made, as Whisper makes them. All randomness comes from the `random.Random` given: the same text,
rate and seed give the same result in any process.

    python -m pipeline.noise [--pairs FILE] [--text TEXT] [--cer 0.05 0.1 0.2] [--seed 0]

prints the learned rates and the text corrupted at each CER.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.errors import MinutesError
from pipeline.thaidate import DIGIT_WORDS
from pipeline.types import Transcript

PAIRS_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "asr" / "whisper-base-pairs.json"

KINDS = (
    "tone_drop",
    "tone_add",
    "tone_change",
    "vowel_length",
    "similar_consonant",
    "space_insert",
    "space_remove",
    "deletion",
    "insertion",
    "substitution",
    "number",
    "latin",
)
MIN_SITES = 20  # the overall edit rate weighs as much as this many sites in a kind's rate
MIN_CONTEXT = 2  # a chunk's context seen this often in the references is used on its own
BETA = 2.0  # weight of the class rates against a context's own counts
TOLERANCE = 0.01  # corrupt_transcript: measured CER within this of the target
START, END = "\x02", "\x03"  # text boundaries as context characters

TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
CONSONANTS = "".join(chr(c) for c in range(0x0E01, 0x0E2F))  # ก..ฮ
ABOVE_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"  # ั ิ ี ึ ื ุ ู ฺ: a tone mark goes after them
# Vowel length: each mark and the ones it is heard as (short/long partner, or dropped).
VOWEL_PRIOR: dict[str, tuple[str, ...]] = {
    "ิ": ("ี",),
    "ี": ("ิ",),
    "ึ": ("ื",),
    "ื": ("ึ",),
    "ุ": ("ู",),
    "ู": ("ุ",),
    "ะ": ("", "า"),
    "า": ("ะ",),
    "ั": ("า",),
    "็": ("",),
}
VOWEL_CANON = str.maketrans({"ี": "ิ", "ื": "ึ", "ู": "ุ", "ั": "ะ", "า": "ะ"})
SHORT_MARKS = str.maketrans({"ะ": None, "็": None})
CONSONANT_GROUPS = ("คขฆ", "ทธถฒฑฐ", "สศษซ", "นณ", "ลรฬ", "พผภ", "ตฏ", "ดฎ", "ยญ", "ฟฝ", "ชฉฌ")
GROUP_OF = {c: g for g in CONSONANT_GROUPS for c in g}
CONSONANT_CANON = str.maketrans({c: g[0] for g in CONSONANT_GROUPS for c in g})
TONE_PRIOR = {"่": 1.0, "้": 1.0, "๊": 0.2, "๋": 0.2}
# Similar-sounding Latin letters (a Latin letter misheard is written as one of its group).
LATIN_GROUPS = ("bpvf", "dt", "gkcq", "mn", "szcx", "iey", "ou", "lr", "aeh", "jy", "w")
# Thai number words: a run of them (newmm words) is a number Whisper may write in digits, and back.
NUMBER_START = (*DIGIT_WORDS, "สิบ", "ยี่")
NOT_FIRST = ("ร้อย", "พัน", "หมื่น", "แสน", "ล้าน", "เอ็ด")  # number words that do not start a number

Option = tuple[int, str, float]  # (characters replaced, replacement, weight)


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_digit(ch: str) -> bool:
    return ch.isdigit()


def _is_base(ch: str) -> bool:
    """A character that starts a cluster (itself and the marks above or below it)."""
    return not ch.isspace() and not _is_mark(ch)


def _strip_tones(s: str) -> str:
    return "".join(ch for ch in s if ch not in TONES)


def _bases(s: str) -> int:
    return sum(1 for ch in s if _is_base(ch))


def prepare(text: str) -> str:
    """Text as aligned: NFC, pythainlp-normalised (mark order, doubled marks), whitespace collapsed."""
    from pythainlp.util import normalize

    return " ".join(normalize(unicodedata.normalize("NFC", text)).split())


def classify(ref: str, hyp: str) -> str | None:
    """The kind of a chunk (reference substring -> hypothesis substring), spaces aside; None if only spaces."""
    r, h = ref.replace(" ", ""), hyp.replace(" ", "")
    if r == h:
        return None
    if any(_is_digit(ch) for ch in r + h):
        return "number"
    if any(_is_latin(ch) for ch in r):
        return "latin"
    rt, ht = _strip_tones(r), _strip_tones(h)
    if rt == ht:
        tr, th = [ch for ch in r if ch in TONES], [ch for ch in h if ch in TONES]
        return "tone_drop" if not th else "tone_add" if not tr else "tone_change"
    rv, hv = rt.translate(VOWEL_CANON), ht.translate(VOWEL_CANON)
    if rv == hv or rt.translate(SHORT_MARKS).translate(VOWEL_CANON) == ht.translate(SHORT_MARKS).translate(VOWEL_CANON):
        return "vowel_length"
    if rv.translate(CONSONANT_CANON) == hv.translate(CONSONANT_CANON):
        return "similar_consonant"
    return "deletion" if not h else "insertion" if not r else "substitution"


def chunks(ref: str, hyp: str) -> list[tuple[int, int, int, int]]:
    """Maximal runs of non-equal Levenshtein opcodes: (ref start, ref end, hyp start, hyp end)."""
    runs: list[tuple[int, int, int, int]] = []
    current: list[int] | None = None
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag == "equal":
            if current:
                runs.append((current[0], current[1], current[2], current[3]))
            current = None
        elif current is None:
            current = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            current[1], current[3] = op.src_end, op.dest_end
    if current:
        runs.append((current[0], current[1], current[2], current[3]))
    return runs


@dataclass(frozen=True)
class Words:
    """A text's newmm words: where each starts, and the runs of Thai number words that read as numbers."""

    starts: frozenset[int]
    numbers: dict[int, str]  # start -> the number words there


def words(text: str) -> Words:
    """The text cut into newmm words (pythainlp's dictionary cutter; Thai has no spaces between words)."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import thaiword_to_num

    def number(spoken: str) -> bool:
        try:
            thaiword_to_num(spoken)
        except (ValueError, TypeError, KeyError, IndexError):
            return False
        return True

    tokens = word_tokenize(text, engine="newmm", keep_whitespace=True) if text.strip() else []
    starts = [0]
    for t in tokens:
        starts.append(starts[-1] + len(t))
    if starts[-1] != len(text):  # the cutter changed the text: word boundaries unknown
        return Words(frozenset(), {})
    numbers: dict[int, str] = {}
    if any(w in text for w in NUMBER_START):
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and (j > i or tokens[j] not in NOT_FIRST) and number(tokens[j]):
                j += 1
            if j > i and number("".join(tokens[i:j])):
                numbers[starts[i]] = "".join(tokens[i:j])
            i = max(j, i + 1)
    return Words(frozenset(starts[1:-1]), numbers)


@dataclass
class Confusions:
    """What a recogniser gets wrong, counted from (reference, hypothesis) pairs; see the module docstring."""

    chunks: Counter = field(default_factory=Counter)  # (ref, hyp) -> count
    contexts: Counter = field(default_factory=Counter)  # (left, ref, hyp, right) -> count
    context_sites: Counter = field(default_factory=Counter)  # (left, ref, right) -> occurrences in the references
    kinds: Counter = field(default_factory=Counter)  # kind -> chunks
    sites: Counter = field(default_factory=Counter)  # kind -> sites in the references
    choices: dict[str, Counter] = field(default_factory=dict)  # kind -> what the edit wrote
    letters: Counter = field(default_factory=Counter)  # characters of the hypotheses: what the model writes
    characters: int = 0  # non-space reference characters (as aligned)
    reference_chars: int = 0  # as scored (pipeline.evaluate.scoring_text)
    char_errors: int = 0
    pairs: int = 0

    # --- learning ----------------------------------------------------------------------------------

    @classmethod
    def learn(cls, pairs: list[tuple[str, str]] | list[dict[str, Any]]) -> Confusions:
        """Count the chunks of each pair (reference, hypothesis), their kinds, contexts and sites."""
        from pipeline.evaluate import scoring_text

        model = cls(choices={k: Counter() for k in KINDS})
        refs = []
        for pair in pairs:
            reference, hypothesis = (pair["reference"], pair["hypothesis"]) if isinstance(pair, dict) else pair
            ref, hyp = prepare(reference), prepare(hypothesis)
            refs.append(ref)
            model.letters.update(hyp)
            model.pairs += 1
            scored = scoring_text(reference)
            model.reference_chars += len(scored)
            model.char_errors += Levenshtein.distance(scored, scoring_text(hypothesis))
            for a, b, c, d in chunks(ref, hyp):
                model._count(ref[a:b], hyp[c:d], ref[a - 1] if a else START, ref[b] if b < len(ref) else END)
        keys = list(dict.fromkeys((left, r, right) for left, r, _, right in model.contexts))
        for ref in refs:
            model.characters += sum(1 for ch in ref if not ch.isspace())
            for _, kind in _class_sites(ref):
                model.sites[kind] += 1
            padded = START + ref + END
            for left, r, right in keys:
                model.context_sites[(left, r, right)] += _occurrences(padded, left + r + right)
        return model

    def _count(self, r: str, h: str, left: str, right: str) -> None:
        self.chunks[(r, h)] += 1
        self.contexts[(left, r, h, right)] += 1
        spaces = h.count(" ") - r.count(" ")
        if spaces > 0:
            self.kinds["space_insert"] += spaces
        elif spaces < 0:
            self.kinds["space_remove"] -= spaces
        kind = classify(r, h)
        if kind is None:
            return
        self.kinds[kind] += 1
        r, h = r.replace(" ", ""), h.replace(" ", "")
        rt, ht = _strip_tones(r), _strip_tones(h)
        choice = self.choices[kind]
        if kind == "tone_add":
            choice.update(ch for ch in h if ch in TONES)
        elif kind == "tone_change":
            froms, tos = [ch for ch in r if ch in TONES], [ch for ch in h if ch in TONES]
            choice.update((a, b) for a, b in zip(froms, tos, strict=False) if a != b)
        elif kind == "vowel_length" and len(rt) == 1 and len(ht) <= 1:
            choice[(rt, ht)] += 1
        elif kind == "similar_consonant" and len(rt) == len(ht):
            choice.update((a, b) for a, b in zip(rt, ht, strict=True) if a != b and a in GROUP_OF)
        elif kind == "deletion":
            choice[max(1, _bases(r))] += 1
        elif kind == "insertion":
            choice[h] += 1
        elif kind == "substitution":
            choice[(max(1, _bases(r)), h)] += 1
        elif kind == "number":
            if not any(map(_is_digit, h)):
                choice["spell"] += 1  # digits written as words (or dropped)
            elif not any(map(_is_digit, r)):
                choice["digits"] += 1  # words written as digits
            else:
                choice["drop" if len(h) < len(r) else "change"] += 1
        elif kind == "latin":
            choice["drop" if not h else "change"] += 1

    # --- rates -------------------------------------------------------------------------------------

    @functools.cached_property
    def overall(self) -> float:
        """Edits (spaces aside) per non-space reference character: the prior of every kind's rate."""
        return sum(v for k, v in self.kinds.items() if not k.startswith("space")) / max(self.characters, 1)

    def rate(self, kind: str) -> float:
        """Edits of a kind per site: (chunks + MIN_SITES * overall rate) / (sites + MIN_SITES).

        The prior weighs as much as MIN_SITES sites: a kind seen at few sites (digits and Latin
        letters, which the references lack) takes about the overall rate, a common one its own.
        """
        return (self.kinds[kind] + MIN_SITES * self.overall) / (self.sites[kind] + MIN_SITES)

    def rates(self) -> list[dict[str, Any]]:
        """One row per kind: chunks, sites, per-site rate, share of the chunks, where the rate comes from."""
        total = sum(self.kinds.values()) or 1
        return [
            {
                "kind": k,
                "chunks": self.kinds[k],
                "sites": self.sites[k],
                "rate": self.rate(k),
                "share": self.kinds[k] / total,
                "from": "learned" if self.sites[k] >= MIN_SITES else "mostly the overall rate (few sites)",
            }
            for k in KINDS
        ]

    def table(self) -> str:
        """The learned rates as Markdown, with what they were learned from."""
        lines = [
            "| kind | chunks | sites in references | rate per site (smoothed) | share of chunks | rate from |",
            "|---|---|---|---|---|---|",
        ]
        for row in self.rates():
            lines.append(
                f"| {row['kind']} | {row['chunks']} | {row['sites']} | {row['rate']:.4f} | "
                f"{100 * row['share']:.1f}% | {row['from']} |"
            )
        contexts = sum(1 for key, n in self.context_sites.items() if n >= MIN_CONTEXT)
        lines.append("")
        lines.append(
            f"{self.pairs} pairs, {self.characters} reference characters (non-space), pooled CER "
            f"{self.cer:.3f} ({self.char_errors}/{self.reference_chars}); {sum(self.kinds.values())} edits in "
            f"{sum(self.chunks.values())} chunks, {self.overall:.3f} per character; {contexts} chunk contexts "
            f"seen at least {MIN_CONTEXT} times."
        )
        return "\n".join(lines) + "\n"

    @property
    def cer(self) -> float:
        """The pairs' own pooled CER."""
        return self.char_errors / max(self.reference_chars, 1)

    # --- corrupting --------------------------------------------------------------------------------

    @functools.cached_property
    def _exact(self) -> dict[tuple[str, str, str], tuple[int, list[Option]]]:
        """(left, ref, right) -> (occurrences, options) for the contexts seen at least MIN_CONTEXT times."""
        table: dict[tuple[str, str, str], tuple[int, list[Option]]] = {}
        for (left, r, h, right), count in self.contexts.items():
            n = self.context_sites[(left, r, right)]
            if n >= MIN_CONTEXT:
                table.setdefault((left, r, right), (n, []))[1].append((len(r), h, float(count)))
        return table

    @functools.cached_property
    def _lengths(self) -> list[int]:
        return sorted({len(r) for _, r, _ in self._exact})

    def options(self, kind: str, text: str, i: int, cut: Words | None = None) -> list[Option]:
        """What an edit of `kind` starting at text[i] may write: (characters replaced, replacement, weight)."""
        ch = text[i]
        choice = self.choices.get(kind, Counter())
        if kind in ("tone_drop", "space_remove"):
            return [(1, "", 1.0)]
        if kind == "space_insert":
            return [(0, " ", 1.0)]
        if kind == "tone_change":
            return [(1, t, TONE_PRIOR[t] + choice[(ch, t)]) for t in TONES if t != ch]
        if kind == "tone_add":
            j = i + 1
            while j < len(text) and text[j] in ABOVE_BELOW:
                j += 1
            return [(j - i, text[i:j] + t, TONE_PRIOR[t] + choice[t]) for t in TONES]
        if kind == "vowel_length":
            learned = {h: n for (r, h), n in choice.items() if r == ch}
            targets = list(dict.fromkeys([*VOWEL_PRIOR[ch], *learned]))
            return [(1, t, (1.0 if t in VOWEL_PRIOR[ch] else 0.0) + learned.get(t, 0)) for t in targets]
        if kind == "similar_consonant":  # learned swaps, else the letters the model writes more often
            others = [c for c in GROUP_OF[ch] if c != ch]
            common = max(self.letters[c] for c in GROUP_OF[ch]) + 1
            return [(1, c, choice[(ch, c)] + (self.letters[c] + 1) / common) for c in others]
        if kind in ("deletion", "substitution"):
            longest = max((k if kind == "deletion" else k[0] for k in choice), default=1)
            ends = _cluster_ends(text, i, longest)
            if kind == "deletion":
                return [(ends[min(k, len(ends) - 1)] - i, "", float(n)) for k, n in choice.items()] or [
                    (ends[1] - i, "", 1.0)
                ]
            # Away from where it was heard, not text that starts with a mark (it would land on another
            # character) nor Latin (Whisper writes English for loanwords, kept to their context); the
            # pieces as long as the text there allows, else the shortest.
            usable = [(k, h, n) for (k, h), n in choice.items() if _free_text(h)]
            fit = [o for o in usable if o[0] < len(ends)] or [o for o in usable if o[0] == min(u[0] for u in usable)]
            return [(ends[min(k, len(ends) - 1)] - i, h, float(n)) for k, h, n in fit]
        if kind == "insertion":
            return [(0, h, float(n)) for h, n in choice.items()]
        if kind == "latin":
            group = next((g for g in LATIN_GROUPS if ch.lower() in g and len(g) > 1), "")
            others = [c.upper() if ch.isupper() else c for c in dict.fromkeys(group) if c != ch.lower()]
            return [(1, "", 1.0 + choice["drop"])] + [(1, c, (1.0 + choice["change"]) / len(others)) for c in others]
        if kind == "number":
            return self._number_options(text, i, cut or words(text))
        raise ValueError(kind)

    def _number_options(self, text: str, i: int, cut: Words) -> list[Option]:
        from pythainlp.util import num_to_thaiword, thaiword_to_num

        choice = self.choices.get("number", Counter())
        if not _is_digit(text[i]):  # Thai number words written in digits
            spoken = cut.numbers.get(i, "")
            return [(len(spoken), str(thaiword_to_num(spoken)), 1.0 + choice["digits"])] if spoken else []
        d = unicodedata.digit(text[i], 0)
        options: list[Option] = [(1, "", 1.0 + choice["drop"])]
        options += [(1, str(x), (1.0 + choice["change"]) / 9) for x in range(10) if x != d]
        if i == 0 or not _is_digit(text[i - 1]):  # the whole number spelled out
            j = i
            while j < len(text) and _is_digit(text[j]):
                j += 1
            run = "".join(str(unicodedata.digit(c, 0)) for c in text[i:j])
            spelled = num_to_thaiword(int(run)) if len(run) <= 12 and not run.startswith("0") else ""
            options.append((j - i, spelled or "".join(num_to_thaiword(int(c)) for c in run), 2.0 + choice["spell"]))
        return options

    def _usable(self, kind: str) -> bool:
        """Whether the kind can write anything (insertions and substitutions need learned text)."""
        if kind == "substitution":
            return any(_free_text(h) for _, h in self.choices.get(kind, {}))
        return kind != "insertion" or bool(self.choices.get(kind))

    def plan(self, text: str, rng: random.Random) -> _Plan:
        """The text's candidate edits with their per-site rates, and the random draws that decide them."""
        cut = words(text)
        scale = [1.0] * (2 * len(text) + 1)  # slot 2i: the boundary before text[i]; 2i + 1: text[i]
        exact: dict[int, list[Candidate]] = {}
        padded = START + text + END
        for i in range(len(text)):
            for n in self._lengths:
                if i + n > len(text):
                    break
                key = (padded[i], text[i : i + n], padded[i + n + 1])
                if key not in self._exact or (n == 0 and i == 0):
                    continue
                seen, options = self._exact[key]
                slot = 2 * i + (1 if n else 0)
                for s in range(slot, 2 * (i + n)) if n else (slot,):
                    scale[s] = min(scale[s], BETA / (seen + BETA))
                exact.setdefault(slot, []).append((sum(o[2] for o in options) / (seen + BETA), "context", options))
        slots: list[tuple[list[Candidate], list[Candidate]]] = []
        for i in range(len(text)):
            boundary, character = list(exact.get(2 * i, [])), list(exact.get(2 * i + 1, []))
            for slot, kind in _class_sites(text, i, cut):
                rate = self.rate(kind) * scale[2 * i + slot]
                if rate > 0 and self._usable(kind):
                    (character if slot else boundary).append((rate, kind, None))
            slots.append((boundary, character))
        draws = [tuple(rng.random() for _ in range(6)) for _ in text]
        return _Plan(self, text, cut, slots, draws)

    def corrupt(self, text: str, rate: float, rng: random.Random) -> str:
        """The text with edits at about `rate` per non-space character (0: unchanged)."""
        if rate <= 0 or not text:
            return text
        plan = self.plan(text, rng)
        return plan.apply(plan.factor(rate))


Candidate = tuple[float, str, "list[Option] | None"]  # (rate per site, kind, options; None: Confusions.options)


def _free_text(h: str) -> bool:
    """Hypothesis text fit to write anywhere: no Latin, not starting with a mark."""
    return bool(h) and not _is_mark(h[0]) and not any(_is_latin(ch) for ch in h)


def _cluster_ends(text: str, i: int, most: int) -> list[int]:
    """ends[k]: where k Thai clusters (a character and its marks) from text[i] end, up to `most`."""
    ends = [i]
    j = i
    while len(ends) <= most and j < len(text) and _is_base(text[j]) and not (_is_digit(text[j]) or _is_latin(text[j])):
        j += 1
        while j < len(text) and _is_mark(text[j]):
            j += 1
        ends.append(j)
    return ends if len(ends) > 1 else [i, i + 1]


def _occurrences(text: str, sub: str) -> int:
    """Overlapping occurrences of `sub` in `text`."""
    count, start = 0, text.find(sub)
    while start >= 0:
        count += 1
        start = text.find(sub, start + 1)
    return count


def _class_sites(text: str, at: int | None = None, cut: Words | None = None) -> list[tuple[int, str]]:
    """(slot, kind) for the class edits that can start at position `at` (all positions if None).

    Slot 0 is the boundary before the character, slot 1 the character itself. Spaces are inserted
    between words (Whisper's spaces fall there), syllables between any two characters.
    """
    cut = cut or words(text)
    if at is None:
        return [site for i in range(len(text)) for site in _class_sites(text, i, cut)]
    i, ch = at, text[at]
    sites: list[tuple[int, str]] = []
    if i > 0 and _is_base(ch) and not text[i - 1].isspace():
        if i in cut.starts:
            sites.append((0, "space_insert"))
        sites.append((0, "insertion"))
    if ch.isspace():
        return sites + [(1, "space_remove")]
    if _is_digit(ch) or i in cut.numbers:
        sites.append((1, "number"))
    if _is_digit(ch):
        return sites
    if _is_latin(ch):
        return sites + [(1, "latin")]
    if ch in TONES:
        sites += [(1, "tone_drop"), (1, "tone_change")]
    if ch in VOWEL_PRIOR:
        sites.append((1, "vowel_length"))
    if ch in GROUP_OF:
        sites.append((1, "similar_consonant"))
    if ch in CONSONANTS:
        j = i + 1
        while j < len(text) and text[j] in ABOVE_BELOW:
            j += 1
        if j >= len(text) or not _is_mark(text[j]):  # no tone mark (nor ็ ์) on it yet
            sites.append((1, "tone_add"))
    if _is_base(ch):
        sites += [(1, "deletion"), (1, "substitution")]
    return sites


@dataclass
class _Plan:
    """A text's candidate edits per position (boundary before it, the character) and its draws."""

    confusions: Confusions
    text: str
    cut: Words
    slots: list[tuple[list[Candidate], list[Candidate]]]
    draws: list[tuple[float, ...]]

    @functools.cached_property
    def characters(self) -> int:
        return sum(1 for ch in self.text if not ch.isspace())

    @functools.cached_property
    def total(self) -> float:
        """Expected edits at factor 1 (the sum of every candidate's per-site rate)."""
        return sum(c[0] for slot in self.slots for candidates in slot for c in candidates)

    def factor(self, rate: float) -> float:
        """The factor on every per-site rate that makes `rate` edits per non-space character."""
        return rate * self.characters / self.total if self.total > 0 else 0.0

    def apply(self, factor: float) -> str:
        """The text with the edits the draws decide at the per-site rates times `factor`."""
        out: list[str] = []
        i = 0
        while i < len(self.text):
            skip = 0
            for s, candidates in enumerate(self.slots[i]):
                if not candidates:
                    continue
                u, v, w = self.draws[i][3 * s : 3 * s + 3]
                edit = self._choose(i, candidates, factor, u, v, w)
                if edit is not None:
                    out.append(edit[1])
                    skip = edit[0]
            if skip:
                i += skip
            else:
                out.append(self.text[i])
                i += 1
        return "".join(out)

    def _choose(
        self, i: int, candidates: list[Candidate], factor: float, u: float, v: float, w: float
    ) -> Option | None:
        """The edit the draws pick (u: whether, v: which candidate, w: which option), or None."""
        probabilities = [min(1.0, c[0] * factor) for c in candidates]
        total = sum(probabilities)
        if u >= min(total, 1.0):
            return None
        point, chosen = v * total, candidates[-1]
        for p, candidate in zip(probabilities, candidates, strict=True):
            if point < p:
                chosen = candidate
                break
            point -= p
        options = chosen[2] if chosen[2] is not None else self.confusions.options(chosen[1], self.text, i, self.cut)
        options = [o for o in options if o[2] > 0]
        if not options:
            return None
        point = w * sum(o[2] for o in options)
        for option in options:
            if point < option[2]:
                return option
            point -= option[2]
        return options[-1]


# --- transcripts ------------------------------------------------------------------------------------


def pooled_cer(references: list[str], hypotheses: list[str]) -> float:
    """CER pooled over pieces, as pipeline.evaluate scores (scoring_text, Levenshtein)."""
    from pipeline.evaluate import scoring_text

    refs = [scoring_text(t) for t in references]
    errors = sum(Levenshtein.distance(r, scoring_text(h)) for r, h in zip(refs, hypotheses, strict=True))
    return errors / max(sum(len(r) for r in refs), 1)


def corrupt_transcript(
    transcript: Transcript, cer: float, seed: int | str = 0, confusions: Confusions | None = None
) -> Transcript:
    """A copy of the transcript whose segment texts have about `cer` pooled CER against the original.

    Speakers, ids, times and everything else are kept; only `text` changes and `words` are cleared
    (their times no longer match the text). The per-character rate is found by bisection on the
    measured CER, within TOLERANCE where the text is long enough (a few hundred characters).
    """
    from pipeline.evaluate import scoring_text

    confusions = confusions or default_confusions()
    result = copy.deepcopy(transcript)
    for seg in result.segments:
        seg.words = []
    texts = [seg.text for seg in transcript.segments]
    if cer <= 0 or not any(scoring_text(t) for t in texts):
        return result
    rng = random.Random(seed)
    best: tuple[float, list[str]] | None = None
    for _ in range(5):  # fresh draws if these cannot land within the tolerance
        plans = [confusions.plan(t, rng) for t in texts]
        total = sum(p.total for p in plans)  # one factor for all: rate edits per character, pooled
        chars = sum(p.characters for p in plans)
        if total <= 0:
            break

        def measure(rate: float, plans: list[_Plan] = plans, per: float = chars / total) -> tuple[float, list[str]]:
            out = [p.apply(rate * per) for p in plans]
            return pooled_cer(texts, out), out

        lo, hi = 0.0, max(cer, 0.01)
        measured, out = measure(hi)
        while measured < cer and hi < 64:  # rates are capped at 1 a site: the CER stops growing
            lo, hi = hi, hi * 2
            measured, out = measure(hi)
        for _ in range(40):
            if best is None or abs(measured - cer) < abs(best[0] - cer):
                best = (measured, out)
            if abs(measured - cer) <= TOLERANCE / 10 or hi - lo < 1e-6:
                break
            mid = (lo + hi) / 2
            measured, out = measure(mid)
            lo, hi = (mid, hi) if measured < cer else (lo, mid)
        if best is not None and abs(best[0] - cer) <= TOLERANCE / 2:
            break
    if best is not None:
        for seg, text in zip(result.segments, best[1], strict=True):
            seg.text = text
    return result


@functools.cache
def _default(path: str) -> Confusions:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MinutesError(
            f"{path}: the ASR pairs file could not be read ({exc}); make it with python benchmarks/asr_pairs.py"
        ) from None
    return Confusions.learn(data["pairs"])


def default_confusions(path: str | Path | None = None) -> Confusions:
    """The error model of the embedded Whisper base, learned from the committed pairs (once a process)."""
    return _default(str(path or PAIRS_FILE))


def main(argv: list[str] | None = None) -> None:
    import argparse

    from pipeline.types import Segment

    parser = argparse.ArgumentParser(description="Print the learned ASR error rates and a corrupted example.")
    parser.add_argument("--pairs", type=Path, default=PAIRS_FILE)
    parser.add_argument("--text", default="ที่ประชุมมีมติเห็นชอบให้จัดซื้อเครื่องคอมพิวเตอร์ 4 เครื่อง ภายในเดือนนี้ค่ะ")
    parser.add_argument("--cer", type=float, nargs="+", default=[0.05, 0.10, 0.20])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    confusions = default_confusions(args.pairs)
    print(confusions.table())
    transcript = Transcript(segments=[Segment(0, 0.0, 1.0, args.text)])
    print(f"original: {args.text}")
    for target in args.cer:
        noisy = corrupt_transcript(transcript, target, args.seed, confusions)
        text = noisy.segments[0].text
        print(f"CER {target:.2f} (measured {pooled_cer([args.text], [text]):.3f}): {text}")


if __name__ == "__main__":
    main()
