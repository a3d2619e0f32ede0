"""Voice turns over /ws/chat: real Piper speech in, real faster-whisper transcription, spoken reply.

The request audio is synthesized with the same Piper voice the gateway speaks with, sent as
binary frames to the gateway under uvicorn; the models load once for the module.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from gateway.settings import Settings
from tests.live import LiveServer

pytest.importorskip("faster_whisper")
pytest.importorskip("piper")

from voice.audio import Audio, from_pcm16
from voice.stt import shared_stt
from voice.tts import shared_tts

pytestmark = pytest.mark.integration
MAX_AUDIO_SECONDS = 8


@pytest.fixture(scope="module")
def live(seeded_store, data_dir, database_url) -> Iterator[LiveServer]:
    """The gateway with a short audio limit, so the over-limit case stays small."""
    settings = Settings(env="test", data_dir=data_dir, database_url=database_url, dev_auth=True,
                        jwt_secret="test-secret-0123456789abcdef-0123456789", _env_file=None,
                        max_audio_seconds=MAX_AUDIO_SECONDS)
    server = LiveServer(settings).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def say() -> Any:
    """Piper speech of a sentence, cached per sentence."""
    tts, cache = shared_tts(steady=True), {}

    def speak(text: str) -> Audio:
        if text not in cache:
            cache[text] = tts.synthesize(text)
        return cache[text]

    return speak


def pcm16k(audio: Audio) -> bytes:
    return audio.resampled(16_000).to_pcm16()


async def open_chat(live: LiveServer, user: str, role: str):
    ws = await connect(f"{live.ws}?token={live.token(user, role)}", max_size=8_000_000)
    assert json.loads(await ws.recv())["type"] == "session"
    return ws


async def read_turn(ws, limit_s: float = 150, on_frame: Any = None) -> list[dict[str, Any]]:
    """Frames up to ``turn_end``; a binary frame is ``{"type": "binary", "data": ...}``."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(limit_s):
        while True:
            raw = await ws.recv()
            frame = {"type": "binary", "data": raw} if isinstance(raw, bytes) else json.loads(raw)
            frames.append(frame)
            if on_frame is not None:
                await on_frame(frame)
            if frame["type"] == "turn_end":
                return frames


async def send_audio(ws, data: bytes, fmt: str = "pcm_s16le", rate: int = 16_000,
                     chunk: int = 6_400, **extra: Any) -> None:
    await ws.send(json.dumps({"type": "audio_start", "format": fmt, "sample_rate": rate, **extra}))
    for i in range(0, len(data), chunk):
        await ws.send(data[i:i + chunk])
    await ws.send(json.dumps({"type": "audio_end"}))


async def next_frame(ws, limit_s: float = 10) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), limit_s)
    return {"type": "binary", "data": raw} if isinstance(raw, bytes) else json.loads(raw)


def kinds(frames: list[dict[str, Any]]) -> list[str]:
    return [f["type"] for f in frames]


def final_transcript(frames: list[dict[str, Any]]) -> dict[str, Any]:
    """The turn's final transcript; only live hints (speech_started, partials) come before it."""
    at = next(i for i, f in enumerate(frames) if f["type"] == "transcript" and f["final"])
    assert all(f["type"] == "speech_started" or (f["type"] == "transcript" and not f["final"])
               for f in frames[:at])
    return frames[at]


def spoken_reply(frames: list[dict[str, Any]]) -> tuple[dict[str, Any], bytes]:
    """The reply's ``audio_start`` frame and its PCM, checking the frame order around it."""
    k = kinds(frames)
    start, end = k.index("audio_start"), k.index("audio_end")
    assert start < end < k.index("turn_end")
    assert set(k[start + 1:end]) == {"binary"}
    assert "binary" not in k[:start] + k[end:]
    return frames[start], b"".join(f["data"] for f in frames[start + 1:end])


