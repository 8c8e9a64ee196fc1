// Lockdown zones page: draw a polygon by clicking on the server-drawn map, or read a GeoJSON file, into the form's
// GeoJSON field (which the server checks). The map's root element carries its projection, so a click in the SVG's
// coordinates turns back into a longitude and latitude here.
(function () {
  'use strict';
  var box = document.getElementById('zone-map');
  var svg = box && box.querySelector('svg');
  var field = document.getElementById('zone-geojson');
  var status = document.getElementById('zone-status');
  var drawButton = document.getElementById('zone-draw');
  var finishButton = document.getElementById('zone-finish');
  if (!svg || !field || !drawButton) return;
  var NS = 'http://www.w3.org/2000/svg';
  var p = {
    minLon: +svg.dataset.minLon, maxLat: +svg.dataset.maxLat, scale: +svg.dataset.scale,
    squash: +svg.dataset.squash, left: +svg.dataset.left, top: +svg.dataset.top
  };
  var points = [];
  var drawing = false;
  var layer = document.createElementNS(NS, 'g');
  layer.setAttribute('pointer-events', 'none');
  svg.appendChild(layer);

  function say(text) { status.textContent = text; }
  function toLonLat(x, y) {
    return [+(p.minLon + (x - p.left) / (p.squash * p.scale)).toFixed(6), +(p.maxLat - (y - p.top) / p.scale).toFixed(6)];
  }
  function toXY(lonLat) {
    return [p.left + (lonLat[0] - p.minLon) * p.squash * p.scale, p.top + (p.maxLat - lonLat[1]) * p.scale];
  }
  function redraw() {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    if (!points.length) return;
    var shape = document.createElementNS(NS, drawing ? 'polyline' : 'polygon');
    shape.setAttribute('points', points.map(function (q) { return toXY(q).join(','); }).join(' '));
    shape.setAttribute('fill', drawing ? 'none' : 'rgba(176,0,32,0.25)');
    shape.setAttribute('stroke', '#b00020');
    shape.setAttribute('stroke-width', '2');
    layer.appendChild(shape);
    points.forEach(function (q) {
      var dot = document.createElementNS(NS, 'circle');
      var xy = toXY(q);
      dot.setAttribute('cx', xy[0]); dot.setAttribute('cy', xy[1]); dot.setAttribute('r', '3'); dot.setAttribute('fill', '#b00020');
      layer.appendChild(dot);
    });
  }
  function write() {
    var ring = points.concat([points[0]]);
    field.value = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
  }

  svg.addEventListener('click', function (event) {
    if (!drawing) return;
    var pt = svg.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var local = pt.matrixTransform(svg.getScreenCTM().inverse());
    points.push(toLonLat(local.x, local.y));
    finishButton.disabled = points.length < 3;
    say(status.dataset.points.replace('{n}', points.length));
    redraw();
  });
  drawButton.addEventListener('click', function () {
    drawing = true; points = []; box.dataset.drawing = 'on';
    finishButton.disabled = true;
    say(status.dataset.points.replace('{n}', 0));
    redraw();
  });
  finishButton.addEventListener('click', function () {
    if (points.length < 3) return;
    drawing = false; box.dataset.drawing = 'off';
    finishButton.disabled = true;
    write(); redraw();
    say(status.dataset.drawn.replace('{n}', points.length));
  });
  document.getElementById('zone-clear').addEventListener('click', function () {
    drawing = false; points = []; box.dataset.drawing = 'off'; field.value = ''; finishButton.disabled = true; redraw(); say('');
  });
  var file = document.getElementById('zone-file');
  file.addEventListener('change', function () {
    var chosen = file.files && file.files[0];
    if (!chosen) return;
    chosen.text().then(function (text) {
      try { JSON.parse(text); } catch (e) { say(status.dataset.bad); return; }
      field.value = text;
      say(status.dataset.read.replace('{name}', chosen.name));
    });
  });
})();
