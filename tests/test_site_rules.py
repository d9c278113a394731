"""The contract between pages and snippets (see CONTRIBUTING.md)."""

from __future__ import annotations

import ast
import re

import pytest

from tests import roadmap
from tests.project import ROOT, SNIPPETS, blocks, snippet_files


def test_every_python_block_on_a_page_comes_from_snippets():
    inline = [b.location for b in blocks() if b.snippet is None]
    assert not inline, f"Python blocks written inline in a page (make them files under snippets/): {inline}"


def test_every_block_includes_a_whole_file():
    partial = [b.location for b in blocks() if b.include and re.search(r":[\d\-]|:[a-z]", b.include)]
    assert not partial, f"blocks that include only part of a snippet: {partial}"
    for block in blocks():
        if block.snippet:
            assert block.code.rstrip("\n") == block.snippet.read_text(encoding="utf-8").rstrip("\n"), block.location


def test_every_snippet_is_on_a_page():
    shown = {b.snippet for b in blocks() if b.snippet}
    orphans = [p.relative_to(ROOT).as_posix() for p in snippet_files() if p.resolve() not in shown]
    assert not orphans, f"snippet files that no page includes: {orphans}"


@pytest.mark.parametrize("path", snippet_files(), ids=lambda p: p.relative_to(SNIPPETS).as_posix())
def test_snippet_is_a_standalone_program(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))  # also the blocks that are never executed here
    assert source.startswith("# "), "the first line must be a comment saying what the snippet is"
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    relative = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert not relative, "relative imports cannot work in a file copied alone"
    from_repo = imported & {"snippet_runner", "site_hooks", "tests", "snippets"}
    assert not from_repo, f"imports from this repository: {from_repo}"
    assert "set_num_threads" not in source, "the runner decides thread counts; a snippet must not"


@pytest.mark.parametrize("path", snippet_files(), ids=lambda p: p.relative_to(SNIPPETS).as_posix())
def test_roadmap_tags_name_real_sections(path):
    tag = roadmap.snippet_tags()[path]
    if tag is not None:
        assert tag in roadmap.seed_sections(), f"'# roadmap {tag}' names no section of the roadmap"


def test_not_executed_blocks_say_why():
    for block in blocks():
        if block.skip_reason:
            needs = "需要" if block.page.endswith(".zh.md") else "needs "  # the page's language
            assert block.skip_reason.startswith(needs), f"{block.location}: reason should say what it needs"


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    setup, test = commands[0], commands[1]
    assert setup.endswith("mkdocs serve") and "pip install -c requirements.lock -e '.[test]'" in setup
    assert test in ci.splitlines(), "CI must run the exact test command the README gives"
    assert ".venv/bin/pip install -q -c requirements.lock -e '.[test]'" in ci
    assert ci.index(test) < ci.index("mkdocs build --strict")
