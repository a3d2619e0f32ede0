// Qalakar chat client: speaks the /ws/chat protocol (contracts §4). No build step.
// ChatClient keeps one socket alive (reconnects with backoff, resends what the server never
// saw); mountChat renders its frames: streamed replies, cards, charts, confirmations.
"use strict";

import { forecastChart } from "/static/charts.js";

export const MAX_CHARS = 1000;  // the server allows more; a chat message past this is a paste
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
// A message or confirmation is answered when its turn ends (or it is refused with an error):
// a reply cut short by a server that died mid-turn was never kept there, so it is resent.
const ENDS = new Set(["turn_end", "error"]);

export class ChatClient {
  constructor({ tokenUrl = "/auth/guest", token = null, onFrame = () => {}, onStatus = () => {} } = {}) {
    this.tokenUrl = tokenUrl;
    this.token = token;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.sessionId = sessionStorage.getItem("qalakar.session") || null;
    this.queue = [];       // frames waiting for an open socket
    this.unanswered = [];  // messages and confirmations whose turn has not ended (resent on reconnect)
    this.attempt = 0;
    this.closed = false;
  }

  get online() { return !!this.ws && this.ws.readyState === WebSocket.OPEN; }

  async connect() {
    if (!this.token) {
      const cached = sessionStorage.getItem("qalakar.token");
      if (cached) this.token = cached;
      else {
        const res = await fetch(this.tokenUrl, { method: "POST" });
        const body = await res.json();
        this.token = body.token;
        sessionStorage.setItem("qalakar.token", this.token);
      }
    }
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const params = new URLSearchParams({ token: this.token });
    if (this.sessionId) params.set("session_id", this.sessionId);
    const ws = new WebSocket(`${proto}://${location.host}/ws/chat?${params}`);
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      const frame = JSON.parse(ev.data);
      if (frame.type === "session") {
        this.sessionId = frame.session_id;
        sessionStorage.setItem("qalakar.session", frame.session_id);
      }
      if (ENDS.has(frame.type)) this.unanswered.length = 0;  // answered; a resend is replayed
      if (frame.type === "error" && frame.error.code === "UNAUTHORIZED") {
        sessionStorage.removeItem("qalakar.token");
        this.token = null;
      }
      this.onFrame(frame);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.onStatus("offline");
      if (!this.closed) this.retry();
    };
    await new Promise((resolve, reject) => {
      ws.onopen = () => {
        this.attempt = 0;
        this.onStatus("online");
        this.onOpen?.(ws);
        // what never reached the server goes first, then what was typed while offline
        const again = this.unanswered.splice(0);
        [...again, ...this.queue.splice(0)].forEach((f) => this.send(f));
        resolve();
      };
      ws.onerror = reject;
    });
  }

  retry() {
    const wait = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.onStatus("offline", wait);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect().catch(() => {}), wait);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }

  send(frame) {
    if (!this.online) this.queue.push(frame);
    else {
      // The server deduplicates both: a message by its message_id, a confirmation by its action.
      if (frame.type === "user_message" || frame.type === "confirm") this.unanswered.push(frame);
      this.ws.send(JSON.stringify(frame));
    }
  }

  say(text, extra = {}) {
    this.send({ type: "user_message", text, message_id: crypto.randomUUID(), ...extra });
  }
  confirm(actionId, approved) { this.send({ type: "confirm", action_id: actionId, approved }); }
  interrupt() { this.send({ type: "interrupt" }); }
}

// What a person reads while a tool runs, instead of its name and arguments.
const ACTIVITY = {
  search_products: "Searching the marketplace…",
  recommend_similar: "Finding similar pieces…",
  heritage_lookup: "Reading about the craft…",
  heritage_trail: "Planning a trail…",
  craft_clusters: "Looking up craft clusters…",
  demand_forecast: "Forecasting demand…",
  suggest_price: "Working out a fair price…",
  update_price: "Changing the price…",
  list_orders: "Looking at your orders…",
  shipping_quote: "Pricing the shipping…",
};
const activityOf = (name) => ACTIVITY[name] || "Working on it…";
const rupees = (n) => `₹${Math.round(n).toLocaleString("en-IN")}`;

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k) e.append(k);
  return e;
}

