"""Every result a page states is tied to its assert, labelled measured, or sourced (tests/claims.py).

One test per page and language; a failure names the page, the line and the sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import claims
from tests.project import ROOT, docs_dir

PAGES = sorted(p for p in docs_dir().rglob("*.md") if "assets" not in p.parts)
PAGE_IDS = [p.relative_to(docs_dir()).as_posix() for p in PAGES]


def read_snippet(name: str):
    path = (ROOT / "snippets" / name).resolve()
    if not path.is_file() or (ROOT / "snippets") not in path.parents:
        return None
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_every_stated_result_is_backed(path: Path):
    findings = claims.problems(path.read_text(encoding="utf-8"), read_snippet)
    where = path.relative_to(ROOT).as_posix()
    assert not findings, f"{len(findings)} unbacked or mistied claim(s) in {where}:\n" + "\n".join(
        f"  {where}:{f}" for f in findings)


# -- the rule itself, on planted pages --------------------------------------------------------------

SNIPPET = '''import torch
test_acc = 0.97
assert test_acc >= 0.95, f"test accuracy {test_acc:.3f} below 0.95"
speedup = 3.0
assert speedup > 1.5
print("done")
'''


def _read(name):
    return SNIPPET if name == "stage9/demo.py" else None


def _findings(page: str) -> list[str]:
    return [f.why for f in claims.problems(page, _read)]


@pytest.mark.parametrize("page", [
    "The CNN reaches 97 % test accuracy.\n",
    "Compiled, the model runs 3.2× faster than eager.\n",
    "The final loss is 0.31.\n",
    "Adam beats SGD on this problem.\n",
    "Each epoch takes 12 s on two cores.\n",
    "卷积网络的测试准确率达到 97%。\n",
    "编译后的模型比 eager 模型快 3 倍。\n",
    "Adam 在这个问题上优于 SGD。\n",
    "| model | accuracy |\n| --- | --- |\n| CNN | 97 % |\n",
])
def test_a_planted_unbacked_claim_fails_in_either_language(page):
    assert any("no tie to an assert" in why for why in _findings(page)), _findings(page)


@pytest.mark.parametrize("page", [
    "The CNN reaches at least 95 % test accuracy.<!-- assert stage9/demo.py: test_acc >= 0.95 -->\n",
    "卷积网络的测试准确率至少为 95%。<!-- assert stage9/demo.py: test_acc >= 0.95 -->\n",
    "Compiled, it is more than 1.5× faster.<!-- assert stage9/demo.py: speedup > 1.5 --> Then we export it.\n",
    "Adam beats SGD here.<!-- assert stage9/demo.py: speedup > 1.5 -->\n",
    "One epoch takes about 12 s (measured, not asserted).\n",
    "每轮大约 12 秒（实测值，未做断言）。\n",
    "ResNet-152 reaches 3.57 % top-5 error on ImageNet ([He et al., 2015](https://arxiv.org/abs/1512.03385)).\n",
    "We train with a learning rate of 0.01.<!-- not a result -->\n",
    "We train with `lr=0.01` and `momentum=0.9`.\n",
    "```python\nprint(0.97)  # 97 % faster\n```\n",
    "## 3.2 Faster training with 95 %\n",
    "!!! abstract \"Learning goals\"\n    - Make training 2× faster with AMP\n\nText.\n",
    "| model | time (measured, not asserted) |\n| --- | --- |\n| CNN | 12 s |\n",
    "Stage 3.2 has 3 parts and a 3×3 kernel; torch 2.14.1 is used.\n",
    "Faster R-CNN is a two-stage detector; mAP@0.5 averages AP; LeakyReLU(0.2) in the discriminator.\n",
    "Is the fine-tuned model better or worse? 哪一个收敛更快？\n",
])
def test_backed_claims_and_non_results_pass(page):
    assert _findings(page) == []


@pytest.mark.parametrize("page, complaint", [
    ("It reaches at least 90 % accuracy.<!-- assert stage9/demo.py: test_acc >= 0.95 -->\n", "match no bound"),
    ("It reaches at least 95 % accuracy.<!-- assert stage9/demo.py: print -->\n", "points at no assert"),
    ("It reaches at least 95 % accuracy.<!-- assert stage9/missing.py: test_acc >= 0.95 -->\n", "not a snippet"),
    ("准确率至少为 90%。<!-- assert stage9/demo.py: test_acc >= 0.95 -->\n", "match no bound"),
])
def test_a_tie_must_point_at_an_assert_with_the_same_bound(page, complaint):
    assert any(complaint in why for why in _findings(page)), _findings(page)


def test_sentences_keep_their_line_numbers_and_trailing_comments():
    page = "Intro line.\n\nFirst sentence. Second one is 97 %.<!-- assert stage9/demo.py: x -->\nThird.\n"
    found = [(s.line, s.text) for s, _ in claims.sentences(page)]
    assert found[0] == (1, "Intro line.")
    assert (3, "Second one is 97 %.<!-- assert stage9/demo.py: x -->") in found
    assert found[-1][1] == "Third."
