"""A path the user names -> Recording: which media parts, which meeting.yaml, when it started."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from pipeline.errors import MinutesError
from pipeline.types import Recording

AUDIO_EXTS = {".m4a", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".wma", ".amr"}
VIDEO_EXTS = {".mp4", ".webm", ".mkv", ".mov", ".avi", ".m4v", ".wmv", ".3gp"}
MEDIA_EXTS = AUDIO_EXTS | VIDEO_EXTS
MEETING_FILES = ("meeting.yaml", "meeting.yml")
# `YYYY-MM-DD HH.MM.SS <topic> <meeting id>`, per the Zoom local-recording reference.
ZOOM_FOLDER = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{2})\.(\d{2})\.(\d{2})\s+(.*?)(?:\s+(\d{9,11}))?$")
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not allowed in Windows file names


def find(path: str | Path) -> Recording:
    """Recognise a media file, a folder holding a recording, or a transcript.json."""
    path = Path(path)
    if not path.exists():
        raise MinutesError(f"{path}: no such file or folder; check the path (quote names with spaces)")
    if path.is_dir():
        return _from_folder(path)
    if path.suffix.lower() == ".json":
        return _from_transcript(path)
    if path.stat().st_size == 0:
        raise MinutesError(f"{path}: the file is empty (0 bytes); copy the recording again")
    if path.suffix.lower() not in MEDIA_EXTS:
        raise MinutesError(
            f"{path}: not a recording this tool reads; give an audio/video file "
            f"({', '.join(sorted(e[1:] for e in MEDIA_EXTS))}), a folder, or a transcript.json"
        )
    rec = Recording(id=recording_id(path.stem), path=str(path), parts=[str(path)])
    rec.meeting_file = _meeting_beside(path.parent)
    _date_from_folder_name(rec, path.parent)
    return rec


def recording_id(name: str) -> str:
    """A folder name for outputs: the recording's own name, with characters Windows forbids removed."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned or "recording"


def _from_folder(folder: Path) -> Recording:
    if any(folder.glob("*.zoom")):
        raise MinutesError(
            f"{folder}: this Zoom recording was never converted; double-click the .zoom file "
            "(Zoom converts it to mp4/m4a), then run again"
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in MEDIA_EXTS)
    # Audio-only files are smaller and hold the same sound: prefer them over the video.
    audio = [p for p in files if p.suffix.lower() in AUDIO_EXTS]
    parts = audio or files
    if not parts:
        raise MinutesError(f"{folder}: no audio or video file found in this folder; point at the recording itself")
    parts = sorted(parts, key=_part_order)
    rec = Recording(id=recording_id(folder.name), path=str(folder), parts=[str(p) for p in parts])
    rec.meeting_file = _meeting_beside(folder)
    _date_from_folder_name(rec, folder)
    return rec


def _part_order(path: Path) -> tuple[int, str]:
    """zoom_0, zoom_1 ... audio123, audio456 play in the order of their numbers."""
    numbers = re.findall(r"\d+", path.stem)
    return (int(numbers[-1]) if numbers else -1, path.name)


def _from_transcript(path: Path) -> Recording:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise MinutesError(
            f"{path}{where}: not a valid transcript.json ({type(exc).__name__}); "
            "fix the JSON or run on the recording instead"
        ) from None
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list) or not all(
        isinstance(s, dict)
        and isinstance(s.get("text"), str)
        and isinstance(s.get("start"), int | float)
        and isinstance(s.get("end"), int | float)
        for s in segments
    ):
        raise MinutesError(f'{path}: not a transcript.json; it needs "segments": [{{"start", "end", "text"}}, ...]')
    name = data.get("recording") or (path.parent.name if path.stem == "transcript" else path.stem)
    rec = Recording(id=recording_id(name), path=str(path), transcript_file=str(path))
    rec.meeting_file = _meeting_beside(path.parent)
    return rec


def _meeting_beside(folder: Path) -> str | None:
    for name in MEETING_FILES:
        if (folder / name).is_file():
            return str(folder / name)
    return None


def _date_from_folder_name(rec: Recording, folder: Path) -> None:
    match = ZOOM_FOLDER.match(folder.name)
    if not match:
        return
    try:
        started = dt.datetime(*(int(g) for g in match.groups()[:6]))
    except ValueError:
        return
    rec.started = started.isoformat()
    rec.started_source = "Zoom folder name"
