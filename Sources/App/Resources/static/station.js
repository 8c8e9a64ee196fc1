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
  var queue = SentinelQueue.store("sentinel.station", queuedEl), people = [];
  var show = SentinelQueue.logger(statusEl, log, 30, text.slip);
  function renderPeople() {
    peopleList.textContent = "";
    people.forEach(function (p) { var li = document.createElement("li"); li.textContent = p.personToken ? "QR" : (p.idNumber || p.phone); peopleList.appendChild(li); });
  }
  // The device's position, when the station turns it on (remembered on this device) or the browser already allows
  // it and the station never turned it off: a mobile team's tubes then say where they were taken. A position older
  // than 10 minutes is not sent. Browsers give it only on HTTPS (or localhost).
  var positionBox = document.getElementById("station-position"), positionEl = document.getElementById("station-position-status");
  var position = null, watching = null, positionKey = "sentinel.station.position";
  function watchPosition() {
    if (watching !== null) return;
    positionEl.textContent = text.positionWaiting;
    watching = navigator.geolocation.watchPosition(function (p) {
      position = { latitude: +p.coords.latitude.toFixed(5), longitude: +p.coords.longitude.toFixed(5), at: Date.now() };
      positionEl.textContent = position.latitude + ", " + position.longitude + " (±" + Math.round(p.coords.accuracy) + " m)";
    }, function (error) {
      positionEl.textContent = text.positionNone + " (" + error.message + ")";
    }, { enableHighAccuracy: true, maximumAge: 60000, timeout: 60000 });
  }
  function stopPosition() {
    if (watching !== null) navigator.geolocation.clearWatch(watching);
    watching = null; position = null; positionEl.textContent = "";
  }
  if (!navigator.geolocation) {
    positionBox.disabled = true; positionEl.textContent = text.positionUnsupported;
  } else {
    positionBox.addEventListener("change", function () {
      localStorage.setItem(positionKey, positionBox.checked ? "on" : "off");
      if (positionBox.checked) watchPosition(); else stopPosition();
    });
    var choice = localStorage.getItem(positionKey);
    if (choice === "on") { positionBox.checked = true; watchPosition(); }
    else if (choice === null && navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: "geolocation" }).then(function (status) {
        if (status.state === "granted") { positionBox.checked = true; watchPosition(); }
      }, function () {});
    }
  }
  var flush = SentinelQueue.sender(queue, "/samples/station/save", csrf, function (sample, response, body) {
    if (response.ok) show(text.saved + " " + body.tubeBarcode, true, "/samples/" + encodeURIComponent(body.tubeBarcode) + "/slip");
    else show(text.refused + " " + (body.detail || response.status), false);
  });
  personInput.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (personInput.value.trim()) { people.push(SentinelQueue.claim(personInput.value)); renderPeople(); }
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
                   specimenType: document.getElementById("station-specimen").value, clientId: SentinelQueue.uuid(),
                   communeCode: document.getElementById("station-commune").value, collectedAt: new Date().toISOString() };
    if (pool > 1) sample.poolSize = pool;
    if (position && Date.now() - position.at < 600000) { sample.latitude = position.latitude; sample.longitude = position.longitude; }
    queue.push(sample);
    show(text.queued + " " + tube, true);
    people = []; renderPeople(); tubeInput.value = ""; personInput.focus();
    flush();
  });
})();
