/* Ticket page and form: attributes saved in place, autocomplete (Tom Select, Tribute), Markdown preview, files
   by drag-and-drop and paste. Every one enhances a form that works without this file. */
(function () {
  "use strict";
  var script = document.currentScript;
  var previewUrl = script && script.dataset.previewUrl;
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  function getJSON(url, callback) {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(callback).catch(function () { callback([]); });
  }
  function withQuery(url, q) { return url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q); }

  // -- autocomplete: selects (assignee, watchers) and the parent ticket --------------------------------
  // Tom Select moves a <label for> to its own input; a select named by aria-labelledby (the in-place forms) keeps
  // the name on the widget's input too, and the original select, now hidden from everyone, leaves the
  // accessibility tree so that only the labelled widget is announced.
  function labelWidget(original, widget) {
    var by = original.getAttribute("aria-labelledby");
    if (by && widget.control_input) { widget.control_input.setAttribute("aria-labelledby", by); }
    original.setAttribute("aria-hidden", "true");
  }
  function enhanceSelects(root) {
    if (!window.TomSelect) { return; }
    root.querySelectorAll("select[data-autocomplete=select]").forEach(function (select) {
      if (select.tomselect) { return; }
      var widget = new window.TomSelect(select, {allowEmptyOption: true, maxOptions: 200, selectOnTab: true});
      labelWidget(select, widget);
    });
    root.querySelectorAll("input[data-autocomplete=ticket]").forEach(function (input) {
      if (input.tomselect) { return; }
      var value = input.value.replace(/^#/, "");
      input.value = value;
      new window.TomSelect(input, {
        maxItems: 1, valueField: "id", labelField: "label", searchField: ["label"], create: false, persist: false,
        options: value ? [{id: value, label: "#" + value}] : [], items: value ? [value] : [],
        shouldLoad: function (q) { return q.length > 0; },
        load: function (q, callback) { getJSON(withQuery(input.dataset.url, q), callback); },
        render: {
          option: function (item) { return "<div>" + escapeHtml(item.label) + "</div>"; },
          item: function (item) { return "<div>" + escapeHtml(item.label) + "</div>"; }
        }
      });
    });
  }

  // -- @mentions and #ticket references in text areas ------------------------------------------------
  function enhanceTextareas(root) {
    if (!window.Tribute) { return; }
    root.querySelectorAll("textarea[data-mentions]").forEach(function (area) {
      if (area.dataset.tributeReady) { return; }
      area.dataset.tributeReady = "1";
      var template = function (item) { return escapeHtml(item.original.key); };
      new window.Tribute({
        collection: [{
          trigger: "@", lookup: "key", fillAttr: "value", menuItemLimit: 10, menuItemTemplate: template,
          values: function (text, callback) {
            getJSON(withQuery(area.dataset.mentions, text), function (people) {
              callback(people.map(function (u) { return {key: u.name + " (@" + u.login + ")", value: u.login}; }));
            });
          }
        }, {
          trigger: "#", lookup: "key", fillAttr: "value", menuItemLimit: 10, menuItemTemplate: template,
          values: function (text, callback) {
            getJSON(withQuery(area.dataset.tickets, text), function (tickets) {
              callback(tickets.map(function (t) { return {key: t.label, value: String(t.id)}; }));
            });
          }
        }]
      }).attach(area);
    });
  }

  // -- attributes saved in place ----------------------------------------------------------------------
  function swap(doc, selector) {
    var fresh = doc.querySelector(selector);
    var old = document.querySelector(selector);
    if (fresh && old) { old.replaceWith(fresh); }
    return fresh;
  }
  function showFlashes(doc) {
    var fresh = doc.querySelector(".flashes");
    var old = document.querySelector(".flashes");
    if (old) { old.remove(); }
    if (fresh) { document.querySelector("main").prepend(fresh); }
  }
  function enhanceInlineForms(root) {
    root.querySelectorAll("form[data-inline-edit]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var field = form.dataset.inlineEdit;
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        form.setAttribute("aria-busy", "true");
        fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                            headers: {"X-Inline-Edit": "1"}})
          .then(function (response) { return response.text(); })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            if (!doc.querySelector("#ticket-attributes")) { throw new Error("unexpected answer"); }
            ["#ticket-head", "#history", "#inline-status"].forEach(function (s) { swap(doc, s); });
            var attributes = swap(doc, "#ticket-attributes");
            showFlashes(doc);
            enhanceSelects(attributes);
            enhanceInlineForms(attributes);
            var control = attributes.querySelector("form[data-inline-edit='" + field + "'] [name=value]");
            if (control) { (control.tomselect ? control.tomselect.control_input : control).focus(); }
          })
          .catch(function () { form.submit(); });  // fall back to the plain form
      });
    });
  }

  // -- Markdown preview -------------------------------------------------------------------------------
  function enhancePreview(root) {
    root.querySelectorAll("[data-preview-button]").forEach(function (button) {
      if (!previewUrl) { return; }
      button.addEventListener("click", function (event) {
        event.preventDefault();
        button.form.querySelectorAll("textarea[name=description], textarea[name=notes]").forEach(function (area) {
          var body = new FormData();
          body.append("csrf_token", csrf);
          body.append("text", area.value);
          fetch(previewUrl, {method: "POST", body: body, credentials: "same-origin"})
            .then(function (r) { return r.text(); })
            .then(function (html) {
              var holder = area.closest(".field") || area.parentNode;
              var old = holder.parentNode.querySelector(".markdown-preview[data-for='" + area.name + "']");
              var doc = new DOMParser().parseFromString(html, "text/html");
              var preview = doc.querySelector(".markdown-preview");
              if (!preview) { return; }
              preview.dataset.for = area.name;
              if (old) { old.replaceWith(preview); } else { holder.after(preview); }
            });
        });
      });
    });
  }

  // -- files by drag-and-drop and paste ----------------------------------------------------------------
  function enhanceDropZones(root) {
    root.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]");
      var form = zone.closest("form");
      var list = zone.querySelector("[data-dropped]");
      var hint = zone.querySelector("[data-drop-hint]");
      if (!input || !form || typeof DataTransfer === "undefined") { return; }
      if (hint) { hint.hidden = false; }
      function listFiles() {
        list.innerHTML = "";
        Array.prototype.forEach.call(input.files, function (file) {
          var item = document.createElement("li");
          item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
          list.appendChild(item);
        });
      }
      function addFiles(files) {
        var all = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
        Array.prototype.forEach.call(files, function (f) { all.items.add(f); });
        input.files = all.files;
        input.dispatchEvent(new Event("change", {bubbles: true}));
      }
      input.addEventListener("change", listFiles);
      form.addEventListener("dragover", function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
          zone.classList.add("dragging");
        }
      });
      form.addEventListener("dragleave", function (event) {
        if (!form.contains(event.relatedTarget)) { zone.classList.remove("dragging"); }
      });
      form.addEventListener("drop", function (event) {
        if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
        event.preventDefault();
        zone.classList.remove("dragging");
        addFiles(event.dataTransfer.files);
      });
      form.querySelectorAll("textarea").forEach(function (area) {
        area.addEventListener("paste", function (event) {
          var files = event.clipboardData && event.clipboardData.files;
          if (!files || !files.length) { return; }
          event.preventDefault();  // a pasted screenshot becomes a file, not text
          var stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
          addFiles(Array.prototype.map.call(files, function (f, i) {
            var extension = (f.type.split("/")[1] || "bin").replace("jpeg", "jpg");
            return new File([f], "pasted-" + stamp + (i ? "-" + i : "") + "." + extension, {type: f.type});
          }));
        });
      });
    });
  }

  // -- the tracker's (or WG's) own choices, fetched in place -------------------------------------------
  // Choosing a tracker with the arrow keys must not reload the page (WCAG 3.2.2); the form's button does
  // it without script. Here the form is sent in the background as that button would send it, and only the
  // fields that depend on the choice are swapped in; the focus stays on the select.
  var DEPENDENT = ["#status_id", "#assigned_to", "#category_id", "#fixed_version_id"];
  function refreshDependentFields(select) {
    var form = select.form;
    var body = new FormData(form);
    body.set("refresh", "1");
    fetch(form.action || window.location.href, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        DEPENDENT.forEach(function (selector) {
          var fresh = doc.querySelector(selector);
          var old = form.querySelector(selector);
          if (!fresh || !old) { return; }
          if (old.tomselect) { old.tomselect.destroy(); }
          old.closest(".field").replaceWith(fresh.closest(".field"));
        });
        var freshCustom = doc.querySelector("fieldset.custom-fields");
        var oldCustom = form.querySelector("fieldset.custom-fields");
        var anchor = form.querySelector("[data-drop-zone]") || form.querySelector("button.primary");
        if (oldCustom) { oldCustom.remove(); }
        if (freshCustom && anchor) { anchor.before(freshCustom); }
        enhanceSelects(form);
        var button = form.querySelector("[data-refresh-button]");
        if (button) { button.classList.remove("attention"); }
      });
  }
  document.querySelectorAll(".refresh-on-change").forEach(function (select) {
    var timer = null;
    select.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refreshDependentFields(select); }, 300);
    });
  });

  enhanceSelects(document);
  enhanceTextareas(document);
  enhanceInlineForms(document);
  enhancePreview(document);
  enhanceDropZones(document);
})();
