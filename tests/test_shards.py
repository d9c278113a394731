"""Sharding: n machines run disjoint parts of the snippets; merged caches give a fully warm build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from snippet_runner import shards
from tests.test_build import add_test_harness, build, make_site


def test_shards_are_balanced_deterministic_and_cover_everything():
    seconds = {"a.py": 30.0, "b.py": 20.0, "c.py": 10.0, "d.py": 10.0, "e.py": None, "f.py": 1.0}
    split = shards.assign(seconds, 2)
    assert split == shards.assign(dict(reversed(list(seconds.items()))), 2)  # order of discovery is irrelevant
    assert sorted(n for shard in split for n in shard) == sorted(seconds)  # each once
    loads = [sum(seconds[n] or shards.UNKNOWN_S for n in shard) for shard in split]
    assert max(loads) - min(loads) <= 10.0, (split, loads)
    assert shards.assign(seconds, 1) == [sorted(seconds)] and len(shards.assign({}, 3)) == 3


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", ""])
def test_bad_shards_are_refused(text):
    with pytest.raises(ValueError):
        shards.parse(text)


@pytest.mark.slow
def test_two_shards_run_every_snippet_once_and_their_caches_merge_into_a_warm_build(tmp_path):
    names = [f"s{i}.py" for i in range(5)]
    page = "# Lesson\n\n" + "\n\n".join(f'```python\n--8<-- "{n}"\n```' for n in names) + "\n"
    site = add_test_harness(make_site(tmp_path, page, {n: f"# prints\nprint({i})\n" for i, n in enumerate(names)}))
    ran = []
    for number in (1, 2):
        env = {**os.environ, "SNIPPETS_CACHE_DIR": str(site / f"cache-{number}"), "NO_MKDOCS_2_WARNING": "1"}
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "--shard",
                               f"{number}/2", "--device", "cpu", "tests"], cwd=site, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:]
        ran.append(re.findall(r'test_snippet_runs\[index\.md:\d+:(s\d\.py)\] PASSED', done.stdout))
    assert ran[0] and ran[1] and not set(ran[0]) & set(ran[1]), ran
    assert sorted(ran[0] + ran[1]) == names
    for number in (1, 2):  # entries are content-addressed: merging is copying
        shutil.copytree(site / f"cache-{number}", site / "cache", dirs_exist_ok=True)
    merged = build(site, "--strict")
    assert merged.returncode == 0 and "0 executed" in merged.stderr and "5 from the cache" in merged.stderr
