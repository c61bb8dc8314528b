"""Compose Zoom recording folders from real Thai speech (tests/data/speech/, see its NOTICE.md).

A meeting is a list of turns (Zoom display name, clip). Each clip is trimmed of its silent edges
and levelled, then placed after a pause (or over the end of the turn before, for overlapping
speech). Every speaker gets a track of the whole meeting, silent where they do not speak, as
Zoom's `Audio Record/` files are, and the mixed recording is the sum of the tracks. Around the
audio go the companions Zoom leaves: a chat file in any dialect, a participants report, a cloud
timeline JSON and transcript/caption VTTs. What was said, by whom and when comes back as
`Utterance`s for the tests to measure against. Everything is deterministic.

Used by the tests and by `benchmarks/tracks.py`; the meetings, names and messages are fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline import audio
from pipeline.evaluate import Timeline
from pipeline.thaidate import clock

SPEECH = Path(__file__).parent / "data" / "speech"
RATE = 16000
BANGKOK_UTC_OFFSET = dt.timedelta(hours=7)


@dataclass
class Turn:
    speaker: str  # Zoom display name
    clip: str  # "th-021"
    overlap: float = 0.0  # seconds this turn starts before the previous one ends


@dataclass
class Utterance:
    speaker: str
    clip: str
    start: float  # seconds in the meeting
    end: float
    text: str  # the clip's reference transcript, "" when the corpus has none


@dataclass
class Say:
    """A chat message to write: `at` seconds after the recording started."""

    at: float
    sender: str
    lines: list[str]
    to: str = "Everyone"
    kind: str = "message"  # "message", "direct", "reaction", "reply"
    quote: str = ""  # the message a reply or reaction refers to


@dataclass
class Built:
    folder: Path
    utterances: list[Utterance]
    duration: float
    tracks: dict[str, Path] = field(default_factory=dict)  # display name -> track file
    chat: Path | None = None


# --------------------------------------------------------------------------------------------
# The meeting most tests use: four speakers, one overlap, every kind of chat message.

STARTED = dt.datetime(2026, 3, 19, 13, 30, 0)  # local (Bangkok) time, as in the folder name
TOPIC = "คณะทำงานขับเคลื่อนแผนแม่บทด้านสิ่งแวดล้อม"
MEETING_ID = "81234567890"
CHAIR, WIRAT, THANA, JICA, MALEE = "สมชาย ใจดี", "Wirat M.", "ธนา รักดี", "JICA Expert", "มาลี ศรีสุข"
NOTE_TAKER = "ณัฐธิดา ใจงาม"  # on the roster, never speaks
# One voice per person: th-029 and th-030 are probably one speaker (cv-group-b); the chair says
# the same clip twice rather than borrowing another voice.
TURNS = [
    Turn(CHAIR, "th-005"),
    Turn(WIRAT, "th-029"),
    Turn(THANA, "th-003"),
    Turn(JICA, "th-007", overlap=1.0),  # starts a second before ธนา stops
    Turn(MALEE, "th-001"),
    Turn(WIRAT, "th-030"),
    Turn(CHAIR, "th-005"),
]
# The names the minutes must use (meeting.yaml maps the display names to them).
FORMAL = {
    CHAIR: "นายสมชาย ใจดี",
    WIRAT: "นายวิรัตน์ มนัสสนิทวงศ์",
    THANA: "นายธนา รักดี",
    JICA: "Mr. Kenji Tanaka",
    MALEE: "นางมาลี ศรีสุข",
}
MEETING_YAML = """\
body: คณะทำงานขับเคลื่อนแผนแม่บทด้านสิ่งแวดล้อม
session: "1/2569"
venue: ห้องประชุมสำนักสิ่งแวดล้อม และผ่านสื่ออิเล็กทรอนิกส์ (Zoom)
chair: {name: นายสมชาย ใจดี, position: ผู้อำนวยการสำนักสิ่งแวดล้อม ประธานคณะทำงาน}
members:
  - {name: นายสมชาย ใจดี, position: ผู้อำนวยการสำนักสิ่งแวดล้อม ประธานคณะทำงาน}
  - {name: นายวิรัตน์ มนัสสนิทวงศ์, position: ผู้อำนวยการกองนโยบายและแผนงาน, aliases: [Wirat M.]}
  - {name: นายธนา รักดี, position: ผู้อำนวยการเขตปทุมวัน}
  - {name: นางมาลี ศรีสุข, position: ผู้อำนวยการกองสิ่งแวดล้อม}
  - {name: นางสาวอรทัย ทองคำ, position: ผู้อำนวยการกองการขนส่ง}
