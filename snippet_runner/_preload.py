"""What the warm worker (the fork server) imports once, before any snippet runs.

Every snippet process is forked from that worker, so it starts with these modules already
imported instead of paying several seconds to import torch again. Nothing here may run a torch
operation: OpenMP's thread pool does not survive fork().

It also records what the cache needs to know which installed distributions a snippet used:
``REQUESTED`` (for each module imported here, the top-level names its own import asked for, since
a snippet that imports torch uses what torch imported, even though that happened before the fork).
The worker hands it to the parent, which maps names to distributions (``cache.used_distributions``).
"""

import builtins
import importlib

REQUESTED: dict[str, set[str]] = {}


def _import_recording(name: str) -> None:
    requested: set[str] = set()
    original = builtins.__import__

    def recording(module, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and module:
            requested.add(module.partition(".")[0])
        return original(module, globals, locals, fromlist, level)

    builtins.__import__ = recording
    try:
        importlib.import_module(name)
    except Exception:  # a missing optional package only costs the snippet its own import
        pass
    finally:
        builtins.__import__ = original
    top = name.partition(".")[0]
    REQUESTED.setdefault(top, set()).update(requested - {top})


def load(names) -> None:
    """Import these modules (the site's course file says which: ``PRELOAD``), recording what each asked for."""
    for name in names:
        _import_recording(name)
