// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit();
    }
  });
  // Dialogs: a fragment swapped into #dialog-host opens the modal; the server closes it
  // with the "relais:dialog-close" trigger once the form is saved.
  function dialog() {
    var element = document.getElementById("relais-dialog");
    return element && window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(element) : null;
  }
  // A macro chosen in the reply box: its text goes in at the cursor (replacing only the
  // selected text), the kind and status it suggests are pre-selected, and the rest of the
  // draft, the files and the other choices stay as the agent left them.
  function insertMacro(slot) {
    var source = slot.querySelector("[data-macro-text]");
    var body = document.getElementById("reply-body");
    if (!source || !body) return;
    var text = source.value;
    var start = body.selectionStart, end = body.selectionEnd;
    if (typeof start !== "number" || !body.dataset.touched) {
      start = end = body.value.length; // never typed in: after the draft
    }
    var before = body.value.slice(0, start), after = body.value.slice(end);
    var glueBefore = before && !/\s$/.test(before) ? "\n" : "";
    var glueAfter = after && !/^\s/.test(after) ? "\n" : "";
    body.value = before + glueBefore + text + glueAfter + after;
    var caret = (before + glueBefore + text).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dataset.touched = "1";
    var form = body.form;
    var kind = form && form.querySelector('input[name=kind][value="' + source.dataset.kind + '"]');
    if (kind) kind.checked = true;
    var status = form && form.querySelector("select[name=status]");
    if (status && source.dataset.status) status.value = source.dataset.status;
    source.remove();
  }
  ["input", "click", "keyup", "select"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target && event.target.id === "reply-body") event.target.dataset.touched = "1";
    });
  });
  // "Log a ticket": a customer picked in the typeahead (or just created) fills the field.
  function pickContact(choice) {
    var field = document.getElementById("id_contact");
    if (!field) return;
    field.value = choice.dataset.pickContact;
    var chosen = document.getElementById("customer-chosen");
    if (chosen) chosen.textContent = choice.dataset.label;
    var list = document.getElementById("customer-suggestions");
    if (list) list.innerHTML = "";
  }
  document.addEventListener("click", function (event) {
    var choice = event.target.closest && event.target.closest("button[data-pick-contact]");
    if (choice) pickContact(choice);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var auto = event.detail.target && event.detail.target.querySelector("[data-pick-contact][data-auto]");
    if (auto) pickContact(auto);
    if (event.detail.target && event.detail.target.id === "macro-slot") {
      insertMacro(event.detail.target);
      var picker = document.querySelector(".macro-picker");
      if (picker) picker.removeAttribute("open");
    }
    if (event.detail.target && event.detail.target.id === "dialog-host") {
      var modal = dialog();
      if (modal) modal.show();
      var first = event.detail.target.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
    }
  });
  // After an htmx Send or Save the page is swapped in place: bring its confirmation (or
  // its errors) into view and give it the focus, so nobody is left looking at an empty
  // column halfway down the page.
  document.addEventListener("htmx:afterSettle", function () {
    var flash = document.querySelector("[data-flash]:not([data-flash-seen])");
    if (!flash) return;
    flash.setAttribute("data-flash-seen", "1");
    flash.scrollIntoView({ block: "start" });
    flash.focus({ preventScroll: true });
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-flash]").forEach(function (flash) {
      flash.setAttribute("data-flash-seen", "1");
    });
    document.body.addEventListener("relais:dialog-close", function () {
      var modal = dialog();
      if (modal) modal.hide();
    });
  });
})();
