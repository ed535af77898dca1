// Portfolio timeline: filter the WGs by name and by their current phase, read from the timeline's JSON
// (/api/v1/portfolio/timeline, tracker/gantt/api.py); the rows left close up. Without this file the form stays
// hidden and every WG is drawn (the fiscal-year form above works on the server).
(function () {
  "use strict";
  var wrap = document.querySelector(".timeline-wrap[data-api]");
  var form = document.querySelector(".timeline-filter");
  if (!wrap || !form) return;
  var svg = wrap.querySelector("svg.portfolio-timeline");
  var count = form.querySelector("output");
  var ROW = 30, HEADER = 54;  // tracker/gantt/portfolio.py
  var rows = [];  // [{el, index, wg}] in the drawn order

  function normal(text) { return (text || "").normalize("NFKC").toLowerCase(); }

  function apply() {
    var text = normal(form.elements.text.value.trim()), phase = form.elements.phase.value, shown = 0;
    rows.forEach(function (row) {
      var match = (!phase || row.wg.phase === phase) &&
        (!text || normal(row.wg.name).indexOf(text) >= 0 || normal(row.wg.identifier).indexOf(text) >= 0);
      row.el.style.display = match ? "" : "none";
      if (match) row.el.setAttribute("transform", "translate(0," + (shown - row.index) * ROW + ")");
      shown += match ? 1 : 0;
    });
    var height = HEADER + ROW * shown;
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + svg.getAttribute("width") + " " + height);
    count.textContent = count.getAttribute("data-label").replace("%(shown)s", shown).replace("%(total)s", rows.length);
  }

  fetch(wrap.getAttribute("data-api"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(function (data) {
      var byIdentifier = {};
      data.wgs.forEach(function (wg) { byIdentifier[wg.identifier] = wg; });
      svg.querySelectorAll("a.wg-row").forEach(function (el, index) {
        var wg = byIdentifier[el.getAttribute("data-wg")];
        if (wg) rows.push({el: el, index: index, wg: wg});
      });
      form.hidden = false;
      form.addEventListener("input", apply);
      form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
      wrap.setAttribute("data-ready", "1");
    })
    .catch(function () { /* the timeline stays as drawn, unfiltered */ });
})();
