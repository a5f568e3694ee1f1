// Drafts that save themselves. On an assessment page, a rating form whose side is not yet
// submitted (marked data-autosave) is sent to the server a moment after the typing stops,
// and when the page is left, through the same POST its "Save draft" button makes, with the
// form token in the X-CSRF-Token header. Until the server has confirmed a save, the form's
// values are also kept in this tab's session storage on every keystroke, so a reload straight
// after typing loses nothing: the page puts them back and saves them. Without this script,
// "Save draft" does the same by hand. Served as its own file: the app's pages run no inline
// script.
(function () {
  "use strict";

  var QUIET = 800; // milliseconds without typing before a save

  // values is what a form's ratings and evidence hold, by field name, with the hidden
  // "seen-" fields that say what the page showed of each (the server saves over that alone).
  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && (el.tagName === "SELECT" || el.tagName === "TEXTAREA" || el.name.indexOf("seen-") === 0)) out[el.name] = el.value;
    });
    return out;
  }

  // saw marks what a save sent as what the page now shows as saved.
  function saw(form, sent) {
    Object.keys(sent).forEach(function (name) {
      var seen = name.indexOf("rating:") === 0 || name.indexOf("evidence:") === 0 ? form.elements.namedItem("seen-" + name) : null;
      if (seen) seen.value = sent[name];
    });
  }

  function autosave(form) {
    // The form's buttons are named "action", which hides form.action: read the attribute.
    var target = form.getAttribute("action");
    var key = "rungs-draft " + target;
    var token = form.elements.namedItem("csrf").value;
    var timer = null;    // the save waiting for the typing to stop
    var sending = false; // a save is on its way
    var again = false;   // something changed while it was
    var status = document.createElement("p");
    status.className = "autosave";
    status.setAttribute("role", "status");
    var actions = form.querySelector(".actions");
    form.insertBefore(status, actions);

    function keep() {
      try { sessionStorage.setItem(key, JSON.stringify(values(form))); } catch (e) { /* storage off: the server save still runs */ }
    }
    function kept() {
      try { return sessionStorage.getItem(key); } catch (e) { return null; }
    }
    function forget(state) {
      try { if (state === undefined || sessionStorage.getItem(key) === state) sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    }

    function send(leaving) {
      clearTimeout(timer);
      timer = null;
      if (sending && !leaving) { again = true; return; }
      sending = true;
      var state = JSON.stringify(values(form));
      var body = new URLSearchParams();
      var v = values(form);
      Object.keys(v).forEach(function (name) { body.append(name, v[name]); });
      body.append("action", "save");
      status.textContent = "Saving the draft…";
      fetch(target, {
        method: "POST", body: body, credentials: "same-origin", redirect: "manual", keepalive: !!leaving,
        headers: { "X-CSRF-Token": token }
      }).then(function (res) {
        // A saved draft is answered, as the button's is, by a redirect back to the page.
        if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
          saw(form, v);
          forget(state);
          status.textContent = "Draft saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
        } else if (res.status === 409) {
          status.textContent = "The draft is not saved: someone else changed this assessment while it was open. Press Save draft to see their version beside yours.";
        } else if (res.status === 400) {
          status.textContent = "The draft is not saved: a rating or some evidence needs changing. Press Save draft to see which.";
        } else {
          status.textContent = "The draft is not saved (the server answered " + res.status + "). What you typed is kept in this tab; reload the page or press Save draft.";
        }
      }, function () {
        status.textContent = "The draft is not saved: the server cannot be reached. What you typed is kept in this tab and is sent with your next change.";
      }).then(function () {
        sending = false;
        if (held !== null) { var button = held; held = null; form.requestSubmit(button); return; }
        if (again) { again = false; send(false); }
      });
    }

    function changed() {
      keep();
      clearTimeout(timer);
      timer = setTimeout(function () { send(false); }, QUIET);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The buttons post the whole form themselves: nothing more to save, nothing to keep. A
    // save still on its way goes first, so that it cannot land after the button's and undo it.
    var held = null; // the button pressed while a save was on its way, to press again after
    form.addEventListener("submit", function (ev) {
      clearTimeout(timer);
      timer = null;
      again = false;
      if (sending) { ev.preventDefault(); held = ev.submitter || null; return; }
      forget();
    });
    window.addEventListener("pagehide", function () { if (timer !== null) send(true); });

    // Values kept before a reload that the server may not have yet: put them back, save them.
    var state = kept();
    if (state === null) return;
    var saved = null;
    try { saved = JSON.parse(state); } catch (e) { forget(); return; }
    var differs = false;
    Object.keys(saved).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && el.value !== saved[name]) { el.value = saved[name]; differs = true; }
    });
    if (differs) send(false); else forget(state);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), autosave);
})();
