// DataXPipe Catalog: pan and zoom for the lineage drawing. The drawing is
// plain SVG with links and works without this file; the script moves the
// SVG's viewBox: the wheel zooms round the pointer, dragging pans, the
// buttons zoom and fit, and with the drawing focused the arrow keys pan,
// + and − zoom and 0 fits. A drag never follows the link it started on.
(function () {
  "use strict";
  var stage = document.querySelector("[data-lineage]");
  var svg = stage && stage.querySelector("svg");
  if (!svg) { return; }
  var full = svg.viewBox.baseVal;
  var home = { x: full.x, y: full.y, w: full.width, h: full.height };
  var view = { x: home.x, y: home.y, w: home.w, h: home.h };
  var minW = 120, maxW = home.w * 4;

  // The SVG fills the stage; its viewBox says which part of the picture
  // shows, so the picture keeps its proportions at every zoom.
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  stage.classList.add("ln-interactive");
  // The stage is as tall as the picture, within the window.
  function size() {
    stage.style.height = Math.round(Math.min(Math.max(home.h + 24, 320), window.innerHeight * 0.72)) + "px";
  }
  size();

  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (n) { return n.toFixed(1); }).join(" "));
  }
  function fit() {
    // Fit the picture's width, but never blow a small one up past 1:1.
    var box = stage.getBoundingClientRect();
    var aspect = box.height > 0 ? box.width / box.height : 2;
    view.w = Math.max(home.w, box.width);
    view.h = view.w / aspect;
    if (view.h < home.h) { view.h = home.h; view.w = view.h * aspect; }
    view.x = home.x + (home.w - view.w) / 2;
    view.y = home.y + (home.h - view.h) / 2;
    apply();
  }
  // Picture coordinates of a point on screen.
  function toPicture(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    var scale = Math.max(view.w / box.width, view.h / box.height);
    var offX = (box.width * scale - view.w) / 2, offY = (box.height * scale - view.h) / 2;
    return { x: view.x - offX + (clientX - box.left) * scale, y: view.y - offY + (clientY - box.top) * scale, scale: scale };
  }
  function zoom(factor, cx, cy) {
    var w = Math.min(Math.max(view.w * factor, minW), maxW);
    factor = w / view.w;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.w *= factor;
    view.h *= factor;
    apply();
  }
  function pan(dx, dy) { view.x += dx; view.y += dy; apply(); }

  stage.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toPicture(ev.clientX, ev.clientY);
    zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });

  var drag = null, moved = false;
  stage.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) { return; }
    drag = { x: ev.clientX, y: ev.clientY, scale: toPicture(ev.clientX, ev.clientY).scale, id: ev.pointerId };
    moved = false;
  });
  stage.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    if (!moved) { stage.setPointerCapture(drag.id); stage.classList.add("ln-dragging"); }
    moved = true;
    pan(-dx * drag.scale, -dy * drag.scale);
    drag.x = ev.clientX;
    drag.y = ev.clientY;
  });
  function endDrag() { drag = null; stage.classList.remove("ln-dragging"); }
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  // A drag ends with a click on whatever lies under the pointer: swallow it.
  stage.addEventListener("click", function (ev) {
    if (moved) { ev.preventDefault(); ev.stopPropagation(); moved = false; }
  }, true);

  stage.addEventListener("keydown", function (ev) {
    var step = view.w / 10;
    switch (ev.key) {
      case "ArrowLeft": pan(-step, 0); break;
      case "ArrowRight": pan(step, 0); break;
      case "ArrowUp": pan(0, -step); break;
      case "ArrowDown": pan(0, step); break;
      case "+": case "=": zoom(1 / 1.25); break;
      case "-": case "_": zoom(1.25); break;
      case "0": fit(); break;
      default: return;
    }
    ev.preventDefault();
  });

  var buttons = document.querySelector("[data-lineage-zoom]");
  if (buttons) {
    buttons.hidden = false;
    buttons.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-zoom]");
      if (!b) { return; }
      var what = b.getAttribute("data-zoom");
      if (what === "in") { zoom(1 / 1.25); } else if (what === "out") { zoom(1.25); } else { fit(); }
    });
  }
  // Focusing a node with Tab brings it into view.
  svg.addEventListener("focusin", function (ev) {
    var node = ev.target.closest && ev.target.closest(".ln-node");
    if (!node || !node.getBBox) { return; }
    var b = node.getBBox();
    if (b.x < view.x || b.y < view.y || b.x + b.width > view.x + view.w || b.y + b.height > view.y + view.h) {
      view.x = b.x + b.width / 2 - view.w / 2;
      view.y = b.y + b.height / 2 - view.h / 2;
      apply();
    }
  });
  // At first the whole picture shows, unless that would shrink it past
  // reading (a phone, a wide graph): then the focus shows at a readable
  // size and the rest is a drag away.
  function start() {
    fit();
    var box = stage.getBoundingClientRect();
    var focus = svg.querySelector(".ln-focus .ln-box");
    if (!focus || box.width === 0 || view.w / box.width < 1.6) { return; }
    var b = focus.getBBox();
    view.w = box.width * 1.1;
    view.h = view.w * box.height / box.width;
    view.x = b.x + b.width / 2 - view.w / 2;
    view.y = b.y + b.height / 2 - view.h / 2;
    apply();
  }
  window.addEventListener("resize", function () { size(); start(); });
  start();
})();
