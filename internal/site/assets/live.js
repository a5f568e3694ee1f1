// Live preview for `rungs serve`: reload when the framework is rebuilt, and show its errors in a
// banner while the last good version stays on screen.
//
// The event stream is closed when the page is left and opened again if the browser brings the
// page back from its back/forward cache: a stream left open in a cached page holds one of the
// few connections a browser keeps to a host, and after a handful of pages none is left.
(function () {
  var banner = null;
  var shown = null;
  var source = null;
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
  // The stream lives beside this script: under the site's base path, or at the root when the
  // script is the one served while no version of the framework has rendered yet.
  var script = document.currentScript ? document.currentScript.src : "";
  var m = /^(.*\/)(assets\/live\.[^/]+\.js|_rungs\/live\.js)$/.exec(script);
  var url = (m ? m[1] : "/") + "_rungs/events";
  function open() {
    if (source) return;
    source = new EventSource(url);
    source.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (shown !== null && msg.version !== shown) { location.reload(); return; }
      shown = msg.version;
      show(msg.errors);
    };
  }
  function close() {
    if (source) { source.close(); source = null; }
  }
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) open(); });
  open();
})();
