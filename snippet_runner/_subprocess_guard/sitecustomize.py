# Put on PYTHONPATH by the runner, so Python subprocesses that a snippet starts (torchrun workers,
# a "fresh process" check) are offline too, and their imports are recorded for the cache.
import os as _os

try:
    from snippet_runner import importlog as _importlog
    from snippet_runner import netguard as _netguard

    _netguard.install()
    if _os.environ.get(_importlog.ENV):
        _importlog.install(_os.environ[_importlog.ENV])
except ImportError:  # the runner's package is not importable from that interpreter
    pass
