// CSAT and NPS by month (Chart.js, pinned in package.json); the tables show the same figures.
(function () {
  "use strict";
  var canvas = document.getElementById("satisfaction-chart");
  if (!canvas || !window.Chart) return;
  var data = JSON.parse(document.getElementById("satisfaction-data").textContent);
  var labels = JSON.parse(document.getElementById("satisfaction-labels").textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: labels.csat, data: data.csat, borderColor: "#198754", spanGaps: true },
        { label: labels.nps, data: data.nps, borderColor: "#0d6efd", spanGaps: true },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { min: -100, max: 100 } } },
  });
})();
