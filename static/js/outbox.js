// The outbox: form submissions kept on the device (IndexedDB) until the server has them.
// Loaded by pages (offline.js) and by the service worker (sw.js), so replay is one piece of code.
(function (global) {
  "use strict";

  const DB_NAME = "frontdesk-outbox";
  const STORE = "items";
  const MAX_BACKOFF_MS = 5 * 60 * 1000;
  const SERVER_ERRORS_ALLOWED = 5;
  const ANNOUNCE_EVERY_MS = 1000;
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

  // `db`: the connection of a replay run, kept open for all its reads and writes (opening IndexedDB costs
  // more than the read or write itself); without one, the operation opens and closes its own.
  async function withStore(mode, work, db = null) {
    const connection = db || (await openDb());
    try {
      return await new Promise((resolve, reject) => {
        const tx = connection.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      if (!db) connection.close();
    }
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    if (global.dispatchEvent && typeof CustomEvent !== "undefined") {
      global.dispatchEvent(new CustomEvent("outbox:changed"));
    }
  }

  // Each change is announced (pages redraw their outbox rows and badge); a replay run writes through
  // `store`/`discard` on its own connection and announces its changes itself, a few at a time.
  const store = (item, db) => withStore("readwrite", (s) => s.put(item), db);
  const discard = (key, db) => withStore("readwrite", (s) => s.delete(key), db);
  const put = (item) => store(item).then(changed);
  const get = (key) => withStore("readonly", (s) => s.get(key));
  const remove = (key) => discard(key).then(changed);

  async function list(user, db = null) {
    const items = await withStore("readonly", (s) => (user ? s.index("user").getAll(user) : s.getAll()), db);
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

  // Who is signed in on this device, with a CSRF token of their session: {token, user}, or {state} when
  // that cannot be known (offline | login).
  async function signedIn() {
    let who;
    try {
      who = await fetch("/csrf-token", { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    } catch (error) {
      return { state: "offline" };
    }
    if (who.status === 401 || who.type === "opaqueredirect") return { state: "login" };
    if (!who.ok) return { state: "offline" };
    const { token, user } = await who.json();
    return { token, user };
  }

  // The answer of /csrf-token shared by the items of one replay run: asked for once, and again only when
  // a POST shows that the session changed since (see `send`).
  function signInOnce() {
    let answer = null;
    return {
      get() {
        return (answer = answer || signedIn());
      },
      forget() {
        answer = null;
      },
    };
  }

  // Send one item under the signed-in user's session. Resolves to {state, …}: sent | invalid (server's
  // form with errors) | conflict | login | other-user | offline | error (the server failed) | failed.
  // `replay`: sent later, in the background (its page's messages are not the user's next page's).
  // `signIn`: the run's shared sign-in (signInOnce); without one the token is asked for this item alone.
  async function send(item, { replay = false, signIn = signInOnce() } = {}) {
    for (let retried = false; ; retried = true) {
      const who = await signIn.get();
      if (who.state) return { state: who.state };
      if (who.user !== item.user) return { state: "other-user" };
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          body: formBody(item),
          credentials: "same-origin",
          redirect: "manual",
          headers: {
            "X-CSRFToken": who.token,
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
      const login = response.type === "opaqueredirect" || response.status === 401;
      // The token refused (400: the CSRF check, e.g. after another log-in on this device replaced the
      // session) or the session ended since the token was asked for: ask who is signed in now and send
      // the item once more, or say what stops it. The server stored nothing for the refused POST, so
      // the item is still saved once.
      if (!retried && (login || response.status === 400)) {
        signIn.forget();
        continue;
      }
      return outcome(response, login);
    }
  }

  async function outcome(response, login) {
    if (login) return { state: "login" };
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

  // Record the outcome of a send on the item (on the run's connection `db`, unannounced); returns the
  // item, or null once it is sent.
  async function record(item, result, db) {
    if (result.state === "sent") {
      await discard(item.key, db);
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
    await store(item, db);
    return item;
  }

  async function settle(item, result) {
    const left = await record(item, result, null);
    if (result.state !== "other-user") changed();
    return left;
  }

  // Send the waiting items, oldest first, one after the other (the server gets them in the order they
  // were made). `onlyDue` (the periodic retry) respects each item's backoff; a returning network, a page
  // load or the "sync now" button try every waiting item at once. One run asks for the token once, reads
  // the outbox once and keeps one connection to it; its changes are announced about once a second (each
  // announcement has every page read the whole outbox again) and when it ends.
  async function replayAll(options = {}) {
    const run = async () => {
      const db = await openDb();
      let unannounced = false;
      let announcedAt = Date.now();
      try {
        const items = await list(options.user, db);
        const signIn = signInOnce();
        let sent = 0;
        for (const item of items) {
          if (item.status !== "pending" && item.status !== "login") continue; // needs the user first
          if (options.onlyDue && item.nextAttemptAt && item.nextAttemptAt > Date.now()) continue;
          const result = await send(item, { replay: true, signIn });
          await record(item, result, db);
          if (result.state !== "other-user") unannounced = true;
          if (result.state === "sent") sent += 1;
          if (unannounced && Date.now() - announcedAt >= ANNOUNCE_EVERY_MS) {
            changed();
            unannounced = false;
            announcedAt = Date.now();
          }
          // No network or no login: try again later. A server error on one item holds back no other.
          if (result.state === "offline" || result.state === "login") break;
        }
        return sent;
      } finally {
        db.close();
        if (unannounced) changed();
      }
    };
    if (global.navigator && navigator.locks) {
      return navigator.locks.request("frontdesk-outbox-replay", run);
    }
    return run();
  }

  global.FrontdeskOutbox = { put, get, remove, list, send, settle, replayAll, channel };
})(self);
