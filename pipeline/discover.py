"""A path the user names -> Recording: which media parts, which meeting.yaml, when it started,
and, for a Zoom folder (local or a downloaded cloud set), every companion Zoom left beside them.

(`pipeline.inventory` describes a folder for `minutes inspect`.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path

from pipeline import zoom
from pipeline.audio import probe
from pipeline.errors import MinutesError
from pipeline.thaidate import BANGKOK
from pipeline.types import Meeting, Recording

AUDIO_EXTS = {".m4a", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".wma", ".amr"}
VIDEO_EXTS = {".mp4", ".webm", ".mkv", ".mov", ".avi", ".m4v", ".wmv", ".3gp"}
MEDIA_EXTS = AUDIO_EXTS | VIDEO_EXTS
MEETING_FILES = ("meeting.yaml", "meeting.yml")
# `YYYY-MM-DD HH.MM.SS <topic> <meeting id>`, per the Zoom local-recording reference.
ZOOM_FOLDER = zoom.FOLDER_NAME
# Media names only Zoom's local client writes.
ZOOM_MEDIA = re.compile(r"^(zoom_\d+\.mp4|audio_only\.m4a|audio\d+\.m4a|video\d+\.mp4)$", re.IGNORECASE)
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not allowed in Windows file names
# Device names Windows will not give a file or folder, with or without an extension ("NUL.txt" too).
_RESERVED = re.compile(r"(?i)(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\s*(?:\..*)?)")
# The longest id: with --out's own path, `-<hash8>` and the longest file inside (`.minutes.docx.<pid>-<8
# hex>.tmp`), an output path stays well under Windows' 260 characters for a --out of up to ~120.
ID_CHARS = 80
log = logging.getLogger(__name__)


def find(path: str | Path, meeting: Meeting | None = None) -> Recording:
    """Recognise a media file, a folder holding a recording, or a transcript.json.

    `meeting` (meeting.yaml, loaded) gives the settings that change how the folder's files are
    read: its `chat_words` decide whether a chat in another client language is understood. Given
    it, a chat that is there but not understood is reported in a warning and left out.
    """
    return _find(Path(path), meeting, warn=meeting is not None)


def meeting_beside(path: str | Path) -> str | None:
    """The meeting.yaml `find` would take for `path`: inside a folder, else beside the file."""
    path = Path(path)
    return _meeting_beside(path if path.is_dir() else path.parent) if path.exists() else None


def _find(path: Path, meeting: Meeting | None, warn: bool) -> Recording:
    if not path.exists():
        raise MinutesError(f"{path}: no such file or folder; check the path (quote names with spaces)")
    if path.is_dir():
        return _from_folder(path, zoom.ChatWords.from_config(meeting.chat_words if meeting else None), warn)
    if path.suffix.lower() == ".json":
        return _from_transcript(path)
    if path.stat().st_size == 0:
        raise MinutesError(f"{path}: the file is empty (0 bytes); copy the recording again")
    if path.suffix.lower() not in MEDIA_EXTS:
        raise MinutesError(
            f"{path}: not a recording this tool reads; give an audio/video file "
            f"({', '.join(sorted(e[1:] for e in MEDIA_EXTS))}), a folder, or a transcript.json"
        )
    rec = Recording(id=file_id(path), path=str(path), parts=[str(path)], kind="file")
    rec.meeting_file = _meeting_beside(path.parent)
    _date_from_folder_name(rec, path.parent)
    return rec


def file_id(path: Path) -> str:
    """The id of a recording given as one file: its name, with the folder it is in for the names
    every Zoom recording has (`zoom_0.mp4`, `audio_only.m4a`, `GMT..._Recording.m4a`), which
    alone would send every meeting of an archive to one folder. (A name still taken by another
    recording gets its content hash added when the output folder is chosen: runner._folder.)"""
    generic = ZOOM_MEDIA.match(path.name) or zoom.cloud_start(path.name)
    parent = path.resolve().parent.name
    return recording_id(f"{parent}-{path.stem}" if generic and parent else path.stem)


def recording_id(name: str) -> str:
    """A folder name for outputs, safe on Windows: the recording's own name with the characters Windows
    forbids replaced, a device name (CON, NUL, COM1, ...) given a `_`, and a name over ID_CHARS cut
    (between letters, never before a vowel or tone mark) and told apart by its hash."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "recording"
    if device := _RESERVED.fullmatch(cleaned):
        cleaned = f"{device[1]}_{device[2]}"
    if len(cleaned) > ID_CHARS:
        cut = ID_CHARS - 9
        while cut > 1 and unicodedata.category(cleaned[cut])[0] == "M":  # ไม้เอก, สระอุ: part of a letter
            cut -= 1
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        cleaned = f"{cleaned[:cut].rstrip(' .')}-{digest}"
    return cleaned


