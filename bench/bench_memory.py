"""Memory benchmark: resident set size of one gateway worker as it warms up.

Figures: RSS after start-up (``/readyz`` ready), after a voice turn (speech-to-text and
text-to-speech models loaded) and after 10 inline image analyses (``analyze_authenticity`` on
data-URL photos of 1600×1200). Target: at most 1.2 GB with the voice models loaded.

Run: ``python -m bench.bench_memory`` (about a minute once the gateway is up).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import tempfile
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from bench.common import figure, report


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def _voice_turn(server, token: str) -> list[str]:  # GatewayProcess
    from websockets.asyncio.client import connect

    t = np.arange(16_000 * 2) / 16_000
    pcm = (np.sin(2 * np.pi * 220 * t) * 3000).astype("<i2").tobytes()
    kinds = []
    async with connect(f"{server.ws}?token={token}", max_size=8_000_000) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "audio_start", "format": "pcm_s16le",
                                  "sample_rate": 16_000}))
        for i in range(0, len(pcm), 8000):
            await ws.send(pcm[i:i + 8000])
        await ws.send(json.dumps({"type": "audio_end"}))
        while True:
            message = await asyncio.wait_for(ws.recv(), 300)
            if isinstance(message, bytes):
                continue
            frame = json.loads(message)
            kinds.append(frame["type"])
            if frame["type"] == "turn_end":
                return kinds


def _photo(seed: int) -> str:
    from domain.vision.render import FAMILIES, RenderSpec, render

    pixels = render(RenderSpec(FAMILIES[seed % 4], seed % 3 != 0, (seed * 0.137) % 1, 500 + seed))
    buf = io.BytesIO()
    Image.fromarray(pixels).resize((1600, 1200)).save(buf, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def main() -> None:
    """Seed, start one gateway worker, and read its RSS at each stage."""
    from domain.seed import seed
    from domain.store import Store
    from tests.processes import GatewayProcess, gateway_env

    tmp = Path(tempfile.mkdtemp(prefix="qalakar-memory-"))
    url = f"sqlite:///{tmp}/memory.db"
    seed(Store.from_url(url), seed=42, reset=True, progress=False)
    env = gateway_env(tmp, url, rate_limit_per_minute=0, rate_limit_turns_per_minute=0)
    with GatewayProcess(env, workers=1, log=tmp / "gateway.log") as server:
        pid = server.worker_pids()[0]
        warm = _rss_mb(pid)
        creator = server.token("c-0001", "creator")
        kinds = asyncio.run(_voice_turn(server, creator))
        voice = _rss_mb(pid)
        headers = {"authorization": f"Bearer {creator}"}
        for i in range(10):
            r = httpx.post(f"{server.http}/api/v1/tools/analyze_authenticity", timeout=120,
                           headers=headers, json={"images": [_photo(i)], "category": "textiles"})
            if r.status_code != 200:
                raise RuntimeError(f"analysis {i} failed: {r.status_code} {r.text[:300]}")
        images = _rss_mb(pid)
    report("memory", {
        "rss_warm_mb": figure(warm, "MB", note="one worker after /readyz"),
        "rss_with_voice_mb": figure(voice, "MB", baseline=warm, target="<= 1200 MB",
                                    note="after one voice turn "
                                    f"({', '.join(dict.fromkeys(kinds))})"),
        "rss_after_10_images_mb": figure(images, "MB", baseline=voice,
                                         note="10 inline 1600×1200 analyses; baseline: with voice"),
    })


if __name__ == "__main__":
    main()
