// Signatures drawn with a finger, a stylus or the mouse (the `signature_field` macro in _form.html).
// Each <div data-signature> holds a canvas, a 清除 button and the hidden input that carries the
// drawing to the server as a PNG data URL, written whenever a stroke ends.
(function () {
  "use strict";
  const MAX_DENSITY = 3; // sharp on high-DPI tablets, and well under the server's 500 KB limit
  const LINE_WIDTH = 2.5; // CSS pixels
  const INK = "#111";
  const PNG_PREFIX = "data:image/png;base64,";

  function setUp(box) {
    if (box.signaturePad) return;
    const canvas = box.querySelector("canvas");
    const input = box.querySelector("input[type=hidden]");
    const clearButton = box.querySelector("[data-signature-clear]");
    const context = canvas.getContext("2d");
    let stroke = null; // the pointer drawing now: its id, last point and the midpoint the curve reached
    let inked = false;

    // Device pixels per CSS pixel of the canvas as it is now.
    const scale = () => canvas.width / canvas.clientWidth;

    function pen(event) {
      const pressure = event.pointerType === "pen" && event.pressure ? 0.6 + event.pressure * 0.8 : 1;
      context.lineWidth = LINE_WIDTH * scale() * pressure;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = INK;
      context.fillStyle = INK;
    }

    function pointOf(event) {
      const rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left - canvas.clientLeft) * scale(),
        y: (event.clientY - rect.top - canvas.clientTop) * scale(),
      };
    }

    function markInked(value) {
      inked = value;
      box.classList.toggle("signed", value);
    }

    function save() {
      input.value = inked ? canvas.toDataURL("image/png") : "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawValue() {
      if (!input.value.startsWith(PNG_PREFIX)) return;
      const image = new Image();
      image.onload = () => {
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        markInked(true);
      };
      image.src = input.value;
    }

    // The canvas's pixels follow its size on screen (rotating a tablet), keeping what is drawn;
    // the box keeps its aspect ratio, so the drawing scales evenly.
    function fit() {
      const density = Math.min(window.devicePixelRatio || 1, MAX_DENSITY);
      const width = Math.round(canvas.clientWidth * density);
      const height = Math.round(canvas.clientHeight * density);
      if (!width || !height || (width === canvas.width && height === canvas.height)) return;
      let kept = null;
      if (inked) {
        kept = document.createElement("canvas");
        kept.width = canvas.width;
        kept.height = canvas.height;
        kept.getContext("2d").drawImage(canvas, 0, 0);
      }
      canvas.width = width;
      canvas.height = height;
      if (kept) context.drawImage(kept, 0, 0, width, height);
      else drawValue(); // a form sent back with errors brings the signature along
    }

    function clear() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      markInked(false);
      save();
    }

    canvas.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      const point = pointOf(event);
      stroke = { id: event.pointerId, x: point.x, y: point.y, midX: point.x, midY: point.y };
      pen(event);
      context.beginPath(); // a tap leaves a dot
      context.arc(point.x, point.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      markInked(true);
    });

    canvas.addEventListener("pointermove", (event) => {
      if (!stroke || event.pointerId !== stroke.id) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      for (const each of events.length ? events : [event]) {
        const point = pointOf(each);
        const midX = (stroke.x + point.x) / 2;
        const midY = (stroke.y + point.y) / 2;
        pen(each);
        context.beginPath();
        context.moveTo(stroke.midX, stroke.midY);
        context.quadraticCurveTo(stroke.x, stroke.y, midX, midY);
        context.stroke();
        stroke = { id: stroke.id, x: point.x, y: point.y, midX, midY };
      }
    });

    function end(event) {
      if (!stroke || event.pointerId !== stroke.id) return;
      context.beginPath();
      context.moveTo(stroke.midX, stroke.midY);
      context.lineTo(stroke.x, stroke.y);
      context.stroke();
      stroke = null;
      save();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    clearButton.addEventListener("click", clear);
    box.signaturePad = { clear };
    fit();
    if (window.ResizeObserver) new ResizeObserver(fit).observe(canvas);
    else window.addEventListener("resize", fit);
  }

  function setUpAll(root) {
    if (root.matches && root.matches("[data-signature]")) setUp(root);
    root.querySelectorAll("[data-signature]").forEach(setUp);
  }

  // A reset form (e.g. after an offline submission was queued) starts with an empty signature too.
  document.addEventListener("reset", (event) => {
    event.target.querySelectorAll("[data-signature]").forEach((box) => box.signaturePad && box.signaturePad.clear());
  });
  document.addEventListener("htmx:load", (event) => setUpAll(event.detail.elt));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  else setUpAll(document);
})();
