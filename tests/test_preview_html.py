"""snippet_runner.preview_html: a notebook preview's code cells with fewer spans, and nbconvert's dead blocks
gone. Pure functions on HTML as nbconvert and mkdocs-jupyter write it; the browser checks (the same look,
character by character, light and dark) are in tests/test_browser.py."""

from __future__ import annotations

import html
import re

import pytest

from snippet_runner.preview_html import GROUP, STYLES, drop_dead_blocks, slim, slim_code, slim_pre

pygments = pytest.importorskip("pygments", reason="pygments is not installed")
from pygments import highlight  # noqa: E402
from pygments.formatters import HtmlFormatter  # noqa: E402
from pygments.lexers import PythonLexer  # noqa: E402

SOURCE = '''# Setup: a comment
from importlib.metadata import version

VERIFIED_WITH = {'torch': '2.14.1'}  # trailing comment
for name, verified in VERIFIED_WITH.items():
    here = version(name).split('+')[0]
    print(f"torch here: {here}; x={1.5 + 2:>4} <&> \\n")
    raise ValueError(None) if not True else lambda: [x ** 2 for x in range(3)]
class A(object):
    @property
    def b(self) -> "A":
        """Doc."""
        return self.__class__
'''


def cell(source: str = SOURCE) -> str:
    """A code cell as nbconvert's highlight_code writes it (mkdocs-jupyter's cssclass)."""
    return highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight-ipynb hl-python"))


def pre_inside(cell_html: str) -> str:
    return re.search(r"<pre>(.*)</pre>", cell_html, re.DOTALL)[1]


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def runs(fragment: str) -> list[tuple[str | None, str]]:
    """Each character of a <pre>'s inside with the style group it is drawn in (None: the code's own)."""
    out = []
    for match in re.finditer(r'<span(?: class="([^"]*)")?>([^<]*)</span>|([^<]+)', fragment):
        group = None if match[3] is not None else GROUP.get(match[1], match[1])
        if group == "plain":
            group = None
        out += [(group, ch) for ch in html.unescape(match[2] if match[3] is None else match[3])]
    return out


def test_the_table_gives_each_class_one_group():
    assert sum(len(tokens) for tokens in STYLES.values()) == len(GROUP)
    assert "plain" in STYLES and "n" in STYLES["plain"] and "p" not in STYLES["plain"]


def test_plain_spans_are_unwrapped_and_their_text_kept():
    inside = '<span></span><span class="n">name</span> <span class="o">=</span> <span class="nn">a.b</span>'
    assert slim_pre(inside) == 'name <span class="o">=</span> a.b'


def test_adjacent_spans_of_one_group_are_merged_with_the_first_class():
    inside = ('<span class="p">,</span><span class="w"> </span><span class="p">(</span>'
              '<span class="sa">f</span><span class="s2">&quot;a </span><span class="si">{</span>')
    assert slim_pre(inside) == '<span class="p">, (</span><span class="sa">f&quot;a {</span>'


def test_spans_of_different_groups_or_apart_are_not_merged():
    inside = ('<span class="k">for</span><span class="o">in</span><span class="mi">1</span><span class="s2">x</span>'
              '<span class="p">(</span> <span class="p">)</span><span class="c1"># a</span><span class="kc">None</span>'
              '<span class="nb">len</span>')
    assert slim_pre(inside) == inside


def test_a_plain_span_between_two_of_one_group_keeps_them_apart():
    inside = '<span class="p">(</span><span class="n">x</span><span class="p">)</span>'
    assert slim_pre(inside) == '<span class="p">(</span>x<span class="p">)</span>'


def test_unknown_classes_and_unexpected_markup_are_left_alone():
    assert slim_pre('<span class="zz">a</span><span class="zz">b</span>') == '<span class="zz">a</span><span class="zz">b</span>'
    nested = '<span class="n">a</span><a href="#x"><span class="n">b</span></a>'
    assert slim_pre(nested) == nested  # not Pygments' flat output: untouched
    assert slim_pre('<span class="n">a</span><b>c</b>') == '<span class="n">a</span><b>c</b>'


def test_real_pygments_output_keeps_its_text_and_each_characters_style():
    original = cell()
    slimmed = slim_code(original)
    assert slimmed != original
    assert text(pre_inside(slimmed)) == text(pre_inside(original)) == SOURCE
    assert runs(pre_inside(slimmed)) == runs(pre_inside(original))
    assert slimmed.count("<span") < original.count("<span") * 0.75
    assert '<span class="n">' not in slimmed and "<span></span>" not in slimmed
    assert slim_code(slimmed) == slimmed  # nothing left to do


