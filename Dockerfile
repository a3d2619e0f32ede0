# syntax=docker/dockerfile:1
# The Qalakar gateway image (see docker-compose.yml for the full stack).

# --- build: compile any wheel without a binary for this platform into a venv ---------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# pyproject's readme must exist for hatchling; the packages follow [tool.hatch.build.targets.wheel].
COPY pyproject.toml README.md ./
COPY agents ./agents
COPY tools ./tools
COPY knowledge ./knowledge
COPY voice ./voice
COPY gateway ./gateway
COPY domain ./domain
COPY evals ./evals
# A regular (non-editable) install: the image needs no source tree, only the venv.
RUN pip install ".[voice]"

# --- runtime ------------------------------------------------------------------------------
FROM python:3.11-slim

# libgomp: OpenMP runtime used by CTranslate2 (faster-whisper), onnxruntime and scikit-learn.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 espeak-ng \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 qalakar \
    && useradd --system --uid 10001 --gid qalakar --home-dir /app --shell /usr/sbin/nologin qalakar

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    QALAKAR_DATA_DIR=/app/var \
    HF_HOME=/app/var/hf

WORKDIR /app
# A fresh named volume mounted on /app/var copies this directory's owner, so the non-root user
# can write to it.
RUN mkdir -p /app/var && chown -R qalakar:qalakar /app
USER qalakar

EXPOSE 8000

# slim has no curl: probe liveness with the interpreter already in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["qalakar", "serve", "--host", "0.0.0.0", "--port", "8000"]
