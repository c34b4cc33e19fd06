// Presence on a ticket page: the form #ticket-presence polls every 10 s (htmx) with
// state=viewing; a change in the reply box makes it "typing" at once, and back to
// "viewing" 10 s after the last keystroke. One request per change of state, no more.
(function () {
  "use strict";

  var IDLE_MS = 10000;
  var timer = null;

  function setState(state) {
    var form = document.getElementById("ticket-presence");
    var input = form && form.querySelector("input[name=state]");
    if (!input || input.value === state) {
      return;
    }
    input.value = state;
    if (window.htmx) {
      window.htmx.trigger(form, "relais:presence");
    }
  }

  document.addEventListener("input", function (event) {
    if (!event.target || event.target.id !== "reply-body") {
      return;
    }
    setState("typing");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      setState("viewing");
    }, IDLE_MS);
  });
})();
