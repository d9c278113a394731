"""Lesson pages as a reader meets them: the nav, the exercise section, the figures; and the reader's run.

The reader's run (``python -m snippet_runner.reader``, run by ``.ci/run``) executes every snippet
the way a reader does; here it is tested on a tiny site of its own, so these tests cost seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snippet_runner import reader
from tests.project import ROOT, blocks, config, docs_dir

LESSONS = sorted(p for p in docs_dir().glob("stage-*/*.md") if p.name != "index.md" and not p.name.endswith(".zh.md"))
LESSON_IDS = [p.relative_to(docs_dir()).as_posix() for p in LESSONS]
CHINESE_LESSONS = [p.with_name(f"{p.stem}.zh.md") for p in LESSONS]

# The exercise section's words, per language (CONTRIBUTING.md: "The exercise section", "The Chinese edition").
WORDS = {
    "en": {"heading": "Exercises", "roadmap": "*From the roadmap.*", "site": "*Added by this site.*",
           "solution": "Solution", "hint": "Hint", "intro": "roadmap"},
    "zh": {"heading": "练习", "roadmap": "*出自路线图。*", "site": "*本站补充。*", "solution": "参考答案",
           "hint": "提示", "intro": "路线图"},
}
ROADMAP_LABEL, SITE_LABEL = WORDS["en"]["roadmap"], WORDS["en"]["site"]
HEADING_ID = r"(?:[ \t]+\{#[\w-]+\})?"
INCLUDE = re.compile(r"""^\s+-+8<-+\s+(["'])(?P<target>.+?)\1\s*$""")


def test_there_are_lessons_in_every_stage():
    stages = {p.parent.name for p in LESSONS}
    assert stages == {f"stage-{n}" for n in range(1, 6)}, stages


# -- the nav ---------------------------------------------------------------------------------------

def _nav_entries(items, parents=()):
    """(label, page, parent labels) for every page in the nav; label None where the page has none."""
    for item in items:
        if isinstance(item, str):
            yield None, item, parents
            continue
        for label, value in item.items():
            if isinstance(value, list):
                yield from _nav_entries(value, parents + (label,))
            else:
                yield label, value, parents


def test_every_nav_label_is_distinct():
    labels = [label for label, _, _ in _nav_entries(config().nav) if label]
    sections = [parents[-1] for _, _, parents in _nav_entries(config().nav) if parents]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    assert not repeated, f"nav labels used for more than one page: {repeated}"
    assert not set(labels) & set(sections), "a page and a nav section share a label"


def test_every_lesson_is_in_the_nav_under_its_number():
    entries = {page: (label, parents) for label, page, parents in _nav_entries(config().nav)}
    for path, page in zip(LESSONS, LESSON_IDS):
        assert page in entries, f"{page} is not in the nav"
        title = next(line[2:] for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("# "))
        number = re.match(r"\d\.\d\b", title)
        if number:  # "5.1 Project 1 · Image classification system": its label or its section says 5.1
            label, parents = entries[page]
            shown = [label or ""] + list(parents[-1:])
            assert any(text.startswith(number[0] + " ") for text in shown), (page, title, shown)


# -- the exercise section (issue 10.4): the same shape on every lesson ------------------------------

def _section(text: str, heading: str) -> str | None:
    """The lines under a ``## `` heading (``{#id}`` allowed), up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(heading)}{HEADING_ID}[ \t]*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match[1] if match else None


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


MIN_DRILLS = 3
STARS = re.compile(r"^(★{1,3})\s+\S")


def exercise_problems(text: str, first_line_of, language: str = "en") -> list[str]:
    """What is wrong with a page's ``## Exercises`` section (an empty list: nothing).

    The section opens with graded drills (``### 1. ★ ...`` to ``★★★``), each with a hint and a
    collapsed, tested solution, then the projects (no stars): the roadmap's homework first, then the
    site's (a Stage 5 page is itself a project: its drills may stand alone). ``first_line_of(include)`` gives the first line of an included snippet; ``language``
    picks the section's words (a Chinese page: ``## 练习``, ``*出自路线图。*``, ``??? tip "提示"``...).
    """
    words = WORDS[language]
    heading, roadmap_label, site_label = words["heading"], words["roadmap"], words["site"]
    solution = re.compile(rf'^\?\?\? success "{re.escape(words["solution"])}"\s*$')
    hint = re.compile(rf'^\?\?\? tip "{re.escape(words["hint"])}"\s*$')
    exercises = _section(text, heading)
    if exercises is None:
        return [f"no '## {heading}' section"]
    problems = []
    headings = [re.sub(HEADING_ID + "$", "", h).strip() for h in re.findall(r"^## (.+)$", text, re.M)]
    if headings[-1] != heading:
        problems.append(f"'## {heading}' is not the last section (then: {headings[headings.index(heading) + 1:]})")
    intro, *parts = re.split(r"^### ", exercises, flags=re.M)
    if words["intro"] not in intro:
        problems.append("the intro does not say which exercises come from the roadmap and which were added")
    origins, kinds = [], []
    for number, part in enumerate(parts, 1):
        title, _, body = part.partition("\n")
        title = re.sub(HEADING_ID + "$", "", title.strip())
        name = f"exercise {title!r}"
        if not title.startswith(f"{number}. "):
            problems.append(f"{name}: not numbered '{number}. '")
        drill = STARS.match(title[len(f"{number}. "):]) if title.startswith(f"{number}. ") else None
        kinds.append("drill" if drill else "project")
        first = _first_paragraph(body)
        origin = "roadmap" if first.startswith(roadmap_label) else "site" if first.startswith(site_label) else None
        if origin is None:
            problems.append(f"{name}: its text does not start with {roadmap_label} or {site_label}")
        origins.append((kinds[-1], origin))
        lines = body.split("\n")
        opening = next((i for i, line in enumerate(lines) if solution.match(line)), None)
        if drill:
            tip = next((i for i, line in enumerate(lines) if hint.match(line)), None)
            if tip is None:
                problems.append(f'{name}: a drill without a hint (??? tip "{words["hint"]}")')
            elif opening is not None and tip > opening:
                problems.append(f"{name}: the hint comes after the solution")
        if opening is None:
            problems.append(f'{name}: no collapsed solution (??? success "{words["solution"]}")')
            continue
        includes = [m["target"] for line in lines[opening + 1:] if (m := INCLUDE.match(line))]
        if not includes:
            problems.append(f"{name}: the solution includes no snippet")
        for include in includes:
            first_line = first_line_of(include)
            if origin == "roadmap" and not re.match(r"# roadmap \d\.\d+ homework", first_line):
                problems.append(f"{name}: from the roadmap, but {include} starts {first_line!r}")
            if origin == "site" and not first_line.startswith("# exercise added by this site"):
                problems.append(f"{name}: added by this site, but {include} starts {first_line!r}")
    drills = kinds.count("drill")
    if drills < MIN_DRILLS:
        problems.append(f"{drills} graded drill(s) (### N. ★ ...); at least {MIN_DRILLS}")
    if kinds != sorted(kinds, key=lambda k: k != "drill"):
        problems.append(f"the drills must come before the projects: {kinds}")
    projects = [o for k, o in origins if k == "project" and o]
    if projects != sorted(projects, key=lambda o: o != "roadmap"):
        problems.append(f"the roadmap's projects must come first: {projects}")
    return problems


def _snippet_first_line(include: str) -> str:
    path = ROOT / "snippets" / include
    return path.read_text(encoding="utf-8").split("\n")[0] if path.is_file() else f"<missing {include}>"


@pytest.mark.parametrize("path", LESSONS, ids=LESSON_IDS)
def test_lesson_ends_with_the_exercise_section(path):
    problems = exercise_problems(path.read_text(encoding="utf-8"), _snippet_first_line)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHINESE_LESSONS, ids=[i.replace(".md", ".zh.md") for i in LESSON_IDS])
def test_chinese_lesson_ends_with_the_exercise_section(path):
    if not path.exists():
        pytest.fail(f"no {path.relative_to(ROOT)}")
    problems = exercise_problems(path.read_text(encoding="utf-8"), _snippet_first_line, "zh")
    assert not problems, "\n".join(problems)


def _drill(number: int, stars: str, name: str) -> str:
    return f'''### {number}. {stars} Drill {name}

*Added by this site.* Do {name}.

??? tip "Hint"

    Think.

??? success "Solution"

    ```python title="{name}.py"
    --8<-- "{name}.py"
    ```

'''


GOOD_SECTION = '''# 9.9 A lesson

## 9.9.1 Something

## Exercises

Drills 1–3 were added by this site; project 4 comes from the roadmap's homework, 5 was added by this site.

''' + _drill(1, "★", "d1") + _drill(2, "★★", "d2") + _drill(3, "★★★", "d3") + '''### 4. From the roadmap

*From the roadmap.* Do it.

??? success "Solution"

    ```python title="a.py"
    --8<-- "a.py"
    ```

### 5. Our own

*Added by this site.* Do more.

??? success "Solution"

    ```python title="b.py"
    --8<-- "b.py"
    ```
'''
FIRST_LINES = {"a.py": "# roadmap 9.9 homework 1: it", "b.py": "# exercise added by this site (lesson 9.9): more",
               **{f"d{i}.py": f"# exercise added by this site (lesson 9.9): drill {i}" for i in (1, 2, 3)}}


def test_the_exercise_check_accepts_the_template():
    assert exercise_problems(GOOD_SECTION, FIRST_LINES.get) == []


@pytest.mark.parametrize("change, complaint", [
    (lambda s: s.replace("## Exercises", "## Homework"), "no '## Exercises' section"),
    (lambda s: s + "\n## Going further\n", "is not the last section"),
    (lambda s: s.replace("### 3. ★★★ Drill", "### 3. Drill"), "2 graded drill(s)"),
    (lambda s: s.replace("*Added by this site.* Do more.", "Do more."), "does not start with"),
    (lambda s: s.replace('??? success "Solution"\n\n    ```python title="b.py"', '??? success "Answer"\n\n    ```python'),
     "no collapsed solution"),
    (lambda s: s.replace('    --8<-- "b.py"', "    print(1)"), "the solution includes no snippet"),
    (lambda s: s.replace("*From the roadmap.*", "*Added by this site.*", 1), "added by this site, but a.py"),
    (lambda s: s.replace("### 5. Our own", "### 6. Our own"), "not numbered '5. '"),
    (lambda s: s.replace('??? tip "Hint"\n\n    Think.\n\n', "", 1), "a drill without a hint"),
    (lambda s: s.replace("### 1. ★ Drill d1", "### 1. Drill d1").replace("### 4. From the roadmap",
                                                                       "### 4. ★ From the roadmap"),
     "the drills must come before the projects"),
])
def test_the_exercise_check_names_what_is_wrong(change, complaint):
    problems = exercise_problems(change(GOOD_SECTION), FIRST_LINES.get)
    assert any(complaint in p for p in problems), problems


def test_the_exercise_check_reads_the_chinese_template():
    chinese = (GOOD_SECTION.replace("## Exercises", "## 练习 {#exercises}").replace("roadmap's homework", "路线图的作业")
               .replace("*From the roadmap.*", "*出自路线图。*").replace("*Added by this site.*", "*本站补充。*")
               .replace('"Solution"', '"参考答案"').replace('"Hint"', '"提示"')
               .replace("### 5. Our own", "### 5. 本站的 {#5-our-own}"))
    assert exercise_problems(chinese, FIRST_LINES.get, "zh") == []
    assert any("does not start with" in p for p in
               exercise_problems(chinese.replace("*本站补充。*", "*Added by this site.*"), FIRST_LINES.get, "zh"))
    assert exercise_problems(chinese, FIRST_LINES.get) == ["no '## Exercises' section"]


def test_the_exercise_check_wants_the_roadmap_first():
    swapped = (GOOD_SECTION.replace("*From the roadmap.*", "@R").replace("*Added by this site.* Do more.",
                                                                         "*From the roadmap.* Do more.")
               .replace("@R", "*Added by this site.*"))
    swapped_lines = {**FIRST_LINES, "a.py": FIRST_LINES["b.py"], "b.py": FIRST_LINES["a.py"]}
    assert any("must come first" in p for p in exercise_problems(swapped, swapped_lines.get))


# -- figures that explain (issue 10.1) -------------------------------------------------------------

MERMAID = re.compile(r"^\s*```+\s*mermaid\b", re.M)
DRAWS = re.compile(r"\bplt\.show\(|\.savefig\(")
MIN_FIGURES_ON_THE_SITE = 80


def figure_counts() -> dict[str, tuple[int, int]]:
    """Per lesson page: (mermaid diagrams, executed snippets that draw a figure)."""
    counts = {}
    for path, page in zip(LESSONS, LESSON_IDS):
        diagrams = len(MERMAID.findall(path.read_text(encoding="utf-8")))
        drawn = {b.snippet for b in blocks() if b.page == page and b.snippet and not (b.skip_reason or b.gpu_reason)
                 and DRAWS.search(b.snippet.read_text(encoding="utf-8"))}
        counts[page] = (diagrams, len(drawn))
    return counts


def test_every_lesson_has_a_figure():
    counts = figure_counts()
    table = "\n".join(f"  {page:40} {d} diagram(s) + {s} snippet(s) with a figure" for page, (d, s) in counts.items())
    print(f"figures per lesson page:\n{table}")
    bare = [page for page, (d, s) in counts.items() if d + s == 0]
    total = sum(d + s for d, s in counts.values())
    assert not bare, f"lesson pages without a figure or diagram: {bare}\n{table}"
    assert total >= MIN_FIGURES_ON_THE_SITE, f"{total} figures and diagrams on lesson pages (want {MIN_FIGURES_ON_THE_SITE})\n{table}"


def test_the_figure_counter_sees_diagrams_and_plots():
    assert len(MERMAID.findall("text\n```mermaid\nflowchart LR\n  A --> B\n```\n    ```mermaid\ngraph TD\n```")) == 2
    assert DRAWS.search("import matplotlib.pyplot as plt\nplt.plot([1])\nplt.show()\n")
    assert DRAWS.search("fig.savefig('x.png')") and not DRAWS.search("plt.plot([1, 2])")


# -- the reader's run ------------------------------------------------------------------------------

def test_reader_environment_is_a_plain_shell_plus_the_offline_guard():
    env = reader.reader_environment({"PATH": "/usr/bin", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                     "PYTHONPATH": "/somewhere/in/the/repo", "SNIPPETS_DEVICE": "cpu"})
    assert env == {"PATH": "/usr/bin", "PYTHONPATH": str(reader.GUARD_DIR), "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    assert (reader.GUARD_DIR / "sitecustomize.py").is_file()


def _snippet(include, pages, timeout=120.0):
    return reader.Snippet(include, Path("/x") / include, pages, timeout)


def test_reader_selects_by_file_or_page():
    snippets = [_snippet("stage1/a.py", ["stage-1/tensors.md:10"]), _snippet("stage5/b.py", ["stage-5/gan.md:3"])]
    assert [s.include for s in reader.select(snippets, [])] == ["stage1/a.py", "stage5/b.py"]
    assert [s.include for s in reader.select(snippets, ["gan.md"])] == ["stage5/b.py"]
    assert [s.include for s in reader.select(snippets, ["stage1/", "nothing"])] == ["stage1/a.py"]


def test_reader_summary_lists_the_ten_slowest_and_names_failures():
    outcomes = [reader.Outcome(_snippet(f"s{i}.py", [f"p.md:{i}"]), i != 3, float(i), 0 if i != 3 else 1, "")
                for i in range(12)]
    text = reader.summary(outcomes)
    listed = re.findall(r"^\s+[\d.]+ s  (s\d+\.py)", text, re.M)
    assert listed == [f"s{i}.py" for i in range(11, 1, -1)]
    assert "11 passed, 1 failed" in text and text.endswith("Failed in the reader's run: s3.py (p.md:3)")
    for outcome in outcomes[:5]:
        outcome.forked = True
    assert "66 s of snippet run time in all (5 run forked from zygotes, 7 as plain processes); 40 s from the first" \
        in reader.summary(outcomes, wall=40.0)


TINY_SITE = {
    "mkdocs.yml": """
        site_name: reader test
        markdown_extensions:
          - pymdownx.snippets:
              base_path: [snippets]
              check_paths: true
    """,
    "docs/index.md": """
        # A page

        ```python title="good.py"
        --8<-- "good.py"
        ```

        <!--pytest.mark.timeout(3)-->
        ```python title="slow.py"
        --8<-- "slow.py"
        ```

        <!--pytest.mark.skip(reason="needs network")-->
        ```python title="online.py"
        --8<-- "online.py"
        ```

        <!--pytest.mark.gpu(reason="needs CUDA")-->
        ```python title="cuda.py"
        --8<-- "cuda.py"
        ```
    """,
    "docs/other.md": """
        # Another page with the same snippet, and a failing one

        ```python title="good.py"
        --8<-- "good.py"
        ```

        ```python title="bad.py"
        --8<-- "bad.py"
        ```
    """,
    "snippets/good.py": """
        # passes only when run as a reader runs it
        import os
        import socket
        import sys

        assert os.listdir(".") == ["good.py"], os.listdir(".")  # alone in an empty folder
        assert sys.argv == ["good.py"]
        assert not any(name.endswith("_NUM_THREADS") for name in os.environ), "threads were pinned"
        assert os.environ["MPLBACKEND"] == "Agg"
        try:
            socket.getaddrinfo("example.com", 80)
        except ConnectionRefusedError:
            print("offline, as it should be")
        else:
            raise SystemExit("the network was reachable")
    """,
    "snippets/bad.py": """
        # fails
        assert 1 + 1 == 3, "arithmetic is broken"
    """,
    "snippets/slow.py": """
        # runs past its time limit of 3 s
        import time
        print("started, then stuck")
        time.sleep(60)
    """,
    "snippets/online.py": "raise SystemExit('a block marked skip must not run')\n",
    "snippets/cuda.py": "raise SystemExit('a block marked gpu must not run')\n",
}


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    """A snippet cache folder holding only the session's remembered environment probe (which starts the
    runner's warm worker once), so each test's reader starts without probing again."""
    from tests.project import site as project_site

    folder = tmp_path_factory.mktemp("probed")
    (folder / "cache").mkdir()
    for probe in project_site().cache_dir.glob("environment-*.json"):  # this environment's, if known: no worker start
        shutil.copy(probe, folder / "cache")
    site = _write_site(folder / "site", TINY_SITE)
    listed = _reader(site, "--list", cache=folder / "cache")
    assert listed.returncode == 0, listed.stderr
    assert list((folder / "cache").glob("environment-*.json")), "the session did not remember its probe"
    return folder / "cache"


def _write_site(folder, files):
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    return folder


@pytest.fixture
def tiny_site(tmp_path, probed):
    shutil.copytree(probed, tmp_path / "cache")
    return _write_site(tmp_path / "site", TINY_SITE)


def _reader(site, *args, cache=None):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "NO_MKDOCS_2_WARNING": "1",
           "SNIPPETS_CACHE_DIR": str(cache or site.parent / "cache")}
    return subprocess.run([sys.executable, "-m", "snippet_runner.reader", "--config", str(site / "mkdocs.yml"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_reader_lists_what_it_would_run(tiny_site):
    listed = _reader(tiny_site, "--list")
    assert listed.returncode == 0, listed.stderr
    assert re.findall(r"^(\S+\.py)", listed.stdout, re.M) == ["good.py", "slow.py", "bad.py"]
    assert "good.py  (limit 120 s; index.md:3, other.md:3)" in listed.stdout
    assert "slow.py  (limit 3 s; index.md:8)" in listed.stdout
    assert "not run here: 2" in listed.stdout


def test_reader_runs_each_snippet_alone_offline_and_names_the_failures(tiny_site):
    run = _reader(tiny_site, "--jobs", "2")  # two at a time; a failure is confirmed alone
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "2 at a time" in out and "[1/3] good.py: ok" in out
    assert "[2/3] slow.py: FAILED (over 3 s)" in out and "killed: over its time limit of 3 s" in out
    assert "started, then stuck" in out  # what it printed before it was stopped is shown
    assert "[3/3] bad.py: FAILED (exit 1)" in out and "AssertionError: arithmetic is broken" in out
    assert "must not run" not in out
    assert "1 passed, 2 failed" in out
    assert out.rstrip().endswith("Failed in the reader's run: slow.py (index.md:8), bad.py (other.md:7)")


def test_reader_passes_when_everything_passes(tiny_site):
    run = _reader(tiny_site, "good.py", "--jobs", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 0 failed" in run.stdout and "Slowest 1 of 1" in run.stdout and "one at a time" in run.stdout


def test_the_reader_follows_the_sessions_rule_for_what_is_not_run():
    """Session.not_run_reason decides (a GPU machine runs the gpu blocks); without a session, the markers."""
    from snippet_runner.collect import Block, Mark

    def block(name, *marks):
        return Block(page="p.md", line=1, end_line=3, indent="", code="", include=name, snippet=Path("/x") / name,
                     marks=list(marks))

    blocks = [block("a.py"), block("gpu.py", Mark("gpu", (), {"reason": "CUDA"})),
              block("net.py", Mark("skip", (), {"reason": "network"}))]
    assert [s.include for s in reader.executable(blocks)] == ["a.py"]
    gpu_machine = reader.executable(blocks, lambda b: b.skip_reason)  # what the session says where CUDA is visible
    assert [s.include for s in gpu_machine] == ["a.py", "gpu.py"]



def test_the_reader_runs_two_at_a_time_longest_first_and_a_zygotes_snippets_together():
    """Longest first by the runner's times (unknown: first); given each snippet's zygote, a
    zygote's snippets one after another, the zygote with the longest snippet first."""
    names = ("shape.py", "train.py", "new.py", "plot.py", "alone.py")
    snippets = {name: reader.Snippet(name, Path(name), ["p.md:1"], 60) for name in names}
    seconds = {"train.py": 12.0, "shape.py": 0.2, "new.py": None, "plot.py": 3.0, "alone.py": 1.0}
    pending = list(snippets.values())
    order, jobs, how = reader.plan(pending, seconds, None, cores=2)
    assert [s.include for s in order] == ["new.py", "train.py", "plot.py", "alone.py", "shape.py"] and jobs == 2
    assert how.startswith("2 at a time, longest first") and "OMP_WAIT_POLICY=PASSIVE" in how
    keys = {"shape.py": ("import torch",), "train.py": ("import torch",), "new.py": None,
            "plot.py": ("import matplotlib",), "alone.py": ("import matplotlib",)}
    order, _, _ = reader.plan(pending, seconds, None, cores=2, keys=keys)
    assert [s.include for s in order] == ["new.py", "train.py", "shape.py", "plot.py", "alone.py"]
    assert reader.plan(pending, seconds, None, cores=1)[1:] == (1, "one at a time")  # one core: nothing to share
    assert reader.plan(pending, seconds, 3, cores=2)[1] == 3  # --jobs N


def test_a_snippet_beside_another_waits_passively_and_one_alone_as_a_reader():
    env = reader.reader_environment({"PATH": "/usr/bin"})
    assert reader.together_environment(env) == {**env, "OMP_WAIT_POLICY": "PASSIVE"}
    assert "OMP_WAIT_POLICY" not in env


SHARED_LOCK = """
    # holds a lock no other snippet may hold at the same time (like a fixed port) until the other one tried it
    import fcntl
    import time
    from pathlib import Path

    me, other = Path(__file__).name, {{"one.py": "two.py", "two.py": "one.py"}}[Path(__file__).name]
    markers = Path({markers!r})
    handle = open(markers / "port.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while the other one holds it
    finally:
        (markers / f"{{me}}.tried").touch()
    deadline = time.monotonic() + 30
    while not (markers / f"{{other}}.tried").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    print("held it alone")
"""


def test_a_snippet_that_fails_only_beside_another_is_run_again_alone_and_passes(tmp_path, probed):
    shutil.copytree(probed, tmp_path / "cache")
    (markers := tmp_path / "markers").mkdir()
    site = _write_site(tmp_path / "site", {
        "mkdocs.yml": TINY_SITE["mkdocs.yml"],
        "docs/index.md": '# Two\n\n```python\n--8<-- "one.py"\n```\n\n```python\n--8<-- "two.py"\n```\n',
        "snippets/one.py": SHARED_LOCK.format(markers=str(markers)),
        "snippets/two.py": SHARED_LOCK.format(markers=str(markers))})
    run = _reader(site, "--jobs", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "beside another snippet, passed alone" in run.stdout, run.stdout  # one of the two collided
    assert "2 passed, 0 failed" in run.stdout


def test_a_recorded_pass_is_not_run_again_until_the_snippet_or_fresh_says_so(tiny_site):
    first = _reader(tiny_site, "good.py", "bad.py")
    assert "0 passed before" in first.stdout and "1 passed, 1 failed" in first.stdout
    second = _reader(tiny_site, "good.py", "bad.py")  # good.py passed; a failure is never recorded
    assert "1 passed before with the same bytes and environment" in second.stdout
    assert "[1/2] good.py: ok (passed before, not run again)" in second.stdout
    assert "[2/2] bad.py: FAILED (exit 1)" in second.stdout and second.returncode == 1
    assert "1 passed (1 of them recorded passes, not run again), 1 failed" in second.stdout
    fresh = _reader(tiny_site, "good.py", "--fresh")
    assert "0 passed before" in fresh.stdout and "[1/1] good.py: ok in" in fresh.stdout
    good = tiny_site / "snippets" / "good.py"
    good.write_text(good.read_text() + "print('one more line')\n")  # new bytes: runs again
    changed = _reader(tiny_site, "good.py")
    assert "0 passed before" in changed.stdout and "[1/1] good.py: ok in" in changed.stdout


def test_the_recorded_pass_depends_on_the_environment(tmp_path):
    snippet = reader.Snippet("a.py", tmp_path / "a.py", ["p.md:1"], 120.0)
    snippet.path.write_text("print(1)\n")
    here = reader.Passes(tmp_path / "passes", reader.environment_digest("cpu"))
    here.put(reader.Outcome(snippet, True, 1.5, 0, "1\n"))
    here.put(reader.Outcome(reader.Snippet("b.py", snippet.path, [], 60.0), False, 1.0, 1, ""))  # not recorded
    assert here.get(snippet) == 1.5 and len(list((tmp_path / "passes").glob("*.json"))) == 1
    assert reader.Passes(tmp_path / "passes", reader.environment_digest("cuda")).get(snippet) is None
    assert here.get(reader.Snippet("a.py", snippet.path, [], 240.0)) is None  # another time limit
    assert reader.environment_digest("cpu") == here.environment


def test_reader_shards_are_disjoint_and_cover_everything(tiny_site):
    listed = [re.findall(r"^(\S+\.py)", _reader(tiny_site, "--list", "--shard", f"{i}/2").stdout, re.M)
              for i in (1, 2)]
    assert listed[0] and listed[1] and not set(listed[0]) & set(listed[1]), listed
    assert sorted(listed[0] + listed[1]) == ["bad.py", "good.py", "slow.py"]