// Product cards: photo, title, price, maker and distance, authenticity, link and "more like this".
export function productCards(items, onMore) {
  const box = el("div", { class: "cards", role: "list" });
  for (const p of items.slice(0, 8)) {
    const id = p.id || p.product_id;
    const card = el("article", { class: "card", role: "listitem" });
    const link = el("a", { href: p.url || `/p/${id}`, target: "_blank", class: "card-link" });
    if (p.image_urls?.length) {
      link.append(el("img", { src: `${p.image_urls[0]}?size=thumb`, alt: p.title, loading: "lazy" }));
    } else link.append(el("div", { class: "noimg", "aria-hidden": "true", text: "🏺" }));
    link.append(el("span", { class: "title", text: p.title }));
    card.append(link, el("span", { class: "price", text: rupees(p.price) }));
    const maker = [p.creator_name, p.region].filter(Boolean).join(", ");
    const where = [maker, p.distance_km != null ? `${Math.round(p.distance_km)} km away` : null]
      .filter(Boolean).join(" · ");
    if (where) card.append(el("span", { class: "maker", text: where }));
    if (p.authenticity_score != null) {
      // scores come as 0–100 (search) or 0–1 (older results)
      const score = Math.round(p.authenticity_score <= 1 ? p.authenticity_score * 100 : p.authenticity_score);
      card.append(el("span", { class: score >= 70 ? "badge ok" : "badge", text: score >= 70 ? `✓ Authentic ${score}%` : `Authenticity ${score}%` }));
    }
    if (onMore) {
      const more = el("button", { type: "button", class: "more", text: "More like this",
        "aria-label": `More like ${p.title}` });
      more.addEventListener("click", () => onMore(p));
      card.append(more);
    }
    box.append(card);
  }
  return box;
}

