"""pipeline/noise.py: the ASR error model, learned from hand-made pairs and from the committed real ones.

No speech model runs here: the real pairs are read from tests/data/asr/whisper-base-pairs.json
(made by benchmarks/asr_pairs.py). Error rates are checked with pipeline.evaluate's own
edit distance and scoring text, not with the module's.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import evaluate, noise
from pipeline.types import Segment, Transcript, Word

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "asr" / "whisper-base-pairs.json"

# A meeting as a secretary would hear it: about 600 characters, with digits and a Latin word.
MEETING = [
    ("ดร.กมล วิริยะกุล", "สวัสดีค่ะ ท่านกรรมการทุกท่าน วันนี้ครบองค์ประชุมแล้ว ขอเปิดการประชุมครั้งที่ 3 ค่ะ"),
    ("ดร.กมล วิริยะกุล", "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
    ("นายพงศกร รัตนวงศ์", "กรมได้รับงบประมาณเพิ่มเติมสำหรับโครงการปลูกป่าชุมชนจำนวนสองล้านบาทครับ"),
    ("นายพงศกร รัตนวงศ์", "โครงการจะเริ่มในเดือนมิถุนายนนี้ โดยมีชุมชนเข้าร่วมโครงการ 12 แห่ง"),
    ("นางสาวสุภาวดี มั่นคงธรรม", "ขอสอบถามว่าการประชุมครั้งต่อไปจะจัดผ่าน Zoom หรือที่ห้องประชุมใหญ่คะ"),
    ("ดร.กมล วิริยะกุล", "ครั้งหน้าจะประชุมที่ห้องประชุมใหญ่ ชั้นสี่ ตามเดิมค่ะ"),
    ("นายธนวัฒน์ ศรีประเสริฐ", "ฝ่ายเลขานุการจะส่งหนังสือเชิญและเอกสารประกอบการประชุมให้ล่วงหน้าหนึ่งสัปดาห์"),
    ("นายธนวัฒน์ ศรีประเสริฐ", "ส่วนรายงานการเงินไตรมาสแรก ค่าใช้จ่ายจริงต่ำกว่าแผนร้อยละสิบห้า"),
    ("นางวราภรณ์ แก้วมณี", "ที่ประชุมมีมติเห็นชอบให้จัดซื้อเครื่องคอมพิวเตอร์จำนวนสี่เครื่อง ภายในเดือนนี้"),
    ("นางวราภรณ์ แก้วมณี", "มอบหมายให้ฝ่ายพัสดุดำเนินการจัดซื้อและรายงานผลในการประชุมครั้งถัดไป"),
    ("ดร.กมล วิริยะกุล", "มีท่านใดจะเสนอเรื่องอื่นอีกไหมคะ ถ้าไม่มี ขอปิดการประชุมค่ะ ขอบคุณค่ะ"),
]


def meeting() -> Transcript:
    segments = []
    for i, (speaker, text) in enumerate(MEETING):
        start = 3.0 * i + 0.5
        words = [Word(start, start + 1.0, text[:4]), Word(start + 1.0, start + 2.5, text[4:])]
        flags = ["glossary"] if i == 2 else []
        segments.append(
            Segment(10 + i, start, start + 2.5, text, speaker, speaker_source="zoom track", words=words, flags=flags)
        )
    return Transcript(segments=segments, duration=40.0, model="base", recording="meeting-1")


def measured(before: Transcript, after: Transcript) -> float:
    """Pooled CER with pipeline.evaluate's edit distance and scoring text (the oracle)."""
    errors = chars = 0
    for a, b in zip(before.segments, after.segments, strict=True):
        ref = evaluate.scoring_text(a.text)
        errors += evaluate.edit_distance(ref, evaluate.scoring_text(b.text))
        chars += len(ref)
    return errors / chars


# --- learning from pairs whose edits are known by hand ---------------------------------------------


def test_a_tone_mark_dropped_twice_is_one_chunk_counted_twice() -> None:
    model = noise.Confusions.learn([("ค่ะ", "คะ"), ("ขอบคุณค่ะ", "ขอบคุณคะ")])
    assert model.chunks == {("่", ""): 2}
    assert model.kinds == {"tone_drop": 2}
    assert model.contexts == {("ค", "่", "", "ะ"): 2}
    assert model.context_sites[("ค", "่", "ะ")] == 2  # "ค่ะ" occurs once in each reference
    assert model.sites["tone_drop"] == 2  # two tone marks in the references
    assert model.pairs == 2 and model.char_errors == 2 and model.reference_chars == 12


