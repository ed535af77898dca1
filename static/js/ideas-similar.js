// New post: while the title is typed, show the similar posts (debounced) from /ideas/similar, the same
// fragment the form shows after 似た投稿を確認 without script.
(function () {
  "use strict";
  var input = document.querySelector("input[data-similar-url]");
  var panel = document.getElementById("similar-ideas");
  if (!input || !panel || !window.fetch) { return; }
  var timer = null, last = "", controller = null;
  function load() {
    var title = input.value.trim();
    if (title === last || title.length < 2) { return; }
    last = title;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(input.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(title),
          {credentials: "same-origin", signal: controller ? controller.signal : undefined})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#similar-ideas");
        if (fresh) { panel.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* aborted or offline: the no-script step still works */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 400);
  });
})();
