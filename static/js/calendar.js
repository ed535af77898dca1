// Calendar: drag a ticket's due date to another day (SortableJS). Without this file each movable ticket has a
// "Change due date" form. The calendar's JSON says which due dates the user may move; a drop posts
// /api/v1/calendar/moves: 200 moves it (journal and notification are the ticket service's), 409 (changed
// meanwhile) says so and reloads, 422 puts it back with the reason.
(function () {
  "use strict";
  var grid = document.querySelector("[data-calendar]");
  if (!grid || typeof Sortable === "undefined") return;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.querySelector("[data-board-status]");
  var events = {};  // ticket id -> its due event

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function putBack(evt) {
    evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null);
  }

  function drop(evt) {
    var el = evt.item;
    var id = el.getAttribute("data-ticket-id");
    var day = evt.to.getAttribute("data-date");
    var known = events[id];
    fetch(grid.getAttribute("data-move-url"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({ticket_id: parseInt(id, 10), due_date: day,
                            lock_version: known ? known.lock_version : parseInt(el.getAttribute("data-lock-version"), 10)})
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    }).then(function (answer) {
      if (answer.status === 200) {
        events[id] = answer.data.event;
        el.setAttribute("data-lock-version", answer.data.event.lock_version);
        el.querySelectorAll('input[name="lock_version"]').forEach(function (i) { i.value = answer.data.event.lock_version; });
        el.querySelectorAll('input[name="due_date"]').forEach(function (i) { i.value = day; });
        el.classList.remove("overdue");
        el.setAttribute("data-moved", "1");
        say(grid.getAttribute("data-moved-label").replace("%(id)s", id).replace("%(day)s", day));
        return;
      }
      putBack(evt);
      say((answer.data.errors || []).join(" "), true);
      if (answer.status === 409) window.setTimeout(function () { window.location.reload(); }, 1500);
    }).catch(function () {
      putBack(evt);
      say(grid.getAttribute("data-failed-label"), true);
    });
  }

  function enable() {
    grid.querySelectorAll(".cal-events").forEach(function (list) {
      Sortable.create(list, {
        group: {name: "calendar", pull: true, put: function (to, from, dragEl) {
          var event = events[dragEl.getAttribute("data-ticket-id")];
          return !!(event && event.movable);
        }},
        sort: false,
        draggable: ".cal-event.movable.kind-due",
        filter: "summary, input, button, label, .move-menu",
        preventOnFilter: false,
        forceFallback: true,
        fallbackOnBody: true,
        onStart: function () { grid.classList.add("dragging"); },
        onEnd: function () { grid.classList.remove("dragging"); },
        onAdd: drop
      });
    });
    grid.setAttribute("data-ready", "1");
    if (window.performance && performance.mark) performance.mark("calendar-interactive");
  }

  fetch(grid.getAttribute("data-json-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.json(); })
    .then(function (data) {
      (data.events || []).forEach(function (event) {
        if (event.kind === "due") events[String(event.ticket_id)] = event;
      });
      enable();
    })
    .catch(function () { say(grid.getAttribute("data-failed-label"), true); });
})();
