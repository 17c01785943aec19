// Triage and queue maps. The server answers for the map's view and zoom with either points
// (codes only) or grid clusters with a count (triage/map_queries.py); the map asks again after
// every pan or zoom, and a cluster zooms in to its bounds when chosen. A point's details are
// fetched when its popup opens. The issue page passes its few points inline (data-geojson).
// Popups use textContent only: titles and texts are user input.
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
      if (p.url) {
        var open = text("a", el.dataset.textOpen);
        open.href = p.url;
        box.appendChild(open);
      }
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

  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
    var label = count < 10000 ? String(count) : Math.round(count / 1000) + "k";
    var span = document.createElement("span");
    span.textContent = label;
    return L.divIcon({
      className: "tri-cluster tri-cluster-" + (count < 100 ? "s" : count < 1000 ? "m" : "l"),
      html: span, // an element, not markup: Leaflet inserts it as it is
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  function setup(el) {
    var labels = JSON.parse(el.dataset.labels || "{}");
    var statuses = JSON.parse(el.dataset.statusLabels || "{}");
    var note = el.parentNode.querySelector("[data-map-note]");
    var center = (el.dataset.center || "57.048,9.921").split(",").map(Number);
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, 15);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var request = 0;

    function pointMarker(f) {
      var c = f.geometry.coordinates;
      var p = f.properties;
      var name = p.title || labels[p.category] || p.category;
      var m = L.marker([c[1], c[0]], { icon: icon(p), title: name, alt: name, keyboard: true });
      if (p.title !== undefined || p.text !== undefined) {
        m.bindPopup(function () { return popup(p, el, labels, statuses); });
      } else {
        // Compact point: fetch its details when the popup opens.
        m.bindPopup(function () { return text("p", el.dataset.textLoading); });
        m.on("popupopen", function () {
          // data-item-url is the URL of issue 0: swap in this point's kind and id.
          var url = el.dataset.itemUrl.replace(/issue\/0\.json$/, p.kind + "/" + p.id + ".json");
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) {
              if (!r.ok) throw new Error(r.status);
              return r.json();
            })
            .then(function (full) { m.setPopupContent(popup(full, el, labels, statuses)); })
            .catch(function () { m.setPopupContent(text("p", el.dataset.textFailed)); });
        });
      }
      return m;
    }

    function clusterMarker(f) {
      var c = f.geometry.coordinates;
      var p = f.properties;
      var name = el.dataset.textCluster.replace("{n}", p.count);
      var m = L.marker([c[1], c[0]], { icon: clusterIcon(p.count), title: name, alt: name, keyboard: true });
      // The visible number would otherwise be the button's whole accessible name.
      m.on("add", function () { m.getElement().setAttribute("aria-label", name); });
      m.on("click", function () {
        var b = p.bounds;
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: [24, 24], maxZoom: 19 });
        if (map.getZoom() < 19 && b[0] === b[2]) map.setZoom(map.getZoom() + 2);
      });
      return m;
    }

    function draw(data, fit) {
      layer.clearLayers();
      var bounds = [];
      var points = 0;
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        if (f.properties.cluster) {
          layer.addLayer(clusterMarker(f));
          var b = f.properties.bounds;
          bounds.push([b[0], b[1]], [b[2], b[3]]);
        } else {
          layer.addLayer(pointMarker(f));
          bounds.push([c[1], c[0]]);
          points += 1;
        }
      });
      el.dataset.markers = String(points);
      el.dataset.clusters = String(data.features.length - points);
      if (note) note.textContent = data.clustered ? el.dataset.textClustered : "";
      if (fit && bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    }

    function load(withView) {
      var url = el.dataset.geojsonUrl;
      if (withView) {
        var b = map.getBounds();
        url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + [
          Math.max(-90, b.getSouth()).toFixed(6), Math.max(-180, b.getWest()).toFixed(6),
          Math.min(90, b.getNorth()).toFixed(6), Math.min(180, b.getEast()).toFixed(6),
        ].join(",") + "&zoom=" + map.getZoom();
      }
      var mine = ++request;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (data) {
          if (mine !== request) return;
          draw(data, !withView);
          if (!withView) {
            map.on("moveend", function () { load(true); });
            load(true); // in case fitting the view did not move the map
          }
        })
        .catch(function () {
          if (!withView) el.hidden = true;
        });
    }

    if (el.dataset.geojson) {
      draw(JSON.parse(el.dataset.geojson), true);
      return;
    }
    // First the whole data set (clustered) to find where it is; then what is in view.
    load(false);
  }

  document.querySelectorAll("[data-triage-map]").forEach(function (el) {
    if (!window.L) {
      el.hidden = true;
      return;
    }
    setup(el);
  });
})();
