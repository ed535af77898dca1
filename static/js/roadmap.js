// Roadmap list: each milestone opens in place to its tickets grouped by tracker, read from
// /api/v1/versions/<id>/roadmap?burndown=0 (tracker/roadmap/api.py). Without this file the button stays hidden
// and the milestone's name opens its page, which lists the same tickets.
(function () {
  "use strict";
  var status = document.getElementById("roadmap-status");
  if (!status) return;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ticketItem(ticket, today) {
    var item = element("li", ticket.is_closed ? "closed" : "");
    var link = element("a", "", "#" + ticket.id + " " + ticket.subject);
    link.href = "/issues/" + ticket.id;
    item.append(link, " ", element("span", "badge status " + (ticket.is_closed ? "status-closed" : "status-open"), ticket.status));
    if (ticket.due_date) {
      var late = !ticket.is_closed && ticket.due_date < today;
      var due = element("time", "due" + (late ? " overdue" : ""), window.formatDay(ticket.due_date));
      due.dateTime = ticket.due_date;
      if (late) due.append(" ", element("span", "overdue-by", status.getAttribute("data-overdue")));
      item.append(" ", due);
    }
    return item;
  }

  function fill(region, data) {
    region.textContent = "";
    if (!data.trackers.length) region.append(element("p", "meta", status.getAttribute("data-empty")));
    data.trackers.forEach(function (group) {
      var closed = group.tickets.filter(function (t) { return t.is_closed; }).length;
      var section = element("section", "roadmap-tracker");
      var heading = element("h3", "", group.tracker + " ");
      heading.append(element("span", "meta", closed + "/" + group.tickets.length));
      var list = element("ul");
      group.tickets.forEach(function (t) { list.append(ticketItem(t, data.today)); });
      section.append(heading, list);
      region.append(section);
    });
  }

  document.querySelectorAll(".roadmap-expand").forEach(function (button) {
    var region = document.getElementById(button.getAttribute("aria-controls"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      region.hidden = !open;
      if (!open || region.hasAttribute("data-loaded")) return;
      button.setAttribute("aria-busy", "true");
      fetch(button.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (data) {
          fill(region, data);
          region.setAttribute("data-loaded", "1");
          status.textContent = "";
        })
        .catch(function () {
          button.setAttribute("aria-expanded", "false");
          region.hidden = true;
          status.textContent = status.getAttribute("data-failed");
        })
        .then(function () { button.removeAttribute("aria-busy"); });
    });
  });
})();