attendees:
  - {name: Mr. Kenji Tanaka, position: ผู้เชี่ยวชาญ JICA, display_name: JICA Expert}
minute_taker: {name: นางสาวณัฐธิดา ใจงาม, position: นักวิเคราะห์นโยบายและแผนชำนาญการ}
agenda:
  - 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ
  - 4 เรื่องเพื่อพิจารณา
"""
DOC = "ส่งเอกสารประกอบวาระที่ 4 ในแชทแล้วครับ"
CHAT = [
    Say(4.0, CHAIR, ["สวัสดีครับ ขอเริ่มการประชุม"]),
    Say(9.0, WIRAT, [DOC, "ลิงก์ https://example.go.th/วาระ4.pdf"]),
    Say(10.0, THANA, ["ขอบคุณครับ"], to=WIRAT, kind="direct"),
    Say(11.0, CHAIR, [], kind="reaction", quote=DOC),
    Say(20.0, JICA, ["ได้รับแล้ว ขอบคุณค่ะ\tดูหน้า 3"], kind="reply", quote=DOC),
]
# (name as the report writes it, email, joined, left) in seconds from the start; Wirat rejoined.
ROSTER = [
    (CHAIR, "somchai@example.go.th", -60, 1800),
    (f"{WIRAT} (วิรัตน์ มนัสสนิทวงศ์)", "wirat@example.go.th", -50, 3),
    (f"{WIRAT} (วิรัตน์ มนัสสนิทวงศ์)", "wirat@example.go.th", 5, 1800),
    (THANA, "thana@example.go.th", -40, 1800),
    (MALEE, "malee@example.go.th", -30, 1800),
    (f"{JICA} (Kenji Tanaka)", "", 2, 1800),
    (NOTE_TAKER, "nattida@example.go.th", -120, 1800),
]


# --------------------------------------------------------------------------------------------
# Audio


def ffmpeg(*args: str, stdin: bytes | None = None) -> None:
    quiet = ["-hide_banner", "-loglevel", "error", "-y"] + (["-nostdin"] if stdin is None else [])
    subprocess.run([audio.ffmpeg_exe(), *quiet, *args], input=stdin, check=True)


@functools.cache
def clip_samples(name: str) -> np.ndarray:
    """A clip as float32 at 16 kHz: its edges quieter than 30 dB below its peak (clicks aside) cut off,
    0.1 s kept, and levelled towards -20 dBFS."""
    raw = subprocess.run(
        [
            audio.ffmpeg_exe(),
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(SPEECH / f"{name}.flac"),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    frames = x[: len(x) // 160 * 160].reshape(-1, 160)
    db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    above = (db > db.max() - 30).astype(float)
    loud = np.flatnonzero(np.convolve(above, np.ones(5), "same") >= 5)  # 50 ms of sound, not a click
    keep = 0.1 * RATE
    x = x[max(0, int(loud[0] * 160 - keep)) : int(min(len(x), (loud[-1] + 1) * 160 + keep))]
    rms_db = 10 * np.log10(np.mean(x**2) + 1e-10)
    gain = 10 ** (np.clip(-20.0 - rms_db, -12, 12) / 20)
    gain = min(gain, 10 ** (-1 / 20) / max(float(np.abs(x).max()), 1e-6))
    fade = np.linspace(0, 1, 160, dtype=np.float32)
    x = x * gain
    x[:160] *= fade
    x[-160:] *= fade[::-1]
    return x


@functools.cache
def transcripts() -> dict[str, str]:
    with open(SPEECH / "manifest.tsv", encoding="utf-8", newline="") as f:
        return {Path(r["file"]).stem: r["transcript"] for r in csv.DictReader(f, delimiter="\t")}


def compose(turns: list[Turn], lead: float = 1.0, tail: float = 1.0) -> tuple[dict[str, np.ndarray], list[Utterance]]:
    """Each speaker's track (equal lengths) and the utterances, with pauses of 0.6-1.2 s."""
    pauses = np.random.default_rng(20260319).uniform(0.6, 1.2, len(turns))
    timeline = Timeline(rate=RATE)
    utterances = []
    for i, turn in enumerate(turns):
        clip = clip_samples(turn.clip)
        start = timeline.end / RATE - turn.overlap if i else lead
        if i and not turn.overlap:
            start = timeline.end / RATE + round(float(pauses[i]), 2)
        said = timeline.put(round(start * RATE), clip, turn.speaker)
        utterances.append(Utterance(turn.speaker, turn.clip, *said, transcripts().get(turn.clip, "")))
    return timeline.tracks(tail=round(tail * RATE)), utterances


