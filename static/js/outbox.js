// The outbox: form submissions kept on the device (IndexedDB) until the server has them.
// Loaded by pages (offline.js) and by the service worker (sw.js), so replay is one piece of code.
(function (global) {
  "use strict";

  const DB_NAME = "frontdesk-outbox";
  const STORE = "items";
  const MAX_BACKOFF_MS = 5 * 60 * 1000;
  const SERVER_ERRORS_ALLOWED = 5;
  const channel = "BroadcastChannel" in global ? new BroadcastChannel("frontdesk-outbox") : null;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("user", "user");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    if (global.dispatchEvent && typeof CustomEvent !== "undefined") {
      global.dispatchEvent(new CustomEvent("outbox:changed"));
    }
  }

  const put = (item) => withStore("readwrite", (s) => s.put(item)).then(changed);
  const get = (key) => withStore("readonly", (s) => s.get(key));
  const remove = (key) => withStore("readwrite", (s) => s.delete(key)).then(changed);

  async function list(user) {
    const items = await withStore("readonly", (s) => (user ? s.index("user").getAll(user) : s.getAll()));
    return items.sort((a, b) => a.createdAt - b.createdAt);
  }

  function formBody(item) {
    const body = new FormData();
    for (const [name, value] of item.fields) {
      if (value && typeof value === "object" && value.blob) body.append(name, value.blob, value.name);
      else body.append(name, value);
    }
    return body;
  }

  // Send one item under the signed-in user's session. Resolves to {state, …}: sent | invalid (server's
  // form with errors) | conflict | login | other-user | offline | error (the server failed) | failed.
  // `replay`: sent later, in the background (its page's messages are not the user's next page's).
  async function send(item, { replay = false } = {}) {
    let who;
    try {
      who = await fetch("/csrf-token", { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    } catch (error) {
      return { state: "offline" };
    }
    if (who.status === 401 || who.type === "opaqueredirect") return { state: "login" };
    if (!who.ok) return { state: "offline" };
    const { token, user } = await who.json();
    if (user !== item.user) return { state: "other-user" };
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: formBody(item),
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          "X-CSRFToken": token,
          "X-Idempotency-Key": item.key,
          "X-Client-Time": item.clientTime,
          "X-Offline-Submit": "1",
          ...(replay ? { "X-Offline-Replay": "1" } : {}),
          Accept: "application/json",
        },
      });
    } catch (error) {
      return { state: "offline" };
    }
    if (response.type === "opaqueredirect" || response.status === 401) return { state: "login" };
    if (response.status === 201 || response.status === 200) {
      const data = await response.json();
      return { state: "sent", location: data.location };
    }
    if (response.status === 422) return { state: "invalid", html: await response.text() };
    if (response.status === 409) {
      const data = await response.json().catch(() => ({}));
      return { state: "conflict", error: data.error || "" };
    }
    if (response.status >= 500) return { state: "error", error: `HTTP ${response.status}` };
    // Refused for good (413: too big, …): kept for the user, with the server's Chinese reason when it gave one.
    const refused = await response.json().catch(() => ({}));
    return { state: "failed", error: refused.error || `HTTP ${response.status}` };
  }

  // Record the outcome of a send on the item; returns the item (or null once it is sent).
  async function settle(item, result) {
    if (result.state === "sent") {
      await remove(item.key);
      return null;
    }
    if (result.state === "other-user") return item;
    item.attempts = (item.attempts || 0) + 1;
    // A server that keeps failing on this item sets it aside for a person to look at (需处理).
    const error = item.attempts < SERVER_ERRORS_ALLOWED ? "pending" : "failed";
    item.status = { offline: "pending", login: "login", invalid: "invalid", conflict: "conflict", error }[result.state] || "failed";
    item.error = result.error || "";
    item.errorHtml = result.html || "";
    item.nextAttemptAt = Date.now() + Math.min(MAX_BACKOFF_MS, 5000 * 2 ** Math.min(item.attempts, 10));
    await put(item);
    return item;
  }

  // Send the waiting items, oldest first. `onlyDue` (the periodic retry) respects each item's backoff;
  // a returning network, a page load or the "sync now" button try every waiting item at once.
  async function replayAll(options = {}) {
    const run = async () => {
      const items = await list(options.user);
      let sent = 0;
      for (const item of items) {
        if (item.status !== "pending" && item.status !== "login") continue; // needs the user first
        if (options.onlyDue && item.nextAttemptAt && item.nextAttemptAt > Date.now()) continue;
        const result = await send(item, { replay: true });
        await settle(item, result);
        if (result.state === "sent") sent += 1;
        // No network or no login: try again later. A server error on one item holds back no other.
        if (result.state === "offline" || result.state === "login") break;
      }
      return sent;
    };
    if (global.navigator && navigator.locks) {
      return navigator.locks.request("frontdesk-outbox-replay", run);
    }
    return run();
  }

  global.FrontdeskOutbox = { put, get, remove, list, send, settle, replayAll, channel };
})(self);
