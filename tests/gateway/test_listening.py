"""``gateway/listening.py``: a live recording's transcriptions while the speaker pauses.

Real Piper speech and the real Silero VAD; the recognizer is a few-line double that counts the
spans it was asked for, so the test is about which transcriptions run, not what they say.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

pytest.importorskip("faster_whisper")
pytest.importorskip("piper")

from gateway.listening import LiveRecording, Utterance
from gateway.speech import Recording
from voice.audio import STT_RATE, Audio
from voice.streaming import TAIL_S, Listener
from voice.stt import Abandoned
from voice.tts import shared_tts


class Counting:
    """A recognizer that notes the length of every span it is given."""

    def __init__(self) -> None:
        self.spans: list[float] = []

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        if cancelled is not None and cancelled():
            raise Abandoned
        self.spans.append(audio.seconds)
        return f"words {len(self.spans)}"


def pcm(samples: np.ndarray) -> bytes:
    return Audio(samples, STT_RATE).to_pcm16()


class Saying(Counting):
    """A recognizer that always hears the same words."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        super().transcribe(audio, language, cancelled=cancelled)
        return self.words


async def hands_free(stream: np.ndarray, stt: Counting | None = None,
                     complete_silence_ms: float = 0.0,
                     quiet_at_end: list[float] | None = None,
                     ) -> tuple[Counting, list[Utterance], list[int]]:
    """Stream 100 ms frames through a hands-free recording; how many spans each finish() added.

    ``quiet_at_end`` collects, for each utterance, how much quiet had been heard when it ended.
    """
    stt = stt or Counting()
    done: list[Utterance] = []
    added: list[int] = []
    listener = Listener(stt, silence_ms=500)
    finish = listener.finish

    def counted_finish(end_s: float | None = None) -> Any:
        before = len(stt.spans)
        heard = finish(end_s)
        added.append(len(stt.spans) - before)
        return heard

    listener.finish = counted_finish  # type: ignore[method-assign]

    async def send(frame: dict[str, Any]) -> None:
        return None

    async def error(*_: Any, **__: Any) -> None:
        raise AssertionError("no error expected")

    async def utterance(u: Utterance) -> None:
        done.append(u)
        if quiet_at_end is not None:
            quiet_at_end.append(listener.endpointer.seconds - u.heard.end)

    async def speech() -> None:
        return None

    live = LiveRecording(speech=None, recording=Recording("pcm_s16le", STT_RATE, "en", 10**8, 60),
                         mode="hands_free", home=None, send=send, error=error,
                         on_utterance=utterance, on_speech=speech, partial_every_s=0.2,
                         complete_silence_ms=complete_silence_ms)
    live.listener = listener
    step = STT_RATE // 10
    for i in range(0, len(stream), step):
        await live.feed(pcm(stream[i:i + step]))
        await asyncio.sleep(0.005)  # let worker threads run, as real-time pacing would
    return stt, done, added


def test_no_partial_runs_in_a_pause_and_the_speculative_final_is_reused() -> None:
    said = shared_tts(steady=True).synthesize("Show my pending orders please.")
    said = said.resampled(STT_RATE).samples
    quiet = np.zeros(int(1.2 * STT_RATE), dtype=np.float32)
    stt, done, added = asyncio.run(hands_free(np.concatenate([quiet[:8000], said, quiet])))
    assert len(done) == 1 and done[0].heard.text
    # partials ran while the words came, none over the silence after them (each would cover
    # more audio than the utterance), and finishing reused the transcription made at the pause
    assert len(stt.spans) >= 3
    assert all(span <= done[0].heard.seconds + 0.01 for span in stt.spans)
    assert added == [0]


def speech_and_quiet(*parts: str | float) -> np.ndarray:
    """Piper saying each string part, with each number part seconds of silence."""
    out = [np.zeros(8000, dtype=np.float32)]
    for part in parts:
        if isinstance(part, str):
            out.append(shared_tts(steady=True).synthesize(part).resampled(STT_RATE).samples)
        else:
            out.append(np.zeros(int(part * STT_RATE), dtype=np.float32))
    return np.concatenate(out)


def test_a_finished_sentence_ends_after_the_short_pause() -> None:
    quiet: list[float] = []
    stream = speech_and_quiet("Show my pending orders please.", 1.2)
    _, done, _ = asyncio.run(hands_free(stream, Saying("Show my pending orders, please."),
                                        complete_silence_ms=250, quiet_at_end=quiet))
    assert len(done) == 1
    # Heard.end carries TAIL_S of audio after the speech end: measured from the speech end,
    # the utterance ended after at least the 250 ms asked for and before the 500 ms silence
    assert 0.25 <= quiet[0] + TAIL_S < 0.5


def test_words_left_hanging_wait_for_the_full_silence() -> None:
    quiet: list[float] = []
    stream = speech_and_quiet("Show me blue pottery near", 1.2)
    _, done, _ = asyncio.run(hands_free(stream, Saying("Show me blue pottery near"),
                                        complete_silence_ms=250, quiet_at_end=quiet))
    assert len(done) == 1
    assert quiet[0] + TAIL_S >= 0.5


def test_speech_after_an_early_end_is_a_new_utterance_not_lost() -> None:
    stream = speech_and_quiet("Show my pending orders.", 0.45, "And my delivered ones.", 1.2)
    stt = Saying("Show my pending orders.")
    _, done, _ = asyncio.run(hands_free(stream, stt, complete_silence_ms=250))
    assert len(done) == 2
    assert done[1].heard.start >= done[0].heard.end - 0.3  # LEAD_S before the second one
    assert done[1].heard.seconds > 0.8


class Slow:
    """A recognizer that, like Whisper, does one call at a time and checks ``cancelled`` halfway."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.partial_running = threading.Event()
        self.calls: list[str] = []

    def transcribe(self, audio: Audio, language: str | None = None, *,
                   cancelled: Callable[[], bool] | None = None) -> str:
        with self.lock:
            kind = "partial" if cancelled is not None else "final"
            if kind == "partial":
                self.partial_running.set()
            time.sleep(0.3)  # the encoder
            if cancelled is not None and cancelled():
                self.calls.append("abandoned")
                raise Abandoned
            time.sleep(0.3)  # the decoder
            self.calls.append(kind)
            return kind


def test_a_running_partial_gives_way_to_the_final() -> None:
    stt = Slow()
    listener = Listener(stt, hands_free=False)
    said = shared_tts(steady=True).synthesize("Show my pending orders please.")
    said = said.resampled(STT_RATE).samples
    listener.push(said)
    results: dict[str, Any] = {}
    partial = threading.Thread(
        target=lambda: results.update(partial=listener.transcribe(None, partial=True)))
    partial.start()
    assert stt.partial_running.wait(5)
    final = listener.finish(None)
    partial.join()
    assert results["partial"] is None and final.text == "final"
    # the partial stopped after its encoder: the final did not wait for its decoder too
    assert stt.calls == ["abandoned", "final"] and listener.abandoned == 1


def test_a_partial_alone_is_not_abandoned() -> None:
    stt = Slow()
    listener = Listener(stt, hands_free=False)
    listener.push(np.zeros(STT_RATE, dtype=np.float32) + 0.01)
    assert listener.transcribe(None, partial=True) == "partial"
    assert listener.abandoned == 0
