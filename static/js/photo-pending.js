// Photos still being processed (PHOTO_PROCESSING=queue) turn into the picture without a reload.
// One request asks /photos/status.json about every placeholder on the page (templates/media/
// _pending.html), less and less often, and stops after a few minutes, leaving the placeholder's
// own text that says to reload. The picture is built with DOM calls from the placeholder's
// data attributes, never HTML from data; the CSP allows no inline script and no eval.
(function () {
  "use strict";

  var FIRST_DELAY_MS = 1500;
  var FACTOR = 1.6;
  var MAX_DELAY_MS = 30000;
  var GIVE_UP_AFTER_MS = 5 * 60 * 1000;
  var MAX_IDS = 50; // what the server answers in one request

  var slots = document.querySelectorAll("[data-photo-pending]");
  if (!slots.length || !window.fetch) return;
  var statusUrl = slots[0].dataset.statusUrl;
  var waiting = {}; // photo id -> { slot, hint (the text without JavaScript) }
  var started = Date.now();
  var delay = FIRST_DELAY_MS;

  Array.prototype.forEach.call(slots, function (slot) {
    var hint = slot.querySelector("[data-pending-hint]");
    waiting[slot.dataset.photoPending] = { slot: slot, hint: hint && hint.cloneNode(true) };
    if (hint) hint.textContent = slot.dataset.msgWaiting;
  });

  function announce(slot, message) {
    var live = slot.querySelector("[data-photo-announce]");
    if (live) live.textContent = message;
  }

  function show(id, state) {
    var slot = waiting[id].slot;
    delete waiting[id];
    var size = state[slot.dataset.variant] || state.thumb;
    var img = document.createElement("img");
    img.src = slot.dataset.src;
    img.alt = slot.dataset.alt;
    img.width = size[0];
    img.height = size[1];
    if (slot.dataset.imgClass) img.className = slot.dataset.imgClass;
    var node = img;
    if (slot.dataset.href) {
      node = document.createElement("a");
      node.href = slot.dataset.href;
      node.appendChild(img);
    }
    slot.querySelector(".photo-pending").replaceWith(node);
    announce(slot, slot.dataset.msgReady);
    if (!Object.keys(waiting).length) allReady();
  }

  // What a page could only offer with its photos there (the blur tools): swap the notice
  // that says to wait for what it offers now.
  function allReady() {
    document.querySelectorAll("[data-hide-when-ready]").forEach(function (el) {
      el.hidden = true;
    });
    document.querySelectorAll("[data-show-when-ready]").forEach(function (el) {
      el.hidden = false;
    });
  }

  function fail(id) {
    var slot = waiting[id].slot;
    delete waiting[id];
    var box = slot.querySelector(".photo-pending");
    box.textContent = slot.dataset.msgFailed;
    box.classList.add("is-failed");
    box.dataset.photoStatus = "failed";
    announce(slot, slot.dataset.msgFailed);
  }

  // Back to the text without JavaScript: reload the page to see it.
  function giveUp(id) {
    var entry = waiting[id];
    delete waiting[id];
    var hint = entry.slot.querySelector("[data-pending-hint]");
    if (hint && entry.hint) hint.replaceWith(entry.hint);
  }

  function schedule() {
    if (!Object.keys(waiting).length) return;
    window.setTimeout(poll, delay);
    delay = Math.min(delay * FACTOR, MAX_DELAY_MS);
  }

  function poll() {
    var ids = Object.keys(waiting);
    if (Date.now() - started > GIVE_UP_AFTER_MS) {
      ids.forEach(giveUp);
      return;
    }
    if (document.hidden) {
      schedule(); // nobody is looking: ask again later
      return;
    }
    ids = ids.slice(0, MAX_IDS);
    var query = ids
      .map(function (id) {
        return "id=" + encodeURIComponent(id);
      })
      .join("&");
    fetch(statusUrl + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (data) {
        ids.forEach(function (id) {
          var state = data.photos[id];
          if (!state) giveUp(id); // no longer ours to see (hidden meanwhile, say)
          else if (state.status === "ready") show(id, state);
          else if (state.status === "failed") fail(id);
        });
      })
      .catch(function () {
        // Offline or a hiccup: ask again at the next turn.
      })
      .then(schedule);
  }

  schedule();
})();
