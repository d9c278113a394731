/* Typeset the site's math with KaTeX, served by the site itself (docs/assets/vendor/katex).
 * pymdownx.arithmatex (generic mode) leaves \( ... \) and \[ ... \] inside elements of class
 * "arithmatex"; only those are typeset. document$ (Material) emits on every page load. */
(function () {
  "use strict";

  function typeset() {
    Array.prototype.forEach.call(document.querySelectorAll(".arithmatex"), function (element) {
      window.renderMathInElement(element, {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true }
        ],
        throwOnError: false
      });
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(typeset);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
