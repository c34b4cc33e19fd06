// Kanban drag and drop (SortableJS, pinned in package.json). Without JavaScript each card
// keeps its "Move" form; with it, that form hides and a drop posts the same form.
(function () {
  "use strict";
  var board = document.getElementById("kanban-board");
  if (!board || !window.Sortable) return;
  document.documentElement.classList.add("kanban-js");
  var errorBox = document.getElementById("board-error");

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function reload() {
    window.htmx.ajax("GET", board.dataset.boardUrl, { target: "#kanban-board", swap: "outerHTML" });
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
  }

  function moved(event) {
    var card = event.item;
    var stage = event.to.dataset.stage;
    if (!stage || event.from === event.to) return;
    errorBox.classList.add("d-none");
    if (stage === "lost") {
      // A lost opportunity needs a reason: ask for it in the dialog.
      window.htmx.ajax("GET", card.dataset.moveUrl + "?stage=lost", { target: "#dialog-host" });
      reload();
      return;
    }
    var body = new FormData();
    body.append("stage", stage);
    body.append("version", card.dataset.version);
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "HX-Request": "true", "HX-Target": "kanban-board" },
    }).then(function (response) {
      if (response.ok) {
        reload();
        return;
      }
      return response.text().then(function (text) {
        showError(text);
        reload();
      });
    });
  }

  function bind() {
    board = document.getElementById("kanban-board");
    if (!board) return;
    board.querySelectorAll(".kanban-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "kanban",
        animation: 120,
        // Mouse and touch events rather than HTML5 drag and drop: same on every browser.
        forceFallback: true,
        draggable: ".kanban-card",
        filter: "a, select, button, input",
        preventOnFilter: false,
        onEnd: moved,
      });
    });
  }
  bind();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "kanban-board") bind();
    if (event.detail.elt && event.detail.elt.id === "kanban-board") bind();
  });
  document.body.addEventListener("relais:dialog-close", reload);
})();
