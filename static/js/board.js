// Kanban board: drag a card to another column (SortableJS). The page works without this file: each card
// has a move menu (a small POST form) listing the same targets.
//
// The board's JSON (/api/v1/.../board, same parameters as the page) says where each card may go; while a
// card is dragged the other columns of its lane show "allowed" or "not allowed", and a refused column does
// not take the drop. A drop posts /api/v1/board/moves: 200 moves it (the journal and the notification are
// the ticket service's), 409 (changed meanwhile) says so and reloads, 422 puts the card back with the reason.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board || typeof Sortable === "undefined") return;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.querySelector("[data-board-status]");
  var cards = {};  // ticket id -> its card in the board's JSON: {allowed_columns, lock_version, ...}

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function allowedFor(el) {
    var card = cards[el.getAttribute("data-ticket-id")];
    return card ? card.allowed_columns : [];
  }

  function sameLaneLists(el) {
    var lane = el.closest(".kanban-cards").getAttribute("data-lane");
    return board.querySelectorAll('.kanban-cards[data-lane="' + CSS.escape(lane) + '"]');
  }

  function markTargets(el) {
    var allowed = allowedFor(el);
    var home = el.closest(".kanban-cards");
    sameLaneLists(el).forEach(function (list) {
      if (list === home) return;
      list.setAttribute("data-drop", allowed.indexOf(list.getAttribute("data-column")) >= 0 ? "allowed" : "refused");
    });
  }

  function clearTargets() {
    board.querySelectorAll(".kanban-cards[data-drop]").forEach(function (list) { list.removeAttribute("data-drop"); });
  }

  function recount() {
    board.querySelectorAll("[data-column-head]").forEach(function (head) {
      var key = head.getAttribute("data-column-head");
      var n = board.querySelectorAll('.kanban-cards[data-column="' + CSS.escape(key) + '"] .kanban-card').length;
      head.querySelector("[data-count]").textContent = n;
      var wip = head.querySelector(".kanban-wip");
      if (wip) {
        var over = n > parseInt(wip.textContent.replace(/[^0-9]/g, ""), 10);
        head.classList.toggle("over-limit", over);
        head.querySelector("[data-wip-warning]").hidden = !over;
      }
    });
  }

  // The card's move menu follows the card: its new version, and the columns it may go to from where it is now.
  function refreshMenu(el, card) {
    var version = el.querySelector('input[name="lock_version-' + card.id + '"]');
    if (version) version.value = card.lock_version;
    var select = el.querySelector('select[name="target-' + card.id + '"]');
    if (!select) return;
    select.innerHTML = "";
    card.allowed_columns.forEach(function (key) {
      var head = board.querySelector('[data-column-head="' + CSS.escape(key) + '"] .kanban-collabel');
      if (!head) return;
      var option = document.createElement("option");
      option.value = key;
      option.textContent = head.textContent;
      select.appendChild(option);
    });
  }

  function putBack(evt) {
    var from = evt.from;
    var before = from.children[evt.oldIndex] || null;
    from.insertBefore(evt.item, before);
    recount();
  }

  function drop(evt) {
    var el = evt.item;
    var id = el.getAttribute("data-ticket-id");
    var card = cards[id];
    var target = evt.to.getAttribute("data-column");
    el.classList.add("saving");
    fetch(board.getAttribute("data-move-url"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({ticket_id: parseInt(id, 10), column_by: board.getAttribute("data-column-by"),
                            lane_by: board.getAttribute("data-lane-by"), target: target,
                            lock_version: card ? card.lock_version : null})
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    }).then(function (answer) {
      el.classList.remove("saving");
      if (answer.status === 200) {
        cards[id] = answer.data.card;
        refreshMenu(el, answer.data.card);
        el.setAttribute("data-moved", "1");
        say(board.getAttribute("data-moved-label").replace("%(id)s", id));
        recount();
        return;
      }
      var message = (answer.data.errors || []).join(" ");
      putBack(evt);
      say(message, true);
      if (answer.status === 409) {
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    }).catch(function () {
      el.classList.remove("saving");
      putBack(evt);
      say(board.getAttribute("data-failed-label"), true);
    });
  }

  // Sortable moves the dragged card into each list it passes that accepts it; released over a refused column
  // (or outside any), the card would stay in the last one it passed. So while dragging, a pointer over a
  // refused column or off the lists puts the card back home: a release there changes nothing.
  var dragging = null;  // {el, home, index}
  function listUnder(x, y) {
    var stack = document.elementsFromPoint(x, y);
    for (var i = 0; i < stack.length; i++) {
      if (stack[i].classList && stack[i].classList.contains("kanban-cards")) return stack[i];
    }
    return null;
  }
  document.addEventListener("pointermove", function (event) {
    if (!dragging) return;
    var list = listUnder(event.clientX, event.clientY);
    if ((!list || list.getAttribute("data-drop") === "refused") && dragging.el.parentNode !== dragging.home) {
      dragging.home.insertBefore(dragging.el, dragging.home.children[dragging.index] || null);
    }
  }, true);

  function enable() {
    board.querySelectorAll(".kanban-cards").forEach(function (list) {
      list.setAttribute("data-refused-label", board.getAttribute("data-refused"));
      Sortable.create(list, {
        group: {
          name: "lane-" + list.getAttribute("data-lane"),
          pull: true,
          put: function (to, from, dragEl) {
            return allowedFor(dragEl).indexOf(to.el.getAttribute("data-column")) >= 0;
          }
        },
        sort: false,
        draggable: ".kanban-card.movable",
        filter: "summary, select, button, input, label, .move-menu",
        preventOnFilter: false,
        forceFallback: true,  // mouse and touch alike, and the same in every browser
        fallbackOnBody: true,
        animation: 0,
        onStart: function (evt) {
          dragging = {el: evt.item, home: evt.from, index: evt.oldIndex};
          markTargets(evt.item);
        },
        onEnd: function () { dragging = null; clearTargets(); },
        onAdd: drop
      });
    });
    board.setAttribute("data-ready", "1");
    if (window.performance && performance.mark) performance.mark("board-interactive");
  }

  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }
  mark("board-script");
  // No headers of its own, so that it matches the page's <link rel="preload"> of the same address.
  fetch(board.getAttribute("data-json-url"), {credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(function (data) {
      mark("board-json");
      (data.cards || []).forEach(function (card) { cards[String(card.id)] = card; });
      enable();
    })
    .catch(function () { say(board.getAttribute("data-failed-label"), true); });
})();
