"""The optional online geocoder: asked only for names the gazetteer lacks, cached, never required.

A small Nominatim-compatible server in the test stands in for OpenStreetMap's (no network here).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from domain.geocoder import GeocoderConfig, OnlineGeocoder, geocoder_for
from tools import load_all
from tools.common import resolve_place
from tools.registry import ToolConfig, ToolContext, ToolError

# What OpenStreetMap's Nominatim answers for these villages (trimmed to the fields used).
PLACES = {
    "nirona": {"lat": "23.5000", "lon": "69.5667", "name": "Nirona",
               "display_name": "Nirona, Nakhatrana Taluka, Kachchh, Gujarat, India",
               "address": {"village": "Nirona", "state": "Gujarat", "country_code": "in"}},
    "hodka": {"lat": "23.8130", "lon": "69.6930", "name": "Hodka",
              "display_name": "Hodka, Bhuj Taluka, Kachchh, Gujarat, India",
              "address": {"village": "Hodka", "state": "Gujarat", "country_code": "in"}},
    # a same-named place abroad: must not be taken for an Indian one
    "springfield": {"lat": "39.80", "lon": "-89.64", "name": "Springfield",
                    "display_name": "Springfield, Illinois, United States", "address": {}},
}


class _Nominatim(BaseHTTPRequestHandler):
    calls: list[dict] = []
    fail = False

    def do_GET(self) -> None:  # http.server's name
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).calls.append({"path": url.path, **query})
        if type(self).fail:
            self.send_response(503)
            self.end_headers()
            return
        hit = PLACES.get(query.get("q", "").strip().lower())
        body = json.dumps([hit] if hit else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def nominatim() -> Iterator[str]:
    _Nominatim.calls, _Nominatim.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _config(tmp_path: Path, url: str | None) -> ToolConfig:
    geocoder = GeocoderConfig(url, tmp_path / "geocoder-cache.json", timeout_s=2) if url else None
    return ToolConfig(data_dir=tmp_path, geocoder=geocoder)


def test_unknown_village_resolves_online_once_then_from_cache(nominatim, tmp_path) -> None:
    # offline, the gazetteer only knows a sound-alike 500 km away
    assert resolve_place("Nirona").name == "Naraina"
    geo = OnlineGeocoder(nominatim, cache_path=tmp_path / "cache.json")
    place = geo.geocode("Nirona")
    assert (place.name, place.state, place.kind) == ("Nirona", "Gujarat", "geocoded")
    assert place.lat == pytest.approx(23.5) and place.lon == pytest.approx(69.5667)
    assert _Nominatim.calls[0]["path"] == "/search" and _Nominatim.calls[0]["countrycodes"] == "in"
    assert geo.geocode("nirona ") == place and len(_Nominatim.calls) == 1
    # a new process reads the cache from disk: no request at all
    again = OnlineGeocoder(nominatim, cache_path=tmp_path / "cache.json")
    assert again.geocode("NIRONA") == place and len(_Nominatim.calls) == 1


def test_not_found_is_cached_and_foreign_answers_are_refused(nominatim, tmp_path) -> None:
    geo = OnlineGeocoder(nominatim, cache_path=tmp_path / "cache.json")
    assert geo.geocode("Atlantis") is None and geo.geocode("Atlantis") is None
    assert geo.geocode("Springfield") is None
    assert [c["q"] for c in _Nominatim.calls] == ["Atlantis", "Springfield"]


def test_a_failing_service_is_not_fatal_and_not_cached(nominatim, tmp_path) -> None:
    geo = OnlineGeocoder(nominatim, cache_path=tmp_path / "cache.json")
    _Nominatim.fail = True
    assert geo.geocode("Hodka") is None
    _Nominatim.fail = False
    assert geo.geocode("Hodka").name == "Hodka"


def test_tools_use_it_only_when_configured_and_only_for_unknown_names(
    nominatim, tmp_path, seeded_store
) -> None:
    registry = load_all()
    args = {"destination": "Hodka", "weight_kg": 1.0, "declared_price": 900}
    offline = ToolContext("c-0215", "creator", seeded_store, config=_config(tmp_path / "a", None))
    with pytest.raises(ToolError) as err:
        registry.invoke("shipping_quote", args, offline)
    assert err.value.code == "UNKNOWN_PLACE"
    assert _Nominatim.calls == []

    online = ToolContext("c-0215", "creator", seeded_store,
                         config=_config(tmp_path / "b", nominatim))
    quote = registry.invoke("shipping_quote", args, online)
    assert quote.destination["name"] == "Hodka" and quote.optimal_cost > 0
    # the village, not the offline sound-alike, once the geocoder knows it
    near = registry.invoke("shipping_quote", {**args, "destination": "Nirona"}, online)
    assert near.destination["name"] == "Nirona"
    registry.invoke("shipping_quote", {**args, "destination": "Jaipur"}, online)
    registry.invoke("shipping_quote", {**args, "destination": "Jaipure"}, online)
    # exact names never go online; a misspelling the service does not know falls back to fuzzy
    assert [c["q"] for c in _Nominatim.calls] == ["Hodka", "Nirona", "Jaipure"]
    assert (tmp_path / "b" / "geocoder-cache.json").exists()

    _Nominatim.fail = True  # down: the offline error, suggestions and all, is unchanged
    with pytest.raises(ToolError) as err:
        registry.invoke("shipping_quote", {**args, "destination": "Ludiya"}, online)
    assert err.value.code == "UNKNOWN_PLACE"


def test_no_url_no_geocoder(tmp_path) -> None:
    assert geocoder_for(_config(tmp_path, None).geocoder) is None
