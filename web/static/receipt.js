// The receipt page: its code is shown only here, so leaving by mistake
// loses it. Links that leave (brand, footer) ask first; the language
// switch stays on this page and does not; the browser asks too before Back
// or closing the tab. The print button appears only with this script.
(function () {
  "use strict";
  var page = document.querySelector(".receipt-page");
  if (!page) {
    return;
  }
  var warning = page.getAttribute("data-leave") || "";
  var leaving = false;

  var print = document.getElementById("receipt-print");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", function () {
      window.print();
    });
  }

  // A link to this same page (the language switch) or the download keeps
  // the receipt; any other link asks.
  function keeps(link) {
    return link.pathname === window.location.pathname || link.id === "receipt-download";
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!link || (link.hash && link.pathname === window.location.pathname && link.search === window.location.search)) {
      return; // not a link, or one within the page (skip to content)
    }
    if (keeps(link)) {
      // The same receipt, in the other language: no question on the way.
      leaving = link.id !== "receipt-download";
      return;
    }
    if (window.confirm(warning)) {
      leaving = true;
    } else {
      ev.preventDefault();
    }
  });

  var forget = page.querySelector("form.receipt-forget");
  if (forget) {
    forget.addEventListener("submit", function () {
      leaving = true;
    });
  }

  window.addEventListener("beforeunload", function (ev) {
    if (leaving) {
      return;
    }
    ev.preventDefault();
    ev.returnValue = warning; // older browsers show nothing without it
  });
})();
