"""Project-level promises: the README's two commands, and CI running the README's test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    return [line.strip() for line in lines if line.startswith("    ") and line.strip()]


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    demo, tests = _readme_commands()[:2]
    assert "pip install" in demo and demo.endswith("minutes run recordings/sample")
    assert "pip install" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci
