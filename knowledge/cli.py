"""``qalakar ingest [--rebuild]``: build or refresh the heritage index from the corpus.

``gateway/cli.py`` mounts :func:`ingest` with a :class:`KnowledgeConfig` built from the settings.
It is idempotent, so ``make run`` can call it every time: unchanged documents are not embedded
again.
"""

from __future__ import annotations

from knowledge.config import KnowledgeConfig
from knowledge.index import IngestReport
from knowledge.index import ingest as _ingest


def ingest(config: KnowledgeConfig, rebuild: bool = False, progress: bool = True) -> IngestReport:
    """Ingest the corpus into the index ``config`` names (data_dir or chroma_url, embed model)."""
    from knowledge.service import reset

    report = _ingest(config, rebuild=rebuild, progress=progress)
    reset()  # a knowledge base cached in this process would hold the old nodes
    return report
