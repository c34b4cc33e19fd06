// The campaign's funnel as a bar chart; the same figures are in the table next to it.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("campaign-chart");
  const data = document.getElementById("campaign-chart-data");
  if (!canvas || !data || typeof Chart === "undefined") return;
  const figures = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: figures.labels, datasets: [{ data: figures.values, backgroundColor: "#0d6efd" }] },
    options: { plugins: { legend: { display: false } }, animation: false },
  });
});
