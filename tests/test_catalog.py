"""The SQLite catalogue: schema versions, WAL, Thai word search with times, and bad catalogue files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipeline import catalog, terminal
from pipeline.catalog import Catalog
from pipeline.errors import MinutesError

TRANSCRIPT = {
    "duration": 75.0,
    "segments": [
        {"id": 0, "start": 1.0, "end": 6.5, "text": "ประธานแจ้งว่างบประมาณประจำปี 2569 ได้รับการจัดสรรแล้ว", "speaker": None},
        {"id": 1, "start": 7.0, "end": 12.0, "text": "ขอให้สำนักสิ่งแวดล้อมจัดทำแผนงาน", "speaker": "นายสมชาย ใจดี"},
        {"id": 2, "start": 61.2, "end": 66.0, "text": "ที่ประชุมเห็นชอบตามที่เสนอ", "speaker": None},
        {"id": 3, "start": 66.5, "end": 70.0, "text": "ลดฝุ่น PM2.5 ในเขตบางรัก", "speaker": None},
    ],
}
MINUTES = {
    "meeting": {"body": "คณะทำงานขับเคลื่อนแผนแม่บท", "session": "2/2569", "date": "2026-05-07"},
    "agenda": [
        {
            "number": "4.1",
            "title": "ร่างงบประมาณโครงการลดฝุ่น",
            "summary": "ที่ประชุมพิจารณาร่างงบประมาณ",
            "resolution": "ที่ประชุมเห็นชอบร่างงบประมาณตามที่เสนอ",
            "resolution_segment_ids": [2],
            "actions": [{"assignee": "สำนักสิ่งแวดล้อม", "task": "จัดทำแผนงาน", "due": "2026-06-30", "start": 7.0,
                         "end": 12.0}],
            "start": 1.0,
            "end": 70.0,
        }
    ],
}  # fmt: skip


def _recording(out: Path, rec_id: str = "ประชุม ครั้งที่ 2-0123abcd") -> Path:
    folder = out / rec_id
    (folder / "stages").mkdir(parents=True)
    (folder / "transcript.json").write_text(json.dumps(TRANSCRIPT, ensure_ascii=False), encoding="utf-8")
    (folder / "minutes.json").write_text(json.dumps(MINUTES, ensure_ascii=False), encoding="utf-8")
    manifest = {"stages": {"audio": {"key": "a", "seconds": 0.5}, "transcript": {"key": "b", "seconds": 41.0}}}
    (folder / "stages" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    folder = _recording(tmp_path)
    with Catalog(tmp_path) as cat:
        cat.add(folder.name, "/archive/ประชุม ครั้งที่ 2.m4a", "0123abcd" * 8, 75.0)
        cat.started(folder.name)
        cat.done(folder.name, folder, attempts=1)
    return tmp_path


def test_a_recording_row_holds_what_the_archive_needs(filled: Path) -> None:
    with Catalog(filled) as cat:
        (row,) = cat.recordings()
    assert row["title"] == "คณะทำงานขับเคลื่อนแผนแม่บท ครั้งที่ 2/2569" and row["date"] == "2026-05-07"
    assert row["status"] == "done" and row["duration"] == 75.0 and row["source"].endswith("ครั้งที่ 2.m4a")
    assert json.loads(row["stage_seconds"]) == {"audio": 0.5, "transcript": 41.0}


def test_search_finds_a_thai_word_inside_unspaced_text(filled: Path) -> None:
    with Catalog(filled) as cat:
        result = cat.search("งบประมาณ")
    kinds = {(h.kind, h.start, h.end) for h in result.hits}
    # The sentence spoken at 0:00:01, and the agenda title, summary and resolution of item 4.1.
    assert ("transcript", 1.0, 6.5) in kinds and ("resolution", 61.2, 66.0) in kinds
    assert ("title", 1.0, 70.0) in kinds and ("summary", 1.0, 70.0) in kinds
    assert not result.substring
    spoken = next(h for h in result.hits if h.kind == "transcript")
    assert spoken.snippet == "ประธานแจ้งว่า[งบประมาณ]ประจำปี 2569 ได้รับการจัดสรรแล้ว"
    assert spoken.title == "คณะทำงานขับเคลื่อนแผนแม่บท ครั้งที่ 2/2569" and spoken.date == "2026-05-07"


def test_search_matches_words_not_letters(filled: Path) -> None:
    with Catalog(filled) as cat:
        # "ประมาณ" is a word of its own ("about") but only part of "งบประมาณ" here: no whole-word hit.
        assert cat.search("ประมาณ").substring
        # A resolution asked for by kind, with its time; an action with who and by when.
        (resolution,) = cat.search("เห็นชอบ", kinds=["resolution"]).hits
        assert (resolution.item, resolution.start, resolution.end) == ("4.1", 61.2, 66.0)
        (action,) = cat.search("แผนงาน", kinds=["action"]).hits
        assert action.text == "สำนักสิ่งแวดล้อม จัดทำแผนงาน 2026-06-30"
        assert cat.search("pm2.5 บางรัก").hits[0].start == 66.5  # Latin case-folded, numbers kept
        with pytest.raises(MinutesError, match="unknown passage kind 'minutes'"):
            cat.search("เห็นชอบ", kinds=["minutes"])
        with pytest.raises(MinutesError, match="holds no word"):
            cat.search(" ... ")


def test_substring_fallback_when_newmm_cut_a_word_differently(filled: Path) -> None:
    with Catalog(filled) as cat:
        # In its sentence newmm cuts "สำนักสิ่งแวดล้อม" as "สำ|นักสิ่งแวดล้อม": no whole word "สิ่งแวดล้อม".
        result = cat.search("สิ่งแวดล้อม")
    assert result.substring and result.hits
    assert terminal.describe_search(result).startswith("no whole-word match for 'สิ่งแวดล้อม'")


def test_describe_groups_hits_by_meeting_with_times(filled: Path) -> None:
    with Catalog(filled) as cat:
        text = terminal.describe_search(cat.search("เห็นชอบ"))
    lines = text.splitlines()
    assert lines[0].startswith("คณะทำงานขับเคลื่อนแผนแม่บท ครั้งที่ 2/2569 · 2026-05-07 · ")
    assert "  0:01:01-0:01:06   ถ้อยคำ ที่ประชุม[เห็นชอบ]ตามที่เสนอ" in lines
    assert any(line.startswith("  0:01:01-0:01:06   มติ วาระที่ 4.1 ") for line in lines)


def test_reindexing_replaces_a_recordings_passages(filled: Path) -> None:
    folder = filled / "ประชุม ครั้งที่ 2-0123abcd"
    data = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    data["segments"][3]["text"] = "ลดฝุ่น PM2.5 ในเขตบางกะปิ"  # a reviewer's correction
    (folder / "transcript.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Catalog(filled) as cat:
        cat.done(folder.name, folder, attempts=1)
        assert cat.search("บางกะปิ").hits and not cat.search("บางรัก").hits
        count = cat.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        cat.done(folder.name, folder, attempts=1)  # unchanged files: not indexed again
        assert cat.db.execute("SELECT count(*) FROM passages").fetchone()[0] == count


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    with Catalog(tmp_path) as cat:
        assert cat.db.execute("PRAGMA user_version").fetchone()[0] == catalog.SCHEMA_VERSION
        assert cat.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Catalog(tmp_path) as cat:  # opening again migrates nothing and loses nothing
        assert cat.db.execute("PRAGMA user_version").fetchone()[0] == catalog.SCHEMA_VERSION


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "MIGRATIONS", [*catalog.MIGRATIONS, "CREATE TABLE later (x); CREATE TABLE broken ("])
    monkeypatch.setattr(catalog, "SCHEMA_VERSION", len(catalog.MIGRATIONS))
    with pytest.raises(MinutesError, match="not a readable catalogue"):
        Catalog(tmp_path)
    db = sqlite3.connect(str(tmp_path / catalog.FILE_NAME))
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # the first migration stands, the second not at all
    assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'later'").fetchall()
    db.close()


def test_a_newer_or_broken_catalogue_is_refused_with_the_fix(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    newer.mkdir()
    db = sqlite3.connect(str(newer / catalog.FILE_NAME))
    db.execute(f"PRAGMA user_version = {catalog.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(MinutesError, match="written by a newer thai-minutes.*upgrade thai-minutes"):
        Catalog(newer)
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / catalog.FILE_NAME).write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(MinutesError, match=r"catalog\.db: not a readable catalogue .* move it away"):
        Catalog(junk)
    with pytest.raises(MinutesError, match="no catalogue here; run `minutes batch"):
        Catalog(tmp_path / "none", create=False)


def test_clock_and_titles() -> None:
    assert catalog.clock(3723.9) == "1:02:03" and catalog.clock(None) == "-"
    assert catalog.rec_title("2026-03-19 13.30.00 คณะทำงาน ทดสอบ-0123abcd") == "คณะทำงาน ทดสอบ"
