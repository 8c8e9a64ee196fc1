// What the pages that must work through network loss share (sampling station, venue scanner, checkpoint entry): an
// id made on the device, a queue kept in localStorage, a status line with a log, and a sender that sends the queue
// one item at a time. An item leaves the queue only when the server has answered it (a network failure or a 5xx
// keeps it for the next try), and the server treats a resend of the same id as the same record.
"use strict";
window.SentinelQueue = (function () {
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // A list under `key` in localStorage; its length is shown in `counter`.
  function store(key, counter) {
    function load() { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
    function save(q) { localStorage.setItem(key, JSON.stringify(q)); if (counter) counter.textContent = q.length; }
    return { load: load, save: save, push: function (item) { var q = load(); q.push(item); save(q); } };
  }
  // show(message, ok, link?): the status line, and the newest line of the log (at most `max` kept).
  function logger(statusEl, list, max, linkText) {
    return function (message, ok, link) {
      statusEl.textContent = message; statusEl.className = "scan-status " + (ok ? "ok" : "bad");
      var item = document.createElement("li"); item.textContent = new Date().toLocaleTimeString() + " — " + message + " ";
      if (link) { var a = document.createElement("a"); a.href = link; a.textContent = linkText; a.target = "_blank"; item.appendChild(a); }
      list.insertBefore(item, list.firstChild); while (list.children.length > max) list.removeChild(list.lastChild);
    };
  }
  // Posts the queue's first item as JSON to `url` until the queue is empty; answered(item, response, body) for each
  // answer the server gave. Returns flush, to call after pushing; it also runs when the network comes back.
  function sender(queue, url, csrf, answered) {
    var sending = false;
    function flush() {
      var items = queue.load();
      if (sending || !items.length) return;
      sending = true;
      fetch(url, {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(items[0])
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status >= 500) throw new Error("server");
          var q = queue.load(); var sent = q.shift(); queue.save(q);
          answered(sent, response, body);
        });
      }).catch(function () { /* offline: keep it, try again */ })
        .then(function () { sending = false; if (queue.load().length && navigator.onLine !== false) setTimeout(flush, 200); });
    }
    window.addEventListener("online", flush);
    setInterval(flush, 5000);
    queue.save(queue.load());
    flush();
    return flush;
  }
  // What a USB reader or staff typed: a personal QR (a URL ending in /p/TOKEN), a phone number, else an ID number.
  function claim(raw) {
    var v = raw.trim(), i = v.lastIndexOf("/p/");
    if (i >= 0) return { personToken: v.slice(i + 3) };
    return /^[0-9+ .]{9,15}$/.test(v) && v.replace(/\D/g, "").length === 10 ? { phone: v } : { idNumber: v };
  }
  return { uuid: uuid, store: store, logger: logger, sender: sender, claim: claim };
})();
