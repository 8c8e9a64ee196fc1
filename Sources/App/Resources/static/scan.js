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
  var queue = SentinelQueue.store("sentinel.scan." + venue, queuedEl), sending = false;
  var logLine = SentinelQueue.logger(statusEl, log, 20, "");
  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = ok ? 880 : 220; o.connect(g); g.connect(audio.destination);
      g.gain.value = 0.1; o.start(); o.stop(audio.currentTime + (ok ? 0.12 : 0.4));
    } catch (e) { /* no audio: the colour still shows */ }
  }
  function show(message, ok) { logLine(message, ok); beep(ok); }
  function token(raw) { var v = raw.trim(); var i = v.lastIndexOf("/p/"); return i >= 0 ? v.slice(i + 3) : v; }
  function flush() {
    var items = queue.load();
    if (sending || !items.length) return;
    sending = true;
    fetch("/venues/" + venue + "/scan/batch", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(items.slice(0, 500))
    }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); }).then(function (r) {
      sending = false;
      if (r.status !== 200) { show(text.bad + " " + (r.body.detail || r.status), false); return; }
      var done = {};
      r.body.results.forEach(function (res) {
        done[res.eventId] = true;
        if (res.status === "rejected") show(text.bad + " " + (res.detail || ""), false);
        else show(res.status === "duplicate" ? text.duplicate : text.ok, true);
      });
      queue.save(queue.load().filter(function (e) { return !done[e.eventId]; }));
      flush();
    }).catch(function () { sending = false; statusEl.textContent = text.offline; statusEl.className = "scan-status bad"; });
  }
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    var t = token(input.value); input.value = "";
    if (!t) return;
    queue.push({ eventId: SentinelQueue.uuid(), personToken: t, checkedInAt: new Date().toISOString() });
    flush();
  });
  document.addEventListener("click", function () { input.focus(); });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  queue.save(queue.load()); flush();
})();