def mix(tracks: dict[str, np.ndarray]) -> np.ndarray:
    return np.clip(sum(tracks.values()), -1.0, 1.0).astype(np.float32)


def write_audio(samples: np.ndarray, path: Path, video: bool = False, created: dt.datetime | None = None) -> Path:
    """AAC in MP4 at 32 kHz mono, 64 kbit/s, as Zoom writes audio; with a tiny video stream if asked."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    args = ["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "-"]
    if video:
        args += ["-f", "lavfi", "-i", "color=size=64x48:rate=5", "-shortest", "-c:v", "mpeg4"]
    args += ["-c:a", "aac", "-b:a", "64k", "-ar", "32000", "-map_metadata", "-1"]
    if created is not None:  # containers keep UTC
        args += ["-metadata", f"creation_time={(created - BANGKOK_UTC_OFFSET).isoformat()}Z"]
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(*args, str(path), stdin=pcm)
    return path


def squeeze(samples: np.ndarray, keep: float = 0.2, longer_than: float = 0.5) -> np.ndarray:
    """The track with every silence longer than `longer_than` cut down to `keep` seconds, as a
    recorder that trims silences would write it."""
    frames = len(samples) // 160
    loud = np.abs(samples[: frames * 160].reshape(-1, 160)).max(axis=1) > 1e-4
    keep_frames, out, i = round(keep * 100), [], 0
    while i < frames:
        j = i
        while j < frames and loud[j] == loud[i]:
            j += 1
        end = j if loud[i] or (j - i) * 0.01 <= longer_than else i + keep_frames
        out.append(samples[i * 160 : end * 160])
        i = j
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# Companion files


def chat_text(says: list[Say], dialect: str, wall: Callable[[float], dt.datetime]) -> str:
    """The messages in one of Zoom's chat dialects: "cloud", "local v1", "local v2", "local dated"."""
    out = []
    for say in says:
        if dialect == "cloud" and say.kind == "direct":
            continue  # the cloud chat file keeps the meeting's public chat only
        lines = list(say.lines)
        if say.kind == "reaction":
            lines = [f'Reacted to "{say.quote}" with 👍']
        elif say.kind == "reply":
            lines = [f'Replying to "{say.quote}"', "", *lines]
        marker = " (privately)" if dialect == "local v1" else "(Direct Message)"
        to = say.to + (marker if say.kind == "direct" else "")
        when = wall(say.at)
        if dialect == "cloud":
            out.append(f"{clock(say.at)}\t{say.sender}:\t{lines[0]}")
            out += lines[1:]
        elif dialect == "local v1":
            out.append(f"{when:%H:%M:%S} From {say.sender} to {to} : {lines[0]}")
            out += lines[1:]
        elif dialect == "local v2":
            out.append(f"{when:%H:%M:%S} From  {say.sender}  to  {to}:")
            out += [f"\t{line}" for line in lines]
        elif dialect == "local dated":
            out.append(f"{when:%Y-%m-%d %H:%M:%S} From {say.sender} to {to}:")
            out += [f"\t{line}" for line in lines]
        else:
            raise ValueError(dialect)
    newline = "\r\n" if dialect == "local v1" else "\n"  # the old Windows client wrote CRLF
    return newline.join(out) + newline


def _report_time(moment: dt.datetime) -> str:
    """`03/19/2026 1:29:00 PM`: the report's format, hours unpadded."""
    return f"{moment:%m/%d/%Y} {moment.hour % 12 or 12}:{moment:%M:%S %p}"


