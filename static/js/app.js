// Site-wide behaviour: CSRF for htmx requests, and htmx's handling of invalid forms.
(function () {
  "use strict";

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    // Read the token at request time from <head>, which htmx swaps never replace.
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // <div data-show-if="category=complaint">: shown only while the form's field has that value.
  function applyShowIf(root) {
    root.querySelectorAll("[data-show-if]").forEach(function (block) {
      const [name, value] = block.dataset.showIf.split("=");
      const form = block.closest("form");
      const field = form && form.elements[name];
      if (!field) return;
      const current = field.value !== undefined ? field.value : "";
      block.hidden = current !== value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.form) applyShowIf(event.target.form);
  });
  document.addEventListener("reset", function (event) {
    setTimeout(function () { applyShowIf(event.target); });
  });

  // File pickers styled as buttons list the chosen files' names beside them.
  document.addEventListener("change", function (event) {
    const input = event.target;
    if (input.type !== "file") return;
    const names = input.closest(".field") && input.closest(".field").querySelector(".file-names");
    if (names) names.textContent = Array.from(input.files, (f) => f.name).join("、") || names.dataset.empty;
  });

  // <button data-fill='{"field": "value"}'>: one tap fills fields of the surrounding form.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-fill]");
    if (!button) return;
    const form = button.closest("form");
    const values = JSON.parse(button.dataset.fill);
    Object.keys(values).forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = values[name];
    });
    button.parentElement.querySelectorAll("[data-fill]").forEach(function (b) { b.classList.toggle("selected", b === button); });
  });

  // Header menus (<details class="navgroup">): one open at a time, closed by a tap elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // <button data-check-all>: one tap ticks every checkbox of the field it sits in.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-check-all]");
    if (!button) return;
    button.closest(".field").querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = true; });
  });

  // No inline handlers (the Content-Security-Policy allows only these files' script):
  // <form data-confirm="…"> asks first; it runs before htmx's own listener on the form, which a "no" stops.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // <select data-autosubmit>: choosing sends its form (the property switcher).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });

  // <input data-enter-next="unit">: a barcode scanner's Enter moves on to that field instead of sending
  // a half-filled form.
  document.addEventListener("keydown", function (event) {
    const next = event.target.dataset && event.target.dataset.enterNext;
    if (next && event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      event.target.form.elements[next].focus();
    }
  });

  // After a failed submit the cursor goes to the first field in error, scrolled into view (on a tablet the
  // first error can be far down the page): for a page sent back by the server, for a form swapped in by htmx,
  // and for the offline forms (static/js/offline.js), which call it once the form is no longer inert.
  function focusFirstError(root) {
    const field = root && root.querySelector(".field.has-error");
    if (!field) return false;
    for (let details = field.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    const control =
      field.querySelector('[aria-invalid="true"]:is(input, select, textarea)') ||
      field.querySelector("input:not([type=hidden]):not([disabled]), select, textarea, button, [tabindex]");
    field.scrollIntoView({ block: "center" });
    if (control) control.focus({ preventScroll: true });
    return true;
  }
  // The scripts' strings, in the page's language: base.html hands them over as JSON (blueprints/shared/i18n.py).
  // t("recorded", {status: …, what: …}) fills the %(name)s placeholders.
  let strings = null;
  function t(key, values) {
    if (strings === null) {
      const data = document.getElementById("frontdesk-strings");
      strings = data ? JSON.parse(data.textContent) : {};
    }
    const text = key in strings ? strings[key] : key;
    return text.replace(/%\((\w+)\)s/g, (_, name) => (values && name in values ? String(values[name]) : ""));
  }
  window.Frontdesk = Object.assign(window.Frontdesk || {}, { focusFirstError: focusFirstError, t: t });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) focusFirstError(event.detail.target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyShowIf(document);
    focusFirstError(document.querySelector("main"));
    if (!window.htmx) return;
    // 422 is this app's answer to a form with errors: swap it in so the messages show beside the fields.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  });
})();
