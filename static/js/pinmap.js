// A map with one draggable pin that fills a form's latitude/longitude inputs, plus an
// optional "use my position" button. Works without the map (no network for tiles, or
// Leaflet failed to load): geolocation still fills the inputs.
//
// Lazy maps (data-leaflet-js on the map, a [data-open-map] button in the form) load Leaflet
// only when the map is opened - by the button, when the position is poor or refused, or at
// once when this browser opened the map before - keeping it off the capture page's first load.
(function () {
  "use strict";

  var OPENED_KEY = "fieldapp.pinmap.opened";
  var loading = null;

  function remember() {
    try {
      window.localStorage.setItem(OPENED_KEY, "1");
    } catch (e) {
      /* private mode: just ask again next time */
    }
  }

  function openedBefore() {
    try {
      return window.localStorage.getItem(OPENED_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function addScript(src, data) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      Object.keys(data || {}).forEach(function (k) {
        s.dataset[k] = data[k];
      });
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  // The vendored Leaflet files, once per page, from the same origin (and the service worker's
  // cache when offline); resolves when L exists and speaks the page's language.
  function loadLeaflet(el) {
    if (window.L) return Promise.resolve();
    if (loading) return loading;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = el.dataset.leafletCss;
    document.head.appendChild(css);
    loading = addScript(el.dataset.leafletJs).then(function () {
      return addScript(el.dataset.leafletI18n, {
        textZoomIn: el.dataset.textZoomIn,
        textZoomOut: el.dataset.textZoomOut,
        textClose: el.dataset.textClose,
      });
    });
    loading.catch(function () {
      loading = null;
      css.remove();
    });
    return loading;
  }

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

    function drawMap() {
      if (map) return;
      el.hidden = false;
      map = L.map(el, { scrollWheelZoom: false, tap: true }).setView(center, 16);
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap",
      }).addTo(map);
      map.on("click", function (e) {
        setPosition(e.latlng.lat, e.latlng.lng, "map", null);
      });
      var lat0 = parseFloat((latIn.value || "").replace(",", "."));
      var lon0 = parseFloat((lonIn.value || "").replace(",", "."));
      if (isFinite(lat0) && isFinite(lon0)) {
        placeMarker(lat0, lon0);
        map.setView([lat0, lon0], 17);
      }
    }

    var opener = form.querySelector("[data-open-map]");
    function openMap() {
      if (map || !el.dataset.leafletJs) return;
      if (opener) opener.disabled = true;
      loadLeaflet(el).then(
        function () {
          drawMap();
          remember();
          if (opener) {
            opener.setAttribute("aria-expanded", "true");
            opener.hidden = true;
          }
        },
        function () {
          if (opener) {
            opener.disabled = false;
            say(opener.dataset.msgFailed);
          }
        }
      );
    }

    if (window.L) {
      drawMap();
      if (opener) opener.hidden = true;
    } else if (el.dataset.leafletJs) {
      el.hidden = true;
      if (opener) opener.addEventListener("click", openMap);
      if (openedBefore()) openMap();
    } else {
      el.hidden = true;
      if (opener) opener.hidden = true;
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
          openMap(); // the messages ask for a pin on the map
          return;
        }
        var acc = best.coords.accuracy;
        say(fmt(acc > POOR_ACCURACY_M ? button.dataset.msgPoor : button.dataset.msgFound, acc));
        if (acc > POOR_ACCURACY_M) openMap();
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
