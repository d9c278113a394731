"""Run a session's cache misses in the background, so a development server can serve pages at once.

``mkdocs serve`` shows a page before its snippets have run: their outputs are marked pending, the
snippets run here (``jobs`` at a time, through the same :class:`~snippet_runner.Session`: same
worker, sandbox and cache), and ``notify`` is called with each result's cache key as it arrives (None:
the environment became known) so the server rebuilds and reloads. A result is kept by its cache key
for the life of this object, failures included (they are not cached on disk), so a rebuild never runs
the same bytes twice. A probe of the environment that fails (a worker that cannot start, ``--device
cuda`` without a GPU, a probe timed out on a loaded machine) is logged once, asks for no rebuild
(nothing would change), and is tried again when a later rebuild asks. ``mkdocs build`` and the tests
never come here: they wait for every snippet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from .collect import Block
from .results import Failure, Outcome, Result

log = logging.getLogger("mkdocs.plugins.snippet_outputs")


class Background:
    def __init__(self, session, notify: Callable[[str | None], None], jobs: int) -> None:
        self.session = session
        self.notify = notify
        self._done: dict[str, Outcome] = {}  # cache key -> what running it gave
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._started = threading.Event()  # runs wait for it: the server's first build goes first
        self._closed = False
        self._waiting_for_probe = False
        self._pool = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="snippets")
        self._futures: set = set()
        self._futures_by_key: dict = {}
        # The environment (device, versions) decides what runs and which cached result is valid. It is
        # remembered beside the cache; where it is not (a fresh clone), probing it starts the warm worker
        # (seconds): that happens here, while the pages are collected.
        self._probe_error: BaseException | None = None
        self._probe = self._start_probe()

    def _start_probe(self) -> threading.Thread:
        probe = threading.Thread(target=self._probe_environment, name="snippets-probe", daemon=True)
        probe.start()
        return probe

    def _probe_environment(self) -> None:
        try:
            self.session.environment  # noqa: B018 - probes once (or reads the remembered answer)
        except BaseException as error:  # noqa: BLE001 - the server keeps serving; the author reads why
            self._probe_error = error
            if not self._closed:
                log.error(f"snippets cannot run: probing their environment failed: {error} (their outputs stay "
                          "pending; the next rebuild probes again)")

    def environment_known(self, wait: float = 0.5) -> bool:
        """Whether the environment is known (waiting up to ``wait`` s): until then nothing can be looked up."""
        self._probe.join(wait)
        return not self._probe.is_alive() and self._probe_error is None

    def outcome(self, key: str) -> Outcome | None:
        """What running the snippet with this key gave in the background, or None (not run yet)."""
        return self._done.get(key)

    def wait(self, keys: list[str], timeout: float) -> None:
        """Wait up to ``timeout`` s for these runs (only once the runs may start)."""
        if not self._started.is_set():
            return
        with self._lock:
            futures = [self._futures_by_key[k] for k in keys if k in self._futures_by_key]
        if futures:
            wait(futures, timeout=timeout)

    def want(self, waiting: dict[str, list[Block]]) -> None:
        """Run these snippets (cache key -> the blocks showing it), each at most once."""
        with self._lock:
            for key, blocks in waiting.items():
                if key in self._done or key in self._queued or self._closed:
                    continue
                self._queued.add(key)
                future = self._pool.submit(self._run, key, list(blocks))
                self._futures.add(future)
                self._futures_by_key[key] = future
                future.add_done_callback(self._futures.discard)

    def rebuild_when_known(self) -> None:
        """Call ``notify`` once the environment is known (and the runs may start). A probe that failed
        is started again here, and its failure calls nothing: a rebuild would find the environment
        unknown again and ask again, a rebuild (and a reload of every browser) after another."""
        with self._lock:
            if self._waiting_for_probe or self._closed:
                return
            self._waiting_for_probe = True
            if self._probe_error is not None and not self._probe.is_alive():
                self._probe_error = None
                self._probe = self._start_probe()
            probe = self._probe

        def later() -> None:
            probe.join()
            self._started.wait()
            with self._lock:  # (no later probe starts before this: it waits for the flag)
                self._waiting_for_probe = False
                known = self._probe_error is None
            if known and not self._closed:
                self.notify(None)

        threading.Thread(target=later, name="snippets-probe-wait", daemon=True).start()

    def start(self) -> None:
        """Let the runs begin (after the server's first build), and start the warm worker now, so an
        edited snippet does not wait for it."""
        if self._started.is_set():
            return
        self._started.set()

        def warm() -> None:
            self._probe.join()
            if self._probe_error is None and not self._closed:
                self.session.runner.warm_up()

        threading.Thread(target=warm, name="snippets-warm-up", daemon=True).start()

    def _run(self, key: str, blocks: list[Block]) -> None:
        self._started.wait()
        self._probe.join()
        if self._closed:
            return
        try:
            if self._probe_error is not None:
                raise self._probe_error
            outcome = self.session.run(blocks)[blocks[0]]
        except BaseException as error:  # noqa: BLE001 - a page shows it; the server keeps serving
            log.error(f"snippet {blocks[0].include} could not run: {error}")
            outcome = Outcome("failed", Result(False, "", 0.0, [], Failure("worker", f"could not run: {error}")))
        with self._lock:
            self._queued.discard(key)
            self._futures_by_key.pop(key, None)
            if self._closed:
                return
            self._done[key] = outcome
        self.notify(key)  # after the outcome is stored: whoever is told finds it

    def close(self) -> None:
        """Stop: queued runs are dropped, running snippets are killed."""
        with self._lock:
            self._closed = True
        self._started.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        while any(not f.done() for f in list(self._futures)):  # a run that was starting clears a cancel
            self.session.runner.cancel()
            wait(list(self._futures), timeout=0.2)
        self._pool.shutdown(wait=True)
