"""Spoken tool accuracy in process: synthesized requests → the gateway's STT → the planner.

A fast instrument for what ``bench_voice`` measures end to end over the websocket (its "tool
accuracy on spoken requests"), on many more texts and without the socket, so recognition and
transcript repair can be tuned and the figure reproduced.

- Texts: single-turn English requests with expected tool calls from the own sets (``smoke``,
  ``core``) and the DEV sets (``independent_dev``, ``independent_dev2``); never the TEST sets.
  Hindi, Hinglish and Devanagari requests are left out (``tiny.en`` does not hear them).
- Halves: each case goes to ``tune`` or ``held`` by a hash of its id (stable across runs), so a
  change chosen on the tuning half is judged on texts it was not chosen on.
- Speech: Piper (``en_US-joe-medium``) and espeak-ng (``en-us``, 185 wpm), each clean and with
  white noise at 15 dB SNR (``evals.voice.add_noise``), as ``bench_voice.utterances`` does.
  Clean audio is cached under ``/tmp/qalakar-spoken/audio``; transcripts per recognizer
  configuration under ``/tmp/qalakar-spoken/stt`` (so a repair change costs only the planner).
- Recognition: the gateway's configuration (``Speech.stt_for("en")``: ``tiny.en``, its beam and
  hotwords). ``--path endpoint`` runs the hands-free path instead: the audio in 100 ms frames
  followed by silence through ``voice.streaming.Listener`` (Silero VAD endpointing), the
  transcript being what the VAD-cut utterance gave.
- Planning: the in-process assistant (``gateway.wiring.open_assistant``, the embedded planner)
  over a seeded SQLite marketplace; calls matched as ``evals.matching.match_calls`` does
  (names and arguments). The typed text itself is planned too: the ceiling a perfect
  recognizer would reach.
- Repair: the transcript goes through ``agents.nlu.spoken.repair`` (as the gateway does for
  voice turns) unless ``--no-repair``.

Run: ``python -m bench.bench_spoken`` (``--quick`` for a third of the texts).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import figure, report
from evals.dataset import load_datasets
from evals.matching import match_calls
from evals.targets import EventCollector
from evals.voice import add_noise, wer
from voice.audio import STT_RATE, Audio, read_wav

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("smoke", "core", "independent_dev", "independent_dev2")
CACHE = Path("/tmp/qalakar-spoken")
NOISE_SNR_DB = 15.0
FRAME_S = 0.1
CONDITIONS = (("piper", None), ("piper", NOISE_SNR_DB), ("espeak", None), ("espeak", NOISE_SNR_DB))
SKIP_TAGS = {"hindi", "hinglish", "typo", "asr"}


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def half_of(case_id: str) -> str:
    """``tune`` or ``held``, by a hash of the case id (stable, about half each)."""
    return "tune" if int(hashlib.sha1(case_id.encode()).hexdigest(), 16) % 2 == 0 else "held"


def cases() -> list[dict[str, Any]]:
    """Single-turn English requests with expected tool calls (own and DEV sets), no repeats."""
    paths = [ROOT / "evals" / "datasets" / f"{name}.jsonl" for name in DATASETS]
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for loaded in load_datasets(paths):
        case = loaded.case
        if len(case.turns) != 1 or SKIP_TAGS & set(case.tags):
            continue
        text = case.turns[0].reference or case.turns[0].user
        expect = case.expectation(0)
        if (not text or text in seen or expect is None or not expect.tool_calls
                or any("\u0900" <= ch <= "\u097f" for ch in text)):
            continue
        seen.add(text)
        out.append({"id": case.id, "text": text, "role": case.role, "user": case.user_id,
                    "calls": expect.tool_calls, "half": half_of(case.id),
                    "source": loaded.source.stem})
    return out


# -- audio ---------------------------------------------------------------------------------
def _engines() -> dict[str, Any]:
    from voice.tts import EspeakTTS, shared_tts

    return {"piper": shared_tts(), "espeak": EspeakTTS("en-us", rate_wpm=185)}


def clean_audio(text: str, voice: str, engines: dict[str, Any]) -> Audio:
    """The text spoken by ``voice``, trimmed, at 16 kHz (cached on disk)."""
    from bench.bench_voice import trimmed

    path = CACHE / "audio" / voice / f"{_digest(text)}.wav"
    if path.is_file():
        return read_wav(path)
    audio = Audio(trimmed(engines[voice].synthesize(text)), STT_RATE)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(audio.to_wav())
    tmp.rename(path)
    return audio


def condition_audio(item: dict[str, Any], voice: str, snr_db: float | None,
                    engines: dict[str, Any]) -> Audio:
    """One condition's audio (noise seeded by the text, so it is the same every run)."""
    audio = clean_audio(item["text"], voice, engines)
    if snr_db is None:
        return audio
    return add_noise(audio, snr_db, seed=int(_digest(item["text"]), 16) % (2**31))


