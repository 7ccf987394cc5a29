// The committee's charts (results, implementation), drawn with the vendored Chart.js from the data the server wrote into each canvas;
// the table below them holds the same figures, so the page says everything without this file.
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var colours = ["#0b5cad", "#e0a100", "#137a48", "#a8261b", "#6b3fa0", "#1d8a99", "#5c6670"];
  // Long labels (ideas' titles) break into lines of about 18 characters instead of slanting across each other.
  function wrap(label) {
    if (typeof label !== "string" || label.length <= 18) { return label; }
    return label.split(" ").reduce(function (lines, word) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + word).length <= 18) { lines[lines.length - 1] = last + " " + word; } else { lines.push(word); }
      return lines;
    }, []);
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    new window.Chart(canvas, {
      type: data.type || "bar",
      data: {
        labels: data.labels.map(wrap),
        datasets: data.series.map(function (series, n) {
          // minBarLength: a judge whose scores do not spread (sd 0) still shows as a thin bar at the mean (counts
          // of the stacked chart keep zero at zero).
          return { label: series.label, data: series.values, backgroundColor: colours[n % colours.length],
            borderColor: colours[n % colours.length], minBarLength: data.stacked ? 0 : 3 };
        })
      },
      options: {
        animation: false,
        responsive: true,
        scales: { x: { stacked: data.stacked, ticks: { autoSkip: false, maxRotation: 0 } }, y: { stacked: data.stacked, beginAtZero: true, max: data.max, ticks: { precision: data.stacked ? 0 : undefined } } }
      }
    });
  });
})();
