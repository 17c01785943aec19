// The outbox on the phone: observations not yet accepted by the server, in IndexedDB so that
// they survive a reload, a closed tab and a flat battery. One record per observation, keyed by
// the client key the server uses to recognise a resend:
//   {client_key, walk, api_url, created_at, fields: [[name, value]...],
//    photos: [{name, type, blob}], state: "waiting" | "failed", message, join_url, attempts}
(function () {
  "use strict";
  var DB_NAME = "fieldapp";
  var STORE = "outbox";
  var opening = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        if (!window.indexedDB) throw new Error("no IndexedDB");
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "client_key" });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
        request.onblocked = function () {
          reject(new Error("IndexedDB blocked"));
        };
      });
      opening.catch(function () {
        opening = null; // try again next time, e.g. after a blocked upgrade
      });
    }
    return opening;
  }

  // Runs `work(store)` in one transaction; resolves with work's request result once committed.
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        promised(work(tx.objectStore(STORE))).then(function (value) {
          result = value;
        }, reject);
        tx.oncomplete = function () {
          resolve(result);
        };
        tx.onerror = tx.onabort = function () {
          reject(tx.error || new Error("IndexedDB transaction failed"));
        };
      });
    });
  }

  window.fieldapp = window.fieldapp || {};
  window.fieldapp.outboxStore = {
    open: open,
    put: function (record) {
      return run("readwrite", function (store) {
        return store.put(record);
      });
    },
    get: function (key) {
      return run("readonly", function (store) {
        return store.get(key);
      });
    },
    remove: function (key) {
      return run("readwrite", function (store) {
        return store.delete(key);
      });
    },
    // Every record of one walk, oldest first, so resends keep the order of the walk.
    forWalk: function (walk) {
      return run("readonly", function (store) {
        return store.getAll();
      }).then(function (records) {
        return records
          .filter(function (r) {
            return r.walk === walk;
          })
          .sort(function (a, b) {
            return a.created_at - b.created_at;
          });
      });
    },
    // Changes some fields of a stored record; a record removed meanwhile stays removed.
    update: function (key, changes) {
      return run("readwrite", function (store) {
        var request = store.get(key);
        request.addEventListener("success", function () {
          if (request.result) store.put(Object.assign(request.result, changes));
        });
        return request;
      });
    },
  };
})();
