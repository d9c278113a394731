"""Find the code blocks of a Markdown page and the snippet file behind each one.

A page shows a snippet with a fenced block whose only line is a pymdownx.snippets include::

    ```python title="tensors_creation.py"
    --8<-- "stage1/tensors_creation.py"
    ```

Blocks are extracted with pytest-codeblocks (so its ``<!--pytest.mark...-->`` markers above a
block apply), once from the page as written, which gives the page line and the include, and
once after pymdownx.snippets' own preprocessor has expanded the includes, which gives the code
the reader sees.
"""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from pytest_codeblocks import extract_from_buffer

from .results import DEFAULT_MEMORY_GB, DEFAULT_TIMEOUT

INCLUDE = re.compile(r"""^-+8<-+[ \t]+(["'])(?P<target>.+?)\1[ \t]*$""")
PYTHON_SYNTAXES = {"python", "py", "python3"}
KNOWN_MARKS = {"skip", "gpu", "timeout", "memory"}


class CollectError(Exception):
    """A page whose code blocks cannot be matched to snippet files."""


@dataclass(frozen=True)
class Mark:
    """A ``<!--pytest.mark.NAME(*args, **kwargs)-->`` marker, parsed without evaluating it."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Mark:
        try:
            node = ast.parse(text.strip(), mode="eval").body
            call = node if isinstance(node, ast.Call) else None
            target = call.func if call else node
            if not (isinstance(target, ast.Attribute) and ast.unparse(target.value) == "pytest.mark"):
                raise ValueError
            args = tuple(ast.literal_eval(a) for a in call.args) if call else ()
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords} if call else {}
        except (SyntaxError, ValueError) as error:
            raise CollectError(f"cannot read the marker <!--{text}-->: use pytest.mark.NAME(literal arguments)") from error
        return cls(target.attr, args, kwargs)

    def check(self) -> Mark:
        """This marker, if the runner knows it and its arguments make sense; else CollectError."""
        if self.name not in KNOWN_MARKS:
            raise CollectError(f"unknown marker pytest.mark.{self.name}: use one of {', '.join(sorted(KNOWN_MARKS))}")
        if self.name in ("timeout", "memory"):
            value = self.args[0] if len(self.args) == 1 and not self.kwargs else None
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                unit = "seconds" if self.name == "timeout" else "GB"
                raise CollectError(f"pytest.mark.{self.name} takes one positive number ({unit}), "
                                   f"not {self.args or ''}{self.kwargs or ''}")
        return self

    @property
    def reason(self) -> str:
        return str(self.kwargs.get("reason") or (self.args[0] if self.args and isinstance(self.args[0], str) else ""))


@dataclass(eq=False)
class Block:
    """One Python code block of a page (hashable by identity: outcomes are keyed by the block)."""

    page: str  # the page, relative to the docs folder
    line: int  # line of the opening fence in the page
    end_line: int  # line of the closing fence
    indent: str  # the fence's indentation (inside admonitions, tabs, lists)
    code: str  # the code as the reader sees it
    include: str | None  # the include target, e.g. "stage1/tensors_creation.py"; None for inline code
    snippet: Path | None  # the file behind it
    marks: list[Mark] = field(default_factory=list)

    def mark(self, name: str) -> Mark | None:
        return next((m for m in self.marks if m.name == name), None)

    @property
    def skip_reason(self) -> str | None:
        """Why this block is never executed here (needs network, ...), or None."""
        mark = self.mark("skip")
        return (mark.reason or "marked skip") if mark else None

    @property
    def gpu_reason(self) -> str | None:
        """Why this block needs a CUDA GPU, or None when it runs anywhere."""
        mark = self.mark("gpu")
        return (mark.reason or "needs a CUDA GPU") if mark else None

    @property
    def timeout(self) -> float:
        mark = self.mark("timeout")
        return float(mark.args[0]) if mark and mark.args else DEFAULT_TIMEOUT

    @property
    def memory_gb(self) -> float:
        mark = self.mark("memory")
        return float(mark.args[0]) if mark and mark.args else DEFAULT_MEMORY_GB

    @property
    def location(self) -> str:
        return f"{self.page}:{self.line}"


class SnippetExpander:
    """pymdownx.snippets' preprocessor, configured as the site configures it."""

    def __init__(self, config: dict) -> None:
        self.config = dict(config)
        self.base_paths = [Path(p) for p in _as_list(self.config.get("base_path", ["."]))]
        md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": self.config})
        self._preprocessor = md.preprocessors["snippet"]

    def expand(self, text: str) -> str:
        return "\n".join(self._preprocessor.run(text.split("\n")))

    def resolve(self, target: str) -> Path | None:
        for base in self.base_paths:
            candidate = base / target
            if candidate.is_file():
                return candidate.resolve()
        return None