def _from_folder(folder: Path, words: zoom.ChatWords, warn: bool = False) -> Recording:
    unconverted = sorted(folder.glob(f"*{zoom.UNCONVERTED}"))
    if unconverted:
        raise MinutesError(
            f"{folder}: this Zoom recording was never converted ({unconverted[0].name}); double-click the .zoom file "
            "(Zoom converts it to mp4/m4a), then run again"
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    media = [p for p in files if p.suffix.lower() in MEDIA_EXTS]
    tracks = _tracks(folder)
    parts, left_out = _parts(media)
    if not parts:
        found = f"; found only {zoom.TRACKS_FOLDER}/ tracks, which need the mixed recording beside them"
        found = found if tracks else ""
        raise MinutesError(
            f"{folder}: no audio or video file found in this folder; expected a Zoom recording "
            f"(audio*.m4a, zoom_0.mp4, GMT*_Recording.m4a ...) or any audio/video file{found}"
        )
    rec = Recording(id=recording_id(folder.name), path=str(folder), parts=[str(p) for p in parts], kind="folder")
    rec.meeting_file = _meeting_beside(folder)
    rec.tracks = [str(t) for t in tracks]
    rec.unused = [p.name for p in left_out]
    for path in files:
        if path.suffix.lower() in MEDIA_EXTS or path.name.lower() in MEETING_FILES:
            continue
        kind = zoom.classify(path)
        if kind == "chat" and rec.chat_file is None:
            problem = zoom.chat_problem(path, words)
            if problem:
                if warn:
                    log.warning("%s: found, not understood: %s; the minutes leave the chat out", path, problem)
                rec.unused.append(path.name)
                continue
        attribute = {
            "chat": "chat_file",
            "participants": "participants_file",
            "timeline": "timeline_file",
            "transcript_vtt": "transcript_vtt",
            "cc_vtt": "cc_vtt",
        }.get(kind or "")
        if attribute and getattr(rec, attribute) is None:
            setattr(rec, attribute, str(path))
        elif kind:
            rec.unused.append(path.name)  # Zoom's, but not needed (playlists, config, a second copy)
    name = zoom.parse_folder_name(folder.name)
    cloud = next((zoom.cloud_start(p.name) for p in parts if zoom.cloud_start(p.name)), None)
    if name:
        rec.kind, rec.topic, rec.meeting_id = "zoom local", name.topic, name.meeting_id
        rec.started, rec.started_source = name.started.isoformat(), "Zoom folder name"
    elif cloud:
        rec.kind = "zoom cloud"
        rec.started = cloud.astimezone(BANGKOK).replace(tzinfo=None).isoformat()
        rec.started_source = "Zoom cloud file name (GMT)"
    elif tracks or any(ZOOM_MEDIA.match(p.name) for p in parts):
        rec.kind = "zoom local"
    if rec.participants_file and not rec.meeting_id:
        digits = re.search(r"\d{9,11}", Path(rec.participants_file).name)
        rec.meeting_id = digits[0] if digits else ""
    if rec.kind == "folder" and (rec.chat_file or rec.participants_file or rec.timeline_file or rec.transcript_vtt):
        rec.kind = "zoom cloud"  # Zoom's companions beside media with other names: a downloaded set
    return rec


def _tracks(folder: Path) -> list[Path]:
    """The per-participant tracks in `Audio Record/` (any capitalisation), in name order."""
    for sub in folder.iterdir():
        if sub.is_dir() and sub.name.casefold() == zoom.TRACKS_FOLDER.casefold():
            return sorted(p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in MEDIA_EXTS)
    return []


def _parts(media: list[Path]) -> tuple[list[Path], list[Path]]:
    """(the parts that make the meeting, in order; media files left out).

    Audio-only files are smaller and hold the same sound as the video: they are preferred, unless
    there are several of either kind and their total lengths differ (then the longer set is the
    whole meeting). Cloud sets hold several views of one recording (gallery, speaker, audio): one
    file per GMT start time is taken.
    """
    cloud: dict[str, list[Path]] = {}
    for path in media:
        match = zoom.CLOUD_NAME.search(path.name)
        if match:
            cloud.setdefault(match[0], []).append(path)
    if cloud:
        chosen = [min(group, key=lambda p: (p.suffix.lower() not in AUDIO_EXTS, p.stat().st_size, p.name))
                  for _, group in sorted(cloud.items())]
        return chosen, [p for p in media if p not in chosen]
    audio = sorted((p for p in media if p.suffix.lower() in AUDIO_EXTS), key=_part_order)
    video = sorted((p for p in media if p.suffix.lower() in VIDEO_EXTS), key=_part_order)
    if audio and video and max(len(audio), len(video)) > 1:
        audio_length = sum(probe(p)[0] for p in audio)
        video_length = sum(probe(p)[0] for p in video)
        if video_length > audio_length + 2.0:
            return video, audio
    parts = audio or video
    return parts, [p for p in media if p not in parts]


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
    rec = Recording(id=recording_id(name), path=str(path), transcript_file=str(path), kind="transcript")
    rec.meeting_file = _meeting_beside(path.parent)
    return rec


def _meeting_beside(folder: Path) -> str | None:
    for name in MEETING_FILES:
        if (folder / name).is_file():
            return str(folder / name)
    return None


def _date_from_folder_name(rec: Recording, folder: Path) -> None:
    name = zoom.parse_folder_name(folder.name)
    if name:
        rec.started, rec.started_source = name.started.isoformat(), "Zoom folder name"
