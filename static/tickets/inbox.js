// Inbox keyboard shortcuts: j/k move, o or Enter opens, x selects, "/" searches, "?" helps.
// The inbox works without this file; it only adds the keyboard and "select all".
(function () {
  "use strict";

  var highlightedId = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-results tr.ticket-row"));
  }

  function currentIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].dataset.ticketId === highlightedId) {
        return i;
      }
    }
    return -1;
  }

  function highlight(list, index) {
    list.forEach(function (row) {
      row.classList.remove("table-active");
      row.removeAttribute("aria-current");
    });
    var row = list[index];
    if (!row) {
      highlightedId = null;
      return;
    }
    highlightedId = row.dataset.ticketId;
    row.classList.add("table-active");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
  }

  function isTyping(element) {
    if (!element || !element.tagName) {
      return false;
    }
    var tag = element.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || element.isContentEditable;
  }

  function showHelp() {
    var modal = document.getElementById("shortcuts-help");
    if (modal && window.bootstrap) {
      window.bootstrap.Modal.getOrCreateInstance(modal).show();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
      }
      return;
    }
    if (document.querySelector(".modal.show")) {
      return; // the help is open: Bootstrap handles Escape
    }
    var list = rows();
    var index = currentIndex(list);
    var row = list[index];
    switch (event.key) {
      case "j":
        highlight(list, Math.min(index + 1, list.length - 1));
        break;
      case "k":
        highlight(list, index <= 0 ? 0 : index - 1);
        break;
      case "o":
      case "Enter":
        // Enter on a focused link or button keeps its own meaning.
        if (event.key === "Enter" && event.target.closest && event.target.closest("a, button")) {
          return;
        }
        if (!row) {
          return;
        }
        var link = row.querySelector("a.ticket-link");
        if (link) {
          window.location.assign(link.href);
        }
        break;
      case "x":
        if (!row) {
          return;
        }
        var box = row.querySelector("input.ticket-select");
        if (box) {
          box.checked = !box.checked;
          box.dispatchEvent(new Event("change", { bubbles: true }));
        }
        break;
      case "/":
        var search = document.getElementById("id_q");
        if (!search) {
          return;
        }
        search.focus();
        search.select();
        break;
      case "?":
        showHelp();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // "Select all" in the header ticks the page's rows.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("#inbox-results [data-select-all]")) {
      document.querySelectorAll("#inbox-results input.ticket-select").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  // The rows are redrawn every 30 seconds and on each filter: keep the highlight.
  document.addEventListener("htmx:afterSettle", function () {
    var list = rows();
    var index = currentIndex(list);
    if (index >= 0) {
      highlight(list, index);
    }
  });

  // The bulk bar shows only once a ticket is ticked (the CSS hides it under .js).
  function syncBulkBar() {
    var bar = document.getElementById("bulk-form");
    if (!bar) {
      return;
    }
    var any = !!document.querySelector("#inbox-results input.ticket-select:checked");
    bar.classList.toggle("has-selection", any);
    document.body.classList.toggle("has-bulk-bar", any);
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("#inbox-results input[type=checkbox]")) {
      syncBulkBar();
    }
  });
  document.addEventListener("htmx:afterSettle", syncBulkBar);

  // Under 992 px the filters fold behind a toggle; its state is remembered (and a filter
  // in use opens it).
  var KEY = "relais.inbox.filters";
  function setFilters(open, remember) {
    var toggle = document.querySelector("[data-filters-toggle]");
    var more = document.getElementById("inbox-more-filters");
    if (!toggle || !more) {
      return;
    }
    more.classList.toggle("show", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (remember) {
      try {
        window.localStorage.setItem(KEY, open ? "open" : "closed");
      } catch (e) {
        // private mode: the toggle still works, unremembered
      }
    }
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-filters-toggle]");
    if (toggle) {
      setFilters(toggle.getAttribute("aria-expanded") !== "true", true);
    }
  });
  function init() {
    var stored = null;
    try {
      stored = window.localStorage.getItem(KEY);
    } catch (e) {
      stored = null;
    }
    var toggle = document.querySelector("[data-filters-toggle]");
    setFilters(stored === "open" || !!(toggle && toggle.hasAttribute("data-active")), false);
    syncBulkBar();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
