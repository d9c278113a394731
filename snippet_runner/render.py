"""Turn outcomes into what a page shows under a code block, and into failure messages."""

from __future__ import annotations

import ast
import functools
import html
import re
from collections.abc import Callable
from pathlib import Path

from . import cache, figures
from .collect import Block
from .labels import labels, not_run_reason
from .preview_images import image_size
from .results import Outcome

# Terminal escapes: OSC (title, clipboard, hyperlinks: ESC ] ... BEL or ESC \), CSI (colours, cursor),
# other two-byte escapes, then every other control byte (C0 but tab/newline/CR, DEL, C1).
ANSI = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]?"
                  r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
MAX_LINES = 300


def clean_output(text: str) -> str:
    """Drop terminal escapes and control bytes and carriage-return redraws; cap very long output."""
    text = ANSI.sub("", text)
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))
    lines = text.rstrip("\n").split("\n")
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES
        lines = lines[: MAX_LINES // 2] + [f"... ({hidden} more lines) ..."] + lines[-MAX_LINES // 2:]
    return "\n".join(lines)


def output_position(lines: list[str], block: Block) -> int:
    """The line index where the output box of ``block`` goes in its page's lines.

    Right after the closing fence; but when Material code annotations follow the block (``# (1)!``
    in the code, a numbered list right after the fence), after that list, so the annotations stay
    attached to the code.
    """
    if "(1)" not in block.code:
        return block.end_line
    number = block.end_line  # lines[number] is the first line after the closing fence
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number >= len(lines) or not re.match(rf"{block.indent}1\.\s", lines[number]):
        return block.end_line
    end = number
    while number < len(lines):
        line = lines[number]
        if re.match(rf"{block.indent}\d+\.\s", line) or line.startswith(block.indent + "    "):
            end = number + 1
        elif line.strip():
            break
        number += 1
    return end


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


def _memory(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 100 << 20 else f"{size / (1 << 20):.0f} MB"


def run_summary(result, language: str = "en") -> str:
    """ "ran in 13.4 s · 1.2 GB peak" """
    words = labels(language)
    text = words["ran"].format(duration=_duration(result.duration))
    if result.peak_memory:
        text += words["peak"].format(memory=_memory(result.peak_memory))
    return text


@functools.lru_cache(maxsize=1024)  # a snippet is shown under its block and counted in its page's stamp
def imported_names(code: str) -> frozenset[str]:
    """Top-level modules the code imports, and those it locates with ``find_spec("name")`` (a snippet reads
    data files shipped inside a package that way without importing it: the package must be installed all
    the same)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset()
    names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    names |= {node.args[0].value.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and node.args[0].value
              and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) == "find_spec"}
    return frozenset(names)


def direct_libraries(code: str, distributions: dict[str, str]) -> dict[str, str]:
    """Of the distributions a run used, those the snippet's own code imports (torch, onnxruntime, ...)."""
    mapping = cache.module_distributions()  # the one module -> distribution map
    wanted = {d for name in imported_names(code) for d in mapping.get(name, ())}
    return {d: v for d, v in sorted(distributions.items()) if d in wanted}


def _pixel_size(figure: Path) -> tuple[int, int] | None:
    try:
        with open(figure, "rb") as handle:
            return image_size(handle.read(64 * 1024))
    except OSError:
        return None


def shown_figures(block: Block, result, language: str = "en") -> list[tuple[Path, str]]:
    """A result's figures as a page in this language shows them: each file (a Chinese page's twin where
    there is one) with its alt text (its title, translated)."""
    words = labels(language)
    chinese = figures.read_record(result.figures) if language == "zh" else None
    shown = []
    for number, figure in enumerate(result.figures, 1):
        title = result.figure_titles[number - 1] if number <= len(result.figure_titles) else ""
        if chinese and number <= len(chinese):  # the Chinese twin and its translated title (figures.py)
            figure, title = figures.figure_for(figure, language), figures.chinese_title(title, chinese[number - 1])
        shown.append((figure, (words["figure_alt_titled"] if title else words["figure_alt"]).format(
            title=title, number=number, include=block.include)))
    return shown


def outcome_html(block: Block, outcome: Outcome, figure_url: Callable[[Path], str], language: str = "en") -> str:
    """The box shown under a block: its output and figures, why it did not run, or its traceback."""
    words = labels(language)
    if outcome.status == "inline":
        return ""
    if outcome.status == "not-run":
        reason = not_run_reason(outcome.reason, language)
        return (
            '<div class="admonition snippet-not-run">'
            f'<p class="admonition-title">{html.escape(words["not_run"].format(reason=reason))}</p>'
            f"<p>{html.escape(words['not_run_body'])}</p></div>"
        )
    result = outcome.result
    text = clean_output(result.output)
    parts = []
    if text:
        parts.append(f"<pre><code>{html.escape(text)}</code></pre>")
    for figure, alt in shown_figures(block, result, language):
        size = _pixel_size(figure)  # the space is held while it loads: nothing below it moves
        sized = f' width="{size[0]}" height="{size[1]}"' if size else ""
        parts.append(
            f'<figure class="snippet-figure"><img src="{html.escape(figure_url(figure))}" '
            f'alt="{html.escape(alt)}"{sized} loading="lazy" decoding="async"></figure>'
        )
    if not parts:
        parts.append(f'<p class="snippet-silent">{html.escape(words["no_output"])}</p>')
    if outcome.status == "failed":
        failure = result.failure
        return (
            '<details class="snippet-output failure" open>'
            f'<summary>{html.escape(words["failed"].format(message=failure.message))}</summary>'
            f"{''.join(parts)}</details>"
        )
    env = result.environment
    libraries = direct_libraries(block.code, result.distributions)
    versions = [f"Python {env.get('python')}"] + [f"{name} {version}" for name, version in libraries.items()]
    produced = words["produced"].format(versions=", ".join(versions), device=env.get("device", "?").upper())
    parts.append(f'<p class="snippet-versions">{html.escape(produced)}</p>')
    return (
        f'<details class="snippet-output" open data-snippet="{html.escape(block.include)}">'
        f'<summary>{html.escape(words["output"])} '
        f'<span class="snippet-stamp">{html.escape(run_summary(result, language))}</span></summary>'
        f"{''.join(parts)}</details>"
    )


def _where(environment: dict) -> tuple:
    """Where a result was made, as its page's stamp names it: Python, device, and the versions of the
    distributions the site's course stamps (recorded with each result: results.Policy)."""
    versions = tuple((name, version) for name, version in environment.get("versions", {}).items() if version)
    device = environment.get("device", "cpu")
    return (environment.get("python"), device, environment.get("device_name", "") if device == "cuda" else "", versions)


def page_stamp_html(shown: list[tuple[Block, Outcome]], language: str = "en") -> str:
    """Where a page's outputs came from: the stamped versions (the site's course says which), Python,
    device and date of the runs that made them, and the other libraries its snippets import."""
    words = labels(language)
    ran = [(b, o.result) for b, o in shown if o.result is not None and o.status == "ok"]
    not_run = sum(o.status == "not-run" for _, o in shown)
    if not ran and not not_run:
        return ""
    parts = []
    for python, device, device_name, versions in sorted({_where(r.environment) for _, r in ran}):
        named = [f"{name} {version}" for name, version in versions] + [f"Python {python}"]
        parts.append(words["on_device"].format(versions=", ".join(named),
                                               device=f"CUDA {device_name}" if device == "cuda" else "CPU"))
    text = words["verified"].format(environments="; ".join(parts)) if parts else words["nothing_ran"]
    stamped = {name for _, r in ran for name in r.environment.get("versions", {})}
    others: dict[str, set[str]] = {}
    for block, result in ran:
        for name, version in direct_libraries(block.code, result.distributions).items():
            if name not in stamped:
                others.setdefault(name, set()).add(version)
    if others:
        text += words["with_others"].format(
            others=", ".join(f"{n} {'/'.join(sorted(v))}" for n, v in sorted(others.items())))
    dates = sorted(r.finished for _, r in ran if r.finished)
    if dates:
        span = dates[-1] if dates[0] == dates[-1] else words["date_span"].format(first=dates[0], last=dates[-1])
        text += words["date_sep"] + span
    counts = words["executed"].format(count=len(ran), plural="s" * (len(ran) != 1))
    if not_run:
        counts += words["not_run_count"].format(count=not_run)
    return (f'<p class="verified-stamp" title="{html.escape(words["stamp_title"])}">'
            f'<span class="verified-stamp__check">&#10003;</span> {html.escape(text)} · {counts}</p>')
