"""Where eval turns go: the in-process supervisor, or a running gateway over its websocket.

Both targets give a fresh conversation (a new session) per case run and turn each turn's
protocol events (contracts §4) into the same :class:`~evals.matching.Observation`, so a
dataset scores the same way whichever way it reached the assistant. Speech turns are
synthesized here; the in-process target transcribes them itself, the websocket target sends
the audio as binary frames the way a microphone client does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from domain.store import Store
from evals.dataset import LoadedCase, TurnSpec
from evals.matching import Observation
from evals.voice import Audio, Voice, VoiceUnavailable, add_noise, default_voice, read_wav

WS_CHUNK_BYTES = 32_000
TURN_TIMEOUT_S = 180.0


class TargetError(RuntimeError):
    """The target could not run a turn (connection refused, auth refused, protocol broken)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class Conversation(Protocol):
    """One session with the assistant."""

    user_id: str
    session_id: str

    async def send(self, turn: TurnSpec, loaded: LoadedCase, seed: int) -> Observation:
        """Run one turn and observe it."""
        ...

    async def close(self) -> None:
        """End the session."""
        ...


class EventCollector:
    """Folds protocol events into an :class:`Observation` until ``turn_end``."""

    def __init__(self, knows_asks_for: bool) -> None:
        self.obs = Observation(asks_for=[] if knows_asks_for else None)

    def feed(self, event: dict[str, Any]) -> bool:
        """Take one event; True once the turn has ended."""
        obs, kind = self.obs, event.get("type")
        if kind == "tool_call":
            obs.tool_calls.append({"name": event["name"], "args": event.get("args") or {}})
        elif kind == "tool_result":
            obs.tool_results.append(
                {"name": event["name"], "ok": event.get("ok"), "result": event.get("result") or {}}
            )
            if not event.get("ok") and obs.error is None:
                obs.error = (event.get("result") or {}).get("error") or {"code": "ERROR"}
        elif kind == "error" and obs.error is None:
            obs.error = event.get("error") or {"code": "ERROR"}
        elif kind == "assistant_message":
            obs.reply, obs.citations = event.get("text", ""), list(event.get("citations") or [])
        elif kind == "confirm_request":
            obs.confirm_request = {k: v for k, v in event.items() if k != "type"}
        elif kind == "_asks_for" and obs.asks_for is not None:
            obs.asks_for = list(event["args"])
        elif kind == "transcript" and event.get("final", True):
            obs.transcript = event.get("text", "")
        elif kind == "turn_end":
            obs.latency_ms = {**obs.latency_ms, **(event.get("latency_ms") or {})}
            return True
        return False


def spoken_audio(turn: TurnSpec, loaded: LoadedCase, voice: Voice, seed: int) -> Audio:
    """The audio of a ``say`` (synthesized) or ``audio`` (read) turn, with noise if asked."""
    if turn.say is not None:
        if voice.tts is None:
            raise VoiceUnavailable(voice.problem or "no text-to-speech engine")
        audio = voice.tts.synthesize(turn.say, turn.voice)
    else:
        audio = read_wav(loaded.resolve(str(turn.audio)))
    if turn.snr_db is not None:
        audio = add_noise(audio, turn.snr_db, seed)
    return audio


def fresh_user_id(role: str) -> str:
    """A user nobody else has, for a case without ``user_id``."""
    prefix = {"buyer": "b", "creator": "c", "admin": "a", "evaluator": "e"}.get(role, "u")
    return f"{prefix}-eval-{uuid.uuid4().hex[:10]}"