@pytest.mark.parametrize(
    ("reference", "hypothesis", "chunk", "kind"),
    [
        ("คนดี", "ขนดี", ("ค", "ข"), "similar_consonant"),
        ("ดีมาก", "ดิมาก", ("ี", "ิ"), "vowel_length"),
        ("เกะกะ", "เกกะ", ("ะ", ""), "vowel_length"),
        ("ใช้ได้", "ใช่ได้", ("้", "่"), "tone_change"),
        ("ที่นี่", "ที่นี", ("่", ""), "tone_drop"),
        ("สี่คน", "4คน", ("สี่", "4"), "number"),
        ("ไปกินข้าว", "ไปข้าว", ("กิน", ""), "deletion"),
        ("ไปข้าว", "ไปกินข้าว", ("", "กิน"), "insertion"),
        ("ไปกินข้าว", "ไปดูข้าว", ("กิน", "ดู"), "substitution"),
        ("ไวไฟ", "Wi-Fi", ("ไวไฟ", "Wi-Fi"), "substitution"),
        ("Zoom ดี", "Zom ดี", ("o", ""), "latin"),
    ],
)
def test_each_kind_of_edit(reference: str, hypothesis: str, chunk: tuple[str, str], kind: str) -> None:
    model = noise.Confusions.learn([(reference, hypothesis)])
    assert dict(model.chunks) == {chunk: 1}
    assert dict(model.kinds) == {kind: 1}


def test_spaces_are_counted_beside_the_edit_they_sit_in() -> None:
    model = noise.Confusions.learn([("ไปกินข้าว", "ไป กินข้าว"), ("ไปกิน ข้าว", "ไปกินข้าว"), ("ค่ะ ไป", "คะไป")])
    assert model.kinds == {"space_insert": 1, "space_remove": 2, "tone_drop": 1}
    assert model.sites["space_remove"] == 2


def test_learned_replacements_are_what_the_hypotheses_wrote() -> None:
    model = noise.Confusions.learn([("ใช้", "ใช่"), ("ได้ใช้", "ได้ใช่"), ("คน", "ขน"), ("ไปข้าว", "ไปกินข้าว")])
    assert model.choices["tone_change"] == {("้", "่"): 2}
    assert model.choices["similar_consonant"] == {("ค", "ข"): 1}
    assert model.choices["insertion"] == {"กิน": 1}


# --- the real pairs --------------------------------------------------------------------------------


def test_the_committed_pairs_say_how_they_were_made_and_score_as_stated() -> None:
    data = json.loads(PAIRS.read_text(encoding="utf-8"))
    header = data["header"]
    assert "Whisper base" in header["model"] and header["compute_type"] == "int8" and header["beam_size"] == 5
    assert header["device"] == "cpu" and header["date"] and "asr_pairs.py" in header["command"]
    pairs = data["pairs"]
    clips = [p["id"] for p in pairs if p["source"] == "clip"]
    assert clips == [f"th-{i:03d}" for i in range(1, 8)]
    assert sum(p["source"] == "sample turn" for p in pairs) == 13
    for p in pairs:
        assert p["cer"] == pytest.approx(evaluate.cer(p["reference"], p["hypothesis"]), abs=1e-4)
    refs = [evaluate.scoring_text(p["reference"]) for p in pairs]
    hyps = [evaluate.scoring_text(p["hypothesis"]) for p in pairs]
    errors = sum(evaluate.edit_distance(r, h) for r, h in zip(refs, hyps, strict=True))
    pooled = header["pooled"]["all"]
    assert (pooled["char_errors"], pooled["reference_chars"]) == (errors, sum(map(len, refs)))
    model = noise.default_confusions()
    assert (model.char_errors, model.reference_chars) == (errors, sum(map(len, refs)))
    assert 0.15 < model.cer < 0.45  # the project's README: Whisper base is rough on Thai


def test_rates_of_the_real_model() -> None:
    model = noise.default_confusions()
    assert model is noise.default_confusions()  # learned once a process
    rows = {r["kind"]: r for r in model.rates()}
    assert set(rows) == set(noise.KINDS)
    assert all(0 <= r["rate"] <= 1 for r in rows.values())
    assert sum(r["share"] for r in rows.values()) == pytest.approx(1.0)
    for kind in ("tone_drop", "tone_change", "vowel_length", "similar_consonant", "substitution"):
        assert rows[kind]["chunks"] > 0, kind  # Whisper base makes all of these on Thai
    assert rows["number"]["sites"] == 0 and rows["number"]["rate"] > 0  # none in the references: the prior
    table = model.table()
    assert table.count("\n| ") == len(noise.KINDS) and f"{model.cer:.3f}" in table


# --- corrupting ------------------------------------------------------------------------------------


