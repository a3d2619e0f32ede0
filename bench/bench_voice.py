"""Voice benchmark: spoken requests end to end over the websocket.

Recognition speed and accuracy (with and without vocabulary biasing), time to first spoken audio,
gateway memory, and Hindi recognition.

Utterances are synthesized (synthetic speech): request texts from the project's own eval sets
(``evals/datasets/smoke.jsonl`` and ``core.jsonl``; never the independent sets) spoken by Piper
(``en_US-joe-medium``, steady: no sampling noise, so every run hears the same recordings) and
by espeak-ng (``en-us``, a different voice at a faster rate), each clean and with white noise at
15 dB SNR.

- STT (in process, ``tiny.en`` int8): warm real-time factor, WER with no biasing, with hotwords
  (craft, town and marketplace words) and with an initial prompt; tool accuracy follows from
  the end-to-end run.
- End to end: the gateway runs as its own process (``qalakar serve``) over a seeded SQLite
  marketplace; each utterance is streamed in 40 ms PCM16 frames (as the console sends them) at
  real-time pace in hands-free mode (``language: "en"``), followed by silence; the VAD ends it.
  Latency is from the moment the last frame containing speech was sent to the first binary frame
  of the spoken reply. The baseline, measured in the same run, is push-to-talk over the same socket
  (``audio_end`` sent right at the end of speech, so no endpointing wait).
- TTS: time to the first phrase's audio with the phrasing the gateway uses, against
  synthesizing the whole reply first (the old behaviour).
- Memory: the peak RSS (VmHWM) of the largest gateway worker process after the run, with
  tiny.en, Piper and the VAD loaded (the supervisor holds no models).
- Stages: p50/p95 of the server's own latency fields for each turn (endpointing wait,
  transcription left after the end, the agent's turn, the first phrase's synthesis).
- Hindi: espeak-ng's Hindi voice read by the multilingual ``base`` model (``language="hi"``):
  word and character error rates, as measured.

Run: ``python -m bench.bench_voice`` (``--quick`` for 24 end-to-end utterances instead of 48).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import figure, report, summary
from evals.dataset import parse_case
from evals.matching import match_calls
from evals.voice import add_noise, edit_distance, wer
from voice.audio import STT_RATE, Audio
from voice.stt import WhisperSTT
from voice.tts import EspeakTTS, phrases, shared_tts, speakable

ROOT = Path(__file__).resolve().parent.parent
DATASETS = [ROOT / "evals" / "datasets" / "smoke.jsonl", ROOT / "evals" / "datasets" / "core.jsonl"]
N_TEXTS = 12
NOISE_SNR_DB = 15.0
FRAME_S = 0.04  # what the console's worklet sends (gateway/static/voice-worklet.js)
HINDI = [
    "मेरे बाकी ऑर्डर दिखाओ",
    "मेरी साड़ी का सही दाम बताओ",
    "जयपुर के पास नीली मिट्टी के बर्तन दिखाओ",
    "मेरे उत्पाद का दाम दो हज़ार रुपये कर दो",
    "बनारसी रेशम की साड़ी पाँच हज़ार रुपये से कम",
    "मेरे कितने ऑर्डर पहुँच गए",
    "अगले महीने की माँग का अनुमान बताओ",
    "मधुबनी चित्रकला का इतिहास क्या है",
]
REPLIES = [
    "You have 4 pending orders: o-003609: Hand-painted blue pottery plate with vine motif, "
    "₹1,745 to Chennai; o-003600: Hand-painted blue pottery door knob, ₹1,204 to Jaipur.",
    "I found 6 Banarasi silk sarees near Varanasi under ₹6,000. The closest is 3 km away.",
    "A fair price for this saree is about ₹4,200, between ₹3,800 and ₹4,700, based on 12 "
    "similar listings and the hours of work.",
    "Namaste! I can show your orders, find crafts near a place, or suggest a fair price.",
    "Shipping 2 kg from Bhuj to Delhi costs about ₹310 by surface, in 5 days.",
]


def cases() -> list[dict[str, Any]]:
    """Single-turn requests with expected tool calls, no deliberate misspellings."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in DATASETS:
        for line in path.read_text().splitlines():
            case = parse_case(line)
            turn = case.turns[0]
            text = turn.reference
            if (len(case.turns) != 1 or not text or text in seen or "asr" in case.tags
                    or "typo" in case.tags or turn.expect is not None
                    or not case.expect or not case.expect.tool_calls):
                continue
            seen.add(text)
            out.append({"id": case.id, "text": text, "role": case.role,
                        "user": case.user_id or ("c-0003" if case.role == "creator" else "b-0001"),
                        "calls": case.expect.tool_calls})
    # a spread of tools: alternate order requests and searches
    orders = [c for c in out if c["calls"][0].name == "list_orders"]
    others = [c for c in out if c["calls"][0].name != "list_orders"]
    mixed = [c for pair in zip(orders, others, strict=False) for c in pair]
    return mixed[:N_TEXTS]