def test_only_code_cells_are_touched():
    outside = '<div class="jp-OutputArea-output"><pre><span class="n">x</span><span class="ansi-red-fg">E</span></pre></div>'
    page = outside + cell("x = 1\n")
    slimmed = slim_code(page)
    assert slimmed.startswith(outside)
    assert 'x <span class="o">=</span> <span class="mi">1</span>' in slimmed


# The blocks as nbconvert 7 / mkdocs-jupyter write them into a preview (shortened where the middle does not
# matter to the recognizer).
MATHJAX = '''    <!-- Load mathjax -->
    <script src=""> </script>
    <!-- MathJax configuration -->
    <script type="text/x-mathjax-config">
    init_mathjax = function() {
        if (window.MathJax) {
            MathJax.Hub.Config({ tex2jax: { inlineMath: [ ['$','$'], ["\\\\(","\\\\)"] ] } });
            MathJax.Hub.Queue(["Typeset", MathJax.Hub]);
        }
    }
    init_mathjax();
    </script>
    <!-- End of mathjax configuration -->'''
MERMAID = '''<script type="module">
  document.addEventListener("DOMContentLoaded", async () => {
    const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");
    // do not load mermaidjs if not needed
    if (!diagrams.length) {
      return;
    }
    const mermaid = (await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/11.10.0/mermaid.esm.min.mjs")).default;
    const DOCTYPE_END = ']>';
    void Promise.all([...diagrams].map(renderOneMarmaid));
  });
</script>
<style>
  .jp-Mermaid:not(.jp-RenderedMermaid) {
    display: none;
  }
  .jp-RenderedMermaid-Summary > pre {
    display: inline-block;
  }
</style>
<!-- End of mermaid configuration -->'''
LIST_STYLE = '''
        <style>
        ['pre { line-height: 125%; }\\ntd.linenos .normal { color: inherit; }\\n.highlight-ipynb .il { color: red } /* x */']
        </style>
        '''
PYGMENTS_STYLE = '<style type="text/css">\n    pre { line-height: 125%; }\n.highlight-ipynb .k { font-weight: bold }\n  </style>'
WRAPPER = '<div class="jupyter-wrapper">\n<div class="jp-Notebook">CELLS</div> <!-- jp-Notebook -->\n</div> <!-- jupyter-wrapper -->'


def preview(cells: str = "", mathjax: str = MATHJAX) -> str:
    return PYGMENTS_STYLE + "\n" + mathjax + MERMAID + WRAPPER.replace("CELLS", cells) + LIST_STYLE


def test_dead_blocks_are_dropped_and_the_rest_kept():
    slimmed = drop_dead_blocks(preview())
    assert slimmed == PYGMENTS_STYLE + "\n" + WRAPPER.replace("CELLS", "") + "\n        "
    for gone in ("mathjax", "MathJax", "jp-Mermaid", "<script", "['pre"):
        assert gone not in slimmed


def test_mathjax_loading_from_a_url_is_kept():
    loading = MATHJAX.replace('src=""', 'src="https://cdn.example/mathjax.js"')
    assert loading in drop_dead_blocks(preview(mathjax=loading))


def test_mermaid_is_kept_where_an_output_is_a_diagram():
    diagram = '<div class="jp-Mermaid">\n<pre class="mermaid">\ngraph TD; A-->B\n</pre>\n</div>'
    slimmed = drop_dead_blocks(preview(cells=diagram))
    assert MERMAID in slimmed and diagram in slimmed and "x-mathjax-config" not in slimmed


def test_code_that_mentions_mermaid_is_no_diagram():
    code = cell('html = \'<div class="jp-Mermaid">\'\n')
    assert "jp-Mermaid" in code
    assert MERMAID not in drop_dead_blocks(preview(cells=code))


def test_a_style_element_with_real_css_is_kept():
    for css in ("<style>\n.a { color: red }\n</style>", "<style>[data-x] { color: red }</style>",
                "<style>['a', 1]</style>"):
        assert css in drop_dead_blocks("<p>x</p>" + css)


def test_slim_does_both():
    slimmed = slim(preview(cells=cell("x = [1, 2]\n")))
    assert "MathJax" not in slimmed and "jp-Mermaid" not in slimmed and "['pre" not in slimmed
    assert '<span class="n">' not in slimmed and "x <span" in slimmed
    assert slim(slimmed) == slimmed
