// Behaviour that every page shares. The Content-Security-Policy allows no inline script or on...=
// handlers, so templates mark elements with data- attributes and this file attaches the behaviour.
(function () {
  "use strict";
  // A day (YYYY-MM-DD) as the server's |day filter writes it: 2026年6月30日, or R8年6月30日 for whoever chose 和暦
  // (<meta name="date-style">); Jun 30, 2026 (R8) in English. For the pages' scripts that draw from JSON.
  window.formatDay = function (iso) {
    if (!iso) return "";
    var p = iso.split("-"), day = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]));
    var html = document.documentElement, style = document.querySelector('meta[name="date-style"]');
    var japanese = !!style && style.content === "japanese";
    var era = japanese ? new Intl.DateTimeFormat("ja-JP-u-ca-japanese", {era: "narrow", year: "numeric", timeZone: "UTC"})
      .formatToParts(day).filter(function (part) { return part.type === "era" || part.type === "year"; })
      .map(function (part) { return part.value; }).join("") : "";
    if (html.lang === "ja") return (japanese ? era : p[0]) + "年" + (+p[1]) + "月" + (+p[2]) + "日";
    var text = new Intl.DateTimeFormat(html.lang, {dateStyle: "medium", timeZone: "UTC"}).format(day);
    return japanese ? text + " (" + era + ")" : text;
  };
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
