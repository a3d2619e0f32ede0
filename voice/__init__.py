"""Qalakar's speech: audio formats, speech to text and text to speech.

Audio formats (``voice.audio``), speech to text (``voice.stt``, faster-whisper) and text to speech
(``voice.tts``, Piper).

``voice.audio`` needs only numpy; the engines need the ``voice`` extra and raise
:class:`VoiceUnavailable`, naming it, when it is missing.
"""

from voice.audio import Audio, AudioFormatError, VoiceUnavailable, decode_wav, from_pcm16, read_wav

__all__ = ["Audio", "AudioFormatError", "VoiceUnavailable", "decode_wav", "from_pcm16", "read_wav"]
