"""Where the heritage index lives and how it answers: the one config this package is handed.

Kept free of llama-index and chromadb so the tools and the gateway can build it cheaply;
``gateway.wiring.knowledge_config`` makes it from the settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.corpus import CORPUS_DIR

DEFAULT_EMBED_MODEL = "use-multilingual-v3"


@dataclass(frozen=True)
class KnowledgeConfig:
    """Index location, encoder, optional LLM for generative answers, and the answer floor.

    ``min_confidence`` is the retrieval confidence below which answers say "I don't know";
    ``None`` takes the floor measured for ``embed_model``.
    """

    data_dir: Path = Path("./var")
    chroma_url: str | None = None
    embed_model: str = DEFAULT_EMBED_MODEL
    corpus_dir: Path = CORPUS_DIR
    llm_base_url: str | None = None
    llm_model: str = "qalakar-llm"
    llm_api_key: str = "EMPTY"
    llm_timeout_s: float = 60.0
    min_confidence: float | None = None

    @property
    def model_key(self) -> str:
        """The encoder name made safe for a collection name."""
        model = self.embed_model
        stem = Path(model).stem if model.endswith(".onnx") else model
        return re.sub(r"[^a-zA-Z0-9_-]+", "-", stem).strip("-")[:40] or "model"

    @property
    def node_collection(self) -> str:
        """The collection of section nodes."""
        return f"heritage-{self.model_key}"

    @property
    def sentence_collection(self) -> str:
        """The collection of single sentences."""
        return f"heritage-sentences-{self.model_key}"
