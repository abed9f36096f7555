/* simspace view: the index (sort, filter, choose runs), interactive charts of event-clock series
   (uPlot: zoom by dragging, crosshair with values in the legend, series toggled from the legend,
   cursors synced across charts; listener caps as steps) and the live page (Server-Sent Events).
   Data comes from the page's inert JSON block; text from it is only ever set as textContent. */
(function () {
  "use strict";

  var block = document.getElementById("simspace-data");
  var DATA = block ? JSON.parse(block.textContent) : {};
  var PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#e16f24",
    "#6e7781", "#a475f9", "#4ac26b"];
  var DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4]];
  var CAP_DASH = [8, 3, 2, 3];
  var TIME_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function fmtT(t) {
    if (t === null || t === undefined) return "-";
    var sign = t < 0 ? "-" : "+", s = Math.round(Math.abs(t));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + "m";
    return sign + (h ? h + "h" : "") + mm + (sec ? String(sec).padStart(2, "0") + "s" : "");
  }

  function fmtCount(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + "G";
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k";
    return a >= 10 || v === 0 ? v.toFixed(0) : v.toPrecision(2);
  }

  function fmtV(v, unit) {
    if (v === null || v === undefined || isNaN(v)) return "-";
    if (unit === "s") return v >= 100 ? fmtT(v).slice(1) : v.toPrecision(3) + " s";
    if (unit === "ratio") return (v * 100).toFixed(1) + "%";
    if (unit === "rps") return fmtCount(v) + "/s";
    return fmtCount(v);
  }

  /* Numbered dashed lines at the moments (reported, operator, observed, facts). */
  function marksPlugin(marks) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, bottom = top + u.bbox.height;
          var min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          ctx.font = "bold " + Math.round(11 * devicePixelRatio) + "px system-ui,sans-serif";
          ctx.textAlign = "center";
          marks.forEach(function (m, i) {
            if (m.t < min || m.t > max) return;
            var x = Math.round(u.valToPos(m.t, "x", true));
            ctx.strokeStyle = m.colour;
            ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.lineWidth = devicePixelRatio;
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
            ctx.fillStyle = m.colour;
            ctx.fillText(String(m.n), x, top + (i % 2 ? 24 : 12) * devicePixelRatio);
          });
          ctx.restore();
        }],
      },
    };
  }

  function specsOf(runs) {
    var seen = {}, specs = [];
    runs.forEach(function (run) {
      run.table.charts.forEach(function (spec) {
        if (!seen[spec.id]) { seen[spec.id] = true; specs.push(spec); }
      });
    });
    return specs;
  }

  /* `tier.api.offered_rps` in the chart `load.api` reads `offered_rps`. */
  function shortName(name, chartId) {
    var parts = name.split("."), head = chartId.split(".");
    var i = 0;
    while (i < parts.length - 1 && (parts[i] === head[i] || head.indexOf(parts[i]) >= 0 ||
      parts[i] === "tier" || parts[i] === "listeners")) i++;
    return parts.slice(i).join(".");
  }

  function chartSeries(runs, spec) {
    var tables = [], series = [{ label: "event time", value: function (u, v) { return fmtT(v); } }];
    var overlay = runs.length > 1;
    runs.forEach(function (run, r) {
      var chart = run.table.charts.filter(function (c) { return c.id === spec.id; })[0];
      var cols = chart ? chart.columns : [];
      if (!cols.length) return;
      var labels = chart.labels || {}, steps = chart.steps || [];
      var table = [run.table.t];
      cols.forEach(function (name, c) {
        table.push(run.table.columns[name]);
        var short = labels[name] || shortName(name, spec.id);
        var one = {
          label: overlay ? "#" + (r + 1) + " " + short : short,
          stroke: overlay ? PALETTE[r % PALETTE.length] : PALETTE[c % PALETTE.length],
          dash: overlay ? DASHES[c % DASHES.length] : [],
          width: 1.5,
          spanGaps: false,
          value: function (u, v) { return fmtV(v, spec.unit); },
        };
        /* A listener cap holds from one grid time to the next: drawn as steps, dash-dotted. */
        if (steps.indexOf(name) >= 0) {
          one.paths = uPlot.paths.stepped({ align: 1 });
          one.width = 2;
          if (!overlay) one.dash = CAP_DASH;
        }
        series.push(one);
      });
      tables.push(table);
    });
    if (!tables.length) return null;
    return { data: tables.length === 1 ? tables[0] : uPlot.join(tables), series: series };
  }

  function chartWidth(container) {
    return Math.max(280, Math.min(container.clientWidth || 800, 1200));
  }

  function makeChart(container, spec, built, marks, xRange) {
    var box = el("div", null, { "class": "chart", "data-chart": spec.id });
    box.appendChild(el("h3", spec.title + (spec.unit ? " (" + spec.unit + ")" : "")));
    var plot = el("div");
    box.appendChild(plot);
    container.appendChild(box);
    var opts = {
      width: chartWidth(container),
      height: 240,
      cursor: { sync: { key: "simspace" }, drag: { x: true, y: false } },
      scales: { x: xRange ? { time: false, range: function () { return xRange; } } : { time: false } },
      axes: [
        { values: function (u, vals) { return vals.map(fmtT); }, incrs: TIME_STEPS },
        { size: 60, values: function (u, vals) { return vals.map(function (v) { return fmtV(v, spec.unit); }); } },
      ],
      series: built.series,
      plugins: marks && marks.length ? [marksPlugin(marks)] : [],
    };
    return new uPlot(opts, built.data, plot);
  }

  function drawCharts(runs, xRange) {
    var container = document.getElementById("charts");
    if (!container || !runs || !runs.length) return [];
    var marks = runs[0].marks || [];
    var charts = [];
    if (runs.length > 1) {
      var key = el("ol", null, { "class": "run-key" });
      runs.forEach(function (run, r) {
        var item = el("li", run.label + (r === 0 ? " (baseline)" : ""));
        item.style.color = PALETTE[r % PALETTE.length];
        key.appendChild(item);
      });
      container.appendChild(key);
    }
    specsOf(runs).forEach(function (spec) {
      var built = chartSeries(runs, spec);
      if (built) charts.push(makeChart(container, spec, built, marks, xRange));
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c.root.isConnected) c.setSize({ width: chartWidth(container), height: 240 }); });
    });
    return charts;
  }

  /* ---- index: sort, filter, choose runs to compare ---- */
  function setupIndex() {
    var table = document.getElementById("runs");
    if (!table) return;
    var body = table.tBodies[0], chosen = [];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      th.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-key"), y = b.cells[col].getAttribute("data-key");
          var cmp = kind === "number" ? (parseFloat(x) || -Infinity) - (parseFloat(y) || -Infinity)
            : x.localeCompare(y);
          return down ? -cmp : cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var filter = document.getElementById("filter");
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = " " + row.getAttribute("data-search") + " ";
        row.hidden = !words.every(function (w) {
          return w.indexOf("=") > 0 ? text.indexOf(" " + w + " ") >= 0 : text.indexOf(w) >= 0;
        });
      });
    });
    var button = document.getElementById("compare");
    table.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "run") return;
      chosen = chosen.filter(function (id) { return id !== box.value; });
      if (box.checked) chosen.push(box.value);
      button.disabled = chosen.length < 2;
    });
    button.addEventListener("click", function () {
      window.location.href = "/compare?runs=" + chosen.map(encodeURIComponent).join(",");
    });
  }

  /* ---- live page ---- */
  function liveRuns(status) {
    var samples = status ? status.samples : [];
    var t = samples.map(function (s) { return s.t; });
    var columns = {
      "listeners.waiting": samples.map(function (s) { return s.waiting; }),
      "listeners.listening": samples.map(function (s) { return s.listening; }),
      "listeners.gave_up": samples.map(function (s) { return s.gave_up; }),
      "listeners.booted": samples.map(function (s) { return s.booted; }),
      "load.requests_per_s": samples.map(function (s) { return s.requests_per_s; }),
    };
    var tierCols = [];
    samples.forEach(function (s) {
      Object.keys(s.tiers || {}).forEach(function (name) {
        var key = "tier." + name + ".utilisation";
        if (tierCols.indexOf(key) < 0) tierCols.push(key);
      });
    });
    tierCols.forEach(function (key) {
      var name = key.split(".")[1];
      columns[key] = samples.map(function (s) { return s.tiers[name] ? s.tiers[name].utilisation : null; });
    });
    var charts = [
      { id: "listeners", title: "Listeners by state", unit: "count",
        columns: ["listeners.waiting", "listeners.listening", "listeners.gave_up", "listeners.booted"] },
      { id: "load", title: "Requests sent (real, per wall second)", unit: "count", columns: ["load.requests_per_s"] },
    ];
    if (tierCols.length) charts.push({ id: "utilisation", title: "Tier utilisation", unit: "ratio", columns: tierCols });
    return [{ label: "live", marks: [], table: { t: t, columns: columns, charts: charts } }];
  }

  function showStatus(status, charts) {
    document.getElementById("live-clock").textContent = status.event_clock;
    document.getElementById("live-progress").value = status.progress;
    document.getElementById("live-percent").textContent = Math.round(status.progress * 100) + "%";
    var badge = el("span", status.state, { "class": "badge " + status.state });
    var cell = document.getElementById("live-state");
    cell.textContent = "";
    cell.appendChild(badge);
    document.getElementById("live-spaces").textContent = status.spaces.length
      ? status.spaces.map(function (s) { return s.host + ": " + s.state; }).join(", ") : "-";
    var last = status.samples[status.samples.length - 1];
    document.getElementById("live-load").textContent = last
      ? fmtCount(last.requests_per_s) + " real req/s, generator CPU " +
        Math.round(status.generator_cpu_percent) + "%" : "-";
    document.getElementById("live-message").textContent = status.message || "";
    var runs = liveRuns(status);
    var shape = JSON.stringify(runs[0].table.charts);
    if (charts.shape !== shape) {
      charts.forEach(function (c) { c.destroy(); });
      document.getElementById("charts").textContent = "";
      charts = drawCharts(runs, [status.t_begin, status.t_end]);
      charts.shape = shape;
      return charts;
    }
    specsOf(runs).forEach(function (spec, i) { charts[i].setData(chartSeries(runs, spec).data); });
    return charts;
  }

  function setupLive() {
    var charts = [];
    if (DATA.status) charts = showStatus(DATA.status, charts);
    var source = new EventSource(DATA.events);
    source.addEventListener("status", function (event) {
      charts = showStatus(JSON.parse(event.data), charts);
    });
    source.addEventListener("end", function () {
      source.close();
      document.getElementById("live-done").hidden = false;
    });
  }

  if (DATA.page === "index") setupIndex();
  /* The charts, for a look from the browser's console (and the browser tests). */
  if (DATA.page === "run" || DATA.page === "compare") window.simspaceCharts = drawCharts(DATA.runs);
  if (DATA.page === "live") setupLive();
})();
