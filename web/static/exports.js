// exports.js: while an export runs, the exports page fetches itself every
// three seconds and puts the fresh list in place of the old one. It replaces
// a meta refresh, which reloaded the whole page: every three seconds the
// keyboard focus and a screen reader went back to the top (WCAG 2.2.1).
"use strict";

(() => {
  const list = document.getElementById("export-list");
  if (!list || !list.hasAttribute("data-running")) {
    return;
  }
  const again = () => setTimeout(refresh, 3000);
  async function refresh() {
    // Never pull a link or button out from under the focus: wait until it leaves.
    if (list.contains(document.activeElement)) {
      again();
      return;
    }
    let doc;
    try {
      const res = await fetch(location.href, { credentials: "same-origin" });
      if (!res.ok) {
        again();
        return;
      }
      doc = new DOMParser().parseFromString(await res.text(), "text/html");
    } catch {
      again();
      return;
    }
    const fresh = doc.getElementById("export-list");
    if (!fresh || list.contains(document.activeElement)) {
      again();
      return;
    }
    list.replaceChildren(...fresh.childNodes);
    if (fresh.hasAttribute("data-running")) {
      again();
    } else {
      list.removeAttribute("data-running");
    }
  }
  again();
})();
