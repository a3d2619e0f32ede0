"""An optional online geocoder behind the offline gazetteer, cached, never required.

When a :class:`GeocoderConfig` (``QALAKAR_GEOCODER_URL``) names a Nominatim-compatible service
(OpenStreetMap's public one, or a self-hosted Nominatim), a place the gazetteer cannot resolve
is looked up there, within India. Answers, found or not, are cached in memory and in a small
JSON file under the data directory, so a name costs one request for good. Any failure
(timeout, refusal, bad answer) leaves the offline answer, ``UNKNOWN_PLACE`` with its
suggestions, unchanged.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from domain.places import Place, normalize

log = logging.getLogger(__name__)

# India and a margin: an answer outside it is somebody else's town of the same name.
_INDIA_BOX = (6.0, 37.5, 68.0, 97.5)


class OnlineGeocoder:
    """geopy's Nominatim client for one service, with a persistent cache of its answers."""

    def __init__(
        self,
        url: str,
        *,
        user_agent: str = "qalakar",
        timeout_s: float = 3.0,
        cache_path: Path | None = None,
        country_codes: str = "in",
    ) -> None:
        from geopy.geocoders import Nominatim

        parts = urlsplit(url if "://" in url else f"https://{url}")
        if not parts.netloc:
            raise ValueError(f"geocoder URL {url!r} has no host")
        self.url = url
        self._client = Nominatim(
            user_agent=user_agent,
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme or "https",
            timeout=timeout_s,
        )
        self._country_codes = country_codes
        self._cache_path = cache_path
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, Any] | None] = self._load()

    def _load(self) -> dict[str, dict[str, Any] | None]:
        if self._cache_path is None or not self._cache_path.exists():
            return {}
        try:
            data = json.loads(self._cache_path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            log.warning("geocoder cache %s unreadable; starting empty", self._cache_path)
            return {}

    def _save(self) -> None:
        if self._cache_path is None:
            return
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._cache_path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._cache, f, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, self._cache_path)

    def geocode(self, name: str) -> Place | None:
        """The place called ``name`` in India, or ``None`` (not found, or the service failed)."""
        key = normalize(name)
        if not key:
            return None
        with self._lock:
            if key in self._cache:
                return _place(self._cache[key])
        try:
            found = self._client.geocode(
                name, exactly_one=True, country_codes=self._country_codes, addressdetails=True
            )
        except Exception as exc:  # geopy raises many kinds; none is fatal here
            log.warning("online geocoder %s failed for %r: %s", self.url, name, exc)
            return None  # not cached: the service may be back next time
        entry = None
        if found is not None:
            lat, lon = float(found.latitude), float(found.longitude)
            lat_lo, lat_hi, lon_lo, lon_hi = _INDIA_BOX
            if lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi:
                raw = found.raw or {}
                title = raw.get("name") or str(found.address or name).split(",")[0]
                entry = {
                    "name": str(title).strip(),
                    "lat": lat,
                    "lon": lon,
                    "state": str((raw.get("address") or {}).get("state", "")),
                }
        with self._lock:
            self._cache[key] = entry
            self._save()
        return _place(entry)


def _place(entry: dict[str, Any] | None) -> Place | None:
    if entry is None:
        return None
    return Place(entry["name"], entry["lat"], entry["lon"], entry.get("state", ""), kind="geocoded")


@dataclass(frozen=True)
class GeocoderConfig:
    """One online geocoder: its URL, how it is asked, and where its answers are cached."""

    url: str
    cache_path: Path
    user_agent: str = "qalakar"
    timeout_s: float = 3.0


_GEOCODERS: dict[GeocoderConfig, OnlineGeocoder] = {}
_LOCK = threading.Lock()


def geocoder_for(config: GeocoderConfig | None) -> OnlineGeocoder | None:
    """The process-wide geocoder for ``config``, or ``None`` when none is configured."""
    if config is None:
        return None
    with _LOCK:
        if config not in _GEOCODERS:
            _GEOCODERS[config] = OnlineGeocoder(
                config.url,
                user_agent=config.user_agent,
                timeout_s=config.timeout_s,
                cache_path=config.cache_path,
            )
        return _GEOCODERS[config]
