"""Where a chat model's turn ends: the end-of-turn markers of the common chat templates.

Every caller of an OpenAI-compatible endpoint (the LLM planner, the knowledge answerer, the
listing translator) sends these as ``stop`` sequences and cuts the reply at the first one. A
model that does not know the server's template (a base model behind llama.cpp's ChatML
fallback) writes them as plain text and runs on into invented turns: llama.cpp then stops at
the first marker instead of at ``max_tokens``, and nothing after it is ever read.
"""

from __future__ import annotations

import re

# ChatML, Gemma, Llama 2/3, Mistral, Phi: a marker that ends a turn or starts the next one.
TURN_MARKERS = (
    "<|im_end|>", "<|im_start|>", "<end_of_turn>", "<start_of_turn>", "<|eot_id|>",
    "<|endoftext|>", "<|start_header_id|>", "</s>", "<eos>", "[INST]", "<|end|>", "<|user|>",
    "<|assistant|>",
)
# What is sent as ``stop``: OpenAI's API takes at most four sequences (vLLM and llama.cpp take
# more), so the four commonest end-of-turn markers go to the server and the rest are cut here.
STOP_SEQUENCES = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "</s>")
TURN_END = re.compile("|".join(re.escape(marker) for marker in TURN_MARKERS))


def until_turn_end(text: str) -> str:
    """``text`` up to the first end-of-turn marker (all of it when there is none)."""
    match = TURN_END.search(text)
    return text[: match.start()] if match else text
