"""Chinese figures: the same run's figures, with their text translated, for the /zh/ pages.

After the child saves a figure as ``figure-N.png``, :func:`save_chinese` translates every
matplotlib ``Text`` of it (titles, suptitle, axis labels, tick labels, legend entries,
annotations, table cells) through the merged tables ``figure_text/zh/*.toml``, sets a CJK font
(Noto Sans CJK SC, DejaVu Sans as fallback) and saves ``figure-N.zh.png``: same numbers, no second
run. The snippet file itself is untouched, so a reader who copies it still runs an English program.

Tables: keys are the exact English text (surrounding spaces aside); ``{}`` in a key matches one
number and the value's ``{}`` keeps the run's own number (``"test accuracy {}" = "测试准确率 {}"``).
A multi-line text is translated whole, else line by line. Two tables giving one key different
values is an error. ``[keep] words = [...]`` lists English that may stay in a Chinese figure (code
names, units); any file may add to it.

Each run records, in ``figure-text.zh.json`` beside its figures, per figure the English texts and the
translation used (``null`` where the tables had none), and any character no font covered. A cached
result stays valid while the current tables give the same translations for those texts
(:func:`translation_changes`); otherwise the snippet reruns.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tomllib
from pathlib import Path

TABLES = Path(__file__).resolve().parent.parent / "figure_text" / "zh"  # SNIPPETS_FIGURE_TEXT=<folder> for another
RECORD = "figure-text.zh.json"
CJK_FAMILY = ["Noto Sans CJK SC", "DejaVu Sans"]
CJK_FONTS = [os.environ.get("SNIPPETS_CJK_FONT", ""), "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"]
NUMBER = r"[-+\u2212]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


class TableError(ValueError):
    pass


class Tables:
    """The merged translation tables: exact keys, ``{}`` patterns, and the words that may stay."""

    def __init__(self, entries: dict[str, str], keep: set[str], sources: dict[str, str] | None = None) -> None:
        self.exact = {k: v for k, v in entries.items() if "{}" not in k}
        self.patterns = []
        for key, value in entries.items():
            if "{}" in key:
                if key.count("{}") != value.count("{}"):
                    raise TableError(f"{key!r}: the key has {key.count('{}')} '{{}}', the value {value.count('{}')}")
                regex = re.escape(key).replace(r"\{\}", f"({NUMBER})")
                self.patterns.append((re.compile(regex), value))
        self.patterns.sort(key=lambda p: -len(p[0].pattern))
        self.keep = keep
        self.sources = sources or {}

    def translate(self, text: str) -> str | None:
        """The Chinese for one figure text, or None when the tables have none."""
        stripped = text.strip()
        if not stripped:
            return text
        found = self._one(stripped)
        if found is None and "\n" in stripped:
            lines = [line.strip() for line in stripped.split("\n")]
            done = [self._one(line) if line and self.needs_translation(line) else line for line in lines]
            found = None if any(d is None for d in done) else "\n".join(done)
        return None if found is None else text.replace(stripped, found)

    def _one(self, text: str) -> str | None:
        if text in self.exact:
            return self.exact[text]
        for pattern, value in self.patterns:
            match = pattern.fullmatch(text)
            if match:
                numbers = iter(match.groups())
                return re.sub(r"\{\}", lambda _: next(numbers), value)
        return None

    def english_words(self, text: str) -> list[str]:
        """English words in a text that are not code names or units.

        Not words: mathtext (``$...$``), numbers (``3.4e+38``, ``3x3``), single letters (symbols),
        and code names: dotted (``nn.Linear``, ``china.jpg``), with ``_`` or a digit (``T_max``,
        ``AddBackward0``), CamelCase (``OneCycleLR``), all capitals (``MSE``), followed by ``(`` or
        ``=`` (a call, an argument), or listed in ``[keep] words``."""
        text = re.sub(r"\$[^$]*\$", " ", text)  # mathtext: symbols, not words
        text = re.sub(rf"(?<![A-Za-z_.]){NUMBER}(?:[x×]{NUMBER})*(?![A-Za-z_])", " ", text)
        words = []
        for match in WORD.finditer(text):
            word, after = match.group(0), text[match.end():match.end() + 2]
            if (len(word) == 1 or word in self.keep or "." in word or "_" in word or any(c.isdigit() for c in word)
                    or re.search(r"[a-z][A-Z]", word) or (word.isupper() and len(word) > 1) or after[:1] in ("(", "=")
                    or re.fullmatch(r"\.\w", after)):  # blocks.0: a module path
                continue
            words.append(word)
        return words

    def needs_translation(self, text: str) -> bool:
        return bool(self.english_words(text))


def tables_dir() -> Path:
    return Path(os.environ.get("SNIPPETS_FIGURE_TEXT") or TABLES)


def read_tables(folder: Path | None = None) -> Tables:
    """Merge every ``*.toml`` of the folder; a key given two different values is an error."""
    folder = tables_dir() if folder is None else folder
    entries: dict[str, str] = {}
    sources: dict[str, str] = {}
    keep: set[str] = set()
    for path in sorted(Path(folder).glob("*.toml")) if Path(folder).is_dir() else []:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise TableError(f"{path.name}: {error}") from None

        def add(table: dict, where: str) -> None:
            for key, value in table.items():
                if key == "keep" and isinstance(value, dict):
                    keep.update(value.get("words", []))
                elif isinstance(value, dict):
                    add(value, f"{where}.{key}")
                elif isinstance(value, str):
                    key = key.strip()
                    if key in entries and entries[key] != value:
                        raise TableError(f"{key!r} is {entries[key]!r} in {sources[key]} but {value!r} in {where}")
                    entries[key] = value
                    sources.setdefault(key, where)
                else:
                    raise TableError(f"{where}: {key!r} is not a string")

        add(data, path.name)
    return Tables(entries, keep, sources)


def _stamp(folder: Path) -> tuple:
    folder = Path(folder)
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml"))) \
        if folder.is_dir() else ()


@functools.lru_cache(maxsize=4)
def _tables_at(folder: str, stamp: tuple) -> Tables:
    return read_tables(Path(folder))


def current_tables(folder: Path | None = None) -> Tables:
    """The tables as they are on disk now (re-read only when a file changed)."""
    folder = tables_dir() if folder is None else folder
    return _tables_at(str(folder), _stamp(folder))


# --- in the child: translate a figure and save its Chinese twin --------------------------------

@functools.cache
def _register_cjk_fonts() -> bool:
    from matplotlib import font_manager

    found = False
    for path in CJK_FONTS:
        if path and Path(path).is_file():
            font_manager.fontManager.addfont(path)
            found = True
    return found


def _texts(figure):
    from matplotlib.text import Text

    found = list(figure.findobj(Text))
    for axes in figure.axes:  # a table's cells do not list their text as a child
        for table in getattr(axes, "tables", []):
            found.extend(cell.get_text() for cell in table.get_celld().values())
    return list({id(t): t for t in found if t.get_text().strip()}.values())


class _TranslatingFormatter:
    """Wraps an axis's tick formatter: its labels, translated (a redraw re-creates tick labels)."""

    def __new__(cls, inner, tables: Tables, record: dict):
        from matplotlib.ticker import Formatter

        class Translating(Formatter):
            def __init__(self):
                self.inner = inner

            def set_axis(self, axis):
                self.inner.set_axis(axis)

            def set_locs(self, locs):
                self.inner.set_locs(locs)

            def __call__(self, x, pos=None):
                return _translated(self.inner(x, pos), tables, record)

            def format_ticks(self, values):
                return [_translated(s, tables, record) for s in self.inner.format_ticks(values)]

            def get_offset(self):
                return _translated(self.inner.get_offset(), tables, record)

            def format_data(self, value):
                return self.inner.format_data(value)

            def format_data_short(self, value):
                return self.inner.format_data_short(value)

        return Translating()


def _translated(text: str, tables: Tables, record: dict) -> str:
    if text is not None and not isinstance(text, str):
        text = str(text)  # a FixedFormatter hands back its labels as given: numpy integers, say
    if not text or not tables.needs_translation(text):
        return text
    translation = tables.translate(text)
    record[text.strip()] = translation
    return text if translation is None else translation


@functools.lru_cache(maxsize=16)
def _font(path: str, face_index: int):
    from matplotlib.ft2font import FT2Font

    return FT2Font(path, face_index=face_index)


def uncovered(text_artist) -> list[str]:
    """Characters of a Text that no font of its font chain has a glyph for (rendered as tofu)."""
    from matplotlib import font_manager

    entries = font_manager.fontManager._find_fonts_by_props(text_artist.get_fontproperties())
    fonts = [_font(str(e), getattr(e, "face_index", 0)) for e in entries]
    text = re.sub(r"\$[^$]*\$", "", text_artist.get_text())
    return sorted({c for c in text if not c.isspace() and not any(f.get_char_index(ord(c)) for f in fonts)})


def save_chinese(figure, path: Path, tables: Tables | None = None, **savefig) -> dict:
    """Translate the figure's text in place, set the CJK font, save it at ``path``; the record."""
    import matplotlib

    tables = tables if tables is not None else current_tables()
    record: dict[str, str | None] = {}
    has_font = _register_cjk_fonts()
    for axes in figure.axes:
        for axis in (getattr(axes, "xaxis", None), getattr(axes, "yaxis", None)):
            if axis is None:
                continue
            axis.set_major_formatter(_TranslatingFormatter(axis.get_major_formatter(), tables, record))
            axis.set_minor_formatter(_TranslatingFormatter(axis.get_minor_formatter(), tables, record))
    for text in _texts(figure):
        text.set_text(_translated(text.get_text(), tables, record))
        text.set_fontfamily(CJK_FAMILY)
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": CJK_FAMILY}):
        for axes in figure.axes:
            axes.tick_params(labelfontfamily=CJK_FAMILY)
        figure.savefig(path, **savefig)
        tofu = sorted({c for text in _texts(figure) for c in uncovered(text)})
    return {"texts": dict(sorted(record.items())), "tofu": tofu, "font": has_font}


def write_record(folder: Path, records: list[dict]) -> None:
    (Path(folder) / RECORD).write_text(json.dumps({"figures": records}, ensure_ascii=False, indent=1), encoding="utf-8")


# --- after the run: files, cache validity, pages ------------------------------------------------

def chinese_path(figure: Path) -> Path:
    return Path(figure).with_name(Path(figure).stem + ".zh.png")


def companions(figures: list[Path]) -> list[Path]:
    """The Chinese twins of a run's figures and its record, those that exist."""
    if not figures:
        return []
    found = [chinese_path(f) for f in figures] + [Path(figures[0]).with_name(RECORD)]
    return [p for p in found if p.is_file()]


def read_record(figures: list[Path]) -> list[dict] | None:
    if not figures:
        return []
    try:
        return json.loads(Path(figures[0]).with_name(RECORD).read_text(encoding="utf-8"))["figures"]
    except (OSError, ValueError, KeyError):
        return None


def translation_changes(figures: list[Path], tables: Tables | None = None) -> list[str]:
    """Why a result's Chinese figures are out of date ([] when they are current)."""
    if not figures:
        return []
    records = read_record(figures)
    if records is None or len(records) != len(figures) or not all(chinese_path(f).is_file() for f in figures):
        return ["no Chinese figures recorded"]
    try:
        tables = tables if tables is not None else current_tables()
    except TableError as error:
        return [f"figure text tables: {error}"]
    for record in records:
        for english, used in record.get("texts", {}).items():
            now = tables.translate(english)
            if now != used:
                return [f"figure text {english!r}: {used!r} -> {now!r}"]
    return []


def chinese_title(title: str, record: dict | None) -> str:
    """A figure's title (its alt text) in Chinese, from the translations its run used."""
    texts = (record or {}).get("texts", {})
    if title and texts.get(title.strip()):  # a suptitle, which may itself contain "; "
        return texts[title.strip()].replace("\n", " ")
    parts = [texts.get(part.strip()) or part for part in title.split("; ")] if title else []  # axes' titles
    return "；".join(p.replace("\n", " ") for p in parts)


def figure_for(figure: Path, language: str) -> Path:
    """The figure to show on a page in this language."""
    if language == "zh":
        zh = chinese_path(figure)
        if zh.is_file():
            return zh
    return figure


def leftover_english(figures: list[Path], tables: Tables | None = None) -> list[str]:
    """English words still in a result's Chinese figures (missing entries), and tofu."""
    tables = tables if tables is not None else current_tables()
    records = read_record(figures) or []
    problems = []
    for number, record in enumerate(records, 1):
        for english, used in record.get("texts", {}).items():
            if used is None and tables.needs_translation(english):
                problems.append(f"figure {number}: no translation for {english!r}")
            elif used is not None and tables.english_words(used):
                problems.append(f"figure {number}: {used!r} still has English {tables.english_words(used)}")
        if record.get("tofu"):
            problems.append(f"figure {number}: no font for {''.join(record['tofu'])!r}")
    return problems
