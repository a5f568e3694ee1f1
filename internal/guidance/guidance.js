// rungs promotion guidance: the JavaScript twin of internal/guidance/guidance.go, with the same
// semantics and the same result shape. The Go tests run both on one table of cases, so change
// them together. Loaded by the self-assessment page; also runs under node for those tests.
(function (root) {
  "use strict";

  // How many of n a share asks for: a count, a percent rounded up, or all.
  function shareOf(s, n) {
    s = s || {};
    if (s.count > 0) return Math.min(s.count, n);
    if (s.percent > 0) return Math.floor((n * s.percent + 99) / 100);
    return n;
  }

  function evaluate(input) {
    var lad = input.ladder || {};
    var p = lad.promotion;
    if (!p) return { style: "", level: "", points: 0 };
    var rank = Object.create(null);
    (input.scale || []).forEach(function (s, i) { rank[s] = i; });
    var ratings = input.ratings || {};
    var track = input.track || "";
    var levels = lad.levels || [];
    var areaIDs = (lad.areas || []).map(function (a) { return a.id; });

    function rating(level, id) {
      var r = rank[ratings[level + "/" + id]];
      return r === undefined ? -1 : r;
    }
    function area(lv, a, min) {
      var shown = 0, total = 0;
      ((lv.areas || {})[a] || []).forEach(function (it) {
        if (it.track && it.track !== track) return;
        total++;
        if (rating(lv.id, it.id) >= min) shown++;
      });
      return { shown: shown, total: total };
    }
    function condition(i, c) {
      var j = -1;
      switch (c.of) {
        case "level": case "": case undefined: j = i; break;
        case "below": j = i - 1; break;
        case "above": j = i + 1; break;
        default: levels.forEach(function (l, k) { if (l.id === c.of) j = k; });
      }
      var cr = { of: "", rating: c.rating, holds: false, areas_met: 0, areas_needed: 0, areas: [] };
      if (j < 0 || j >= levels.length) return cr;
      var lv = levels[j];
      cr.of = lv.id;
      var min = rank[c.rating];
      if (min === undefined) return cr;
      var areas = c.areas && c.areas.length ? c.areas : areaIDs;
      areas.forEach(function (a) {
        var n = area(lv, a, min);
        if (n.total === 0) return;
        var ar = { area: a, shown: n.shown, total: n.total, needed: shareOf(c.expectations, n.total), met: false };
        ar.met = ar.shown >= ar.needed;
        if (ar.met) cr.areas_met++;
        cr.areas.push(ar);
      });
      cr.areas_needed = shareOf(c.areas_needed, cr.areas.length);
      cr.holds = cr.areas.length > 0 && cr.areas_met >= cr.areas_needed;
      return cr;
    }

    if (p.points) {
      var pts = p.points;
      var res = { style: "points", level: "", points: 0, areas: [], levels: [] };
      var milestone = Object.create(null);
      (pts.milestones || []).forEach(function (m) { milestone[m.level] = m.points; });
      var min = rank[pts.rating];
      areaIDs.forEach(function (a) {
        var ap = { area: a, level: "", points: 0 };
        for (var i = levels.length - 1; i >= 0 && min !== undefined; i--) {
          var n = area(levels[i], a, min);
          if (n.total > 0 && n.shown >= shareOf(pts.expectations, n.total)) {
            ap.level = levels[i].id;
            ap.points = milestone[levels[i].id] || 0;
            break;
          }
        }
        res.points += ap.points;
        res.areas.push(ap);
      });
      (pts.thresholds || []).forEach(function (t) {
        var holds = res.points >= t.points;
        if (holds) res.level = t.level;
        res.levels.push({ level: t.level, holds: holds, threshold: t.points });
      });
      return res;
    }

    var out = { style: "rules", level: "", points: 0, levels: [] };
    levels.forEach(function (lv, i) {
      var lr = { level: lv.id, holds: false, rules: [] };
      (p.rules || []).forEach(function (r) {
        if ((r.levels || []).indexOf(lv.id) < 0) return;
        var rr = { rule: r.name, holds: true, conditions: [] };
        (r.when || []).forEach(function (c) {
          var cr = condition(i, c);
          rr.holds = rr.holds && cr.holds;
          rr.conditions.push(cr);
        });
        if (rr.holds && !lr.holds) {
          lr.holds = true;
          out.level = lv.id;
          out.rule = r.name;
        }
        lr.rules.push(rr);
      });
      if (lr.rules.length) out.levels.push(lr);
    });
    return out;
  }

  var api = { evaluate: evaluate, shareOf: shareOf };
  if (typeof module === "object" && module.exports) module.exports = api; else root.RungsGuidance = api;
})(this);
