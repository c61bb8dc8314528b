"""`--executor ray` on a local Ray instance: the same outputs and catalogue as the local executor.

Ray's worker processes are not this one: the fake engine reaches them as a plugin (MINUTES_PLUGINS,
tests/batch_plugin.py), which a Ray started by the batch inherits with the environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import batch, runner
from pipeline.cli import app
from tests import batch_archive
from tests.batch_archive import GOOD
from tests.conftest import ROOT

cli = CliRunner()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_archive.build(tmp_path_factory.mktemp("ray") / "คลัง บันทึก")


def test_ray_executor_gives_the_same_outputs_as_local(archive: Path, tmp_path: Path, monkeypatch, fake_engine) -> None:  # noqa: ANN001
    local = batch.run(archive, runner.Options(out=tmp_path / "local"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv(batch.PLUGINS_ENV, "tests.batch_plugin")
    args = ["batch", str(archive), "--out", str(tmp_path / "ray"), "--executor", "ray", "--jobs", "2"]
    result = cli.invoke(app, args)
    assert result.exit_code == 1, result.output  # the broken files fail there too
    report = json.loads((tmp_path / "ray" / batch.REPORT_FILE).read_text(encoding="utf-8"))
    assert report["executor"] == "ray" and report["counts"]["done"] == len(GOOD)
    assert [(e["source"], e["status"], e["error"]) for e in report["entries"]] == [
        (e.source, e.status, e.error) for e in local.entries
    ]
    assert batch_archive.outputs(tmp_path / "ray") == batch_archive.outputs(tmp_path / "local")
    assert batch_archive.catalogue(tmp_path / "ray") == batch_archive.catalogue(tmp_path / "local")
