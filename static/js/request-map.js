// The walk request maps: the queue's (a pin or outline per request, linking to its page; the
// list under the map holds the same requests) and a request page's own pin or outline.
(function () {
  "use strict";

  var script = document.currentScript;
  var openText = (script && script.dataset.textOpen) || "Open";

  function popup(props) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = props.name; // typed by the public: text, never HTML
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = openText;
    box.appendChild(link);
    return box;
  }

  function show(el, data) {
    var map = L.map(el, { scrollWheelZoom: false }).setView([57.048, 9.921], 12);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var layer = L.geoJSON(data, {
      onEachFeature: function (f, marker) {
        marker.bindPopup(function () { return popup(f.properties); });
      },
    }).addTo(map);
    el.dataset.requests = String(data.features.length);
    if (data.features.length && layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds(), { padding: [48, 48], maxZoom: 15 });
    }
  }

  document.querySelectorAll("[data-request-map]").forEach(function (el) {
    if (!window.L || !window.fetch) {
      el.hidden = true;
      return;
    }
    if (el.dataset.geojson) {
      show(el, JSON.parse(el.dataset.geojson)); // one request's pin or outline, in the page
      return;
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { show(el, data); })
      .catch(function () { el.hidden = true; });
  });
})();
