/* Typeset the site's math with KaTeX, served by the site itself (docs/assets/vendor/katex).
 * pymdownx.arithmatex (generic mode) leaves \( ... \) and \[ ... \] inside elements of class
 * "arithmatex"; only those are typeset. Each is typeset when it comes within a screen's height of
 * the viewport (KaTeX is synchronous and already loaded, so the reader never sees the LaTeX):
 * typesetting a long lesson's math all at once was a long task at start-up. document$ (Material)
 * emits on every page load. */
(function () {
  "use strict";

  var OPTIONS = {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true }
    ],
    throwOnError: false
  };

  function render(element) {
    if (element.getAttribute("data-typeset") === "true") return;
    element.setAttribute("data-typeset", "true");
    window.renderMathInElement(element, OPTIONS);
  }

  function typeset() {
    var elements = Array.prototype.slice.call(document.querySelectorAll(".arithmatex"));
    if (!("IntersectionObserver" in window)) return elements.forEach(render);
    var watch = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watch.unobserve(entry.target);
        render(entry.target);
      });
    }, { rootMargin: "100% 0px" });
    elements.forEach(function (element) { watch.observe(element); });
    /* an opened solution (<details>) shows its math typeset; printing shows the whole page */
    document.addEventListener("toggle", function (event) {
      if (event.target.open) Array.prototype.forEach.call(event.target.querySelectorAll(".arithmatex"), render);
    }, true);
    window.addEventListener("beforeprint", function () { elements.forEach(render); });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(typeset);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
