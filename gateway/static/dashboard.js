// The creator console's dashboard: sales, orders, top products, forecast and inbox, each a
// section filled from a REST endpoint; a section whose endpoint is missing says so quietly.
"use strict";

import { barChart, forecastChart, lineChart } from "/static/charts.js";

const rupees = (n) => `₹${Math.round(n).toLocaleString("en-IN")}`;

function section(board, title) {
  const s = document.createElement("section");
  const h = document.createElement("h2");
  h.textContent = title;
  s.append(h);
  board.append(s);
  return s;
}

function note(parent, text) {
  const p = document.createElement("p");
  p.className = "absent";
  p.textContent = text;
  parent.append(p);
}

async function getJSON(url, token, init = {}) {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
  if (!res.ok) throw new Error(String(res.status));
  return res.json();
}

// Fills ``board`` for the creator whose token is ``token``; returns when every section has loaded.
export async function loadDashboard(board, token) {
  board.replaceChildren();
  const sales = section(board, "Sales over time");
  const orders = section(board, "Orders by status");
  const top = section(board, "Top products");
  const golden = section(board, "Prices against the golden price");
  const forecast = section(board, "Demand forecast");
  const inbox = section(board, "Notifications");
  let data;
  try {
    data = await getJSON("/api/v1/creators/me/dashboard", token);
  } catch {
    note(sales, "Your figures could not be loaded.");
    return;
  }
  if (data.sales_by_month.length) {
    sales.append(lineChart(data.sales_by_month.map((m) => ({ label: m.month, value: m.total })), "Sales per month in rupees"));
  } else note(sales, "No sales yet.");
  const statuses = Object.entries(data.orders_by_status).map(([label, value]) => ({ label, value }));
  if (statuses.length) orders.append(barChart(statuses, "Orders by status"));
  else note(orders, "No orders yet.");
  if (data.top_products.length) {
    top.append(barChart(data.top_products.map((p) => ({ label: p.title, value: p.revenue })), "Top products by revenue", rupees));
  } else note(top, "No product has sold yet.");
  const listed = Object.entries(data.listings_by_status).map(([k, v]) => `${v} ${k}`).join(" · ");
  if (listed) note(top, `Listings: ${listed}`);

  const words = { within: "within range", below: "below range", above: "above range", unpriced: "no golden price yet" };
  const counts = Object.entries(data.golden_price_status || {});
  if (counts.length) {
    golden.append(barChart(counts.map(([k, v]) => ({ label: words[k] || k, value: v })), "Active listings by golden-price status"));
    if (data.off_golden_price.length) {
      const ul = document.createElement("ul");
      for (const p of data.off_golden_price) {
        const li = document.createElement("li");
        li.textContent = `${p.title} (${p.product_id}): ${rupees(p.price)}, golden ${rupees(p.golden_price)}`;
        ul.append(li);
      }
      golden.append(ul);
    }
  } else note(golden, "No active listings.");

  const jobs = [
    getJSON("/api/v1/tools/demand_forecast", token, { method: "POST",
      body: JSON.stringify({ category: data.category, horizon_days: 90, allow_fallback: true }) })
      .then((f) => {
        const fig = document.createElement("figure");
        fig.className = "widget";
        fig.append(forecastChart(f));
        const cap = document.createElement("figcaption");
        cap.textContent = `${f.category}: about ${Math.round(f.total_predicted)} units in ${f.horizon_days} days; make ${f.recommended_production}.`;
        fig.append(cap);
        forecast.append(fig);
      })
      .catch(() => note(forecast, "Not enough sales history for a forecast yet.")),
    getJSON("/api/v1/notifications?limit=5", token)
      .then((page) => {
        if (!page.items.length) { note(inbox, "Nothing new."); return; }
        const ul = document.createElement("ul");
        for (const n of page.items) {
          const li = document.createElement("li");
          li.textContent = n.message;
          if (!n.read_at) li.style.fontWeight = "600";
          ul.append(li);
        }
        inbox.append(ul);
        note(inbox, `${page.unread} unread`);
      })
      .catch(() => note(inbox, "The inbox is not available here.")),
  ];
  await Promise.all(jobs);
  board.dataset.loaded = "true";
}
