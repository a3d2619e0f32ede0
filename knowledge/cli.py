"""``qalakar ingest [--rebuild]``: build or refresh the heritage index from the corpus.

The lead's ``gateway/cli.py`` wires :func:`ingest` (or mounts :data:`app`); it is idempotent, so
``make run`` can call it every time: unchanged documents are not embedded again.
"""

from __future__ import annotations

from typing import Any

import typer

from knowledge.index import IngestReport, KnowledgeConfig
from knowledge.index import ingest as _ingest


def ingest(settings: Any, rebuild: bool = False, progress: bool = True) -> IngestReport:
    """Ingest the corpus for ``settings`` (data_dir or chroma_url, embed model)."""
    from knowledge.service import reset

    report = _ingest(KnowledgeConfig.from_settings(settings), rebuild=rebuild, progress=progress)
    reset()  # a knowledge base cached in this process would hold the old nodes
    return report


app = typer.Typer(help="Heritage knowledge index.", add_completion=False)


@app.command("ingest")
def ingest_command(
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and embed everything"),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar"),
) -> None:
    """Build the heritage knowledge index (only changed documents are re-embedded)."""
    from gateway.settings import get_settings

    report = ingest(get_settings(), rebuild=rebuild, progress=not quiet)
    typer.echo(f"heritage index: {report.summary()}")


if __name__ == "__main__":
    app()