def test_spoken_request_for_pending_orders_is_answered_aloud(live: LiveServer, say) -> None:
    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        async with await open_chat(live, "c-0001", "creator") as ws:
            await send_audio(ws, pcm16k(say("Show my pending orders.")))
            spoken = await read_turn(ws)
            typed = await read_turn_after(
                ws, {"type": "user_message", "text": "show my shipped orders"})
            return spoken, typed

    spoken, typed = asyncio.run(scenario())
    k = kinds(spoken)
    heard = final_transcript(spoken)
    assert {"pending", "orders"} <= set(heard["text"].lower().replace(".", "").split())
    call = next(f for f in spoken if f["type"] == "tool_call")
    assert call["name"] == "list_orders" and call["args"] == {"status": "pending"}
    assert k.index("tool_call") < k.index("assistant_message") < k.index("audio_start")
    start, pcm = spoken_reply(spoken)
    assert start["format"] == "pcm_s16le" and start["sample_rate"] > 0
    assert len(pcm) > start["sample_rate"] and len(pcm) % 2 == 0
    # The reply audio is real speech of the reply: transcribed back, it speaks of orders.
    rate = start["sample_rate"]
    heard = shared_stt().transcribe(from_pcm16(pcm[: rate * 2 * 6], rate))
    assert "orders" in heard.lower()
    end = spoken[-1]
    latency = end["latency_ms"]
    assert latency["stt"] > 0 and latency["first_audio"] >= latency["stt"]
    # A typed turn on the same socket is not spoken.
    assert next(f for f in typed if f["type"] == "tool_call")["args"] == {"status": "shipped"}
    assert "audio_start" not in kinds(typed) and "binary" not in kinds(typed)


async def read_turn_after(ws, frame: dict[str, Any]) -> list[dict[str, Any]]:
    await ws.send(json.dumps(frame))
    return await read_turn(ws)


def test_wav_upload_at_the_voice_rate(live: LiveServer, say) -> None:
    audio = say("Blue pottery near Jaipur within 50 kilometres.")

    async def scenario() -> list[dict[str, Any]]:
        token_ws = await open_chat(live, "b-0002", "buyer")
        async with token_ws as ws:
            await send_audio(ws, audio.to_wav(), fmt="wav", rate=audio.sample_rate, chunk=16_000)
            return await read_turn(ws)

    frames = asyncio.run(scenario())
    assert "jaipur" in final_transcript(frames)["text"].lower()
    call = next(f for f in frames if f["type"] == "tool_call")
    assert call["name"] == "search_products" and call["args"]["location"] == "Jaipur"
    _, pcm = spoken_reply(frames)
    assert pcm


def test_bad_uploads_get_errors_and_the_socket_stays_usable(live: LiveServer, say) -> None:
    async def scenario() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with await open_chat(live, "c-0002", "creator") as ws:
            await ws.send(b"\x00\x01" * 100)
            out["stray_binary"] = await next_frame(ws)
            await ws.send(json.dumps({"type": "audio_end"}))
            out["stray_end"] = await next_frame(ws)
            # A refused start: the rest of that upload is dropped quietly, then ping answers.
            await send_audio(ws, b"\x00" * 3200, fmt="mp3")
            out["format"] = await next_frame(ws)
            await ws.send(json.dumps({"type": "ping"}))
            out["after_format"] = await next_frame(ws)
            await send_audio(ws, b"", rate=100)
            out["rate"] = await next_frame(ws)
            await send_audio(ws, b"", language=42)
            out["language_type"] = await next_frame(ws)
            # Over the limit: PAYLOAD_TOO_LARGE once, the buffer dropped, then ping answers.
            await send_audio(ws, b"\x00\x00" * 16_000 * (MAX_AUDIO_SECONDS + 2), chunk=32_000)
            out["too_long"] = await next_frame(ws)
            await ws.send(json.dumps({"type": "ping"}))
            out["after_too_long"] = await next_frame(ws)
            await send_audio(ws, b"RIFF-not-really-a-wav" * 20, fmt="wav")
            out["bad_wav"] = await read_turn(ws)
            # A language no model here hears is refused at audio_start, like a bad format.
            await send_audio(ws, pcm16k(say("Show my orders.")), language="qq")
            out["language"] = [await next_frame(ws)]
            await ws.send(json.dumps({"type": "ping"}))
            out["after_language"] = await next_frame(ws)
            await send_audio(ws, b"\x00\x00" * 16_000)
            out["silence"] = await read_turn(ws)
            out["typed"] = await read_turn_after(
                ws, {"type": "user_message", "text": "show my orders"})
        return out

    out = asyncio.run(scenario())

    def error(frame: dict[str, Any]) -> dict[str, Any]:
        assert frame["type"] == "error", frame
        err = frame["error"]
        assert set(err) == {"code", "message", "details", "timestamp", "request_id"}
        assert "Traceback" not in err["message"]
        return err

    assert error(out["stray_binary"])["code"] == "BAD_REQUEST"
    assert error(out["stray_end"])["code"] == "BAD_REQUEST"
    fmt = error(out["format"])
    assert fmt["code"] == "VALIDATION_ERROR" and fmt["details"]["field"] == "format"
    assert out["after_format"] == {"type": "pong"}
    rate = error(out["rate"])
    assert rate["code"] == "VALIDATION_ERROR" and rate["details"]["field"] == "sample_rate"
    assert error(out["language_type"])["details"]["field"] == "language"
    too_long = error(out["too_long"])
    assert too_long["code"] == "PAYLOAD_TOO_LARGE"
    assert too_long["details"]["max_seconds"] == MAX_AUDIO_SECONDS
    assert out["after_too_long"] == {"type": "pong"}
    bad_wav = error(out["bad_wav"][0])
    assert bad_wav["code"] == "VALIDATION_ERROR" and bad_wav["details"]["field"] == "audio"
    assert kinds(out["bad_wav"]) == ["error", "turn_end"]
    language = error(out["language"][0])
    assert language["code"] == "VALIDATION_ERROR" and language["details"]["field"] == "language"
    assert out["after_language"] == {"type": "pong"}
    silence = out["silence"]
    assert silence[0] == {"type": "transcript", "text": "", "final": True, "language": "en"}
    assert "tool_call" not in kinds(silence) and "error" not in kinds(silence)
    polite = next(f for f in silence if f["type"] == "assistant_message")["text"]
    assert "couldn't make out" in polite
    assert silence[-1]["type"] == "turn_end"
    typed = out["typed"]
    assert any(f["type"] == "tool_result" and f["ok"] for f in typed)
    assert typed[-1]["type"] == "turn_end"


