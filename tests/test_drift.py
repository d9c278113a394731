"""The drift report: run everything fresh, compare with the results recorded in another environment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.test_build import build, make_site

pytestmark = pytest.mark.slow  # every test here runs snippets or builds a site (pytest -m 'not slow' leaves them out)

PAGE = """
    # Lesson

    ```python
    --8<-- "steady.py"
    ```

    ```python
    --8<-- "moves.py"
    ```

    ```python
    --8<-- "breaks.py"
    ```
"""
SNIPPETS = {
    "steady.py": "# the same everywhere, except its timing line\nimport time\nprint('42')\n"
                 "print(f'took {time.perf_counter()} s (measured)')\n",
    "moves.py": "# depends on the environment\nimport library\nprint(library.VERSION)\n",
    "breaks.py": "# fails in the new environment\nimport library\nassert library.VERSION == 1\n",
}


def library(folder, version: int) -> str:
    """A folder for PYTHONPATH with a module ``library`` of this version (snippets see PYTHONPATH)."""
    folder.mkdir()
    (folder / "library.py").write_text(f"VERSION = {version}\n")
    return str(folder)


def test_drift_names_what_fails_what_changed_and_what_did_not(tmp_path, monkeypatch):
    site = make_site(tmp_path, PAGE, SNIPPETS)
    monkeypatch.setenv("PYTHONPATH", library(tmp_path / "v1", 1))
    assert build(site, "--strict").returncode == 0  # the recorded environment
    env = {**os.environ, "PYTHONPATH": library(tmp_path / "v2", 2), "SNIPPETS_CACHE_DIR": str(site / "cache"),
           "SNIPPETS_DEVICE": "cpu"}
    done = subprocess.run([sys.executable, "-m", "snippet_runner", "drift", "--device", "cpu", "--report",
                           str(tmp_path / "drift.md"), "--strict"], cwd=site, env=env, capture_output=True, text=True,
                          timeout=300)
    report = (tmp_path / "drift.md").read_text()
    assert done.returncode == 1, done.stderr[-2000:]
    assert report.startswith("# Drift report: 3 snippets, 1 fails now, 1 changed, 1 unchanged, 0 no record")
    assert "## moves.py: changed" in report and "    -1" in report and "    +2" in report
    assert "## breaks.py: fails now" in report and "AssertionError" in report
    assert "steady.py" not in report  # its timing line differs, and is ignored
