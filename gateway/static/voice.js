// Qalakar voice console: microphone in, live transcript, spoken reply out, over /ws/chat.
//
// Use: `mountVoice(container, client)` after `client.connect()` (client: chat.js ChatClient).
// It adds a microphone button (hold to talk; or switch on hands-free and just speak), a stop
// button, a live transcript line and an alert area; everything else stays with the page.
// Audio: getUserMedia → AudioWorklet (voice-worklet.js) → 16 kHz PCM16 binary frames while
// recording. The reply's PCM frames are scheduled for playback as they arrive. Barge-in:
// when the server's VAD hears speech (`speech_started`) or the stop button is pressed while a
// reply plays, playback stops at once and an `interrupt` frame goes out.
"use strict";

const WORKLET_URL = "/static/voice-worklet.js";

export class VoiceConsole {
  constructor(client, ui) {
    this.client = client;
    this.ui = ui;
    this.ctx = null;
    this.mic = null;
    this.node = null;
    this.recording = null; // "push_to_talk" | "hands_free" | null
    this.playRate = 22050;
    this.playAt = 0;
    this.sources = new Set();
    this.stats = { sentBytes: 0, audioBytes: 0, chunksPlayed: 0, transcripts: [], tools: [],
                   alerts: [], interrupts: 0, replies: 0 };
    this.language = null;
  }

  attach() {
    const ws = this.client.ws;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data === "string") this.onFrame(JSON.parse(ev.data));
      else this.onAudio(ev.data);
    });
  }

  async ensureAudio() {
    if (this.ctx) {
      if (this.ctx.state === "suspended") await this.ctx.resume();
      return;
    }
    this.ctx = new AudioContext();
    await this.ctx.audioWorklet.addModule(WORKLET_URL);
    this.mic = await navigator.mediaDevices.getUserMedia({
      // echo cancellation keeps the reply out of hands-free listening; the recogniser does better
      // on unprocessed speech than on what noise suppression and gain control leave of it
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
    });
    const source = this.ctx.createMediaStreamSource(this.mic);
    this.node = new AudioWorkletNode(this.ctx, "qalakar-mic");
    this.node.port.onmessage = (ev) => {
      if (!this.recording) return;
      this.client.ws.send(ev.data.pcm);
      this.stats.sentBytes += ev.data.pcm.byteLength;
      this.ui.level.value = Math.min(1, ev.data.rms * 8);
    };
    source.connect(this.node);
    // The worklet must be pulled by the graph to run; a muted gain keeps it silent.
    const mute = this.ctx.createGain();
    mute.gain.value = 0;
    this.node.connect(mute).connect(this.ctx.destination);
  }

  async start(mode) {
    await this.ensureAudio();
    if (this.recording) this.end();
    if (this.isPlaying()) this.interrupt();
    const frame = { type: "audio_start", format: "pcm_s16le", sample_rate: 16000, mode };
    if (this.language) frame.language = this.language;
    this.client.send(frame);
    this.recording = mode;
    this.ui.root.dataset.recording = mode;
    this.ui.mic.setAttribute("aria-pressed", "true");
  }

  end() {
    if (!this.recording) return;
    this.client.send({ type: "audio_end" });
    this.recording = null;
    delete this.ui.root.dataset.recording;
    this.ui.mic.setAttribute("aria-pressed", "false");
    this.ui.level.value = 0;
  }

  isPlaying() { return this.sources.size > 0; }

  stopPlayback() {
    for (const s of this.sources) { try { s.stop(); } catch (_) { /* already stopped */ } }
    this.sources.clear();
    this.playAt = 0;
    delete this.ui.root.dataset.playing;
  }

  interrupt() {
    this.cut = true; // frames of the cut reply still in flight are dropped
    this.stopPlayback();
    this.client.send({ type: "interrupt" });
    this.stats.interrupts += 1;
  }

  onAudio(buffer) {
    this.stats.audioBytes += buffer.byteLength;
    if (!this.ctx || this.cut) return;
    const pcm = new Int16Array(buffer, 0, buffer.byteLength >> 1);
    if (!pcm.length) return;
    const audio = this.ctx.createBuffer(1, pcm.length, this.playRate);
    const data = audio.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = pcm[i] / 32768;
    const src = this.ctx.createBufferSource();
    src.buffer = audio;
    src.connect(this.ctx.destination);
    const at = Math.max(this.ctx.currentTime + 0.02, this.playAt);
    src.start(at);
    this.playAt = at + audio.duration;
    this.sources.add(src);
    this.ui.root.dataset.playing = "true";
    src.onended = () => {
      this.sources.delete(src);
      this.stats.chunksPlayed += 1;
      if (!this.sources.size) delete this.ui.root.dataset.playing;
    };
  }

  onFrame(f) {
    const ui = this.ui;
    switch (f.type) {
      case "session":
        if (!this.language && f.language && ui.lang) ui.lang.dataset.profile = f.language;
        break;
      case "speech_started":
        ui.live.textContent = "…";
        if (this.isPlaying()) this.interrupt(); // barge-in
        break;
      case "transcript":
        ui.live.textContent = f.text || (f.final ? "(nothing heard)" : "…");
        ui.live.dataset.final = String(Boolean(f.final));
        if (f.final) this.stats.transcripts.push(f.text);
        break;
      case "tool_call":
        this.stats.tools.push(f.name);
        ui.activity.textContent = `⚙ ${f.name}`;
        break;
      case "tool_result":
        ui.activity.textContent = `${f.ok ? "✓" : "✗"} ${f.name}`;
        break;
      case "notification": {
        const el = document.createElement("div");
        el.className = `alert ${f.level || ""}`;
        el.setAttribute("role", "alert");
        el.textContent = f.text;
        ui.alerts.appendChild(el);
        this.stats.alerts.push(f.text);
        break;
      }
      case "audio_start":
        this.playRate = f.sample_rate || 22050;
        this.cut = false;
        this.stats.replies += 1;
        ui.root.dataset.replyLanguage = f.language || "en";
        break;
      case "audio_end":
        if (f.interrupted) this.stopPlayback();
        break;
      case "turn_end":
        if (f.interrupted) { this.cut = true; this.stopPlayback(); }
        ui.activity.textContent = "";
        break;
    }
  }
}

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

