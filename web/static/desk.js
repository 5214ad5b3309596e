// Keyboard shortcuts for the editors' pages. The pages work fully without
// this file: rows are links, the filters are a plain GET form, and a final
// decision has its own confirmation step on the page.
// The queue:
//   j / k      next / previous row      o or Enter   open the selected row
//   /          focus the search box
// One submission:
//   d          the decision's message   m            a message to the submitter
//   e          the edit box             n            the next piece (after a decision)
//   u          back to the queue
// Both:
//   ?          show or hide the help (the page lists the keys)
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

  // A decision that cannot be undone (reject) asks first. Confirmed, the
  // form says so, and the server applies it at once; without this script
  // the server asks on the page instead.
  Array.prototype.forEach.call(document.querySelectorAll("form.decision"), function (form) {
    form.addEventListener("submit", function (e) {
      var button = e.submitter;
      if (!button || !button.hasAttribute("data-confirm")) return;
      if (!window.confirm(button.getAttribute("data-confirm"))) {
        e.preventDefault();
        return;
      }
      var yes = document.createElement("input");
      yes.type = "hidden";
      yes.name = "confirm";
      yes.value = "yes";
      form.appendChild(yes);
    });
  });

  // focusOn moves to a form field of the submission page; false when the
  // page has none, so the key does nothing.
  function focusOn(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.focus();
    return true;
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (!link) return false;
    window.location.assign(link.getAttribute("href"));
    return true;
  }

  var onPiece = document.getElementById("decision") !== null;

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
      case "d": if (!focusOn("desk_decision_message")) return; break;
      case "m": if (!focusOn("desk_message")) return; break;
      case "e": if (!focusOn("desk_body")) return; break;
      case "n": if (!follow("a.next-piece")) return; break;
      case "u": if (!onPiece) return; window.location.assign("/desk"); break;
      default: return;
    }
    e.preventDefault();
  });
})();
