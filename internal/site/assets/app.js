// rungs site behaviour. Every page works without this script; it adds the theme toggle, the
// "/" shortcut, filters, search and comparison. No network requests leave the site.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // The site root, taken from the stylesheet's address so it works under any sub-path.
  function siteRoot() {
    var css = $('link[rel="stylesheet"]');
    return css ? css.getAttribute("href").replace(/assets\/[^/]+$/, "") : "/";
  }

  // "/" focuses the search box, as on most documentation sites.
  function setupSlash() {
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var box = $("#search-q") || $("#site-search");
      if (!box) return;
      var menu = box.closest("details");
      if (menu && !box.offsetParent) menu.open = true; // the phone's folded menu
      ev.preventDefault(); box.focus(); box.select();
    });
  }

  // The phone's menu closes with Escape, as a menu does, and gives the focus back to its button.
  function setupMenu() {
    var menu = $(".site-header .menu");
    if (!menu) return;
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  }

  // Level page: highlight what is new or grown since the level below, with what a grown
  // expectation read there (from the ladder's levels.json, fetched on the first use); print.
  function setupLevel() {
    var toggle = $(".new-toggle");
    if (toggle) {
      var marked = false;
      toggle.addEventListener("click", function () {
        var on = toggle.getAttribute("aria-pressed") !== "true";
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        document.body.classList.toggle("show-new", on);
        if (on && !marked) { marked = true; markDiffs(toggle); }
      });
    }
    var print = $(".print");
    if (print) print.addEventListener("click", function () { window.print(); });
    $all(".anchor[data-copy]").forEach(function (a) {
      a.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(a.getAttribute("data-copy")).catch(function () {});
      });
    });
  }

  // markDiffs tags each new and grown expectation, then adds below each grown one the text it
  // had on the level below.
  function markDiffs(toggle) {
    var items = $all("li.exp[data-diff]");
    function before(li) { return $(":scope > ul.examples", li) || $(":scope > .exp-tools", li); }
    items.forEach(function (li) {
      var tag = el("span", { "class": "diff-tag" }, li.getAttribute("data-diff") === "new" ? "New" : "Grown");
      li.insertBefore(tag, before(li));
      li.insertBefore(document.createTextNode(" "), tag);
    });
    var src = toggle.getAttribute("data-src"), below = toggle.getAttribute("data-below");
    if (!src) return;
    fetch(src).then(function (r) {
      if (!r.ok) throw new Error(src + ": " + r.status);
      return r.json();
    }).then(function (ladder) {
      var was = Object.create(null);
      ladder.levels.forEach(function (lv) {
        if (lv.id !== below) return;
        Object.keys(lv.areas).forEach(function (a) { lv.areas[a].forEach(function (x) { was[x.id] = x.html; }); });
      });
      items.forEach(function (li) {
        if (li.getAttribute("data-diff") !== "changed" || was[li.id] === undefined) return;
        var p = el("p", { "class": "was" });
        p.appendChild(el("span", null, "Below:"));
        p.appendChild(document.createTextNode(" "));
        var text = el("span");
        text.innerHTML = was[li.id]; // rendered by rungs from the framework, without raw HTML
        p.appendChild(text);
        li.insertBefore(p, $(":scope > .exp-tools", li));
      });
      toggle.setAttribute("data-marked", "true");
    }).catch(function () { toggle.setAttribute("data-marked", "partly"); });
  }

  // Matrix: filter rows by area, columns by level, entries by track.
  function setupMatrix() {
    var table = $(".matrix");
    if (!table) return;
    var filters = {};
    function apply() {
      $all("tr[data-area]", table).forEach(function (tr) {
        tr.hidden = !!filters.area && tr.getAttribute("data-area") !== filters.area;
      });
      $all("[data-level]", table).forEach(function (cell) {
        cell.hidden = !!filters.level && cell.getAttribute("data-level") !== filters.level;
      });
      $all("li", table).forEach(function (li) {
        var t = li.getAttribute("data-track");
        li.hidden = !!filters.track && (filters.track === "-" ? !!t : (t && t !== filters.track));
      });
      $all(".group-row", table).forEach(function (row) {
        var body = row.parentNode;
        var visible = $all("tr[data-area]", body).some(function (tr) { return !tr.hidden; });
        row.hidden = !visible;
      });
    }
    $all("[data-filter]").forEach(function (sel) {
      sel.addEventListener("change", function () { filters[sel.getAttribute("data-filter")] = sel.value; apply(); });
      filters[sel.getAttribute("data-filter")] = sel.value;
    });
    apply();
  }

  // Titles are compared loosely, by the rules of internal/titles (a Go test runs this block
  // under node against that package's table): case, punctuation, letters split from numbers,
  // roman numerals as numbers, abbreviations written out.
  // normaliseTitle:begin
  var romans = { i: "1", ii: "2", iii: "3", iv: "4", v: "5", vi: "6", vii: "7", viii: "8", ix: "9", x: "10" };
  var words = {
    sr: "senior", snr: "senior", jr: "junior", jnr: "junior",
    eng: "engineer", engr: "engineer", engineering: "engineer",
    swe: "software engineer", sde: "software development engineer",
    sdm: "software development manager",
    mts: "member of technical staff", mgr: "manager", dir: "director",
    vp: "vice president", sre: "site reliability engineer",
    sdet: "software development engineer in test"
  };
  function normaliseTitle(s) {
    return String(s).toLowerCase().replace(/[^a-z0-9]+/g, " ")
      .replace(/([a-z])(?=[0-9])|([0-9])(?=[a-z])/g, "$1$2 ")
      .split(" ").filter(Boolean).map(function (w) {
        return Object.prototype.hasOwnProperty.call(romans, w) ? romans[w] :
          Object.prototype.hasOwnProperty.call(words, w) ? words[w] : w;
      }).join(" ");
  }
  // normaliseTitle:end

  function setupCrosswalk() {
    var input = $("#crosswalk-filter");
    if (!input) return;
    var rows = $all(".crosswalk tbody tr");
    var count = $("#crosswalk-count");
    // The title and the level it maps to, not the ladder or the note: a word of a note ("a
    // smaller company") would match rows it does not name. Cell by cell: the row's textContent
    // runs the cells together ("SDE IIEngineer"), and a numeral or abbreviation at the end of a
    // cell would no longer be a word of its own.
    var texts = rows.map(function (tr) {
      return normaliseTitle(tr.cells[0].textContent + " " + (tr.cells[1] ? tr.cells[1].textContent : ""));
    });
    function apply() {
      var q = normaliseTitle(input.value);
      var terms = q ? q.split(" ") : [];
      var n = 0;
      rows.forEach(function (tr, i) {
        var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
        tr.hidden = !ok;
        if (ok) n++;
      });
      count.textContent = terms.length ? n + (n === 1 ? " title matches" : " titles match") : "";
    }
    input.addEventListener("input", apply);
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; }
    apply();
  }

  // Search reads the index rungs writes in shards (internal/site/search.go says how they are
  // laid out; the two change together): the manifest, then only the word shards that hold the
  // query's words, then only the documents of the results on show, ten at a time.
  var SEARCH_FORMAT = 1, RESULTS_PER_PAGE = 10;
  var searchData = null;
  function fetchOK(url, as) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url.replace(/\?.*/, "") + ": " + r.status);
      return as === "bytes" ? r.arrayBuffer() : r.json();
    });
  }
  function searchIndex() {
    if (!searchData) {
      var root = siteRoot() + "search/";
      searchData = fetchOK(root + "index.json").then(function (m) {
        if (m.format !== SEARCH_FORMAT) throw new Error("search index format " + m.format);
        return { m: m, root: root, shards: {}, chunks: {} };
      });
    }
    return searchData;
  }
  function readVarint(b, pos) {
    var v = 0, mul = 1, c;
    do { c = b[pos.i++]; v += (c & 127) * mul; mul *= 128; } while (c & 128);
    return v;
  }
  // A word shard: its words, each with its two lists of documents, decoded when used.
  function wordShard(ix, i) {
    if (!ix.shards[i]) {
      ix.shards[i] = fetchOK(ix.root + "w" + i + ".bin?v=" + ix.m.version, "bytes").then(function (buf) {
        var b = new Uint8Array(buf), pos = { i: 0 }, dec = new TextDecoder();
        var n = readVarint(b, pos), words = [];
        for (var k = 0; k < n; k++) {
          var len = readVarint(b, pos);
          var w = { word: dec.decode(b.subarray(pos.i, pos.i + len)) };
          pos.i += len;
          len = readVarint(b, pos); w.title = b.subarray(pos.i, pos.i + len); pos.i += len;
          len = readVarint(b, pos); w.other = b.subarray(pos.i, pos.i + len); pos.i += len;
          words.push(w);
        }
        return words;
      });
    }
    return ix.shards[i];
  }
  // orInto sets, in the bitset bits, every document of an encoded list.
  function orInto(bits, list) {
    var pos = { i: 1 };
    if (list[0] === 0) {
      var n = readVarint(list, pos), id = -1;
      for (var k = 0; k < n; k++) { id += readVarint(list, pos); bits[id >> 3] |= 1 << (id & 7); }
      return;
    }
    var first = readVarint(list, pos), len = readVarint(list, pos);
    for (var j = 0; j < len; j++) {
      var byte = list[pos.i + j];
      if (!byte) continue;
      for (var bit = 0; bit < 8; bit++) {
        if (byte & (1 << bit)) { var d = first + 8 * j + bit; bits[d >> 3] |= 1 << (d & 7); }
      }
    }
  }
  function searchTerms(q) {
    var seen = Object.create(null);
    return q.toLowerCase().split(/[^\p{L}\p{N}\p{M}]+/u).filter(function (t) {
      if (!t || seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }
  // A term of one or two letters matches whole words; a longer one, the words it begins.
  function termMatches(term, word) { return term.length < 3 ? word === term : word.lastIndexOf(term, 0) === 0; }
  // The shards that may hold words matching a term: the one where the term would be, and the
  // ones after it that start with it.
  function shardsFor(ix, term) {
    var firsts = ix.m.shards, lo = 0, hi = firsts.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (firsts[mid] <= term) lo = mid; else hi = mid - 1; }
    var out = [lo];
    if (term.length >= 3) for (var i = lo + 1; i < firsts.length && termMatches(term, firsts[i]); i++) out.push(i);
    return out;
  }
  // search resolves to the matching documents, best first: [{id, score}]. Once the shards
  // are there, the rest is computed at once; hits.ms says how long that took.
  function search(ix, terms) {
    var wanted = [];
    terms.forEach(function (term) { shardsFor(ix, term).forEach(function (i) { if (wanted.indexOf(i) < 0) wanted.push(i); }); });
    return Promise.all(wanted.map(function (i) { return wordShard(ix, i); })).then(function (loaded) {
      var start = performance.now(), size = (ix.m.docs >> 3) + 1, shard = {};
      wanted.forEach(function (i, k) { shard[i] = loaded[k]; });
      var sets = terms.map(function (term) {
        var all = new Uint8Array(size), title = new Uint8Array(size);
        shardsFor(ix, term).forEach(function (i) {
          shard[i].forEach(function (w) {
            if (!termMatches(term, w.word)) return;
            orInto(title, w.title); orInto(all, w.title); orInto(all, w.other);
          });
        });
        return { all: all, title: title };
      });
      var hits = [];
      for (var j = 0; j < size; j++) {
        var byte = 255;
        for (var t = 0; t < sets.length && byte; t++) byte &= sets[t].all[j];
        if (!byte) continue;
        for (var bit = 0; bit < 8; bit++) {
          if (!(byte & (1 << bit))) continue;
          var score = 0;
          for (t = 0; t < sets.length; t++) if (sets[t].title[j] & (1 << bit)) score += 2;
          hits.push({ id: 8 * j + bit, score: score });
        }
      }
      hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      hits.ms = performance.now() - start;
      return hits;
    });
  }
  // docs resolves to the documents of hits, as results show them.
  function docs(ix, hits) {
    var per = ix.m.chunk;
    return Promise.all(hits.map(function (h) {
      var k = Math.floor(h.id / per);
      if (!ix.chunks[k]) ix.chunks[k] = fetchOK(ix.root + "d" + k + ".json?v=" + ix.m.version);
      return ix.chunks[k].then(function (c) {
        var d = c.d[h.id - k * per];
        return { title: d[0], url: c.u[d[1]] + (d[2] ? "#" + d[2] : ""), context: c.c[d[3]], text: d[4] || "" };
      });
    }));
  }
  // termsRE finds, case aside, a word that a query's terms match (as termMatches does).
  function termsRE(terms) {
    var alts = terms.map(function (t) {
      var e = t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return t.length < 3 ? e + "(?![\\p{L}\\p{N}\\p{M}])" : e + "[\\p{L}\\p{N}\\p{M}]*";
    });
    return new RegExp("(?<![\\p{L}\\p{N}\\p{M}])(?:" + alts.join("|") + ")", "giu");
  }
  // marked appends text to box with the words that match re marked; with around, only the
  // words around the first match, and nothing when there is none.
  function marked(box, text, re, around) {
    re.lastIndex = 0;
    var m = re.exec(text);
    if (!m && around) return false;
    var from = 0, to = text.length;
    if (around) {
      from = Math.max(0, m.index - around);
      to = Math.min(text.length, m.index + 2 * around);
      if (from > 0) { var sp = text.indexOf(" ", from); from = sp >= 0 && sp < m.index ? sp + 1 : from; }
      if (to < text.length) { var sp2 = text.lastIndexOf(" ", to); to = sp2 > m.index + m[0].length ? sp2 : to; }
    }
    var part = text.slice(from, to);
    if (from > 0) box.appendChild(document.createTextNode("… "));
    var at = 0;
    re.lastIndex = 0;
    while ((m = re.exec(part)) && m[0]) {
      box.appendChild(document.createTextNode(part.slice(at, m.index)));
      box.appendChild(el("mark", null, m[0]));
      at = m.index + m[0].length;
    }
    box.appendChild(document.createTextNode(part.slice(at)));
    if (to < text.length) box.appendChild(document.createTextNode(" …"));
    return true;
  }
  function setupSearch() {
    var input = $("#search-q");
    if (!input) return;
    var list = $("#search-results"), count = $("#search-count"), more = $("#search-more");
    var current = 0; // the query running; an older one that finishes late shows nothing
    // showPage lists the next results; the list's data-shown says how many are listed, and
    // data-ms how long it took without the waits for the network.
    var re = null; // the words of the query running, to mark in its results
    function showPage(ix, hits, from, run) {
      var page = hits.slice(from, from + RESULTS_PER_PAGE);
      return docs(ix, page).then(function (found) {
        if (run !== current) return;
        var start = performance.now();
        found.forEach(function (h) {
          var li = el("li");
          var a = el("a", { href: h.url });
          marked(a, h.title, re);
          li.appendChild(a);
          var quote = el("span", { "class": "snippet" });
          if (h.text && marked(quote, h.text, re, 80)) li.appendChild(quote);
          li.appendChild(el("span", { "class": "context" }, h.context));
          list.appendChild(li);
        });
        var shown = from + page.length;
        more.hidden = shown >= hits.length;
        more.onclick = function () { more.hidden = true; showPage(ix, hits, shown, run); };
        list.setAttribute("data-ms", (hits.ms + performance.now() - start).toFixed(1));
        list.setAttribute("data-shown", String(shown));
      });
    }
    function run() {
      var q = input.value.trim(), terms = searchTerms(q), mine = ++current;
      list.textContent = "";
      list.removeAttribute("data-shown");
      list.removeAttribute("data-ms");
      more.hidden = true;
      if (!terms.length) { count.textContent = ""; return; }
      re = termsRE(terms);
      searchIndex().then(function (ix) {
        return search(ix, terms).then(function (hits) {
          if (mine !== current) return;
          count.textContent = hits.length === 0 ? "Nothing matches “" + q + "”." : hits.length + (hits.length === 1 ? " result" : " results");
          return showPage(ix, hits, 0, mine);
        });
      }).catch(function (err) { if (mine === current) count.textContent = "Search is not available: " + err.message; });
    }
    var q = new URLSearchParams(location.search).get("q");
    if (q) input.value = q;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var u = new URL(location.href);
        if (input.value) u.searchParams.set("q", input.value); else u.searchParams.delete("q");
        history.replaceState(null, "", u);
        run();
      }, 120);
    });
    $("#search-page-form").addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    if (q) { run(); } else { input.focus(); }
  }

  // Compare: fetch both ladders' levels and show, per area, what is new, grown and dropped.
  // Maps keyed by ids have no prototype, so an id such as "constructor" is just an id.
  // Expectations are the same when they share an id: authors reuse an id to say "this grows".
  function setupCompare() {
    var form = $("#compare-form");
    if (!form) return;
    var selA = $("#compare-a"), selB = $("#compare-b"), out = $("#compare-result");
    // The page lists the levels once; both pickers offer them.
    if (!selB.options.length) Array.prototype.forEach.call(selA.children, function (c) { selB.appendChild(c.cloneNode(true)); });
    var cache = Object.create(null);
    function source(sel) {
      var opt = sel.options[sel.selectedIndex];
      return opt ? opt.parentNode.getAttribute("data-src") : null;
    }
    function load(src) {
      if (!cache[src]) cache[src] = fetch(src).then(function (r) {
        if (!r.ok) throw new Error(src + ": " + r.status);
        return r.json();
      });
      return cache[src];
    }
    function pick(sel, value) {
      for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === value) { sel.selectedIndex = i; return true; }
      return false;
    }
    var selTrack = $("#compare-track");
    // trackTitle names an expectation's track from either ladder's list of tracks.
    function trackTitle(lads, id) {
      for (var i = 0; i < lads.length; i++) {
        var ts = lads[i].tracks || [];
        for (var j = 0; j < ts.length; j++) if (ts[j].id === id) return ts[j].title;
      }
      return id;
    }
    // keep is whether an expectation shows under the chosen track: "" shows every one, "-"
    // only those every track shares, a track's id those plus the track's own.
    function keep(item) {
      var t = selTrack.value;
      return !t || !item.track || (t !== "-" && item.track === t);
    }
    function html(item, lads) {
      var li = el("li");
      if (item.name) { li.appendChild(el("strong", null, item.name)); li.appendChild(document.createTextNode(" ")); }
      var span = el("span");
      span.innerHTML = item.html; // rendered by rungs from the framework, without raw HTML
      li.appendChild(span);
      if (item.track) {
        li.setAttribute("data-track", item.track);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { "class": "badge" }, trackTitle(lads, item.track)));
      }
      return li;
    }
    function list(title, cls, items, render) {
      var box = el("div", { "class": "cmp-col " + cls });
      box.appendChild(el("h4", null, title + " (" + items.length + ")"));
      if (!items.length) { box.appendChild(el("p", { "class": "empty" }, "None")); return box; }
      var ul = el("ul");
      items.forEach(function (it) { ul.appendChild(render(it)); });
      box.appendChild(ul);
      return box;
    }
    // tracks offers the tracks of both ladders in the track picker, keeping the choice.
    function tracks(a, b, want) {
      var seen = Object.create(null);
      selTrack.textContent = "";
      selTrack.appendChild(el("option", { value: "" }, "Every track"));
      selTrack.appendChild(el("option", { value: "-" }, "Only what every track shares"));
      (a.tracks || []).concat(b.tracks || []).forEach(function (t) {
        if (seen[t.id]) return;
        seen[t.id] = true;
        selTrack.appendChild(el("option", { value: t.id }, t.title));
      });
      selTrack.value = want;
      if (selTrack.value !== want) selTrack.value = "";
      selTrack.closest("label").hidden = selTrack.options.length <= 2;
    }
    function show(a, b, la, lb) {
      out.textContent = "";
      var lads = [a, b];
      var h = el("h2", null, "From " + la.title + " (" + a.title + ") to " + lb.title + " (" + b.title + ")");
      out.appendChild(h);
      var p = el("p", { "class": "meta" });
      p.appendChild(el("a", { href: la.url }, la.title));
      p.appendChild(document.createTextNode(" · "));
      p.appendChild(el("a", { href: lb.url }, lb.title));
      out.appendChild(p);
      var areas = [];
      var seen = Object.create(null);
      a.areas.concat(b.areas).forEach(function (ar) { if (!seen[ar.id]) { seen[ar.id] = true; areas.push(ar); } });
      var render = function (it) { return html(it, lads); };
      if (a.id !== b.id) {
        // Two ladders name their expectations independently, so a diff by id would call
        // everything new: show each area's expectations of both levels side by side instead.
        var n = [0, 0];
        areas.forEach(function (ar) {
          var from = (la.areas[ar.id] || []).filter(keep), to = (lb.areas[ar.id] || []).filter(keep);
          if (!from.length && !to.length) return;
          n[0] += from.length; n[1] += to.length;
          var sec = el("section", { "class": "cmp-area", "aria-label": ar.title });
          sec.appendChild(el("h3", null, ar.title));
          var cols = el("div", { "class": "cmp-cols cmp-pair" });
          cols.appendChild(list(la.title, "side-a", from, render));
          cols.appendChild(list(lb.title, "side-b", to, render));
          sec.appendChild(cols);
          out.appendChild(sec);
        });
        out.insertBefore(el("p", { "class": "cmp-summary" }, "Two ladders, side by side by area: " + n[0] + " expectations of " + la.title + " beside " + n[1] + " of " + lb.title + "."), out.children[2] || null);
        return;
      }
      var idx = a.levels.indexOf(la), idy = a.levels.indexOf(lb);
      var totals = { added: 0, grown: 0, dropped: 0 };
      areas.forEach(function (ar) {
        var from = (la.areas[ar.id] || []).filter(keep), to = (lb.areas[ar.id] || []).filter(keep);
        var byId = Object.create(null);
        from.forEach(function (x) { byId[x.id] = x; });
        var toIds = Object.create(null);
        to.forEach(function (x) { toIds[x.id] = true; });
        var added = [], grown = [], same = [];
        to.forEach(function (x) {
          var old = byId[x.id];
          if (!old) added.push(x); else if (old.html !== x.html) grown.push({ was: old, now: x }); else same.push(x);
        });
        var dropped = from.filter(function (x) { return !toIds[x.id]; });
        totals.added += added.length; totals.grown += grown.length; totals.dropped += dropped.length;
        var sec = el("section", { "class": "cmp-area", "aria-label": ar.title });
        sec.appendChild(el("h3", null, ar.title));
        var cols = el("div", { "class": "cmp-cols" });
        cols.appendChild(list("New", "added", added, render));
        cols.appendChild(list("Grown", "grown", grown, function (g) {
          var li = render(g.now);
          var was = el("p", { "class": "was" });
          was.appendChild(el("span", null, "Was: "));
          var s = el("span"); s.innerHTML = g.was.html; was.appendChild(s);
          li.appendChild(was);
          return li;
        }));
        cols.appendChild(list("No longer listed", "dropped", dropped, render));
        sec.appendChild(cols);
        if (same.length) sec.appendChild(el("p", { "class": "meta" }, same.length + " expectation" + (same.length === 1 ? "" : "s") + " unchanged."));
        out.appendChild(sec);
      });
      var sum = el("p", { "class": "cmp-summary" }, totals.added + " new, " + totals.grown + " grown, " + totals.dropped + " no longer listed.");
      out.insertBefore(sum, out.children[2] || null);
      if (idy === idx + 1) {
        out.insertBefore(el("p", { "class": "cmp-kind" }, "What it takes to move up from " + la.title + " to " + lb.title + ": what is new and what grows."), sum);
      }
    }
    function run() {
      var va = selA.value, vb = selB.value;
      var u = new URL(location.href);
      u.searchParams.set("a", va); u.searchParams.set("b", vb);
      if (selTrack.value) u.searchParams.set("track", selTrack.value); else u.searchParams.delete("track");
      history.replaceState(null, "", u);
      out.textContent = "Loading…";
      Promise.all([load(source(selA)), load(source(selB))]).then(function (d) {
        var la = d[0].levels.filter(function (l) { return d[0].id + "/" + l.id === va; })[0];
        var lb = d[1].levels.filter(function (l) { return d[1].id + "/" + l.id === vb; })[0];
        if (!la || !lb) { out.textContent = "Pick two levels."; return; }
        tracks(d[0], d[1], selTrack.value || wantTrack);
        wantTrack = "";
        show(d[0], d[1], la, lb);
      }).catch(function (err) { out.textContent = "Could not load the levels: " + err.message; });
    }
    var params = new URLSearchParams(location.search);
    var wantTrack = params.get("track") || ""; // offered once the ladders' tracks are known
    selTrack.addEventListener("change", run);
    var okA = params.get("a") && pick(selA, params.get("a"));
    var okB = params.get("b") && pick(selB, params.get("b"));
    if (!okB && selB.options.length > 1 && selB.selectedIndex === selA.selectedIndex) selB.selectedIndex = Math.min(selA.selectedIndex + 1, selB.options.length - 1);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    $("#compare-swap").addEventListener("click", function () {
      var a = selA.value; pick(selA, selB.value); pick(selB, a); run();
    });
    if (okA || okB) run();
  }

  // A printed page says the day it was printed, beside the framework's version.
  function setupPrintDate() {
    var box = $(".print-head .print-date");
    if (!box) return;
    function today() {
      box.textContent = (box.previousSibling ? " · " : "") + "Printed " + new Date().toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
    }
    today();
    window.addEventListener("beforeprint", today);
  }

  function init() {
    setupPrintDate();
    setupSlash();
    setupMenu();
    setupLevel();
    setupMatrix();
    setupCrosswalk();
    setupSearch();
    setupCompare();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