def _checked(text: str, page: str, line: int) -> Mark:
    """The marker written above the block at ``line``, parsed and checked; else one line naming the place."""
    try:
        return Mark.parse(text).check()
    except CollectError as error:
        raise CollectError(f"{page}:{line}: {error}") from None


def _check_includes(lines: list[str], page: str, expander: SnippetExpander) -> None:
    """Every include of the page names a file under the snippet folders: one line naming the place if not
    (pymdownx would print a long traceback without a line, or say "could not be found")."""
    for number, line in enumerate(lines, 1):
        match = INCLUDE.match(line.strip())
        if not match:
            continue
        target = match["target"]
        bases = [b.resolve() for b in expander.base_paths]
        candidates = [(b / target).resolve() for b in bases]
        inside = [c for c, b in zip(candidates, bases) if c.is_relative_to(b)]
        if not inside:
            raise CollectError(f"{page}:{number}: the include {target!r} points outside "
                               f"{', '.join(_shown(b) for b in bases)} (includes are relative to it)")
        if not any(c.is_file() for c in inside):
            raise CollectError(f"{page}:{number}: the included snippet {target!r} does not exist in "
                               f"{', '.join(_shown(b) for b in bases)}")


def _shown(base: Path) -> str:
    return f"{base.name}/"


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_python(syntax: str | None) -> bool:
    return bool(syntax) and syntax.split()[0].strip("{}.").lower() in PYTHON_SYNTAXES


def _python_blocks(text: str):
    try:
        return [b for b in extract_from_buffer(io.StringIO(text)) if _is_python(b.syntax)]
    except RuntimeError as error:  # pytest-codeblocks' message for an unclosed fence, a bad marker
        raise CollectError(str(error)) from None


def _closing_line(lines: list[str], opening: int) -> int:
    fence = lines[opening - 1].lstrip()
    ticks = len(fence) - len(fence.lstrip("`"))
    for number in range(opening + 1, len(lines) + 1):
        if lines[number - 1].lstrip().startswith("`" * ticks):
            return number
    raise CollectError(f"line {opening}: code fence is never closed")


def collect_page(text: str, page: str, expander: SnippetExpander) -> list[Block]:
    """The Python code blocks of one page, each tied to its snippet file when it includes one."""
    lines = text.split("\n")
    try:
        written = _python_blocks(text)
    except CollectError as error:
        raise CollectError(f"{page}: {error}") from None
    _check_includes(lines, page, expander)
    try:
        expanded = _python_blocks(expander.expand(text))
    except Exception as error:  # pymdownx's SnippetMissingError and friends
        raise CollectError(f"{page}: {error}") from None
    if len(written) != len(expanded):
        raise CollectError(f"{page}: {len(written)} Python blocks as written but {len(expanded)} after "
                           "expanding includes (does a snippet contain a line starting with ```?)")
    blocks = []
    for raw, shown in zip(written, expanded):
        body = raw.code.strip().split("\n")
        match = INCLUDE.match(body[0].strip()) if len(body) == 1 else None
        include = match["target"] if match else None
        snippet = expander.resolve(include) if include else None
        if include and snippet is None:
            raise CollectError(f"{page}:{raw.lineno}: included snippet {include!r} does not exist")
        opening = lines[raw.lineno - 1]
        blocks.append(Block(
            page=page,
            line=raw.lineno,
            end_line=_closing_line(lines, raw.lineno),
            indent=opening[: len(opening) - len(opening.lstrip())],
            code=shown.code,
            include=include,
            snippet=snippet,
            marks=[_checked(m, page, raw.lineno - 1) for m in raw.marks],
        ))
    return blocks


def collect_site(docs_dir: Path, expander: SnippetExpander, errors: list[str] | None = None) -> list[Block]:
    """Every Python block of every Markdown page under ``docs_dir``, in page order.

    A page whose blocks cannot be collected raises CollectError; with ``errors`` given, its message
    (page:line: what is wrong) goes there instead and the other pages are still collected."""
    docs_dir = Path(docs_dir)
    blocks = []
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        try:
            blocks.extend(collect_page(path.read_text(encoding="utf-8"), page, expander))
        except CollectError as error:
            if errors is None:
                raise
            errors.append(str(error))
    return blocks
