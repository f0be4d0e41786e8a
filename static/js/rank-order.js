/* Rank order lists: keep the keyboard focus across in-place updates, and let mouse users drag
   a line to a new place. Progressive enhancement only: without this file every line keeps its
   "Move up", "Move down" and "Move to position" buttons, which work with plain form posts.
   No library: HTML5 drag and drop, and htmx (already on every page) for the request. */
(function () {
  "use strict";

  var focusId = null;
  var FALLBACK = /^(?:up|down|move|remove|position)-(\d+)$/;

  function focusable(el) {
    if (!/^(?:A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusId = active && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!document.getElementById("rank-board")) {
      return;
    }
    var target = focusId ? document.getElementById(focusId) : null;
    if (!target && focusId) {
      var m = FALLBACK.exec(focusId);
      if (m) {
        target = document.getElementById("move-" + m[1]) || document.getElementById("entry-" + m[1]);
      }
      m = /^add-(\d+)$/.exec(focusId);
      if (!target && m) {
        target = document.getElementById("candidate-" + m[1]);
      }
    }
    target = target || document.getElementById("rank-board-title");
    if (target) {
      focusable(target);
    }
    focusId = null;
    enableDrag();
  });

  // --- Drag and drop ---------------------------------------------------------------------------

  var dragged = null;
  var origin = null; // [parent, next sibling] to put a cancelled drag back
  var dropped = false;

  function enableDrag() {
    var board = document.getElementById("rank-board");
    if (!board) {
      return;
    }
    var label = board.getAttribute("data-drag-label") || "Drag";
    board.querySelectorAll("ol.rank-list > li[data-entry]").forEach(function (li) {
      if (!li.querySelector("button[value='move']")) {
        return; // locked list: nothing to move
      }
      li.setAttribute("draggable", "true");
      if (!li.querySelector(".drag-handle")) {
        var handle = document.createElement("span");
        handle.className = "drag-handle";
        handle.setAttribute("aria-hidden", "true"); // keyboard users have the buttons
        handle.style.cursor = "grab";
        handle.textContent = "\u2807 " + label;
        li.insertBefore(handle, li.firstChild);
      }
    });
  }

  function lineOf(node) {
    while (node && node !== document) {
      if (node.matches && node.matches("#rank-board ol.rank-list > li[data-entry]")) {
        return node;
      }
      node = node.parentNode;
    }
    return null;
  }

  document.addEventListener("dragstart", function (e) {
    var li = lineOf(e.target);
    if (!li || li.getAttribute("draggable") !== "true") {
      return;
    }
    if (/^(?:INPUT|BUTTON|SELECT)$/.test(e.target.tagName)) {
      return;
    }
    dragged = li;
    dropped = false;
    origin = [li.parentNode, li.nextSibling];
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.getAttribute("data-entry"));
    li.style.opacity = "0.5";
  });

  document.addEventListener("dragover", function (e) {
    var li = lineOf(e.target);
    if (!dragged || !li || li === dragged || li.parentNode !== dragged.parentNode) {
      return;
    }
    e.preventDefault();
    var box = li.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    li.parentNode.insertBefore(dragged, after ? li.nextSibling : li);
  });

  document.addEventListener("drop", function (e) {
    if (!dragged) {
      return;
    }
    e.preventDefault();
    dropped = true;
    var lines = Array.prototype.slice.call(
      dragged.parentNode.querySelectorAll(":scope > li[data-entry]")
    );
    var position = lines.indexOf(dragged) + 1;
    var before = parseInt(dragged.getAttribute("data-position"), 10);
    var input = dragged.querySelector("input[name='position']");
    var button = dragged.querySelector("button[value='move']");
    if (position > 0 && position !== before && input && button) {
      input.value = String(position);
      button.focus(); // where the keyboard focus comes back after the update
      button.click(); // the same request as typing the position and pressing "Move"
    } else if (origin) {
      origin[0].insertBefore(dragged, origin[1]);
    }
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.style.opacity = "";
      if (!dropped && origin) {
        origin[0].insertBefore(dragged, origin[1]);
      }
    }
    dragged = null;
    origin = null;
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enableDrag);
  } else {
    enableDrag();
  }
})();
