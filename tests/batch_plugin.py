"""Test-only plugin (MINUTES_PLUGINS=tests.batch_plugin): the fake transcription engine in every process.

Worker processes (`--jobs N`, Ray tasks, a `minutes batch` subprocess) never see pytest's
monkeypatches; they do see the environment, and `batch.load_plugins` imports this module in each
of them, so the fake engine is registered through the same seam the `fake_engine` fixture uses.
A test that sets MINUTES_PLUGINS also uses `fake_engine`, whose teardown restores the real engine
in the pytest process itself.

- MINUTES_FAKE_DELAY=SECONDS: each transcription takes that long, as real ones take minutes
  (the kill tests need a stage that is still running when they kill).
- MINUTES_FAKE_CRASH_ONCE=PATH: the first transcription anywhere kills its own process (os._exit),
  as a native crash would; PATH records that it happened, so the retry goes through.
"""

from __future__ import annotations

import os
import time

from pipeline import transcribe
from tests.conftest import FakeEngine


class PluginEngine(FakeEngine):
    def transcribe(self, samples, duration, progress):  # noqa: ANN001, ANN201
        marker = os.environ.get("MINUTES_FAKE_CRASH_ONCE")
        if marker:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass
            else:
                os._exit(3)
        delay = float(os.environ.get("MINUTES_FAKE_DELAY", "0"))
        if delay:
            if progress:
                progress(duration / 2, duration)
            time.sleep(delay)
        return super().transcribe(samples, duration, progress)


transcribe.ENGINES["faster-whisper"] = PluginEngine
transcribe.model_identity = lambda name: f"fake:{name}"
