// The agent's ticket page: keyboard shortcuts and conflict answers. The page works
// without this file; it only saves clicks.
//   r  focus the reply box          n  next ticket in my list
//   a  assign the ticket to me      ?  show the shortcuts
(function () {
  "use strict";

  function page() {
    return document.querySelector("[data-ticket-page]");
  }

  function typing(target) {
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(
      target.isContentEditable ||
        target.closest("input, textarea, select, [contenteditable], [role='textbox']")
    );
  }

  function showHelp() {
    var modal = document.getElementById("shortcuts-help");
    if (!modal) {
      return;
    }
    if (window.bootstrap && window.bootstrap.Modal) {
      window.bootstrap.Modal.getOrCreateInstance(modal).show();
    }
  }

  var actions = {
    r: function () {
      var box = document.getElementById("reply-body");
      if (box) {
        box.focus();
        box.scrollIntoView({ block: "center" });
        return true;
      }
      return false;
    },
    n: function () {
      var root = page();
      if (root && root.dataset.nextUrl) {
        window.location.assign(root.dataset.nextUrl);
        return true;
      }
      return false;
    },
    a: function () {
      var form = document.getElementById("take-form");
      if (form) {
        form.requestSubmit();
        return true;
      }
      return false;
    },
    "?": function () {
      showHelp();
      return true;
    },
  };

  document.addEventListener("keydown", function (event) {
    if (!page() || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (typing(event.target)) {
      return;
    }
    var action = actions[event.key];
    if (action && action()) {
      event.preventDefault();
    }
  });

  // The help button only makes sense with this file loaded.
  function revealHelpButton() {
    document.querySelectorAll("[data-shortcuts-help]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcuts-help]")) {
      showHelp();
    }
  });
  document.addEventListener("DOMContentLoaded", revealHelpButton);
  document.addEventListener("htmx:afterSettle", revealHelpButton);

  // A 409 (someone replied meanwhile, the ticket changed) carries the form with the
  // explanation and the draft: show it instead of treating it as a failure.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 409 && source && source.closest("[data-swap-409]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Picking a macro closes the list.
  document.addEventListener("htmx:afterRequest", function (event) {
    var picker = event.target.closest && event.target.closest("details.macro-picker");
    if (picker) {
      picker.open = false;
    }
  });
})();
