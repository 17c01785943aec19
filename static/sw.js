// Service worker: keeps the walk pages a participant opened usable without a connection.
// CACHE_VERSION and SHELL (the static files to keep) are prepended by
// fieldapp/capture/pwa_views.py, which serves this file at /sw.js.
//
// - /static/ files: cache first, from a cache named after the version of the files.
// - Join, capture and "my observations" pages: network first (with a short timeout, for weak
//   signal), the last good copy when the network fails.
// - Everything else - POSTs, photos, staff pages, map tiles - is left to the network untouched.
/* global CACHE_VERSION, SHELL */
"use strict";

var STATIC_PREFIX = "fieldapp-static-";
var STATIC_CACHE = STATIC_PREFIX + CACHE_VERSION;
var PAGE_CACHE = "fieldapp-pages-v1";
var NETWORK_TIMEOUT_MS = 6000;
var WALK_PAGE = /^\/(j\/[^/]+|w\/[^/]+\/(new|mine))$/;
var CAPTURE_PAGE = /^\/w\/([^/]+)\/new$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(
          SHELL.map(function (url) {
            return new Request(url, { cache: "no-cache" });
          })
        );
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        var old = names.filter(function (name) {
          return name.indexOf(STATIC_PREFIX) === 0 && name !== STATIC_CACHE;
        });
        return Promise.all(old.map(caches.delete.bind(caches)));
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFirst(request));
  } else if (request.mode === "navigate" && (url.pathname === "/" || WALK_PAGE.test(url.pathname))) {
    event.respondWith(pageNetworkFirst(event, url));
  }
});

function staticFirst(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

function pageNetworkFirst(event, url) {
  var network = fetch(event.request);
  // Registered now, while the event is alive: the answer may come after the timeout, and its
  // copy is cloned here before the page reads the body.
  event.waitUntil(
    network
      .then(function (response) {
        if (!isKeepable(url, response)) return undefined;
        return keep(url.pathname, response.clone()).then(function () {
          return refreshMine(url.pathname);
        });
      })
      .catch(function () {})
  );
  return withTimeout(network, NETWORK_TIMEOUT_MS)
    .then(function (response) {
      if (response.status < 500) return response;
      return offlineCopy(url).then(function (copy) {
        return copy || response;
      });
    })
    .catch(function () {
      return offlineCopy(url).then(function (copy) {
        return copy || network;
      });
    });
}

// Only plain pages of a walk, never one the server marked private to this moment (no-store),
// never a redirect (to the join page, say) and never a one-off view such as ?sent=<id>.
function isKeepable(url, response) {
  return (
    WALK_PAGE.test(url.pathname) &&
    !url.search &&
    response.ok &&
    response.type === "basic" &&
    !/no-store/.test(response.headers.get("Cache-Control") || "")
  );
}

function keep(path, response) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.put(path, response);
  });
}

// Opening the capture page also refreshes "my observations" of that walk, where waiting items
// show offline: a copy from before the last observations were sent would say they are missing.
function refreshMine(path) {
  var match = CAPTURE_PAGE.exec(path);
  if (!match) return undefined;
  var mine = "/w/" + match[1] + "/mine";
  return fetch(mine, { credentials: "same-origin", redirect: "manual" })
    .then(function (response) {
      if (isKeepable(new URL(mine, self.location.origin), response)) return keep(mine, response);
      return undefined;
    })
    .catch(function () {});
}

// Offline: the page itself, or for the QR link of a walk already joined and for the start page
// of the installed app, a redirect to that walk's capture page.
function offlineCopy(url) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    var join = /^\/j\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === "/") return latestCapturePage(cache);
    if (join) {
      var capture = "/w/" + join[1] + "/new";
      return cache.match(capture).then(function (hit) {
        return hit ? Response.redirect(capture, 302) : cache.match(url.pathname);
      });
    }
    return cache.match(url.pathname);
  });
}

function latestCapturePage(cache) {
  return cache.keys().then(function (requests) {
    var pages = requests.filter(function (r) {
      return CAPTURE_PAGE.test(new URL(r.url).pathname);
    });
    // Cache keys keep insertion order and a put replaces the entry: the last is the newest.
    if (!pages.length) return undefined;
    return Response.redirect(new URL(pages[pages.length - 1].url).pathname, 302);
  });
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("timeout"));
    }, ms);
    promise.then(
      function (value) {
        clearTimeout(timer);
        resolve(value);
      },
      function (error) {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}
