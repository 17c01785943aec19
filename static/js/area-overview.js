// The areas list's overview map: every outline with its name as a tooltip and a link to edit it.
// The table under the map lists the same areas for people who do not use the map.
(function () {
  "use strict";

  function popup(props, el) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = props.name; // names are typed by admins: text, never HTML
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = el.dataset.textEdit.replace("{name}", props.name);
    box.appendChild(link);
    return box;
  }

  function show(el, data) {
    var map = L.map(el, { scrollWheelZoom: false }).setView([57.048, 9.921], 12);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var layer = L.geoJSON(data, {
      style: { color: "#0b5d5b", weight: 2, fillOpacity: 0.12 },
      onEachFeature: function (f, shape) {
        shape.bindTooltip(function () {
          var span = document.createElement("span");
          span.textContent = f.properties.name;
          return span;
        }, { sticky: true });
        shape.bindPopup(function () { return popup(f.properties, el); });
      },
    }).addTo(map);
    el.dataset.areas = String(data.features.length);
    if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [16, 16] });
  }

  document.querySelectorAll("[data-area-overview]").forEach(function (el) {
    if (!window.L || !window.fetch) {
      el.hidden = true;
      return;
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { show(el, data); })
      .catch(function () { el.hidden = true; });
  });
})();
