"""The minutes stage: a transcript and the meeting's details -> draft minutes (รายงานการประชุม).

Engines are chosen by name from `ENGINES`, a table of modules imported only when chosen; each
has `run(transcript, meeting) -> Minutes` and `settings() -> dict` (what besides the transcript
decides its result, for the stage's cache key).

- `rules` (pipeline.minutes.rules): offline, from the transcript's own words, with the learned
  cues of pipeline.minutes.learned as a second opinion;
- `llm` (pipeline.minutes.llm): the rules' agenda, with an OpenAI-compatible model writing each item.

Both share the Thai text helpers (`text`), deadlines (`dates`), the summary (`summary`) and the
claim check (`check`): nothing an engine writes reaches the minutes unless its words were said.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pipeline.errors import choose
from pipeline.types import Meeting, Minutes, Transcript

ENGINES: dict[str, str] = {"rules": "pipeline.minutes.rules", "llm": "pipeline.minutes.llm"}


def choose_engine(name: str) -> ModuleType:
    """The engine module called `name`; MinutesError listing the engines there are otherwise."""
    return importlib.import_module(choose(ENGINES, name, "summary"))


def engine_settings(name: str) -> dict[str, str]:
    """What besides the transcript decides engine `name`'s result, for the stage's cache key."""
    return choose_engine(name).settings()


def run(transcript: Transcript, meeting: Meeting, engine: str = "rules") -> Minutes:
    """Draft minutes from a transcript: agenda items with summary, resolution and actions.

    `meeting.agenda`, when given, fixes the items; otherwise they come from the cues heard.
    The transcript is not changed. Raises MinutesError for an unknown engine name."""
    return choose_engine(engine).run(transcript, meeting)
