"""Processes a snippet started: find them all, measure their memory, end them all (Linux /proc).

A snippet runs in its own process group, but a process can leave the group (a new session, a
double fork). The forked snippet process is therefore made a *child subreaper*: every orphan among
its descendants is re-parented to it instead of to init, so walking the tree of parent links from
it finds every process the snippet started, however detached.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PAGE = os.sysconf("SC_PAGE_SIZE")


def _prctl(option: int, value: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: best effort
        pass


def become_subreaper() -> None:
    """Orphaned descendants of this process are re-parented to it (and so stay findable)."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """This process is killed when the thread that started it ends (Linux)."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def namespace_pid(pid: int) -> int | None:
    """The pid that process ``pid`` has in the innermost PID namespace it lives in."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (all of its threads'), [] when it is gone."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    """Running or sleeping, not a zombie waiting to be reaped (nor gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid``, parents before their children (``pid`` itself excluded)."""
    found, frontier = [], [pid]
    while frontier:
        below = [c for p in frontier for c in children(p) if c not in found and _alive(c)]
        found.extend(below)
        frontier = below
    return found


def resident_bytes(pids: list[int]) -> int:
    """The resident memory of these processes together (pages shared between them count once each)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def private_bytes(pids: list[int]) -> int:
    """The memory these processes hold for themselves (USS: its private pages).

    Pages shared with the warm worker (torch's libraries and everything imported before the fork)
    are not counted: they are not the snippet's, and summing resident sizes counted them once per
    process (a trivial snippet showed half a gigabyte)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith(("Private_Clean:", "Private_Dirty:", "Private_Hugetlb:")):
                        total += int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
    return total


def kill_descendants(pid: int, attempts: int = 50) -> None:
    """SIGKILL everything below ``pid`` until nothing is left (new children may appear meanwhile)."""
    for _ in range(attempts):
        below = descendants(pid)
        if not below:
            return
        for child in below:
            try:
                os.kill(child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)


def kill_tree(pid: int) -> None:
    """End ``pid``, its process group and every descendant (found through the subreaper tree)."""
    try:
        os.kill(pid, signal.SIGSTOP)  # no new children while we collect them
    except (ProcessLookupError, PermissionError):
        pass
    kill_descendants(pid)
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
