// Registers the service worker (served at /sw.js) on walk pages, so that the capture page of a
// walk opened once also opens without a connection. Without service workers nothing changes.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {
      // Private windows and old browsers refuse; the pages still work online.
    });
  });
})();
