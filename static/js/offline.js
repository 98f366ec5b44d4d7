// Offline-capable forms: any <form data-offline> (see the `offline_form` macro) is submitted through the
// outbox, so a submission made without network is kept on this device and sent when it returns.
(function () {
  "use strict";
  const Outbox = window.FrontdeskOutbox;
  const RETRY_EVERY_MS = 20000;
  const MAX_PHOTO_EDGE = 1600;
  const t = (key, values) => window.Frontdesk.t(key, values);
  const STATUSES = ["pending", "login", "invalid", "conflict", "failed"];
  const statusLabel = (status) => t(`status.${STATUSES.includes(status) ? status : "pending"}`);

  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  const currentUser = () => meta("frontdesk-user");
  const newKey = () =>
    (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")).replace(/-/g, "");

  // ---- serialising a form (photos shrunk on the device before they are queued) ----

  async function shrinkPhoto(file) {
    if (!file.type.startsWith("image/") || !window.createImageBitmap) return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      return file; // not decodable here: let the server say what is wrong with it
    }
    const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < 1500000) return file;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" });
  }

  async function serialise(form, submitter) {
    const fields = [];
    for (const [name, value] of new FormData(form, submitter)) {
      if (name === "csrf_token" || name === "_idempotency_key") continue;
      if (value instanceof File) {
        if (!value.name && !value.size) continue;
        const file = await shrinkPhoto(value);
        fields.push([name, { blob: file, name: file.name, type: file.type }]);
      } else {
        fields.push([name, value]);
      }
    }
    return fields;
  }

  function summarise(form, submitter) {
    const names = (form.dataset.offlineSummary || "").split(",").filter(Boolean);
    return names
      .map((name) => {
        if (submitter && submitter.name === name) return submitter.textContent.trim();
        const field = form.elements[name];
        if (!field) return "";
        if (field.tagName === "SELECT") return field.selectedOptions[0] ? field.selectedOptions[0].text : "";
        const choice = form.querySelector(`input[type=radio][name="${name}"]:checked`);
        if (choice) {  // the label the user tapped (报修), not the stored value (repair)
          const label = form.querySelector(`label[for="${choice.id}"]`) || choice.closest("label");
          return label ? label.textContent.trim() : choice.value;
        }
        return field.value;
      })
      .filter(Boolean)
      .join(" · ")
      .slice(0, 120);
  }

  // ---- showing the server's validation errors next to the fields ----

  function errorsFromHtml(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const errors = {};
    doc.querySelectorAll(".field.has-error").forEach((field) => {
      const input = field.querySelector("[name]");
      const messages = Array.from(field.querySelectorAll(".error"), (e) => e.textContent.trim());
      if (input) errors[input.name] = messages;
    });
    // The form's own errors (about no one field); the server's summary of the fields is rebuilt here.
    const formError = doc.querySelector(".form-error:not([data-error-summary])");
    // Parts the server fills only in its answer (e.g. the likely duplicates found): shown as sent.
    const fragments = {};
    doc.querySelectorAll("[data-server-fragment][id]").forEach((part) => (fragments[part.id] = part.outerHTML));
    return { fields: errors, form: formError ? formError.textContent.trim() : "", fragments };
  }

  // A field's name as its label shows it ("姓名"), without the required-field star.
  function fieldLabel(field) {
    const label = field.querySelector(":scope > label:not(.file-pick), :scope > .label, label.check");
    if (!label) return "";
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".req, input, select, textarea").forEach((e) => e.remove());
    return copy.textContent.trim();
  }

  let errorIds = 0;

  // The fields marked as the server marks them (templates/_form.html's `field` macro): the field
  // .has-error, its control aria-invalid="true" and aria-describedby its first message.
  function clearErrors(form) {
    form.querySelectorAll(".js-error").forEach((e) => e.remove());
    form.querySelectorAll(".field.has-error").forEach((f) => f.classList.remove("has-error"));
    form.querySelectorAll("[data-js-invalid]").forEach((control) => {
      control.removeAttribute("aria-invalid");
      control.removeAttribute("aria-describedby");
      delete control.dataset.jsInvalid;
    });
  }

  function showErrors(form, errors) {
    clearErrors(form);
    form.querySelectorAll("[data-server-fragment][id]").forEach((part) => {
      const sent = (errors.fragments || {})[part.id];
      if (sent) part.outerHTML = sent;
      else part.replaceChildren();
    });
    const labels = [];
    for (const [name, messages] of Object.entries(errors.fields)) {
      const input = form.elements[name];
      const element = input && (input.length && !input.tagName ? input[0] : input);
      const field = element && element.closest(".field");
      if (!field || field.closest("[data-server-fragment]")) continue;  // shown as the server sent it
      field.classList.add("has-error");
      const id = `error-js-${++errorIds}`;
      messages.forEach((message, index) => {
        const p = document.createElement("p");
        p.className = "error js-error";
        if (index === 0) p.id = id;
        p.textContent = message;
        field.appendChild(p);
      });
      // A group of choices is marked on its list, as the macro marks it; a single control on itself.
      const control = element.type === "radio" || element.type === "checkbox" ? element.closest("ul") || element : element;
      if (!control.hasAttribute("aria-invalid")) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", id);
        control.dataset.jsInvalid = "";
      }
      const label = fieldLabel(field);
      if (label) labels.push(label);
    }
    const summary = labels.length ? t("check_fields_named", { fields: labels.join(t("list_separator")) }) : "";
    notice(form, [errors.form, summary].filter(Boolean).join(" ") || t("check_fields"), "error");
  }

  function fillForm(form, item) {
    const files = {};
    for (const [name, value] of item.fields) {
      const input = form.elements[name];
      if (!input) continue;
      if (value && typeof value === "object" && value.blob) {
        (files[name] = files[name] || []).push(new File([value.blob], value.name, { type: value.type }));
      } else if (input.type === "checkbox") {
        input.checked = true;
      } else if (input.length && !input.tagName) {
        Array.from(input).forEach((el) => {
          if (el.value === value) el.checked = true;
        });
      } else {
        input.value = value;
      }
    }
    for (const [name, list] of Object.entries(files)) {
      const transfer = new DataTransfer();
      list.forEach((f) => transfer.items.add(f));
      form.elements[name].files = transfer.files;
    }
  }

  // The form's live region, rendered empty with the page (the `offline_form` macro) so that a screen reader
  // announces what is written into it; a form without one gets one.
  function notice(form, text, kind) {
    let box = form.querySelector(".form-status");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "status");
      form.prepend(box);
    }
    box.className = `form-status offline-notice notice-${kind}`;
    box.textContent = text;
  }

  // ---- submitting ----

  async function submit(form, submitter) {
    if (form.dataset.busy) return;
    let refused = false;
    form.dataset.busy = "1";
    // Nothing may be typed into the form while it is being sent: it is cleared once queued.
    form.inert = true;
    form.setAttribute("aria-busy", "true");
    const clientTime = new Date().toISOString(); // when the button was pressed
    try {
      const fields = await serialise(form, submitter);
      const key = form.dataset.idempotencyKey || newKey();
      form.dataset.idempotencyKey = key;
      const item = {
        key,
        user: currentUser(),
        url: form.action,
        page: location.pathname + location.search,
        title: form.dataset.offlineTitle || document.title,
        summary: summarise(form, submitter),
        fields,
        clientTime,
        createdAt: Date.now(),
        status: "pending",
        attempts: 0,
      };
      // Kept on the device before it is sent: a tab closed mid-request loses nothing.
      await Outbox.put(item);
      const result = await Outbox.send(item);
      if (result.state === "sent") {
        await Outbox.remove(key);
        const target = new URL(result.location, location.href);
        if (target.href.split("#")[0] === location.href.split("#")[0]) {
          // The same page (another anchor): assign() would only scroll. Scroll first, then load it again.
          if (target.hash) location.hash = target.hash;
          else history.replaceState(null, "", target.href);
          location.reload();
        } else {
          location.assign(target.href);
        }
        return;
      }
      if (result.state === "invalid") {
        await Outbox.remove(key); // the user is correcting it right here
        showErrors(form, errorsFromHtml(result.html));
        refused = true;
        return;
      }
      await Outbox.settle(item, result);
      if (result.state === "offline") {
        queuedOffline(form, item);
      } else if (result.state === "login") {
        notice(form, t("login_expired"), "warning");
      } else if (result.state === "conflict") {
        notice(form, result.error, "error");
      } else {
        notice(form, [t("submit_failed"), result.error].filter(Boolean).join(" "), "error");
      }
    } finally {
      delete form.dataset.busy;
      form.inert = false;
      form.removeAttribute("aria-busy");
      // Only now: an inert form takes no focus.
      if (refused) window.Frontdesk.focusFirstError(form);
    }
  }

  function queuedOffline(form, item) {
    clearErrors(form);
    if (form.dataset.offlineQueued === "collapse") {
      showQueued(form, item);
    } else {
      form.reset();
      delete form.dataset.idempotencyKey;
      notice(form, t("offline_saved", { what: item.summary || item.title }), "warning");
    }
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then((reg) => reg.sync && reg.sync.register("outbox")).catch(() => {});
    }
  }

  // <form data-offline-queued="collapse"> (one of many small forms on a page, e.g. a patrol checkpoint):
  // once kept on the device it shows as recorded in place, instead of being cleared for the next entry.
  function showQueued(form, item) {
    form.dataset.queued = item.key;
    form.querySelectorAll(".has-error").forEach((f) => f.classList.remove("has-error"));
    const values = { status: statusLabel(item.status), what: item.summary || item.title };
    if (item.status === "pending" || item.status === "login") notice(form, t("recorded", values), "warning");
    else notice(form, t("needs_attention", values), "error");
  }

  function showCollapsed(items) {
    document.querySelectorAll('form[data-offline-queued="collapse"]').forEach((form) => {
      if (form.dataset.editing || form.dataset.busy) return;
      const item = items.find((i) => i.url === form.action);
      if (item) showQueued(form, item);
      else if (form.dataset.queued) notice(form, t("synced"), "success");
    });
  }

  // ---- pending items shown where the new records would have appeared, and the header badge ----

  async function mine() {
    return currentUser() ? Outbox.list(currentUser()) : [];
  }

  // The app's one date format, as the server's pages print it: 2026-12-02 04:02.
  function stamp(iso) {
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function itemRow(item, withActions) {
    const row = document.createElement("tr");
    row.className = "outbox-item";
    row.dataset.key = item.key;
    const cells = [
      stamp(item.clientTime),
      item.title,
      item.summary,
    ];
    cells.forEach((text) => {
      const td = document.createElement("td");
      td.textContent = text;
      row.appendChild(td);
    });
    const status = document.createElement("td");
    const tag = document.createElement("span");
    tag.className = `tag ${item.status === "pending" || item.status === "login" ? "warn" : "danger"}`;
    tag.textContent = statusLabel(item.status);
    status.appendChild(tag);
    const errors = item.status === "invalid" ? errorsFromHtml(item.errorHtml) : null;
    const fieldProblems = errors ? Object.values(errors.fields).flat() : [];
    const problem = errors ? (fieldProblems.length ? fieldProblems.join("；") : errors.form) : item.error;
    if (problem) {
      const small = document.createElement("small");
      small.textContent = " " + problem;
      status.appendChild(small);
    }
    row.appendChild(status);
    if (withActions) {
      const actions = document.createElement("td");
      actions.className = "actions";
      actions.innerHTML =
        `<button type="button" data-action="retry">${t("retry")}</button>` +
        `<a class="button" data-action="edit">${t("edit")}</a>` +
        `<button type="button" class="danger" data-action="discard">${t("discard")}</button>`;
      actions.querySelector("[data-action=edit]").href = `${item.page.split("#")[0]}#outbox=${item.key}`;
      row.appendChild(actions);
    }
    return row;
  }

  async function refresh() {
    const items = await mine();
    const badge = document.getElementById("outbox-badge");
    if (badge) {
      badge.hidden = items.length === 0;
      badge.querySelector(".count").textContent = String(items.length);
    }
    document.querySelectorAll("[data-outbox-for]").forEach((container) => {
      const url = new URL(container.dataset.outboxFor, location.href).href;
      container.querySelectorAll(".outbox-item").forEach((r) => r.remove());
      items.filter((i) => i.url === url).reverse().forEach((i) => container.prepend(itemRow(i, false)));
    });
    showCollapsed(items);
    const table = document.getElementById("outbox-items");
    if (table) {
      table.querySelectorAll(".outbox-item").forEach((r) => r.remove());
      items.forEach((i) => table.appendChild(itemRow(i, true)));
      const empty = document.getElementById("outbox-empty");
      if (empty) empty.hidden = items.length > 0;
    }
  }

  async function replay(onlyDue) {
    if (!currentUser()) return;
    await Outbox.replayAll({ user: currentUser(), onlyDue });
    await refresh();
  }

  // Right after the network returns the first requests can still fail: try again a few times soon.
  async function replaySoon() {
    for (const delay of [0, 2000, 5000, 10000]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      await replay(false);
      const waiting = (await mine()).filter((i) => i.status === "pending" || i.status === "login");
      if (!waiting.length || !navigator.onLine) return;
    }
  }

  async function onOutboxAction(event) {
    const button = event.target.closest("[data-action]");
    const row = button && button.closest(".outbox-item");
    if (!row || button.dataset.action === "edit") return;
    const item = await Outbox.get(row.dataset.key);
    if (!item) return refresh();
    if (button.dataset.action === "discard") {
      if (confirm(`${t("confirm_discard")}\n${item.title} ${item.summary}`)) await Outbox.remove(item.key);
    } else if (button.dataset.action === "retry") {
      await Outbox.settle(item, await Outbox.send(item));
    }
    await refresh();
  }

  async function openQueuedItem() {
    const match = location.hash.match(/^#outbox=([\w-]+)$/);
    if (!match) return;
    const item = await Outbox.get(match[1]);
    const forms = Array.from(document.querySelectorAll("form[data-offline]"));
    const form = forms.find((f) => f.action === (item && item.url)) || forms[0];
    if (!item || !form || item.user !== currentUser()) return;
    form.dataset.editing = "1";
    delete form.dataset.queued;
    fillForm(form, item);
    form.dataset.idempotencyKey = item.key;
    if (item.status === "invalid") {
      showErrors(form, errorsFromHtml(item.errorHtml));
      window.Frontdesk.focusFirstError(form);
    } else notice(form, t("unsynced_record"), "warning");
  }

  async function confirmLogout(form) {
    const items = await mine();
    const ok =
      !items.length ||
      confirm(t("confirm_logout", { count: items.length }));
    if (ok) form.submit(); // submit() does not fire the submit event again
  }

  function start() {
    document.addEventListener(
      "submit",
      (event) => {
        const form = event.target;
        if (form.matches("form[data-offline]")) {
          event.preventDefault();
          submit(form, event.submitter);
        } else if (form.matches("form[data-logout]")) {
          event.preventDefault(); // decided after looking into the outbox, which is asynchronous
          confirmLogout(form);
        }
      },
      true,
    );
    document.addEventListener("click", (event) => {
      if (event.target.closest("#outbox-items")) onOutboxAction(event);
      if (event.target.closest("[data-outbox-sync]")) replay(false);
    });
    if (navigator.serviceWorker && window.isSecureContext) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
      if (document.querySelector("form[data-offline], #outbox-items")) {
        // The first visit happens before the worker controls the page: ask it to keep this page now.
        navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "keep-page", url: location.href.split("#")[0] }));
      }
      const language = document.documentElement.lang;
      const keptIn = localStorage.getItem("frontdesk-language");
      if (keptIn !== language) {
        localStorage.setItem("frontdesk-language", language);
        if (keptIn && navigator.serviceWorker.controller) {
          navigator.serviceWorker.addEventListener("message", (event) => {
            if ((event.data || {}).type === "language-kept") document.documentElement.dataset.offlineLanguage = language;
          });
          navigator.serviceWorker.controller.postMessage({ type: "language-changed", url: location.href.split("#")[0] });
        }
      }
      if (document.querySelector("form[data-logout]") === null && navigator.serviceWorker.controller) {
        // Signed out (the login page): pages cached for the last user must not be shown to the next.
        navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
      }
    }
    if (Outbox.channel) Outbox.channel.onmessage = refresh;
    window.addEventListener("outbox:changed", refresh);
    window.addEventListener("online", replaySoon);
    setInterval(() => navigator.onLine && replay(true), RETRY_EVERY_MS);
    refresh().then(openQueuedItem).then(() => replay(false));
  }

  if (Outbox) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
