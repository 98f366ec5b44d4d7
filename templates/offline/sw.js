// Frontdesk service worker (served at /sw.js so that its scope is the whole site).
// Version {{ version }}: a new version replaces the app-shell cache; the outbox lives in IndexedDB,
// so updating the worker never touches queued submissions.
importScripts("{{ url_for('static', filename='js/outbox.js') }}");

const SHELL = "shell-{{ version }}";
const PAGES = "pages-v1";
const SHELL_URLS = {{ shell_urls|tojson }};
const OFFLINE_PAGE = "{{ url_for('offline.unavailable') }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  return cached || fetch(request);
}

async function keep(cache, url, response) {
  if (response.ok && response.headers.get("X-Offline-Page") === "1") await cache.put(url, response.clone());
}

// Pages: network first. A page the server marks X-Offline-Page (one with an offline form, the menu's
// pages, the outbox) is kept, so that it opens without network; any other page offline gets the "not
// available offline" page.
async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.status < 500) {
      await keep(cache, request.url.split("#")[0], response);
      return response;
    }
    return (await cache.match(request, { ignoreSearch: false })) || response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    const offline = await caches.match(OFFLINE_PAGE, { cacheName: SHELL });
    return offline || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) event.respondWith(fromShell(request));
  else if (request.mode === "navigate") event.respondWith(page(request));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(FrontdeskOutbox.replayAll());
});

async function keepPage(url) {
  if (new URL(url).origin !== self.location.origin) return;
  const cache = await caches.open(PAGES);
  await fetch(url, { credentials: "same-origin" }).then((response) => keep(cache, url, response)).catch(() => {});
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "signed-out") event.waitUntil(caches.delete(PAGES));
  if (message.type === "keep-page") event.waitUntil(keepPage(message.url));
  // The user switched language: the kept pages (and the "not available offline" page) were in the old one.
  // Each page is kept again, in the new language, the next time it opens online; this one at once.
  if (message.type === "language-changed") {
    event.waitUntil(
      caches.delete(PAGES)
        .then(() => caches.open(SHELL))
        .then((cache) => cache.add(OFFLINE_PAGE))
        .catch(() => {})
        .then(() => keepPage(message.url))
        .then(() => event.source && event.source.postMessage({ type: "language-kept" })),
    );
  }
});
