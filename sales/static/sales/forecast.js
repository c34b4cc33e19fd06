// The forecast chart (Chart.js, pinned in package.json); the table shows the same figures.
(function () {
  "use strict";
  var canvas = document.getElementById("forecast-chart");
  if (!canvas || !window.Chart) return;
  var data = JSON.parse(document.getElementById("forecast-data").textContent);
  var labels = JSON.parse(document.getElementById("forecast-labels").textContent);
  var locale = document.documentElement.lang || "fr";
  var months = data.labels.map(function (iso) {
    return new Date(iso + "T00:00:00").toLocaleDateString(locale, { month: "long", year: "numeric" });
  });
  var money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: months,
      datasets: [
        { label: labels.won, data: data.won, backgroundColor: "#198754", stack: "f" },
        { label: labels.weighted, data: data.weighted, backgroundColor: "#0d6efd", stack: "f" },
      ],
    },
    options: {
      responsive: true,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: function (v) { return money.format(v); } } } },
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + (locale.indexOf("fr") === 0 ? "\u202f: " : ": ") + money.format(c.parsed.y); } } } },
    },
  });
})();
