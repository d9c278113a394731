"""A notebook preview's HTML with fewer elements and without nbconvert's dead blocks, looking the same.

mkdocs-jupyter renders each code cell with Pygments: one ``<span class="...">`` per token, most of a
preview's elements (9,258 of the 10,822 of ``notebooks/stage-1/tensors/`` once loaded; 6,430 of 7,989
after this), each of which the browser parses, styles and lays out. Many of them change nothing: a name (``.n``) gets the colour the code
around it has already, in both colour schemes; ``.p`` punctuation and ``.w`` whitespace next to each
other look the same; ``.mi`` and ``.mf`` numbers are the same colour. :func:`slim_code` removes the
first kind (their text stays, the element goes) and merges adjacent spans of the second kind into one.
:data:`STYLES` is the table it goes by: token classes grouped by the style they get from the
stylesheets a preview has (Pygments' JupyterLab style that nbconvert inlines, docs/assets/site.css's
colours for ``.jupyter-wrapper .highlight-ipynb``, docs/assets/notebook.css), light and dark alike;
``tests/test_preview_html.py`` checks the table in a browser, class by class, and that every
character of a built preview's code has the same computed style and position before and after.
A token class the table does not name keeps its span.

nbconvert's page template also puts into every preview what never runs there (:func:`drop_dead_blocks`):

- a MathJax loader whose ``src`` is empty (mkdocs-jupyter passes its ``custom_mathjax_url``, "" by
  default, so nothing is fetched) and MathJax's configuration, a ``text/x-mathjax-config`` script the
  browser never runs and only MathJax itself reads;
- mermaid's loader (an 11.6 KB module script) and its stylesheet, on a page with no ``jp-Mermaid``
  output: the script returns at once when it finds none, and the rules only match elements it makes;
- a ``<style>`` holding a Python list of the Pygments stylesheet as text (``['pre { ... }']``):
  mkdocs-jupyter appends ``resources["inlining"]["css"]`` formatted as a list, which CSS reads as one
  rule with no block, so the sheet has no rules (the same CSS is in the page already, as a real
  stylesheet).

Each is recognized by its whole text; anything else, or the same block where it would do something
(a MathJax URL, a mermaid output), is left as it is.
"""

from __future__ import annotations

import ast
import html
import re

# Token classes by the style a preview gives them. "plain": exactly the style of the code around
# them (Material's --md-code-hl-name-color is --md-code-fg-color, the code's own colour; no weight,
# no italics): their spans are unwrapped. Each other group's classes get the same colour, weight and
# style as each other, so adjacent spans of one group are merged into one (with the first's class).
STYLES: dict[str, frozenset[str]] = {
    "plain": frozenset({"n", "na", "nc", "nn", "no", "ni", "nl", "nt", "nv", "nx", "py", "vc", "vg", "vi", "vm"}),
    "comment": frozenset({"c", "ch", "cm", "cp", "cpf", "c1", "cs"}),  # comment colour, italic
    "keyword": frozenset({"k", "kd", "kn", "kp", "kr", "kt"}),  # keyword colour, bold
    "operator": frozenset({"o", "ow"}),  # operator colour, bold
    "punctuation": frozenset({"p", "pm", "w"}),  # punctuation colour
    "number": frozenset({"m", "mb", "mf", "mh", "mi", "mo", "il"}),
    "string": frozenset({"s", "s1", "s2", "sa", "sb", "sc", "dl", "sd", "se", "sh", "si", "sx", "sr", "ss"}),
    "constant": frozenset({"nb", "bp"}),  # constant colour (kc is that colour too, but bold)
    "function": frozenset({"nf", "fm", "nd"}),
    "special": frozenset({"ne", "err", "gr", "gt"}),
}
GROUP = {token: group for group, tokens in STYLES.items() for token in tokens}

# A code cell as Pygments' HtmlFormatter writes it (nbconvert's highlight_code: cssclass
# "highlight-ipynb hl-<language>"): a <div> around one <pre> of spans and text, nothing nested.
_CELL = re.compile(r'(<div class="highlight-ipynb\b[^"]*"><pre>)(.*?)(</pre>)', re.DOTALL)
_PIECE = re.compile(r'<span(?: class="(?P<cls>[^"<>]*)")?>(?P<inner>[^<]*)</span>|(?P<text>[^<]+)')


