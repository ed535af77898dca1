/* Ticket pages: progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  var NO_VALUE = ["o", "c", "*", "!*", "t", "w", "lw", "od"];

  // Changing the tracker (or WG) no longer reloads the page on its own (WCAG 3.2.2: arrow keys in a select
  // must not navigate): the form's "update choices" button does it, and here it is only pointed out.
  document.querySelectorAll(".refresh-on-change").forEach(function (select) {
    select.addEventListener("change", function () {
      var button = select.form.querySelector("[data-refresh-button]");
      if (button) { button.classList.add("attention"); }
    });
  });
  document.querySelectorAll("[data-refresh-button]").forEach(function (button) {
    button.addEventListener("click", function () {
      var refresh = button.form.querySelector("input[name=refresh]");
      if (refresh) { refresh.value = "1"; }
    });
  });
  // Refuse files over the limit before uploading them (the server checks again).
  function checkSizes(input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    var tooLarge = Array.prototype.some.call(input.files, function (f) { return f.size > limit; });
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) { input.reportValidity(); }
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { checkSizes(input); });
  });
  // "Select all" in ticket lists.
  document.querySelectorAll("input.toggle-all").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      toggle.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });

  // -- the ticket list's filters ------------------------------------------------------------------
  // Show only the value inputs that the chosen operator reads (data-ops lists them).
  function showValues(row) {
    var op = row.querySelector(".filter-op").value;
    row.querySelectorAll("[data-ops]").forEach(function (el) {
      var wanted = el.dataset.ops.split(" ").indexOf(op) >= 0;
      if (el.classList.contains("filter-values")) { wanted = NO_VALUE.indexOf(op) < 0; }
      el.hidden = !wanted;
      if (el.matches("input")) { el.disabled = !wanted; }
      el.querySelectorAll("input").forEach(function (input) { input.disabled = !wanted; });
    });
  }
  // People filters (assignee, author, watcher, user fields): the checkbox list stays the form's value (and is what
  // works without script); a Tom Select multi-select with search stands in front of it and ticks the boxes.
  function enhancePeople(row) {
    var list = row.querySelector(".filter-choices[data-people]");
    if (!list || !window.TomSelect) { return; }
    var select = document.createElement("select");
    select.multiple = true;
    select.className = "people-select";
    select.setAttribute("aria-label", list.getAttribute("aria-label"));
    var boxes = Array.prototype.slice.call(list.querySelectorAll("input[type=checkbox]"));
    boxes.forEach(function (box) {
      var option = document.createElement("option");
      option.value = box.value;
      option.textContent = box.parentNode.textContent.trim();
      option.selected = box.checked;
      select.appendChild(option);
    });
    list.parentNode.insertBefore(select, list);
    list.hidden = true;
    var widget = new window.TomSelect(select, {
      plugins: ["remove_button"], maxOptions: 300, hideSelected: true, closeAfterSelect: true,
      placeholder: list.dataset.people,
      onChange: function (values) {
        boxes.forEach(function (box) { box.checked = values.indexOf(box.value) >= 0; });
      },
    });
    widget.control_input.setAttribute("aria-label", list.getAttribute("aria-label"));
  }
  function enhanceRow(row) {
    enhancePeople(row);
    row.querySelector(".filter-op").addEventListener("change", function () { showValues(row); });
    showValues(row);
    var remove = row.querySelector("[data-remove-filter]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var option = document.querySelector("#add_filter option[value='" + row.dataset.filter + "']");
        if (option) { option.disabled = false; }
        var form = row.closest("form");
        row.remove();
        form.querySelector("#add_filter").focus();
      });
    }
  }
  document.querySelectorAll(".filter-row").forEach(enhanceRow);
  var addButton = document.querySelector("[data-add-filter]");
  if (addButton) {
    addButton.addEventListener("click", function (event) {
      var form = addButton.form;
      var select = form.querySelector("#add_filter");
      var name = select.value;
      event.preventDefault();
      if (!name) { select.focus(); return; }
      var url = form.dataset.filterUrl + "?fragment=filter&add_filter=" + encodeURIComponent(name);
      fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      }).then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var row = holder.querySelector(".filter-row");
        form.querySelector("#filter-rows").appendChild(row);
        enhanceRow(row);
        select.querySelector("option[value='" + name + "']").disabled = true;
        select.value = "";
        (row.querySelector(".filter-values input:not([disabled]), .filter-op")).focus();
      }).catch(function () { form.requestSubmit(addButton); });
    });
  }
})();
