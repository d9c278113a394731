"""On-disk cache of snippet results, keyed on what each snippet actually used.

Two levels. A snippet's *key* is a digest of its bytes, its time limit and the runner's version.
Under it sit *variants*, one per environment the snippet ran in, each recording the Python
version, the device, the course policy it ran under (``results.Policy.digest``: the site's checks
and stamp) and every installed distribution the snippet imported (with everything those
pulled in) with its version: ``{"torch": "2.14.1", "numpy": "2.3.4", "snownlp": "0.12.3"}``. A
lookup is a hit when a variant's Python, device and course policy are the current ones and every
recorded distribution still has the recorded version. So installing or upgrading a package no snippet
imports reruns nothing, upgrading torch reruns exactly the snippets that import it, and switching
back and forth between two environments (two torch versions, CPU and CUDA) finds both results.

Each variant is a folder holding ``entry.json`` (the result, the environment, its run time, a
SHA-256 of every figure) and the figures. Variants are written into a temporary folder and renamed
into place, so a reader never sees half an entry; one that fails validation anyway (a truncated
file, a figure changed on disk) counts as a miss. Only successful runs are cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import figures
from .results import Result

SCHEMA = 2

# The runner's own files whose changes can change a result (what runs, what is recorded): their
# digest is part of every key, so no change to them can leave results made by older code in use.
# (What a site's course adds to a run, its checks and stamp, is not here: the course policy's digest
# is recorded with each variant and checked on lookup.)
RESULT_SOURCES = ("cache.py", "child.py", "worker.py", "runner.py", "sandbox.py", "importlog.py", "netguard.py",
                  "figures.py", "processes.py", "results.py", "_preload.py", "_subprocess_guard/sitecustomize.py")


def runner_digest(folder: Path | None = None) -> str:
    """A digest of the runner's own source (``RESULT_SOURCES``), of this package or of a copy in ``folder``."""
    return _digest(Path(folder)) if folder is not None else _this_runner()


@functools.cache
def _this_runner() -> str:
    return _digest(Path(__file__).parent)


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in RESULT_SOURCES:
        digest.update(name.encode() + b"\0")
        try:
            digest.update((folder / name).read_bytes())
        except FileNotFoundError:
            digest.update(b"<missing>")
    return digest.hexdigest()[:16]


def snippet_key(source: bytes, timeout: float, name: str = "", runner: str | None = None) -> str:
    """The key of a result: the exact bytes that ran, the file's name, its time limit, the runner."""
    material = json.dumps({"runner": runner or runner_digest(), "timeout": timeout, "name": name},
                          sort_keys=True).encode()
    return hashlib.sha256(hashlib.sha256(source).digest() + material).hexdigest()[:32]


def _normalize(name: str) -> str:
    """A distribution's canonical name (PEP 503): "Scikit_Learn" -> "scikit-learn"."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def module_distributions() -> dict[str, tuple[str, ...]]:
    """Top-level module name -> the installed distributions that provide it (the one map)."""
    return {top: tuple(sorted({_normalize(d) for d in dists}))
            for top, dists in metadata.packages_distributions().items()}


def used_distributions(names: set[str], requested: dict[str, list[str]], version_of=None) -> dict[str, str]:
    """The installed distributions behind these top-level module names, with their versions.

    ``requested``: for each package the worker imported in advance, what its own import asked
    for (a snippet that imports torch uses all of that, as in a fresh interpreter)."""
    version_of = version_of or installed_version
    names = set(names)
    frontier = list(names)
    while frontier:
        for dependency in requested.get(frontier.pop(), ()):
            if dependency not in names:
                names.add(dependency)
                frontier.append(dependency)
    found = {}
    for name in names:
        for distribution in module_distributions().get(name, ()):
            version = version_of(distribution)
            if version is not None:
                found[distribution] = version
    return dict(sorted(found.items()))


@functools.cache
def installed_version(distribution: str) -> str | None:
    """The version of an installed distribution (the first on sys.path, as imports see it), or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def packages_digest() -> str:
    """A short digest of every installed distribution and its version (for the environment probe)."""
    names = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()
                    if d.metadata["Name"]})
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


