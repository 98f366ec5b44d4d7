// Scanning a QR code with the camera into a field: <button data-scan-into="field-id" hidden>.
// The buttons are shown only where the browser has BarcodeDetector (Chrome on Android, Safari, …);
// elsewhere the code printed under the QR code is typed. Inputs marked data-code-input do not submit
// their form on Enter (Enter closes the keyboard): the outcome is chosen with its own button.
(function () {
  "use strict";
  const supported = "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function scan(input) {
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const dialog = document.createElement("dialog");
    dialog.className = "scanner";
    dialog.innerHTML = '<video playsinline muted></video><button type="button" class="big wide"></button>';
    dialog.querySelector("button").textContent = window.Frontdesk.t("cancel");
    document.body.appendChild(dialog);
    const video = dialog.querySelector("video");
    let stream = null;
    let open = true;
    const close = () => {
      open = false;
      if (stream) stream.getTracks().forEach((track) => track.stop());
      dialog.remove();
    };
    dialog.querySelector("button").addEventListener("click", close);
    dialog.addEventListener("cancel", close);
    dialog.showModal();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      close();
      input.placeholder = window.Frontdesk.t("camera_unavailable");
      input.focus();
      return;
    }
    while (open) {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        input.value = codes[0].rawValue.trim();
        input.dispatchEvent(new Event("input", { bubbles: true }));
        close();
        const next = input.form && input.form.querySelector("button[type=submit].primary");
        if (next) next.focus();
        return;
      }
      await pause(200);
    }
  }

  // Some browsers have BarcodeDetector but no detector behind it (desktop Linux): ask what it reads.
  async function readsQrCodes() {
    if (!supported) return false;
    const formats = await BarcodeDetector.getSupportedFormats().catch(() => []);
    return formats.includes("qr_code");
  }

  function start() {
    readsQrCodes().then((yes) => {
      document.querySelectorAll("[data-scan-into]").forEach((button) => {
        button.hidden = !yes;
      });
    });
    document.addEventListener("click", (event) => {
      const button = event.target.closest("[data-scan-into]");
      const input = button && document.getElementById(button.dataset.scanInto);
      if (input) scan(input);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("[data-code-input]")) {
        event.preventDefault();
        event.target.blur();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