// Great-circle km between two stops (the trail gives coordinates, not legs).
function km(a, b) {
  const r = Math.PI / 180;
  const h = Math.sin((b.lat - a.lat) * r / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin((b.lon - a.lon) * r / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

// A trail: stops in order with the distance from the previous one.
function trailList(trail) {
  const stops = trail.stops || trail.waypoints || [];
  if (!stops.length) return null;
  const total = trail.distance_km != null ? ` (${Math.round(trail.distance_km)} km)` : "";
  const box = el("div", { class: "trail" }, el("strong", { text: `${trail.name || "Trail"}${total}` }));
  const ol = el("ol");
  stops.forEach((s, i) => {
    const prev = stops[i - 1];
    const d = s.distance_from_previous_km ?? (prev && prev.lat != null && s.lat != null ? km(prev, s) : null);
    ol.append(el("li", { text: `${s.name || s.creator_name || s.title}${d != null ? ` · +${Number(d).toFixed(0)} km` : ""}` }));
  });
  box.append(ol);
  return box;
}

// Renders frames into a transcript element; one instance per page, clients may change.
export function mountChat(root, initialClient, { role = "buyer", language = () => null, onResult } = {}) {
  const log = root.querySelector("[data-log]");
  const input = root.querySelector('[name="text"]');
  const form = input.form;
  const send = form.querySelector('button[type="submit"]');
  const stop = root.querySelector("[data-stop]");
  const status = root.querySelector("[data-status]");
  const chips = root.querySelector("[data-chips]");
  const announce = root.querySelector("[data-announce]");
  let client = null;
  let live = null;
  let activity = null;
  let typing = null;
  let errored = false;     // one error line per turn: the rest say the same
  const asked = new Map(); // action_id → confirmation box (a prompt is shown once)
  let lastPrompt = "";

  const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const follow = (was) => { if (was) log.scrollTop = log.scrollHeight; };
  const put = (node) => { const was = nearBottom(); log.append(node); follow(was); return node; };
  const add = (cls, text) => put(el("div", { class: `msg ${cls}`, text }));

  const busy = (on) => {
    if (stop) stop.hidden = !on;
    if (on && !typing) typing = put(el("div", { class: "typing", "aria-hidden": "true" }, el("span"), el("span"), el("span")));
    if (!on && typing) { typing.remove(); typing = null; }
  };
  const disableConfirms = () => asked.forEach((box) => box.querySelectorAll("button").forEach((b) => (b.disabled = true)));

  const setChips = (list) => {
    if (!chips) return;
    chips.replaceChildren(...list.slice(0, 4).map((text) => {
      const b = el("button", { type: "button", class: "chip", text });
      b.addEventListener("click", () => submit(text));
      return b;
    }));
  };

  const more = (p) => submit(`more like ${p.id || p.product_id}`);

  const widgets = (name, result) => {
    const suggestions = [];
    const products = result?.products || (result?.status === "active" && result.url ? [result] : []);
    if (products.length) {
      put(productCards(products, more));
      if (products[0].craft) suggestions.push(`What is ${products[0].craft}?`);
      const cheap = Math.round(Math.min(...products.map((p) => p.price)) * 0.8 / 100) * 100;
      if (name === "search_products" && cheap > 0) suggestions.push(`${products[0].craft || "similar"} under ${cheap}`);
    }
    if (Array.isArray(result?.forecast) && result.forecast.length) {
      const fig = el("figure", { class: "widget" });
      fig.append(forecastChart(result), el("figcaption", { text: `${result.category}: about ${Math.round(result.total_predicted)} units in ${result.horizon_days} days; make ${result.recommended_production}.` }));
      put(fig);
      suggestions.push("Suggest a price", "Show my pending orders");
    }
    for (const t of result?.heritage_trails || (result?.stops || result?.waypoints ? [result] : [])) {
      const list = trailList(t);
      if (list) put(list);
    }
    if (suggestions.length) setChips(suggestions);
    if (onResult) onResult(name, result);
  };

  const cite = (parent, citations) => {
    const seen = new Map();
    for (const c of citations || []) if (c.doc_id && !seen.has(c.doc_id)) seen.set(c.doc_id, c);
    if (!seen.size) return;
    const box = el("div", { class: "cites" }, "Sources: ");
    [...seen.values()].forEach((c, i) => {
      if (i) box.append(", ");
      const label = c.title || c.doc_id.replace(/^(cluster|story|craft)-/, "").replace(/-/g, " ");
      box.append(el("a", { href: `/heritage/${encodeURIComponent(c.doc_id)}`, target: "_blank", text: label }));
    });
    parent.append(box);
  };

  const confirmLabel = (f) => {
    if (f.name === "update_price") return `Yes, change the price to ${rupees(f.args.new_price)}`;
    if (f.name === "publish_listing") return "Yes, publish it";
    return "Yes, go ahead";
  };

  const onFrame = (f) => {
    switch (f.type) {
      case "history":
        if (log.querySelector(".msg")) break;  // a reconnect: the page already shows it
        for (const m of f.messages) add(m.role === "user" ? "user past" : "assistant past", m.text);
        break;
      case "tool_call":
        if (!activity) activity = add("activity", "");
        else if (activity.nextSibling) { activity.remove(); put(activity); }
        activity.textContent = activityOf(f.name);
        if (role === "creator") activity.title = f.name;
        break;
      case "tool_result":
        if (f.ok) widgets(f.name, f.result);
        break;
      case "assistant_delta": {
        if (typing) { typing.remove(); typing = null; }
        const was = nearBottom();
        if (!live) { live = el("div", { class: "msg assistant streaming" }); log.append(live); }
        live.textContent += f.text;
        follow(was);  // scroll as the streamed text grows, not only when a bubble is added
        break;
      }
      case "assistant_message": {
        activity = null;  // what was done stays in the transcript, as words
        if (!live && f.text && f.text === lastPrompt) break;  // the confirmation already says it
        const was = nearBottom();
        const msg = live || put(el("div", { class: "msg assistant" }));
        msg.classList.remove("streaming");
        msg.textContent = f.text;
        msg.dataset.role = "reply";
        cite(msg, f.citations);
        if (announce) announce.textContent = f.text;  // read once, finished
        follow(was);
        live = null;
        break;
      }
      case "confirm_request": {
        if (live && live.textContent.trim() === f.prompt.trim()) { live.remove(); live = null; }
        if (asked.has(f.action_id)) break;
        lastPrompt = f.prompt;
        const box = add("confirm", "");
        box.append(el("p", { text: f.prompt }));
        if (f.preview?.jump) box.classList.add("warn");
        const row = el("div", { class: "actions" });
        for (const [label, ok] of [[confirmLabel(f), true], ["No, leave it as it is", false]]) {
          const b = el("button", { type: "button", class: ok ? "yes" : "no", text: label });
          b.addEventListener("click", () => { disableConfirms(); client.confirm(f.action_id, ok); busy(true); });
          row.append(b);
        }
        box.append(row);
        asked.set(f.action_id, box);
        row.querySelector("button").focus();
        break;
      }
      case "notification":
        add("notice", f.text).setAttribute("role", "status");
        break;
      case "error": {
        if (errored) break;
        errored = true;
        const m = add("error", friendly(f.error));
        m.setAttribute("role", "alert");
        break;
      }
      case "turn_end":
        busy(false);
        activity = null;
        if (live) { live.classList.remove("streaming"); live = null; }
        errored = false;
        break;
    }
  };

  const onStatus = (state, wait) => {
    const off = state === "offline";
    input.disabled = off;
    send.disabled = off;
    root.classList.toggle("offline", off);
    if (status) {
      status.hidden = !off;
      status.textContent = off ? `Offline — reconnecting${wait ? ` in ${Math.ceil(wait / 1000)} s` : ""}…` : "";
    }
    if (off) busy(false);
    if (!off && document.activeElement === document.body) input.focus();
  };

  function submit(text) {
    text = text.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      const m = add("error", `That message is ${text.length.toLocaleString("en-IN")} characters; please keep it under ${MAX_CHARS.toLocaleString("en-IN")} (a sentence or two works best).`);
      m.setAttribute("role", "alert");
      return;
    }
    disableConfirms();  // a typed "yes" answers the confirmation: its buttons are spent
    add("user", text);
    const lang = language();
    client.say(text, lang ? { language: lang } : {});
    busy(true);
    input.value = "";
    if (chips) chips.replaceChildren();
  }

  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(input.value); });
  if (stop) stop.addEventListener("click", () => { client.interrupt(); busy(false); });

  // A photo chosen in the conversation is uploaded, then named so the draft takes it.
  const photo = root.querySelector('input[type="file"][name="photo"]');
  if (photo) {
    photo.addEventListener("change", async () => {
      const file = photo.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      const res = await fetch("/api/v1/uploads", { method: "POST", body,
        headers: { authorization: `Bearer ${client.token}` } });
      const out = await res.json();
      photo.value = "";
      if (!res.ok) { add("error", friendly(out.error)).setAttribute("role", "alert"); return; }
      add("user", `📷 ${file.name}`);
      client.say(`photo ${out.id}`);
    });
  }

  const use = (next) => {
    if (client && client !== next) client.close();
    client = next;
    client.onFrame = onFrame;
    client.onStatus = onStatus;
  };
  if (initialClient) use(initialClient);
  return { add, use, submit, clear: () => { log.replaceChildren(); asked.clear(); } };
}

// An error as a person should read it (the code stays in the title for support).
export function friendly(error) {
  const words = {
    RATE_LIMITED: "You're sending messages quickly; please wait a moment.",
    PAYLOAD_TOO_LARGE: "That was too long for me; please shorten it.",
    FORBIDDEN: "That isn't something this account can do.",
    UPSTREAM_UNAVAILABLE: "A service I need is unavailable; please try again shortly.",
    INTERNAL_ERROR: "Something went wrong on our side; please try again.",
  };
  return words[error?.code] || error?.message || "Something went wrong.";
}
