"""Round-trip training data: generated English requests spoken by Piper/espeak-ng, heard by tiny.en.

Issue 13 asks for training utterances "passed through the project's own TTS → STT round trip for
spoken-style errors". This takes the English utterances of ``agents.nlu.generated`` (ASCII only
and mostly English words: the Hinglish and Devanagari ones are not for ``tiny.en``), a few per
intent, speaks each with one of the four bench conditions (Piper or espeak-ng, clean or at 15 dB
SNR, in turn), transcribes it with the gateway's recognizer and writes
``agents/nlu/spoken_corpus.jsonl``
(``said``, ``heard``, ``intent``, ``voice``, ``snr_db``). The transcript is repaired as a
voice turn would be (``agents.nlu.spoken.repair``), since that is what the classifier sees.
:func:`agents.nlu.spoken.spoken_training_pairs` loads it. Synthetic: training only, never eval.

Run: ``python -m bench.spoken_corpus [--per-intent N]`` (a few minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict

from agents.nlu.spoken import SPOKEN_CORPUS, lexicon, repair
from bench.bench_spoken import CONDITIONS, _engines, condition_audio, gateway_stt

SEED = 13


ENGLISH_SHARE = 0.8  # of a request's words that are English or vocabulary words


def is_english(text: str) -> bool:
    """ASCII, and most words common English or vocabulary words (not Hinglish: "bhejna hai")."""
    lex = lexicon()
    words = re.findall(r"[a-z]+", text.lower())
    if not text.isascii() or not words:
        return False
    return sum(w in lex.common or w in lex.known for w in words) >= ENGLISH_SHARE * len(words)


def english_requests(per_intent: int) -> list[tuple[str, str]]:
    """``per_intent`` English utterances of each intent of the generated corpus (seeded draw)."""
    from agents.nlu.generated import generated_corpus

    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in generated_corpus():
        if is_english(text):
            by_intent[intent].append(text)
    rng = random.Random(SEED)
    out = []
    for intent in sorted(by_intent):
        texts = by_intent[intent]
        out += [(t, intent) for t in rng.sample(texts, min(per_intent, len(texts)))]
    return out


def main() -> None:
    """Speak, hear and write the corpus."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-intent", type=int, default=8)
    args = parser.parse_args()
    stt, _ = gateway_stt()
    engines = _engines()
    rows = []
    for n, (text, intent) in enumerate(english_requests(args.per_intent)):
        voice, snr = CONDITIONS[n % len(CONDITIONS)]
        audio = condition_audio({"text": text}, voice, snr, engines)
        heard = stt.transcribe(audio, "en")
        rows.append({"said": text, "heard": repair(heard), "intent": intent, "voice": voice,
                     "snr_db": snr})
    SPOKEN_CORPUS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} transcripts → {SPOKEN_CORPUS}")


if __name__ == "__main__":
    main()
