"""Windows hazards, played on any system: a file Windows keeps open or read-only, device names.

(Recording ids that are device names or too long: tests/test_discover.py.)
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from pipeline import runner, transcribe
from pipeline.store import remove_tree

IN_USE = "The process cannot access the file because it is being used by another process"


def _windows_unlink(monkeypatch: pytest.MonkeyPatch, open_in_word: set[str]) -> None:
    """os.unlink as Windows does it: a file another program holds open, or a read-only one, stays."""
    real = os.unlink

    def unlink(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        name = os.path.basename(os.fspath(path))
        dir_fd = kwargs.get("dir_fd")
        mode = os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode
        if name in open_in_word or not mode & stat.S_IWRITE:
            raise PermissionError(13, IN_USE if name in open_in_word else "Access is denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)


def test_a_folder_removed_reports_what_it_could_not_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ประชุม ครั้งที่ 1"
    (folder / "stages").mkdir(parents=True)
    (folder / "stages" / "audio.wav").write_bytes(b"RIFF")
    (folder / "minutes.docx").write_bytes(b"PK")
    (folder / "อ่านอย่างเดียว.txt").write_text("ร่าง", encoding="utf-8")
    (folder / "อ่านอย่างเดียว.txt").chmod(0o444)  # Windows refuses to delete it: made writable and removed
    _windows_unlink(monkeypatch, {"minutes.docx"})
    assert remove_tree(folder) == [f"{folder / 'minutes.docx'}: {IN_USE}"]  # not the folder that holds it
    assert sorted(p.name for p in folder.rglob("*")) == ["minutes.docx"]
    monkeypatch.undo()  # Word closed
    assert remove_tree(folder) == [] and not folder.exists()
    assert remove_tree(folder) == []  # nothing there: nothing left


def test_a_failed_first_run_names_what_it_could_not_clear(
    tone_m4a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fake_engine
) -> None:  # noqa: ANN001
    class Crashing(fake_engine):
        def transcribe(self, samples, duration, progress):  # noqa: ANN001, ANN202
            raise RuntimeError("engine crashed")

    monkeypatch.setitem(transcribe.ENGINES, "faster-whisper", Crashing)
    out = tmp_path / "out"
    _windows_unlink(monkeypatch, {"audio.wav"})  # the decoded audio, held open by an antivirus scan
    with caplog.at_level(logging.WARNING, logger="minutes"), pytest.raises(RuntimeError, match="engine crashed"):
        runner.run(tone_m4a, runner.Options(out=out, pdf=False))
    left = [p for p in (out / "tone").rglob("*") if p.is_file()]
    assert [p.name for p in left] == ["audio.wav"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"could not remove {left[0]}: {IN_USE}; delete it by hand" in warnings
