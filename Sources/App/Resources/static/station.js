// Sampling station: a USB reader types a person's QR (or staff type an ID number) and Enter, then the tube's
// barcode and Enter; each sample is queued in the browser with its own client id and sent, so a dropped network
// loses nothing and a retry is the same sample, never a second one.
"use strict";
(function () {
  var root = document.getElementById("station");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf"), text = document.getElementById("station-i18n").dataset;
  var personInput = document.getElementById("station-person"), tubeInput = document.getElementById("station-tube");
  var peopleList = document.getElementById("station-people"), statusEl = document.getElementById("station-status");
  var queuedEl = document.getElementById("station-queued"), log = document.getElementById("station-log");
  var KEY = "sentinel.station", sending = false, people = [];
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); queuedEl.textContent = q.length; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function show(message, ok, link) {
    statusEl.textContent = message; statusEl.className = "scan-status " + (ok ? "ok" : "bad");
    var item = document.createElement("li"); item.textContent = new Date().toLocaleTimeString() + " — " + message + " ";
    if (link) { var a = document.createElement("a"); a.href = link; a.textContent = text.slip; a.target = "_blank"; item.appendChild(a); }
    log.insertBefore(item, log.firstChild); while (log.children.length > 30) log.removeChild(log.lastChild);
  }
  function claim(raw) {
    var v = raw.trim(), i = v.lastIndexOf("/p/");
    if (i >= 0) return { personToken: v.slice(i + 3) };
    return /^[0-9+ ]{9,15}$/.test(v) && v.replace(/\D/g, "").length === 10 ? { phone: v } : { idNumber: v };
  }
  function renderPeople() {
    peopleList.textContent = "";
    people.forEach(function (p) { var li = document.createElement("li"); li.textContent = p.personToken ? "QR" : (p.idNumber || p.phone); peopleList.appendChild(li); });
  }
  function flush() {
    var queue = load();
    if (sending || !queue.length) return;
    sending = true;
    fetch("/samples/station/save", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(queue[0])
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status >= 500) throw new Error("server");
        var q = load(); q.shift(); save(q);
        if (response.ok) show(text.saved + " " + body.tubeBarcode, true, "/samples/" + encodeURIComponent(body.tubeBarcode) + "/slip");
        else show(text.refused + " " + (body.detail || response.status), false);
      });
    }).catch(function () { /* offline: keep it, try again */ })
      .then(function () { sending = false; if (load().length && navigator.onLine !== false) setTimeout(flush, 200); });
  }
  personInput.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (personInput.value.trim()) { people.push(claim(personInput.value)); renderPeople(); }
    personInput.value = "";
    var pool = parseInt(document.getElementById("station-pool").value, 10);
    if (pool === 1 || people.length >= pool) tubeInput.focus();
  });
  tubeInput.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var tube = tubeInput.value.trim();
    if (!tube) return;
    if (!people.length) { show(text.needPerson, false); personInput.focus(); return; }
    var pool = parseInt(document.getElementById("station-pool").value, 10);
    var sample = { tubeBarcode: tube, personIds: [], people: people, method: document.getElementById("station-method").value,
                   specimenType: document.getElementById("station-specimen").value, clientId: uuid(),
                   communeCode: document.getElementById("station-commune").value, collectedAt: new Date().toISOString() };
    if (pool > 1) sample.poolSize = pool;
    var q = load(); q.push(sample); save(q);
    show(text.queued + " " + tube, true);
    people = []; renderPeople(); tubeInput.value = ""; personInput.focus();
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  save(load());
  flush();
})();
