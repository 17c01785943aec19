// The capture form through the outbox: on "send", photos are downscaled, the observation is
// put into the outbox on the phone first and then sent. With an answer the participant sees
// their receipt as before; without one (offline, weak signal) the observation waits in the
// outbox and the form is cleared for the next one. Without IndexedDB, or before it is open,
// the form posts the ordinary way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-capture-form]");
  var fieldapp = window.fieldapp || {};
  var store = fieldapp.outboxStore;
  if (!form || !store || !fieldapp.outbox || !fieldapp.resizePhoto) return;

  var WAIT_FOR_ANSWER_MS = 20000; // then the form is freed; the request goes on in the background
  var outbox = fieldapp.outbox;
  var root = outbox.root;
  var msg = root.dataset;
  var ready = false;
  var submitButtons = form.querySelectorAll('button[type="submit"]');
  var positionStatus = form.querySelector("[data-position-status]");
  var emptyPosition = msg.msgNoPosition;
  // A refused record from the outbox being corrected in the form: its key, time and photos.
  var editing = null;

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }

  function setValue(name, value) {
    var input = form.querySelector('[name="' + name + '"]');
    if (input) input.value = value;
  }

  // A capture page from the offline cache holds the key of the day it was cached: every page
  // load gets its own, so two observations never share one.
  function freshKey() {
    setValue("client_key", newKey());
  }

  function busy(on) {
    submitButtons.forEach(function (b) {
      b.disabled = on;
    });
  }

  function chosenFiles() {
    var files = [];
    form.querySelectorAll('input[type="file"][name="photos"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) {
        files.push(f);
      });
    });
    return files;
  }

  // One photo at a time: decoding several 12 MP photos at once can exhaust a cheap phone.
  function resizeAll(files) {
    var out = [];
    return files
      .reduce(function (chain, file) {
        return chain.then(function () {
          return fieldapp.resizePhoto(file).then(function (photo) {
            out.push(photo);
          });
        });
      }, Promise.resolve())
      .then(function () {
        return out;
      });
  }

  function collect() {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      // The CSRF token travels in a header, fresh at sending time, never stored.
      if (typeof value === "string" && name !== "csrf_token") fields.push([name, value]);
    });
    var earlier = editing;
    return resizeAll(chosenFiles()).then(function (photos) {
      return {
        client_key: form.querySelector('[name="client_key"]').value,
        walk: msg.walk,
        api_url: msg.apiUrl,
        created_at: earlier ? earlier.created_at : Date.now(),
        fields: fields,
        photos: (earlier ? earlier.photos : []).concat(photos),
        state: "waiting",
        message: "",
        join_url: "",
        attempts: 0,
      };
    });
  }

  // Ready for the next observation; the one just made waits in the outbox.
  function clearForm() {
    editing = null;
    form.reset();
    ["accuracy_m", "location_source"].forEach(function (name) {
      setValue(name, "");
    });
    freshKey();
    if (positionStatus && emptyPosition) positionStatus.textContent = emptyPosition;
    form.querySelectorAll("[data-photo-count]").forEach(function (el) {
      el.textContent = "";
    });
    var warning = form.querySelector("[data-no-position]");
    if (warning) warning.hidden = true;
    form.dispatchEvent(new CustomEvent("capture-reset"));
  }

  function kept(message) {
    clearForm();
    return outbox.render().then(function () {
      outbox.say(message, "info");
      // Where the message and the waiting list are, for eyes and for screen readers alike.
      root.focus();
    });
  }

  // The server found a field to correct: let it render the form with its errors, as without JS.
  function postPlainly(record) {
    return store.remove(record.client_key).then(function () {
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  // Puts a refused record back into the form: its fields, its key (so a resend is still
  // recognised) and its stored photos, which the file inputs cannot hold.
  function loadForEdit(key) {
    return store.get(key).then(function (record) {
      if (!record || record.walk !== msg.walk) return;
      clearForm();
      record.fields.forEach(function (pair) {
        form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]').forEach(function (input) {
          if (input.type === "file") return;
          if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === pair[1];
          else input.value = pair[1];
          var fold = input.closest("details");
          if (fold && pair[1] && input.type !== "hidden") fold.open = true; // e.g. the e-mail
        });
      });
      editing = record;
      var lat = form.querySelector('[name="lat"]');
      var locate = form.querySelector("[data-locate]");
      if (lat && lat.value) {
        var accuracy = (form.querySelector('[name="accuracy_m"]') || {}).value;
        if (positionStatus && locate) {
          positionStatus.textContent = accuracy
            ? locate.dataset.msgFound.replace("{m}", String(Math.round(Number(accuracy))))
            : locate.dataset.msgPinned;
        }
        form.dispatchEvent(new CustomEvent("position-set"));
      }
      var n = record.photos.length;
      var note = n === 1 ? msg.msgKeptPhotoOne : n ? msg.msgKeptPhotoMany.replace("{n}", String(n)) : "";
      outbox.say([msg.msgEditing, record.message, note].join(" ").trim(), "error");
      root.focus();
    });
  }

  function editFromHash() {
    var match = /^#outbox-edit=([0-9a-f]+)$/.exec(location.hash);
    if (!match) return;
    history.replaceState(null, "", location.pathname + location.search);
    loadForEdit(match[1]);
  }

  function afterAnswer(record, result) {
    if (result.kind === "sent") {
      outbox.leaveThanks(result);
      location.assign(msg.mineUrl + "?sent=" + encodeURIComponent(result.data.id));
      return undefined;
    }
    if (result.kind === "failed" && result.status === 400 && result.errors) {
      // The page a plain post comes back with cannot refill a file input: with photos, the
      // observation is corrected here, its photos kept on the phone.
      if (record.photos.length) return outbox.render().then(function () {
        return loadForEdit(record.client_key);
      });
      return postPlainly(record);
    }
    return kept(result.kind === "failed" ? msg.msgKeptFailed : msg.msgKept);
  }

  function send(record) {
    if (navigator.onLine === false) return kept(msg.msgKept);
    outbox.say(msg.msgSending, "info");
    var answer = outbox.deliver(record);
    var patience = new Promise(function (resolve) {
      setTimeout(resolve, WAIT_FOR_ANSWER_MS, { kind: "slow" });
    });
    return Promise.race([answer, patience]).then(function (result) {
      if (result.kind === "slow") {
        // Still sending: free the form now, the outbox shows how it ends.
        answer.then(function () {
          outbox.render();
        });
        return kept(msg.msgKept);
      }
      return afterAnswer(record, result);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!ready || event.defaultPrevented) return; // capture.js may be asking about the position
    if (!form.querySelector('input[name="category"]:checked')) {
      // Online, the server explains what is missing, as without JS; but its page would come
      // back without the photos chosen or kept (a file input cannot be refilled), so with
      // photos the phone says it here and keeps them.
      if (navigator.onLine !== false && !chosenFiles().length && !editing) return;
      event.preventDefault();
      outbox.say(msg.msgChooseCategory, "error");
      var first = form.querySelector('input[name="category"]');
      if (first) first.focus();
      return;
    }
    event.preventDefault();
    busy(true);
    outbox.say(chosenFiles().length ? msg.msgPreparing : msg.msgSending, "info");
    collect()
      .then(function (record) {
        return store.put(record).then(
          function () {
            return send(record);
          },
          function () {
            // The phone would not store it (storage full?): post it the ordinary way.
            HTMLFormElement.prototype.submit.call(form);
          }
        );
      })
      .finally(function () {
        busy(false);
      });
  });

  store.open().then(function () {
    freshKey();
    ready = true;
    form.dataset.outboxReady = "1";
    window.addEventListener("hashchange", editFromHash);
    editFromHash();
  });
})();
