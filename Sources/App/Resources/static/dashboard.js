// Operations dashboard: live figures over server-sent events, and the map's layer/day controls without a reload.
// The page is complete without this file (figures as of loading; the map form submits).
"use strict";
(function () {
  const root = document.getElementById("dashboard");
  if (!root) return;
  const area = root.dataset.area;
  const state = document.getElementById("live-state");
  const clock = document.getElementById("live-time");
  const form = document.getElementById("map-form");
  const select = document.getElementById("map-date");
  const slider = document.getElementById("map-slider");
  const map = document.getElementById("map");

  function mapURL() {
    const layer = form.querySelector("input[name=layer]:checked").value;
    return "/dashboard/map.svg?layer=" + layer + "&area=" + encodeURIComponent(area) + "&date=" + encodeURIComponent(select.value);
  }
  async function reloadMap() {
    try {
      const response = await fetch(mapURL(), { credentials: "same-origin" });
      if (response.ok) map.innerHTML = await response.text();
    } catch (e) { /* keep the map shown */ }
  }
  if (form && select && slider && map) {
    slider.max = String(select.options.length - 1);
    slider.value = String(select.selectedIndex);
    slider.addEventListener("input", () => { select.selectedIndex = Number(slider.value); });
    slider.addEventListener("change", reloadMap);
    select.addEventListener("change", () => { slider.value = String(select.selectedIndex); reloadMap(); });
    form.querySelectorAll("input[name=layer]").forEach((radio) => radio.addEventListener("change", reloadMap));
    form.addEventListener("submit", (event) => { event.preventDefault(); reloadMap(); });
  }

  // Live figures: the server sends them when the page opens and whenever one changes.
  if (!window.EventSource || root.dataset.day !== new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10)) {
    if (state) state.textContent = "";
    return;
  }
  const events = new EventSource("/dashboard/events?area=" + encodeURIComponent(area));
  events.addEventListener("figures", (event) => {
    const figures = JSON.parse(event.data);
    let changed = false;
    document.querySelectorAll(".card[data-measure]").forEach((card) => {
      const measure = card.dataset.measure;
      for (const field of ["today", "last7", "previous7", "last14", "last28"]) {
        const cell = card.querySelector("[data-field=" + field + "]");
        const value = figures[field] && figures[field][measure];
        if (cell && value !== undefined && cell.textContent !== String(value)) {
          cell.textContent = String(value);
          card.classList.add("changed");
          changed = true;
        }
      }
      const trend = card.querySelector("[data-trend]");
      if (trend && figures.last7 && figures.previous7) {
        const now = figures.last7[measure], before = figures.previous7[measure];
        const kind = now > before ? "up" : now < before ? "down" : "flat";
        trend.className = "trend " + kind;
        trend.firstChild.textContent = (kind === "up" ? "▲" : kind === "down" ? "▼" : "=") + " ";
      }
    });
    for (const id of ["untraced", "uncontacted"]) {
      const cell = document.getElementById(id);
      if (cell && cell.textContent !== String(figures[id])) { cell.textContent = String(figures[id]); changed = true; }
    }
    const active = document.getElementById("active-total");
    if (active) active.textContent = String(figures.active);
    if (changed && map) reloadMap();
    if (state) { state.textContent = state.dataset.live; state.classList.remove("offline"); }
    if (clock) clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN");
  });
  events.addEventListener("error", () => {
    if (state) { state.textContent = state.dataset.offline; state.classList.add("offline"); }
  });
})();
