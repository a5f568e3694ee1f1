// rungs self-assessment. Runs only on the self-assessment page. No server: the only requests are
// for the site's own levels.json files. State lives in the address (so a link can be sent) and in
// this browser's local storage; it can be downloaded and uploaded as a JSON file.
(function () {
  "use strict";

  var FILE_FORMAT = "rungs-assessment";
  var STORE = "rungs-assessment:" + location.pathname;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function svg(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  var data, scaleIDs, rank = Object.create(null);
  var cache = Object.create(null);          // levels.json by ladder id
  var state = null;        // what is saved: see blank()
  var marks = { fresh: {}, madeAgainst: "", from: "" }; // what loading found, kept for this visit
  var mode = "own";        // "link": opened from someone's link; not saved here until asked

  function blank(ladderID) {
    return { v: data.version, l: ladderID || data.ladders[0].id, t: "", c: "", g: "", r: {}, n: {}, texts: {}, seen: [] };
  }
  function ladderInfo(id) {
    for (var i = 0; i < data.ladders.length; i++) if (data.ladders[i].id === id) return data.ladders[i];
    return null;
  }
  function levelIndex(info, id) {
    for (var i = 0; i < info.levels.length; i++) if (info.levels[i].id === id) return i;
    return -1;
  }
  // The bar an expectation must reach to count as shown: the rating the scale names as "the
  // level's standard" (see the page's data), usually the second from the top.
  function shown(ratingID) { return has(rank, ratingID) && rank[ratingID] >= data.bar; }

  // --- The compact address: #v=..&l=..&t=..&c=..&g=..&r=level:id.2,id.3;level:..&n=level:id.note
  function encode(s) {
    var parts = ["v=" + s.v, "l=" + s.l];
    if (s.t) parts.push("t=" + s.t);
    parts.push("c=" + s.c, "g=" + s.g);
    function group(map, value) {
      var by = Object.create(null), order = [];
      Object.keys(map).sort().forEach(function (k) {
        var i = k.indexOf("/");
        var lv = k.slice(0, i);
        if (!by[lv]) { by[lv] = []; order.push(lv); }
        by[lv].push(k.slice(i + 1) + "." + value(map[k]));
      });
      return order.map(function (lv) { return lv + ":" + by[lv].join(","); }).join(";");
    }
    var r = group(s.r, function (id) { return has(rank, id) ? rank[id] : id; });
    if (r) parts.push("r=" + r);
    var notes = Object.create(null);
    Object.keys(s.n).forEach(function (k) { if (s.n[k]) notes[k] = s.n[k]; });
    var n = group(notes, encodeURIComponent);
    if (n) parts.push("n=" + n);
    return parts.join("&");
  }
  function decode(hash) {
    var h = hash.replace(/^#/, "");
    if (!/(^|&)l=/.test(h)) return null;
    var s = blank();
    s.l = "";
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 0) return;
      var k = kv.slice(0, i), v = kv.slice(i + 1);
      function each(fn) {
        v.split(";").forEach(function (g) {
          var j = g.indexOf(":");
          if (j < 0) return;
          var lv = g.slice(0, j);
          g.slice(j + 1).split(",").forEach(function (item) {
            var d = item.indexOf(".");
            if (d > 0) fn(lv + "/" + item.slice(0, d), item.slice(d + 1));
          });
        });
      }
      switch (k) {
        case "v": s.v = v; break;
        case "l": s.l = v; break;
        case "t": s.t = v; break;
        case "c": s.c = v; break;
        case "g": s.g = v; break;
        case "r": each(function (key, x) {
          // A number is a position on the scale; anything else a rating id kept as it was.
          s.r[key] = /^\d+$/.test(x) && scaleIDs[+x] !== undefined ? scaleIDs[+x] : x;
        }); break;
        case "n": each(function (key, x) {
          try { s.n[key] = decodeURIComponent(x); } catch (e) { s.n[key] = x; }
        }); break;
      }
    });
    s.seen = null; // an address does not say what the framework held when it was made
    return s;
  }

  // --- The file: readable, names the framework version, keeps the text of what was rated.
  function toFile(s) {
    return {
      format: FILE_FORMAT, format_version: 1,
      framework: { title: data.title, version: s.v },
      saved: new Date().toISOString(),
      ladder: s.l, track: s.t, current: s.c, target: s.g,
      ratings: s.r, notes: s.n, texts: s.texts, seen: s.seen || []
    };
  }
  function fromFile(o) {
    if (!o || o.format !== FILE_FORMAT) throw new Error("this is not a rungs self-assessment file");
    var s = blank();
    s.v = (o.framework && o.framework.version) || "";
    s.l = String(o.ladder || "");
    s.t = String(o.track || "");
    s.c = String(o.current || "");
    s.g = String(o.target || "");
    ["r", "n", "texts"].forEach(function (k) {
      var src = o[{ r: "ratings", n: "notes", texts: "texts" }[k]] || {};
      Object.keys(src).forEach(function (key) { if (typeof src[key] === "string") s[k][key] = src[key]; });
    });
    s.seen = Array.isArray(o.seen) ? o.seen.filter(function (x) { return typeof x === "string"; }) : null;
    return s;
  }

  function stored() {
    try {
      var raw = localStorage.getItem(STORE);
      return raw ? fromFile(JSON.parse(raw)) : null;
    } catch (e) { return null; }
  }
  // save keeps the state everywhere it lives: this browser's storage, and the address.
  function save() { writeAddress(); keep(); }

  // keep stores the state in this browser right away: in local storage when it is this
  // browser's own assessment, and in this tab's session storage in any case, with the address
  // it goes with. A reload (or a closed tab) straight after typing then loses nothing, even
  // though the address is written a moment later (see changedSoon).
  function keep() {
    var lad = cache[state.l];
    if (lad && lad.levels) {
      // Keep the text of everything rated or noted, and what the two levels held, so a later
      // framework can show what is gone and what is new.
      var seen = Object.create(null);
      (state.seen || []).forEach(function (k) { seen[k] = true; });
      [state.c, state.g].forEach(function (lvID) {
        items(lad, lvID).forEach(function (it) {
          var key = lvID + "/" + it.id;
          seen[key] = true;
          if (state.r[key] || state.n[key]) state.texts[key] = it.text;
        });
      });
      state.seen = Object.keys(seen).sort();
      state.v = data.version;
    }
    var file = toFile(state);
    if (mode === "own") {
      try { localStorage.setItem(STORE, JSON.stringify(file)); } catch (e) { /* private mode: the address still holds it */ }
    }
    try { sessionStorage.setItem(STORE, JSON.stringify({ addresses: addresses(), mode: mode, file: file })); } catch (e) { /* the address still holds it */ }
    // A signal for whoever waits on the page (its tests): how many times it has kept a change.
    document.documentElement.dataset.assessKept = String(++kept);
  }
  var kept = 0;

  // written are the last two addresses this page wrote. Two, because the page may write a
  // new one as it is left (see flush), after a reload has already taken the one before;
  // keep stores them with the state.
  var written = [];
  function addresses() { return written.length ? written : [location.hash]; }

  // writeAddress puts the state in the address, so that it can be sent as a link.
  function writeAddress() {
    var hash = "#" + encode(state);
    if (location.hash === hash) return;
    history.replaceState(null, "", hash);
    written = [addresses()[addresses().length - 1], hash];
  }

  // reopened is what this tab kept, when the address is one it was kept with: the page was
  // reloaded or came back, so what was typed last wins over the older address.
  function reopened() {
    try {
      var tab = JSON.parse(sessionStorage.getItem(STORE));
      if (tab && Array.isArray(tab.addresses) && tab.addresses.indexOf(location.hash) >= 0 && (tab.mode === "own" || tab.mode === "link")) {
        return { mode: tab.mode, state: fromFile(tab.file) };
      }
    } catch (e) { /* nothing kept, or not readable: start as if new */ }
    return null;
  }

  // --- Ladder data
  function load(id) {
    var info = ladderInfo(id);
    if (!info) return Promise.reject(new Error("no ladder " + id));
    if (!cache[id]) {
      cache[id] = fetch(info.src).then(function (r) {
        if (!r.ok) throw new Error(info.src + ": " + r.status);
        return r.json();
      }).then(function (j) {
        // Plain text of each expectation, for the file and the print view.
        j.levels.forEach(function (lv) {
          Object.keys(lv.areas || {}).forEach(function (a) {
            lv.areas[a].forEach(function (it) {
              var d = document.createElement("div");
              d.innerHTML = it.html; // rendered by rungs from the framework, without raw HTML
              it.text = (it.name ? it.name + ": " : "") + d.textContent;
            });
          });
        });
        cache[id] = j;
        return j;
      });
    }
    return Promise.resolve(cache[id]);
  }
  function level(lad, id) {
    for (var i = 0; i < lad.levels.length; i++) if (lad.levels[i].id === id) return lad.levels[i];
    return null;
  }
  // items lists a level's expectations that apply to the chosen track, in area order.
  function items(lad, lvID) {
    var lv = level(lad, lvID), out = [];
    if (!lv) return out;
    lad.areas.forEach(function (a) {
      (lv.areas[a.id] || []).forEach(function (it) {
        if (!it.track || it.track === state.t) out.push({ id: it.id, html: it.html, text: it.text, name: it.name, area: a.id, track: it.track });
      });
    });
    return out;
  }

  // --- Rendering
  var form, out;

  function fillSelect(sel, options, value) {
    sel.textContent = "";
    options.forEach(function (o) { sel.appendChild(el("option", { value: o.value }, o.label)); });
    sel.value = value;
  }
  function levelLabel(lv) { return lv.code ? lv.title + " (" + lv.code + ")" : lv.title; }

  function normaliseChoice() {
    var info = ladderInfo(state.l);
    if (!info) { state.l = data.ladders[0].id; info = data.ladders[0]; }
    if (state.t && !info.tracks.some(function (t) { return t.id === state.t; })) state.t = "";
    var ci = levelIndex(info, state.c);
    if (ci < 0) { ci = 0; state.c = info.levels[0].id; }
    var gi = levelIndex(info, state.g);
    if (gi < 0) { gi = Math.min(ci + 1, info.levels.length - 1); state.g = info.levels[gi].id; }
    return info;
  }

  function renderSetup() {
    var info = normaliseChoice();
    $("#assess-ladder").value = state.l;
    var track = $("#assess-track");
    fillSelect(track, [{ value: "", label: info.tracks.length ? "No particular track" : "This ladder has no tracks" }].concat(
      info.tracks.map(function (t) { return { value: t.id, label: t.title }; })), state.t);
    track.disabled = info.tracks.length === 0;
    var lvls = info.levels.map(function (l) { return { value: l.id, label: levelLabel(l) }; });
    fillSelect($("#assess-current"), lvls, state.c);
    fillSelect($("#assess-target"), lvls, state.g);
  }

  function render() {
    renderSetup();
    out.setAttribute("aria-busy", "true");
    load(state.l).then(function (lad) {
      renderRatings(lad);
      renderSummary(lad);
      renderGone(lad);
      renderNotice();
      out.removeAttribute("aria-busy");
    }).catch(function (err) { status("Could not load the ladder: " + err.message); });
  }

  function rateList(lad, lvID, role) {
    var info = ladderInfo(state.l);
    var lv = info.levels[levelIndex(info, lvID)];
    var sec = el("section", { "class": "assess-level", "data-level": lvID, "aria-labelledby": "rate-" + lvID });
    var h = el("h2", { id: "rate-" + lvID }, levelLabel(lv));
    h.appendChild(el("span", { "class": "role" }, " · " + role));
    sec.appendChild(h);
    var list = items(lad, lvID);
    lad.areas.forEach(function (a) {
      var inArea = list.filter(function (it) { return it.area === a.id; });
      if (!inArea.length) return;
      var as = el("section", { "class": "assess-area", "aria-label": a.title + ", " + lv.title });
      as.appendChild(el("h3", null, a.title));
      inArea.forEach(function (it) { as.appendChild(rateItem(lvID, it)); });
      sec.appendChild(as);
    });
    return sec;
  }

  function rateItem(lvID, it) {
    var key = lvID + "/" + it.id;
    var fs = el("fieldset", { "class": "rate", "data-key": key });
    var lg = el("legend");
    if (it.name) { lg.appendChild(el("strong", null, it.name)); lg.appendChild(document.createTextNode(" ")); }
    var span = el("span", { "class": "exp-text" });
    span.innerHTML = it.html; // rendered by rungs from the framework, without raw HTML
    lg.appendChild(span);
    if (marks.fresh[key]) lg.appendChild(el("span", { "class": "fresh-tag" }, "New since you saved"));
    fs.appendChild(lg);
    var opts = el("div", { "class": "rate-options" });
    var name = "rate-" + key;
    var choices = [{ id: "", label: "Not rated" }].concat(data.scale);
    choices.forEach(function (s, i) {
      var id = name + "-" + i;
      var input = el("input", { type: "radio", name: name, id: id, value: s.id });
      if ((state.r[key] || "") === s.id) input.checked = true;
      input.addEventListener("change", function () {
        if (s.id) state.r[key] = s.id; else delete state.r[key];
        changed();
      });
      var label = el("label", { "for": id, title: s.description || null }, s.label);
      opts.appendChild(input);
      opts.appendChild(label);
    });
    fs.appendChild(opts);
    var note = state.n[key] || "";
    var det = el("details", { "class": "evidence" });
    if (note) det.open = true;
    det.appendChild(el("summary", null, note ? "Evidence" : "Add evidence"));
    var tid = "note-" + key;
    det.appendChild(el("label", { "for": tid, "class": "visually-hidden" }, "Evidence for this expectation"));
    var ta = el("textarea", { id: tid, rows: "3", placeholder: "What you did, with a link if there is one" });
    ta.value = note;
    var printed = el("p", { "class": "note-print" }, note);
    ta.addEventListener("input", function () {
      if (ta.value) state.n[key] = ta.value; else delete state.n[key];
      printed.textContent = ta.value;
      keep();
      changedSoon();
    });
    det.appendChild(ta);
    fs.appendChild(det);
    fs.appendChild(printed);
    return fs;
  }

  function renderRatings(lad) {
    var box = $("#assess-rate");
    box.textContent = "";
    box.appendChild(rateList(lad, state.c, state.c === state.g ? "your level and target" : "your level"));
    if (state.g !== state.c) box.appendChild(rateList(lad, state.g, "your target"));
  }

  function ratingsForGuidance() {
    var r = Object.create(null);
    Object.keys(state.r).forEach(function (k) { r[k] = state.r[k]; });
    return r;
  }

  // Per area: how many of a level's expectations are shown (rated at the bar or above).
  function areaCounts(lad, lvID) {
    var counts = Object.create(null);
    items(lad, lvID).forEach(function (it) {
      var c = counts[it.area] || (counts[it.area] = { shown: 0, total: 0, sum: 0 });
      c.total++;
      var r = state.r[lvID + "/" + it.id];
      if (shown(r)) c.shown++;
      if (has(rank, r)) c.sum += rank[r];
    });
    return counts;
  }

  function renderSummary(lad) {
    var info = ladderInfo(state.l);
    var cur = info.levels[levelIndex(info, state.c)], tgt = info.levels[levelIndex(info, state.g)];
    var bar = data.scale[data.bar];

    // Guidance from the framework's rules.
    var g = $("#assess-guidance");
    g.textContent = "";
    g.appendChild(el("h3", null, "What the framework's rules say"));
    if (!info.promotion) {
      g.appendChild(el("p", null, "This ladder has no promotion guidance, so there is no reading to show. The areas and the chart below still show where you stand."));
    } else {
      var res = window.RungsGuidance.evaluate({
        ladder: { areas: lad.areas, levels: lad.levels, promotion: info.promotion },
        scale: scaleIDs, track: state.t, ratings: ratingsForGuidance()
      });
      explain(g, info, res);
    }

    // Per area, how much of each level you already show.
    var t = $("#assess-areas");
    t.textContent = "";
    t.appendChild(el("caption", null, "How much of each level you already show: expectations rated " + bar.label + " or higher"));
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, "Area"));
    var lvls = state.c === state.g ? [cur] : [cur, tgt];
    lvls.forEach(function (lv) { head.appendChild(el("th", { scope: "col" }, lv.title)); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var tbody = el("tbody");
    var counts = lvls.map(function (lv) { return areaCounts(lad, lv.id); });
    lad.areas.forEach(function (a) {
      if (!counts.some(function (c) { return c[a.id]; })) return;
      var tr = el("tr", { "data-area": a.id });
      tr.appendChild(el("th", { scope: "row" }, a.title));
      counts.forEach(function (c) {
        var x = c[a.id];
        var td = el("td");
        if (!x) { td.textContent = "—"; tr.appendChild(td); return; }
        var pct = Math.round(100 * x.shown / x.total);
        td.appendChild(el("span", { "class": "count" }, x.shown + " of " + x.total));
        var meter = el("span", { "class": "share", "aria-hidden": "true" });
        var fill = el("span");
        // Through the style object, not a style attribute: the site's Content-Security-Policy
        // refuses inline style attributes, not styles set by its own script.
        fill.style.width = pct + "%";
        meter.appendChild(fill);
        td.appendChild(meter);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    t.appendChild(tbody);

    radar(lad, cur, tgt);
    workOnNext(lad, tgt);
    summaryBar(lad, tgt);
  }

  // summaryBar is the short line that stays at the top of a phone's screen while you rate:
  // what your ratings read as, how many of the target's expectations you rated, and a way back
  // to the whole summary. (A wide screen keeps the summary itself in view.)
  function summaryBar(lad, tgt) {
    var box = $("#assess-bar");
    if (!box) return;
    box.textContent = "";
    var list = items(lad, tgt.id);
    var rated = list.filter(function (it) { return has(state.r, tgt.id + "/" + it.id); }).length;
    var reading = $("#assess-reading");
    var p = el("p");
    if (reading) {
      var strong = $("strong", reading);
      p.appendChild(document.createTextNode("Reads as "));
      p.appendChild(el("strong", null, strong ? strong.textContent : "no level yet"));
      p.appendChild(document.createTextNode(" · "));
    }
    p.appendChild(document.createTextNode(tgt.title + ": " + rated + " of " + list.length + " rated"));
    box.appendChild(p);
    box.appendChild(el("a", { href: "#assess-summary-h" }, "Summary"));
  }

  function levelTitle(info, id) {
    var i = levelIndex(info, id);
    return i < 0 ? id : info.levels[i].title;
  }
  function areaTitle(lad, id) {
    for (var i = 0; i < lad.areas.length; i++) if (lad.areas[i].id === id) return lad.areas[i].title;
    return id;
  }
  // explain writes the reading as guidance, with the rule or points it came from.
  function explain(box, info, res) {
    var lad = cache[state.l];
    var reading = el("p", { "class": "reading", id: "assess-reading" });
    if (res.level) {
      reading.appendChild(document.createTextNode("By the framework's rules, your ratings read as "));
      reading.appendChild(el("strong", null, levelTitle(info, res.level)));
      reading.appendChild(document.createTextNode("."));
    } else {
      reading.appendChild(document.createTextNode("By the framework's rules, your ratings do not read as any level yet."));
    }
    box.appendChild(reading);
    var why = el("p", { "class": "why", id: "assess-why" });
    if (res.style === "rules") {
      why.textContent = res.level ? "This comes from the rule “" + res.rule + "” for " + levelTitle(info, res.level) + "." :
        "No rule holds yet for any level you rated. The closest rules for your target are below.";
    } else {
      var next = null;
      res.levels.forEach(function (l) { if (!l.holds && !next) next = l; });
      why.textContent = "Each area earns the points of the highest level it is shown at; together they make " + res.points +
        " point" + (res.points === 1 ? "" : "s") + "." + (next ? " " + levelTitle(info, next.level) + " starts at " + next.threshold + "." : "");
    }
    box.appendChild(why);
    box.appendChild(el("p", { "class": "caveat" }, "This is guidance to bring to a conversation, not a verdict: the people who decide promotions look at the evidence behind each rating."));
    if (info.promotion.about) box.appendChild(el("p", { "class": "about" }, info.promotion.about));

    var det = el("details", { "class": "rule-detail" });
    det.appendChild(el("summary", null, "How the rules read your ratings"));
    if (res.style === "rules") {
      var focus = res.level || state.g;
      res.levels.forEach(function (lr) {
        if (lr.level !== focus && lr.level !== state.g) return;
        lr.rules.forEach(function (rr) {
          det.appendChild(el("h4", null, levelTitle(info, lr.level) + ": “" + rr.rule + "” " + (rr.holds ? "holds" : "does not hold yet")));
          var ul = el("ul");
          rr.conditions.forEach(function (c) {
            var li = el("li", { "class": c.holds ? "met" : "unmet" });
            var areas = c.areas.map(function (a) { return areaTitle(lad, a.area) + " " + a.shown + " of " + a.total + " (needs " + a.needed + ")"; }).join(", ");
            li.textContent = (c.holds ? "✓ " : "✗ ") + levelTitle(info, c.of) + ", rated " + labelOf(c.rating) + " or higher, in " +
              c.areas_needed + " of " + c.areas.length + " area" + (c.areas.length === 1 ? "" : "s") + " (" + c.areas_met + " so far): " + areas + ".";
            ul.appendChild(li);
          });
          det.appendChild(ul);
        });
      });
    } else {
      var ul = el("ul");
      res.areas.forEach(function (a) {
        ul.appendChild(el("li", null, areaTitle(lad, a.area) + ": " + (a.level ? "shown at " + levelTitle(info, a.level) + ", " + a.points + " points" : "not shown at any level yet, 0 points")));
      });
      det.appendChild(ul);
      var tl = el("ul");
      res.levels.forEach(function (l) {
        tl.appendChild(el("li", { "class": l.holds ? "met" : "unmet" }, (l.holds ? "✓ " : "✗ ") + levelTitle(info, l.level) + " from " + l.threshold + " points"));
      });
      det.appendChild(tl);
    }
    box.appendChild(det);
  }
  function labelOf(id) {
    for (var i = 0; i < data.scale.length; i++) if (data.scale[i].id === id) return data.scale[i].label;
    return id;
  }

  // wrapWords breaks a name into lines of about width characters, between words.
  function wrapWords(text, width) {
    var lines = [];
    text.split(/\s+/).forEach(function (w) {
      var last = lines.length - 1;
      if (last >= 0 && lines[last].length + 1 + w.length <= width) lines[last] += " " + w;
      else lines.push(w);
    });
    return lines;
  }

  // radar draws, per area, the level's expected shape (every area at the bar) and the average
  // rating you gave each level's expectations there.
  function radar(lad, cur, tgt) {
    var box = $("#assess-radar");
    box.textContent = "";
    var lvls = state.c === state.g ? [cur] : [cur, tgt];
    var axes = lad.areas.filter(function (a) {
      return lvls.some(function (lv) { return items(lad, lv.id).some(function (it) { return it.area === a.id; }); });
    });
    if (axes.length < 3) {
      box.appendChild(el("p", { "class": "empty" }, "The chart needs at least three areas."));
      return;
    }
    var max = data.scale.length - 1, size = 360, c = size / 2, R = 120;
    function point(i, v) {
      var ang = -Math.PI / 2 + 2 * Math.PI * i / axes.length;
      var r = R * Math.max(0, v) / max;
      return [c + r * Math.cos(ang), c + r * Math.sin(ang)];
    }
    function poly(values) {
      return values.map(function (v, i) { var p = point(i, v); return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" ");
    }
    // Wider than the circle: area names stand beside it, and long ones must not be cut off.
    var s = svg("svg", { viewBox: "-110 -10 " + (size + 220) + " " + (size + 20), role: "img", "class": "radar", id: "assess-radar-svg", "aria-labelledby": "radar-title radar-desc" });
    var title = svg("title", { id: "radar-title" });
    title.textContent = "Your ratings per area over the expected shape of " + tgt.title;
    s.appendChild(title);
    for (var ring = 1; ring <= max; ring++) {
      s.appendChild(svg("polygon", { "class": "ring", points: poly(axes.map(function () { return ring; })) }));
    }
    axes.forEach(function (a, i) {
      var p = point(i, max);
      s.appendChild(svg("line", { "class": "axis", x1: c, y1: c, x2: p[0].toFixed(1), y2: p[1].toFixed(1) }));
      var lp = point(i, max * 1.13);
      var t = svg("text", { x: lp[0].toFixed(1), y: lp[1].toFixed(1), "text-anchor": Math.abs(lp[0] - c) < 5 ? "middle" : (lp[0] < c ? "end" : "start"), "dominant-baseline": "middle" });
      // A long name takes two or three short lines, so the drawing stays narrow and its
      // text large enough to read when it is scaled to the column (or a phone).
      var lines = wrapWords(a.title, 13);
      lines.forEach(function (line, k) {
        var ts = svg("tspan", { x: lp[0].toFixed(1), dy: k === 0 ? (-(lines.length - 1) * 0.6).toFixed(1) + "em" : "1.2em" });
        ts.textContent = line + (k < lines.length - 1 ? " " : "");
        t.appendChild(ts);
      });
      s.appendChild(t);
    });
    s.appendChild(svg("polygon", { "class": "expected", "data-series": "expected", points: poly(axes.map(function () { return data.bar; })) }));
    var desc = ["Expected: " + data.scale[data.bar].label + " in every area."];
    lvls.forEach(function (lv, k) {
      var counts = areaCounts(lad, lv.id);
      var values = axes.map(function (a) { var x = counts[a.id]; return x ? x.sum / x.total : 0; });
      s.appendChild(svg("polygon", { "class": "you you-" + k, "data-series": lv.id, points: poly(values) }));
      desc.push(lv.title + ": " + axes.map(function (a, i) { return a.title + " " + values[i].toFixed(1); }).join(", ") + ".");
    });
    var d = svg("desc", { id: "radar-desc" });
    d.textContent = desc.join(" ") + " Scale from 0 (" + data.scale[0].label + ") to " + max + " (" + data.scale[max].label + "); unrated counts as 0.";
    s.insertBefore(d, s.children[1]);
    box.appendChild(s);
    // The drawing is cropped to what it holds, names included, so none is cut off and no
    // room is wasted around them (which would shrink the text).
    var bb = s.getBBox();
    if (bb.width > 0) {
      s.setAttribute("viewBox", [bb.x - 4, bb.y - 4, bb.width + 8, bb.height + 8].map(function (v) { return v.toFixed(1); }).join(" "));
    }
    var legend = el("ul", { "class": "legend" });
    legend.appendChild(el("li", { "class": "expected" }, "Expected at each level: " + data.scale[data.bar].label));
    lvls.forEach(function (lv, k) { legend.appendChild(el("li", { "class": "you-" + k }, "You at " + lv.title)); });
    box.appendChild(legend);
  }

  // workOnNext lists the target level's expectations you rated lowest, below the bar.
  function workOnNext(lad, tgt) {
    var box = $("#assess-next");
    box.textContent = "";
    box.appendChild(el("h3", null, "What to work on next"));
    var list = items(lad, tgt.id).map(function (it, i) {
      var r = state.r[tgt.id + "/" + it.id];
      return { it: it, r: has(rank, r) ? rank[r] : -1, i: i };
    }).filter(function (x) { return x.r >= 0 && x.r < data.bar; });
    list.sort(function (a, b) { return a.r - b.r || a.i - b.i; });
    if (!list.length) {
      box.appendChild(el("p", { "class": "empty" }, "Rate the expectations of " + tgt.title + " to see the ones to work on first. Those you rate below " + data.scale[data.bar].label + " show up here, lowest first."));
      return;
    }
    var ol = el("ol", { id: "assess-next-list" });
    list.slice(0, 5).forEach(function (x) {
      var li = el("li", { "data-key": tgt.id + "/" + x.it.id });
      var a = el("a", { href: "#" }, x.it.text);
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var fs = $('fieldset[data-key="' + tgt.id + "/" + x.it.id + '"]');
        if (fs) { fs.scrollIntoView({ block: "center" }); var r = $("input:checked", fs) || $("input", fs); if (r) r.focus(); }
      });
      li.appendChild(a);
      li.appendChild(el("span", { "class": "meta" }, " · " + areaTitle(lad, x.it.area) + " · " + data.scale[x.r].label));
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }

  // renderGone lists what you rated or wrote about that this framework no longer has.
  function renderGone(lad) {
    var box = $("#assess-gone");
    box.textContent = "";
    var keys = Object.create(null);
    Object.keys(state.r).concat(Object.keys(state.n)).forEach(function (k) { keys[k] = true; });
    var gone = Object.keys(keys).filter(function (k) {
      var i = k.indexOf("/");
      var lv = level(lad, k.slice(0, i));
      if (!lv) return !otherLadderHas(k.slice(0, i)); // ratings of another ladder are kept, not gone
      var id = k.slice(i + 1);
      return !Object.keys(lv.areas).some(function (a) { return lv.areas[a].some(function (it) { return it.id === id; }); });
    }).sort();
    box.hidden = gone.length === 0;
    if (!gone.length) return;
    box.appendChild(el("h2", null, "No longer in the framework"));
    box.appendChild(el("p", null, "You rated or wrote about these, but the framework no longer lists them. They are kept here and in your saved assessment, so nothing you wrote is lost."));
    var ul = el("ul", { id: "assess-gone-list" });
    gone.forEach(function (k) {
      var li = el("li", { "data-key": k });
      li.appendChild(el("span", { "class": "gone-text" }, state.texts[k] || k));
      if (state.r[k]) li.appendChild(el("span", { "class": "meta" }, " · you rated it " + labelOf(state.r[k])));
      if (state.n[k]) li.appendChild(el("p", { "class": "gone-note" }, state.n[k]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function otherLadderHas(lvID) {
    return data.ladders.some(function (l) { return l.id !== state.l && levelIndex(l, lvID) >= 0; });
  }

  function renderNotice() {
    var box = $("#assess-notice");
    box.textContent = "";
    var lines = [];
    if (marks.madeAgainst && marks.madeAgainst !== data.version) {
      var n = Object.keys(marks.fresh).length;
      lines.push("This assessment was made against an earlier version of the framework (" + marks.madeAgainst + "; this site is " + data.version + ")." +
        (n ? " " + n + " expectation" + (n === 1 ? " is" : "s are") + " new since then and marked so." : "") +
        " Anything that has gone is listed at the end.");
    }
    if (mode === "link") lines.push("You opened someone's link. Changes stay in the address and are not saved in this browser, so your own saved assessment is untouched.");
    lines.forEach(function (l) { box.appendChild(el("p", null, l)); });
    if (mode === "link") {
      var keep = el("button", { type: "button", id: "assess-keep" }, "Save this in this browser as mine");
      keep.addEventListener("click", function () { mode = "own"; save(); renderNotice(); status("Saved in this browser."); });
      box.appendChild(keep);
    }
    box.hidden = box.childNodes.length === 0;
  }

  function status(msg) { $("#assess-status").textContent = msg; }

  // --- Changes
  var pending = null;
  function changed() {
    clearTimeout(pending); pending = null;
    save();
    var lad = cache[state.l];
    if (lad && lad.levels) { renderSummary(lad); renderGone(lad); }
  }
  // changedSoon writes the address and the summary once typing pauses: browsers limit how
  // often a page may rewrite its address, and a summary redrawn at every key is wasted work.
  // What was typed is already kept (see keep).
  function changedSoon() {
    clearTimeout(pending);
    pending = setTimeout(changed, 250);
  }
  // flush writes what is waiting when the page is hidden or left.
  function flush() { if (pending !== null) changed(); }

  // open starts from a saved state, marking what is new since it was made.
  function open(s, from) {
    state = s;
    marks = { fresh: {}, madeAgainst: s.v || "", from: from };
    var done = load(ladderInfo(s.l) ? s.l : data.ladders[0].id);
    return done.then(function (lad) {
      normaliseChoice();
      if (s.v && s.v !== data.version && s.seen) {
        var seen = Object.create(null);
        s.seen.forEach(function (k) { seen[k] = true; });
        [state.c, state.g].forEach(function (lvID) {
          // A level never saw before has no "new" to mark: all of it was unseen.
          if (!s.seen.some(function (k) { return k.indexOf(lvID + "/") === 0; })) return;
          items(lad, lvID).forEach(function (it) { if (!seen[lvID + "/" + it.id]) marks.fresh[lvID + "/" + it.id] = true; });
        });
      }
      render();
      save();
    });
  }

  function download() {
    save();
    var blob = new Blob([JSON.stringify(toFile(state), null, 2) + "\n"], { type: "application/json" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "self-assessment-" + state.l + "-" + state.c + "-" + new Date().toISOString().slice(0, 10) + ".json" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    status("Downloaded. Upload the file here at any time to carry on.");
  }

  function upload(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var s;
      try { s = fromFile(JSON.parse(reader.result)); } catch (e) {
        status("Could not read " + file.name + ": " + e.message + ".");
        return;
      }
      mode = "own";
      open(s, "file").then(function () { status("Opened " + file.name + "."); });
    };
    reader.onerror = function () { status("Could not read " + file.name + "."); };
    reader.readAsText(file);
  }

  function init() {
    var node = $("#assess-data");
    if (!node || !window.RungsGuidance) return;
    data = JSON.parse(node.textContent);
    if (!data.ladders.length) return; // a framework without levels has nothing to assess
    scaleIDs = data.scale.map(function (s) { return s.id; });
    scaleIDs.forEach(function (id, i) { rank[id] = i; });
    form = $("#assess-setup");
    out = $("#assess-out");

    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("#assess-ladder").addEventListener("change", function (ev) {
      var keep = state;
      state = blank(ev.target.value);
      state.r = keep.r; state.n = keep.n; state.texts = keep.texts; state.seen = keep.seen;
      marks.fresh = Object.create(null);
      render(); save();
    });
    $("#assess-track").addEventListener("change", function (ev) { state.t = ev.target.value; render(); save(); });
    $("#assess-current").addEventListener("change", function (ev) {
      var info = ladderInfo(state.l);
      var ci = levelIndex(info, ev.target.value);
      var old = levelIndex(info, state.c), gi = levelIndex(info, state.g);
      state.c = ev.target.value;
      // The target follows as "the next one" unless it was chosen to be something else.
      if (gi === Math.min(old + 1, info.levels.length - 1) || gi < ci) state.g = info.levels[Math.min(ci + 1, info.levels.length - 1)].id;
      render(); save();
    });
    $("#assess-target").addEventListener("change", function (ev) { state.g = ev.target.value; render(); save(); });
    $("#assess-download").addEventListener("click", download);
    $("#assess-upload").addEventListener("change", function (ev) {
      var f = ev.target.files && ev.target.files[0];
      if (f) upload(f);
      ev.target.value = "";
    });
    $("#assess-print").addEventListener("click", function () { window.print(); });
    $("#assess-copy").addEventListener("click", function () {
      save();
      var done = function () { status("Link copied. It holds your ratings and notes: send it only to people you want to see them."); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(done, function () { status("Copy the address from the address bar."); });
      else status("Copy the address from the address bar: it holds your ratings and notes.");
    });
    $("#assess-clear").addEventListener("click", function () {
      if (!window.confirm("Start over? This clears the ratings and notes saved in this browser.")) return;
      try { localStorage.removeItem(STORE); } catch (e) { /* nothing saved */ }
      mode = "own";
      open(blank(state.l), "new");
      status("Started over.");
    });
    window.addEventListener("hashchange", function () {
      var s = decode(location.hash);
      if (s && location.hash !== "#" + encode(state)) { mode = "link"; open(s, "link"); }
    });

    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });

    var own = stored();
    var fromLink = decode(location.hash);
    var tab = reopened();
    if (tab) {
      // This tab's own page again (a reload, or back): as it was left, in the mode it was in.
      mode = tab.mode;
      open(tab.state, tab.mode === "link" ? "link" : "storage");
    } else if (fromLink && !(own && location.hash === "#" + encode(own))) {
      // Someone's link (or one of ours from before): shown, but not saved over what is here.
      mode = "link";
      open(fromLink, "link");
    } else if (own) {
      open(own, "storage");
    } else {
      open(blank(), "new");
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
