// Applies the reader's chosen theme before the page paints, so it never flashes the wrong one.
(function () {
  try {
    var t = localStorage.getItem("rungs-theme");
    if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage may be disabled; the system setting applies */ }

  // The toggle (data-theme-toggle, on the site's pages and the app's) is made to work here,
  // and shown: without script it stays hidden, as it would do nothing.
  document.addEventListener("DOMContentLoaded", function () {
    var btn = document.querySelector("[data-theme-toggle]");
    if (!btn) return;
    var root = document.documentElement;
    function current() {
      var t = root.getAttribute("data-theme");
      if (t) return t;
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    function label() {
      var next = current() === "dark" ? "light" : "dark";
      btn.setAttribute("aria-label", "Switch to " + next + " theme");
      btn.setAttribute("title", "Switch to " + next + " theme");
    }
    btn.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("rungs-theme", next); } catch (e) { /* not remembered */ }
      label();
    });
    label();
    btn.hidden = false;
  });
})();
