"""The transcript as plain text and subtitles: transcript.txt (the Zoom chat's lines among the
paragraphs), transcript.srt and transcript.vtt."""

from __future__ import annotations

from pipeline.render.view import chat_line, clock
from pipeline.types import ChatMessage, Segment, Transcript

CHAT_MARK = "(แชท)"  # a chat line of transcript.txt


def _cue_text(segment: Segment, text: str | None = None) -> str:
    text = " ".join((segment.text if text is None else text).split())
    return f"{segment.speaker}: {text}" if segment.speaker else text


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    return f"{clock(millis // 1000)}{separator}{millis % 1000:03d}"


def transcript_files(transcript: Transcript) -> dict[str, bytes]:
    """The transcript as {"transcript.txt", "transcript.srt", "transcript.vtt"} (UTF-8).

    txt: a paragraph a line, `[00:01:02] speaker: sentence sentence ...`, blank lines between (a new
    paragraph at a change of speaker or a long pause); SRT and WebVTT cues are sentences reading
    `speaker: text` (the speaker is left out when unknown). Segments without text are skipped.
    """
    from pipeline.thai import paragraphs  # pythainlp loads only when a transcript is written

    segments = [s for s in transcript.segments if s.text.strip()]
    paras = paragraphs(segments)
    txt = [f"[{clock(p[0].start)}] {_cue_text(p[0], ' '.join(s.text for s in p))}\n\n" for p in paras]
    txt = _with_chat(txt, [p[0].start for p in paras], transcript.chat)
    srt, vtt = [], ["WEBVTT\n\n"]
    for n, s in enumerate(segments, 1):
        end = max(s.end, s.start)
        text = _cue_text(s)
        srt.append(f"{n}\n{_timestamp(s.start, ',')} --> {_timestamp(end, ',')}\n{text}\n\n")
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "->")
        vtt.append(f"{_timestamp(s.start, '.')} --> {_timestamp(end, '.')}\n{escaped}\n\n")
    return {
        "transcript.txt": "".join(txt).encode("utf-8"),
        "transcript.srt": "".join(srt).encode("utf-8"),
        "transcript.vtt": "".join(vtt).encode("utf-8"),
    }


def _with_chat(lines: list[str], times: list[float], chat: list[ChatMessage]) -> list[str]:
    """transcript.txt lines with the chat's lines among them, in time order (unknown times last)."""
    if not chat:
        return lines
    timed = [(t, 0, line) for t, line in zip(times, lines, strict=True)]
    end = max(times, default=0.0)
    for m in chat:
        line = chat_line(m)
        at = m.at if m.at is not None else end
        text = " / ".join(line.lines) + (f" {line.note}" if line.note else "")
        timed.append((at, 1, f"[{clock(at) if m.at is not None else '--:--:--'}] {CHAT_MARK} {m.sender}: {text}\n\n"))
    return [line for _, _, line in sorted(timed, key=lambda x: (x[0], x[1]))]
