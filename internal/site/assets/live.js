// Live preview for `rungs serve`: reload when the framework is rebuilt, and show its errors in a
// banner while the last good version stays on screen.
(function () {
  var banner = null;
  var shown = null;
  function show(errors) {
    if (!errors || errors.length === 0) {
      if (banner) { banner.remove(); banner = null; }
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "live-banner";
      banner.setAttribute("role", "alert");
      document.body.prepend(banner);
    }
    banner.textContent = "";
    var h = document.createElement("strong");
    h.textContent = "The framework has errors; showing the last version that worked.";
    banner.appendChild(h);
    var ul = document.createElement("ul");
    errors.slice(0, 20).forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e;
      ul.appendChild(li);
    });
    banner.appendChild(ul);
  }
  var src = new EventSource(document.currentScript ? document.currentScript.src.replace(/assets\/live\.[^/]+\.js$/, "_rungs/events") : "/_rungs/events");
  src.onmessage = function (ev) {
    var m = JSON.parse(ev.data);
    if (shown !== null && m.version !== shown) { location.reload(); return; }
    shown = m.version;
    show(m.errors);
  };
})();
