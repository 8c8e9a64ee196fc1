// Citizen check-in: remembers the people on this phone, checks in with one tap, queues through network loss.
"use strict";
(function () {
  var root = document.getElementById("checkin");
  if (!root || !window.fetch || !window.localStorage) return;   // the plain form still works
  var token = root.getAttribute("data-token");
  var text = document.getElementById("i18n").dataset;
  var statusEl = document.getElementById("status");
  var form = document.getElementById("person-form");
  var PEOPLE = "sentinel.people", QUEUE = "sentinel.queue";

  function load(key) { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function show(message, ok) { statusEl.textContent = message; statusEl.className = ok ? "ok" : "bad"; }

  function send(event) {
    return fetch("/api/v1/checkins", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(event) })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); });
  }
  function flush() {
    var queue = load(QUEUE);
    if (!queue.length) return;
    var next = queue[0];
    send(next).then(function (r) {
      save(QUEUE, load(QUEUE).filter(function (e) { return e.eventId !== next.eventId; }));
      if (r.status < 300) show(text.done + " " + new Date(next.checkedInAt).toLocaleTimeString(), true);
      flush();
    }).catch(function () { /* still offline: try again later */ });
  }
  function checkIn(person) {
    var event = { eventId: uuid(), venueToken: token, person: person, checkedInAt: new Date().toISOString() };
    send(event).then(function (r) {
      if (r.status < 300) show(text.done + " " + new Date().toLocaleTimeString(), true);
      else show(text.failed + " " + (r.body.detail || ""), false);
    }).catch(function () {
      var queue = load(QUEUE); queue.push(event); save(QUEUE, queue);
      show(text.queued, true);
    });
  }
  function render() {
    var list = document.getElementById("people");
    list.textContent = "";
    load(PEOPLE).forEach(function (person, index) {
      var row = document.createElement("div"); row.className = "person";
      var go = document.createElement("button"); go.type = "button"; go.textContent = "✓ " + person.name;
      go.addEventListener("click", function () { checkIn(person); });
      var forget = document.createElement("button"); forget.type = "button"; forget.className = "forget";
      forget.textContent = text.forget; forget.setAttribute("aria-label", text.forget + " " + person.name);
      forget.addEventListener("click", function () { var p = load(PEOPLE); p.splice(index, 1); save(PEOPLE, p); render(); });
      row.appendChild(go); row.appendChild(forget); list.appendChild(row);
    });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var person = { name: form.name.value.trim() };
    if (form.phone.value.trim()) person.phone = form.phone.value.trim();
    if (form.idNumber.value.trim()) person.idNumber = form.idNumber.value.trim();
    if (/^\d{4}$/.test(form.birthYear.value.trim())) person.birthYear = parseInt(form.birthYear.value.trim(), 10);
    if (!person.phone && !person.idNumber) { show(text.failed + " " + form.phone.labels[0].textContent, false); return; }
    var people = load(PEOPLE); people.push(person); save(PEOPLE, people);
    form.reset(); render(); checkIn(person);
  });
  window.addEventListener("online", flush);
  render(); flush();
})();
