"""Imported once by the warm worker (the fork server) before any snippet runs.

Every snippet process is forked from that worker, so it starts with these modules already
imported instead of paying several seconds to import torch again. Nothing here may run a torch
operation: OpenMP's thread pool does not survive fork().

It also records what the cache needs to know which installed distributions a snippet used:
``REQUESTED`` (for each module imported here, the top-level names its own import asked for, since
a snippet that imports torch uses what torch imported, even though that happened before the fork),
``DISTRIBUTIONS`` (top-level name -> distributions providing it) and ``VERSIONS``.
"""

import builtins
import importlib
import re
from importlib import metadata

PRELOADED = ("numpy", "torch", "torch.nn", "torch.optim", "torch.utils.data", "torchvision",
             "torchvision.transforms.v2", "matplotlib", "matplotlib.pyplot", "PIL.Image", "sklearn.datasets")

REQUESTED: dict[str, set[str]] = {}


def normalize(name: str) -> str:
    """A distribution's canonical name (PEP 503): "Scikit_Learn" -> "scikit-learn"."""
    return re.sub(r"[-_.]+", "-", name).lower()


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


for _name in PRELOADED:
    _import_recording(_name)

DISTRIBUTIONS = {top: sorted({normalize(d) for d in dists})
                 for top, dists in metadata.packages_distributions().items()}
VERSIONS = {normalize(d.metadata["Name"]): d.version for d in reversed(list(metadata.distributions()))
            if d.metadata["Name"]}  # reversed: the first on sys.path wins, as for imports
