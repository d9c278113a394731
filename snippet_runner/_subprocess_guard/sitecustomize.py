# Put on PYTHONPATH by the runner, so Python subprocesses that a snippet starts (torchrun workers,
# a "fresh process" check) are offline too.
try:
    from snippet_runner import netguard

    netguard.install()
except ImportError:  # the runner's package is not importable from that interpreter
    pass
