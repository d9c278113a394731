"""Command line: run snippets as the build does, list what would rerun, or benchmark the runner.

    python -m snippet_runner run snippets/stage1/tensors_math.py [...]
    python -m snippet_runner stale            # which snippets would rerun now, and why
    python -m snippet_runner drift            # run everything fresh, compare with the recorded results
    python -m snippet_runner bench            # runner overhead, cold vs warm build, cache precision, the author's loop
    python -m snippet_runner bench --quick    # the author's loop alone: mkdocs serve, warm build vs plain Material
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .render import clean_output, run_summary
from .results import Task
from .runner import Runner
from .site import Site

TRIVIAL = "# the cheapest snippet that still uses torch\nimport torch\nprint(torch.ones(2).sum().item())\n"


def _course_preload(root: Path) -> None:
    """Files run from a site's folder get the site's warm worker (its course file's PRELOAD)."""
    from . import runner as runner_module

    if (root / "mkdocs.yml").is_file():
        runner_module.preload(Site.load(root).course.get("PRELOAD", ()))


def cmd_run(args) -> int:
    _course_preload(Path.cwd())
    runner = Runner(device=args.device)
    tasks = [Task(Path(f)) for f in args.files]
    with tempfile.TemporaryDirectory() as scratch:
        results = runner.run_many(tasks, [Path(scratch, str(i)) for i in range(len(tasks))], progress=True)
        failed = 0
        for task, result in zip(tasks, results):
            status = "ok" if result.ok else f"FAILED: {result.failure.message}"
            print(f"=== {task.display_name} ({run_summary(result)}, {len(result.figures)} figures): {status}")
            print(clean_output(result.output))
            failed += not result.ok
    return 1 if failed else 0


def stale_blocks(site: Site, device: str = "auto") -> tuple[list[tuple[str, str]], int]:
    """(snippet, why it would rerun) for every executable snippet without a valid cached result."""
    session = site.session(device=device)
    try:
        seen, stale = {}, []
        for block in site.blocks():
            if block.snippet is None or session.not_run_reason(block) or block.snippet in seen:
                continue
            lookup = session.lookup(block)
            seen[block.snippet] = lookup
            if lookup.result is None:
                stale.append((session.display_name(block.snippet), lookup.reason))
        return stale, len(seen)
    finally:
        session.close()


def cmd_stale(args) -> int:
    stale, total = stale_blocks(Site.load(Path(args.root)), args.device)
    for name, reason in stale:
        print(f"{name}: {reason}")
    print(f"{len(stale)} of {total} executable snippets would run again; the others come from the cache")
    return 0


def cmd_drift(args) -> int:
    """Run every executable snippet fresh here and compare with the results recorded in a cache."""
    import hashlib

    from .cache import Cache
    from .compare import output_diff
    from .session import Session

    site = Site.load(Path(args.root))
    recorded = Cache(Path(args.against) if args.against else site.cache_dir)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Session(Path(scratch), device=args.device, read_cache=False, progress=True,
                        display_root=site.root / "snippets", policy=site.policy)  # the build's checks and stamp
        unique = {}
        for block in site.blocks():  # what runs here: the session's one rule (GPU blocks on a GPU too)
            if block.snippet is not None and not fresh.not_run_reason(block):
                unique.setdefault(block.snippet, block)
        blocks = [b for b in unique.values() if not args.files or any(f in b.include for f in args.files)]
        outcomes = fresh.run(blocks)
        lines, counts = [], {"fails now": 0, "changed": 0, "unchanged": 0, "no record": 0}
        for block in blocks:
            new = outcomes[block].result
            old = recorded.newest(fresh.key(block))  # whatever environment it was recorded in
            if not outcomes[block].status == "ok":
                verdict, detail = "fails now", [new.failure.message] + new.output.strip().split("\n")[-5:]
            elif old is None:
                verdict, detail = "no record", []
            else:
                detail = output_diff(old.output, new.output, block.snippet.read_text(encoding="utf-8"))
                digests = [[hashlib.sha256(f.read_bytes()).hexdigest() for f in r.figures] for r in (old, new)]
                if digests[0] != digests[1]:
                    detail.append(f"figures differ ({len(digests[0])} recorded, {len(digests[1])} now)")
                verdict = "changed" if detail else "unchanged"
            counts[verdict] += 1
            if verdict != "unchanged":
                before = ", ".join(f"{k} {v}" for k, v in sorted((old.distributions if old else {}).items())
                                   if k in ("torch", "torchvision", "numpy"))
                lines.append(f"## {block.include}: {verdict}" + (f" (recorded with {before})" if before else ""))
                lines.extend(f"    {line}" for line in detail[:args.lines])
        fresh.close()
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    report = "\n".join([f"# Drift report: {len(blocks)} snippets, {summary}", *lines, ""])
    print(report)
    if args.report:
        Path(args.report).write_text(report)
    return 1 if args.strict and (counts["fails now"] or counts["changed"]) else 0


# -- the benchmark --------------------------------------------------------------------------------

def _timed_build(root: Path, cache: Path, extra_path: Path | None = None, only: str | None = None) -> tuple[float, int]:
    """(seconds, snippets executed in all languages) of one `mkdocs build` with the given cache.

    ``only``: build that language alone (mkdocs-static-i18n's BUILD_ONLY_LOCALE)."""
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("BUILD_ONLY_LOCALE", None)
    if only:
        env["BUILD_ONLY_LOCALE"] = only
    if extra_path is not None:  # metadata of fake distributions, seen first on sys.path
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as site:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", site], cwd=root, env=env,
                              check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    counts = re.findall(r"snippets(?: \([\w-]+\))?: (\d+) executed", done.stderr)
    return seconds, sum(map(int, counts)) if counts else -1


def plain_material_config(root: Path, folder: Path) -> Path:
    """A mkdocs.yml for the same pages built by Material alone: the site's own mkdocs.yml (theme,
    Markdown extensions, nav) with its search plugin's settings and no other plugin, no hook, no
    languages, no notebooks: the anchor the benchmark measures the site's build against."""
    from mkdocs.utils.yaml import yaml_load

    config_file = root / "mkdocs.yml"
    with open(config_file, "rb") as handle:
        site = yaml_load(handle)
    plugins = site.get("plugins", [])
    if isinstance(plugins, dict):  # the mapping form: {name: options}
        plugins = [{name: options} for name, options in plugins.items()]
    search = next(({"search": dict(p["search"] or {})} for p in plugins if isinstance(p, dict)
                   and "search" in p), "search")
    theme = site.get("theme", {})
    plain = {"INHERIT": str(config_file), "docs_dir": str(root / site.get("docs_dir", "docs")), "plugins": [search],
             "hooks": [], "watch": []}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        plain["theme"] = {"custom_dir": str(root / theme["custom_dir"])}
    target = folder / "mkdocs-plain.yml"
    target.write_text(json.dumps(plain, ensure_ascii=False, indent=1))  # JSON is YAML
    return target


def _fake_distribution(folder: Path, name: str, version: str) -> None:
    """Just the metadata of an installed distribution (enough for importlib.metadata)."""
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def _importers(site: Site, cache: Path, distribution: str) -> tuple[int, int]:
    """(snippets whose cached result records ``distribution``, executable snippets) in this cache."""
    os.environ["SNIPPETS_CACHE_DIR"] = str(cache)
    try:
        session = site.session()
        results = {b.snippet: session.lookup(b).result for b in site.blocks()
                   if b.snippet is not None and not session.not_run_reason(b)}
        session.close()
    finally:
        del os.environ["SNIPPETS_CACHE_DIR"]
    return sum(r is not None and distribution in r.distributions for r in results.values()), len(results)


def _site_copy(root: Path, target: Path) -> Path:
    """The site's sources (mkdocs.yml, pages, snippets, theme overrides, hooks) copied to ``target``, to
    edit without touching the real ones (the folders mkdocs.yml watches exist there, empty if need be)."""
    import shutil

    from mkdocs.utils.yaml import yaml_load

    with open(root / "mkdocs.yml", "rb") as handle:
        config = yaml_load(handle) or {}
    target.mkdir(parents=True)
    shutil.copy2(root / "mkdocs.yml", target / "mkdocs.yml")
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    for name in {config.get("docs_dir", "docs"), "snippets", "site_hooks", theme.get("custom_dir")} - {None}:
        if (root / name).is_dir():
            shutil.copytree(root / name, target / name, symlinks=True)
    for name in config.get("watch", []):
        (target / name).mkdir(parents=True, exist_ok=True)
    return target


def _page_url(page: str) -> str:
    """docs/stage-1/tensors.md -> stage-1/tensors/ (use_directory_urls)."""
    stem = page.split("/", 1)[1].removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def author_loop(root: Path, cache: Path, scratch: Path, page: str = "docs/stage-1/tensors.md") -> None:
    """The author's loop, from one run: a warm two-language build against a plain Material build of
    the same pages, then mkdocs serve (start, a prose edit, a snippet edit) on a copy of the site with
    the given snippet cache, and a first serve with nothing cached (a fresh clone)."""
    from .collect import INCLUDE
    from .serving import Served

    site = _site_copy(root, scratch / "site")
    plain = plain_material_config(site, scratch)
    env = {"SNIPPETS_CACHE_DIR": str(cache)}
    _timed_build(site, cache)  # the caches a warm build finds: this site's pages made once
    ours, anchor = [], []
    for _ in range(2):  # alternately, the better of two each: the machine's load moves both
        ours.append(_timed_build(site, cache)[0])
        anchor.append(_plain_build(site, plain))
    print(f"   warm build, both languages               : {min(ours):7.1f} s")
    print(f"   plain Material build of the same pages   : {min(anchor):7.1f} s (search only: no hooks, languages, "
          "notebooks)")
    print(f"   warm build vs plain Material             : {min(ours) / min(anchor):7.2f}x (goal <= 1.0x)", flush=True)

    url = _page_url(page)
    with Served(site, env) as served:
        start = served.wait_for(url, "</html>")
        print(f"   mkdocs serve: start -> {url} served     : {start:7.1f} s (warm caches; goal <= 10 s)", flush=True)
        time.sleep(15)  # the warm worker starts after the first build: an author's first edit comes later
        source = site / page
        text = source.read_text(encoding="utf-8")
        marker = f"bench-prose-{time.time_ns()}"
        began = time.perf_counter()
        source.write_text(text.replace("\n\n", f"\n\n{marker}\n\n", 1), encoding="utf-8")
        prose = served.wait_for(url, marker, since=began, timeout=300)
        print(f"   edit prose -> page shows it              : {prose:7.1f} s (goal <= 2 s)", flush=True)
        time.sleep(2)
        print(f"     that rebuild                           : {_last_rebuild(served.log())}", flush=True)
        include = next(m["target"] for line in text.split("\n") if (m := INCLUDE.match(line.strip())))
        snippet = site / "snippets" / include
        code = snippet.read_text(encoding="utf-8")
        token = f"{time.time_ns()}"
        began = time.perf_counter()
        snippet.write_text(code + f"\nprint('bench-snippet-' + '{token}')\n", encoding="utf-8")
        edited = served.wait_for(url, f"bench-snippet-{token}", since=began, timeout=600)
        shown = served.get(url) or ""
        box = shown[shown.find(f'data-snippet="{include}"'):]
        ran = re.search(r"ran in ([\d.]+) (s|min)", box)
        run = (float(ran[1]) * (60 if ran[2] == "min" else 1)) if ran else float("nan")
        print(f"   edit a snippet -> page shows its output  : {edited:7.1f} s, of which the snippet's run "
              f"{run:.1f} s (goal <= 2 s + its run)", flush=True)
        both = served.wait_for(f"zh/{url}", f"bench-snippet-{token}", since=began, timeout=600)
        print(f"     the Chinese page shows it too          : {both:7.1f} s", flush=True)
        time.sleep(2)
        print(f"     that rebuild                           : {_last_rebuild(served.log())}", flush=True)

    cold = scratch / "cold" / "snippets"  # its page and notebook caches beside it: all empty
    with Served(site, {"SNIPPETS_CACHE_DIR": str(cold)}) as served:
        first = served.wait_for(url, "snippet-pending")
        print(f"   mkdocs serve, nothing cached: first page : {first:7.1f} s, outputs pending (goal <= 30 s)", flush=True)


def _last_rebuild(log: str) -> str:
    """What the server's last rebuild wrote, as the snippet-outputs plugin logs it."""
    lines = re.findall(r"snippet-outputs: ((?:partial rebuild|complete build): .*)", log)
    return lines[-1] if lines else "(not logged)"


def _plain_build(root: Path, config: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as site:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "--site-dir", site], cwd=root,
                       env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def cmd_bench(args) -> int:
    root = Path(args.root).resolve()
    if args.quick:
        cache = Path(args.cache).resolve() if args.cache else Site.load(root).cache_dir
        print(f"The author's loop (snippet cache {cache})", flush=True)
        with tempfile.TemporaryDirectory() as scratch:
            author_loop(root, cache, Path(scratch), args.page)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        snippet = Path(scratch, "trivial.py")
        snippet.write_text(TRIVIAL)

        print(f"1. Per-snippet cost of a trivial torch snippet ({args.repeat} runs each)")
        plain = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(snippet)], cwd=scratch, check=True, capture_output=True)
            plain.append(time.perf_counter() - started)
        _course_preload(root)
        runner = Runner(device="cpu")
        runner.run(Task(snippet), Path(scratch, "warm-up"))  # starts the warm worker once
        forked = []
        for i in range(args.repeat * 4):
            started = time.perf_counter()
            result = runner.run(Task(snippet), Path(scratch, f"r{i}"))
            forked.append(time.perf_counter() - started)
            assert result.ok, result.output
        plain_s, forked_s = statistics.median(plain), statistics.median(forked)
        print(f"   python snippet.py : {plain_s:7.3f} s (median)")
        print(f"   runner (forked)   : {forked_s:7.3f} s (median)")
        print(f"   overhead ratio    : {plain_s / forked_s:7.1f}x less per snippet (goal >= 30x)")

    print("2. Building the whole site: English alone, then both languages", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch, "cache")
        if args.cache:  # start from a copy of a filled cache: no cold builds
            import shutil

            shutil.copytree(args.cache, cache)
        else:
            cold, ran = _timed_build(root, cache, only="en")
            print(f"   cold build, English only (empty cache)  : {cold:7.1f} s ({ran} snippets executed)")
        warm, again = _timed_build(root, cache, only="en")
        print(f"   warm build, English only (all cached)   : {warm:7.1f} s ({again} executed)")
        if not args.cache:
            print(f"   warm vs cold                             : {cold / warm:7.1f}x faster (goal >= 20x)")
            cold_both, ran_both = _timed_build(root, Path(scratch, "cache-both"))
            print(f"   cold build, both languages (empty cache) : {cold_both:7.1f} s ({ran_both} snippets executed: "
                  f"{'each once' if ran_both == ran else 'NOT each once'})")
            print(f"   both languages vs English, cold          : {cold_both / cold:7.2f}x (goal <= 1.2x)")
        both = Path(scratch, "cache-both")
        if args.cache:  # a first build of both languages renders the Chinese notebook previews once
            both = cache
            _timed_build(root, both)
        warm_both, again_both = _timed_build(root, both)
        print(f"   warm build, both languages (all cached)  : {warm_both:7.1f} s ({again_both} executed)")
        print(f"   both languages vs English, warm          : {warm_both / warm:7.2f}x (goal <= 2.5x)")

        print("3. Reruns after a change of the environment (each from the warm cache)", flush=True)
        site = Site.load(root)
        unused = Path(scratch, "unused")
        _fake_distribution(unused, "snippet-bench-unused", "1.0")
        _, reran = _timed_build(root, cache, unused, only="en")
        print(f"   a package no snippet imports installed   : {reran} snippets rerun (goal 0)")
        from .cache import installed_version

        name = args.upgrade
        importers, total = _importers(site, cache, name)
        upgraded = Path(scratch, "upgraded")
        _fake_distribution(upgraded, name, "99.0")
        _, reran = _timed_build(root, Path(scratch, "cache"), upgraded, only="en")
        verdict = "exactly those" if reran == importers else "NOT exactly those"
        print(f"   {name} {installed_version(name)} -> 99.0 (metadata only)  : {reran} of {total} snippets rerun; "
              f"{importers} import it: {verdict}")
        _, after = _timed_build(root, cache, only="en")
        print(f"   back to {name} {installed_version(name)}               : {after} rerun (both variants kept)")

        print("4. The author's loop (from the warm cache of both languages)", flush=True)
        author_loop(root, both, Path(scratch, "author"), args.page)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippet_runner")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run snippet files as the build would and print their output")
    run.add_argument("files", nargs="+")
    run.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    run.set_defaults(func=cmd_run)
    stale = commands.add_parser("stale", help="list the snippets that would run again now, and why (runs nothing)")
    stale.add_argument("--root", default=".", help="the site's folder (where mkdocs.yml is)")
    stale.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    stale.set_defaults(func=cmd_stale)
    drift = commands.add_parser("drift", help="run every snippet fresh, compare with the results recorded in a cache")
    drift.add_argument("files", nargs="*", help="only snippets whose path contains one of these")
    drift.add_argument("--root", default=".", help="the site's folder (where mkdocs.yml is)")
    drift.add_argument("--against", help="the cache holding the recorded results (default: the site's)")
    drift.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    drift.add_argument("--report", help="also write the report (Markdown) to this file")
    drift.add_argument("--lines", type=int, default=12, help="diff lines shown per snippet")
    drift.add_argument("--strict", action="store_true", help="exit 1 when anything fails or changed")
    drift.set_defaults(func=cmd_drift)
    bench = commands.add_parser("bench", help="runner overhead, cold vs warm site build, reruns after upgrades")
    bench.add_argument("--repeat", type=int, default=5)
    bench.add_argument("--root", default=".", help="the site's folder (where mkdocs.yml is)")
    bench.add_argument("--upgrade", default="onnxruntime", help="the distribution whose version the bench fakes")
    bench.add_argument("--cache", help="start from a copy of this filled cache instead of a cold build")
    bench.add_argument("--page", default="docs/stage-1/tensors.md",
                       help="the page the author's loop edits (in a copy), with the first snippet it includes")
    bench.add_argument("--quick", action="store_true",
                       help="only the author's loop (mkdocs serve; warm build vs plain Material), from the site's "
                            "snippet cache or --cache (a few minutes)")
    bench.set_defaults(func=cmd_bench)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