@dataclass
class Lookup:
    """The answer to "is there a valid result for this snippet here?", with the reason when not."""

    result: Result | None
    reason: str = ""  # "no result for this version of the snippet", "torch 2.14.1 -> 2.15.0", ...


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mismatches(entry: dict, environment: dict, version_of) -> list[str]:
    recorded = entry["environment"]
    problems = [f"{what} {recorded.get(what) or 'none'} -> {environment.get(what) or 'none'}"
                for what in ("python", "device", "course") if (recorded.get(what) or "") != (environment.get(what) or "")]
    for distribution, version in sorted(entry["result"].get("distributions", {}).items()):
        now = version_of(distribution)
        if now != version:
            problems.append(f"{distribution} {version} -> {now or 'not installed'}")
    return problems


class Cache:
    def __init__(self, root: Path, version_of=installed_version) -> None:
        self.root = Path(root)
        self._version_of = version_of

    def variants(self, key: str) -> list[Path]:
        """The stored variants of a snippet, newest first."""
        folder = self.root / key
        found = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")] if folder.is_dir() else []
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def lookup(self, key: str, environment: dict) -> Lookup:
        """The valid result for this snippet in this environment, or why there is none."""
        reasons = []
        for variant in self.variants(key):
            entry = self._read(key, variant)
            if entry is None:
                continue
            problems = _mismatches(entry, environment, self._version_of)
            if not problems:
                result = Result.from_json(entry["result"], variant)
                problems = figures.translation_changes(result.figures)  # its Chinese figures' text still current?
                if not problems:
                    return Lookup(result)
            reasons.append(", ".join(problems))
        if not reasons:
            return Lookup(None, "no result for this version of the snippet")
        return Lookup(None, min(reasons, key=len))  # the closest environment's differences

    def newest(self, key: str) -> Result | None:
        """The most recent valid result stored for this snippet, in whatever environment (drift's record)."""
        for variant in self.variants(key):
            entry = self._read(key, variant)
            if entry is not None:
                return Result.from_json(entry["result"], variant)
        return None

    def figure_uri(self, figure: Path) -> str:
        """A stored figure's path inside the cache (``key/variant/figure-1.png``): where a site serves it."""
        return Path(figure).relative_to(self.root).as_posix()

    def get(self, key: str, environment: dict) -> Result | None:
        return self.lookup(key, environment).result

    @staticmethod
    def _read(key: str, variant: Path) -> dict | None:
        try:
            entry = json.loads((variant / "entry.json").read_text())
            if entry.get("schema") != SCHEMA or entry.get("key") != key:
                return None
            for name, digest in entry["figure_sha256"].items():
                if _sha256(variant / name) != digest:
                    return None
            return entry
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, result: Result, source_name: str) -> Result:
        """Store a successful result (figures are copied in); returns it as read from the cache."""
        environment = {what: result.environment.get(what) for what in ("python", "device", "course")}
        variant_id = hashlib.sha256(json.dumps([environment, result.distributions], sort_keys=True)
                                    .encode()).hexdigest()[:16]
        folder = self.root / key
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{variant_id}-", dir=folder))
        try:
            for figure in result.figures + figures.companions(result.figures):  # with the Chinese twins
                shutil.copyfile(figure, staging / figure.name)
            entry = {
                "schema": SCHEMA,
                "key": key,
                "snippet": source_name,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "environment": environment,
                "result": result.to_json(),
                "figure_sha256": {f.name: _sha256(staging / f.name) for f in result.figures + figures.companions(result.figures)},
            }
            (staging / "entry.json").write_text(json.dumps(entry, indent=1))
            final = folder / variant_id
            if final.exists():  # a stale or invalid entry: replace it
                shutil.rmtree(final, ignore_errors=True)
            try:
                staging.rename(final)
            except OSError:  # another process stored the same entry meanwhile: keep theirs
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return Result.from_json(entry["result"], final)