# -- recognition ---------------------------------------------------------------------------
def gateway_stt(beam: int | None = None, bias: str = "gateway") -> tuple[Any, str]:
    """The recognizer the gateway uses for English, and a key naming its configuration.

    ``bias`` other than ``gateway`` tries another biasing with the same model and beam:
    ``none`` (no hotwords), ``prompt`` (the hotwords as Whisper's initial prompt instead).
    """
    from gateway.settings import Settings
    from gateway.speech import Speech, hotwords
    from voice.stt import WhisperSTT

    settings = Settings(_env_file=None)
    if beam is not None:
        settings = settings.model_copy(update={"stt_beam_size": beam})
    if bias == "gateway":
        stt = Speech(settings).stt_for("en")
    else:
        words = hotwords()
        stt = WhisperSTT(settings.stt_model, beam_size=settings.stt_beam_size,
                         hotwords=words if bias == "hotwords" else None,
                         prompt=words if bias == "prompt" else None)
    key = _digest(json.dumps([settings.stt_model, stt.beam_size, stt.hotwords, stt.prompt,
                              getattr(stt, "options", None),
                              getattr(stt, "window_frames", None)]))
    return stt, f"beam{stt.beam_size}-{key}"


def endpointed(stt: Any, audio: Audio, silence_ms: float) -> str:
    """What the hands-free path hears: 100 ms frames, then silence, cut by the VAD."""
    from voice.streaming import Listener

    listener = Listener(stt, language="en", silence_ms=silence_ms, hands_free=True)
    step = int(STT_RATE * FRAME_S)
    samples = np.concatenate([audio.samples, np.zeros(STT_RATE * 2, dtype=np.float32)])
    for i in range(0, len(samples), step):
        event = listener.push(samples[i:i + step])
        if event.ended is not None and listener.in_utterance:
            return listener.finish(event.ended).text
    return listener.finish(None).text if listener.in_utterance else ""


def transcripts(items: list[dict[str, Any]], path: str, beam: int | None, silence_ms: float,
                bias: str = "gateway") -> list[dict[str, Any]]:
    """Every item in every condition with what the recognizer heard (cached per configuration)."""
    stt, key = gateway_stt(beam, bias)
    if path == "endpoint":
        key += f"-endpoint{int(silence_ms)}"
    cache_file = CACHE / "stt" / f"{key}.json"
    cache: dict[str, str] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    engines: dict[str, Any] | None = None
    out, fresh, stt_s, audio_s = [], 0, 0.0, 0.0
    for item in items:
        for voice, snr in CONDITIONS:
            ukey = f"{voice}:{snr}:{_digest(item['text'])}"
            if ukey not in cache:
                engines = engines or _engines()
                audio = condition_audio(item, voice, snr, engines)
                started = time.perf_counter()
                cache[ukey] = (endpointed(stt, audio, silence_ms) if path == "endpoint"
                               else stt.transcribe(audio, "en"))
                stt_s += time.perf_counter() - started
                audio_s += audio.seconds
                fresh += 1
                if fresh % 50 == 0:
                    _save(cache_file, cache)
            out.append({**item, "voice": voice, "snr_db": snr, "heard": cache[ukey]})
    _save(cache_file, cache)
    if fresh:
        print(f"transcribed {fresh} utterances: {stt_s / audio_s:.3f} x real time "
              f"(load {os.getloadavg()[0]:.1f})")
    return out


def _save(path: Path, cache: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(cache, indent=0, sort_keys=True))
    tmp.rename(path)


# -- planning ------------------------------------------------------------------------------
def seeded_store(workdir: Path) -> str:
    """A database URL for a fresh copy of the seeded marketplace (seeded once, then copied)."""
    from domain.seed import seed
    from domain.store import Store

    master = CACHE / "seed42.db"
    if not master.is_file():
        master.parent.mkdir(parents=True, exist_ok=True)
        tmp = master.with_suffix(f".{os.getpid()}.tmp")
        seed(Store.from_url(f"sqlite:///{tmp}"), seed=42, reset=True, progress=False)
        tmp.rename(master)
    shutil.copyfile(master, workdir / "q.db")
    return f"sqlite:///{workdir}/q.db"


async def plan_all(requests: list[tuple[str, dict[str, Any]]], workdir: Path) -> list[bool]:
    """Whether the planner's calls for each ``(text, item)`` match the item's expected calls."""
    from domain.store import Store
    from evals.targets import fresh_user_id
    from gateway.settings import Settings
    from gateway.wiring import open_assistant

    url = seeded_store(workdir)
    # the data dir (the heritage index, built on first use) is kept between runs; the store not
    data_dir = CACHE / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, database_url=url, _env_file=None)
    verdicts: list[bool] = []
    async with open_assistant(settings, store=Store.from_url(url)) as assistant:
        for text, item in requests:
            collector = EventCollector(knows_asks_for=True)
            async for event in assistant.stream(
                    text=text or "", user_id=item["user"] or fresh_user_id(item["role"]),
                    role=item["role"], session_id=assistant.new_session_id()):
                collector.feed(event)
            verdicts.append(match_calls(item["calls"], collector.obs.tool_calls).args_ok)
    return verdicts


