"""The minutes engine on meetings it was not written for, as text and as a speech model mishears it.

tests/data/meetings/ holds one hundred and eighty annotated meetings in six chairing styles, written by
authors who read the reference, not the rules (see its README). `dev/` was tuned on; each `frozen*/` set
was committed before a round of changes and scored once at its end, then tuned on and (through
`frozen25/`) trained on by the learned cues (pipeline.minutes.learned). `frozen26/` and `frozen27/` (scored
once at ff157a7, then tuned on) and `frozen28/` and `frozen29/` (scored once at b4f7a3a, the held-out half
of this release) were never trained on. Their figures at that scoring are the honest ones. The
oracle is the annotation: where each item opens, where its resolution is said, who is given which
task by when.

The bounds are what was measured, less a margin of a few points (corrupted copies vary by seed).
On the sets scored once they are below the targets the work aimed at (items 95%, resolutions 90%,
assignments 85% as text; 90/80/70% at 10% CER): see benchmarks/README.md, "Minutes engine".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz

from pipeline import minutes as drafting
from pipeline import noise
from pipeline.minutes import fuzzy, learned, rules, score
from pipeline.minutes.text import flatten
from pipeline.types import AgendaTitle, Meeting, Segment, Transcript

MEETINGS = Path(__file__).parent / "data" / "meetings"
HELD_OUT = ("frozen29", "frozen28")
SETS = {name: score.load_set(MEETINGS / name) for name in (
    *HELD_OUT, "frozen27", "frozen26", "frozen25", "frozen24", "frozen23", "frozen22", "frozen21", "frozen20",
    "frozen19", "frozen18", "frozen17", "frozen16", "frozen15", "frozen14", "frozen13", "frozen12", "frozen11",
    "frozen10", "frozen9", "frozen8", "frozen7", "frozen6", "frozen5", "frozen4", "frozen3", "frozen2", "frozen",
    "dev")}
for _name, _set in SETS.items():
    for _m in _set:
        _m.name = f"{_name}/{_m.name}"
EVERY = [m for meetings in SETS.values() for m in meetings]


def _pooled(meetings: list[score.Annotated], cer: float, seeds: int, planned: bool = False) -> score.Score:
    total = score.Score("pooled")
    confusions = noise.default_confusions()
    for m in meetings:
        for seed in range(seeds if cer else 1):
            transcript = noise.corrupt_transcript(m.transcript, cer, seed, confusions) if cer else m.transcript
            total.add(score.score(m, drafting.run(transcript, score.facts(m, planned)), planned))
    return total


def test_the_held_out_set_is_what_the_issue_asks_for() -> None:
    assert all(len(s) == 6 for s in SETS.values())
    assert len({Path(m.name).name for m in EVERY}) >= 6  # six chairing styles in every set
    held_out = [m for name in HELD_OUT for m in SETS[name]]
    assert len(held_out) >= 12 and len({Path(m.name).name for m in held_out}) >= 6
    assert not set(HELD_OUT) & set(learned.TRAINING_SETS)  # never trained on
    for held_out in (SETS[name] for name in SETS if name.startswith("frozen")):
        assert sum(1 for m in held_out for i in m.items if i["resolution"]) >= 25
        assert sum(len(i["actions"]) for m in held_out for i in m.items) >= 20


# (set, items, resolutions, assignments, invented at most) as text, transcript alone
AS_TEXT = [
    ("frozen29", 0.89, 0.86, 0.72, 0), ("frozen28", 0.93, 0.97, 0.78, 1),
    ("frozen27", 0.92, 0.88, 0.82, 1), ("frozen26", 0.88, 0.88, 0.85, 1), ("frozen25", 0.94, 0.97, 0.93, 0),
    ("frozen24", 0.90, 0.91, 0.85, 0), ("frozen23", 0.92, 0.97, 0.93, 0), ("frozen22", 0.97, 0.94, 0.93, 0),
    ("frozen21", 0.94, 0.88, 0.84, 1), ("frozen20", 0.92, 0.97, 0.88, 0), ("frozen19", 0.94, 0.97, 0.93, 0),
    ("frozen18", 0.97, 0.94, 0.88, 0), ("frozen17", 0.97, 0.94, 0.97, 0), ("frozen16", 0.97, 0.94, 0.97, 0),
    ("frozen15", 0.94, 0.94, 0.92, 0), ("frozen14", 0.97, 0.91, 0.93, 0), ("frozen13", 0.94, 0.85, 0.80, 1),
    ("frozen12", 0.97, 0.97, 0.97, 1), ("frozen11", 0.97, 0.94, 0.89, 0), ("frozen10", 0.94, 0.94, 0.89, 0),
    ("frozen9", 0.90, 0.88, 0.88, 0), ("frozen8", 0.94, 0.94, 0.84, 0), ("frozen7", 0.92, 0.97, 0.97, 0),
    ("frozen6", 0.97, 0.94, 0.80, 1), ("frozen5", 0.97, 0.94, 0.92, 0), ("frozen4", 0.94, 0.97, 0.93, 0),
    ("frozen3", 0.94, 0.97, 0.89, 0), ("frozen2", 0.97, 0.97, 0.92, 0), ("frozen", 0.97, 0.97, 0.97, 0),
    ("dev", 0.97, 0.97, 0.97, 0),
]


@pytest.mark.parametrize("half, items, resolutions, actions, invented", AS_TEXT)
def test_meetings_as_text(half: str, items: float, resolutions: float, actions: float, invented: int) -> None:
    s = _pooled(SETS[half], 0.0, 1)
    assert s.items_found / s.items >= items, s.misses
    assert s.resolutions_found / s.resolutions >= resolutions, s.misses
    assert s.actions_found / s.actions >= actions, s.misses
    assert s.resolutions_invented <= invented, s.misses


# (set, items, resolutions, assignments, invented at most) at 10% CER, two corrupted copies each
AT_10 = [
    ("frozen29", 0.90, 0.81, 0.51, 1), ("frozen28", 0.89, 0.83, 0.56, 5),
    ("frozen27", 0.87, 0.80, 0.54, 3), ("frozen26", 0.83, 0.81, 0.58, 3), ("frozen25", 0.91, 0.85, 0.68, 1),
    ("frozen24", 0.88, 0.85, 0.66, 1), ("frozen23", 0.89, 0.93, 0.71, 2), ("frozen22", 0.88, 0.84, 0.68, 2),
    ("frozen21", 0.89, 0.85, 0.61, 3), ("frozen20", 0.87, 0.94, 0.70, 3), ("frozen19", 0.90, 0.94, 0.80, 1),
    ("frozen18", 0.88, 0.88, 0.69, 1), ("frozen17", 0.92, 0.87, 0.73, 1), ("frozen16", 0.91, 0.88, 0.71, 2),
    ("frozen15", 0.90, 0.87, 0.78, 1), ("frozen14", 0.90, 0.89, 0.68, 1), ("frozen13", 0.93, 0.83, 0.61, 3),
    ("frozen12", 0.90, 0.95, 0.80, 2), ("frozen11", 0.89, 0.89, 0.74, 2), ("frozen10", 0.94, 0.94, 0.66, 1),
    ("frozen9", 0.85, 0.82, 0.75, 1), ("frozen8", 0.93, 0.92, 0.65, 1), ("frozen7", 0.89, 0.88, 0.60, 2),
    ("frozen6", 0.92, 0.88, 0.65, 3), ("frozen5", 0.95, 0.92, 0.67, 1), ("frozen4", 0.89, 0.84, 0.61, 2),
    ("frozen3", 0.92, 0.92, 0.71, 1), ("frozen2", 0.95, 0.95, 0.79, 1), ("frozen", 0.93, 0.93, 0.82, 1),
    ("dev", 0.93, 0.92, 0.87, 1),
]


@pytest.mark.parametrize("half, items, resolutions, actions, invented", AT_10)
def test_meetings_with_recognition_errors(half: str, items: float, resolutions: float, actions: float,
                                          invented: int) -> None:
    # the error model learned from Whisper base's own output on the shared clips (pipeline.noise)
    s = _pooled(SETS[half], 0.10, 2)
    assert s.items_found / s.items >= items, (s.items_found, s.items)
    assert s.resolutions_found / s.resolutions >= resolutions, (s.resolutions_found, s.resolutions)
    assert s.actions_found / s.actions >= actions, (s.actions_found, s.actions)
    assert s.resolutions_invented <= invented


def _every_meeting(misses: dict[str, str], meetings: list[score.Annotated] = EVERY) -> list:
    """`meetings`, the held-out misses kept as measured marked strict xfails (`misses`: name -> what)."""
    return [pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=f"held-out miss: {misses[m.name]}"))
            if m.name in misses else m for m in meetings]


# Held-out misses, kept as measured: a planned item never discussed but reported as found.
_NEVER_MISSES = {"frozen3/secretary": "the item never discussed is taken as found"}


@pytest.mark.parametrize("meeting", _every_meeting(_NEVER_MISSES), ids=lambda m: m.name)
def test_the_planned_agenda_keeps_its_numbers_and_titles(meeting: score.Annotated) -> None:
    minutes = drafting.run(meeting.transcript, meeting.meeting)
    planned = [(a.number, a.title) for a in meeting.meeting.agenda]
    assert [(i.number, i.title) for i in minutes.agenda] == planned
    never = {i["number"] for i in meeting.items if i["opens"] is None}
    for item in minutes.agenda:
        if item.number in never:
            assert not item.found, item.number
    if never:
        assert any("ไม่พบ" in n and all(x in n for x in never) for n in minutes.notes)


# Held-out misses, kept as measured: an item discussed but not located with the planned agenda.
_PLANNED_MISSES = {
    "frozen29/casual": "items 1 and 4.1, opened with no cue the rules or the model hear",
    "frozen29/informal": "items 4, 4.1 and 4.2, opened in one breath and 4.2 taken first",
    "frozen29/secretary": "item 4.1", "frozen28/casual": "item 4.1",
    "frozen25/informal": "item 5, opened with no cue the rules or the model hear",
    "frozen24/informal": "item 4.2, taken first by its title", "frozen24/votes": "item 4.1",
    "frozen23/votes": "item 4.1, opened by 'เริ่มสี่จุดหนึ่ง' in the sentence that withdraws 4.4",
    "frozen23/bilingual": "item 4.3, taken first by a swap said as item 4 opens",
    "frozen27/bilingual": "item 4.2, taken first as the expert joins late",
    "frozen26/votes": "item 4.1", "frozen26/informal": "item 5", "frozen26/casual": "item 4.3",
    "frozen23/informal": "item 4.3, after the first taken out of order by its title",
    "frozen22/casual": "items 4 to 4.3, opened by 'ข้อแรก' with no count announced",
    "frozen22/informal": "item 4.2, taken first by its title",
    "frozen20/informal": "items 4, 4.1, 4.2 and 4.3", "frozen21/casual": "item 4.3",
    "frozen19/informal": "items 4, 4.1 and 4.2",
    "frozen10/bilingual": "item 4.2",
    "frozen9/informal": "item 4.1", "frozen7/votes": "item 4.3",
    "frozen3/secretary": "item 4.1, said with an earlier meeting's 4.1 in the same breath",
}


@pytest.mark.parametrize("meeting", _every_meeting(_PLANNED_MISSES), ids=lambda m: m.name)
def test_every_planned_item_discussed_is_located(meeting: score.Annotated) -> None:
    minutes = drafting.run(meeting.transcript, meeting.meeting)
    heard = {i["number"] for i in meeting.items if i["opens"] is not None}
    assert {i.number for i in minutes.agenda if i.found} >= heard


# Held-out misses, kept as measured: items taken out of order but not reported so.
_ORDER_MISSES = {"frozen29/informal": "4.2 taken first not located, so its turn is not seen",
                 "frozen28/informal": "4.3 taken before 4.1 not reported",
                 "frozen27/bilingual": "4.2 taken first not located, so its turn is not seen",
                 "frozen27/informal": "4.2 taken before 4.1 not reported",
                 "frozen26/bilingual": "4.3 taken before 4.2 not reported",
                 "frozen26/informal": "4.2 taken before 4.1 not reported",
                 "frozen25/informal": "4.3 taken before 4.2 not reported",
                 "frozen24/informal": "4.2 taken first not located, so its turn is not seen",
                 "frozen23/bilingual": "4.3 taken first not located, so its turn is not seen",
                 "frozen23/informal": "4.2 taken first not located, so its turn is not seen",
                 "frozen22/informal": "4.2 taken first not located, so its turn is not seen",
                 "frozen9/secretary": "4.2 taken before 4.1 not reported",
                 "frozen3/secretary": "4.1 not located, so its late turn is not seen"}


def _out_of_order(m: score.Annotated) -> bool:
    """Whether the annotation opens a planned sub-item before one listed earlier."""
    opens = [i["opens"] for i in m.items if "." in i["number"] and i["opens"] is not None]
    return opens != sorted(opens)


@pytest.mark.parametrize("meeting", _every_meeting(_ORDER_MISSES, [m for m in EVERY if _out_of_order(m)]),
                         ids=lambda m: m.name)
def test_items_taken_out_of_order_are_reported(meeting: score.Annotated) -> None:
    # Meetings (the secretary's, mostly) that take a planned sub-item before the one listed first.
    minutes = drafting.run(meeting.transcript, meeting.meeting)
    assert any("ไม่ตรงตามลำดับ" in n for n in minutes.notes), meeting.name


def _near_duplicates(points: list[str]) -> list[tuple[str, str]]:
    flat = [flatten(p).replace(" ", "") for p in points]
    return [(a, b) for i, a in enumerate(flat) for b in flat[i + 1:] if fuzz.ratio(a, b) >= 85]


@pytest.mark.parametrize("cer", [0.0, 0.10, 0.20])
def test_no_summary_holds_two_near_duplicate_sentences(cer: float) -> None:
    confusions = noise.default_confusions()
    for m in EVERY:
        transcript = noise.corrupt_transcript(m.transcript, cer, 0, confusions) if cer else m.transcript
        for item in drafting.run(transcript, Meeting()).agenda:
            assert not _near_duplicates([p.text for p in item.discussion]), (m.name, item.number)


def _meeting_of(lines: list[tuple[str, str]]) -> Transcript:
    return Transcript(segments=[
        Segment(id=i, start=4.0 * i, end=4.0 * i + 3.5, speaker=who, text=text) for i, (who, text) in enumerate(lines)
    ])


def test_a_sentence_misheard_seven_times_is_one_point() -> None:
    loop = "งบประมาณ โครงการ ขุดลอกคลอง ปี 2570 ยังไม่ได้รับการจัดสรร ครับ"
    lines = [("A", "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ")]
    lines += [("B", loop if k % 2 else loop.replace("ยังไม่ได้", "ยังไม่ได้ รับ")) for k in range(7)]
    lines += [("B", "ส่วนโครงการ ปรับปรุงทางเท้า เริ่มก่อสร้าง เดือนหน้า ครับ"), ("A", "ที่ประชุมรับทราบครับ")]
    (item,) = drafting.run(_meeting_of(lines), Meeting()).agenda
    texts = [p.text for p in item.discussion]
    assert sum("ขุดลอกคลอง" in t for t in texts) == 1, texts
    assert any("ทางเท้า" in t for t in texts)
    assert item.resolution == "ที่ประชุมรับทราบ"


def test_unheard_and_repeated_lines_are_never_points() -> None:
    transcript = _meeting_of([
        ("A", "ระเบียบวาระที่ 1 เรื่องเพื่อทราบ"),
        ("B", "[ฟังไม่ชัด]"),
        ("B", "ผลการตรวจวัดฝุ่น พีเอ็ม 2.5 เดือนนี้ ลดลงจากเดือนก่อน สามจุด"),
        ("B", "ผลการตรวจวัดฝุ่น ลดลง มาก ที่ เขต บางนา"),
        ("A", "ที่ประชุมรับทราบครับ"),
    ])
    transcript.segments[1].flags.append("unheard: speech detected, no words recognised")
    transcript.segments[3].flags.append("repeated: the same words as 2")
    (item,) = drafting.run(transcript, Meeting()).agenda
    assert [p.segment_ids for p in item.discussion] == [[2]]


def test_a_weak_match_is_a_note_for_the_reviewer_not_a_silent_claim() -> None:
    transcript = _meeting_of([
        ("A", "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
        ("A", "ที่ประชุมรับทราบครับ"),
        ("A", "ระเบียบใครแะที่ 2 เรื่องรับรองรายงานการประชุม"),  # "วาระ" lost: the anchor is guessed
        ("B", "ไม่มีแก้ไขครับ"),
        ("A", "ถือว่าที่ประชุมรบัรองรายงานการประชุมนะครับ"),  # a letter misplaced: an approximate match
    ])
    minutes = drafting.run(transcript, Meeting())
    assert [i.number for i in minutes.agenda] == ["1", "2"]
    second = minutes.agenda[1]
    assert second.resolution_segment_ids == [4]
    assert any("ฟังไม่ชัด" in n and "เปิดวาระ" in n for n in second.notes), second.notes
    assert minutes.agenda[0].notes == []  # sure matches add nothing


@pytest.mark.parametrize("said, number", [
    ("ต่อไปเป็นระเบียบวาระที่ 4.1 ครับ", "4.1"),
    ("ต่อไปเป็นระเบียบวาระที่ ๔.๑ ครับ", "4.1"),
    ("ต่อไปเป็นระเบียบวาระที่ 4 . 1 ครับ", "4.1"),
    ("ต่อไปเป็นระเบียบวาระที่สี่จุดหนึ่งครับ", "4.1"),
    ("ต่อไปเป็นระเบียบวาระที่สีจุดหนึงครับ", "4.1"),  # tone marks lost
    ("ต่อไปเป็นระเบียบวาละที่สิบสองครับ", "12"),  # ร heard as ล
    ("เข้าสู่วาระที่ยี่สิบเอ็ด", "21"),
    ("ระเบียบวาระที่ 3 เรื่องสืบเนื่อง", "3"),
    ("เริ่มที่วาระสี่จุกนึ่ หองสมุดเปิดถึงสามทุ่ม", "4.1"),  # "จุด" a letter off, "หนึ่ง" cut short
    ("ต่อไปวาระที่สามชุดสองครับ", "3.2"),
])
def test_spoken_numbers_survive_errors(said: str, number: str) -> None:
    (cue,) = rules.find_cues(flatten(said))
    assert cue.number == number


@pytest.mark.parametrize("said", [
    "ในระเบียบวาระที่สองของการประชุมครั้งที่แล้ว เรามีมติเห็นชอบไปแล้ว",
    "ตามที่แจ้งไว้ในวาระที่ 1 เรื่องน้ำเสีย",
    "ครั้งที่แล้ว ระเบียบวาระที่ 3 ก็คุยเรื่องนี้",
    "จะขอสลับวาระ 4.2 ขึ้นมาก่อนวาระ 4.1 นะคะ",
    "แต่ตรงวาระสี่จุดหนึ่งของครั้งที่แล้ว ที่บันทึกว่าเขตจะส่งรายชื่อ",  # an earlier meeting's item, named after it
    "ตัวเลขชุดนี้จะใช้ประกอบการพิจารณาวาระสี่จุดหนึ่งต่อไป",  # the item it will serve, not its opening
    "ฮ่าๆ รอเรื่องถัดไปก่อนนะ",  # waiting for the next item is no move to it
])
def test_mentions_of_items_open_nothing(said: str) -> None:
    assert rules.find_cues(flatten(said)) == ()


@pytest.mark.parametrize("said, kind", [
    ("ถ้าไม่มีใครค้าน ก็ผ่านตามนี้นะครับ", "loose"),
    ("โอเค เรื่องนี้ทราบกันแล้วนะ", "loose"),
    ("เรื่องนี้ขอเลื่อนไปคุยกันคราวหน้านะครับ", "deferral"),
    ("ยกไปพิจารณาในการประชุมครั้งหน้าครับ", "deferral"),
    ("ผลการลงคะแนน เห็นด้วย 9 เสียง ไม่เห็นด้วย 2 เสียง งดออกเสียง 1 เสียง", "stated"),
    ("สรุปมติวาระนี้ ที่ประชุมเห็นชอบตามที่เสนอค่ะ", "stated"),
    ("ที่ประชุมเหนชอบตามที่เสนอครับ", "stated"),  # a tone mark lost
])
def test_decisions_said_in_many_ways(said: str, kind: str) -> None:
    found = rules.decision(flatten(fuzzy.canonical(said, rules._VOCABULARY)))
    assert found is not None and found.kind == kind


@pytest.mark.parametrize("said", [
    "ที่ประชุมครั้งที่แล้วมีมติเห็นชอบในหลักการไปแล้ว",  # an earlier meeting's decision
    "ที่ประชุมเห็นชอบไหมครับ",  # asked, not decided
    "ขอให้ที่ประชุมพิจารณาเห็นชอบครับ",  # requested
    "We fully support this decision",
])
def test_what_is_not_a_decision(said: str) -> None:
    assert rules.decision(flatten(said)) is None


def test_two_units_in_one_sentence_and_relative_deadlines() -> None:
    transcript = _meeting_of([
        ("A", "ระเบียบวาระที่ 1 เรื่องเพื่อพิจารณา"),
        ("A", "ให้กองคลังกับสำนักการโยธาไปร่วมกันทำตารางเปรียบเทียบราคา ภายในหนึ่งสัปดาห์นะครับ"),
        ("A", "ฝากสำนักงานเขตจตุจักรสำรวจพื้นที่ ก่อนสิ้นไตรมาสนี้ครับ"),
    ])
    dated = drafting.run(transcript, Meeting(date="2026-11-12")).agenda[0].actions
    assert [(a.assignee, a.due) for a in dated] == [
        ("กองคลัง", "2026-11-19"), ("สำนักการโยธา", "2026-11-19"), ("สำนักงานเขตจตุจักร", "2026-12-31"),
    ]
    undated = drafting.run(transcript, Meeting()).agenda[0].actions
    assert [a.due for a in undated] == [None, None, None]
    assert "ภายในหนึ่งสัปดาห์" in undated[0].task  # kept as said when the meeting date is unknown


def test_the_minutes_stage_changes_no_input() -> None:
    m = SETS["dev"][0]
    before = [(s.id, s.text) for s in m.transcript.segments]
    drafting.run(m.transcript, m.meeting)
    assert [(s.id, s.text) for s in m.transcript.segments] == before


def test_dates_resolve_against_the_meeting_date() -> None:
    from pipeline.minutes.dates import due_date

    meeting = dt.date(2026, 9, 14)  # a Monday
    said = {
        "ภายในหนึ่งสัปดาห์": dt.date(2026, 9, 21), "ก่อนสิ้นไตรมาสนี้": dt.date(2026, 9, 30),
        "ภายในสิ้นเดือนหน้า": dt.date(2026, 10, 31), "ภายในวันศุกร์นี้": dt.date(2026, 9, 18),
        "ภายในสองสัปดาห์": dt.date(2026, 9, 28), "ภายในเดือนตุลาคม": dt.date(2026, 10, 31),
        "ก่อนสิ้นปีงบประมาณ": dt.date(2026, 9, 30),
        "ภายในวันศุกร์สัปดาห์หน้า": dt.date(2026, 9, 25), "ส่งรายชื่อให้พส.ศุกร์นี้เลย": dt.date(2026, 9, 18),
        "ให้เสร็จภายในยี่สิบห้ากุมภา": dt.date(2027, 2, 25),
    }
    for words, date in said.items():
        assert due_date(words, meeting)[0] == date, words
    assert due_date("ก่อนการประชุมครั้งหน้า", meeting) == (None, None)
    assert due_date("ส่งมาอาทิตย์หน้า", meeting) == (None, None)  # next week, said loosely: not a Sunday


def test_planned_titles_place_an_unnumbered_opening_by_its_words() -> None:
    agenda = [AgendaTitle("1", "เรื่องแจ้งเพื่อทราบ"), AgendaTitle("2", "โครงการขุดลอกคลองลาดพร้าว"),
              AgendaTitle("3", "การจัดซื้อรถดับเพลิง")]
    transcript = _meeting_of([
        ("A", "เอาเรื่องแรกก่อนนะครับ มีแจ้งเรื่องเดียว"),
        ("A", "ขยับไปเรื่องถัดไป เรื่องรถดับเพลิงก่อนนะครับ ผู้แทนรอนานแล้ว"),
        ("B", "ขอจัดซื้อรถดับเพลิง 2 คันครับ"),
        ("A", "ขยับไปเรื่องถัดไป การขุดลอกคลองลาดพร้าวครับ"),
    ])
    minutes = drafting.run(transcript, Meeting(agenda=agenda))
    opened = {i.number: i.opened_at for i in minutes.agenda}
    assert opened == {"1": 0.0, "2": 12.0, "3": 4.0}


def test_an_item_and_its_first_sub_item_said_in_one_breath_open_both() -> None:
    cues = rules.find_cues(flatten("เข้าวาระสี่เลยนะ สี่จุดหนึ่ง วัคซีนเด็ก ทางศูนย์สาธารณสุขเชิญครับ"))
    assert [c.number for c in cues] == ["4", "4.1"]
    assert [c.number for c in rules.find_cues(flatten("วาระที่ 4 สี่จุดห้าล้านบาท"))] == ["4"]  # a sum, no sub-item
    titled = rules.find_cues(flatten("เข้าเรื่องพิจารณา สี่จุดหนึ่ง ทางเลือกขยายโรงดินแดง เชิญ JICA"))
    assert [(c.meaning, c.number) for c in titled] == [("title", None), ("number", "4.1")]


def test_planned_sub_items_are_placed_by_the_next_in_order_and_by_their_titles() -> None:
    agenda = [AgendaTitle("1", "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"),
              AgendaTitle("2", "เรื่องเพื่อทราบ ผลการตรวจคุณภาพอาหารกลางวันโรงเรียน รอบที่ 1"),
              AgendaTitle("3", "เรื่องเพื่อพิจารณา"), AgendaTitle("3.1", "โครงการนำร่องสวนผักชุมชนบนที่ดินว่างเปล่า"),
              AgendaTitle("3.2", "แผนการตรวจคุณภาพอาหารกลางวันโรงเรียน รอบที่ 2")]
    transcript = _meeting_of([
        ("A", "เอาเรื่องแรกก่อนนะครับ มีแจ้งเรื่องเดียว"),
        # the next item in order, though 3.2's title shares more of its words ("ตรวจ", "อาหารกลางวัน", "รอบ")
        ("A", "ต่อเลย เรื่องผลตรวจ อาหารกลางวัน รอบแรก ฝ่ายการศึกษา ว่ามา"),
        ("B", "ตรวจไปแล้วสามสิบโรงเรียนครับ ผ่านทุกแห่ง"),
        ("A", "ไปเรื่องที่ต้องตัดสินใจกันวันนี้ละ มีสองเรื่อง"),
        ("A", "สวนผักก่อน พี่วันเพ็ญ เล่าเลย"),  # 3.1 named by its title's words alone, just after 3 opened
        ("C", "มีที่ว่างประมาณสองไร่ค่ะ เจ้าของยินดีให้ใช้"),
        ("A", "ถัดไป อาหารกลางวัน รอบสอง ฝ่ายการศึกษาอีกที"),
    ])
    expected = {"1": 0.0, "2": 4.0, "3": 12.0, "3.1": 16.0, "3.2": 24.0}
    minutes = drafting.run(transcript, Meeting(agenda=agenda))
    assert {i.number: i.opened_at for i in minutes.agenda} == expected
    # the rules alone (a model of no opinion) open 3.1 by its title's words, with a note for the reviewer
    neutral = learned.Model(np.zeros((learned.DIMENSIONS, len(learned.KINDS))),
                            np.full(len(learned.KINDS), np.log(rules.NO_OPINION / (1 - rules.NO_OPINION))))
    with learned.using(neutral):
        alone = drafting.run(transcript, Meeting(agenda=agenda))
    assert {i.number: i.opened_at for i in alone.agenda} == expected
    by_title = next(i for i in alone.agenda if i.number == "3.1")
    assert any("สวนผักก่อน" in n for n in by_title.notes), by_title.notes  # a reviewer's note, not a silent claim


@pytest.mark.parametrize("name, number, segment", [
    ("frozen12/bilingual", "1", 2),  # "เริ่มเลยนะครับ" guessed an opening; "เอ่อวาระหนึ่ง..." says it
    ("frozen12/casual", "4.2", 26),  # "...ปิดไมค์หน่อยครับ" guessed after a ruling; "โอเคต่อสี่จุดสองครับ" says it
])
def test_an_opening_guessed_by_the_model_yields_to_the_number_said(name: str, number: str, segment: int) -> None:
    m = score.load(MEETINGS / f"{name}.json")
    for planned in (True, False):  # without the agenda the guess, numbered in order, takes the number said
        minutes = drafting.run(m.transcript, score.facts(m, planned))
        (item,) = [i for i in minutes.agenda if i.number == number]
        assert item.opened_at == m.transcript.segments[segment].start, planned


@pytest.mark.parametrize("name, number, segment", [
    ("frozen14/formal", "2", 5),  # the model's opening at "เรื่องที่สอง กรมอุตุฯ..." (the chair's second point)
    ("frozen15/formal", "2", 4),  # ... yields to "ต่อไประเบียบวาระที่สอง" said two segments on
    ("frozen15/casual", "5", 38),  # a guess after a ruling ("สิ่งแวดล้อมช่วยประสาน...") yields to "มีเรื่องอื่นไหม"
    ("frozen15/secretary", "4", 12),  # a member's "วาระสี่จุดหนึ่งของครั้งที่แล้ว" opened neither 4 nor 4.1
    ("frozen15/secretary", "4.1", 24),
])
def test_a_weak_opening_yields_to_the_item_announced(name: str, number: str, segment: int) -> None:
    m = score.load(MEETINGS / f"{name}.json")
    minutes = drafting.run(m.transcript, score.facts(m, True))
    (item,) = [i for i in minutes.agenda if i.number == number]
    assert item.opened_at == m.transcript.segments[segment].start


def test_a_sub_item_heard_first_opens_its_item_too() -> None:
    m = score.load(MEETINGS / "frozen12/casual.json")  # "เข้าวาระสี่จุดหนึ่งนะครับ", item 4 never announced
    minutes = drafting.run(m.transcript, Meeting())
    opened = {i.number: i.opened_at for i in minutes.agenda}
    assert opened["4"] == opened["4.1"] == m.transcript.segments[12].start
    assert [i.number for i in minutes.agenda].index("4") == [i.number for i in minutes.agenda].index("4.1") - 1


@pytest.mark.parametrize("said", [
    "ฝ่ายเลขาจึงขออนุญาตสลับ นำวาระ ๔.๒ ขึ้นพิจารณาก่อนค่ะ",  # a request to swap, granted or not
    "ขอเอาวาระสี่จุดสองขึ้นก่อนได้ไหมครับ",
])
def test_a_request_to_take_an_item_first_opens_nothing(said: str) -> None:
    assert rules.find_cues(flatten(said)) == ()


def test_the_first_point_that_opened_an_item_is_not_a_point_of_it() -> None:
    # "เรื่องแรก..." opened item 1, so "เรื่องที่สองเลยนะ" is item 2, not the chair's second point
    transcript = _meeting_of([
        ("A", "งั้นเริ่มเลยนะ คนครบแล้ว เรื่องแรกผมแจ้งเฉยๆ นะ ระบบจองห้องประชุมจะเปลี่ยนเป็นระบบใหม่"),
        ("A", "ก็ทุกหน่วยรับรู้ไว้ละกัน เรื่องที่สองเลยนะ รายงานครั้งที่แล้ว เลขาส่งไลน์ไปแล้ว"),
        ("B", "ไม่มีแก้ไขค่ะ"),
    ])
    minutes = drafting.run(transcript, Meeting())
    assert {i.number: i.opened_at for i in minutes.agenda} == {"1": 0.0, "2": 4.0}


@pytest.mark.parametrize("name, number, segment", [
    ("frozen12/secretary", "4.2", 13),  # the chair's "ได้ เอาสี่จุดสองก่อนเลย", then the secretary announces it
    ("frozen13/secretary", "4.2", 12),  # "ขออนุญาตสลับ นำวาระ ๔.๒ ขึ้นพิจารณาก่อน" asks; "ระเบียบวาระที่สี่จุดสอง" opens
])
def test_an_item_taken_first_opens_where_the_secretary_announces_it(name: str, number: str, segment: int) -> None:
    m = score.load(MEETINGS / f"{name}.json")
    for planned in (False, True):
        minutes = drafting.run(m.transcript, score.facts(m, planned))
        (item,) = [i for i in minutes.agenda if i.number == number and i.found]
        assert item.opened_at == m.transcript.segments[segment].start, planned


@pytest.mark.parametrize("name, cer, seed, segment", [
    ("frozen12/secretary", 0.0, 0, 33),  # a member reports "ผู้จัดงาน ขอเลื่อนออกไป": the model hears no ruling
    ("frozen12/informal", 0.0, 0, 35),  # "หมดแล้วนะ เลิก ขอบคุณครับ": the meeting's close, no decision in it
    ("frozen12/formal", 0.1, 0, 9),  # "...กุมภาพัน ครับ" heard like "ผ่าน" in a member's thanks to the chair
    ("frozen15/secretary", 0.1, 1, 13),  # "ผู้พันนกองเทดน" (the rank "ผู้พัน") sounds as "ผ่านนะ" does
    ("frozen14/formal", 0.1, 0, 39),  # "ไม่มีท่านใดเสนอเพิ่มเติม ... ผมขอปิดการประชุม": the close, nothing decided
])
def test_what_only_sounds_like_a_ruling_is_none(name: str, cer: float, seed: int, segment: int) -> None:
    m = score.load(MEETINGS / f"{name}.json")
    transcript = noise.corrupt_transcript(m.transcript, cer, seed, noise.default_confusions()) if cer else m.transcript
    minutes = drafting.run(transcript, Meeting())
    assert not [i.number for i in minutes.agenda if segment in i.resolution_segment_ids]


def test_a_unit_called_by_name_then_given_its_task_in_the_next_breath() -> None:
    # "ทีนี้ สจส.ครับ" is a sentence of its own; the task follows in the next, with no unit in it
    transcript = _meeting_of([
        ("A", "ระเบียบวาระที่ 1 เรื่องทางม้าลายหน้าโรงเรียน"),
        ("B", "ทางเขตสำรวจแล้ว มีสิบสองจุดที่สีลอกครับ"),
        ("A", "ทีนี้ สจส.ครับ ไปทำป้าย ตีเส้นให้ครบทุกจุดนะ ขอให้ทันก่อนสิ้นเดือนนี้ครับ"),
    ])
    (item,) = drafting.run(transcript, Meeting(date="2026-03-10")).agenda
    assert [(a.assignee, a.due, a.segment_ids) for a in item.actions] == [("สำนักการจราจรและขนส่ง", "2026-03-31", [2])]
