// Qalakar chat client: speaks the /ws/chat protocol (contracts §4). No build step.
"use strict";

export class ChatClient {
  constructor({ tokenUrl = "/auth/guest", token = null, onFrame }) {
    this.tokenUrl = tokenUrl;
    this.token = token;
    this.onFrame = onFrame;
    this.sessionId = sessionStorage.getItem("qalakar.session") || null;
    this.queue = [];
  }

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
    this.ws = new WebSocket(`${proto}://${location.host}/ws/chat?${params}`);
    this.ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      const frame = JSON.parse(ev.data);
      if (frame.type === "session") {
        this.sessionId = frame.session_id;
        sessionStorage.setItem("qalakar.session", frame.session_id);
      }
      if (frame.type === "error" && frame.error.code === "UNAUTHORIZED") {
        sessionStorage.removeItem("qalakar.token");
      }
      this.onFrame(frame);
    };
    this.ws.onclose = () => this.onFrame({ type: "_closed" });
    await new Promise((resolve, reject) => {
      this.ws.onopen = resolve;
      this.ws.onerror = reject;
    });
    this.queue.splice(0).forEach((f) => this.send(f));
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) this.queue.push(frame);
    else this.ws.send(JSON.stringify(frame));
  }

  say(text) { this.send({ type: "user_message", text, message_id: crypto.randomUUID() }); }
  confirm(actionId, approved) { this.send({ type: "confirm", action_id: actionId, approved }); }
  interrupt() { this.send({ type: "interrupt" }); }
}

// Renders frames into a transcript element: streamed replies, tool activity, confirmations.
export function mountChat(root, client) {
  const log = root.querySelector("[data-log]");
  // the message box, not the first form: the creator console has a sign-in form above it
  const input = root.querySelector('input[name="text"]');
  const form = input.form;
  let live = null;

  const add = (cls, text) => {
    const el = document.createElement("div");
    el.className = `msg ${cls}`;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  };

  // Product cards: a photo, the title and price, linking to the product page.
  const cards = (result) => {
    const items = result?.products || (result?.status === "active" && result.url ? [result] : []);
    if (!items.length) return;
    const box = document.createElement("div");
    box.className = "cards";
    for (const p of items.slice(0, 6)) {
      const a = document.createElement("a");
      a.className = "card";
      a.href = p.url || `/p/${p.id || p.product_id}`;
      a.target = "_blank";
      if (p.image_urls?.length) {
        const img = document.createElement("img");
        img.src = `${p.image_urls[0]}?size=thumb`;
        img.alt = p.title;
        a.appendChild(img);
      }
      const t = document.createElement("span");
      t.textContent = `${p.title} · ₹${Math.round(p.price).toLocaleString("en-IN")}`;
      a.appendChild(t);
      box.appendChild(a);
    }
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  };

  // A photo chosen in the conversation is uploaded, then named in the chat so the draft
  // being discussed takes it ("photo up-…").
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
      if (!res.ok) { add("error", `${out.error.code}: ${out.error.message}`); return; }
      add("user", `📷 ${file.name}`);
      client.say(`photo ${out.id}`);
    });
  }

  client.onFrame = (f) => {
    switch (f.type) {
      case "tool_call":
        add("tool", `⚙ ${f.name}(${Object.entries(f.args).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")})`);
        break;
      case "tool_result":
        add(f.ok ? "tool ok" : "tool fail", f.ok ? `✓ ${f.name}` : `✗ ${f.name}: ${f.result.error?.code}`);
        if (f.ok) cards(f.result);
        break;
      case "assistant_delta":
        if (!live) live = add("assistant streaming", "");
        live.textContent += f.text;
        break;
      case "assistant_message": {
        const el = live || add("assistant", "");
        el.classList.remove("streaming");
        el.textContent = f.text;
        el.dataset.role = "reply";
        if (f.citations && f.citations.length) {
          const c = document.createElement("div");
          c.className = "cites";
          c.textContent = "Sources: " + f.citations.map((x) => x.title || x.doc_id).join(", ");
          el.appendChild(c);
        }
        live = null;
        break;
      }
      case "confirm_request": {
        const box = add("confirm", f.prompt + " ");
        for (const [label, ok] of [["Yes", true], ["No", false]]) {
          const b = document.createElement("button");
          b.textContent = label;
          b.onclick = () => { client.confirm(f.action_id, ok); box.querySelectorAll("button").forEach((x) => (x.disabled = true)); };
          box.appendChild(b);
        }
        break;
      }
      case "error":
        add("error", `${f.error.code}: ${f.error.message}`);
        break;
      case "_closed":
        add("error", "Disconnected. Reload to reconnect.");
        break;
    }
  };

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    add("user", text);
    client.say(text);
    input.value = "";
  });
  return { add };
}
