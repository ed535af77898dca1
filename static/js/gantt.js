// Gantt chart: drag a bar to move it, or one of its ends to change the start or due date. The page is drawn
// on the server and works without this script (each ticket's own page edits its dates). A move is posted to
// the JSON API (/api/v1/gantt/issues/<id>/schedule), which goes through the ticket service; the chart is then
// re-read from /api/v1/.../gantt so that followers, parents and the critical path show their new state.
(function () {
  "use strict";
  var root = document.querySelector(".gantt");
  if (!root) return;
  // The rows are drawn in bands of SVG (tracker/gantt/svg.py) in the same coordinates: the chart's scale is on
  // the background svg.gantt-chart, the bars in the bands of the right pane, the names in those of the left.
  var scale = root.querySelector("svg.gantt-chart");
  var chart = root.querySelector(".gantt-right");
  var labels = root.querySelector(".gantt-left");
  var status = document.getElementById("gantt-status");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var px = parseFloat(scale.getAttribute("data-px-per-day"));
  var origin = parseDay(scale.getAttribute("data-origin"));
  var EDGE = 6;
  var DAY = 86400000;
  var drag = null;

  function parseDay(text) { var p = text.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function formatDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function daysBetween(a, b) { return Math.round((b - a) / DAY); }
  function say(text, kind) { status.textContent = text; status.className = "gantt-status " + (kind || ""); }
  // Looked up once: with 3,000 bars a querySelector per ticket would cost more than the whole move.
  var bars = {}, names = {}, arrows = {};
  chart.querySelectorAll("g.bar").forEach(function (g) { bars[g.getAttribute("data-id")] = g; });
  labels.querySelectorAll("text[data-id]").forEach(function (t) { names[t.getAttribute("data-id")] = t; });
  chart.querySelectorAll("path.arrow").forEach(function (p) {
    arrows[p.getAttribute("data-from") + ">" + p.getAttribute("data-to")] = p;
  });
  function bar(id) { return bars[String(id)]; }

  function position(g) {
    var match = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform") || "");
    return match ? {x: parseFloat(match[1]), y: parseFloat(match[2])} : null;
  }
  function place(g, x, width) {
    var p = position(g);
    g.setAttribute("transform", "translate(" + x.toFixed(1) + "," + p.y + ")");
    var bg = g.querySelector(".bar-bg"), shaded = g.querySelector(".bar-done");
    bg.setAttribute("width", Math.max(width, px).toFixed(1));
    var done = parseFloat(g.getAttribute("data-done") || "0");
    if (!shaded && done > 0) {  // a bar at 0% is drawn without its shaded part
      shaded = bg.cloneNode(false);
      shaded.setAttribute("class", "bar-done");
      bg.after(shaded);
    }
    if (shaded) shaded.setAttribute("width", (Math.max(width, px) * done / 100).toFixed(1));
  }
  function drawn(g) {
    var start = g.getAttribute("data-start") || g.getAttribute("data-due");
    var due = g.getAttribute("data-due") || g.getAttribute("data-start");
    return start ? {start: parseDay(start), due: parseDay(due)} : null;
  }
  function placeByDates(g) {
    var d = drawn(g);
    if (!d || !position(g)) return;
    place(g, daysBetween(origin, d.start) * px, (daysBetween(d.start, d.due) + 1) * px);
  }
  function redrawArrows() {
    Object.keys(arrows).forEach(function (key) {
      var path = arrows[key];
      var a = bar(path.getAttribute("data-from")), b = bar(path.getAttribute("data-to"));
      if (!a || !b || !position(a) || !position(b)) return;
      var pa = position(a), pb = position(b);
      var ha = parseFloat(a.querySelector(".bar-bg").getAttribute("height"));
      var hb = parseFloat(b.querySelector(".bar-bg").getAttribute("height"));
      var x1 = pa.x + parseFloat(a.querySelector(".bar-bg").getAttribute("width")), x2 = pb.x;
      var y1 = pa.y + ha / 2, y2 = pb.y + hb / 2;
      var d = x2 - x1 >= 10 ? "M" + x1 + "," + y1 + " H" + (x1 + 5) + " V" + y2 + " H" + (x2 - 1)
        : "M" + x1 + "," + y1 + " H" + (x1 + 5) + " V" + (y1 + (y2 > y1 ? 11 : -11)) + " H" + (x2 - 8) + " V" + y2 + " H" + (x2 - 1);
      path.setAttribute("d", d);
    });
  }
  function setCritical(element, on) { if (element) element.classList.toggle("critical", !!on); }

  // The chart as the API has it now: dates, lock versions, the critical path.
  function reload() {
    return fetch(root.getAttribute("data-api"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.tickets.forEach(function (t) {
          var g = bar(t.id);
          if (!g) return;
          g.setAttribute("data-start", t.start_date || "");
          g.setAttribute("data-due", t.due_date || "");
          g.setAttribute("data-lock", t.lock_version);
          g.setAttribute("data-done", t.done_ratio);
          placeByDates(g);
          setCritical(g, t.critical);
          setCritical(names[String(t.id)], t.critical);
        });
        data.relations.forEach(function (r) {
          var path = arrows[r.from + ">" + r.to];
          if (!path) return;
          setCritical(path, r.critical);
          path.setAttribute("marker-end", r.critical ? "url(#gantt-arrow-critical)" : "url(#gantt-arrow)");
        });
        redrawArrows();
        root.setAttribute("data-synced", String(Date.now()));
      });
  }

  chart.addEventListener("pointerdown", function (event) {
    var g = event.target.closest("g.bar.editable");
    if (!g || event.button !== 0 || !drawn(g)) return;
    var p = position(g), width = parseFloat(g.querySelector(".bar-bg").getAttribute("width"));
    var offset = event.clientX - g.getBoundingClientRect().left;
    var mode = width > 3 * EDGE && offset < EDGE ? "start" : width > 3 * EDGE && offset > width - EDGE ? "end" : "move";
    drag = {g: g, mode: mode, x0: event.clientX, x: p.x, width: width, days: 0, pointer: event.pointerId};
    g.setPointerCapture(event.pointerId);
    g.classList.add("dragging");
    event.preventDefault();
  });
  chart.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var days = Math.round((event.clientX - drag.x0) / px);
    if (drag.mode === "start") days = Math.min(days, Math.round(drag.width / px) - 1);
    if (drag.mode === "end") days = Math.max(days, 1 - Math.round(drag.width / px));
    drag.days = days;
    var shift = days * px;
    if (drag.mode === "move") place(drag.g, drag.x + shift, drag.width);
    else if (drag.mode === "start") place(drag.g, drag.x + shift, drag.width - shift);
    else place(drag.g, drag.x, drag.width + shift);
  });
  function finish() {
    if (!drag) return;
    var current = drag;
    drag = null;
    current.g.classList.remove("dragging");
    if (current.days !== 0) send(current.g, current.mode, current.days);
  }
  // One move, by the mouse or the keyboard: ``mode`` move / start / end, by ``days``.
  function send(g, mode, days) {
    var d = drawn(g);
    var start = d.start, due = d.due, shift = days * DAY;
    if (mode !== "end") start += shift;
    if (mode !== "start") due += shift;
    if (due < start) return;
    var id = g.getAttribute("data-id");
    var url = root.getAttribute("data-schedule").replace("/0/schedule", "/" + id + "/schedule");
    say("…", "");
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({start_date: formatDay(start), due_date: formatDay(due),
                            lock_version: parseInt(g.getAttribute("data-lock"), 10)})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          var moved = (data.tickets || []).map(function (t) { return "#" + t.id; });
          (data.tickets || []).forEach(function (t) {
            var other = bar(t.id);
            if (!other) return;
            other.setAttribute("data-start", t.start_date || "");
            other.setAttribute("data-due", t.due_date || "");
            other.setAttribute("data-lock", t.lock_version);
            placeByDates(other);
          });
          redrawArrows();
          say(root.getAttribute("data-moved") + " " + moved.join(", "), "ok");
          return reload();
        }
        placeByDates(g);
        redrawArrows();
        var errors = (data.errors || []).join(" ");
        if (response.status === 409) { say(root.getAttribute("data-stale"), "error"); return reload(); }
        say(root.getAttribute("data-refused") + " " + errors, "error");
      });
    }).catch(function () {
      placeByDates(g);
      redrawArrows();
      say(root.getAttribute("data-failed"), "error");
    });
  }
  // The keyboard's way: on a ticket's name, Alt+←/→ moves its bar by a day, Alt+Shift+←/→ its due date.
  labels.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowLeft" && event.key !== "ArrowRight")) return;
    var text = event.target.querySelector && event.target.querySelector("text[data-id]");
    var g = text && bar(text.getAttribute("data-id"));
    if (!g || !g.classList.contains("editable") || !drawn(g)) return;
    event.preventDefault();
    send(g, event.shiftKey ? "end" : "move", event.key === "ArrowRight" ? 1 : -1);
  });
  chart.addEventListener("pointerup", finish);
  root.setAttribute("data-ready", String(Math.round(performance.now())));  // read by bench/gantt_bench.py
  chart.addEventListener("pointercancel", function () {
    if (!drag) return;
    placeByDates(drag.g);
    drag.g.classList.remove("dragging");
    drag = null;
  });
})();
