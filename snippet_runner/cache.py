"""On-disk cache of snippet results, so a snippet that did not change is not run again.

An entry is keyed by the snippet's bytes, the runner's version and the environment it ran in
(Python, torch, torchvision, device, and a digest of every installed package). Each entry is a
folder holding ``entry.json`` (the result, the versions and device it ran with, its run time,
and a SHA-256 of every figure) and the figures. Entries are written into a temporary folder and
renamed into place, so a reader never sees half an entry; one that fails validation anyway (a
truncated file, a figure changed on disk) counts as a miss and is run again. Only successful
runs are cached: a failing snippet runs again every time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

from .execute import Result

RUNNER_VERSION = "3"
SCHEMA = 1


def packages_digest() -> str:
    """A short digest of every installed distribution and its version.

    A set: the same distribution can be seen twice (an editable install's metadata in the project
    folder is on sys.path under pytest but not under mkdocs), and both must get the same key.
    """
    names = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()
                    if d.metadata["Name"]})
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def snippet_key(source: bytes, environment: dict, packages: str, timeout: float) -> str:
    material = json.dumps({"runner": RUNNER_VERSION, "environment": environment, "packages": packages,
                           "timeout": timeout}, sort_keys=True).encode()
    return hashlib.sha256(hashlib.sha256(source).digest() + material).hexdigest()[:32]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, key: str) -> Path:
        return self.root / key

    def get(self, key: str) -> Result | None:
        """The cached result, or None when there is none or it does not validate."""
        folder = self.folder(key)
        try:
            entry = json.loads((folder / "entry.json").read_text())
            if entry.get("schema") != SCHEMA or entry.get("key") != key:
                return None
            for name, digest in entry["figure_sha256"].items():
                if _sha256(folder / name) != digest:
                    return None
            return Result.from_json(entry["result"], folder)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, result: Result, source_name: str) -> Result:
        """Store a successful result (figures are copied in); returns it as read from the cache."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.root))
        try:
            for figure in result.figures:
                shutil.copyfile(figure, staging / figure.name)
            entry = {
                "schema": SCHEMA,
                "key": key,
                "snippet": source_name,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "result": result.to_json(),
                "figure_sha256": {f.name: _sha256(staging / f.name) for f in result.figures},
            }
            (staging / "entry.json").write_text(json.dumps(entry, indent=1))
            final = self.folder(key)
            if final.exists():  # a stale or invalid entry: replace it
                shutil.rmtree(final, ignore_errors=True)
            try:
                staging.rename(final)
            except OSError:  # another process stored the same entry meanwhile: keep theirs
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.get(key)
