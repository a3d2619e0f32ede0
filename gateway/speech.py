"""Voice turns for ``/ws/chat``: validate and buffer an upload, transcribe it, speak the reply.

The speech engines come from the ``voice`` package and load lazily, once per process, on the
first voice turn; their CPU work runs in threads so the event loop keeps serving other sockets.
Without the ``voice`` extra, :func:`voice_problem` says why and the socket answers
``VOICE_UNAVAILABLE``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from gateway.settings import Settings
from voice.audio import (
    Audio,
    AudioFormatError,
    VoiceUnavailable,
    decode_wav,
    from_pcm16,
    map_large_blocks,
)

log = logging.getLogger(__name__)

FORMATS = ("pcm_s16le", "wav")
MIN_RATE, MAX_RATE = 8_000, 48_000
FRAME_SECONDS = 0.25  # one binary frame of the spoken reply
# The first spoken piece: short, so its audio is ready soon (Piper's time grows with the text:
# about 220 ms for 56 characters, 110 ms for 30 on two quiet cores); the next piece is made
# while it plays.
FIRST_PHRASE_CHARS = 32
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")
# Marketplace words Whisper tiny mishears without a hint (e.g. "Varanasi" as "Baranasi").
_MARKET_WORDS = ("orders", "pending", "shipped", "golden price", "saree", "handloom", "handwoven",
                 "GI tag", "creator", "listing")


class AudioRejected(Exception):
    """An upload the socket refuses: a §3 error code, words and details."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


def voice_problem() -> str | None:
    """Why voice turns cannot run here (a missing package), or ``None``."""
    for module, package in (("faster_whisper", "faster-whisper"), ("piper", "piper-tts")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install 'qalakar[voice]')"
    return None


@dataclass
class Recording:
    """One upload between ``audio_start`` and ``audio_end``, held to the size limits."""

    format: str
    sample_rate: int
    language: str | None
    max_bytes: int
    max_seconds: float
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0

    @classmethod
    def start(cls, frame: dict[str, Any], settings: Settings) -> Recording:
        """A recording for an ``audio_start`` frame, or :class:`AudioRejected` naming the field."""
        fmt = frame.get("format")
        if fmt not in FORMATS:
            raise AudioRejected("VALIDATION_ERROR",
                                f"invalid value for 'format': one of {', '.join(FORMATS)}",
                                field="format", allowed=list(FORMATS))
        rate = frame.get("sample_rate", 16_000 if fmt == "wav" else None)
        if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
            raise AudioRejected("VALIDATION_ERROR",
                                f"invalid value for 'sample_rate': an integer from {MIN_RATE} to "
                                f"{MAX_RATE} Hz (16000 is best)",
                                field="sample_rate", minimum=MIN_RATE, maximum=MAX_RATE)
        language = frame.get("language")
        if language is not None:
            match = _LANGUAGE.match(language) if isinstance(language, str) else None
            if match is None:
                raise AudioRejected("VALIDATION_ERROR",
                                    "invalid value for 'language': a language code such as 'en'",
                                    field="language")
            language = match.group(1).lower()
        return cls(fmt, rate, language, settings.max_audio_bytes, settings.max_audio_seconds)

    @property
    def seconds(self) -> float:
        """How long the audio so far lasts (a WAV's header counted as sound: a bound, not exact)."""
        return self.size / (2 * self.sample_rate)

    def add(self, data: bytes) -> None:
        """Append one binary frame; :class:`AudioRejected` once over a limit."""
        self.size += len(data)
        if self.size > self.max_bytes:
            raise self._too_large(f"more than {self.max_bytes} bytes")
        if self.format == "pcm_s16le" and self.seconds > self.max_seconds:
            raise self._too_large(f"longer than {self.max_seconds:g} s")
        self.chunks.append(data)

    def audio(self) -> Audio:
        """The decoded upload; :class:`AudioRejected` for a bad WAV or one too long."""
        data = b"".join(self.chunks)
        if self.format == "pcm_s16le":
            return from_pcm16(data, self.sample_rate)
        try:
            audio = decode_wav(data)
        except AudioFormatError as exc:
            raise AudioRejected("VALIDATION_ERROR", f"invalid audio: {exc}", field="audio") from exc
        if audio.seconds > self.max_seconds:
            raise self._too_large(f"longer than {self.max_seconds:g} s")
        if not MIN_RATE <= audio.sample_rate <= MAX_RATE:
            raise AudioRejected("VALIDATION_ERROR",
                                f"invalid audio: the WAV is at {audio.sample_rate} Hz; "
                                f"{MIN_RATE} to {MAX_RATE} Hz are accepted", field="audio")
        return audio

    def _too_large(self, what: str) -> AudioRejected:
        return AudioRejected("PAYLOAD_TOO_LARGE", f"the recording is {what}; it was dropped",
                             field="audio", max_bytes=self.max_bytes,
                             max_seconds=self.max_seconds)


def profile_language(store: Any, user_id: str, role: str) -> str | None:
    """The preferred language of a creator's or buyer's profile (``None``: no profile)."""
    from domain.store.models import Buyer, Creator

    model = {"creator": Creator, "buyer": Buyer}.get(role)
    if model is None or store is None:
        return None
    with store.session() as session:
        row = session.get(model, user_id)
        return (row.preferred_language or None) if row is not None else None


