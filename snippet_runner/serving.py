"""``mkdocs serve`` as an author meets it, measured: a server on a free loopback port, and the time
until a page is served, or until it shows what an edit changed (the benchmark and the tests).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _interruptible() -> None:
    """Ctrl-C (SIGINT) stops the server, even when this process was started with it ignored (a
    background job of a shell): the stop below relies on it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def mount_path(config_file: Path) -> str:
    """Where mkdocs serve puts the site: the path of its site_url ("/" when it has none)."""
    from urllib.parse import urlsplit

    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as handle:
        url = (yaml_load(handle) or {}).get("site_url") or "/"
    return "/" + urlsplit(url).path.strip("/") + "/" if urlsplit(url).path.strip("/") else "/"


class Served:
    """``mkdocs serve`` of the site in ``root`` (its own process), stopped with Ctrl-C on exit."""

    def __init__(self, root: Path, env: dict | None = None, args: tuple[str, ...] = ()) -> None:
        self.root = Path(root)
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
        self.args = args
        self.port = free_port()
        self.mount = mount_path(self.root / "mkdocs.yml")
        self.started = 0.0
        self.process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()

    def __enter__(self) -> Served:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}", *self.args],
            cwd=self.root, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_interruptible)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as Ctrl-C: the plugin stops its snippets
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def get(self, path: str = "") -> str | None:
        """The page at ``path`` (relative to the site), or None while the server does not answer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{self.mount}{path}", timeout=120) as response:
                return response.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def settled(self, quiet: float = 2.0, timeout: float = 120) -> None:
        """Wait until no rebuild is under way or asked for: each "Detected file changes" the server logged
        has its "Reloading browsers" (or its error), and the log has not grown for ``quiet`` s (longer
        than the server's file observer takes to notice a change: it polls every 0.5 s)."""
        deadline = time.perf_counter() + timeout
        last, since = None, time.perf_counter()
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve ended (exit code {self.process.returncode}):\n{self.log()[-3000:]}")
            text = self.log()
            if text != last:
                last, since = text, time.perf_counter()
            elif time.perf_counter() - since >= quiet and text.count("Detected file changes") == (
                    text.count("Reloading browsers") + text.count("An error happened during the rebuild")):
                return
            time.sleep(0.1)
        raise TimeoutError(f"mkdocs serve did not settle within {timeout:g} s:\n{(last or '')[-3000:]}")

    def wait_for(self, path: str = "", contains: str | None = None, timeout: float = 600,
                 since: float | None = None) -> float:
        """Seconds from ``since`` (default: the server's start) until ``path`` is served, containing
        ``contains`` when given. Raises TimeoutError (with the server's log) when it is not."""
        since = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve ended (exit code {self.process.returncode}):\n{self.log()[-3000:]}")
            page = self.get(path)
            if page is not None and (contains is None or contains in page):
                return time.perf_counter() - since
            time.sleep(0.05)
        raise TimeoutError(f"{path or '/'} did not show {contains!r} within {timeout:g} s:\n{self.log()[-3000:]}")
