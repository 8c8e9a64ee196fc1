// Checkpoint entry: staff type the plate and places, a USB reader types each person's personal QR (a URL ending in
// /p/TOKEN) or staff type an ID number, then Enter. Each declaration is queued in the browser with its own client id
// and sent, so a dropped network loses nothing and a resend is the same declaration, never a second one.
"use strict";
(function () {
  var form = document.getElementById("travel");
  if (!form) return;
  var csrf = form.getAttribute("data-csrf"), text = document.getElementById("tr-i18n").dataset;
  var body = document.querySelector("#tr-occupants tbody"), rowTemplate = document.getElementById("tr-row");
  var scan = document.getElementById("tr-scan"), statusEl = document.getElementById("tr-status");
  var queuedEl = document.getElementById("tr-queued"), log = document.getElementById("tr-log");
  var queue = SentinelQueue.store("sentinel.checkpoint", queuedEl), directionTouched = false;
  var show = SentinelQueue.logger(statusEl, log, 30, text.slip);
  function $(id) { return document.getElementById(id); }
  // "25993 Phường Trảng Dài, Thành phố Biên Hòa" → "25993"; a typed code alone is kept.
  function placeCode(input) { var m = /^\s*(\d{2}|\d{5})\b/.exec(input.value); return m ? m[1] : ""; }
  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, i) {
      row.querySelector(".seat").textContent = (i + 1) + " " + (i === 0 ? text.driver : text.passenger);
    });
  }
  function addRow(values) {
    var row = rowTemplate.content.firstElementChild.cloneNode(true);
    values = values || {};
    if (values.personToken) {
      row.dataset.token = values.personToken;
      var name = row.querySelector(".o-name"); name.placeholder = text.scanned;
      // Who the code names, to compare with the card shown; offline the row keeps the token and the server resolves it.
      fetch("/checkpoint/identity/" + encodeURIComponent(values.personToken), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (who) {
          if (!who) return;
          name.value = who.name; name.readOnly = true;
          var id = row.querySelector(".o-id"); id.placeholder = (who.birthYear || "") + " " + (who.idNumberEnd || ""); id.readOnly = true;
        }).catch(function () {});
    }
    row.querySelector(".o-id").value = values.idNumber || "";
    row.querySelector(".o-phone").value = values.phone || "";
    row.querySelector(".o-remove").addEventListener("click", function () { row.remove(); renumber(); });
    body.appendChild(row); renumber();
    return row;
  }
  function occupants() {
    return Array.prototype.map.call(body.rows, function (row) {
      var person = {};
      if (row.dataset.token) person.personToken = row.dataset.token;
      var name = row.querySelector(".o-name").value.trim(), id = row.querySelector(".o-id").value.trim(), phone = row.querySelector(".o-phone").value.trim();
      if (name) person.name = name;
      if (id) person.idNumber = id;
      if (phone) person.phone = phone;
      var test = row.querySelector(".o-test").value, day = row.querySelector(".o-day").value;
      var o = { person: person, testStatus: test };
      if (test !== "none" && day) o.testDay = day;
      return o;
    }).filter(function (o) { return Object.keys(o.person).length > 0; });
  }
  // The direction follows from the places unless staff chose it: a province code is outside, a commune inside.
  function suggestDirection() {
    if (directionTouched) return;
    var from = placeCode($("tr-origin")), to = placeCode($("tr-destination"));
    if (!from || !to) return;
    var value = to.length === 5 ? "entering" : (from.length === 5 ? "leaving" : "transit");
    var radio = form.querySelector('input[name="direction"][value="' + value + '"]');
    if (radio) radio.checked = true;
  }
  var flush = SentinelQueue.sender(queue, "/checkpoint/save", csrf, function (sent, response, result) {
    if (response.ok) show(text.saved + " " + sent.plate + " — " + result.slipCode, true, "/checkpoint/slips/" + encodeURIComponent(result.slipCode));
    else show(text.refused + " " + sent.plate + ": " + (result.errors || []).map(function (e) { return e.field + " " + e.reason; }).join("; ") + " " + (result.detail || response.status), false);
  });
  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var v = scan.value.trim(); scan.value = "";
    if (!v) return;
    var row = addRow(SentinelQueue.claim(v));
    if (!row.dataset.token) row.querySelector(".o-name").focus();
  });
  // A USB reader ends with Enter: keep it from submitting the form from any field.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target !== scan) {
      event.preventDefault();
      if (event.target.classList.contains("o-name") || event.target.classList.contains("o-phone")) scan.focus();
    }
  });
  $("tr-add").addEventListener("click", function () { addRow().querySelector(".o-name").focus(); });
  $("tr-origin").addEventListener("change", suggestDirection);
  $("tr-destination").addEventListener("change", suggestDirection);
  Array.prototype.forEach.call(form.querySelectorAll('input[name="direction"]'), function (r) {
    r.addEventListener("change", function () { directionTouched = true; });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    suggestDirection();
    var direction = form.querySelector('input[name="direction"]:checked'), people = occupants();
    var plate = $("tr-plate").value.trim(), origin = placeCode($("tr-origin")), destination = placeCode($("tr-destination"));
    if (!plate || !origin || !destination || !direction || !people.length) { show(text.missing, false); return; }
    var declaration = {
      clientId: SentinelQueue.uuid(), checkpointId: parseInt($("tr-checkpoint").value, 10), direction: direction.value, crossedAt: new Date().toISOString(),
      plate: plate, vehicleType: $("tr-vehicle").value, origin: origin, destination: destination,
      originDetail: $("tr-origin-detail").value.trim(), destinationDetail: $("tr-destination-detail").value.trim(),
      route: $("tr-route").value.trim(), cargo: $("tr-cargo").value.trim(), occupants: people
    };
    queue.push(declaration);
    show(text.queued + " " + plate, true);
    ["tr-plate", "tr-origin", "tr-origin-detail", "tr-destination", "tr-destination-detail", "tr-route", "tr-cargo"].forEach(function (id) { $(id).value = ""; });
    body.textContent = ""; directionTouched = false;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="direction"]'), function (r) { r.checked = false; });
    $("tr-plate").focus();
    flush();
  });
})();
