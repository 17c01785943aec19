// Sends what waits in the outbox (outbox-store.js) and shows it: a count, a "send now" button
// and one card per waiting observation, on the capture page and on "my observations".
// Sending is retried on page load, when the phone comes back online, when the page is shown
// again and every 30 s while something waits. A resend is safe: the server knows the client
// key and answers a repeat with the first result. Texts come from data-* attributes on the
// [data-outbox] element (templates/capture/_outbox.html), translated by the server.
(function () {
  "use strict";
  var root = document.querySelector("[data-outbox]");
  var store = window.fieldapp && window.fieldapp.outboxStore;
  if (!root || !store) return;

  var RETRY_MS = 30000;
  var SEND_TIMEOUT_MS = 90000; // a few hundred KB over a weak 2G link
  var NOTES_KEY = "fieldapp-outbox-notes";
  var msg = root.dataset;
  var panel = root.querySelector("[data-outbox-panel]");
  var heading = root.querySelector("[data-outbox-count]");
  var status = root.querySelector("[data-outbox-status]");
  var list = root.querySelector("[data-outbox-list]");
  var sendButton = root.querySelector("[data-outbox-send]");
  var labels = JSON.parse(msg.labels || "{}");
  var inFlight = {};
  var flushing = null;
  var csrfToken = (document.querySelector('input[name="csrf_token"]') || {}).value || "";

  function fill(template, n) {
    return template.replace("{n}", String(n));
  }

  // Tone: "info", "success", "error" or "" (the flash styles of app.css).
  function say(text, tone) {
    status.textContent = text || "";
    status.className = text ? "flash flash-" + (tone || "info") : "";
  }

  // --- Sending ---------------------------------------------------------------------------

  function post(record, token) {
    var body = new FormData();
    record.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    record.photos.forEach(function (photo) {
      body.append("photos", photo.blob, photo.name);
    });
    var abort = new AbortController();
    var timer = setTimeout(function () {
      abort.abort();
    }, SEND_TIMEOUT_MS);
    return fetch(record.api_url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
      signal: abort.signal,
    })
      .then(function (response) {
        var json = /json/.test(response.headers.get("Content-Type") || "");
        return (json ? response.json() : Promise.resolve(null)).then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .finally(function () {
        clearTimeout(timer);
      });
  }

  // A page opened from the offline cache long ago may hold a token the server no longer takes.
  function freshToken() {
    return fetch(msg.csrfUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        csrfToken = data.csrf_token;
        return csrfToken;
      });
  }

  // "sent", "retry" (no answer from us: offline, timeout, 5xx, a portal page) or "failed".
  function judge(answer) {
    var data = answer.data;
    if ((answer.status === 200 || answer.status === 201) && data && data.id) {
      return { kind: "sent", data: data };
    }
    if (!data || answer.status >= 500 || answer.status === 429) return { kind: "retry" };
    var messages = [];
    Object.keys(data.errors || {}).forEach(function (field) {
      messages = messages.concat(data.errors[field]);
    });
    return {
      kind: "failed",
      status: answer.status,
      errors: data.errors,
      message: [data.error || msg.msgFailed].concat(messages).join(" "),
      joinUrl: data.join_url || "",
    };
  }

  function attempt(record) {
    return post(record, csrfToken)
      .then(function (answer) {
        if (answer.status === 400 && answer.data && answer.data.csrf) {
          return freshToken().then(function (token) {
            return post(record, token);
          });
        }
        return answer;
      })
      .then(judge, function () {
        return { kind: "retry" };
      });
  }

  // Sends one record and keeps the store in step; one request per record at a time.
  function deliver(record) {
    var key = record.client_key;
    if (inFlight[key]) return inFlight[key];
    inFlight[key] = attempt(record)
      .then(function (result) {
        var saved;
        if (result.kind === "sent") saved = store.remove(key);
        else if (result.kind === "failed") {
          saved = store.update(key, {
            state: "failed",
            message: result.message,
            join_url: result.joinUrl,
            // A field to correct (not a closed walk): the capture form can take it back.
            editable: !!(result.status === 400 && result.errors),
          });
        } else saved = store.update(key, { attempts: (record.attempts || 0) + 1 });
        return saved.then(function () {
          return result;
        });
      })
      .finally(function () {
        delete inFlight[key];
      });
    return inFlight[key];
  }

  function sentText(n) {
    return n === 1 ? msg.msgSentOne : fill(msg.msgSentMany, n);
  }

  function refusedNotes(result) {
    return (result.data.photos.refused || []).map(function (r) {
      return r.message;
    });
  }

  // Sends this walk's waiting records oldest first; failed ones only when asked (the button).
  // Stops at the first that gets no answer: the others would not get one either.
  function flush(includeFailed) {
    if (flushing) return flushing;
    var sent = 0;
    var notes = [];
    var offline = false;
    flushing = store
      .forWalk(root.dataset.walk)
      .then(function (records) {
        var todo = records.filter(function (r) {
          return r.state === "waiting" || includeFailed;
        });
        if (todo.length) say(msg.msgSending, "info");
        return todo.reduce(function (chain, record) {
          return chain.then(function () {
            if (offline) return undefined;
            return deliver(record).then(function (result) {
              if (result.kind === "sent") {
                sent += 1;
                notes = notes.concat(refusedNotes(result));
              }
              if (result.kind === "retry") offline = true;
            });
          });
        }, Promise.resolve());
      })
      .then(function () {
        return render();
      })
      .then(function (left) {
        if (offline) say(msg.msgOffline, "info");
        else if (sent) say([sentText(sent)].concat(notes).join(" "), notes.length ? "error" : "success");
        else if (!left && includeFailed) say("", "");
        if (sent && !left && root.hasAttribute("data-reload-when-sent")) {
          leaveNote(status.textContent, notes.length ? "error" : "success");
          location.reload(); // the server's list now has them, with their tracking codes
        }
      })
      .catch(function () {
        say(msg.msgOffline, "info");
      })
      .finally(function () {
        flushing = null;
      });
    return flushing;
  }

  // --- Showing ---------------------------------------------------------------------------

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function field(record, name) {
    var pair = record.fields.find(function (p) {
      return p[0] === name;
    });
    return pair ? pair[1] : "";
  }

  function card(record) {
    var article = element("article", "obs-card outbox-item");
    article.dataset.clientKey = record.client_key;
    var header = element("header");
    header.appendChild(element("h3", "obs-title", labels[field(record, "category")] || msg.msgNoCategory));
    var when = new Date(record.created_at).toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    header.appendChild(element("span", "muted", when));
    article.appendChild(header);
    var text = field(record, "text");
    if (text) article.appendChild(element("p", "obs-text", text.length > 200 ? text.slice(0, 200) + "…" : text));
    if (record.photos.length) {
      var photos = record.photos.length === 1 ? msg.msgPhotoOne : fill(msg.msgPhotoMany, record.photos.length);
      article.appendChild(element("p", "meta", photos));
    }
    if (record.state !== "failed") {
      article.appendChild(element("p", "warn-text", msg.msgWaiting));
      return article;
    }
    var problem = element("ul", "field-errors");
    problem.appendChild(element("li", "", record.message));
    article.appendChild(problem);
    var actions = element("div", "actions");
    if (record.join_url) {
      var join = element("a", "button small", msg.msgJoin);
      join.href = record.join_url;
      actions.appendChild(join);
    }
    if (record.editable) {
      // To the capture form, which loads the record with its photos (outbox-form.js).
      var edit = element("a", "button small", msg.msgEdit);
      edit.href = msg.captureUrl + "#outbox-edit=" + encodeURIComponent(record.client_key);
      actions.appendChild(edit);
    }
    var remove = element("button", "button danger small", msg.msgRemove);
    remove.type = "button";
    remove.addEventListener("click", function () {
      if (!window.confirm(msg.msgRemoveConfirm)) return;
      store.remove(record.client_key).then(render);
    });
    actions.appendChild(remove);
    article.appendChild(actions);
    return article;
  }

  // Redraws the panel from the store; resolves with the number of records left.
  function render() {
    return store.forWalk(root.dataset.walk).then(function (records) {
      panel.hidden = records.length === 0;
      heading.textContent = records.length === 1 ? msg.msgCountOne : fill(msg.msgCountMany, records.length);
      list.replaceChildren.apply(list, records.map(card));
      root.dataset.waiting = String(records.length);
      return records.length;
    });
  }

  // What the capture page left to say here: thanks, and any photo the server refused.
  function showNotes() {
    var note;
    try {
      note = JSON.parse(sessionStorage.getItem(NOTES_KEY) || "null");
      sessionStorage.removeItem(NOTES_KEY);
    } catch (e) {
      return;
    }
    if (note) say(note.text, note.tone);
  }

  function leaveNote(text, tone) {
    try {
      sessionStorage.setItem(NOTES_KEY, JSON.stringify({ text: text, tone: tone }));
    } catch (e) {
      /* private mode: the note is a courtesy, the list and the receipt show anyway */
    }
  }

  // Before going to the receipt of the observation just sent.
  function leaveThanks(result) {
    var refused = refusedNotes(result);
    leaveNote([msg.msgThanks].concat(refused).join(" "), refused.length ? "error" : "success");
  }

  function start() {
    sendButton.addEventListener("click", function () {
      flush(true);
    });
    window.addEventListener("online", function () {
      flush(false);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") flush(false);
    });
    setInterval(function () {
      if (root.dataset.waiting !== "0" && navigator.onLine !== false) flush(false);
    }, RETRY_MS);
    showNotes();
    render().then(function (count) {
      root.dataset.ready = "1";
      if (count && navigator.onLine !== false) flush(false);
    });
  }

  window.fieldapp.outbox = {
    root: root,
    deliver: deliver,
    render: render,
    say: say,
    leaveThanks: leaveThanks,
  };
  store.open().then(start, function () {
    root.hidden = true; // no IndexedDB here: the plain form posts as before
  });
})();
