// Draw an area's outline on a map: each click or tap adds a corner (a draggable marker), the
// outline closes by itself, and the GeoJSON field is filled as a plain Polygon. The field stays
// the source of truth: the server validates it, and pasting GeoJSON there redraws the map.
// Without Leaflet (no script, no network) the field still works on its own.
(function () {
  "use strict";

  var OUTLINE = { color: "#0b5d5b", weight: 3, fillOpacity: 0.15 };

  // Six decimals are ~0.1 m: more is noise from a click.
  function round(v) {
    return Math.round(v * 1e6) / 1e6;
  }

  function say(el, template, n) {
    if (el) el.textContent = (template || "").replace("{n}", String(n));
  }

  // The Polygon or MultiPolygon in the text (bare, in a Feature or a one-feature collection).
  function readGeometry(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (data && data.type === "FeatureCollection" && data.features && data.features.length === 1) {
      data = data.features[0];
    }
    if (data && data.type === "Feature") data = data.geometry;
    if (!data || (data.type !== "Polygon" && data.type !== "MultiPolygon")) return null;
    return data;
  }

  // A one-ring polygon's corners as [lat, lng], without the closing repeat; null for holes or
  // several parts, which are shown but not edited.
  function ringOf(geometry) {
    var rings = geometry.type === "Polygon" ? geometry.coordinates : null;
    if (!rings || rings.length !== 1 || !Array.isArray(rings[0])) return null;
    var ring = rings[0].map(function (p) { return [p[1], p[0]]; });
    var first = ring[0];
    var last = ring[ring.length - 1];
    if (ring.length > 1 && first[0] === last[0] && first[1] === last[1]) ring.pop();
    return ring.every(function (p) { return isFinite(p[0]) && isFinite(p[1]); }) ? ring : null;
  }

  function init(el) {
    var form = el.closest("form");
    var input = form.querySelector('[name="' + el.dataset.input + '"]');
    var tools = form.querySelector("[data-draw-tools]");
    var status = form.querySelector("[data-draw-status]");
    var button = function (name) { return form.querySelector("[data-draw-" + name + "]"); };
    var undoBtn = button("undo");
    var clearBtn = button("clear");
    var finishBtn = button("finish");
    var centreBtn = button("centre");
    if (!window.L || !input) {
      el.hidden = true;
      return;
    }
    var center = (el.dataset.center || "57.048,9.921").split(",").map(Number);
    var map = L.map(el, { scrollWheelZoom: false, doubleClickZoom: false }).setView(center, 15);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var outline = L.polygon([], OUTLINE).addTo(map);
    var readOnly = null; // a pasted outline with holes or parts: shown, not editable
    var corners = []; // L.Marker, in drawing order
    var finished = false;

    function cornerIcon(i) {
      return L.divIcon({
        className: "area-corner" + (i === 0 ? " area-corner-first" : ""),
        html: "<span>" + (i + 1) + "</span>",
        iconSize: [28, 28],
        iconAnchor: [14, 14],
      });
    }

    function latlngs() {
      return corners.map(function (m) { return m.getLatLng(); });
    }

    function writeField() {
      if (corners.length < 3) return;
      var ring = latlngs().map(function (p) { return [round(p.lng), round(p.lat)]; });
      ring.push(ring[0].slice());
      input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    }

    function refresh() {
      var n = corners.length;
      outline.setLatLngs(latlngs());
      outline.setStyle({ dashArray: finished ? null : "6 6" });
      undoBtn.disabled = n === 0;
      clearBtn.disabled = n === 0 && !readOnly && !input.value.trim();
      finishBtn.disabled = finished || n < 3;
      centreBtn.disabled = finished || !!readOnly;
      el.classList.toggle("is-drawing", !finished && !readOnly);
      if (readOnly) return;
      if (finished) say(status, el.dataset.msgDone, n);
      else if (n === 0) say(status, el.dataset.msgStart, n);
      else if (n < 3) say(status, el.dataset.msgFew, n);
      else say(status, el.dataset.msgDrawing, n);
    }

    function addCorner(latlng) {
      var marker = L.marker(latlng, {
        draggable: true,
        keyboard: true,
        icon: cornerIcon(corners.length),
        title: el.dataset.corner.replace("{n}", String(corners.length + 1)),
      }).addTo(map);
      marker.on("drag", function () { outline.setLatLngs(latlngs()); });
      marker.on("dragend", function () {
        writeField();
        refresh();
      });
      // Clicking the first corner again closes the outline, as in most drawing tools.
      marker.on("click", function () {
        if (marker === corners[0] && !finished && corners.length >= 3) finish();
      });
      corners.push(marker);
    }

    function removeAll() {
      corners.forEach(function (m) { map.removeLayer(m); });
      corners = [];
      if (readOnly) map.removeLayer(readOnly);
      readOnly = null;
      finished = false;
    }

    function finish() {
      if (corners.length < 3) return;
      finished = true;
      writeField();
      refresh();
    }

    map.on("click", function (e) {
      if (finished || readOnly) return;
      addCorner(e.latlng);
      writeField();
      refresh();
    });
    centreBtn.addEventListener("click", function () {
      if (finished || readOnly) return;
      addCorner(map.getCenter());
      writeField();
      refresh();
    });
    undoBtn.addEventListener("click", function () {
      var last = corners.pop();
      if (last) map.removeLayer(last);
      finished = false; // back to drawing: the next click replaces the removed corner
      if (corners.length >= 3) writeField();
      else input.value = "";
      refresh();
    });
    clearBtn.addEventListener("click", function () {
      removeAll();
      input.value = "";
      refresh();
    });
    finishBtn.addEventListener("click", finish);

    // What the field holds (on load, or pasted): editable corners for a simple polygon.
    function fromField(fit) {
      var text = input.value.trim();
      if (!text) return false;
      var geometry = readGeometry(text);
      if (!geometry) {
        say(status, el.dataset.msgUnreadable, 0);
        return false;
      }
      removeAll();
      var ring = ringOf(geometry);
      if (ring && ring.length >= 3) {
        ring.forEach(function (p) { addCorner(L.latLng(p[0], p[1])); });
        finished = true;
      } else {
        readOnly = L.geoJSON(geometry, { style: OUTLINE }).addTo(map);
        say(status, el.dataset.msgComplex, 0);
      }
      refresh();
      var bounds = readOnly ? readOnly.getBounds() : outline.getBounds();
      if (fit && bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18 });
      return true;
    }

    var pasteTimer = null;
    input.addEventListener("input", function () {
      clearBtn.disabled = false;
      clearTimeout(pasteTimer);
      pasteTimer = setTimeout(function () { fromField(true); }, 300);
    });

    // The other areas, faint, so a new outline can follow a neighbour's edge.
    function showOthers(fitToThem) {
      if (!el.dataset.othersUrl || !window.fetch) return;
      fetch(el.dataset.othersUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          var own = el.dataset.areaId;
          var others = L.geoJSON(data, {
            filter: function (f) { return String(f.id) !== own; },
            style: { color: "#4d5a5d", weight: 1.5, dashArray: "4 4", fillOpacity: 0.05 },
            interactive: false,
          }).addTo(map);
          others.bringToBack();
          // Not once drawing has started: the map must not jump under the next click.
          if (fitToThem && !corners.length && !readOnly && others.getBounds().isValid()) {
            map.fitBounds(others.getBounds(), { padding: [24, 24], maxZoom: 16 });
          }
        })
        .catch(function () { /* context only: the page works without it */ });
    }

    tools.hidden = false;
    var drawn = fromField(true);
    showOthers(!drawn && !corners.length);
    refresh();
  }

  document.querySelectorAll("[data-area-draw]").forEach(init);
})();
