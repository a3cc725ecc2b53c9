
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("chronicle-data").textContent);
  // The entries come as columns (html_page.page_data): entry i is E.title[i], E.t0[i]...
  var E = DATA.entries, COUNT = E.id.length;
  var T0 = Float64Array.from(E.t0), T1 = Float64Array.from(E.t1);
  var FOLD = DATA.fold;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MAX_MARKS = 2000, MAX_LANES = 12, LANE = 14;
  var KINDS = [["tag", "tags", "Tags"], ["person", "people", "People"],
    ["place", "places", "Places"]];
  // A date known only to the year or month is vague (precisions run year, month, day...).
  var DAY_PRECISION = DATA.precisions.indexOf("day");
  function vague(i) { return E.precision[i] < DAY_PRECISION; }
  // The filter option a name of entry i stands under, by kind ("tag"...), k-th name.
  function optionOf(kind, i, k) {
    return DATA.kinds[kind[0]].option[E[kind[1]][i][k]];
  }

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- folding: the same steps and letters as chronicle.names.fold, then variant keys --
  function mapLetters(text) {
    var out = "";
    for (var ch of text) { var r = FOLD[ch]; out += r === undefined ? ch : r; }
    return out;
  }
  function fold(text) {
    var t = mapLetters(text.normalize("NFKC").toLowerCase());
    t = t.normalize("NFKD").replace(/\p{M}/gu, "");
    return mapLetters(t.normalize("NFC"));
  }
  var DIGRAPHS = { dzh: "j", kh: "h", zh: "z", sh: "s", ch: "c", ts: "c", x: "ks", w: "u" };
  function variant(text) {
    for (;;) {
      var next = text.replace(/dzh|kh|zh|sh|ch|ts|x|(?<=\S)w/g, function (m) {
        return DIGRAPHS[m];
      }).replace(/[jy]/g, "i").replace(/(\p{L})\1+/gu, "$1");
      if (next === text) return text;
      text = next;
    }
  }
  function searchKey(text) {
    return variant(fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim());
  }
  window.chronicleFold = fold;
  window.chronicleSearchKey = searchKey;

  // -- calendar: days since 1970-01-01, proleptic Gregorian, any year --
  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400), yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  }
  function civilFromDays(z) {
    z = Math.floor(z) + 719468;
    var era = Math.floor(z / 146097), doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524)
      - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    var d = doy - Math.floor((153 * mp + 2) / 5) + 1, m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  function yearLabel(y) { return y <= 0 ? (1 - y) + " BCE" : String(y); }
  // Deep-time ticks are read at a glance: 4,500,000,000 BCE.
  function axisYear(y) {
    var n = y <= 0 ? 1 - y : y;
    var text = n >= 10000 ? n.toLocaleString("en") : String(n);
    return y <= 0 ? text + " BCE" : text;
  }
  function isoDay(days) {
    var c = civilFromDays(days), y = c[0];
    var ys = y < 0 ? "-" + String(-y).padStart(4, "0") : String(y).padStart(4, "0");
    return ys + "-" + String(c[1]).padStart(2, "0") + "-" + String(c[2]).padStart(2, "0");
  }
  function parseDay(text) {
    var m = /^([+-]?\d+)-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? daysFromCivil(+m[1], +m[2], +m[3]) : null;
  }

  // -- state --
  var state = { q: "", tag: "", person: "", place: "", zoom: null };
  // visible: the entry numbers shown, in order; words: per typed word, the keys it finds.
  var visible = new Int32Array(0), words = [], domain = [0, 1], chartWidth = 0;

  KINDS.forEach(function (kind) {
    var select = $("filter-" + kind[0]);
    var options = DATA.options[kind[0]];
    select.appendChild(new Option(kind[2], ""));
    options.forEach(function (option, index) {
      select.appendChild(new Option(option[0] + " (" + option[1] + ")", String(index)));
    });
    select.disabled = options.length === 0;
    select.addEventListener("change", function () {
      state[kind[0]] = select.value; update();
    });
  });

  // -- search's matcher, worked out ahead (html_page.page_variants): a typed word's key
  // and the keys of the words search finds for it; a word the entries do not hold finds
  // its nearest words, as search does for a typo.
  var VARIANTS = DATA.variants || {}, READINGS = DATA.readings || {};
  // Azerbaijani and Turkish Latin read the English way (chronicle.matching's table).
  var TURKIC = { c: "j", "\u00e7": "ch", "\u015f": "sh", x: "kh", q: "k", "\u011f": "",
    "\u0131": "i", "\u0259": "a" };
  function turkicKey(raw) {
    if (!/[\u0131\u0130\u0259\u018f\u015f\u015e\u00e7\u00c7\u011f\u011e]/.test(raw)) return null;
    var lower = raw.replace(/\u0130/g, "I").toLowerCase();
    return searchKey(lower.replace(/[c\u00e7\u015fxq\u011f\u0131\u0259]/g, function (ch) {
      return TURKIC[ch];
    }));
  }
  // The words of the entries (variant keys, sorted) and the entries holding each, as gaps
  // between entry numbers (html_page.encode_postings): decoded only when searched for.
  var VOCABULARY = DATA.words, POSTINGS = DATA.postings;
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = new Int8Array(128).fill(-1);
  for (var dk = 0; dk < DIGITS.length; dk++) DIGIT[DIGITS.charCodeAt(dk)] = dk;
  function markPostings(text, marks) {
    var value = 0, at = -1;
    for (var k = 0; k < text.length; k++) {
      var digit = DIGIT[text.charCodeAt(k)];
      if (digit >= 32) value = value * 32 + digit - 32;
      else { at += value * 32 + digit + 1; marks[at] = 1; value = 0; }
    }
  }
  // The first word of the vocabulary at or after key, in code-unit order as Python sorts.
  function lowerBound(key) {
    var lo = 0, hi = VOCABULARY.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (VOCABULARY[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function startsWith(k, key) {
    return k < VOCABULARY.length && VOCABULARY[k].lastIndexOf(key, 0) === 0;
  }
  // Entries holding a word that begins with one of keys, as a mark per entry.
  function entriesWith(keys) {
    var marks = new Uint8Array(COUNT);
    keys.forEach(function (key) {
      for (var k = lowerBound(key); startsWith(k, key); k++) markPostings(POSTINGS[k], marks);
    });
    return marks;
  }
  function maxDistance(n) { return n < 4 ? 0 : n < 6 ? 1 : 2; }
  function osa(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var d = [];
    for (var i = 0; i <= a.length; i++) { d.push([i]); }
    for (var j = 1; j <= b.length; j++) d[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var best = limit + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
    }
    return d[a.length][b.length];
  }
  function alternatives(word, raw) {
    if (VARIANTS[word]) return [word].concat(VARIANTS[word]);
    var turkic = raw ? turkicKey(raw) : null;
    if (turkic && turkic !== word) {
      return [word, turkic].concat(VARIANTS[turkic] || []);
    }
    if (READINGS[word]) {
      var read = [word];
      READINGS[word].forEach(function (key) { read = read.concat([key], VARIANTS[key] || []); });
      return read;
    }
    var limit = maxDistance(word.length);
    if (!limit || /\d/.test(word)) return [word];
    if (startsWith(lowerBound(word), word)) return [word];
    var found = [], least = limit + 1;
    VOCABULARY.forEach(function (other) {
      if (other[0] !== word[0] && !(other[0] === word[1] && other[1] === word[0])) return;
      var dist = osa(word, other, limit);
      if (dist < least) { least = dist; found = [other]; }
      else if (dist === least && dist <= limit) found.push(other);
    });
    return [word].concat(found.slice(0, 3));
  }

  function update(keepHash) {
    words = [];
    state.q.split(/\s+/).filter(Boolean).forEach(function (raw) {
      var keys = searchKey(raw).split(" ").filter(Boolean);
      keys.forEach(function (key) {
        words.push(alternatives(key, keys.length === 1 ? raw : null));
      });
    });
    var found = words.map(entriesWith);
    var picked = KINDS.map(function (kind) { return state[kind[0]]; });
    var zoom = state.zoom, shown = new Int32Array(COUNT), n = 0;
    next: for (var i = 0; i < COUNT; i++) {
      for (var w = 0; w < found.length; w++) if (!found[w][i]) continue next;
      if (zoom && (T1[i] <= zoom[0] || T0[i] >= zoom[1])) continue;
      for (var k = 0; k < KINDS.length; k++) {
        if (picked[k] === "") continue;
        var names = E[KINDS[k][1]][i], any = false;
        for (var j = 0; j < names.length && !any; j++) any = optionOf(KINDS[k], i, j) === +picked[k];
        if (!any) continue next;
      }
      shown[n++] = i;
    }
    visible = shown.subarray(0, n);
    renderStatus();
    renderChart();
    list.show(visible);
    if (!keepHash) writeHash();
  }

  function renderStatus() {
    var total = COUNT;
    var text = visible.length === total
      ? total.toLocaleString("en") + (total === 1 ? " entry" : " entries")
      : "Showing " + visible.length.toLocaleString("en") + " of " + total.toLocaleString("en")
        + (total === 1 ? " entry" : " entries");
    if (state.zoom) {
      text += ", " + dayLabel(state.zoom[0]) + " \u2013 " + dayLabel(lastDay(state.zoom[1]));
    }
    $("status").textContent = text;
    var filtered = state.q || state.tag || state.person || state.place || state.zoom;
    $("clear").hidden = !filtered;
    $("reset-zoom").hidden = !state.zoom;
  }
  // The window's end is exclusive; the day it names is the one before.
  function lastDay(end) { return end - 1e-6; }
  function dayLabel(days) {
    var c = civilFromDays(days);
    return c[2] + " " + SHORT[c[1] - 1] + " " + yearLabel(c[0]);
  }

  // -- the overview axis --
  function computeDomain(width) {
    if (state.zoom) return state.zoom.slice();
    if (!COUNT) return [0, 365];
    var lo = Infinity, hi = -Infinity, n = visible.length || COUNT;
    for (var k = 0; k < n; k++) {
      var i = visible.length ? visible[k] : k;
      if (T0[i] < lo) lo = T0[i];
      if (T1[i] > hi) hi = T1[i];
    }
    // Room for half a dot at either end, so the first and last marks show whole.
    var pad = Math.max((hi - lo) * 12 / Math.max(width - 24, 1), 1);
    return [lo - pad, hi + pad];
  }

  function niceStep(raw) {
    var steps = [1, 2, 5, 10, 20, 25, 50];
    var scale = 1;
    for (;;) {
      for (var i = 0; i < steps.length; i++) {
        if (steps[i] * scale >= raw) return steps[i] * scale;
      }
      scale *= 100;
    }
  }

  function ticks(lo, hi, width) {
    var span = hi - lo, wanted = Math.max(2, Math.floor(width / 72)), out = [];
    if (span > 3 * 365.2425) {
      var first = civilFromDays(lo)[0], last = civilFromDays(hi)[0] + 1;
      // Ticks fall on round labels: 100 BCE, 50 BCE, 1, 50, 100 (there is no year 0).
      var tickYear = function (k) { return k > 0 ? k : k === 0 ? 1 : k + 1; };
      var step = niceStep((last - first) / wanted);
      // Long labels (4,500,000,000 BCE) need more room: widen the step until they fit.
      for (var tries = 0; tries < 20; tries++) {
        var chars = Math.max(axisYear(tickYear(Math.floor(first / step) * step)).length,
          axisYear(tickYear(Math.ceil(last / step) * step)).length);
        if (step * 365.2425 * width / span >= chars * 7 + 16) break;
        step = niceStep(step * 1.0001);
      }
      for (var k = Math.floor(first / step) * step; k <= last && out.length < 60; k += step) {
        var year = tickYear(k);
        out.push([daysFromCivil(year, 1, 1), axisYear(year)]);
      }
    } else if (span > 62) {
      var c = civilFromDays(lo), months = Math.ceil(span / 30.44);
      var mstep = [1, 2, 3, 6, 12].find(function (s) { return months / s <= wanted; }) || 12;
      var y = c[0], m = Math.floor((c[1] - 1) / mstep) * mstep + 1;
      while (out.length < 60) {
        var at = daysFromCivil(y, m, 1);
        if (at > hi) break;
        // January names the year; so does the first tick, so the axis always says it.
        out.push([at, m === 1 ? yearLabel(y)
          : at >= lo && !out.some(function (t) { return t[0] >= lo; })
            ? SHORT[m - 1] + " " + yearLabel(y) : SHORT[m - 1]]);
        m += mstep;
        if (m > 12) { m -= 12; y += 1; }
      }
    } else {
      var days = Math.ceil(span);
      var dstep = [1, 2, 7, 14].find(function (s) { return days / s <= wanted; }) || 14;
      for (var t = Math.floor(lo); t <= hi && out.length < 60; t += dstep) {
        var cd = civilFromDays(t), first = out.length === 0, label = String(cd[2]);
        // The first tick and each month's first day name the month; January the year.
        if (first || cd[2] === 1) label += " " + SHORT[cd[1] - 1];
        if (first || (cd[2] === 1 && cd[1] === 1)) label += " " + yearLabel(cd[0]);
        out.push([t, label]);
      }
    }
    return out.filter(function (tick) { return tick[0] >= lo && tick[0] <= hi; });
  }

  function renderChart() {
    var chart = $("chart"), lanes = $("lanes"), axis = $("axis");
    var width = chart.clientWidth || 300;
    chartWidth = width;
    domain = computeDomain(width);
    var lo = domain[0], hi = domain[1], scale = width / (hi - lo);
    lanes.textContent = "";
    axis.textContent = "";
    ticks(lo, hi, width).forEach(function (tick) {
      var x = (tick[0] - lo) * scale;
      var mark = el("div", "tick");
      mark.style.left = x + "px";
      var label = el("span", null, tick[1]);
      // Labels near an edge hang inwards rather than being cut off.
      if (x > width - 36) label.style.transform = "translateX(-100%)";
      else if (x < 24) label.style.transform = "none";
      mark.appendChild(label);
      axis.appendChild(mark);
      var grid = el("div", "grid");
      grid.style.left = x + "px";
      lanes.appendChild(grid);
    });
    // A label that would run into the one before it is left out (its tick stays).
    var right = -Infinity;
    axis.querySelectorAll(".tick span").forEach(function (label) {
      var box = label.getBoundingClientRect();
      if (box.left < right + 6) label.style.visibility = "hidden";
      else right = box.right;
    });
    if (visible.length > MAX_MARKS) {
      drawHistogram(lanes, lo, scale, width);
      showLegend({ bin: true });
      return;
    }
    var ends = [], drawn = {};
    visible.forEach(function (i) {
      var x0 = (T0[i] - lo) * scale, x1 = (T1[i] - lo) * scale;
      var mark = el("div", "mark");
      var left, w;
      if (!E.range[i] && !vague(i) && x1 - x0 < 10) {
        mark.classList.add("point");
        left = (x0 + x1) / 2 - 5; w = 10;
      } else {
        if (E.range[i]) mark.classList.add("range");
        if (vague(i)) mark.classList.add("vague");
        left = x0; w = Math.max(x1 - x0, 6);
      }
      var lane = 0;
      while (lane < ends.length && ends[lane] > left - 2) lane++;
      if (lane >= MAX_LANES) {
        lane = 0;
        for (var k = 1; k < ends.length; k++) if (ends[k] < ends[lane]) lane = k;
      }
      ends[lane] = Math.max(ends[lane] || -Infinity, left + w);
      mark.style.left = left + "px";
      mark.style.width = w + "px";
      mark.style.top = lane * LANE + "px";
      mark.dataset.i = i;
      mark.title = E.label[i] + " \u2014 " + E.title[i];
      lanes.appendChild(mark);
      drawn[markKind(mark)] = true;
    });
    lanes.style.height = Math.max(1, ends.length) * LANE + 4 + "px";
    showLegend(drawn);
  }

  // A mark's kind is its classes but "mark" ("point", "range vague", "" for a day drawn
  // wider than a dot); the legend names each kind the chart holds, and only those.
  function markKind(mark) {
    var kind = [].slice.call(mark.classList).filter(function (c) { return c !== "mark"; })
      .sort().join(" ");
    return kind || "day";
  }
  function showLegend(drawn) {
    $("legend").querySelectorAll("[data-kind]").forEach(function (item) {
      item.hidden = !drawn[item.dataset.kind];
    });
  }

  function drawHistogram(lanes, lo, scale, width) {
    var bins = Math.max(10, Math.floor(width / 4)), counts = new Array(bins).fill(0), top = 0;
    visible.forEach(function (i) {
      var b = Math.min(bins - 1, Math.max(0, Math.floor((T0[i] - lo) * scale / width * bins)));
      top = Math.max(top, ++counts[b]);
    });
    var height = 90, span = (width / bins) / scale;
    // Each bar counts the entries that begin within its stretch of the axis.
    $("bin-legend").textContent = "entries per " + stretch(span)
      + " (tallest bar: " + top.toLocaleString("en") + ")";
    counts.forEach(function (count, b) {
      if (!count) return;
      var bar = el("div", "bin");
      bar.style.left = (b * width / bins) + "px";
      bar.style.width = Math.max(1, width / bins - 1) + "px";
      bar.style.height = Math.max(2, count / top * height) + "px";
      bar.title = count.toLocaleString("en") + (count === 1 ? " entry" : " entries");
      lanes.appendChild(bar);
    });
    lanes.style.height = height + 4 + "px";
  }

  // How long one bar of the count chart is, in words: "2 days", "3 months", "40 years".
  function stretch(days) {
    var units = [[365.2425, "year"], [30.436875, "month"], [7, "week"], [1, "day"]];
    for (var k = 0; k < units.length; k++) {
      var n = days / units[k][0];
      if (n >= 1 || k === units.length - 1) {
        var shown = n >= 10 ? Math.round(n).toLocaleString("en")
          : String(Math.round(n * 10) / 10);
        return shown === "1" ? units[k][1] : shown + " " + units[k][1] + "s";
      }
    }
  }

  // -- the list: only the rows in view, and about a screen either side, are drawn --
  // Rows are year headings, month headings and entries, stacked by their heights: measured
  // once drawn (an entry's height is kept for as long as the page keeps its width),
  // estimated until then. When rows above the one in view turn out taller or shorter than
  // estimated, the page scrolls by the difference, so what the reader looks at stays put.
  var list = (function () {
    var box = $("entries");
    var YEAR = 1, MONTH = 2;
    // Per row: its kind (0 an entry), its entry (for a heading, the first entry under it),
    // its place among the entries shown (1-based), its height; tops[r] is where it starts.
    var kinds = new Uint8Array(0), at = new Int32Array(0), place = new Int32Array(0);
    var heights = new Float64Array(0), tops = new Float64Array(1), stale = false;
    var rowOf = new Int32Array(COUNT).fill(-1), measured = new Map(), open = new Set();
    var estimate = [140, 56, 44], drawn = new Map(), width = 0, pending = false;
    // Entries not drawn yet are estimated at the mean height of those drawn so far.
    var sum = 0, counted = 0;

    function heightOf(r) {
      return kinds[r] ? estimate[kinds[r]] : measured.get(at[r]) || estimate[0];
    }
    function show(entries) {
      var n = entries.length, k = new Uint8Array(3 * n), a = new Int32Array(3 * n);
      var p = new Int32Array(3 * n), r = 0, year = null, month = null;
      rowOf.fill(-1);
      for (var j = 0; j < n; j++) {
        var i = entries[j];
        if (E.y[i] !== year) { year = E.y[i]; month = null; k[r] = YEAR; a[r++] = i; }
        if (E.m[i] && E.m[i] !== month) { month = E.m[i]; k[r] = MONTH; a[r++] = i; }
        rowOf[i] = r; p[r] = j + 1; a[r++] = i;
      }
      kinds = k.subarray(0, r); at = a.subarray(0, r); place = p.subarray(0, r);
      heights = new Float64Array(r);
      for (j = 0; j < r; j++) heights[j] = heightOf(j);
      stale = true;
      drawn.clear();
      box.textContent = "";
      box.style.height = "";
      if (!n) {
        box.appendChild(el("p", "empty", COUNT ? "No entries match." : "No entries."));
        return;
      }
      draw();
    }
    function layout() {
      if (!stale) return;
      tops = new Float64Array(kinds.length + 1);
      for (var r = 0; r < kinds.length; r++) tops[r + 1] = tops[r] + heights[r];
      box.style.height = tops[kinds.length] + "px";
      stale = false;
    }
    // The last row starting at or above y (pixels from the top of the list).
    function rowAt(y) {
      var lo = 0, hi = kinds.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (tops[mid] <= y) lo = mid; else hi = mid - 1;
      }
      return lo;
    }
    function makeRow(r) {
      var slot = el("div", "row"), i = at[r];
      if (kinds[r] === YEAR) slot.appendChild(el("h2", "year", yearLabel(E.y[i])));
      else if (kinds[r] === MONTH) {
        slot.appendChild(el("h3", "month", MONTHS[E.m[i] - 1] + " " + yearLabel(E.y[i])));
      } else slot.appendChild(card(i, place[r], visible.length));
      return slot;
    }
    function draw() {
      pending = false;
      if (!kinds.length) return;
      if (box.clientWidth !== width) {
        // Text wraps differently at another width: heights measured before no longer hold.
        if (width) {
          measured.clear();
          sum = counted = 0;
          for (var h = 0; h < kinds.length; h++) heights[h] = heightOf(h);
        }
        width = box.clientWidth;
        stale = true;
      }
      for (var pass = 0; pass < 4; pass++) {
        layout();
        var origin = box.getBoundingClientRect().top, view = window.innerHeight;
        var first = rowAt(-origin - view), last = rowAt(-origin + 2 * view);
        var anchor = rowAt(-origin), anchorTop = tops[anchor];
        // The row holding the focus stays, with a few rows either side of it, so the
        // keyboard never runs out of rows, however fast Tab is pressed.
        var focused = document.activeElement, near = -1;
        drawn.forEach(function (node, r) { if (node.contains(focused)) near = r; });
        var wanted = function (r) {
          return (r >= first && r <= last) || (near >= 0 && Math.abs(r - near) <= 3);
        };
        drawn.forEach(function (node, r) {
          if (!wanted(r)) { node.remove(); drawn.delete(r); }
        });
        for (var r = Math.max(0, Math.min(first, near < 0 ? first : near - 3));
          r <= Math.max(last, near + 3) && r < kinds.length; r++) {
          if (drawn.has(r) || !wanted(r)) continue;
          var node = makeRow(r), next = null;
          // In the page's order, so Tab goes from row to row as they are shown.
          drawn.forEach(function (other, q) {
            if (q > r && (next === null || q < next[0])) next = [q, other];
          });
          box.insertBefore(node, next && next[1]);
          drawn.set(r, node);
        }
        drawn.forEach(function (node, q) { node.style.top = tops[q] + "px"; });
        var changed = false;
        drawn.forEach(function (node, q) {
          // Fractional pixels: rounded heights would add up to a visible drift.
          var height = node.getBoundingClientRect().height;
          if (!height || height === heights[q]) return;
          heights[q] = height;
          changed = true;
          if (kinds[q]) estimate[kinds[q]] = height;
          else {
            if (!measured.has(at[q])) { sum += height; counted += 1; estimate[0] = sum / counted; }
            measured.set(at[q], height);
          }
        });
        if (!changed) return;
        stale = true;
        layout();
        drawn.forEach(function (node, q) { node.style.top = tops[q] + "px"; });
        if (tops[anchor] !== anchorTop && origin < 0) window.scrollBy(0, tops[anchor] - anchorTop);
      }
    }
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(draw);
    }
    // Brings entry i's row into the middle of the window; its node, or null if not shown.
    function scrollTo(i) {
      var r = rowOf[i];
      if (r < 0) return null;
      layout();
      var origin = box.getBoundingClientRect().top + window.scrollY;
      window.scrollTo(0, origin + tops[r] + heights[r] / 2 - window.innerHeight / 2);
      draw();
      var node = drawn.get(r);
      if (node) node.scrollIntoView({ block: "center" });
      draw();
      return node ? node.querySelector("article") : null;
    }
    window.addEventListener("scroll", schedule, { passive: true });
    box.addEventListener("focusin", function () { draw(); });
    window.addEventListener("resize", schedule);
    box.addEventListener("toggle", function (ev) {
      var article = ev.target.closest && ev.target.closest("article");
      if (!article) return;
      var i = +article.dataset.i;
      if (ev.target.open) open.add(i); else open.delete(i);
      schedule();
    }, true);
    return { show: show, schedule: schedule, scrollTo: scrollTo,
      isOpen: function (i) { return open.has(i); } };
  })();

  function card(i, position, total) {
    var isVague = vague(i), precision = DATA.precisions[E.precision[i]];
    var node = el("article", "entry" + (isVague ? " vague" : "") + (E.range[i] ? " range" : ""));
    node.id = "entry-" + i;
    node.dataset.id = E.id[i];
    node.dataset.i = i;
    node.setAttribute("aria-posinset", position);
    node.setAttribute("aria-setsize", total);
    var when = el("div", "when");
    var time = el("time", null, E.label[i]);
    if (E.y[i] > 0 && E.y[i] < 10000) time.dateTime = E.date[i];
    when.appendChild(time);
    if (isVague) {
      var badge = el("span", "badge vague", precision === "year" ? "year only" : "month only");
      badge.title = "The date is known only to the " + precision;
      when.appendChild(badge);
    }
    if (E.duration[i]) when.appendChild(el("span", "badge range", E.duration[i]));
    node.appendChild(when);
    node.appendChild(el("h3", null, E.title[i]));
    if (E.summary[i]) node.appendChild(el("p", "summary", E.summary[i]));
    var chips = el("div", "chips");
    [KINDS[1], KINDS[2], KINDS[0]].forEach(function (kind) {
      E[kind[1]][i].forEach(function (name, k) {
        var chip = el("button", "chip " + kind[0], DATA.kinds[kind[0]].names[name]);
        chip.type = "button";
        chip.title = "Show only entries with this " + kind[0];
        chip.addEventListener("click", function () { setFilter(kind[0], optionOf(kind, i, k)); });
        chips.appendChild(chip);
      });
    });
    if (chips.childNodes.length) node.appendChild(chips);
    if (E.more[i]) {
      var details = el("details");
      details.appendChild(el("summary", null, E.more[i] & 1 ? "Read more" : "Sources"));
      details.open = list.isOpen(i);
      node.appendChild(details);
      entryDetails(i).then(function (found) {
        fillDetails(details, i, found[0], found[1]);
        list.schedule();
      }, function () {
        details.appendChild(el("p", "meta", "This browser cannot unpack the entry's text."));
      });
    }
    return node;
  }

  function fillDetails(details, i, body, sources) {
    if (body) details.appendChild(bodyNode(body));
    if (sources.length) {
      var ul = el("ul", "sources");
      sources.forEach(function (s) {
        var title = s[0], url = s[1], date = s[2], li = el("li");
        if (url && /^https?:\/\//i.test(url)) {
          var a = el("a", null, title || url);
          a.href = url; a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.textContent = title || url || "";
        }
        if (date) li.appendChild(document.createTextNode(" (" + date + ")"));
        ul.appendChild(li);
      });
      details.appendChild(ul);
    }
    details.appendChild(el("p", "meta", E.id[i]));
  }

  // Bodies and sources come deflated, a chunk of entries at a time (html_page.deflate_chunks):
  // a chunk is inflated, by the browser's own DecompressionStream, when one of its entries
  // is first drawn. [body, sources] of entry i, as a promise.
  var chunks = [];
  function entryDetails(i) {
    var c = Math.floor(i / DATA.detailsChunk);
    if (!chunks[c]) {
      try {
        var packed = atob(DATA.details[c]), bytes = new Uint8Array(packed.length);
        for (var k = 0; k < packed.length; k++) bytes[k] = packed.charCodeAt(k);
        var stream = new Blob([bytes]).stream()
          .pipeThrough(new DecompressionStream("deflate-raw"));
        chunks[c] = new Response(stream).text().then(JSON.parse);
      } catch (error) {
        // A browser without DecompressionStream still lists and searches every entry.
        chunks[c] = Promise.reject(error);
      }
    }
    return chunks[c].then(function (rows) { return rows[i - c * DATA.detailsChunk]; });
  }

  function inline(parent, text) {
    text.split(/(\*\*[^*\n]+\*\*|\*[^*\n]+\*)/).forEach(function (part) {
      if (/^\*\*[^*]+\*\*$/.test(part)) parent.appendChild(el("strong", null, part.slice(2, -2)));
      else if (/^\*[^*]+\*$/.test(part)) parent.appendChild(el("em", null, part.slice(1, -1)));
      else if (part) parent.appendChild(document.createTextNode(part));
    });
  }
  function bodyNode(body) {
    var box = el("div", "body");
    body.split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim(); });
      if (!lines.length) return;
      if (lines.every(function (l) { return /^\s*[-*] /.test(l); })) {
        var ul = el("ul");
        lines.forEach(function (l) {
          var li = el("li"); inline(li, l.replace(/^\s*[-*] /, "")); ul.appendChild(li);
        });
        box.appendChild(ul);
      } else {
        var p = el("p");
        inline(p, lines.map(function (l) { return l.trim(); }).join(" "));
        box.appendChild(p);
      }
    });
    return box;
  }

  function setFilter(kind, index) {
    state[kind] = String(index);
    $("filter-" + kind).value = String(index);
    update();
    window.scrollTo({ top: 0 });
  }

  function reveal(i) {
    var node = list.scrollTo(i);
    if (!node) return;
    node.classList.remove("flash");
    void node.offsetWidth;
    node.classList.add("flash");
  }

  // -- dragging across the chart zooms; a tap on a mark shows its entry --
  var drag = null;
  var chart = $("chart"), brush = $("brush");
  function chartX(ev) {
    var rect = chart.getBoundingClientRect();
    return Math.min(rect.width, Math.max(0, ev.clientX - rect.left));
  }
  chart.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: chartX(ev), target: ev.target };
    chart.setPointerCapture(ev.pointerId);
  });
  chart.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var x = chartX(ev);
    if (Math.abs(x - drag.x) < 6) return;
    brush.hidden = false;
    brush.style.left = Math.min(x, drag.x) + "px";
    brush.style.width = Math.abs(x - drag.x) + "px";
  });
  chart.addEventListener("pointerup", function (ev) {
    if (!drag) return;
    var x = chartX(ev), start = drag, width = chart.clientWidth || 1;
    drag = null;
    brush.hidden = true;
    if (Math.abs(x - start.x) >= 6) {
      var per = (domain[1] - domain[0]) / width;
      var a = domain[0] + Math.min(x, start.x) * per, b = domain[0] + Math.max(x, start.x) * per;
      if (b - a < 1) { var mid = (a + b) / 2; a = mid - 0.5; b = mid + 0.5; }
      state.zoom = [a, b];
      update();
      return;
    }
    var mark = start.target.closest && start.target.closest(".mark");
    if (mark) reveal(+mark.dataset.i);
  });
  chart.addEventListener("pointercancel", function () { drag = null; brush.hidden = true; });

  // -- wiring --
  var search = $("search");
  search.addEventListener("input", function () {
    state.q = search.value; update();
  });
  $("reset-zoom").addEventListener("click", function () { state.zoom = null; update(); });
  $("clear").addEventListener("click", function () {
    state.q = ""; state.tag = state.person = state.place = ""; state.zoom = null;
    search.value = "";
    KINDS.forEach(function (kind) { $("filter-" + kind[0]).value = ""; });
    update();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== search) {
      ev.preventDefault();
      search.focus();
    } else if (ev.key === "Escape" && document.activeElement === search && search.value) {
      search.value = ""; state.q = ""; update();
    }
  });
  // Positions are in pixels: draw the chart again whenever its width changes.
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      if (chart.clientWidth !== chartWidth) renderChart();
    }).observe(chart);
  } else {
    window.addEventListener("resize", renderChart);
  }

  // The search and filters live in the address's #fragment, so a view can be shared.
  function writeHash() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    KINDS.forEach(function (kind) {
      var value = state[kind[0]];
      if (value !== "") params.set(kind[0], DATA.options[kind[0]][+value][0]);
    });
    if (state.zoom) {
      params.set("from", isoDay(state.zoom[0]));
      params.set("to", isoDay(lastDay(state.zoom[1])));
    }
    var text = params.toString();
    if (("#" + text) !== location.hash && !(text === "" && location.hash === "")) {
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    }
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    state.q = params.get("q") || "";
    search.value = state.q;
    KINDS.forEach(function (kind) {
      var wanted = params.get(kind[0]), found = "";
      if (wanted !== null) {
        var key = searchKey(wanted);
        DATA.options[kind[0]].forEach(function (option, index) {
          if (found === "" && searchKey(option[0]) === key) found = String(index);
        });
      }
      state[kind[0]] = found;
      $("filter-" + kind[0]).value = found;
    });
    var a = parseDay(params.get("from")), b = parseDay(params.get("to"));
    // "to" names a whole day, as --to does on the command line.
    state.zoom = a !== null && b !== null && b >= a ? [a, b + 1] : null;
  }
  window.addEventListener("hashchange", function () { readHash(); update(true); });
  readHash();
  update(true);
  document.documentElement.dataset.ready = "true";
})();
