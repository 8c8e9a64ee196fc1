// The lab page's file import: reads the instrument's file in the browser and posts its text (JSON, with the
// session's CSRF token); shows a row per message or line. Everything else on the page is a plain form.
(function () {
  "use strict";
  var box = document.getElementById("lab-import");
  if (!box) return;
  var input = document.getElementById("lab-file");
  var button = document.getElementById("lab-import-button");
  var progress = document.getElementById("lab-import-progress");
  var status = document.getElementById("lab-import-status");
  var results = document.getElementById("lab-import-results");
  var d = box.dataset;

  function cell(row, text, tag) {
    var c = document.createElement(tag || "td");
    c.textContent = text;
    row.appendChild(c);
  }

  function show(answers) {
    var counts = { recorded: 0, corrected: 0, refused: 0 };
    var table = document.createElement("table");
    table.className = "list";
    var head = table.createTHead().insertRow();
    [d.line, d.tube, d.status, d.note].forEach(function (h) { cell(head, h, "th"); });
    var body = table.createTBody();
    answers.forEach(function (a) {
      counts[a.status] = (counts[a.status] || 0) + 1;
      var row = body.insertRow();
      if (a.status === "refused") row.className = "refused";
      cell(row, a.line == null ? "" : String(a.line));
      cell(row, a.tubeBarcode || "");
      cell(row, d[a.status] || a.status);
      cell(row, a.reason || "");
    });
    results.replaceChildren(table);
    status.textContent = d.done.replace("{n}", answers.length).replace("{recorded}", counts.recorded)
      .replace("{corrected}", counts.corrected).replace("{refused}", counts.refused);
  }

  button.addEventListener("click", function () {
    var file = input.files && input.files[0];
    if (!file) { input.focus(); return; }
    button.disabled = true;
    progress.hidden = false;
    status.textContent = d.importing;
    file.text().then(function (text) {
      return fetch("/lab/import", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": d.csrf },
        body: JSON.stringify({ text: text })
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.detail || response.statusText);
        show(body.results || []);
      });
    }).catch(function (error) {
      status.textContent = d.refused + ": " + error.message;
    }).finally(function () {
      button.disabled = false;
      progress.hidden = true;
    });
  });
})();
