// Triage and queue maps: observations and issues as clustered markers from GeoJSON.
// The URL carries the list's filters; when the server says the answer was cut at its limit,
// the map asks again for what is in view after each pan or zoom. Popups use textContent only:
// titles and texts are user input.
(function () {
  "use strict";

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function popup(p, el, labels, statuses) {
    var box = document.createElement("div");
    box.appendChild(text("strong", p.title || labels[p.category] || p.category));
    if (p.kind === "issue") {
      box.appendChild(text("p", (statuses[p.status] || p.status) + (p.overdue ? " · ⚠ " + el.dataset.textOverdue : "")));
      var open = text("a", el.dataset.textOpen);
      open.href = p.url;
      box.appendChild(open);
    } else {
      if (p.text) box.appendChild(text("p", p.text));
      var row = document.getElementById("obs-row-" + p.id) || document.getElementById("obs-" + p.id);
      if (row) {
        var show = text("a", el.dataset.textShow);
        show.href = "#" + row.id;
        box.appendChild(show);
      }
    }
    return box;
  }

  function icon(p) {
    var cls = "tri-pin tri-pin-" + p.kind;
    if (p.kind === "issue") cls += " tri-pin-" + p.status + (p.overdue ? " tri-pin-overdue" : "");
    return L.divIcon({
      className: cls,
      html: p.kind === "issue" && p.overdue ? "<span>!</span>" : "<span></span>",
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
  }

  function setup(el) {
    var labels = JSON.parse(el.dataset.labels || "{}");
    var statuses = JSON.parse(el.dataset.statusLabels || "{}");
    var note = el.parentNode.querySelector("[data-map-note]");
    var center = (el.dataset.center || "57.048,9.921").split(",").map(Number);
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, 15);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var layer = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 45 }) : L.layerGroup();
    layer.addTo(map);
    var cutOff = false; // the unfiltered-by-view answer hit the server's limit
    var request = 0;

    function draw(data, fit) {
      layer.clearLayers();
      var bounds = [];
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var p = f.properties;
        var name = p.title || labels[p.category] || p.category;
        var m = L.marker([c[1], c[0]], { icon: icon(p), title: name, alt: name, keyboard: true });
        m.bindPopup(function () { return popup(p, el, labels, statuses); });
        layer.addLayer(m);
        bounds.push([c[1], c[0]]);
      });
      el.dataset.markers = String(bounds.length);
      if (note) note.textContent = data.truncated ? el.dataset.textTruncated : "";
      if (fit && bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    }

    function load(withBbox) {
      var url = el.dataset.geojsonUrl;
      if (withBbox) {
        var b = map.getBounds();
        url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + [
          b.getSouth().toFixed(6), b.getWest().toFixed(6), b.getNorth().toFixed(6), b.getEast().toFixed(6),
        ].join(",");
      }
      var mine = ++request;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (data) {
          if (mine !== request) return;
          if (!withBbox) cutOff = !!data.truncated;
          draw(data, !withBbox);
        })
        .catch(function () {
          if (!withBbox) el.hidden = true;
        });
    }

    if (el.dataset.geojson) {
      draw(JSON.parse(el.dataset.geojson), true);
      return;
    }
    load(false);
    // Only a cut-off answer needs asking again; a complete one already holds everything.
    map.on("moveend", function () {
      if (cutOff) load(true);
    });
  }

  document.querySelectorAll("[data-triage-map]").forEach(function (el) {
    if (!window.L) {
      el.hidden = true;
      return;
    }
    setup(el);
  });
})();
