/* VoxSeg charts: every element with data-chart="kind" data-source="id" is drawn with plotly
   from the JSON in <script id="id" type="application/json"> (Django's json_script). */
(function () {
  "use strict";
  var FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 13, color: "#1d2433" };
  var CONFIG = { displayModeBar: false, responsive: true };
  var NEG = "#e5484d", NEU = "#b8bdc7", POS = "#12a150";

  function data(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }
  function layout(extra) {
    var base = { font: FONT, margin: { l: 10, r: 20, t: 10, b: 40 }, paper_bgcolor: "rgba(0,0,0,0)",
                 plot_bgcolor: "rgba(0,0,0,0)", showlegend: false, hoverlabel: { font: FONT } };
    return Object.assign(base, extra || {});
  }
  function sentimentColour(v) {
    if (v === null || v === undefined) return NEU;
    return v > 0.05 ? POS : v < -0.05 ? NEG : NEU;
  }
  function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }
  function signed(v) { return v === null || v === undefined ? "–" : (v > 0 ? "+" : "") + Number(v).toFixed(2); }
  function heightFor(n) { return Math.max(160, 46 + 34 * n); }
  function reversed(a) { return a.slice().reverse(); }
  /* Long topic labels ("sugar · running leggings · …") wrapped onto short lines for the y axis. */
  function wrap(label, width) {
    width = width || 24;
    var words = String(label).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > width) { lines.push(line); line = w; }
      else line = line ? line + " " + w : w;
    });
    if (line) lines.push(line);
    return lines.slice(0, 3).join("<br>");
  }
  function heightForLabels(labels) {
    var lines = labels.reduce(function (n, l) { return n + Math.min(3, l.split("<br>").length); }, 0);
    return Math.max(150, 60 + 18 * lines + 16 * labels.length);
  }
  function symmetricRange(values, pad) {
    var m = values.reduce(function (a, v) { return Math.max(a, Math.abs(v || 0)); }, 0.1);
    return [-m * (pad || 1.4), m * (pad || 1.4)];
  }

  var charts = {
    map: function (el, d) {
      var traces = d.map(function (g) {
        return { type: "scatter", mode: "markers", name: g.name, x: g.x, y: g.y, meta: g.url,
                 marker: { color: g.colour, size: 6, opacity: g.url ? 0.8 : 0.55,
                           line: { width: 0 } },
                 hovertemplate: "<b>" + g.name.replace(/</g, "&lt;") + "</b>" +
                   (g.url ? "<br><i>click to open the persona</i>" : "") + "<extra></extra>" };
      });
      Plotly.newPlot(el, traces, layout({
        height: 520, hovermode: "closest", margin: { l: 0, r: 0, t: 0, b: 0 },
        xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: "x" } }), CONFIG);
      el.on("plotly_click", function (e) {
        var url = e.points && e.points[0] && e.points[0].data.meta;
        if (url) window.location.href = url;
      });
    },
    topics: function (el, d) {
      var rows = reversed(d.topics.slice(0, 8));
      var labels = rows.map(function (t) { return wrap(t.label); });
      var most = rows.reduce(function (a, t) { return Math.max(a, t.lift || 0); }, 1);
      Plotly.newPlot(el, [{
        type: "bar", orientation: "h", y: labels, cliponaxis: false,
        x: rows.map(function (t) { return t.lift; }),
        marker: { color: d.colour },
        text: rows.map(function (t) { return fmt(t.lift, 1) + "×"; }), textposition: "outside",
        customdata: rows.map(function (t) { return [Math.round(100 * t.share)]; }),
        hovertemplate: "<b>%{y}</b><br>%{x:.1f}× as often as everyone<br>%{customdata[0]}% of their documents<extra></extra>",
      }], layout({ height: heightForLabels(labels), margin: { l: 10, r: 20, t: 10, b: 40 },
        yaxis: { automargin: true }, xaxis: { title: { text: "× as often as everyone" }, zeroline: false, range: [0, most * 1.25] },
        shapes: [{ type: "line", x0: 1, x1: 1, yref: "paper", y0: 0, y1: 1, line: { color: "#98a2b3", dash: "dot", width: 1 } }] }), CONFIG);
    },
    topicSentiment: function (el, d) {
      var rows = reversed(d.topics.filter(function (t) { return t.sentiment !== null && t.sentiment !== undefined; }));
      if (!rows.length) { el.innerHTML = '<p class="muted">Too few writers per topic to show their mood.</p>'; return; }
      var labels = rows.map(function (t) { return wrap(t.label); });
      Plotly.newPlot(el, [{
        type: "bar", orientation: "h", y: labels, cliponaxis: false,
        x: rows.map(function (t) { return t.sentiment; }),
        marker: { color: rows.map(function (t) { return sentimentColour(t.sentiment); }) },
        text: rows.map(function (t) { return signed(t.sentiment); }), textposition: "outside",
        hovertemplate: "<b>%{y}</b><br>sentiment %{x:+.2f}<extra></extra>",
      }], layout({ height: heightForLabels(labels), margin: { l: 10, r: 20, t: 10, b: 40 },
        yaxis: { automargin: true }, xaxis: { range: [-1.2, 1.2], zeroline: true, zerolinecolor: "#98a2b3",
          tickvals: [-1, 0, 1], ticktext: ["−1 negative", "0", "+1 positive"] } }), CONFIG);
    },
    mix: function (el, d) {
      var order = [["negative", NEG], ["neutral", NEU], ["positive", POS]];
      var traces = order.filter(function (o) { return d.mix[o[0]] !== undefined; }).map(function (o) {
        var v = Math.round(100 * d.mix[o[0]]);
        return { type: "bar", orientation: "h", name: o[0], y: ["mood"], x: [v], marker: { color: o[1] },
                 text: [v >= 7 ? v + "% " + o[0] : ""], textposition: "inside", insidetextanchor: "middle",
                 textfont: { color: "#fff" }, hovertemplate: v + "% " + o[0] + "<extra></extra>" };
      });
      Plotly.newPlot(el, traces, layout({ barmode: "stack", height: 90, margin: { l: 0, r: 0, t: 0, b: 20 },
        xaxis: { range: [0, 100], ticksuffix: "%", fixedrange: true }, yaxis: { visible: false, fixedrange: true } }), CONFIG);
    },
    traits: function (el, d) {
      var rows = reversed(d.traits.slice(0, 10));
      Plotly.newPlot(el, [{
        type: "bar", orientation: "h", y: rows.map(function (t) { return wrap(t.label, 22); }), cliponaxis: false,
        x: rows.map(function (t) { return t.effect; }),
        marker: { color: rows.map(function (t) { return t.effect >= 0 ? d.colour : "#98a2b3"; }) },
        customdata: rows.map(function (t) { return [fmt(t.segment, 2), fmt(t.population, 2)]; }),
        text: rows.map(function (t) { return signed(t.effect); }), textposition: "outside",
        hovertemplate: "<b>%{y}</b><br>them %{customdata[0]} · everyone %{customdata[1]}<br>effect size %{x:+.2f}<extra></extra>",
      }], layout({ height: heightFor(rows.length), margin: { l: 10, r: 10, t: 10, b: 44 },
        yaxis: { automargin: true }, xaxis: { title: { text: "← lower · effect size · higher →" },
          range: symmetricRange(rows.map(function (t) { return t.effect; })),
          zeroline: true, zerolinecolor: "#667085" } }), CONFIG);
    },
    compareTopics: function (el, d) {
      var rows = reversed(d.topics);
      var bar = function (side, name, colour) {
        return { type: "bar", orientation: "h", name: name, y: rows.map(function (t) { return wrap(t.label, 30); }),
                 x: rows.map(function (t) { return Math.round(1000 * t[side + "_share"]) / 10; }), marker: { color: colour },
                 hovertemplate: "<b>%{y}</b><br>" + name.replace(/</g, "&lt;") + ": %{x:.1f}% of their documents<extra></extra>" };
      };
      Plotly.newPlot(el, [bar("b", d.b, d.colour_b), bar("a", d.a, d.colour_a)], layout({
        barmode: "group", height: Math.max(220, 60 + 46 * rows.length), showlegend: true,
        legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom", traceorder: "reversed" }, margin: { l: 10, r: 20, t: 40, b: 40 },
        yaxis: { automargin: true }, xaxis: { ticksuffix: "%", title: { text: "share of the segment's documents" } } }), CONFIG);
    },
    trend: function (el, d) {
      Plotly.newPlot(el, [
        { type: "bar", name: "documents", x: d.months, y: d.documents, marker: { color: "#c7d2fe" },
          hovertemplate: "%{x|%b %Y}: %{y} documents<extra></extra>" },
        { type: "scatter", mode: "lines+markers", name: "sentiment", x: d.months, y: d.sentiment, yaxis: "y2",
          line: { color: "#4f46e5", width: 2 }, connectgaps: false,
          hovertemplate: "%{x|%b %Y}: sentiment %{y:+.2f}<extra></extra>" },
      ], layout({ height: 300, showlegend: true, legend: { orientation: "h", y: 1.12 }, margin: { l: 50, r: 60, t: 20, b: 40 },
        xaxis: { type: "date", tickformat: "%b %Y" }, yaxis: { title: { text: "documents" }, rangemode: "tozero" },
        yaxis2: { title: { text: "mean sentiment" }, overlaying: "y", side: "right", range: [-1, 1], zeroline: false } }), CONFIG);
    },
    volumes: function (el, d) {
      var traces = d.series.map(function (s) {
        return { type: "scatter", mode: "lines", stackgroup: "one", name: s.label, x: d.months, y: s.counts,
                 hovertemplate: "<b>" + s.label.replace(/</g, "&lt;") + "</b><br>%{x|%b %Y}: %{y} documents<extra></extra>" };
      });
      Plotly.newPlot(el, traces, layout({ height: 340, showlegend: true, legend: { orientation: "h", y: -0.15 },
        margin: { l: 50, r: 20, t: 10, b: 40 }, xaxis: { type: "date", tickformat: "%b %Y" },
        yaxis: { title: { text: "documents per month" } } }), CONFIG);
    },
  };

  function draw() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = data(el), build = charts[el.dataset.chart];
      if (d && build) { build(el, d); el.classList.add("drawn"); }
    });
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) { Plotly.Plots.resize(el); });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
