"""A test archive for the batch tests, and a way to compare two output roots file by file.

Nine sources in nested Thai-named folders: five good recordings (two with the same file name in
different folders, one Zoom folder of two parts), one copy of a good one, and three broken
files (cut off, empty, text renamed to .m4a).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from tests.conftest import ffmpeg

MEETING = (
    "body: คณะทำงานทดสอบ\nsession: 1/2569\nagenda:\n"
    "  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n  - 4 เรื่องเพื่อพิจารณา\n"
)
GOOD = [
    "2567/คณะทำงาน ก/ประชุม ครั้งที่ 1.m4a",
    "2567/คณะทำงาน ข/ประชุม ครั้งที่ 1.m4a",  # same name, other content: must not collide
    "2568/2026-03-19 13.30.00 คณะทำงาน ทดสอบ 81234567890",  # a Zoom folder: audio1.m4a + audio2.m4a
    "2568/การประชุม สำรอง.m4a",
    "2566/meeting.mp3",
]
COPY = "2568/สำเนา/ประชุม ครั้งที่ 1.m4a"  # the same bytes as GOOD[0]
BROKEN = {
    "เสีย/ตัดขาด.m4a": "cut off",
    "เสีย/ว่าง.m4a": "empty",
    "เสีย/ไม่ใช่เสียง.m4a": "not audio",
}


def tone(path: Path, frequency: int, seconds: float = 2.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = ["-c:a", "libmp3lame"] if path.suffix == ".mp3" else ["-c:a", "aac"]
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}:sample_rate=16000", *codec, str(path))


def build(root: Path) -> Path:
    """Write the archive under root (each good recording a tone of its own pitch)."""
    tone(root / GOOD[0], 440)
    (root / GOOD[0]).with_name("meeting.yaml").write_text(MEETING, encoding="utf-8")
    tone(root / GOOD[1], 550)
    zoom = root / GOOD[2]
    tone(zoom / "audio1.m4a", 660, 1.5)
    tone(zoom / "audio2.m4a", 770, 1.0)
    (zoom / "meeting.yaml").write_text(MEETING, encoding="utf-8")
    tone(root / GOOD[3], 880, 3.0)  # the one 3-second recording: a test makes its engine fail
    tone(root / GOOD[4], 990)
    (root / COPY).parent.mkdir(parents=True)
    shutil.copy2(root / GOOD[0], root / COPY)
    cut = root / "เสีย/ตัดขาด.m4a"
    tone(cut, 300, 3.0)
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # the moov atom is at the end: gone
    (root / "เสีย/ว่าง.m4a").write_bytes(b"")
    (root / "เสีย/ไม่ใช่เสียง.m4a").write_text("บันทึกการประชุม ไม่ใช่ไฟล์เสียง\n" * 40, encoding="utf-8")
    (root / "2567/อ่านก่อน.txt").write_text("ไม่ใช่การบันทึก", encoding="utf-8")  # not a recording: ignored
    return root


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under folder and its SHA-256 (for 'the sources were not touched')."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() + f":{p.stat().st_mtime_ns}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outputs(out: Path) -> dict[str, str]:
    """What a batch produced, comparable between runs: every file's hash, less what holds times.

    run.json holds the run's clock times and the manifest each stage's seconds; of those the
    manifest's cache keys and export hashes are what must be equal.
    """
    result = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if not p.is_file() or rel.startswith(("catalog.db", ".batch.lock")) or rel == "batch-report.json":
            continue
        if p.name == "run.json":
            continue
        if p.name == "manifest.json":
            data = json.loads(p.read_text(encoding="utf-8"))
            keys = {k: v["key"] for k, v in data["stages"].items()}
            result[rel] = json.dumps([keys, data["exports"]], ensure_ascii=False, sort_keys=True)
            continue
        result[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return result


def catalogue(out: Path) -> dict[str, object]:
    """The catalogue's content, less the times it was written."""
    db = sqlite3.connect(str(out / "catalog.db"))
    try:
        recordings = db.execute(
            "SELECT id, sha256, source, title, date, duration, status, stage, error FROM recordings ORDER BY id"
        ).fetchall()
        passages = db.execute(
            "SELECT recording, kind, item, start, end, speaker, text, words FROM passages "
            "ORDER BY recording, kind, start, text"
        ).fetchall()
        sources = db.execute("SELECT path, sha256, recording FROM sources ORDER BY path").fetchall()
    finally:
        db.close()
    return {"recordings": recordings, "passages": passages, "sources": sources}
