// Qalakar microphone worklet: the AudioContext's rate in, 16 kHz PCM16 out, 40 ms a message
// (short frames let the server notice the end of speech sooner: it can only see silence arrive).
// Each output sample is the mean of the input samples it stands for (a box low-pass before
// decimation), so 44.1/48 kHz microphones do not alias into the speech band.
"use strict";

const OUT_RATE = 16000;
const BATCH = 640; // samples per message (40 ms)

class QalakarMic extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE; // input samples per output sample
    this.pos = 0; // fractional input position of the next output sample's end
    this.acc = 0;
    this.count = 0;
    this.out = new Int16Array(BATCH);
    this.fill = 0;
    this.energy = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.acc += channel[i];
      this.count += 1;
      this.pos += 1;
      if (this.pos >= this.step) {
        this.pos -= this.step;
        const v = Math.max(-1, Math.min(1, this.acc / this.count));
        this.energy += v * v;
        this.out[this.fill++] = v < 0 ? v * 0x8000 : v * 0x7fff;
        this.acc = 0;
        this.count = 0;
        if (this.fill === BATCH) {
          const rms = Math.sqrt(this.energy / BATCH);
          this.port.postMessage({ pcm: this.out.buffer, rms }, [this.out.buffer]);
          this.out = new Int16Array(BATCH);
          this.fill = 0;
          this.energy = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("qalakar-mic", QalakarMic);
