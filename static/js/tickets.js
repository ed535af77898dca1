/* Ticket pages: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Changing the tracker (or WG) reloads the form's choices and custom fields, keeping what was typed.
  document.querySelectorAll(".refresh-on-change").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      var refresh = form.querySelector("input[name=refresh]");
      if (refresh) { refresh.value = "1"; }
      form.submit();
    });
  });
  // Refuse files over the limit before uploading them (the server checks again).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var limit = parseInt(input.dataset.maxBytes, 10);
      var tooLarge = Array.prototype.some.call(input.files, function (f) { return f.size > limit; });
      input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
      if (tooLarge) { input.reportValidity(); }
    });
  });
  // "Select all" in ticket lists.
  document.querySelectorAll("input.toggle-all").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      toggle.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });
})();
