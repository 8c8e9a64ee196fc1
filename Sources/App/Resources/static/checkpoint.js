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
  var KEY = "sentinel.checkpoint", sending = false, directionTouched = false;
  function $(id) { return document.getElementById(id); }
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); queuedEl.textContent = q.length; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function show(message, ok, link) {
    statusEl.textContent = message; statusEl.className = "scan-status " + (ok ? "ok" : "bad");
    var item = document.createElement("li"); item.textContent = new Date().toLocaleTimeString() + " — " + message + " ";
    if (link) { var a = document.createElement("a"); a.href = link; a.textContent = text.slip; a.target = "_blank"; item.appendChild(a); }
    log.insertBefore(item, log.firstChild); while (log.children.length > 30) log.removeChild(log.lastChild);
  }
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
  function flush() {
    var queue = load();
    if (sending || !queue.length) return;
    sending = true;
    fetch("/checkpoint/save", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(queue[0])
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (result) {
        if (response.status >= 500) throw new Error("server");
        var q = load(); var sent = q.shift(); save(q);
        if (response.ok) show(text.saved + " " + sent.plate + " — " + result.slipCode, true, "/checkpoint/slips/" + encodeURIComponent(result.slipCode));
        else show(text.refused + " " + sent.plate + ": " + (result.errors || []).map(function (e) { return e.field + " " + e.reason; }).join("; ") + " " + (result.detail || response.status), false);
      });
    }).catch(function () { /* offline: keep it, try again */ })
      .then(function () { sending = false; if (load().length && navigator.onLine !== false) setTimeout(flush, 200); });
  }
  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var v = scan.value.trim(); scan.value = "";
    if (!v) return;
    var i = v.lastIndexOf("/p/"), row;
    if (i >= 0) row = addRow({ personToken: v.slice(i + 3) });
    else if (/^[0-9+ .]{9,15}$/.test(v) && v.replace(/\D/g, "").length === 10) row = addRow({ phone: v });
    else row = addRow({ idNumber: v });
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
      clientId: uuid(), checkpointId: parseInt($("tr-checkpoint").value, 10), direction: direction.value, crossedAt: new Date().toISOString(),
      plate: plate, vehicleType: $("tr-vehicle").value, origin: origin, destination: destination,
      originDetail: $("tr-origin-detail").value.trim(), destinationDetail: $("tr-destination-detail").value.trim(),
      route: $("tr-route").value.trim(), cargo: $("tr-cargo").value.trim(), occupants: people
    };
    var q = load(); q.push(declaration); save(q);
    show(text.queued + " " + plate, true);
    ["tr-plate", "tr-origin", "tr-origin-detail", "tr-destination", "tr-destination-detail", "tr-route", "tr-cargo"].forEach(function (id) { $(id).value = ""; });
    body.textContent = ""; directionTouched = false;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="direction"]'), function (r) { r.checked = false; });
    $("tr-plate").focus();
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  save(load());
  flush();
})();
