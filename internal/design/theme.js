// Applies the reader's chosen theme before the page paints, so it never flashes the wrong one.
(function () {
  try {
    var t = localStorage.getItem("rungs-theme");
    if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage may be disabled; the system setting applies */ }
})();