def test_interrupt_stops_the_spoken_reply(live: LiveServer, say) -> None:
    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        async with await open_chat(live, "c-0003", "creator") as ws:
            async def interrupt_on_audio(frame: dict[str, Any]) -> None:
                if frame["type"] == "audio_start":
                    await ws.send(json.dumps({"type": "interrupt"}))

            await send_audio(ws, pcm16k(say("Show my orders.")))
            frames = await read_turn(ws, on_frame=interrupt_on_audio)
            with pytest.raises(TimeoutError):  # nothing trails the turn_end
                await next_frame(ws, limit_s=1.0)
            typed = await read_turn_after(
                ws, {"type": "user_message", "text": "show my pending orders"})
            return frames, typed

    frames, typed = asyncio.run(scenario())
    k = kinds(frames)
    assert "audio_start" in k and "audio_end" in k
    assert k[-1] == "turn_end" and frames[-1].get("interrupted") is True
    assert "binary" not in k[k.index("audio_end"):]
    assert next(f for f in frames if f["type"] == "audio_end").get("interrupted") is True
    assert typed[-1]["type"] == "turn_end"
    assert any(f["type"] == "assistant_message" for f in typed)



def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(16_000 * seconds)


async def stream(ws, pcm: bytes, pace: float | None = None, chunk: int = 3_200) -> None:
    """Send PCM16 frames; ``pace`` seconds of wall time per second of audio (None: at once)."""
    for i in range(0, len(pcm), chunk):
        await ws.send(pcm[i:i + chunk])
        if pace:
            await asyncio.sleep(chunk / 32_000 * pace)


def test_hands_free_turns_end_by_themselves_with_live_partials(live: LiveServer, say) -> None:
    """No audio_end: the VAD ends each utterance; partial transcripts arrive while speaking."""
    request = pcm16k(say("Show my pending orders and tell me which ones are for Jaipur."))

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
        async with await open_chat(live, "c-0004", "creator") as ws:
            await ws.send(json.dumps({"type": "audio_start", "format": "pcm_s16le",
                                      "sample_rate": 16_000, "mode": "hands_free",
                                      "language": "en"}))
            await stream(ws, silence(0.5) + request, pace=1.0)  # as a microphone would
            await stream(ws, silence(1.5))
            first = await read_turn(ws)
            await stream(ws, pcm16k(say("Show my shipped orders.")) + silence(1.5))
            second = await read_turn(ws)
            await ws.send(json.dumps({"type": "audio_end"}))
            await ws.send(json.dumps({"type": "ping"}))
            return first, second, await next_frame(ws)

    first, second, pong = asyncio.run(scenario())
    k = kinds(first)
    assert k[0] == "speech_started"
    partials = [f for f in first if f["type"] == "transcript" and not f["final"]]
    assert partials, "no live transcript while speaking"
    assert k.index("transcript") < k.index("tool_call")
    assert "pending" in final_transcript(first)["text"].lower()
    assert next(f for f in first if f["type"] == "tool_call")["args"]["status"] == "pending"
    spoken_reply(first)
    latency = first[-1]["latency_ms"]
    assert latency["endpoint"] >= 0 and latency["first_audio"] > 0
    assert "ship" in final_transcript(second)["text"].lower()
    assert pong == {"type": "pong"}