# -- figures -------------------------------------------------------------------------------
def condition_name(voice: str, snr: float | None) -> str:
    """``piper``, ``piper+noise``, ``espeak``, ``espeak+noise``."""
    return f"{voice}{'+noise' if snr else ''}"


def accuracy(rows: list[dict[str, Any]], field: str) -> dict[str, Any]:
    """Accuracy of ``field`` overall and by condition, for each half."""
    out: dict[str, Any] = {}
    for half in ("tune", "held", "all"):
        subset = [r for r in rows if half in (r["half"], "all")]
        if not subset:
            continue
        by: dict[str, list[bool]] = {}
        for r in subset:
            by.setdefault(condition_name(r["voice"], r["snr_db"]), []).append(r[field])
        out[half] = {"acc": round(sum(r[field] for r in subset) / len(subset), 3),
                     "n": len(subset),
                     **{k: round(sum(v) / len(v), 3) for k, v in by.items()}}
    return out


def word_error(rows: list[dict[str, Any]], field: str) -> dict[str, float]:
    """WER of ``field`` against the text, by condition."""
    tally: dict[str, list[int]] = {}
    for r in rows:
        e, n = wer(r["text"], r[field])
        t = tally.setdefault(condition_name(r["voice"], r["snr_db"]), [0, 0])
        t[0], t[1] = t[0] + e, t[1] + n
    return {k: round(e / n, 3) for k, (e, n) in tally.items()}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Transcribe (cached), repair, plan and score; the figures and the misses."""
    import tempfile

    from agents.nlu.spoken import repair

    items = cases()
    if args.quick:
        items = items[::3]
    rows = transcripts(items, args.path, args.beam, args.silence_ms, args.bias)
    for r in rows:
        r["repaired"] = r["heard"] if args.no_repair else repair(r["heard"])
    with tempfile.TemporaryDirectory(prefix="bench-spoken-") as tmp:
        typed = asyncio.run(plan_all([(i["text"], i) for i in items], Path(tmp)))
    typed_ok = {i["id"]: ok for i, ok in zip(items, typed, strict=True)}
    # one plan per distinct (text, case): many transcripts are identical across conditions
    pairs = sorted({(r[f], r["id"]) for r in rows for f in ("heard", "repaired")})
    by_id = {i["id"]: i for i in items}
    with tempfile.TemporaryDirectory(prefix="bench-spoken-") as tmp:
        verdicts = asyncio.run(plan_all([(t, by_id[cid]) for t, cid in pairs], Path(tmp)))
    ok = dict(zip(pairs, verdicts, strict=True))
    for r in rows:
        r["typed_ok"] = typed_ok[r["id"]]
        r["heard_ok"] = ok[(r["heard"], r["id"])]
        r["repaired_ok"] = ok[(r["repaired"], r["id"])]
    return {"items": items, "rows": rows}


def main() -> None:
    """Measure and report; ``--dump FILE`` writes every row for error analysis."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a third of the texts")
    parser.add_argument("--path", choices=("whole", "endpoint"), default="whole",
                        help="whole recording (push to talk) or the hands-free VAD path")
    parser.add_argument("--beam", type=int, default=None, help="override the STT beam size")
    parser.add_argument("--bias", choices=("gateway", "none", "hotwords", "prompt"),
                        default="gateway", help="recognition biasing (default: the gateway's)")
    parser.add_argument("--silence-ms", type=float, default=500.0)
    parser.add_argument("--no-repair", action="store_true")
    parser.add_argument("--dump", type=Path, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    out = run(args)
    rows = out["rows"]
    if args.dump:
        args.dump.write_text(json.dumps([{k: v for k, v in r.items() if k != "calls"}
                                         for r in rows], indent=1, ensure_ascii=False))
    heard, repaired = accuracy(rows, "heard_ok"), accuracy(rows, "repaired_ok")
    typed = accuracy(rows, "typed_ok")
    halves = {h: sum(1 for i in out["items"] if i["half"] == h) for h in ("tune", "held")}
    report(
        "spoken",
        {
            "spoken_tool_accuracy_held": figure(
                repaired["held"]["acc"], "fraction", baseline=heard["held"]["acc"],
                target=">= 0.90",
                note=f"held-out half, {repaired['held']['n']} utterances; baseline: no "
                     f"transcript repair; typed ceiling {typed['held']['acc']}"),
            "spoken_tool_accuracy_tune": figure(
                repaired["tune"]["acc"], "fraction", baseline=heard["tune"]["acc"],
                note=f"tuning half; typed ceiling {typed['tune']['acc']}"),
        },
        load_average_before=load_before, load_average_after=os.getloadavg(),
        seconds=round(time.perf_counter() - started, 1), path=args.path, bias=args.bias,
        texts=len(out["items"]), halves=halves, quick=args.quick,
        by_condition={"typed": typed, "heard": heard, "repaired": repaired},
        wer={"heard": word_error(rows, "heard"), "repaired": word_error(rows, "repaired")},
    )


if __name__ == "__main__":
    main()
