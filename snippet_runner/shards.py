"""Split the snippets between n machines, balanced by how long each took last time.

Deterministic: the same snippets and recorded times give the same shards on every machine (all
shards of one CI run restore the same cache, so they see the same times). Longest first, each to
the shard with the least work so far (ties: the lower shard); a snippet never run before counts as
``UNKNOWN_S`` seconds.
"""

from __future__ import annotations

import re

UNKNOWN_S = 10.0


def parse(text: str) -> tuple[int, int]:
    """ "2/4" -> (2, 4): the second of four shards (numbered from 1)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"a shard is i/n with 1 <= i <= n, not {text!r}")
    return int(match[1]), int(match[2])


def assign(seconds: dict[str, float | None], count: int) -> list[list[str]]:
    """Names grouped into ``count`` shards of about equal total time."""
    loads = [0.0] * count
    shards: list[list[str]] = [[] for _ in range(count)]
    ordered = sorted(seconds, key=lambda name: (-(seconds[name] if seconds[name] is not None else UNKNOWN_S), name))
    for name in ordered:
        target = min(range(count), key=lambda i: (loads[i], i))
        shards[target].append(name)
        loads[target] += seconds[name] if seconds[name] is not None else UNKNOWN_S
    return [sorted(shard) for shard in shards]


def blocks_in_shard(session, blocks, number: int, count: int) -> set:
    """The blocks whose snippets fall in shard ``number`` of ``count``, by their cached run times."""
    seconds: dict[str, float | None] = {}
    for block in blocks:
        name = session.display_name(block.snippet)
        if name not in seconds:
            cached = None if session.not_run_reason(block) else session.lookup(block).result
            seconds[name] = cached.duration if cached else None
    mine = set(assign(seconds, count)[number - 1])
    return {block for block in blocks if session.display_name(block.snippet) in mine}