def participants_csv(
    roster: list[tuple[str, str, float, float]], started: dt.datetime, per_session: bool = True
) -> str:
    """The web portal's participants report: BOM, CRLF, trailing commas, a meeting block first."""
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\r\n")
    w.writerow(
        ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants", ""]
    )
    w.writerow(
        [
            MEETING_ID,
            TOPIC,
            _report_time(started),
            _report_time(started + dt.timedelta(minutes=30)),
            "host@example.go.th",
            "30",
            str(len({r[1] or r[0] for r in roster})),
            "",
        ]
    )
    w.writerow([])
    if per_session:
        w.writerow(
            [
                "Name (Original Name)",
                "User Email",
                "Join Time",
                "Leave Time",
                "Duration (Minutes)",
                "Guest",
                "Recording Consent",
                "",
            ]
        )
        for name, email, joined, left in roster:
            minutes = max(1, round((left - joined) / 60))
            w.writerow(
                [
                    name,
                    email,
                    _report_time(started + dt.timedelta(seconds=joined)),
                    _report_time(started + dt.timedelta(seconds=left)),
                    str(minutes),
                    "No" if email else "Yes",
                    "Y",
                    "",
                ]
            )
    else:
        w.writerow(["Name (Original Name)", "User Email", "Total Duration (Minutes)", "Guest", ""])
        for name, email, joined, left in roster:
            w.writerow([name, email, str(max(1, round((left - joined) / 60))), "No" if email else "Yes", ""])
    return "\ufeff" + buffer.getvalue()


def timeline_json(utterances: list[Utterance], duration: float, step: float = 0.5) -> str:
    """Active speakers every `step` seconds, as the cloud timeline lists them."""
    entries = []
    for i in range(int(duration / step) + 1):
        t = i * step
        users = [
            {
                "username": u.speaker,
                "user_id": 16778240 + k,
                "zoom_userid": f"zid{k}",
                "email_address": "",
                "multiple_people": False,
                "client_type": 0,
                "avatar_url": "",
            }
            for k, u in enumerate(utterances)
            if u.start <= t < u.end
        ]
        entries.append({"ts": f"{clock(t)}.{round(t % 1 * 1000):03d}", "users": users})
    return json.dumps({"timeline": entries}, ensure_ascii=False, indent=1)


def vtt_text(utterances: list[Utterance], speakers: bool = True) -> str:
    """Zoom's transcript VTT: CRLF, numbered cues, `Name: ` prefixes (the first cue has none)."""

    def stamp(t: float) -> str:
        return f"{clock(t)}.{round(t % 1 * 1000):03d}"

    out = ["WEBVTT", ""]
    for i, u in enumerate(utterances, 1):
        text = u.text or "ขอบคุณครับ"
        prefix = f"{u.speaker}: " if speakers and i > 1 else ""
        out += [str(i), f"{stamp(u.start)} --> {stamp(u.end)}", prefix + text, ""]
    return "\r\n".join(out)


# --------------------------------------------------------------------------------------------
# Folders


def _wall(started: dt.datetime, breaks: list[tuple[float, float]]) -> Callable[[float], dt.datetime]:
    """Recording seconds -> wall clock, given (recording second, pause length) of each pause."""

    def wall(at: float) -> dt.datetime:
        paused = sum(length for position, length in breaks if position <= at)
        return started + dt.timedelta(seconds=at + paused)

    return wall


def build_local(
    folder: Path,
    turns: list[Turn] = TURNS,
    *,
    chat: list[Say] | None = None,
    dialect: str = "local dated",
    roster: bool = True,
    with_tracks: bool = True,
    track_edits: dict[str, str] | None = None,
    parts: list[tuple[float, float]] | None = None,
    old_client: bool = False,
    meeting_yaml: str | None = MEETING_YAML,
    started: dt.datetime = STARTED,
) -> Built:
    """A local recording folder. `parts` = [(recording second, pause seconds)] splits it where the
    host paused; `track_edits` = {speaker: "late" | "cut" | "squeezed"} damages that speaker's track:
    it starts 10 s late, ends after its last word, or has its silences cut out."""
    chat = CHAT if chat is None else chat
    folder.mkdir(parents=True)
    tracks, utterances = compose(turns)
    mixed = mix(tracks)
    duration = len(mixed) / RATE
    breaks = parts or []
    wall = _wall(started, breaks)
    cuts = [0.0] + [p for p, _ in breaks] + [duration]
    for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        piece = mixed[round(a * RATE) : round(b * RATE)]
        name = f"zoom_{i}.mp4" if old_client else f"audio{1382913456 + i}.m4a"
        write_audio(piece, folder / name, video=old_client, created=wall(a) if parts else None)
    (folder / ("playback.m3u" if old_client else "playback1382913456.m3u")).write_text(
        "zoom_0.mp4\n" if old_client else "audio1382913456.m4a\n", encoding="utf-8"
    )
    if not old_client:
        (folder / "recording.conf").write_text("{}", encoding="utf-8")
    built = Built(folder, utterances, duration)
    if with_tracks:
        for k, (speaker, samples) in enumerate(tracks.items()):
            edit = (track_edits or {}).get(speaker)
            if edit == "late":
                samples = samples[10 * RATE :]
            elif edit == "cut":
                last = max(u.end for u in utterances if u.speaker == speaker)
                samples = samples[: round((last + 0.5) * RATE)]
            elif edit == "squeezed":
                samples = squeeze(samples)
            path = folder / "Audio Record" / f"audio{speaker.replace(' ', '')}{16778240 + k}.m4a"
            built.tracks[speaker] = write_audio(samples, path)
    if chat:
        name = {"local v1": "chat.txt", "local v2": "meeting_saved_chat.txt"}.get(dialect, "meeting_saved_new_chat.txt")
        built.chat = folder / name
        built.chat.write_text(chat_text(chat, dialect, wall), encoding="utf-8", newline="")
    if roster:
        (folder / f"participants_{MEETING_ID}.csv").write_text(
            participants_csv(ROSTER, started), encoding="utf-8", newline=""
        )
    if meeting_yaml:
        (folder / "meeting.yaml").write_text(meeting_yaml, encoding="utf-8")
    return built


