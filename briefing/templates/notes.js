/* briefing: each note's text beside its call in the HTML page (issue 16), on hover, focus or
 * tap, so a reader sees the verified quote without leaving the sentence. No network, no
 * libraries; without scripts the notes stay at the end of the page, each call a link to it.
 * A file named notes.js in the project's templates/ folder replaces this one. */
(function () {
  "use strict";
  var open = null;

  function hide() {
    if (open) {
      open.popup.hidden = true;
      open.call.setAttribute("aria-expanded", "false");
      open = null;
    }
  }

  function place(call, popup) {
    var rect = call.getBoundingClientRect();
    var width = Math.min(popup.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    popup.style.left = (left + window.scrollX) + "px";
    popup.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function show(call, popup) {
    if (open && open.popup === popup) { return; }
    hide();
    popup.hidden = false;
    place(call, popup);
    call.setAttribute("aria-expanded", "true");
    open = {call: call, popup: popup};
  }

  function popupFor(call) {
    var id = (call.getAttribute("href") || "").replace(/^#/, "");
    var note = id && document.getElementById(id);
    if (!note) { return null; }
    var popup = document.createElement("div");
    popup.className = "note-popup";
    popup.id = "popup-" + id;
    popup.setAttribute("role", "tooltip");
    popup.hidden = true;
    var copy = note.cloneNode(true);
    copy.removeAttribute("id");
    Array.prototype.forEach.call(copy.querySelectorAll(".footnote-back, [id]"), function (node) {
      if (node.classList.contains("footnote-back")) { node.remove(); } else { node.removeAttribute("id"); }
    });
    var number = document.createElement("span");
    number.className = "note-number";
    number.textContent = call.textContent.trim() + ". ";
    popup.appendChild(number);
    while (copy.firstChild) { popup.appendChild(copy.firstChild); }
    document.body.appendChild(popup);
    call.setAttribute("aria-describedby", popup.id);
    call.setAttribute("aria-expanded", "false");
    return popup;
  }

  function wire(call) {
    var popup = popupFor(call);
    if (!popup) { return; }
    var timer = null;
    var later = function () { timer = setTimeout(function () { if (open && open.popup === popup) { hide(); } }, 250); };
    var stay = function () { clearTimeout(timer); };
    call.addEventListener("mouseenter", function () { stay(); show(call, popup); });
    call.addEventListener("mouseleave", later);
    popup.addEventListener("mouseenter", stay);
    popup.addEventListener("mouseleave", later);
    call.addEventListener("focus", function () { show(call, popup); });
    call.addEventListener("blur", later);
    // A tap (or a click) opens the note here instead of jumping to the end; a second closes it.
    call.addEventListener("click", function (event) {
      event.preventDefault();
      if (open && open.popup === popup) { hide(); } else { show(call, popup); }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("main a.footnote-ref"), wire);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
    document.addEventListener("click", function (event) {
      if (open && !open.popup.contains(event.target) && event.target.closest("a.footnote-ref") !== open.call) { hide(); }
    });
    window.addEventListener("resize", function () { if (open) { place(open.call, open.popup); } });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
