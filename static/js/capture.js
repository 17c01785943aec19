// The observation form: counts chosen photos and warns once before sending without a position.
(function () {
  "use strict";
  var form = document.querySelector("[data-capture-form]");
  if (!form) return;
  var counter = form.querySelector("[data-photo-count]");
  var inputs = form.querySelectorAll('input[type="file"][name="photos"]');
  var warning = form.querySelector("[data-no-position]");
  var confirmed = false;

  function countPhotos() {
    var n = 0;
    inputs.forEach(function (i) {
      n += i.files ? i.files.length : 0;
    });
    if (!counter) return;
    var template = n === 1 ? counter.dataset.msgOne : counter.dataset.msgMany;
    counter.textContent = n ? template.replace("{n}", String(n)) : "";
  }
  inputs.forEach(function (i) {
    i.addEventListener("change", countPhotos);
  });

  form.addEventListener("capture-reset", function () {
    confirmed = false;
    if (warning) warning.hidden = true;
    countPhotos();
  });

  form.addEventListener("position-set", function () {
    if (warning) warning.hidden = true;
  });

  form.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    if (submitter && submitter.hasAttribute("data-send-anyway")) confirmed = true;
    if (confirmed || !warning) return;
    var lat = form.querySelector('[name="lat"]');
    if (lat && lat.value.trim() === "") {
      e.preventDefault();
      warning.querySelector("p").textContent = form.dataset.noPositionWarning;
      warning.hidden = false;
      warning.querySelector("button").focus();
    }
  });
})();
