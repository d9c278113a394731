"""Turn outcomes into what a page shows under a code block, and into failure messages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from .collect import Block
from .session import Outcome

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_LINES = 300


def clean_output(text: str) -> str:
    """Drop terminal colour codes and carriage-return redraws; cap very long output."""
    text = ANSI.sub("", text)
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))
    lines = text.rstrip("\n").split("\n")
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES
        lines = lines[: MAX_LINES // 2] + [f"... ({hidden} more lines) ..."] + lines[-MAX_LINES // 2:]
    return "\n".join(lines)


def failure_message(block: Block, outcome: Outcome, docs_prefix: str = "docs/", line_offset: int = 0) -> str:
    """One line naming the page (and line), the snippet, its line and the exception.

    ``line_offset``: lines above the text the block was collected from (front matter) in the file.
    """
    failure = outcome.result.failure
    where = f" at line {failure.line}" if failure.line else ""
    return (f"{docs_prefix}{block.page}:{block.line + line_offset}: snippet {block.include}{where} "
            f"failed: {failure.message}")


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def outcome_html(block: Block, outcome: Outcome, figure_url: Callable[[Path], str]) -> str:
    """The box shown under a block: its output and figures, why it did not run, or its traceback."""
    if outcome.status == "inline":
        return ""
    if outcome.status == "not-run":
        return (
            '<div class="admonition snippet-not-run">'
            f'<p class="admonition-title">Not executed here: {html.escape(outcome.reason)}</p>'
            "<p>This block is shown for reference; it is not run when the site is built.</p></div>"
        )
    result = outcome.result
    text = clean_output(result.output)
    parts = []
    if text:
        parts.append(f"<pre><code>{html.escape(text)}</code></pre>")
    for number, figure in enumerate(result.figures, 1):
        parts.append(
            f'<figure class="snippet-figure"><img src="{html.escape(figure_url(figure))}" '
            f'alt="Figure {number} made by {html.escape(block.include)}" loading="lazy"></figure>'
        )
    if not parts:
        parts.append('<p class="snippet-silent">(no output)</p>')
    env = result.environment
    stamp = f"ran in {_duration(result.duration)} · torch {env.get('torch')} · {env.get('device', '?').upper()}"
    if outcome.status == "failed":
        failure = result.failure
        return (
            '<details class="snippet-output failure" open>'
            f'<summary>Failed: {html.escape(failure.message)}</summary>'
            f"{''.join(parts)}</details>"
        )
    return (
        f'<details class="snippet-output" open data-snippet="{html.escape(block.include)}">'
        f'<summary>Output <span class="snippet-stamp">{html.escape(stamp)}</span></summary>'
        f"{''.join(parts)}</details>"
    )


def page_stamp_html(outcomes: list[Outcome]) -> str:
    """Where a page's outputs came from: versions, device and date of the runs that made them."""
    ran = [o.result for o in outcomes if o.result is not None and o.status == "ok"]
    not_run = sum(o.status == "not-run" for o in outcomes)
    if not ran and not not_run:
        return ""
    parts = []
    for env in sorted({tuple(sorted(r.environment.items())) for r in ran}):
        env = dict(env)
        device = "CUDA " + env.get("device_name", "") if env.get("device") == "cuda" else "CPU"
        parts.append(f"torch {env.get('torch')}, torchvision {env.get('torchvision')}, Python {env.get('python')} "
                     f"on {device}")
    text = "Verified with " + "; ".join(parts) if parts else "Nothing on this page was executed"
    dates = sorted(r.finished for r in ran if r.finished)
    if dates:
        text += f", {dates[-1]}" if dates[0] == dates[-1] else f", {dates[0]} to {dates[-1]}"
    counts = f"{len(ran)} code block{'s' * (len(ran) != 1)} executed"
    if not_run:
        counts += f", {not_run} not executed here"
    return (f'<p class="verified-stamp" title="Every code block on this page was run when the site was built">'
            f'<span class="verified-stamp__check">&#10003;</span> {html.escape(text)} · {counts}</p>')
