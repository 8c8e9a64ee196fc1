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
    queue.push(sample);
    show(text.queued + " " + tube, true);
    people = []; renderPeople(); tubeInput.value = ""; personInput.focus();
    flush();
  });
})();
