// Shows observations (GeoJSON points) on a map, clustered when markercluster is loaded.
// Popups are built with textContent: observation text is user input and never HTML.
(function () {
  "use strict";

  function popup(props, labels) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = labels[props.category] || props.category;
    box.appendChild(title);
    if (props.text) {
      var p = document.createElement("p");
      p.textContent = props.text;
      box.appendChild(p);
    }
    var link = document.createElement("a");
    link.href = "#obs-" + props.id;
    link.textContent = "↓";
    link.setAttribute("aria-label", title.textContent);
    box.appendChild(link);
    return box;
  }

  // A long walk's map holds only the newest points (walks/map_points.py): say so under the map.
  function capped(el, data) {
    var template = el.dataset.textCapped;
    if (!template || typeof data.total !== "number" || data.total <= data.features.length) return;
    var lang = document.documentElement.lang || undefined;
    var note = document.createElement("p");
    note.className = "hint";
    note.setAttribute("data-map-note", "");
    note.textContent = template
      .replace("{shown}", data.features.length.toLocaleString(lang))
      .replace("{total}", data.total.toLocaleString(lang));
    el.insertAdjacentElement("afterend", note);
  }

  function show(el, data) {
    var labels = JSON.parse(el.dataset.labels || "{}");
    var center = (el.dataset.center || "57.048,9.921").split(",").map(Number);
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, 16);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var layer = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.layerGroup();
    var bounds = [];
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var m = L.marker([c[1], c[0]], {
        title: labels[f.properties.category] || f.properties.category,
        alt: labels[f.properties.category] || f.properties.category,
      });
      m.bindPopup(popup(f.properties, labels));
      layer.addLayer(m);
      bounds.push([c[1], c[0]]);
    });
    layer.addTo(map);
    el.dataset.markers = String(bounds.length);
    capped(el, data);
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  }

  document.querySelectorAll("[data-obs-map]").forEach(function (el) {
    if (!window.L) {
      el.hidden = true;
      return;
    }
    if (el.dataset.geojson) {
      show(el, JSON.parse(el.dataset.geojson));
    } else if (el.dataset.geojsonUrl) {
      fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (data) {
          show(el, data);
        })
        .catch(function () {
          el.hidden = true;
        });
    }
  });
})();