def hotwords() -> str:
    """Town and craft names and marketplace words to bias recognition towards (same speed).

    Whisper reads them as the text said before the utterance, so their form matters. The
    distinct capitalised names (``Kondagaon``, ``Dhokra``, ``Kolhapuri``) carry the bias; whole
    craft phrases ("Madhubani painting", "Pashmina and papier-mache") pulled ordinary words
    towards them ("show my pending orders" heard as "Chomai painting orders"), and a list
    without an end made Whisper go on with it: 12 of the voice bench's 48 transcripts began
    with a spurious "and", 1 with this list.
    """
    from domain.catalog import CLUSTERS

    seen: dict[str, None] = {}
    for cluster in CLUSTERS:
        for word in re.findall(r"[A-Za-z][A-Za-z-]+", f"{cluster.town} {cluster.craft}"):
            if word[0].isupper():
                seen.setdefault(word)
    for word in _MARKET_WORDS:
        seen.setdefault(word)
    return ", ".join(seen) + "."


class Speech:
    """The speech engines of one app, loaded on first use.

    English goes to ``stt_model`` (``tiny.en`` by default); any other language to
    ``stt_multilingual_model`` (the multilingual ``base``), told the language. Replies are
    spoken by the voice for their language (:class:`voice.tts.Voices`).
    """

    def __init__(self, settings: Settings) -> None:
        map_large_blocks()  # before any model loads (voice.audio explains)
        self.settings = settings
        self._load_lock = threading.Lock()
        self._voices: Any = None

    def stt_for(self, language: str | None) -> Any:
        """The recognizer for ``language`` (``None`` or ``en``: the English model); blocking."""
        from voice.stt import shared_stt

        s = self.settings
        english = language in (None, "en")

        model = s.stt_model if english else s.stt_multilingual_model
        with self._load_lock:
            return shared_stt(model, s.stt_beam_size,
                              hotwords() if s.stt_hotwords and english else None,
                              None, None)

    def voices(self) -> Any:
        """The per-language voices (``voice.tts.Voices``)."""
        from voice.tts import Voices

        with self._load_lock:
            if self._voices is None:
                self._voices = Voices(self.settings.tts_voice, self.settings.tts_voices)
            return self._voices

    def recognizer(self, language: str | None, home: str | None) -> Any:
        """A ``voice.stt.LanguageRouter`` for a request in ``language``.

        The user's profile language is ``home`` (blocking: the first call loads the models).

        :class:`AudioRejected` names the field when no model here hears ``language``.
        """
        from voice.stt import LanguageRouter

        english = self.stt_for("en")
        if language in (None, "en") and home in (None, "en"):
            return LanguageRouter(english, None, None)
        try:
            multilingual = self.stt_for(language or home)
        except VoiceUnavailable:
            if language not in (None, "en"):
                raise AudioRejected("VALIDATION_ERROR",
                                    f"invalid value for 'language': this server's speech model "
                                    f"understands English only, not {language!r}",
                                    field="language", allowed=["en"]) from None
            log.warning("no multilingual speech model; %s speakers are heard as English", home)
            return LanguageRouter(english, None, None)
        known = multilingual.languages()
        if language not in (None, "en") and language not in known:
            raise AudioRejected("VALIDATION_ERROR",
                                f"invalid value for 'language': the speech model does not know "
                                f"{language!r}", field="language")
        return LanguageRouter(english, multilingual,
                              home if language is None and home in known else None)

    def listener(self, language: str | None, home: str | None, hands_free: bool) -> Any:
        """A ``voice.streaming.Listener`` for one live recording (blocking: may load a model)."""
        from voice.streaming import Listener

        s = self.settings
        return Listener(self.recognizer(language, home), language=language,
                        silence_ms=s.vad_silence_ms,
                        max_seconds=min(s.voice_max_utterance_s, s.max_audio_seconds),
                        hands_free=hands_free)

    async def transcribe(self, audio: Audio, language: str | None,
                         home: str | None = None) -> tuple[str, str]:
        """The words in ``audio`` and their language.

        Raises ``VoiceUnavailable`` or :class:`AudioRejected`.
        """
        router = await asyncio.to_thread(self.recognizer, language, home)
        text = await asyncio.to_thread(router.transcribe, audio, language)
        return text, router.last_language or "en"

    async def speak(self, text: str, language: str | None = None) -> AsyncIterator[Audio]:
        """Audio of ``text`` (made speakable, capped), a phrase at a time.

        The next phrase is synthesized while the caller sends the current one, so audio keeps
        flowing; the first phrase is kept short so the first audio goes out early.
        """
        from voice.tts import phrases, speakable

        text = speakable(text, self.settings.max_spoken_chars)
        if not text:
            return
        voices = await asyncio.to_thread(self.voices)
        tts = await asyncio.to_thread(voices.for_language, language)
        pieces = phrases(text, first_limit=FIRST_PHRASE_CHARS)
        pending = asyncio.ensure_future(asyncio.to_thread(tts.synthesize, pieces[0]))
        try:
            for piece in [*pieces[1:], None]:
                audio = await pending
                if piece is not None:
                    pending = asyncio.ensure_future(asyncio.to_thread(tts.synthesize, piece))
                yield audio
        finally:
            pending.cancel()


def pcm_frames(audio: Audio, seconds: float = FRAME_SECONDS) -> list[bytes]:
    """``audio`` as PCM16 mono chunks of about ``seconds`` each."""
    pcm = audio.to_pcm16()
    step = max(2, int(audio.sample_rate * seconds) * 2)
    return [pcm[i:i + step] for i in range(0, len(pcm), step)]
