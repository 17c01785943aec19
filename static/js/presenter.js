// Presenter view for a projector: one finding at a time or all as a list, a numbered map,
// keyboard navigation, and live totals by polling live.json with If-None-Match (a 304 costs
// next to nothing, so every 2.5 s is fine). User text is only ever set with textContent.
(function () {
  "use strict";

  var POLL_MS = 2500;
  var MAX_BACKOFF_MS = 20000;
  var root = document.querySelector("[data-presenter]");
  if (!root) return;

  var cards = Array.prototype.slice.call(root.querySelectorAll("[data-card]"));
  var body = root.querySelector("[data-body]");
  var controls = root.querySelector("[data-controls]");
  var position = root.querySelector("[data-position]");
  var listButton = root.querySelector("[data-toggle-list]");
  var mapButton = root.querySelector("[data-toggle-map]");
  var mapEl = root.querySelector("[data-presenter-map]");
  var labels = JSON.parse(root.dataset.labels || "{}");
  var index = 0;
  var listMode = false;
  var map = null;
  var markers = {};
  var obsLayer = null;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) {
      return String(values[key]);
    });
  }

  // --- one card at a time, or the list ---------------------------------------------------------
  function render() {
    body.classList.toggle("is-list", listMode);
    body.classList.toggle("is-single", !listMode);
    cards.forEach(function (card, i) {
      card.hidden = !listMode && i !== index;
      card.classList.toggle("is-current", i === index);
    });
    listButton.setAttribute("aria-pressed", listMode ? "true" : "false");
    if (cards.length) {
      position.textContent = listMode
        ? ""
        : fmt(root.dataset.textPosition, {
            // The findings are paged: number across all pages, as the cards and the map do.
            n: Number(root.dataset.first || 1) + index,
            total: Number(root.dataset.total || cards.length),
          });
    }
    highlightMarker();
  }

  function go(step) {
    if (!cards.length) return;
    index = (index + step + cards.length) % cards.length;
    if (listMode) {
      cards[index].scrollIntoView({ block: "nearest" });
      cards[index].focus({ preventScroll: true });
    }
    render();
  }

  function showCard(issueId) {
    cards.forEach(function (card, i) {
      if (card.dataset.issue === String(issueId)) index = i;
    });
    listMode = false;
    render();
  }

  function toggleList() {
    listMode = !listMode;
    render();
  }

  function toggleMap() {
    if (!map) return;
    var show = mapEl.hidden;
    mapEl.hidden = !show;
    body.classList.toggle("has-map", show);
    mapButton.setAttribute("aria-pressed", show ? "true" : "false");
    if (show) map.invalidateSize();
  }

  // --- the map ---------------------------------------------------------------------------------
  function numberIcon(n, current) {
    return L.divIcon({
      className: "pr-pin" + (current ? " is-current" : ""),
      html: "<span>" + Number(n) + "</span>",
      iconSize: [36, 36],
      iconAnchor: [18, 18],
    });
  }

  function highlightMarker() {
    if (!map) return;
    var current = cards[index] ? cards[index].dataset.issue : null;
    Object.keys(markers).forEach(function (id) {
      var m = markers[id];
      var isCurrent = !listMode && id === current;
      m.setIcon(numberIcon(m.options.number, isCurrent));
      m.setZIndexOffset(isCurrent ? 1000 : 0);
      if (isCurrent) map.panTo(m.getLatLng());
    });
  }

  function addObservationMarker(obs) {
    if (!obsLayer || obs.lat == null || obs.lon == null) return;
    var marker = L.circleMarker([obs.lat, obs.lon], {
      radius: 9, color: "#1b2426", weight: 2, fillColor: "#ffd54a", fillOpacity: 1,
    });
    // Leaflet treats a string as HTML: give it a text node so data never becomes markup.
    marker.bindTooltip(document.createTextNode(labels[obs.category] || obs.category));
    obsLayer.addLayer(marker);
  }

  function initMap() {
    if (!window.L || !mapEl) return;
    mapEl.hidden = false;
    body.classList.add("has-map");
    map = L.map(mapEl, { scrollWheelZoom: false, keyboard: false }).setView([57.048, 9.921], 15);
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var bounds = [];
    if (mapEl.dataset.area) {
      var outline = L.geoJSON(JSON.parse(mapEl.dataset.area), {
        style: { color: "#0b5d5b", weight: 3, fill: false, dashArray: "6 6" },
      }).addTo(map);
      bounds.push(outline.getBounds());
    }
    JSON.parse(mapEl.dataset.findings || '{"features":[]}').features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var m = L.marker([c[1], c[0]], {
        icon: numberIcon(f.properties.n, false),
        number: f.properties.n,
        title: f.properties.n + ". " + f.properties.title,
        keyboard: false,
      });
      m.on("click", function () {
        showCard(f.properties.id);
      });
      m.addTo(map);
      markers[String(f.properties.id)] = m;
      bounds.push(L.latLngBounds([m.getLatLng()]));
    });
    obsLayer = L.layerGroup().addTo(map);
    JSON.parse(mapEl.dataset.observations || '{"features":[]}').features.forEach(function (f) {
      var c = f.geometry.coordinates;
      addObservationMarker({ lat: c[1], lon: c[0], category: f.properties.category });
    });
    if (bounds.length) {
      var all = bounds[0];
      bounds.slice(1).forEach(function (b) {
        all.extend(b);
      });
      map.fitBounds(all, { padding: [30, 30], maxZoom: 17 });
    }
  }

  // --- live updates ----------------------------------------------------------------------------
  var etag = root.dataset.etag || "";
  var failures = 0;
  var status = root.querySelector("[data-live-status]");
  var newList = root.querySelector("[data-new-observations]");
  var noObs = root.querySelector("[data-no-observations]");

  function setText(selector, value) {
    var el = root.querySelector(selector);
    if (el && el.textContent !== String(value)) el.textContent = String(value);
  }

  function apply(data) {
    root.querySelectorAll("[data-votes-for]").forEach(function (el) {
      var value = String(data.votes[el.dataset.votesFor] || 0);
      if (el.textContent.trim() !== value) {
        el.textContent = value;
        el.classList.remove("is-changed");
        void el.offsetWidth; // restart the highlight
        el.classList.add("is-changed");
      }
    });
    setText("[data-live-participants]", data.participants);
    setText("[data-live-votes-cast]", data.votes_cast);
    data.decided.forEach(function (id) {
      var el = root.querySelector('[data-decided-for="' + id + '"]');
      if (el) el.hidden = false;
    });
    data.observations.forEach(function (obs) {
      if (newList.querySelector('[data-obs="' + obs.id + '"]')) return;
      var li = document.createElement("li");
      li.dataset.obs = String(obs.id);
      var strong = document.createElement("strong");
      strong.textContent = labels[obs.category] || obs.category;
      li.appendChild(strong);
      if (obs.text) li.appendChild(document.createTextNode(": " + obs.text));
      newList.appendChild(li);
      addObservationMarker(obs);
      if (noObs) noObs.hidden = true;
    });
  }

  function schedule() {
    var delay = failures ? Math.min(MAX_BACKOFF_MS, POLL_MS * Math.pow(2, failures)) : POLL_MS;
    setTimeout(poll, delay);
  }

  function poll() {
    if (document.hidden) return schedule();
    fetch(root.dataset.liveUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "If-None-Match": etag },
    })
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error(String(r.status));
        etag = r.headers.get("ETag") || etag;
        return r.json();
      })
      .then(function (data) {
        failures = 0;
        status.textContent = "";
        if (data) apply(data);
      })
      .catch(function () {
        failures += 1;
        status.textContent = root.dataset.textOffline;
      })
      .then(schedule);
  }

  // --- start -----------------------------------------------------------------------------------
  controls.hidden = false;
  root.querySelector("[data-prev]").addEventListener("click", function () {
    go(-1);
  });
  root.querySelector("[data-next]").addEventListener("click", function () {
    go(1);
  });
  listButton.addEventListener("click", toggleList);
  mapButton.addEventListener("click", toggleMap);
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
    var key = e.key;
    if (key === "ArrowRight") go(1);
    else if (key === "ArrowLeft") go(-1);
    else if (key === "l" || key === "L") toggleList();
    else if (key === "m" || key === "M") toggleMap();
    else return;
    e.preventDefault();
  });
  initMap();
  if (!map && mapButton) mapButton.hidden = true;
  render();
  schedule();
})();
