/* Interactive learning checklist (docs/checklist.md).
 *
 * Ticks are stored in localStorage under one key, as {itemId: true}. Item ids come from the
 * data-checklist-id attribute of the first link in each task-list item (falling back to a slug of
 * the item text), so reordering or regrouping items keeps saved progress.
 * The English and the Chinese checklist share those ids, so progress is shared between the
 * languages; the widget's own words follow the page's language (<html lang>).
 * document$ (Material) emits on every page load, so we (re)bind there and do nothing on pages
 * without a .checklist.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "pytorch-z2m-checklist-v1";

  var WORDS = {
    en: { progress: " progress", overall: "Overall", overallLabel: "Overall progress", reset: "Reset",
          resetTitle: "Untick every item on this checklist", confirm: "Untick all checklist items?" },
    zh: { progress: "进度", overall: "总进度", overallLabel: "总进度", reset: "重置",
          resetTitle: "取消勾选清单上的所有项目", confirm: "确定取消勾选所有清单项目吗？" }
  };

  function words() {
    var lang = (document.documentElement.getAttribute("lang") || "en").toLowerCase().split(/[-_]/)[0];
    return WORDS[lang] || WORDS.en;
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      /* storage disabled or full: the page still works, it just forgets */
    }
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  }

  function itemId(item) {
    var tagged = item.querySelector("[data-checklist-id]");
    if (tagged) return tagged.getAttribute("data-checklist-id");
    return slug(item.textContent || "");
  }

  function makeProgress(label) {
    var wrapper = document.createElement("div");
    wrapper.className = "checklist-progress";
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", label);
    var text = document.createElement("span");
    text.className = "checklist-progress__text";
    text.setAttribute("aria-live", "polite");
    wrapper.appendChild(bar);
    wrapper.appendChild(text);
    return { element: wrapper, bar: bar, text: text };
  }

  function setProgress(progress, done, total) {
    progress.bar.max = total;
    progress.bar.value = done;
    progress.text.textContent = done + " / " + total;
    progress.element.classList.toggle("checklist-progress--complete", total > 0 && done === total);
  }

  function bind(root) {
    if (root.getAttribute("data-checklist-bound") === "true") return;
    root.setAttribute("data-checklist-bound", "true");

    var state = load();
    var text = words();
    var groups = [];
    var allBoxes = [];

    Array.prototype.forEach.call(root.querySelectorAll(".checklist-group"), function (groupElement) {
      var heading = groupElement.querySelector("h2, h3");
      var name = heading ? heading.textContent.replace(/¶/g, "").trim() : "group";
      var progress = makeProgress(name + text.progress);
      if (heading) heading.insertAdjacentElement("afterend", progress.element);
      else groupElement.insertBefore(progress.element, groupElement.firstChild);

      var boxes = [];
      Array.prototype.forEach.call(groupElement.querySelectorAll("li.task-list-item"), function (item) {
        var box = item.querySelector('input[type="checkbox"]');
        if (!box) return;
        var id = itemId(item);
        box.disabled = false;            /* Material renders task-list boxes disabled */
        box.removeAttribute("disabled");
        box.setAttribute("data-checklist-item", id);
        /* the item's words name the box (Material's label wraps only the box and its indicator) */
        box.setAttribute("aria-label", (item.textContent || "").replace(/\s+/g, " ").trim());
        box.checked = state[id] === true;
        item.classList.toggle("checklist-item--done", box.checked);
        boxes.push(box);
        allBoxes.push(box);
      });
      groups.push({ boxes: boxes, progress: progress });
    });

    var overall = makeProgress(text.overallLabel);
    overall.element.classList.add("checklist-progress--overall");
    var title = document.createElement("span");
    title.className = "checklist-progress__title";
    title.textContent = text.overall;
    overall.element.insertBefore(title, overall.bar);

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button checklist-reset";
    reset.textContent = text.reset;
    reset.title = text.resetTitle;
    overall.element.appendChild(reset);
    root.insertBefore(overall.element, root.firstChild);

    function refresh() {
      var done = 0;
      groups.forEach(function (group) {
        var groupDone = group.boxes.filter(function (box) { return box.checked; }).length;
        setProgress(group.progress, groupDone, group.boxes.length);
        done += groupDone;
      });
      setProgress(overall, done, allBoxes.length);
    }

    root.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || !box.hasAttribute || !box.hasAttribute("data-checklist-item")) return;
      var current = load();   /* re-read: another tab may have changed it */
      var id = box.getAttribute("data-checklist-item");
      if (box.checked) current[id] = true;
      else delete current[id];
      save(current);
      box.closest("li").classList.toggle("checklist-item--done", box.checked);
      refresh();
    });

    reset.addEventListener("click", function () {
      if (!window.confirm(text.confirm)) return;
      save({});
      allBoxes.forEach(function (box) {
        box.checked = false;
        box.closest("li").classList.remove("checklist-item--done");
      });
      refresh();
    });

    refresh();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".checklist"), bind);
  }

  /* This script runs at the end of the body, so the checklist is already parsed: binding it now,
     before the first paint, puts the progress bars in place before anything is drawn (bound
     later, on document$, they pushed the list down: a layout shift of 0.09). bind() runs once
     per checklist. */
  init();
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);   /* every page load */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
