// The submission form, on top of a page that works without it:
// - the file picker gets a button in the page's language (the browser's
//   own one speaks the browser's language); each chosen file is listed with
//   a small picture (photos) or its name and size (documents) and a button
//   to remove it; choosing again adds files;
// - a photo over the print size is shrunk before sending (upload.js);
// - files over the size or count limit are caught before anything is sent
//   (a phone may take minutes to upload them), with a message in the page's
//   language next to the field, and focus moved to it;
// - the form is sent by XMLHttpRequest, with a progress bar of the bytes
//   sent; a send that fails (the connection drops, times out, or the server
//   answers 5xx) can be sent again with one tap, nothing retyped. Every send
//   of this filled-in form carries one Idempotency-Key, so a story that did
//   arrive before the answer was lost is not stored twice: the server
//   answers the retry with the same submission and its receipt;
// - a refusal (400, 413, 415, 429) shows the page the server answered, with
//   everything typed, and the chosen files are kept.
// The server checks everything again; this only saves the submitter a wait.
(function () {
  "use strict";
  var prep = window.StoryDeskUpload;
  if (!prep || typeof window.FormData !== "function" || typeof window.Promise !== "function" ||
      typeof window.DOMParser !== "function" || !("upload" in new XMLHttpRequest())) {
    return; // the form is sent as without JavaScript
  }

  // How long a send may go without progress before it counts as failed: a
  // connection that moved no byte for a minute is gone, and the server takes
  // seconds, not minutes, to store a story once it has all of it.
  var STALL_MS = 60000;
  var ANSWER_MS = 120000;

  var entries = []; // {file, ready: Promise, result} per chosen file, in order
  var key = newKey();
  var busy = false;
  var el = {}; // the current page's elements; a refusal's page replaces them

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function megabytes(n) {
    return (Math.ceil(n / 104857.6) / 10).toLocaleString(document.documentElement.lang) + " MB";
  }

  function data(name) {
    return el.field.getAttribute("data-" + name) || "";
  }

  // problem returns the message for the chosen files, or "". A file still
  // being prepared is judged when it is ready (a photo over the size limit
  // may fit once shrunk).
  function problem() {
    var maxFiles = parseInt(data("max-files"), 10) || 0;
    var maxBytes = parseInt(data("max-bytes"), 10) || 0;
    if (maxFiles && entries.length > maxFiles) {
      return data("too-many");
    }
    for (var i = 0; i < entries.length; i++) {
      var size = entries[i].result ? entries[i].result.size : 0;
      if (maxBytes && size > maxBytes) {
        return data("too-large") + " (" + entries[i].file.name + ", " + megabytes(size) + ")";
      }
    }
    return "";
  }

  // show marks the field with text ("" clears it) and reports whether it is fine.
  function show(text, focus) {
    el.message.textContent = text;
    el.message.hidden = text === "";
    el.field.classList.toggle("invalid", text !== "");
    if (text !== "") {
      el.input.setAttribute("aria-invalid", "true");
      if (focus) {
        el.message.focus();
      }
    } else if (!document.getElementById("err-attachments")) {
      el.input.removeAttribute("aria-invalid");
    }
    return text === "";
  }

  function note(entry) {
    var r = entry.result;
    if (!r) {
      return data("preparing");
    }
    return r.shrunk ? data("smaller") + " " + megabytes(r.size) : "";
  }

  function listFiles() {
    var names = el.names;
    names.textContent = "";
    var p = document.createElement("p");
    p.className = "file-none";
    if (entries.length === 0) {
      p.textContent = data("none");
      names.appendChild(p);
      return;
    }
    p.textContent = data("chosen");
    names.appendChild(p);
    var ul = document.createElement("ul");
    ul.className = "file-list";
    entries.forEach(function (entry, i) {
      var li = document.createElement("li");
      li.className = "file-item";
      if (entry.result && entry.result.thumb) {
        li.appendChild(entry.result.thumb);
      } else {
        var icon = document.createElement("span");
        icon.className = "file-icon";
        icon.setAttribute("aria-hidden", "true");
        li.appendChild(icon);
      }
      var text = document.createElement("span");
      text.className = "file-text";
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = entry.file.name;
      text.appendChild(name);
      text.appendChild(document.createTextNode(" (" + megabytes(entry.file.size) + ")"));
      var n = note(entry);
      if (n) {
        var small = document.createElement("span");
        small.className = "file-note";
        small.textContent = n;
        text.appendChild(small);
      }
      li.appendChild(text);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary file-remove";
      remove.textContent = data("remove") + " ";
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = entry.file.name;
      remove.appendChild(who);
      remove.addEventListener("click", function () {
        removeFile(i);
      });
      li.appendChild(remove);
      ul.appendChild(li);
    });
    names.appendChild(ul);
  }

  // removeFile drops the i-th file and keeps the keyboard where it was: on
  // the next file's button, else the previous one's, else the picker.
  function removeFile(i) {
    entries.splice(i, 1);
    listFiles();
    show(problem(), false);
    var buttons = el.names.querySelectorAll(".file-remove");
    var next = buttons[Math.min(i, buttons.length - 1)];
    (next || el.input).focus();
  }

  function addFiles(files) {
    var edge = parseInt(data("print-edge"), 10) || 0;
    Array.prototype.forEach.call(files, function (file) {
      var entry = { file: file, result: null };
      entry.ready = prep.prepare(file, edge).then(function (r) {
        entry.result = r;
        if (entries.indexOf(entry) >= 0) {
          listFiles();
          if (!busy) {
            show(problem(), false);
          }
        }
        return r;
      });
      entries.push(entry);
    });
  }

  function announce(text) {
    el.announce.textContent = text;
  }

  function progress(sent, total) {
    el.progress.max = total;
    el.progress.value = sent;
    var text = el.status.getAttribute("data-bytes").replace("{sent}", megabytes(sent)).replace("{total}", megabytes(total));
    el.bytes.textContent = text;
    // A screen reader hears every quarter, not every packet.
    var quarter = Math.floor(4 * sent / total);
    if (quarter !== el.quarter) {
      el.quarter = quarter;
      announce(text);
    }
  }

  // step says where the send is (photos being prepared, waiting for the
  // receipt); "" for nothing.
  function step(text) {
    el.status.hidden = false;
    el.step.textContent = text;
    if (text) {
      announce(text);
    }
  }

  function failed() {
    busy = false;
    el.submit.removeAttribute("aria-disabled");
    el.status.hidden = true;
    el.failedBox.hidden = false;
    el.failed.textContent = el.failed.getAttribute("data-text");
    el.retry.focus();
  }

  // send sends the form: the files once all are ready and fit, then the
  // request, until a page comes back or the send fails.
  function send() {
    if (busy) {
      return;
    }
    el.failed.textContent = "";
    el.failedBox.hidden = true;
    var settled = entries.every(function (e) { return e.result; });
    if (settled && !show(problem(), true)) {
      return;
    }
    busy = true;
    el.submit.setAttribute("aria-disabled", "true");
    el.quarter = -1;
    el.progress.removeAttribute("value"); // indeterminate while photos are prepared
    if (!settled) {
      step(el.status.getAttribute("data-preparing"));
    }
    whenReady(function () {
      if (!show(problem(), true)) {
        busy = false;
        el.submit.removeAttribute("aria-disabled");
        el.status.hidden = true;
        return;
      }
      var body = new FormData(el.form);
      body.delete("attachments");
      entries.forEach(function (e) {
        body.append("attachments", e.result.blob, e.result.name);
      });
      post(body);
    });
  }

  // whenReady calls done once every file chosen is ready, those removed or
  // added while it waited included.
  function whenReady(done) {
    var pending = entries.filter(function (e) { return !e.result; });
    if (pending.length === 0) {
      done();
      return;
    }
    Promise.all(pending.map(function (e) { return e.ready; })).then(function () {
      whenReady(done);
    });
  }

  function post(body) {
    var xhr = new XMLHttpRequest();
    var timer = 0;
    function wait(ms) {
      clearTimeout(timer);
      timer = setTimeout(function () { xhr.abort(); }, ms);
    }
    xhr.open("POST", el.form.action);
    xhr.setRequestHeader("Idempotency-Key", key);
    xhr.upload.addEventListener("progress", function (ev) {
      wait(STALL_MS);
      if (ev.lengthComputable && ev.total > 0) {
        progress(ev.loaded, ev.total);
      }
    });
    xhr.upload.addEventListener("load", function () {
      wait(ANSWER_MS);
      step(el.status.getAttribute("data-waiting"));
    });
    xhr.addEventListener("load", function () {
      clearTimeout(timer);
      answered(xhr);
    });
    xhr.addEventListener("error", function () { clearTimeout(timer); failed(); });
    xhr.addEventListener("abort", function () { clearTimeout(timer); failed(); });
    wait(STALL_MS);
    el.bytes.textContent = "";
    step("");
    xhr.send(body);
  }

  // answered shows what the server said: the receipt page after the
  // redirect (loaded again as a page, so it can be reloaded and printed),
  // a refusal's page, or the failure for a server error.
  function answered(xhr) {
    var url = xhr.responseURL ? new URL(xhr.responseURL) : null;
    if (url && url.origin === window.location.origin && url.pathname === "/receipt") {
      window.location.assign(url.href);
      return;
    }
    if (xhr.status >= 500 || xhr.status < 200) {
      failed();
      return;
    }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var main = doc.querySelector("main");
    if (!main) {
      failed();
      return;
    }
    busy = false;
    document.title = doc.title;
    document.querySelector("main").replaceWith(document.importNode(main, true));
    // A page with scripts of its own (the receipt, when the server could not
    // keep it for a redirect) gets them too.
    Array.prototype.forEach.call(doc.querySelectorAll("head script[src]"), function (s) {
      if (!document.querySelector('head script[src="' + s.getAttribute("src") + '"]')) {
        var script = document.createElement("script");
        script.src = s.getAttribute("src");
        document.head.appendChild(script);
      }
    });
    if (enhance()) {
      var again = document.getElementById("files-again");
      if (again && entries.length > 0) {
        again.hidden = true; // the files are still chosen
      }
    }
    var summary = document.querySelector(".error-summary") || document.getElementById("main");
    window.scrollTo(0, 0);
    summary.focus();
  }

  // enhance finds the form's elements and wires them; it runs on load and
  // again on a refusal's page. It reports whether the page has the form.
  function enhance() {
    var input = document.getElementById("attachments");
    var field = input ? input.closest(".file-field") : null;
    if (!field || !input.form) {
      return false;
    }
    el = {
      input: input, field: field, form: input.form,
      message: document.getElementById("err-attachments-check"),
      names: document.getElementById("file-names"),
      status: document.getElementById("send-status"),
      progress: document.getElementById("send-progress"),
      bytes: document.getElementById("send-bytes"),
      step: document.getElementById("send-step"),
      announce: document.getElementById("send-announce"),
      failed: document.getElementById("send-failed-message"),
      failedBox: document.getElementById("send-failed"),
      retry: document.getElementById("send-retry"),
      submit: input.form.querySelector("button[type=submit]"),
      quarter: -1
    };
    // The button is for eyes and fingers; keyboards and screen readers reach
    // the input itself, which keeps its label, and its focus ring shows on it.
    var button = field.querySelector(".file-choose");
    input.classList.add("visually-hidden");
    button.hidden = false;
    button.addEventListener("click", function () {
      input.click();
    });
    input.addEventListener("change", function () {
      // The list holds them from now on, and choosing again adds more. The
      // input keeps its own pick, unsent, which the form would post if
      // something bypassed this script.
      addFiles(input.files || []);
      listFiles();
      show(problem(), false);
    });
    el.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send();
    });
    el.retry.addEventListener("click", send);
    if (input.files && input.files.length > 0 && entries.length === 0) {
      addFiles(input.files); // kept by the browser from before a reload
    }
    listFiles();
    return true;
  }

  // Back from the receipt may bring this page back as it was left, mid-send:
  // it can be sent again (the same key and story only lead to the same
  // receipt) or changed into another story.
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && el.submit) {
      busy = false;
      el.submit.removeAttribute("aria-disabled");
      el.status.hidden = true;
    }
  });

  enhance();
})();
