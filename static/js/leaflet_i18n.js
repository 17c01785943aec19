// Leaflet's own controls in the page's language: the zoom buttons and a popup's close button are
// named from the template's translated texts instead of Leaflet's built-in English, so a screen
// reader on a Danish page does not read "Zoom in" with a Danish voice. Load right after leaflet.js.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.L || !script) return;
  var text = script.dataset;
  L.Control.Zoom.mergeOptions({ zoomInTitle: text.textZoomIn, zoomOutTitle: text.textZoomOut });
  // The default prefix's tooltip is English; the name "Leaflet" needs no translation.
  L.Control.Attribution.mergeOptions({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' });
  L.Map.addInitHook(function () {
    this.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", text.textClose);
    });
  });
})();
