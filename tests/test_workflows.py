"""The GitHub workflows lint clean and run what README.md and .ci/run run; the pinned environment."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def readme_commands() -> tuple[str, str]:
    setup, test = re.findall(r"```bash\n(.+?)\n```", README)[:2]
    return setup.removesuffix(" && .venv/bin/mkdocs serve"), test


def runs(workflow: Path) -> list[str]:
    return [line.split("run:", 1)[1].strip() for line in workflow.read_text().splitlines()
            if line.strip().startswith(("run:", "- run:"))]


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(actionlint).exists():
        pytest.fail("actionlint is not installed (it comes with the test extras: pip install -e '.[test]')")
    done = subprocess.run([actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_workflow_runs_the_readme_and_ci_commands():
    setup, test = readme_commands()
    commands = runs(ROOT / ".github" / "workflows" / "ci.yml")
    assert commands.count(setup) >= 2, f"every job sets up exactly as the README does: {setup}"
    tests = [c for c in commands if c.startswith(".venv/bin/python -m pytest")]
    assert tests and all(c.startswith(test) for c in tests)
    for step in (".venv/bin/mkdocs build --strict", ".venv/bin/python -m snippet_runner.reader"):
        assert step in commands and step in CI.splitlines(), step


def test_the_pinned_environment_is_used_everywhere_and_agrees_with_pyproject_and_readme():
    lock = (ROOT / "requirements.lock").read_text()
    pins = dict(re.findall(r"^([a-z0-9_.-]+)==(\S+)", lock, flags=re.M))
    project = (ROOT / "pyproject.toml").read_text()
    for name in ("torch", "torchvision"):
        assert f'"{name}=={pins[name]}"' in project, f"{name}: the lock and pyproject.toml disagree"
        assert f"{name} {pins[name]}" in README, f"README does not name the pinned {name} {pins[name]}"
    setup, _ = readme_commands()
    assert "-c requirements.lock" in setup and "install -q -c requirements.lock -e '.[test]'" in CI
    from importlib import metadata

    assert metadata.version("torch").split("+")[0] == pins["torch"], "this environment is not the pinned one"


def test_the_stamp_names_the_pinned_torch(snippet_session):
    pins = dict(re.findall(r"^([a-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), flags=re.M))
    assert "torch" in snippet_session.policy.stamp  # site_hooks/course.py: STAMP
    stamped = snippet_session.runner.stamp_versions()  # what every result records, and the stamp shows
    assert stamped["torch"] == pins["torch"], stamped


def test_the_reader_shards_cover_every_snippet_and_the_build_job_checks_it():
    """The reader's run is split over machines (``--shard i/N`` for every i); the build job waits for them,
    takes their recorded passes and runs the reader's run once more, which runs whatever no shard covered."""
    import yaml

    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    reader = jobs["reader"]
    (command,) = [s["run"] for s in reader["steps"] if "snippet_runner.reader" in s.get("run", "")]
    count = int(re.search(r'--shard "\$\{\{ matrix.shard \}\}/(\d+)"', command)[1])
    assert reader["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
    assert any(s.get("with", {}).get("path") == ".cache/snippets/reader" for s in reader["steps"]), "passes not kept"
    build = jobs["build"]
    assert "reader" in build["needs"]
    steps = build["steps"]
    merged = next(i for i, s in enumerate(steps) if s.get("with", {}).get("pattern") == "reader-passes-*")
    check = next(i for i, s in enumerate(steps) if s.get("run") == ".venv/bin/python -m snippet_runner.reader")
    assert steps[merged]["with"]["path"] == ".cache/snippets/reader" and merged < check
    assert "build" in jobs["deploy"]["needs"], "deploying waits for the reader's run"


def test_ci_run_calls_the_readme_test_command_then_the_strict_build_then_the_readers_run():
    _, test = readme_commands()
    lines = [line.strip() for line in CI.splitlines()]
    order = [lines.index(step) for step in (test, ".venv/bin/mkdocs build --strict",
                                             ".venv/bin/python -m snippet_runner.reader")]
    assert order == sorted(order), order
    assert "set -euo pipefail" in lines  # a failing step fails the run
