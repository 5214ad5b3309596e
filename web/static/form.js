// The submission form, on top of a page that works without it:
// - the file picker gets a button in the page's language (the browser's
//   own one speaks the browser's language) and lists the chosen files;
// - files over the size or count limit are caught before anything is sent
//   (a phone may take minutes to upload them), with a message in the page's
//   language next to the field, and focus moved to it.
// The server checks everything again; this only saves the submitter a wait.
(function () {
  "use strict";
  var input = document.getElementById("attachments");
  var field = input ? input.closest(".file-field") : null;
  if (!field) {
    return;
  }
  var form = input.form;
  var message = document.getElementById("err-attachments-check");
  var names = document.getElementById("file-names");
  // The button is for eyes and fingers; keyboards and screen readers reach
  // the input itself, which keeps its label, and its focus ring shows on it.
  var button = field.querySelector(".file-choose");
  var maxFiles = parseInt(field.getAttribute("data-max-files"), 10) || 0;
  var maxBytes = parseInt(field.getAttribute("data-max-bytes"), 10) || 0;

  input.classList.add("visually-hidden");
  button.hidden = false;
  button.addEventListener("click", function () {
    input.click();
  });

  function megabytes(n) {
    return (Math.ceil(n / 104857.6) / 10).toLocaleString(document.documentElement.lang) + " MB";
  }

  // problem returns the message for the chosen files, or "".
  function problem() {
    var files = input.files || [];
    if (maxFiles && files.length > maxFiles) {
      return field.getAttribute("data-too-many");
    }
    for (var i = 0; i < files.length; i++) {
      if (maxBytes && files[i].size > maxBytes) {
        return field.getAttribute("data-too-large") + " (" + files[i].name + ", " + megabytes(files[i].size) + ")";
      }
    }
    return "";
  }

  function listFiles() {
    var files = input.files || [];
    names.textContent = "";
    var p = document.createElement("p");
    p.className = "file-none";
    if (files.length === 0) {
      p.textContent = field.getAttribute("data-none");
      names.appendChild(p);
      return;
    }
    p.textContent = field.getAttribute("data-chosen");
    names.appendChild(p);
    var ul = document.createElement("ul");
    ul.className = "file-names";
    for (var i = 0; i < files.length; i++) {
      var li = document.createElement("li");
      li.textContent = files[i].name + " (" + megabytes(files[i].size) + ")";
      ul.appendChild(li);
    }
    names.appendChild(ul);
  }

  // show marks the field with text ("" clears it) and reports whether it is fine.
  function show(text, focus) {
    message.textContent = text;
    message.hidden = text === "";
    field.classList.toggle("invalid", text !== "");
    if (text !== "") {
      input.setAttribute("aria-invalid", "true");
      if (focus) {
        message.focus();
      }
    } else if (!document.getElementById("err-attachments")) {
      input.removeAttribute("aria-invalid");
    }
    return text === "";
  }

  input.addEventListener("change", function () {
    listFiles();
    show(problem(), false);
  });
  form.addEventListener("submit", function (ev) {
    if (!show(problem(), true)) {
      ev.preventDefault();
    }
  });
  listFiles();
})();
