"""The cache reruns exactly what an environment change touched, and keeps both environments."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snippet_runner.cache import Cache, runner_digest, snippet_key
from snippet_runner.results import Result


def result(distributions: dict, device: str = "cpu") -> Result:
    return Result(True, "out\n", 1.0, environment={"python": "3.11.7", "device": device, "torch": "2.14.1"},
                  distributions=distributions)


def test_a_variant_is_valid_while_every_recorded_distribution_has_its_version(tmp_path):
    installed = {"torch": "2.14.1", "numpy": "2.3.4"}
    cache = Cache(tmp_path, version_of=installed.get)
    key = snippet_key(b"print(1)", 120)
    here = {"python": "3.11.7", "device": "cpu"}
    assert cache.lookup(key, here).reason == "no result for this version of the snippet"
    cache.put(key, result({"torch": "2.14.1", "numpy": "2.3.4"}), "a.py")
    assert cache.get(key, here).output == "out\n"
    installed["scikit-learn"] = "1.7.0"  # something the snippet never imported: still a hit
    assert cache.get(key, here) is not None
    installed["torch"] = "2.15.0"
    miss = cache.lookup(key, here)
    assert miss.result is None and miss.reason == "torch 2.14.1 -> 2.15.0"
    # The run under torch 2.15 is stored beside the first; going back finds the first again.
    cache.put(key, result({"torch": "2.15.0", "numpy": "2.3.4"}), "a.py")
    assert cache.get(key, here).distributions["torch"] == "2.15.0"
    installed["torch"] = "2.14.1"
    assert cache.get(key, here).distributions["torch"] == "2.14.1"
    assert len(cache.variants(key)) == 2
    # Another device is another environment.
    assert cache.lookup(key, {"python": "3.11.7", "device": "cuda"}).reason.startswith("device cpu -> cuda")
    del installed["numpy"]
    assert "numpy 2.3.4 -> not installed" in cache.lookup(key, here).reason


def test_the_key_depends_on_the_bytes_the_name_the_time_limit_and_the_runner():
    key = functools.partial(snippet_key, runner="r1")
    assert key(b"a", 120, "x.py") == key(b"a", 120, "x.py")
    assert len({key(b"a", 120, "x.py"), key(b"b", 120, "x.py"), key(b"a", 240, "x.py"), key(b"a", 120, "y.py"),
                snippet_key(b"a", 120, "x.py", runner="r2")}) == 5


def test_a_change_to_the_runner_changes_every_key(tmp_path):
    """The runner's version in the key is a digest of its own source, not a constant bumped by hand."""
    import shutil

    import snippet_runner

    package = Path(snippet_runner.__file__).parent
    copy = tmp_path / "snippet_runner"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = runner_digest(copy)
    assert before == runner_digest(package)
    (copy / "child.py").write_text((copy / "child.py").read_text() + "\n# what child.py records changed\n")
    after = runner_digest(copy)
    assert after != before
    assert snippet_key(b"print(1)", 120, "a.py", runner=before) != snippet_key(b"print(1)", 120, "a.py", runner=after)
    (copy / "render.py").write_text("# how a result is shown is not what it is\n")
    assert runner_digest(copy) == after


def test_concurrent_puts_of_one_result_leave_one_valid_entry(tmp_path):
    """Two processes (the two shards of CI, a build beside the tests) store the same result at once."""
    import threading

    key = snippet_key(b"print(1)", 120, "a.py", runner="r")
    here = {"python": "3.11.7", "device": "cpu"}
    from snippet_runner import figures

    figure = tmp_path / "figure-1.png"
    figure.write_bytes(b"\x89PNG real")
    (tmp_path / "figure-1.zh.png").write_bytes(b"\x89PNG its Chinese twin")
    figures.write_record(tmp_path, [{"texts": {}, "tofu": [], "font": True}])  # a figure without text to translate
    errors = []

    def put():
        try:
            for _ in range(20):
                Cache(tmp_path / "cache", version_of={"torch": "2.14.1"}.get).put(
                    key, Result(True, "out\n", 1.0, [figure], environment={**here}, distributions={"torch": "2.14.1"}),
                    "a.py")
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cache = Cache(tmp_path / "cache", version_of={"torch": "2.14.1"}.get)
    assert len(cache.variants(key)) == 1
    found = cache.get(key, here)
    assert found is not None and found.figures[0].read_bytes() == b"\x89PNG real"
    assert [p.name for p in (tmp_path / "cache" / key).iterdir()] == [cache.variants(key)[0].name]  # no staging left


SCRIPT = """
import sys
from pathlib import Path
from snippet_runner import Block, Session
root = Path(sys.argv[1])
blocks = [Block("p.md", i, i + 2, "", "", name, root / name) for i, name in enumerate(["uses.py", "plain.py", "locates.py"])]
session = Session(root / "cache", device="cpu")
outcomes = session.run(blocks)
assert all(o.status == "ok" for o in outcomes.values()), [o.result.output for o in outcomes.values()]
print(session.stats.executed, outcomes[blocks[0]].result.distributions.get("benchdep"),
      "benchdep" in outcomes[blocks[1]].result.distributions, outcomes[blocks[2]].result.distributions.get("benchdep"))
session.close()
"""


def fake_distribution(folder: Path, name: str, version: str, module: str | None = None) -> None:
    for old in folder.glob(f"{name}-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if module:
        (info / "top_level.txt").write_text(module + "\n")


@pytest.mark.slow
def test_reruns_are_exactly_the_snippets_that_import_a_changed_package(tmp_path):
    packages = tmp_path / "packages"
    (packages / "benchdep").mkdir(parents=True)
    (packages / "benchdep" / "__init__.py").write_text("VALUE = 41\n")
    fake_distribution(packages, "benchdep", "1.0", "benchdep")
    (tmp_path / "uses.py").write_text("# uses the package\nimport benchdep\nprint(benchdep.VALUE + 1)\n")
    (tmp_path / "plain.py").write_text("# uses torch only\nimport torch\nprint(torch.ones(1).item())\n")
    (packages / "benchdep" / "data.txt").write_text("shipped data\n")
    (tmp_path / "locates.py").write_text(  # reads a data file inside the package without importing it
        "# reads the package's data\nimport importlib.util\nfrom pathlib import Path\n"
        "print((Path(importlib.util.find_spec('benchdep').origin).parent / 'data.txt').read_text())\n")
    (tmp_path / "run.py").write_text(textwrap.dedent(SCRIPT))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(packages), str(Path(__file__).parent.parent)])}

    def build() -> str:
        done = subprocess.run([sys.executable, str(tmp_path / "run.py"), str(tmp_path)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    assert build() == "3 1.0 False 1.0"  # cold: all run; the two that use the package record it
    assert build() == "0 1.0 False 1.0"  # warm
    fake_distribution(packages, "unrelated-tool", "3.0", "unrelated_tool")
    assert build() == "0 1.0 False 1.0"  # an install no snippet imports reruns nothing
    fake_distribution(packages, "benchdep", "2.0", "benchdep")
    assert build() == "2 2.0 False 2.0"  # exactly the snippets that import or locate it
    fake_distribution(packages, "benchdep", "1.0", "benchdep")
    assert build() == "0 1.0 False 1.0"  # both environments' results are kept side by side
    entry = next((tmp_path / "cache").glob("*/*/entry.json"))
    assert json.loads(entry.read_text())["environment"]["device"] == "cpu"
