// A milestone's burndown: the tickets/hours switch redraws the chart from /api/v1/versions/<id>/roadmap
// (tracker/roadmap/api.py) instead of reloading the page, and a day's numbers (date, remaining, ideal) are read
// out under the chart: point at the chart, or move the slider with the keyboard. Without this file the switch's
// links reload the page (?mode=hours) and the table under "Burndown numbers" has every day. The drawing follows
// tracker/roadmap/chart.py, which draws the page's first chart.
(function () {
  "use strict";
  var box = document.querySelector(".burndown-chart");
  if (!box) return;
  var NS = "http://www.w3.org/2000/svg";
  var WIDTH = 760, HEIGHT = 280, LEFT = 48, RIGHT = 16, TOP = 16, BOTTOM = 36;
  var readout = document.querySelector(".burndown-readout");
  var slider = readout.querySelector("input");
  var output = readout.querySelector("output");
  var data = null, mode = box.getAttribute("data-mode"), geometry = null;

  function node(tag, attributes, text) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attributes).forEach(function (key) { el.setAttribute(key, attributes[key]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function value(day, kind) { return day[(kind === "ideal" ? "ideal_" : "open_") + mode]; }
  function number(v) { return v === null || v === undefined ? "—" : String(Math.round(v * 10) / 10); }

  function draw() {
    var days = data.burndown;
    var top = 1;
    days.forEach(function (d) { top = Math.max(top, value(d, "actual") || 0, value(d, "ideal") || 0); });
    var plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM, step = plotW / Math.max(days.length - 1, 1);
    var x = function (i) { return LEFT + i * step; }, y = function (v) { return TOP + plotH - (v / top) * plotH; };
    geometry = {x: x, step: step, top: TOP, bottom: TOP + plotH};
    var svg = node("svg", {"class": "burndown", width: WIDTH, height: HEIGHT, viewBox: "0 0 " + WIDTH + " " + HEIGHT,
                           role: "img", "aria-labelledby": "burndown-title"});
    svg.append(node("title", {id: "burndown-title"}, box.getAttribute("data-title-" + mode)));
    for (var k = 0; k < 5; k++) {
      var v = top * k / 4;
      svg.append(node("line", {"class": "grid", x1: LEFT, x2: WIDTH - RIGHT, y1: y(v).toFixed(1), y2: y(v).toFixed(1)}),
                 node("text", {x: LEFT - 6, y: (y(v) + 4).toFixed(1), "text-anchor": "end"}, v.toFixed(0)));
    }
    svg.append(node("line", {"class": "axis", x1: LEFT, x2: LEFT, y1: TOP, y2: TOP + plotH}),
               node("line", {"class": "axis", x1: LEFT, x2: WIDTH - RIGHT, y1: TOP + plotH, y2: TOP + plotH}));
    var ticks = {0: 1}, every = Math.max(1, Math.floor(days.length / 6));
    ticks[days.length - 1] = 1;
    for (var t = 0; t < days.length; t += every) ticks[t] = 1;
    Object.keys(ticks).forEach(function (i) {
      var p = days[i].date.split("-");
      svg.append(node("text", {x: x(+i).toFixed(1), y: HEIGHT - 14, "text-anchor": "middle"}, (+p[1]) + "/" + (+p[2])));
    });
    [[data.version.effective_date, "due-line", "data-due-label"], [data.today, "today-line", "data-today-label"]].forEach(function (m) {
      var index = days.findIndex(function (d) { return d.date === m[0]; });
      if (index < 0) return;
      var line = node("line", {"class": m[1], x1: x(index).toFixed(1), x2: x(index).toFixed(1), y1: TOP, y2: TOP + plotH});
      line.append(node("title", {}, box.getAttribute(m[2]) + " " + m[0]));
      svg.append(line);
    });
    ["ideal", "actual"].forEach(function (kind) {
      var points = [];
      days.forEach(function (d, i) { var v = value(d, kind); if (v !== null) points.push(x(i).toFixed(1) + "," + y(v).toFixed(1)); });
      if (!points.length) return;
      var line = node("polyline", {"class": kind, points: points.join(" ")});
      line.append(node("title", {}, box.getAttribute("data-" + kind + "-label")));
      svg.append(line);
    });
    svg.append(node("line", {"class": "cursor-line", x1: 0, x2: 0, y1: TOP, y2: TOP + plotH, visibility: "hidden"}));
    box.replaceChildren(svg);
    document.querySelectorAll(".burndown-table .ideal-cell").forEach(function (cell, i) {
      var day = days.filter(function (d) { return d.open_tickets !== null; })[i];
      if (day) cell.textContent = number(value(day, "ideal"));
    });
    show(+slider.value);
  }

  function show(index) {
    var day = data.burndown[index];
    if (!day) return;
    output.textContent = box.getAttribute("data-readout").replace("%(day)s", window.formatDay(day.date))
      .replace("%(remaining)s", number(value(day, "actual"))).replace("%(ideal)s", number(value(day, "ideal")));
    var cursor = box.querySelector(".cursor-line");
    cursor.setAttribute("x1", geometry.x(index).toFixed(1));
    cursor.setAttribute("x2", geometry.x(index).toFixed(1));
    cursor.setAttribute("visibility", "visible");
  }

  function switchTo(next) {
    mode = next;
    document.querySelectorAll("a[data-mode]").forEach(function (a) {
      if (a.getAttribute("data-mode") === mode) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    history.replaceState(null, "", "?mode=" + mode);
    draw();
  }

  fetch(box.getAttribute("data-api"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(function (answer) {
      data = answer;
      if (!data.burndown || !data.burndown.length) return;
      var last = data.burndown.findIndex(function (d) { return d.date === data.today; });
      slider.max = String(data.burndown.length - 1);
      slider.value = String(last >= 0 ? last : data.burndown.length - 1);
      readout.hidden = false;
      draw();
      document.querySelectorAll("a[data-mode]").forEach(function (a) {
        a.addEventListener("click", function (event) { event.preventDefault(); switchTo(a.getAttribute("data-mode")); });
      });
      slider.addEventListener("input", function () { show(+slider.value); });
      box.addEventListener("pointermove", function (event) {
        var svg = box.querySelector("svg"), rect = svg.getBoundingClientRect();
        var at = (event.clientX - rect.left) * WIDTH / rect.width;
        var index = Math.round((at - LEFT) / geometry.step);
        if (index < 0 || index >= data.burndown.length) return;
        slider.value = String(index);
        show(index);
      });
      box.setAttribute("data-ready", "1");
    })
    .catch(function () {
      slider.parentNode.hidden = true;
      output.textContent = box.getAttribute("data-failed");
      readout.hidden = false;
    });
})();
