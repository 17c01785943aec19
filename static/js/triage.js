// Triage list: count the checked observations on the "Create issue" button, and keep it
// disabled until at least one is checked (the server checks again).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-form]").forEach(function (form) {
    var button = form.querySelector("[data-create-issue]");
    var count = form.querySelector("[data-selected-count]");
    function update() {
      var n = form.querySelectorAll('input[name="obs"]:checked').length;
      button.disabled = n === 0;
      count.textContent = n ? "(" + n + ")" : "";
    }
    form.addEventListener("change", update);
    update();
  });
})();
