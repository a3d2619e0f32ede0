"""Compressed audio in and out with PyAV (installed with faster-whisper): voice notes.

WhatsApp and Twilio carry voice notes as OGG/Opus (sometimes AMR, MP3 or M4A). ``decode`` turns
any container FFmpeg knows into mono float32 :class:`~voice.audio.Audio`, refusing a note longer
than the caller allows before decoding all of it; ``encode_ogg_opus`` makes such notes (tests,
examples, and spoken replies sent as voice notes).
"""

from __future__ import annotations

import io

import numpy as np

from voice.audio import STT_RATE, Audio, AudioFormatError, VoiceUnavailable

OPUS_RATE = 48_000


def _av():  # the av module
    try:
        import av
    except ImportError as exc:  # pragma: no cover - av comes with faster-whisper
        raise VoiceUnavailable("PyAV is missing: pip install 'qalakar[voice]'") from exc
    return av


def decode(data: bytes, *, rate: int = STT_RATE, max_seconds: float = 120.0) -> Audio:
    """Mono samples at ``rate`` from an encoded file held in memory.

    Raises :class:`AudioFormatError` for bytes FFmpeg cannot read or audio past ``max_seconds``.
    """
    av = _av()
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError) as exc:
        raise AudioFormatError(f"not a readable audio file ({exc})") from exc
    with container:
        if not container.streams.audio:
            raise AudioFormatError("the file holds no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks: list[np.ndarray] = []
        total, limit = 0, int(max_seconds * rate)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    total += len(chunk)
                    if total > limit:
                        raise AudioFormatError(f"the audio is longer than {max_seconds:g} s")
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as exc:
            raise AudioFormatError(f"the audio could not be decoded ({exc})") from exc
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return Audio(samples, rate)


def encode_ogg_opus(audio: Audio, *, bitrate: int = 32_000) -> bytes:
    """``audio`` as an OGG/Opus voice note (48 kHz mono, what messaging apps send)."""
    av = _av()
    pcm = audio.resampled(OPUS_RATE)
    samples = (np.clip(pcm.samples, -1, 1) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE)
        stream.bit_rate = bitrate
        stream.layout = "mono"
        frame_size = 960  # 20 ms at 48 kHz
        for start in range(0, len(samples), frame_size):
            chunk = samples[start:start + frame_size]
            if len(chunk) < frame_size:
                chunk = np.pad(chunk, (0, frame_size - len(chunk)))
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = OPUS_RATE
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()