def test_hands_free_too_long_and_barge_in(live: LiveServer, say) -> None:
    """Over the utterance limit: an error frame and listening goes on; speech during the reply
    interrupts it."""
    ramble = pcm16k(say("Show my pending orders, my shipped orders, my delivered orders, "
                        "and every order that was cancelled since the beginning of the year, "
                        "sorted by the city they go to."))
    assert len(ramble) / 32_000 > MAX_AUDIO_SECONDS

    async def scenario() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with await open_chat(live, "c-0005", "creator") as ws:
            await ws.send(json.dumps({"type": "audio_start", "format": "pcm_s16le",
                                      "sample_rate": 16_000, "mode": "hands_free",
                                      "language": "en"}))
            await stream(ws, silence(0.3) + ramble)
            frames = []
            while not frames or frames[-1]["type"] != "error":
                frames.append(await next_frame(ws, limit_s=30))
            out["too_long"] = frames[-1]
            # the socket and the recording still work: a request, then speech over its reply
            await stream(ws, silence(1.0) + pcm16k(say("Show my orders.")) + silence(1.5))

            async def barge_in(frame: dict[str, Any]) -> None:
                if frame["type"] == "audio_start":
                    await stream(ws, pcm16k(say("Stop.")) + silence(0.2))

            out["interrupted"] = await read_turn(ws, on_frame=barge_in)
            await ws.send(json.dumps({"type": "audio_end"}))
        return out

    out = asyncio.run(scenario())
    err = out["too_long"]["error"]
    assert err["code"] == "PAYLOAD_TOO_LARGE" and err["details"]["field"] == "audio"
    assert err["details"]["max_seconds"] == MAX_AUDIO_SECONDS
    frames = out["interrupted"]
    assert "orders" in final_transcript(frames)["text"].lower()
    assert frames[-1]["type"] == "turn_end" and frames[-1].get("interrupted") is True
    assert next(f for f in frames if f["type"] == "audio_end").get("interrupted") is True


def test_help_is_spoken_in_the_preferred_language(live: LiveServer) -> None:
    """Property 26 end to end: c-0003 registered Hindi; asking for help gets the Hindi guide
    spoken by the Hindi voice (espeak-ng), after the assistant's own text reply."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("needs espeak-ng")

    async def scenario() -> list[dict[str, Any]]:
        async with await open_chat(live, "c-0003", "creator") as ws:
            return await read_turn_after(ws, {"type": "user_message", "text": "help"})

    frames = asyncio.run(scenario())
    start, pcm = spoken_reply(frames)
    assert start["language"] == "hi" and "माइक्रोफ़ोन" in start["text"]
    assert len(pcm) > start["sample_rate"] * 2  # over a second of speech
    assert any(f["type"] == "assistant_message" for f in frames)


def test_a_critical_action_is_shown_and_spoken(live: LiveServer, seeded_store) -> None:
    """Property 27 end to end: a confirmed price update produces a visual alert frame and a
    spoken notification (in c-0003's Hindi), then the price is put back."""
    from domain.store.models import Product

    with seeded_store.session() as session:
        old = float(session.get(Product, "p-00030").price)

    async def scenario() -> list[dict[str, Any]]:
        async with await open_chat(live, "c-0003", "creator") as ws:
            asked = await read_turn_after(
                ws, {"type": "user_message", "text": "please make p-00030 cost 2600 rupees"})
            request = next(f for f in asked if f["type"] == "confirm_request")
            return await read_turn_after(ws, {"type": "confirm", "approved": True,
                                              "action_id": request["action_id"]})

    try:
        frames = asyncio.run(scenario())
    finally:
        with seeded_store.session() as session:
            session.get(Product, "p-00030").price = old
    k = kinds(frames)
    result = next(f for f in frames if f["type"] == "tool_result")
    assert result["name"] == "update_price" and result["ok"]
    notice = next(f for f in frames if f["type"] == "notification")
    assert notice["kind"] == "visual_alert" and "2,600" in notice["text"]
    spoken = [f for f in frames if f["type"] == "audio_start"]
    assert spoken and spoken[-1]["language"] == "hi" and "2,600" in spoken[-1]["text"]
    assert k.index("notification") < k.index("audio_start") < k.index("turn_end")
    assert "binary" in k
