"""The wiring: settings become narrow typed configs, and the rooms keep their boundaries."""

from __future__ import annotations

import ast
from pathlib import Path

from domain.geocoder import geocoder_for
from gateway.settings import Settings
from gateway.wiring import geocoder_config, knowledge_config, tool_config

ROOT = Path(__file__).resolve().parents[2]
LOWER_ROOMS = ("agents", "tools", "domain", "knowledge", "voice")
PACKAGES = (*LOWER_ROOMS, "gateway", "evals")


def _modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_lower_rooms_never_import_the_gateway() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(*LOWER_ROOMS)
        for name in _imports(path)
        if name == "gateway" or name.startswith("gateway.")
    ]
    assert offenders == []


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = []
    for path in _modules(*PACKAGES):
        if path == ROOT / "gateway" / "settings.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Setting a variable for libraries and child processes (os.environ[X] = ...) is no read.
        written = {id(node.value) for node in ast.walk(tree)
                   if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and (
                isinstance(node.value, ast.Name) and node.value.id == "os"
            ) and id(node) not in written:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_knowledge_config_keeps_every_setting_it_needs(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, chroma_url="http://chroma:8000", embed_model="minilm-l6-int8",
        knowledge_min_confidence=0.7, llm_base_url="http://127.0.0.1:9/v1", _env_file=None,
    )
    config = knowledge_config(settings)
    assert config.data_dir == tmp_path and config.chroma_url == "http://chroma:8000"
    assert config.embed_model == "minilm-l6-int8" and config.min_confidence == 0.7
    assert config.llm_base_url == "http://127.0.0.1:9/v1"
    assert tool_config(settings).knowledge == config


def test_geocoder_and_logistics_only_when_configured(tmp_path: Path) -> None:
    offline = Settings(data_dir=tmp_path, _env_file=None)
    assert geocoder_config(offline) is None and geocoder_for(None) is None
    assert tool_config(offline).logistics.api_url is None
    online = Settings(
        data_dir=tmp_path, geocoder_url="http://127.0.0.1:9", geocoder_timeout_s=1.5,
        logistics_api_url="http://127.0.0.1:9/api", logistics_api_key="k", _env_file=None,
    )
    geo = geocoder_config(online)
    assert geo is not None and geo.cache_path == tmp_path / "geocoder-cache.json"
    assert geo.timeout_s == 1.5
    config = tool_config(online)
    assert (config.logistics.api_url, config.logistics.api_key) == ("http://127.0.0.1:9/api", "k")
    assert config.media is not None and config.media.root == tmp_path / "media"
    assert config.media.max_bytes == online.max_upload_bytes


def test_registries_are_explicit_lists() -> None:
    from agents.nlu.skill import load_skills
    from agents.skills.catalog import SKILLS
    from gateway.routes import ROUTERS
    from tools import load_all
    from tools.catalog import TOOLS

    assert sorted(t.name for t in TOOLS) == load_all().names()
    assert set(load_skills()) <= set(load_all().names()) and len(load_skills()) == len(SKILLS)
    tool_modules = {p.stem for p in (ROOT / "tools").glob("*.py")} - {
        "__init__", "registry", "common", "catalog"
    }
    assert tool_modules == {t.fn.__module__.rsplit(".", 1)[1] for t in TOOLS}
    route_modules = {p.stem for p in (ROOT / "gateway" / "routes").glob("*.py")} - {"__init__"}
    assert len(ROUTERS) == len(route_modules)