def test_rate_zero_changes_nothing() -> None:
    model = noise.default_confusions()
    text = MEETING[0][1]
    assert model.corrupt(text, 0.0, random.Random(1)) == text
    before = meeting()
    after = noise.corrupt_transcript(before, 0.0, seed=1)
    assert [s.text for s in after.segments] == [s.text for s in before.segments]


@pytest.mark.parametrize("target", [0.05, 0.10, 0.20])
@pytest.mark.parametrize("seed", [0, 7])
def test_measured_cer_is_the_target(target: float, seed: int) -> None:
    before = meeting()
    assert sum(len(evaluate.scoring_text(t)) for _, t in MEETING) > 500
    after = noise.corrupt_transcript(before, target, seed=seed)
    assert measured(before, after) == pytest.approx(target, abs=0.01)


def test_only_text_changes_and_words_are_cleared() -> None:
    before = meeting()
    kept = json.loads(json.dumps([vars(s) | {"words": [vars(w) for w in s.words]} for s in before.segments]))
    after = noise.corrupt_transcript(before, 0.2, seed=3)
    assert after is not before and after.segments[0] is not before.segments[0]
    for a, b in zip(before.segments, after.segments, strict=True):
        assert (b.id, b.start, b.end, b.speaker, b.speaker_source, b.flags) == (
            a.id, a.start, a.end, a.speaker, a.speaker_source, a.flags
        )  # fmt: skip
        assert b.words == []
    assert sum(a.text != b.text for a, b in zip(before.segments, after.segments, strict=True)) >= 5
    assert (after.duration, after.model, after.recording) == (before.duration, before.model, before.recording)
    assert json.loads(json.dumps([vars(s) | {"words": [vars(w) for w in s.words]} for s in before.segments])) == kept


def test_same_seed_same_text_other_seed_other_text() -> None:
    first = [s.text for s in noise.corrupt_transcript(meeting(), 0.1, seed=5).segments]
    again = [s.text for s in noise.corrupt_transcript(meeting(), 0.1, seed=5).segments]
    other = [s.text for s in noise.corrupt_transcript(meeting(), 0.1, seed=6).segments]
    assert first == again
    assert first != other
    model = noise.default_confusions()
    assert model.corrupt(MEETING[2][1], 0.2, random.Random(9)) == model.corrupt(MEETING[2][1], 0.2, random.Random(9))


def test_same_seed_same_text_in_another_process() -> None:
    here = [s.text for s in noise.corrupt_transcript(meeting(), 0.1, seed=11).segments]
    code = (
        "import json; from tests.test_noise import meeting; from pipeline import noise; "
        "print(json.dumps([s.text for s in noise.corrupt_transcript(meeting(), 0.1, seed=11).segments]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another string hashing: sets iterate in another order
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == here


def test_a_higher_target_gives_a_higher_cer() -> None:
    before = meeting()
    cers = [measured(before, noise.corrupt_transcript(before, t, seed=2)) for t in (0.05, 0.1, 0.2, 0.3)]
    assert cers == sorted(cers)


def test_digits_number_words_and_latin_are_corrupted_too() -> None:
    model = noise.default_confusions()
    text = "ประชุมครั้งที่ 4 ผ่าน Zoom จำนวนสี่ห้อง"
    outs = [model.corrupt(text, 0.3, random.Random(seed)) for seed in range(60)]
    assert any("สี่ ผ่าน" in o or "ที่  ผ่าน" in o or "ที่ สี่" in o for o in outs)  # 4 written as words or dropped
    assert any(o.count("4") == 2 or "จำนวน4" in o for o in outs)  # สี่ written as a digit
    assert any("Zoom" not in o and "ผ่าน" in o for o in outs)  # the Latin word misheard
    assert all(o != text for o in outs[:10])


def test_a_context_seen_in_the_pairs_is_corrupted_as_it_was() -> None:
    model = noise.Confusions.learn([("ค่ะ", "คะ"), ("ขอบคุณค่ะ", "ขอบคุณคะ"), ("ได้ค่ะ", "ได้คะ")])
    outs = [model.corrupt("ค่ะ", 0.3, random.Random(seed)) for seed in range(200)]
    changed = [o for o in outs if o != "ค่ะ"]
    assert changed and max(set(changed), key=changed.count) == "คะ"


def test_per_character_rate_is_about_what_was_asked() -> None:
    model = noise.default_confusions()
    text = "".join(t for _, t in MEETING)
    for rate in (0.05, 0.2):
        plan = model.plan(text, random.Random(0))
        factor = plan.factor(rate)
        expected = sum(min(1.0, c[0] * factor) for slot in plan.slots for cands in slot for c in cands)
        assert expected / plan.characters == pytest.approx(rate, rel=0.05)
