"""The claim check both engines share: a written claim must be made of words said in its source."""

from __future__ import annotations

from pipeline.minutes.text import PARTICLES, flatten, tokens

SUBJECT = "ที่ประชุม"  # the one word the written form may add: the resolution's subject



def _without_particles(text: str) -> str:
    """The flat form without particles, so that words on either side of a dropped particle
    compare the same in a claim and in its source ("ไหมคะ หน้า" -> "ไหมหน้า")."""
    return flatten("".join(t for t in tokens(text) if t not in PARTICLES))


def unsupported(claim_text: str, source_text: str) -> str | None:
    """Why the source does not support the claim (the first word not found, in order), or None.

    Spacing, particles and the script of digits do not count; the claim may start with the
    subject "ที่ประชุม", which the written form of a resolution adds. An empty claim is not
    supported."""
    source = _without_particles(source_text)
    words = [w for w in tokens(_without_particles(claim_text)) if w.strip()]
    if not words:
        return "ข้อความว่าง"
    pos = 0
    for i, word in enumerate(words):
        found = source.find(word, pos)
        if found < 0:
            if i == 0 and word == SUBJECT:
                continue
            return f'ไม่ได้ยินคำว่า "{word}" ในช่วงที่อ้าง' + (" ตามลำดับนี้" if word in source else "")
        pos = found + len(word)
    return None


def supported(claim_text: str, source_text: str) -> bool:
    """True when every word of the claim occurs in the source, in the same order (see `unsupported`)."""
    return unsupported(claim_text, source_text) is None

