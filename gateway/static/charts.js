// Small inline-SVG charts for the pages (no library, no CDN): a forecast with its interval
// band and festival peaks, a line over time, and horizontal bars.
"use strict";

const NS = "http://www.w3.org/2000/svg";
const W = 560, H = 220, PAD = { l: 44, r: 12, t: 12, b: 28 };

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function frame(label) {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart" });
  root.append(svg("title", {}, label));
  return root;
}

function scales(xs, lo, hi) {
  const n = Math.max(xs - 1, 1);
  const span = hi - lo || 1;
  return {
    x: (i) => PAD.l + (i / n) * (W - PAD.l - PAD.r),
    y: (v) => H - PAD.b - ((v - lo) / span) * (H - PAD.t - PAD.b),
  };
}

function axes(root, s, lo, hi, labels) {
  for (const v of [lo, (lo + hi) / 2, hi]) {
    root.append(svg("line", { x1: PAD.l, x2: W - PAD.r, y1: s.y(v), y2: s.y(v), class: "grid" }));
    root.append(svg("text", { x: PAD.l - 6, y: s.y(v) + 4, "text-anchor": "end", class: "tick" },
      Math.round(v).toLocaleString("en-IN")));
  }
  const step = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((t, i) => {
    if (i % step) return;
    // the end labels stay inside the chart
    const anchor = i === 0 ? "start" : i + step >= labels.length ? "end" : "middle";
    root.append(svg("text", { x: s.x(i), y: H - 8, "text-anchor": anchor, class: "tick" }, t));
  });
}

const short = (iso) => new Date(iso).toLocaleDateString("en-IN", { day: "numeric", month: "short" });

// The demand forecast: predicted units per day, the lower–upper band, peaks marked.
export function forecastChart(result) {
  const days = result.forecast;
  const lo = 0;
  const hi = Math.max(...days.map((d) => d.upper), 1);
  const s = scales(days.length, lo, hi);
  const root = frame(`Demand forecast for ${result.category}: ${Math.round(result.total_predicted)} units over ${days.length} days`);
  root.classList.add("forecast");
  axes(root, s, lo, hi, days.map((d) => short(d.date)));
  const band = [...days.map((d, i) => `${s.x(i)},${s.y(d.upper)}`),
    ...days.map((d, i) => `${s.x(i)},${s.y(d.lower)}`).reverse()].join(" ");
  root.append(svg("polygon", { points: band, class: "band" }));
  root.append(svg("polyline", { points: days.map((d, i) => `${s.x(i)},${s.y(d.predicted)}`).join(" "), class: "line" }));
  const index = new Map(days.map((d, i) => [d.date, i]));
  for (const p of result.seasonal_peaks || []) {
    const i = index.get(p.date);
    if (i === undefined) continue;
    const g = svg("g", { class: "peak" });
    g.append(svg("line", { x1: s.x(i), x2: s.x(i), y1: PAD.t, y2: H - PAD.b }));
    g.append(svg("circle", { cx: s.x(i), cy: s.y(days[i].predicted), r: 4 }));
    g.append(svg("text", { x: s.x(i) + 4, y: PAD.t + 10 }, p.reason));
    g.append(svg("title", {}, `${p.reason}: about ${Math.round(p.expected)} units on ${short(p.date)}`));
    root.append(g);
  }
  return root;
}

// A series over time: [{label, value}].
export function lineChart(points, label) {
  const hi = Math.max(...points.map((p) => p.value), 1);
  const s = scales(points.length, 0, hi);
  const root = frame(label);
  axes(root, s, 0, hi, points.map((p) => p.label));
  root.append(svg("polyline", { points: points.map((p, i) => `${s.x(i)},${s.y(p.value)}`).join(" "), class: "line" }));
  return root;
}

// Horizontal bars: [{label, value}], each bar labelled with its value.
export function barChart(rows, label, format = (v) => v.toLocaleString("en-IN")) {
  const h = 26 * rows.length + 8;
  const root = svg("svg", { viewBox: `0 0 ${W} ${h}`, role: "img", "aria-label": label, class: "chart bars" });
  root.append(svg("title", {}, label));
  const hi = Math.max(...rows.map((r) => r.value), 1);
  rows.forEach((r, i) => {
    const y = 4 + i * 26;
    const w = Math.max(2, (r.value / hi) * (W - 260));
    root.append(svg("text", { x: 0, y: y + 15, class: "tick" }, r.label.slice(0, 28)));
    root.append(svg("rect", { x: 190, y, width: w, height: 18, rx: 3, class: "bar" }));
    root.append(svg("text", { x: 196 + w, y: y + 14, class: "tick" }, format(r.value)));
  });
  return root;
}
