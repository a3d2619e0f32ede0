"""Answers: extractive with MMR and citations, "I don't know" when unsure, LLM synthesis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.mock import MockLLM

from knowledge.answer import IDK, LLMAnswerer, mmr


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 12), st.integers(1, 5), st.integers(0, 10_000))
def test_mmr_picks_distinct_and_starts_with_the_most_relevant(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    relevance = rng.random(n)
    picked = mmr(vecs[0], vecs, relevance, k)
    assert len(picked) == min(k, n) == len(set(picked))
    assert picked[0] == int(np.argmax(relevance))


def test_mmr_skips_a_duplicate() -> None:
    vecs = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    assert mmr(vecs[0], vecs, np.array([1.0, 0.99, 0.6]), 2, lambda_=0.5) == [0, 2]


@pytest.mark.parametrize(("question", "doc_id"), [
    ("what is madhubani", "cluster-madhubani-painting"),
    ("how do I know if a pashmina is real", "cluster-kashmir-pashmina"),
    ("tell me about blue pottery", "cluster-jaipur-blue-pottery"),
    ("how should I pack a glass vase for the courier", "help-shipping-fragile"),
])
def test_extractive_answers_cite_their_source(kb, question: str, doc_id: str) -> None:
    answer = kb.ask(question)
    assert answer.confident and answer.mode == "extractive"
    assert answer.citations[0].doc_id == doc_id
    for c in answer.citations:
        assert c.snippet and c.snippet in answer.text and c.title


@pytest.mark.parametrize(("question", "doc_id"), [
    ("GI tag kya hota hai aur mujhe kaise milega? (gi tag what is and i want how to get ?)",
     "help-gi-tags"),
    ("phulkari ka matlab kya hai aur ye kahan se aaya "
     "(phulkari meaning what and this where did it originate)", "technique-phulkari"),
])
def test_a_hinglish_question_with_its_gloss_is_answered(kb, question: str, doc_id: str) -> None:
    """The Hinglish words said are in no English document; the gloss's words carry the overlap."""
    answer = kb.ask(question)
    assert answer.confident and answer.citations[0].doc_id == doc_id


@pytest.mark.parametrize("question", [
    "bharat aur australia ka match kaun jita (bharat and australia match which won)",
    "who won the cricket match yesterday", "what is the recipe for hyderabadi biryani",
    "how do I repair a car gearbox",
])
def test_unrelated_questions_get_an_honest_i_dont_know(kb, question: str) -> None:
    answer = kb.ask(question)
    assert not answer.confident and answer.text == IDK and answer.citations == []


class _ScriptedLLM(CustomLLM):
    """A test double: answers from source [1] and records the prompt it was given."""

    prompts: list[str] = []

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=8000, num_output=200, model_name="scripted")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.prompts.append(prompt)
        return CompletionResponse(text="Bidri is blackened with soil from Bidar fort [1].")

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):
        yield self.complete(prompt)


def test_llm_answer_cites_the_sources_it_referred_to(kb) -> None:
    llm = _ScriptedLLM()
    answerer = LLMAnswerer(llm, kb.extractive)
    answer = answerer.answer(kb.retriever.retrieve("how does bidri metal turn black"))
    assert answer.mode == "llm" and "[1]" in answer.text
    assert [c.doc_id for c in answer.citations] == ["cluster-bidriware"]
    assert "Source [1]" in llm.prompts[-1] and "bidri" in llm.prompts[-1].lower()


class _BabblingLLM(_ScriptedLLM):
    """A base model behind llama.cpp's ChatML fallback: no answer, the template continued."""

    reply: str = "<|im_end|>\n<|im_start|>user\n<|im_end|>\n<|im_start|>user\n"

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.reply)


@pytest.mark.parametrize("reply", [
    "<|im_end|>\n<|im_start|>user\n<|im_end|>\n<|im_start|>user\n",
    "Bidri is a craft.<|im_end|>\n<|im_start|>user\nWhat is [1]?",
    "Bidri work is very nice and old.",
])
def test_an_llm_answer_that_cites_nothing_gives_way_to_the_extractive_one(kb, reply: str) -> None:
    retrieval = kb.retriever.retrieve("how does bidri metal turn black")
    answer = LLMAnswerer(_BabblingLLM(reply=reply), kb.extractive).answer(retrieval)
    assert answer.mode == "extractive" and answer.confident
    assert "<|" not in answer.text and answer.citations[0].doc_id == "cluster-bidriware"


def test_mock_llm_is_refused(kb) -> None:
    with pytest.raises(ValueError, match="MockLLM"):
        LLMAnswerer(MockLLM(), kb.extractive)
