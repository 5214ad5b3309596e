// Keyboard shortcuts for the editors' queue. The page works fully without
// this file: rows are links and the filters are a plain GET form.
//   j / k      next / previous row      o or Enter   open the selected row
//   /          focus the search box     ?            show or hide the help
(function () {
  "use strict";
  var table = document.getElementById("queue");
  var help = document.getElementById("shortcuts");
  var search = document.getElementById("q");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var current = -1;

  // typing reports whether a key press belongs to a form control, where
  // letters are text, not commands.
  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function select(i) {
    if (rows.length === 0) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (current >= 0 && rows[current]) {
      rows[current].removeAttribute("aria-current");
      rows[current].classList.remove("selected");
    }
    current = i;
    var row = rows[current];
    row.setAttribute("aria-current", "true");
    row.classList.add("selected");
    // Focus the row's link: screen readers announce it and the focus ring shows.
    var link = row.querySelector("a.open");
    if (link) link.focus();
  }

  function open() {
    if (current < 0 || !rows[current]) return;
    var link = rows[current].querySelector("a.open");
    if (link) window.location.assign(link.getAttribute("href"));
  }

  function toggleHelp(show) {
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) {
      var close = document.getElementById("shortcuts-close");
      if (close) close.focus();
    }
  }

  // A row whose link gets focus another way (Tab, a click) becomes the selection.
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () {
      if (current !== i) {
        if (current >= 0 && rows[current]) {
          rows[current].removeAttribute("aria-current");
          rows[current].classList.remove("selected");
        }
        current = i;
        row.setAttribute("aria-current", "true");
        row.classList.add("selected");
      }
    });
  });

  var close = document.getElementById("shortcuts-close");
  if (close) close.addEventListener("click", function () { toggleHelp(false); });

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape" && e.target === search) search.blur();
      return;
    }
    switch (e.key) {
      case "j": select(current + 1); break;
      case "k": select(current < 0 ? 0 : current - 1); break;
      case "o": open(); break;
      case "Enter":
        // Enter on a focused link or button already does the right thing.
        if (document.activeElement && document.activeElement.tagName !== "BODY" &&
            document.activeElement.tagName !== "TR") return;
        open(); break;
      case "/":
        if (!search) return;
        search.focus(); search.select(); break;
      case "?": toggleHelp(); break;
      case "Escape": toggleHelp(false); return;
      default: return;
    }
    e.preventDefault();
  });
})();
