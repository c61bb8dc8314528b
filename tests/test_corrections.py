from pathlib import Path

import pytest

from pipeline import corrections
from pipeline.corrections import Edit
from pipeline.errors import MinutesError
from pipeline.types import Action, AgendaItem, Meeting, Minutes, Segment, Transcript


def _transcript() -> Transcript:
    return Transcript(
        segments=[
            Segment(id=0, start=0.0, end=2.0, text="เข้าสู่วาระที่ 1", speaker="ผู้พูด 1"),
            Segment(id=1, start=2.0, end=5.0, text="โครงการลดฝุ่นที่บางรัก", speaker="ผู้พูด 2"),
            Segment(id=2, start=5.0, end=7.0, text="ที่ประชุมรับทราบ", speaker="ผู้พูด 1", overlapping=["ผู้พูด 2"]),
        ]
    )


def _minutes() -> Minutes:
    return Minutes(
        meeting=Meeting(),
        agenda=[
            AgendaItem(
                number="1", title="ประธานแจ้ง", segment_ids=[0, 1, 2], start=0.0, end=7.0, resolution="ที่ประชุมรับทราบ"
            ),
            AgendaItem(number="4", title="เพื่อพิจารณา", actions=[Action(assignee="สำนักการโยธา", task="จัดทำแผน")]),
        ],
    )


def test_edits_are_appended_with_who_and_when(tmp_path: Path) -> None:
    corrections.append(tmp_path, Edit(kind="text", segment=1, value="โครงการลดฝุ่นที่บางกะปิ", before="x", by="มาลี"))
    corrections.append(tmp_path, Edit(kind="reviewed", value=True, by="มาลี"))
    loaded = corrections.load(tmp_path)
    assert [e.kind for e in loaded.edits] == ["text", "reviewed"]
    assert loaded.edits[0].by == "มาลี" and loaded.edits[0].at
    assert "บางกะปิ" in (tmp_path / "corrections.json").read_text(encoding="utf-8")  # Thai kept readable


@pytest.mark.parametrize(
    "edit, expected",
    [
        (Edit(kind="delete"), "unknown edit kind"),
        (Edit(kind="text", value="x"), "needs the segment"),
        (Edit(kind="resolution", value="x"), "needs the agenda item"),
        (Edit(kind="rename", value="x"), "old name"),
    ],
)
def test_invalid_edits_are_refused(tmp_path: Path, edit: Edit, expected: str) -> None:
    with pytest.raises(MinutesError, match=expected):
        corrections.append(tmp_path, edit)
    assert not (tmp_path / "corrections.json").exists()


def test_text_speaker_and_rename_apply_everywhere() -> None:
    fixes = corrections.Corrections(
        [
            Edit(kind="text", segment=1, start=2.0, value="โครงการลดฝุ่นที่บางกะปิ", before="โครงการลดฝุ่นที่บางรัก"),
            Edit(kind="rename", before="ผู้พูด 2", value="นายสมชาย ใจดี"),
            Edit(kind="speaker", segment=0, start=0.0, value="ประธาน", before="ผู้พูด 1"),
        ]
    )
    out, conflicts = corrections.apply_transcript(_transcript(), fixes)
    assert conflicts == []
    assert [(s.speaker, s.text) for s in out.segments] == [
        ("ประธาน", "เข้าสู่วาระที่ 1"),
        ("นายสมชาย ใจดี", "โครงการลดฝุ่นที่บางกะปิ"),
        ("ผู้พูด 1", "ที่ประชุมรับทราบ"),
    ]
    assert out.segments[2].overlapping == ["นายสมชาย ใจดี"] and "corrected" in out.segments[1].flags
    assert _transcript().segments[1].text == "โครงการลดฝุ่นที่บางรัก"  # the input is not touched


def test_a_correction_on_text_that_changed_is_a_conflict_kept_apart() -> None:
    edit = Edit(kind="text", segment=1, start=2.0, value="แก้แล้ว", before="ข้อความเดิมของโมเดลเก่า")
    out, conflicts = corrections.apply_transcript(_transcript(), corrections.Corrections([edit]))
    assert out.segments[1].text == "โครงการลดฝุ่นที่บางรัก"
    assert len(conflicts) == 1 and conflicts[0].machine_text == "โครงการลดฝุ่นที่บางรัก"


def test_minutes_edits_move_resolve_assign_and_mark_reviewed() -> None:
    fixes = corrections.Corrections(
        [
            Edit(kind="move", segment=1, start=2.0, item="4", before="โครงการลดฝุ่นที่บางรัก"),
            Edit(kind="resolution", item="4", value="ที่ประชุมเห็นชอบ"),
            Edit(kind="action", item="4", index=0, value={"task": "จัดทำแผนงบประมาณ"}),
            Edit(kind="action", item="4", value={"assignee": "ฝ่ายเลขานุการ", "task": "ส่งหนังสือ", "due": "2026-04-30"}),
            Edit(kind="reviewed", value=True, by="มาลี", at="2026-03-20T10:00:00+07:00"),
        ]
    )
    out = corrections.apply_minutes(_minutes(), _transcript(), fixes)
    first, fourth = out.agenda
    assert first.segment_ids == [0, 2] and fourth.segment_ids == [1] and (fourth.start, fourth.end) == (2.0, 5.0)
    assert fourth.resolution == "ที่ประชุมเห็นชอบ"
    assert [(a.assignee, a.task, a.due) for a in fourth.actions] == [
        ("สำนักการโยธา", "จัดทำแผนงบประมาณ", None),
        ("ฝ่ายเลขานุการ", "ส่งหนังสือ", "2026-04-30"),
    ]
    assert out.reviewed == "มาลี 2026-03-20T10:00:00+07:00"
