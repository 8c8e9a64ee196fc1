// Venue scanner: a USB reader types a personal QR and Enter; each scan becomes a check-in, queued in the
// browser and sent in batches, so a dropped network loses nothing and a retry never counts twice (event ids).
"use strict";
(function () {
  var root = document.getElementById("scanner");
  if (!root) return;
  var venue = root.getAttribute("data-venue"), csrf = root.getAttribute("data-csrf");
  var input = document.getElementById("scan-input"), statusEl = document.getElementById("scan-status");
  var queuedEl = document.getElementById("scan-queued"), log = document.getElementById("scan-log");
  var text = document.getElementById("scan-i18n").dataset;
  var KEY = "sentinel.scan." + venue, sending = false;
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); queuedEl.textContent = q.length; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = ok ? 880 : 220; o.connect(g); g.connect(audio.destination);
      g.gain.value = 0.1; o.start(); o.stop(audio.currentTime + (ok ? 0.12 : 0.4));
    } catch (e) { /* no audio: the colour still shows */ }
  }
  function show(message, ok) {
    statusEl.textContent = message; statusEl.className = "scan-status " + (ok ? "ok" : "bad"); beep(ok);
    var item = document.createElement("li"); item.textContent = new Date().toLocaleTimeString() + " — " + message;
    log.insertBefore(item, log.firstChild); while (log.children.length > 20) log.removeChild(log.lastChild);
  }
  function token(raw) { var v = raw.trim(); var i = v.lastIndexOf("/p/"); return i >= 0 ? v.slice(i + 3) : v; }
  function flush() {
    var queue = load();
    if (sending || !queue.length) return;
    sending = true;
    fetch("/venues/" + venue + "/scan/batch", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(queue.slice(0, 500))
    }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); }).then(function (r) {
      sending = false;
      if (r.status !== 200) { show(text.bad + " " + (r.body.detail || r.status), false); return; }
      var done = {};
      r.body.results.forEach(function (res) {
        done[res.eventId] = true;
        if (res.status === "rejected") show(text.bad + " " + (res.detail || ""), false);
        else show(res.status === "duplicate" ? text.duplicate : text.ok, true);
      });
      save(load().filter(function (e) { return !done[e.eventId]; }));
      flush();
    }).catch(function () { sending = false; statusEl.textContent = text.offline; statusEl.className = "scan-status bad"; });
  }
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    var t = token(input.value); input.value = "";
    if (!t) return;
    var q = load(); q.push({ eventId: uuid(), personToken: t, checkedInAt: new Date().toISOString() }); save(q);
    flush();
  });
  document.addEventListener("click", function () { input.focus(); });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  save(load()); flush();
})();
