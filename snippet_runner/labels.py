"""The words the runner adds to a page (output box, stamp, notebook buttons, notebooks), per language.

One table, so a new language is one more entry; ``labels(language)`` falls back to English for an
unknown language.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "output": "Output",
        "not_run": "Not executed here: {reason}",
        "not_run_body": "This block is shown for reference; it is not run when the site is built.",
        "failed": "Failed: {message}",
        "no_output": "(no output)",
        "produced": "Produced with {versions} on {device}",
        "ran": "ran in {duration}",
        "peak": " · {memory} peak",
        "figure_alt": "Figure {number} made by {include}",
        "figure_alt_titled": "{title} (figure {number} made by {include})",
        "verified": "Verified with {environments}",
        "on_device": "{versions} on {device}",
        "nothing_ran": "Nothing on this page was executed",
        "with_others": " (with {others})",
        "date_sep": ", ",
        "date_span": "{first} to {last}",
        "executed": "{count} code block{plural} executed",
        "not_run_count": ", {count} not executed here",
        "stamp_title": "Every code block on this page was run when the site was built",
        "pending": "Output pending: {include} is running",
        "pending_body": "This page reloads by itself when the output is ready.",
        "no_gpu": "no CUDA GPU here",
        "needs_gpu": "needs a CUDA GPU",
        "marked_skip": "marked skip",
        "download": "Download as notebook",
        "preview": "Preview the notebook",
        "colab": "Open in Colab",
        "nb_from": "*From the lesson [{title}]({url}) of {site}. "
                   "Every code cell is a whole program: run them in any order.*",
        "nb_not_run": "Not executed when the site was built: {reason}.",
        "nb_setup": "# Setup: what this page needs beyond Colab's own packages, at the versions its outputs came from",
        "nb_verified": "# the torch version this page's outputs came from",
        "nb_torch_here": "torch here: {here}; the page was verified with torch {verified}",
        "nb_other_torch": "Note: another torch version: numbers can differ a little from the page.",
    },
    "zh": {
        "output": "输出",
        "not_run": "未在此执行：{reason}",
        "not_run_body": "此代码块仅供参考，构建网站时不会运行。",
        "failed": "运行失败：{message}",
        "no_output": "（无输出）",
        "produced": "运行环境：{versions}，设备 {device}",
        "ran": "运行用时 {duration}",
        "peak": " · 内存峰值 {memory}",
        "figure_alt": "{include} 生成的图 {number}",
        "figure_alt_titled": "{title}（{include} 生成的图 {number}）",
        "verified": "已验证：{environments}",
        "on_device": "{versions}，设备 {device}",
        "nothing_ran": "本页没有执行任何代码",
        "with_others": "（另用到 {others}）",
        "date_sep": "，",
        "date_span": "{first} 至 {last}",
        "executed": "已执行 {count} 个代码块",
        "not_run_count": "，{count} 个未在此执行",
        "stamp_title": "本页的每个代码块都在构建网站时运行过",
        "pending": "输出尚未就绪：{include} 正在运行",
        "pending_body": "输出就绪后，本页会自动重新加载。",
        "no_gpu": "此处没有 CUDA GPU",
        "needs_gpu": "需要 CUDA GPU",
        "marked_skip": "标记为跳过",
        "download": "下载 Notebook",
        "preview": "预览 Notebook",
        "colab": "在 Colab 中打开",
        "nb_from": "*来自《{site}》的课程 [{title}]({url})。每个代码单元都是完整的程序，可以按任意顺序运行。*",
        "nb_not_run": "构建网站时未执行：{reason}。",
        "nb_setup": "# 环境准备：安装本页需要而 Colab 没有自带的包，版本与本页输出所用的一致",
        "nb_verified": "# 本页输出所用的 torch 版本",
        "nb_torch_here": "这里的 torch：{here}；本页用 torch {verified} 验证",
        "nb_other_torch": "注意：torch 版本不同，数字可能与页面上的略有差异。",
    },
}


def labels(language: str | None) -> dict[str, str]:
    """The labels of ``language`` ("zh", "zh_CN", "en"...); English when there are none for it."""
    base = (language or "en").replace("-", "_").split("_")[0].lower()
    return LABELS.get(base, LABELS["en"])


def not_run_reason(reason: str, language: str | None) -> str:
    """A not-executed reason in the page's language: the runner's own phrases are translated;
    a reason written on the page (a marker's ``reason=``) is shown as written."""
    words = labels(language)
    english = LABELS["en"]
    for key in ("no_gpu", "needs_gpu", "marked_skip"):
        reason = reason.replace(english[key], words[key])
    if words is not english:  # the session's "(...)" suffix, in the page's punctuation
        reason = reason.replace(f" ({words['no_gpu']})", f"（{words['no_gpu']}）")
    return reason