# -- in process ---------------------------------------------------------------------------
class InprocConversation:
    """A session on the in-process assistant."""

    def __init__(self, assistant: Any, role: str, user_id: str, voice_source: Any) -> None:
        self.assistant, self.role, self.user_id = assistant, role, user_id
        self.session_id = assistant.new_session_id()
        self._voice = voice_source

    async def send(self, turn: TurnSpec, loaded: LoadedCase, seed: int) -> Observation:
        """Transcribe a spoken turn here, then stream the turn through the supervisor."""
        started = time.perf_counter()
        text: str | None = turn.user
        stt_ms = None
        if turn.is_voice:
            voice: Voice = self._voice()
            if voice.stt is None:
                raise VoiceUnavailable(voice.problem or "no speech-to-text engine")
            audio = await asyncio.to_thread(spoken_audio, turn, loaded, voice, seed)
            started = time.perf_counter()  # synthesis is eval-time preparation, not latency
            text = await asyncio.to_thread(voice.stt.transcribe, audio)
            stt_ms = (time.perf_counter() - started) * 1000
        collector = EventCollector(knows_asks_for=True)
        kwargs: dict[str, Any] = {
            "user_id": self.user_id,
            "role": self.role,
            "session_id": self.session_id,
        }
        if turn.confirm is not None:
            kwargs["confirm"] = turn.confirm
        else:
            kwargs["text"] = text or ""
            kwargs["spoken"] = turn.is_voice
        async for event in self.assistant.stream(**kwargs):
            collector.feed(event)
        obs = collector.obs
        obs.wall_ms = (time.perf_counter() - started) * 1000
        if turn.is_voice:
            obs.transcript = text
            obs.latency_ms = {**obs.latency_ms, "stt": round(stt_ms or 0.0, 2)}
        return obs

    async def close(self) -> None:
        """Nothing to release: the checkpointer keeps the session's history."""


class InprocTarget:
    """The very supervisor the gateway runs (``gateway.wiring.open_assistant``), in this process."""

    name = "inproc"

    def __init__(
        self,
        settings: Any,
        store: Store | None = None,
        planner: Any = None,
        voice: Voice | None = None,
    ) -> None:
        self.settings, self._store, self._planner, self._given_voice = (
            settings,
            store,
            planner,
            voice,
        )
        self._stack = contextlib.AsyncExitStack()
        self.assistant: Any = None
        self.store: Store | None = store

    async def __aenter__(self) -> InprocTarget:
        from gateway.wiring import open_assistant

        self.assistant = await self._stack.enter_async_context(
            open_assistant(self.settings, store=self._store, planner=self._planner)
        )
        self.store = self.assistant.store
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    @property
    def planner(self) -> str:
        """The planner's name (``embedded`` or ``llm``)."""
        return getattr(self.assistant.planner, "name", type(self.assistant.planner).__name__)

    def voice(self) -> Voice:
        """The speech engines (loaded on first use)."""
        return self._given_voice or default_voice()

    async def conversation(self, role: str, user_id: str) -> InprocConversation:
        """A fresh session for ``user_id``."""
        return InprocConversation(self.assistant, role, user_id, self.voice)


# -- over the websocket -------------------------------------------------------------------
class WsConversation:
    """A session on a running gateway's ``/ws/chat``."""

    def __init__(self, ws: Any, user_id: str, session_id: str, voice_source: Any) -> None:
        self.ws, self.user_id, self.session_id = ws, user_id, session_id
        self._voice = voice_source
        self._pending_action: str | None = None

    async def _frames_until_end(self, collector: EventCollector) -> None:
        deadline = time.monotonic() + TURN_TIMEOUT_S
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TargetError("TIMEOUT", f"no turn_end within {TURN_TIMEOUT_S:.0f} s")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), remaining)
            except TimeoutError as exc:
                raise TargetError("TIMEOUT", f"no turn_end within {TURN_TIMEOUT_S:.0f} s") from exc
            except Exception as exc:  # the socket closed under us
                raise TargetError("DISCONNECTED", str(exc) or type(exc).__name__) from exc
            if isinstance(raw, bytes):
                continue  # spoken reply audio: the text reply is what is scored
            event = json.loads(raw)
            if collector.feed(event):
                return
            if event.get("type") == "error" and event["error"].get("code") == "VOICE_UNAVAILABLE":
                await self._drain()
                raise VoiceUnavailable(
                    f"the gateway refused audio: {event['error'].get('message')}"
                )

    async def _drain(self, idle_s: float = 0.3) -> None:
        """Read what a refused audio turn left on the socket, so the next turn starts clean."""
        with contextlib.suppress(TimeoutError, Exception):
            while True:
                await asyncio.wait_for(self.ws.recv(), idle_s)

    async def send(self, turn: TurnSpec, loaded: LoadedCase, seed: int) -> Observation:
        """Send the turn's frames and read until ``turn_end``."""
        collector = EventCollector(knows_asks_for=False)
        if turn.is_voice:
            voice: Voice = self._voice()
            audio = await asyncio.to_thread(spoken_audio, turn, loaded, voice, seed)
            wav = audio.to_wav()
            started = time.perf_counter()
            await self.ws.send(
                json.dumps(
                    {"type": "audio_start", "format": "wav", "sample_rate": audio.sample_rate}
                )
            )
            for i in range(0, len(wav), WS_CHUNK_BYTES):
                await self.ws.send(wav[i : i + WS_CHUNK_BYTES])
            await self.ws.send(json.dumps({"type": "audio_end"}))
        elif turn.confirm is not None:
            started = time.perf_counter()
            await self.ws.send(
                json.dumps(
                    {"type": "confirm", "action_id": self._pending_action, "approved": turn.confirm}
                )
            )
        else:
            started = time.perf_counter()
            await self.ws.send(
                json.dumps(
                    {
                        "type": "user_message",
                        "text": turn.user,
                        "message_id": f"eval-{uuid.uuid4().hex[:8]}",
                    }
                )
            )
        await self._frames_until_end(collector)
        obs = collector.obs
        obs.wall_ms = (time.perf_counter() - started) * 1000
        self._pending_action = (obs.confirm_request or {}).get("action_id")
        return obs

    async def close(self) -> None:
        """Close the socket."""
        with contextlib.suppress(Exception):
            await self.ws.close()


