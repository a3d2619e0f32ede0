"""``voice/vad.py``'s :class:`Endpointer`: utterance boundaries from speech probabilities.

The probabilities are given directly (the Silero model is exercised by the websocket tests).
"""

from __future__ import annotations

import numpy as np

from voice.vad import WINDOW_MS, Endpointer


def _windows(ms: float) -> int:
    return round(ms / WINDOW_MS)


def test_speech_then_silence_is_one_utterance() -> None:
    ep = Endpointer(silence_ms=500, min_speech_ms=96)
    quiet, loud = np.zeros(_windows(320)), np.ones(_windows(640))
    start = ep.observe(np.concatenate([quiet, loud]))
    assert start.speech_started is not None and abs(start.speech_started - 0.32) < 0.04
    pause = ep.observe(np.zeros(_windows(200)))
    assert pause.pause_started is not None and pause.ended is None
    end = ep.observe(np.zeros(_windows(400)))
    assert end.ended is not None and abs(end.ended - 0.96) < 0.04
    assert not ep.in_speech and ep.heard_speech


def test_a_click_is_not_speech_and_a_short_breath_does_not_end_it() -> None:
    ep = Endpointer(silence_ms=500, min_speech_ms=96)
    assert ep.observe(np.array([1.0, 0.0, 0.0])).speech_started is None
    ep.observe(np.ones(_windows(300)))
    assert ep.in_speech
    # 0.4 is between the thresholds (hysteresis): not silence, so no pause starts
    assert ep.observe(np.full(_windows(600), 0.4)).pause_started is None
    breath = ep.observe(np.concatenate([np.zeros(_windows(200)), np.ones(_windows(100))]))
    assert breath.pause_started is not None and breath.ended is None and ep.in_speech


def test_pausing_is_the_quiet_inside_an_utterance() -> None:
    ep = Endpointer(silence_ms=500, min_speech_ms=96)
    ep.observe(np.ones(_windows(300)))
    assert ep.in_speech and not ep.pausing
    ep.observe(np.zeros(1))
    assert ep.pausing
    ep.observe(np.ones(1))
    assert not ep.pausing
    ep.observe(np.zeros(_windows(600)))
    assert not ep.in_speech and not ep.pausing
