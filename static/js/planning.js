// Planning board: HTML5 drag and drop of sticky notes between groups. Without JavaScript each note has a
// select + button that posts the same move.
(function () {
  "use strict";
  var board = document.querySelector(".board");
  if (!board) return;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var base = board.getAttribute("data-move-url");
  // Dragging replaces the per-note move form; it comes back when a note has keyboard focus.
  board.classList.add("js-dnd");

  board.addEventListener("dragstart", function (event) {
    var note = event.target.closest(".sticky");
    if (!note) return;
    event.dataTransfer.setData("text/plain", note.getAttribute("data-note-id"));
    event.dataTransfer.effectAllowed = "move";
  });
  board.querySelectorAll(".lane").forEach(function (lane) {
    lane.addEventListener("dragover", function (event) { event.preventDefault(); lane.classList.add("drag-over"); });
    lane.addEventListener("dragleave", function () { lane.classList.remove("drag-over"); });
    lane.addEventListener("drop", function (event) {
      event.preventDefault();
      lane.classList.remove("drag-over");
      var id = event.dataTransfer.getData("text/plain");
      var note = document.getElementById("note-" + id);
      if (!note) return;
      var body = new URLSearchParams();
      body.set("group_id", lane.getAttribute("data-group-id"));
      fetch(base + id + "/move", {
        method: "POST", credentials: "same-origin", body: body,
        headers: {"X-CSRFToken": token, "Accept": "application/json"}
      }).then(function (response) {
        if (response.ok) { lane.appendChild(note); note.setAttribute("data-moved", "1"); }
        else { response.json().then(function (data) { alert((data.errors || []).join("\n")); }); }
      });
    });
  });
})();
