"""The sandbox the warm worker (and so every snippet) runs in: bubblewrap, when it can run here.

bubblewrap (``bwrap``, Debian's ``bubblewrap``, the sandbox Flatpak uses) starts the worker with:

- a read-only view of the whole file system, except the runner's own folder of runs (each
  snippet's working folder, temp folder and output live there, and the parent removes them) and a
  private ``/dev/shm`` (DataLoader workers need one); a private, empty ``/tmp``; the user's home
  hidden (the interpreter and the packages, when they live there, are bound back read-only);
- of the runs, only its own: each worker (each build, each pytest) has a folder of runs of its own,
  and the folder that holds it is hidden, wherever TMPDIR puts it, so no sandbox sees another's;
- a private network namespace: only loopback exists, so UDP, DNS, ``curl``, C++ sockets and a
  proxy on the host's loopback all fail, whatever the code (the kernel enforces it);
- a private PID namespace that dies with the worker: a snippet that kills the worker takes every
  process it started with it, and nothing outlives the build (``--die-with-parent``);
- an environment of an allow-list only (``ENVIRONMENT_ALLOWED``): no tokens, no ``SNIPPETS_*``;
- no capabilities (``--cap-drop ALL``), so even root cannot remount anything writable.

Where bwrap is missing or cannot create namespaces (some containers), :func:`unavailable` says why,
once, and the runner falls back to the guard it had before: its Python ``socket`` guard, its process
tree walk, the same allow-listed environment. ``SNIPPETS_SANDBOX=0`` forces that fallback.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

# What a snippet's environment keeps from the caller's (everything else is dropped).
ENVIRONMENT_ALLOWED = (
    "PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TERM",
    "PYTHONPATH", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_HOME", "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES", "CUBLAS_WORKSPACE_CONFIG",
)


def environment(home: Path, extra: dict[str, str]) -> dict[str, str]:
    """The worker's environment: the allow-list, a home of its own, and the runner's settings."""
    kept = {name: os.environ[name] for name in ENVIRONMENT_ALLOWED if name in os.environ}
    return {**kept, "HOME": str(home), "MPLCONFIGDIR": str(home / "matplotlib"), **extra}


@functools.cache
def unavailable() -> str | None:
    """Why the sandbox cannot run here, or None when it can (probed once per process)."""
    if os.environ.get("SNIPPETS_SANDBOX", "1") in ("0", "off", "no"):
        return "SNIPPETS_SANDBOX=0 turned it off"
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux (this is {sys.platform})"
    binary = shutil.which("bwrap")
    if binary is None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    probe = subprocess.run([binary, *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                            "--", "/bin/true" if os.path.exists("/bin/true") else sys.executable, *(
                                [] if os.path.exists("/bin/true") else ["-c", ""])],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"bwrap cannot create its namespaces here: {probe.stderr.strip() or probe.returncode}"
    return None


def _namespaces() -> list[str]:
    return ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--new-session", "--cap-drop", "ALL"]


def _readable_paths() -> list[Path]:
    """What the worker must read: the interpreter, its packages, this package (wherever they are)."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
             Path(__file__).resolve().parent.parent}
    paths.update(Path(p) for p in sys.path if p and os.path.isdir(p))
    paths.update(Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isdir(p))
    return sorted({p.resolve() for p in paths})


def command(argv: list[str], runs: Path, env: dict[str, str]) -> list[str]:
    """``argv`` wrapped in bubblewrap with exactly the environment ``env``; ``runs`` is the only
    writable host folder it sees."""
    runs = Path(runs).resolve()
    hidden = [Path(p).resolve() for p in {os.path.expanduser("~"), "/root", "/home", "/tmp", "/var/tmp"}
              if os.path.isdir(p)]
    readable = _readable_paths()
    figure_text = env.get("SNIPPETS_FIGURE_TEXT")  # bound back read-only where a hidden folder covers it
    if figure_text and os.path.isdir(figure_text):
        readable.append(Path(figure_text).resolve())
    args = ["bwrap", *_namespaces(), "--clearenv", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/dev/shm"]
    args += _hide(sorted(hidden), readable)
    if runs.parent != Path("/"):  # other workers' runs beside this one's (hidden again: a path bound back may hold it)
        args += _hide([runs.parent], readable)
    for device in sorted(glob.glob("/dev/nvidia*")) + sorted(glob.glob("/dev/dri")):  # the GPU, where there is one
        args += ["--dev-bind", device, device]
    args += ["--bind", str(runs), str(runs), "--chdir", str(runs)]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return [*args, "--", *argv]


def _hide(folders: list[Path], readable: list[Path]) -> list[str]:
    """bwrap arguments: an empty tmpfs over each folder, then what must stay readable below them bound
    back read-only (a venv in the home)."""
    args = []
    for folder in folders:
        args += ["--tmpfs", str(folder)]
    for path in sorted(set(readable)):
        if any(path.is_relative_to(folder) for folder in folders):
            args += ["--ro-bind", str(path), str(path)]
    return args
