// Voting on a phone without a page reload: the +1 and −1 forms are sent with fetch() and the
// counts updated in place. Without JavaScript the same forms post and the page reloads.
(function () {
  "use strict";

  var left = document.querySelector("[data-votes-left]");
  var errorBox = document.querySelector("[data-vote-error]");
  if (!left) return;

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function update(data) {
    left.textContent = data.message;
    document.querySelectorAll("[data-vote]").forEach(function (button) {
      button.disabled = data.left <= 0;
      button.setAttribute("aria-disabled", data.left <= 0 ? "true" : "false");
    });
    var card = document.querySelector('[data-finding="' + data.issue_id + '"]');
    if (!card) return;
    card.querySelector("[data-mine]").textContent = data.mine_message;
    var undo = card.querySelector("[data-undo]");
    undo.disabled = data.mine <= 0;
    undo.setAttribute("aria-disabled", data.mine <= 0 ? "true" : "false");
  }

  document.querySelectorAll("[data-vote-form]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button");
      if (button.dataset.busy) return;
      button.dataset.busy = "1";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) {
          return r.json().then(function (data) {
            if (!r.ok) throw { ours: true, message: data.error || data.message || String(r.status) };
            return data;
          });
        })
        .then(function (data) {
          showError("");
          update(data);
        })
        .catch(function (err) {
          // No message of ours (network down, not JSON): fall back to the plain form post.
          if (!err || !err.ours) {
            form.submit();
            return;
          }
          showError(err.message);
        })
        .then(function () {
          delete button.dataset.busy;
        });
    });
  });
})();
