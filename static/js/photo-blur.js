// Drawing a blur rectangle over a photo: dragging fills the form's percent fields, and typing
// in them moves the rectangle. Without JS the fields work on their own.
(function () {
  "use strict";
  var canvas = document.querySelector("[data-blur-canvas]");
  var form = document.querySelector("[data-blur-form]");
  if (!canvas || !form) return;
  var fields = ["left", "top", "width", "height"].map(function (name) {
    return form.elements[name];
  });

  function box(cls) {
    var el = document.createElement("div");
    el.className = cls;
    el.setAttribute("aria-hidden", "true");
    canvas.appendChild(el);
    return el;
  }

  function place(el, x, y, w, h) {
    el.style.left = x + "%";
    el.style.top = y + "%";
    el.style.width = w + "%";
    el.style.height = h + "%";
  }

  // Areas blurred already, so staff see what is covered.
  try {
    JSON.parse(canvas.dataset.regions || "[]").forEach(function (r) {
      place(box("blur-box is-done"), r.x * 100, r.y * 100, r.w * 100, r.h * 100);
    });
  } catch (e) { /* a broken attribute only loses the outlines */ }

  var marker = box("blur-box is-new");
  marker.hidden = true;

  function clamp(v) { return Math.max(0, Math.min(100, v)); }

  function fromFields() {
    var v = fields.map(function (f) { return parseInt(f.value, 10); });
    if (v.some(isNaN) || v[2] < 1 || v[3] < 1) { marker.hidden = true; return; }
    marker.hidden = false;
    place(marker, v[0], v[1], Math.min(v[2], 100 - v[0]), Math.min(v[3], 100 - v[1]));
  }

  function percentAt(ev) {
    var rect = canvas.getBoundingClientRect();
    return [clamp((ev.clientX - rect.left) / rect.width * 100),
            clamp((ev.clientY - rect.top) / rect.height * 100)];
  }

  var start = null;
  function update(ev) {
    var p = percentAt(ev);
    // Round outwards to whole percent, so the area covers at least what was drawn.
    var left = Math.floor(Math.min(start[0], p[0]));
    var top = Math.floor(Math.min(start[1], p[1]));
    var right = Math.ceil(Math.max(start[0], p[0]));
    var bottom = Math.ceil(Math.max(start[1], p[1]));
    fields[0].value = left;
    fields[1].value = top;
    fields[2].value = Math.max(1, right - left);
    fields[3].value = Math.max(1, bottom - top);
    fromFields();
  }

  canvas.addEventListener("pointerdown", function (ev) {
    ev.preventDefault();
    start = percentAt(ev);
    canvas.setPointerCapture(ev.pointerId);
    update(ev);
  });
  canvas.addEventListener("pointermove", function (ev) { if (start) update(ev); });
  canvas.addEventListener("pointerup", function (ev) {
    if (!start) return;
    update(ev);
    start = null;
  });
  canvas.addEventListener("pointercancel", function () { start = null; });
  fields.forEach(function (f) { f.addEventListener("input", fromFields); });
  fromFields();
})();