def slim_pre(inner: str) -> str:
    """The inside of one Pygments ``<pre>``: spans of "plain" classes (and Pygments' empty ``<span></span>``)
    unwrapped, adjacent spans of one :data:`STYLES` group merged. Text, entities and every other span
    stay as they are; an inside that is not flat spans and text is returned unchanged."""
    pieces = []  # (group or None for text, class, text as written)
    at = 0
    for match in _PIECE.finditer(inner):
        if match.start() != at:
            return inner
        at = match.end()
        if match["text"] is not None:
            pieces.append((None, None, match["text"]))
            continue
        cls = match["cls"]
        if cls is None and match["inner"] == "" or cls is not None and GROUP.get(cls) == "plain":
            pieces.append((None, None, match["inner"]))
        else:
            group = GROUP.get(cls) if cls is not None else None
            pieces.append((group or ("kept", cls), cls, match["inner"]))
    if at != len(inner):
        return inner
    out = []
    previous = None  # the group of the span being written, when the last piece was a span of a known group
    for group, cls, text in pieces:
        if group is None:
            out.append(text)
            previous = None
        elif group == previous and isinstance(group, str):
            out[-1] = out[-1][:-len("</span>")] + text + "</span>"
        else:
            out.append(f'<span class="{cls}">{text}</span>' if cls is not None else f"<span>{text}</span>")
            previous = group
    return "".join(out)


def slim_code(page_html: str) -> str:
    """``page_html`` with each code cell's Pygments ``<pre>`` slimmed (:func:`slim_pre`)."""
    return _CELL.sub(lambda m: m[1] + slim_pre(m[2]) + m[3], page_html)


_MATHJAX = re.compile(
    r'[ \t]*<!-- Load mathjax -->\s*<script src="">\s*</script>\s*<!-- MathJax configuration -->\s*'
    r'<script type="text/x-mathjax-config">(?:(?!</script>).)*</script>\s*<!-- End of mathjax configuration -->',
    re.DOTALL)
_MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{\s*'
    r'const diagrams = document\.querySelectorAll\("\.jp-Mermaid > pre\.mermaid"\);\s*'
    r'// do not load mermaidjs if not needed\s*if \(!diagrams\.length\) \{\s*return;\s*\}'
    r'(?:(?!</script>).)*</script>\s*'
    r'<style>\s*\.jp-Mermaid:not\(\.jp-RenderedMermaid\) \{(?:(?!</style>)[^<])*</style>\s*'
    r'<!-- End of mermaid configuration -->',
    re.DOTALL)
_HAS_MERMAID = re.compile(r'<[a-z]+\b[^>]*\sclass="[^"]*\bjp-Mermaid\b')
_STYLE = re.compile(r'\s*<style>(?P<text>(?:(?!</style>)[^<])*)</style>')


def _python_list_of_strings(text: str) -> bool:
    text = html.unescape(text).strip()
    if not text.startswith("[") or not text.endswith("]"):
        return False
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def drop_dead_blocks(page_html: str) -> str:
    """``page_html`` without nbconvert's blocks that do nothing on it: the MathJax loader with an empty
    ``src`` and its configuration; mermaid's loader and stylesheet where no output is a mermaid diagram;
    a ``<style>`` whose text is a Python list of strings."""
    page_html = _MATHJAX.sub("", page_html)
    if not _HAS_MERMAID.search(_MERMAID.sub("", page_html)):
        page_html = _MERMAID.sub("", page_html)
    return _STYLE.sub(lambda m: "" if _python_list_of_strings(m["text"]) else m[0], page_html)


def slim(page_html: str) -> str:
    """A preview's HTML as mkdocs-jupyter renders it, slimmed: :func:`drop_dead_blocks`, :func:`slim_code`."""
    return slim_code(drop_dead_blocks(page_html))
