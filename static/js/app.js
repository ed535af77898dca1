// Behaviour that every page shares. The Content-Security-Policy allows no inline script or on...=
// handlers, so templates mark elements with data- attributes and this file attaches the behaviour.
(function () {
  "use strict";
  // <form data-confirm="..."> and <button data-confirm="...">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