def trimmed(audio: Audio) -> np.ndarray:
    """16 kHz samples with the synthesizer's leading and trailing silence cut."""
    samples = audio.resampled(STT_RATE).samples
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    if not len(loud):
        return samples
    return samples[max(0, loud[0] - 800):loud[-1] + 800]


def utterances(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text by Piper and espeak-ng, clean and noisy."""
    # a steady Piper voice (no sampling noise): the same recordings every run, as the evals use
    piper, espeak = shared_tts(steady=True), EspeakTTS("en-us", rate_wpm=185)
    out = []
    for i, item in enumerate(items):
        for voice_name, tts in (("piper", piper), ("espeak", espeak)):
            clean = Audio(trimmed(tts.synthesize(item["text"])), STT_RATE)
            for noise in (None, NOISE_SNR_DB):
                audio = clean if noise is None else add_noise(clean, noise, seed=i)
                out.append({**item, "voice": voice_name, "snr_db": noise, "audio": audio})
    return out


def stt_figures(utts: list[dict[str, Any]]) -> dict[str, Any]:
    """RTF and WER of tiny.en without biasing, with hotwords, with an initial prompt."""
    from gateway.speech import hotwords

    words = hotwords()
    configs = {"none": {}, "hotwords": {"hotwords": words},
               "prompt": {"prompt": words}}
    out: dict[str, Any] = {}
    for name, kwargs in configs.items():
        stt = WhisperSTT(**kwargs)
        stt.transcribe(utts[0]["audio"])  # warm
        errors = total = 0
        rtfs: list[float] = []
        for u in utts:
            started = time.perf_counter()
            heard = stt.transcribe(u["audio"], "en")
            rtfs.append((time.perf_counter() - started) / u["audio"].seconds)
            e, n = wer(u["text"], heard)
            errors, total = errors + e, total + n
            u.setdefault("heard", {})[name] = heard
        out[name] = {"wer": errors / total, "rtf_p50": statistics.median(rtfs)}
    return out


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gateway(tmp: Path) -> tuple[subprocess.Popen, int]:
    """``qalakar seed`` then ``qalakar serve`` in their own processes; waits for /readyz."""
    import httpx

    env = {**os.environ, "QALAKAR_DATABASE_URL": f"sqlite:///{tmp}/q.db",
           "QALAKAR_DATA_DIR": str(tmp), "QALAKAR_DEV_AUTH": "1",
           "QALAKAR_RATE_LIMIT_TURNS_PER_MINUTE": "0", "QALAKAR_RATE_LIMIT_PER_MINUTE": "0",
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "gateway.cli", "seed", "--seed", "42"], env=env,
                   check=True, capture_output=True, cwd=ROOT)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the gateway did not become ready")


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of process ``pid`` (Linux ``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux ``/proc/PID/task/TID/children``)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            out += [int(child), *descendants(int(child))]
    return out


def worker_peak_rss_mb(pid: int) -> dict[str, float]:
    """Peak RSS of the gateway's worker processes (the largest) and of its supervisor.

    ``qalakar serve`` runs one worker process per core below a supervisor that holds no models;
    each worker loads its own speech models, so the figure that matters is the largest worker.
    """
    workers = [peak_rss_mb(child) for child in descendants(pid)]
    return {"worker_max": max(workers, default=peak_rss_mb(pid)), "workers": len(workers),
            "supervisor": peak_rss_mb(pid)}


STAGES = ("endpoint", "stt", "turn", "tts_first")


def stage_breakdown(turns: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """p50/p95 of each stage of the server's ``turn_end`` latency, in ms.

    ``endpoint``: from the VAD's speech end to the moment the utterance was known to be over
    (the silence wait); ``stt``: transcription left after that; ``turn``: the agent's turn;
    ``tts_first``: from the turn's end to the first reply audio (the first phrase's synthesis).
    """
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    for r in turns:
        lat = r["server_ms"]
        if "first_audio" not in lat:
            continue
        for name in ("endpoint", "stt", "turn"):
            if name in lat:
                stages[name].append(lat[name])
        stages["tts_first"].append(lat["first_audio"] - lat.get("stt", 0) - lat.get("turn", 0))
    return {name: summary(values) for name, values in stages.items() if values}


async def spoken_turn(port: int, u: dict[str, Any], mode: str) -> dict[str, Any]:
    """Stream one utterance at real-time pace; what came back and how fast."""
    import httpx
    from websockets.asyncio.client import connect

    async with httpx.AsyncClient() as client:
        res = await client.post(f"http://127.0.0.1:{port}/auth/dev-token",
                                json={"user_id": u["user"], "role": u["role"]})
        token = res.json()["token"]
    pcm = u["audio"].to_pcm16()
    step = int(STT_RATE * FRAME_S) * 2
    silence = b"\x00\x00" * int(STT_RATE * FRAME_S)
    frames: list[dict[str, Any]] = []
    first_audio = None
    async with connect(f"ws://127.0.0.1:{port}/ws/chat?token={token}",
                       max_size=8_000_000) as ws:
        await ws.recv()  # session
        await ws.send(json.dumps({"type": "audio_start", "format": "pcm_s16le",
                                  "sample_rate": STT_RATE, "language": "en", "mode": mode}))
        t0 = time.perf_counter()
        for n, i in enumerate(range(0, len(pcm), step)):
            await ws.send(pcm[i:i + step])
            await asyncio.sleep(max(0.0, t0 + (n + 1) * FRAME_S - time.perf_counter()))
        speech_end = time.perf_counter()
        if mode == "push_to_talk":
            await ws.send(json.dumps({"type": "audio_end"}))

        async def pad() -> None:  # hands-free: the microphone keeps sending silence
            while True:
                await ws.send(silence)
                await asyncio.sleep(FRAME_S)

        padding = asyncio.ensure_future(pad()) if mode == "hands_free" else None
        try:
            async with asyncio.timeout(60):
                while True:
                    raw = await ws.recv()
                    if isinstance(raw, bytes):
                        first_audio = first_audio or time.perf_counter()
                        continue
                    frame = json.loads(raw)
                    frames.append(frame)
                    if frame["type"] == "turn_end":
                        break
        finally:
            if padding is not None:
                padding.cancel()
    calls = [{"name": f["name"], "args": f.get("args") or {}}
             for f in frames if f["type"] == "tool_call"]
    final = next((f["text"] for f in frames if f["type"] == "transcript" and f["final"]), "")
    partials = sum(1 for f in frames if f["type"] == "transcript" and not f["final"])
    return {"latency_ms": (first_audio - speech_end) * 1000 if first_audio else None,
            "tool_ok": match_calls(u["calls"], calls).args_ok, "heard": final,
            "partials": partials,
            "server_ms": next(f["latency_ms"] for f in frames if f["type"] == "turn_end")}


def tts_figures() -> dict[str, Any]:
    """Speech synthesis speed figures (the first phrase cut as the gateway cuts it)."""
    from gateway.speech import FIRST_PHRASE_CHARS

    tts = shared_tts()
    tts.synthesize("Warm up.")
    first, whole = [], []
    for reply in REPLIES * 2:
        text = speakable(reply)
        started = time.perf_counter()
        tts.synthesize(phrases(text, first_limit=FIRST_PHRASE_CHARS)[0])
        first.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        tts.synthesize(text)
        whole.append((time.perf_counter() - started) * 1000)
    espeak = EspeakTTS("hi")
    hindi = []
    for text in HINDI:
        started = time.perf_counter()
        espeak.synthesize(text)
        hindi.append((time.perf_counter() - started) * 1000)
    return {"first": summary(first), "whole": summary(whole), "espeak_hi": summary(hindi)}


def hindi_words(text: str) -> list[str]:
    """Words of Devanagari text (whitespace-separated; the WER regex would split at matras)."""
    return re.sub(r"[।॥,.?!\"']", " ", text).split()


def hindi_figures() -> dict[str, Any]:
    """Hindi recognition figures (the multilingual model)."""
    from voice.stt import MULTILINGUAL_STT_MODEL

    stt = WhisperSTT(MULTILINGUAL_STT_MODEL)
    espeak = EspeakTTS("hi", rate_wpm=150)
    werr = wtot = cerr = ctot = 0
    samples = []
    rtfs = []
    for text in HINDI:
        audio = espeak.synthesize(text)
        started = time.perf_counter()
        heard = stt.transcribe(audio, "hi")
        rtfs.append((time.perf_counter() - started) / audio.seconds)
        said_words, heard_words = hindi_words(text), hindi_words(heard)
        werr += edit_distance(said_words, heard_words)
        wtot += len(said_words)
        ref, hyp = list(text.replace(" ", "")), list(heard.replace(" ", ""))
        cerr, ctot = cerr + edit_distance(ref, hyp), ctot + len(ref)
        samples.append({"said": text, "heard": heard})
    return {"wer": werr / wtot, "cer": cerr / ctot, "rtf_p50": statistics.median(rtfs),
            "samples": samples[:4]}


def main() -> None:
    """Run the voice benchmark (``--quick`` for a short run) and write its figures."""
    quick = "--quick" in sys.argv
    load_before = os.getloadavg()
    items = cases()
    utts = utterances(items)
    stt = stt_figures(utts)
    tts = tts_figures()
    hindi = hindi_figures()
    e2e_utts = utts[::2] if quick else utts
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        proc, port = start_gateway(Path(tmp))
        try:
            asyncio.run(spoken_turn(port, utts[0], "push_to_talk"))  # load the models
            hands = [asyncio.run(spoken_turn(port, u, "hands_free")) for u in e2e_utts]
            ptt = [asyncio.run(spoken_turn(port, u, "push_to_talk")) for u in e2e_utts[:12]]
            rss = worker_peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    lat = [r["latency_ms"] for r in hands if r["latency_ms"] is not None]
    ptt_lat = [r["latency_ms"] for r in ptt if r["latency_ms"] is not None]
    acc = sum(r["tool_ok"] for r in hands) / len(hands)
    by_kind: dict[str, list[bool]] = {}
    for u, r in zip(e2e_utts, hands, strict=True):
        kind = f"{u['voice']}{'+noise' if u['snr_db'] else ''}"
        by_kind.setdefault(kind, []).append(r["tool_ok"])
    best = min(("hotwords", "prompt"), key=lambda k: stt[k]["wer"])
    figures = {
        "end_of_speech_to_first_audio_p95_hands_free": figure(
            summary(lat)["p95"], "ms", baseline=summary(ptt_lat)["p95"], target="<= 700 ms",
            note=f"p50 {summary(lat)['p50']} ms over {len(lat)} utterances; includes the "
                 f"{os.environ.get('QALAKAR_VAD_SILENCE_MS', '500')} ms endpointing silence; "
                 "baseline: push-to-talk p95 (no endpointing wait)"),
        "end_of_speech_to_first_audio_p95_push_to_talk": figure(
            summary(ptt_lat)["p95"], "ms", note=f"p50 {summary(ptt_lat)['p50']} ms"),
        "stt_rtf_warm_p50": figure(stt["hotwords"]["rtf_p50"], "x realtime",
                                   baseline=stt["none"]["rtf_p50"], target="<= 0.10",
                                   note="tiny.en int8, hotwords on; baseline: no biasing"),
        "stt_wer_no_bias": figure(stt["none"]["wer"], "WER"),
        "stt_wer_hotwords": figure(stt["hotwords"]["wer"], "WER", baseline=stt["none"]["wer"]),
        "stt_wer_prompt": figure(stt["prompt"]["wer"], "WER", baseline=stt["none"]["wer"]),
        "tts_first_audio_p50": figure(tts["first"]["p50"], "ms",
                                      baseline=tts["whole"]["p50"], target="<= 150 ms",
                                      note=f"p95 {tts['first']['p95']} ms; baseline: whole reply"),
        "tts_espeak_hindi_p50": figure(tts["espeak_hi"]["p50"], "ms"),
        "tool_accuracy_spoken": figure(acc, "fraction", target=">= 0.90",
                                       note=json.dumps({k: round(sum(v) / len(v), 2)
                                                        for k, v in by_kind.items()})),
        "gateway_peak_rss": figure(rss["worker_max"], "MB", target="<= 1200 MB",
                                   note=f"the largest of {rss['workers']} worker processes "
                                        f"(VmHWM); supervisor {rss['supervisor']:.0f} MB"),
        "hindi_wer_base_espeak": figure(hindi["wer"], "WER",
                                        note=f"CER {hindi['cer']:.2f}; synthetic espeak-ng voice"),
        "hindi_rtf_base_p50": figure(hindi["rtf_p50"], "x realtime"),
    }
    report("voice", figures, load_average_before=load_before, load_average_after=os.getloadavg(),
           utterances=len(utts), end_to_end=len(hands), best_bias=best,
           misheard=[{"said": u["text"], "voice": u["voice"], "noise": u["snr_db"],
                      "heard": r["heard"]} for u, r in zip(e2e_utts, hands, strict=True)
                     if not r["tool_ok"]][:12],
           hindi_samples=hindi["samples"],
           partials_per_turn=statistics.mean(r["partials"] for r in hands),
           stages_hands_free_ms=stage_breakdown(hands), stages_push_to_talk_ms=stage_breakdown(ptt))


if __name__ == "__main__":
    main()