// Builds the voice controls inside `container` and wires them to `client` (already connected).
export function mountVoice(container, client) {
  const root = el("section", { class: "voice", "aria-label": "voice" });
  const mic = el("button", { type: "button", class: "mic", "aria-pressed": "false",
                             title: "Hold to talk" }, "🎤 Hold to talk");
  const handsFree = el("input", { type: "checkbox", name: "hands_free" });
  const handsLabel = el("label", {}, " Hands-free");
  handsLabel.prepend(handsFree);
  const stop = el("button", { type: "button", class: "stop", title: "Stop the reply" }, "■ Stop");
  const lang = el("select", { name: "voice_language", "aria-label": "spoken language" });
  for (const [code, name] of [["", "My language"], ["en", "English"], ["hi", "हिन्दी"]]) {
    lang.appendChild(el("option", { value: code }, name));
  }
  const level = el("meter", { min: "0", max: "1", value: "0", "aria-label": "microphone level" });
  const live = el("div", { class: "live", "aria-live": "polite", "data-live": "" });
  const activity = el("div", { class: "activity", "data-activity": "" });
  const alerts = el("div", { class: "alerts", "data-alerts": "" });
  root.append(mic, handsLabel, stop, lang, level, live, activity, alerts);
  container.appendChild(root);

  const voice = new VoiceConsole(client, { root, mic, level, live, activity, alerts, lang });
  voice.attach();
  lang.addEventListener("change", () => { voice.language = lang.value || null; });

  const press = async (ev) => {
    ev.preventDefault();
    if (handsFree.checked) return;
    await voice.start("push_to_talk");
  };
  const release = (ev) => {
    ev.preventDefault();
    if (voice.recording === "push_to_talk") voice.end();
  };
  mic.addEventListener("pointerdown", press);
  mic.addEventListener("pointerup", release);
  mic.addEventListener("pointerleave", release);
  mic.addEventListener("keydown", (ev) => { if (ev.key === " " && !ev.repeat) press(ev); });
  mic.addEventListener("keyup", (ev) => { if (ev.key === " ") release(ev); });
  handsFree.addEventListener("change", async () => {
    if (handsFree.checked) {
      mic.textContent = "🎤 Listening…";
      await voice.start("hands_free");
    } else {
      mic.textContent = "🎤 Hold to talk";
      voice.end();
    }
  });
  stop.addEventListener("click", () => voice.interrupt());
  window.qalakarVoice = voice; // for tests and the browser console
  return voice;
}