def build_cloud(
    folder: Path,
    turns: list[Turn] = TURNS,
    *,
    chat: list[Say] | None = None,
    timeline: bool = True,
    transcript: bool = True,
    captions: bool = True,
    roster: bool = True,
    meeting_yaml: str | None = MEETING_YAML,
    started: dt.datetime = STARTED,
) -> Built:
    """A downloaded cloud-recording set: M4A, transcript and caption VTTs, chat, timeline, report."""
    chat = CHAT if chat is None else chat
    folder.mkdir(parents=True)
    tracks, utterances = compose(turns)
    mixed = mix(tracks)
    duration = len(mixed) / RATE
    stem = f"GMT{started - BANGKOK_UTC_OFFSET:%Y%m%d-%H%M%S}_Recording"
    write_audio(mixed, folder / f"{stem}.m4a")
    built = Built(folder, utterances, duration)
    if transcript:
        (folder / f"{stem}.transcript.vtt").write_text(vtt_text(utterances), encoding="utf-8", newline="")
    if captions:
        (folder / f"{stem}.cc.vtt").write_text(vtt_text(utterances), encoding="utf-8", newline="")
    if timeline:
        (folder / f"{stem}.timeline.json").write_text(timeline_json(utterances, duration), encoding="utf-8")
    if chat:
        built.chat = folder / f"{stem}_newChat.txt"
        built.chat.write_text(chat_text(chat, "cloud", _wall(started, [])), encoding="utf-8", newline="")
    if roster:
        (folder / f"participants_{MEETING_ID}.csv").write_text(
            participants_csv(ROSTER, started, per_session=False), encoding="utf-8", newline=""
        )
    if meeting_yaml:
        (folder / "meeting.yaml").write_text(meeting_yaml, encoding="utf-8")
    return built


# --------------------------------------------------------------------------------------------
# Measures


def _grid(utterances: list[Utterance], step: float = 0.01) -> list[tuple[float, str]]:
    """(time, speaker) every 10 ms of reference speech; overlapping speech gives one point each."""
    return [(t, u.speaker) for u in utterances for t in np.arange(u.start, u.end, step)]


def turn_attribution(turns: list, utterances: list[Utterance], names: dict[str, str]) -> float:
    """Share of reference speech time during which a turn of the right (named) speaker is active."""
    points = _grid(utterances)
    right = sum(1 for t, speaker in points if any(x.start <= t < x.end and x.speaker == names[speaker] for x in turns))
    return right / len(points)


def word_attribution(segments: list, utterances: list[Utterance], names: dict[str, str]) -> tuple[float, float]:
    """(share of transcribed speech time labelled with the right named speaker, share of reference
    speech time that has transcribed words at all). A segment's label counts with its overlaps."""
    words = [(w.start, w.end, {s.speaker, *s.overlapping}) for s in segments for w in s.words]
    points = _grid(utterances)
    covered = right = 0
    for t, speaker in points:
        labels = [lab for a, b, lab in words if a <= t < b]
        if labels:
            covered += 1
            right += any(names[speaker] in lab for lab in labels)
    return right / max(covered, 1), covered / len(points)
