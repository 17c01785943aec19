// A map with one draggable pin that fills a form's latitude/longitude inputs, plus an
// optional "use my position" button. Works without the map (no network for tiles, or
// Leaflet failed to load): geolocation still fills the inputs.
(function () {
  "use strict";

  var POOR_ACCURACY_M = 50;
  var GOOD_ENOUGH_M = 15;
  var WATCH_MS = 12000;

  function fmt(template, m) {
    return template.replace("{m}", String(Math.round(m)));
  }

  function init(el) {
    var form = el.closest("form");
    var input = function (name) {
      return name ? form.querySelector('[name="' + name + '"]') : null;
    };
    var latIn = input(el.dataset.latInput);
    var lonIn = input(el.dataset.lonInput);
    var accIn = input(el.dataset.accuracyInput);
    var srcIn = input(el.dataset.sourceInput);
    var status = form.querySelector("[data-position-status]");
    var button = form.querySelector("[data-locate]");
    var center = (el.dataset.center || "57.048,9.921").split(",").map(Number);
    var map = null;
    var marker = null;

    function say(text) {
      if (status) status.textContent = text;
    }
    var noPositionText = status ? status.dataset.msgNone || "" : "";

    // The offline outbox clears the form for the next observation: forget the pin too.
    form.addEventListener("capture-reset", function () {
      if (marker && map) map.removeLayer(marker);
      marker = null;
      if (latIn.value === "" && status) say(noPositionText);
    });

    function placeMarker(lat, lon) {
      if (!map) return;
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          setPosition(p.lat, p.lng, "map", null);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
    }

    function setPosition(lat, lon, source, accuracy) {
      latIn.value = lat.toFixed(7);
      lonIn.value = lon.toFixed(7);
      if (accIn) accIn.value = accuracy == null ? "" : String(Math.round(accuracy * 10) / 10);
      if (srcIn) srcIn.value = source;
      placeMarker(lat, lon);
      if (source === "map" && button) say(button.dataset.msgPinned);
      form.dispatchEvent(new CustomEvent("position-set"));
    }

    if (window.L) {
      map = L.map(el, { scrollWheelZoom: false, tap: true }).setView(center, 16);
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap",
      }).addTo(map);
      map.on("click", function (e) {
        setPosition(e.latlng.lat, e.latlng.lng, "map", null);
      });
    } else {
      el.hidden = true;
    }

    var lat0 = parseFloat((latIn.value || "").replace(",", "."));
    var lon0 = parseFloat((lonIn.value || "").replace(",", "."));
    if (isFinite(lat0) && isFinite(lon0)) {
      placeMarker(lat0, lon0);
      if (map) map.setView([lat0, lon0], 17);
    }
    [latIn, lonIn].forEach(function (inp) {
      inp.addEventListener("change", function () {
        var la = parseFloat(latIn.value.replace(",", "."));
        var lo = parseFloat(lonIn.value.replace(",", "."));
        if (isFinite(la) && isFinite(lo)) {
          if (srcIn) srcIn.value = "map";
          if (accIn) accIn.value = "";
          placeMarker(la, lo);
          if (map) map.setView([la, lo]);
          if (button) say(button.dataset.msgPinned);
          form.dispatchEvent(new CustomEvent("position-set"));
        }
      });
    });

    if (!button) return;
    if (!("geolocation" in navigator)) {
      button.hidden = true;
      return;
    }
    button.addEventListener("click", function () {
      say(button.dataset.msgLocating);
      button.disabled = true;
      var best = null;
      var watchId = null;
      var done = function () {
        if (watchId !== null) navigator.geolocation.clearWatch(watchId);
        watchId = null;
        button.disabled = false;
        if (!best) {
          say(button.dataset.msgDenied);
          return;
        }
        var acc = best.coords.accuracy;
        say(fmt(acc > POOR_ACCURACY_M ? button.dataset.msgPoor : button.dataset.msgFound, acc));
      };
      var timer = setTimeout(done, WATCH_MS);
      // Watch briefly: the first fix on a cheap phone is often coarse and improves quickly.
      watchId = navigator.geolocation.watchPosition(
        function (pos) {
          if (best && pos.coords.accuracy >= best.coords.accuracy) return;
          best = pos;
          setPosition(pos.coords.latitude, pos.coords.longitude, "gps", pos.coords.accuracy);
          if (map) map.setView([pos.coords.latitude, pos.coords.longitude], 17);
          if (pos.coords.accuracy <= GOOD_ENOUGH_M) {
            clearTimeout(timer);
            done();
          } else {
            say(fmt(button.dataset.msgFound, pos.coords.accuracy));
          }
        },
        function () {
          clearTimeout(timer);
          done();
        },
        { enableHighAccuracy: true, maximumAge: 10000, timeout: WATCH_MS }
      );
    });
  }

  document.querySelectorAll("[data-pin-map]").forEach(init);
})();
