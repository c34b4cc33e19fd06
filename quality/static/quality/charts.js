// Supervision charts (Chart.js, pinned in package.json, served from static: never a CDN).
// Each canvas names the JSON script holding {labels, series:[{label, data}]}; the table
// next to it shows the same figures.
(function () {
  "use strict";
  if (!window.Chart) return;
  var colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var chart = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: canvas.dataset.type || "line",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (s, i) {
          var ratio = s.unit === "ratio";
          return {
            label: s.label,
            data: s.data.map(function (v) { return v === null ? null : ratio ? Math.round(v * 1000) / 10 : v; }),
            borderColor: colours[i % colours.length],
            backgroundColor: colours[i % colours.length],
            yAxisID: ratio ? "pct" : "y",
            spanGaps: true,
          };
        }),
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, position: "left" }, pct: { beginAtZero: true, max: 100, position: "right", display: "auto" } },
      },
    });
  });
})();