class WsTarget:
    """A running gateway at ``ws://HOST:PORT``; tokens from ``/auth/dev-token`` or ``token``."""

    name = "ws"

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        database_url: str | None = None,
        voice: Voice | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("ws", "wss") or not parts.netloc:
            raise ValueError(f"invalid value for '--target': {url!r} is not ws://HOST:PORT")
        self.url = f"{parts.scheme}://{parts.netloc}"
        self.http = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
        self.token, self.database_url, self._given_voice = token, database_url, voice
        self.store: Store | None = None
        self.planner = "unknown"
        self._client: Any = None

    async def __aenter__(self) -> WsTarget:
        import httpx

        self._client = httpx.AsyncClient(base_url=self.http, timeout=30)
        try:
            ready = await self._client.get("/readyz")
            self.planner = (ready.json().get("checks") or {}).get("planner") or "unknown"
        except Exception as exc:
            await self._client.aclose()
            raise TargetError("UNREACHABLE", f"no gateway answers at {self.http} ({exc})") from exc
        if self.database_url:
            store = Store.from_url(self.database_url)
            self.store = store if await asyncio.to_thread(store.has_tables) else None
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self.store is not None:
            self.store.dispose()

    def voice(self) -> Voice:
        """The speech engines used to make ``say`` audio (loaded on first use)."""
        return self._given_voice or default_voice()

    async def _token(self, role: str, user_id: str) -> str:
        if self.token:
            return self.token
        resp = await self._client.post("/auth/dev-token", json={"user_id": user_id, "role": role})
        if resp.status_code != 200:
            error = (
                resp.json()
                if resp.headers.get("content-type", "").startswith("application/json")
                else {}
            ).get("error", {})
            raise TargetError(
                error.get("code", f"HTTP_{resp.status_code}"),
                (error.get("message") or "dev token refused")
                + " (start the gateway with QALAKAR_DEV_AUTH=1, or pass --token)",
            )
        return str(resp.json()["token"])

    async def conversation(self, role: str, user_id: str) -> WsConversation:
        """Connect a fresh socket (a new session) as ``user_id``."""
        import websockets

        token = await self._token(role, user_id)
        try:
            ws = await websockets.connect(
                f"{self.url}/ws/chat?token={quote(token)}", max_size=None, open_timeout=30
            )
        except Exception as exc:
            raise TargetError("UNREACHABLE", f"cannot open {self.url}/ws/chat ({exc})") from exc
        first = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if first.get("type") != "session":
            await ws.close()
            error = first.get("error") or {}
            raise TargetError(error.get("code", "PROTOCOL"), error.get("message", f"got {first!r}"))
        return WsConversation(ws, first.get("user_id", user_id), first["session_id"], self.voice)
