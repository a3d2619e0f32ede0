"""Static checks of docker-compose.yml and the Dockerfile against settings and pyproject.

No Docker engine is needed. Two checkers return lists of problems; the real files must give
none, and deliberately broken copies must give some, so the checks are known to bite.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import re
import shlex
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import ValidationError

from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PYPROJECT = ROOT / "pyproject.toml"

REQUIRED_SERVICES = ("gateway", "vllm", "chroma", "postgres", "redis")
GATEWAY_DEPENDENCIES = ("postgres", "redis", "chroma", "vllm")
# Ports the stock images listen on unless their command says otherwise.
IMAGE_DEFAULT_PORTS = {
    "postgres": 5432,
    "redis": 6379,
    "chromadb/chroma": 8000,
    "ghcr.io/chroma-core/chroma": 8000,
    "vllm/vllm-openai": 8000,
}
SCHEME_DEFAULT_PORTS = {
    "postgresql": 5432,
    "postgres": 5432,
    "redis": 6379,
    "http": 80,
    "https": 443,
}
# URLs that point outside the stack (not compose services).
EXTERNAL_URL_SETTINGS = {"public_url", "whatsapp_api_url"}
# What the compose file is interpolated with in these tests: a secret of acceptable length.
TEST_ENV = {"QALAKAR_JWT_SECRET": "compose-test-secret-0123456789abcdefghij"}
SECRET_VAR = "QALAKAR_JWT_SECRET"

_VAR = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


# --------------------------------------------------------------------------- helpers


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose-style interpolation.

    Handles ``${VAR}``, ``$VAR``, ``${VAR:-d}``, ``${VAR-d}``, ``${VAR:?e}``, ``${VAR?e}``,
    ``${VAR:+r}``, ``${VAR+r}`` and ``$$``.
    """

    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        current = env.get(name)
        is_set = current is not None
        non_empty = bool(current)
        if op in (":-", "-"):
            return current if (non_empty if op == ":-" else is_set) else arg  # type: ignore[return-value]
        if op in (":?", "?"):
            if not (non_empty if op == ":?" else is_set):
                raise ValueError(f"required variable {name} is missing: {arg}")
            return current  # type: ignore[return-value]
        if op in (":+", "+"):
            return arg if (non_empty if op == ":+" else is_set) else ""
        return current or ""

    return _VAR.sub(sub, value)


def interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string of a parsed compose document."""
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    return node


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's ``environment`` as a dict, from either the mapping or the list form."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in raw)
        return {key: value for key, value in pairs}
    return {str(key): "" if value is None else str(value) for key, value in raw.items()}


def command_args(service: Mapping[str, Any]) -> list[str]:
    """A service's ``command`` as an argument list."""
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def option(args: list[str], name: str) -> str | None:
    """The value of ``--name value`` or ``--name=value`` in an argument list."""
    for index, arg in enumerate(args):
        if arg == name:
            return args[index + 1] if index + 1 < len(args) else None
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def image_repo(image: str) -> str:
    """``chromadb/chroma:1.0.12`` -> ``chromadb/chroma``; ``postgres:16`` -> ``postgres``."""
    image = image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return image[: len(image) - len(last)] + last.split(":", 1)[0]


def published_container_ports(service: Mapping[str, Any]) -> list[int]:
    """The container side of each ``ports`` entry."""
    result = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            result.append(int(entry["target"]))
        else:
            result.append(int(str(entry).split("/", 1)[0].rsplit(":", 1)[-1]))
    return result


def published_host_ports(service: Mapping[str, Any]) -> list[str]:
    """``ip:port`` (or ``port``) of each published host port, to spot clashes."""
    result = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            if entry.get("published"):
                result.append(f"{entry.get('host_ip', '0.0.0.0')}:{entry['published']}")
        else:
            parts = str(entry).split("/", 1)[0].split(":")
            if len(parts) >= 2:
                host_ip = parts[0] if len(parts) == 3 else "0.0.0.0"
                result.append(f"{host_ip}:{parts[-2]}")
    return result


def listening_ports(service: Mapping[str, Any]) -> set[int]:
    """Ports the service's process binds: ``--port`` in its command, else the image default."""
    explicit = option(command_args(service), "--port")
    if explicit is not None:
        return {int(explicit)}
    default = IMAGE_DEFAULT_PORTS.get(image_repo(str(service.get("image", ""))))
    if default is not None:
        return {default}
    # A service built here (or an unknown image): trust what it declares.
    declared = {int(str(port).split("/", 1)[0]) for port in service.get("expose") or []}
    return declared | set(published_container_ports(service))


def volume_mounts(service: Mapping[str, Any]) -> list[tuple[str | None, str, str]]:
    """``(source, target, type)`` of each mount; type is ``volume`` for named volumes."""
    mounts = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append((entry.get("source"), entry["target"], entry.get("type", "volume")))
            continue
        parts = str(entry).split(":")
        if len(parts) == 1:  # anonymous volume
            mounts.append((None, parts[0], "volume"))
            continue
        source, target = parts[0], parts[1]
        kind = "bind" if source.startswith(("/", ".", "~", "$")) else "volume"
        mounts.append((source, target, kind))
    return mounts


def depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    """``depends_on`` as ``{service: condition}`` from either form."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def healthcheck_text(service: Mapping[str, Any]) -> str:
    """The healthcheck test as one string ('' when absent or disabled)."""
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return ""
    test = check.get("test") or ""
    return " ".join(test) if isinstance(test, list) else str(test)


def has_gpu_reservation(service: Mapping[str, Any]) -> bool:
    """``deploy.resources.reservations.devices`` holds an nvidia GPU."""
    devices = (
        ((service.get("deploy") or {}).get("resources") or {}).get("reservations") or {}
    ).get("devices") or []
    for device in devices:
        capabilities = device.get("capabilities") or []
        if device.get("driver") == "nvidia" and "gpu" in capabilities:
            count = device.get("count", "all")
            if count == "all" or int(count) >= 1 or device.get("device_ids"):
                return True
    return False


# --------------------------------------------------------------------------- checkers


def check_compose(compose: Mapping[str, Any], env: Mapping[str, str] = TEST_ENV) -> list[str]:
    """Problems with a parsed docker-compose document ([] when it is sound)."""
    problems: list[str] = []
    raw_services = compose.get("services")
    if not isinstance(raw_services, dict):
        return ["no services section"]

    # The JWT secret must come from the operator, with no default baked into the file.
    raw_secret = environment(raw_services.get("gateway") or {}).get(SECRET_VAR)
    if raw_secret is None:
        problems.append(f"gateway does not set {SECRET_VAR}")
    else:
        without = {key: value for key, value in env.items() if key != SECRET_VAR}
        try:
            interpolate(raw_secret, without)
        except ValueError:
            pass
        else:
            problems.append(f"{SECRET_VAR} has a default; use ${{{SECRET_VAR}:?...}}")

    try:
        resolved = interpolate_tree(dict(compose), env)
    except ValueError as exc:
        return [*problems, f"interpolation failed: {exc}"]
    services: dict[str, Any] = resolved["services"]

    for name in REQUIRED_SERVICES:
        if name not in services:
            problems.append(f"missing service {name!r}")

    # --- vllm: a tool-calling OpenAI server on a GPU
    served_name: str | None = None
    vllm = services.get("vllm")
    if vllm is not None:
        if not str(vllm.get("image", "")).startswith("vllm/vllm-openai"):
            problems.append("vllm does not use the vllm/vllm-openai image")
        args = command_args(vllm)
        if "--enable-auto-tool-choice" not in args:
            problems.append("vllm command lacks --enable-auto-tool-choice")
        if not option(args, "--tool-call-parser"):
            problems.append("vllm command lacks --tool-call-parser")
        model = option(args, "--model") or next((a for a in args if not a.startswith("-")), None)
        if not model:
            problems.append("vllm command names no model")
        served_name = option(args, "--served-model-name") or model
        if not has_gpu_reservation(vllm):
            problems.append("vllm has no nvidia GPU reservation")
        if vllm.get("ipc") != "host" and not vllm.get("shm_size"):
            problems.append("vllm needs ipc: host or shm_size")
        if "/health" not in healthcheck_text(vllm):
            problems.append("vllm healthcheck does not probe /health")
        if not any(
            kind == "volume" and "huggingface" in target for _, target, kind in volume_mounts(vllm)
        ):
            problems.append("vllm has no volume for the Hugging Face cache")

    # --- postgres / redis / chroma
    postgres = services.get("postgres")
    if postgres is not None:
        if "pg_isready" not in healthcheck_text(postgres):
            problems.append("postgres healthcheck does not use pg_isready")
        if not any(kind == "volume" for *_, kind in volume_mounts(postgres)):
            problems.append("postgres data is not on a named volume")
    redis = services.get("redis")
    if redis is not None and not healthcheck_text(redis):
        problems.append("redis has no healthcheck")
    chroma = services.get("chroma")
    if chroma is not None and not any(
        source for source, _, kind in volume_mounts(chroma) if kind == "volume"
    ):
        problems.append("chroma data is not on a named volume")

    # --- gateway: its settings must resolve to the services above
    gateway = services.get("gateway")
    if gateway is not None:
        if "build" not in gateway:
            problems.append("gateway is not built from the Dockerfile")
        if not any(
            target == "/app/var" and kind == "volume" for _, target, kind in volume_mounts(gateway)
        ):
            problems.append("gateway has no named volume on /app/var")
        problems += _check_gateway_settings(gateway, services, served_name)
        deps = depends_on(gateway)
        for name in GATEWAY_DEPENDENCIES:
            if name not in deps:
                problems.append(f"gateway does not depend on {name}")
            elif deps[name] != "service_healthy":
                problems.append(f"gateway does not wait for {name} to be healthy")
        for name, condition in deps.items():
            if name not in services:
                problems.append(f"gateway depends on undefined service {name!r}")
            elif condition == "service_healthy" and not healthcheck_text(services[name]):
                problems.append(f"gateway waits for {name} to be healthy but it has no healthcheck")

    problems += _check_scaling(services)

    # --- volumes and host ports across the file
    declared = set((resolved.get("volumes") or {}).keys())
    seen_host_ports: dict[str, str] = {}
    for name, service in services.items():
        for source, _target, kind in volume_mounts(service):
            if kind == "volume" and source and source not in declared:
                problems.append(f"{name} uses undeclared volume {source!r}")
        for host_port in published_host_ports(service):
            if host_port in seen_host_ports:
                problems.append(
                    f"host port {host_port} published by {seen_host_ports[host_port]} and {name}"
                )
            seen_host_ports[host_port] = name
        listening = listening_ports(service)
        for port in published_container_ports(service):
            if listening and port not in listening:
                problems.append(
                    f"{name} publishes container port {port} but listens on {sorted(listening)}"
                )
    return problems


def _check_scaling(services: Mapping[str, Any]) -> list[str]:
    """``docker compose up --scale gateway=N`` works: the gateway publishes no fixed host port
    and a proxy in front of it reaches every replica on the port the gateway listens on."""
    problems: list[str] = []
    gateway = services.get("gateway")
    if gateway is None:
        return problems
    if published_host_ports(gateway):
        problems.append("gateway publishes a host port; --scale gateway=N would clash on it "
                        "(publish the proxy instead)")
    proxy = services.get("proxy")
    if proxy is None:
        return [*problems, "missing service 'proxy' in front of the gateway replicas"]
    if not published_host_ports(proxy):
        problems.append("proxy publishes no host port")
    if "gateway" not in depends_on(proxy):
        problems.append("proxy does not depend on gateway")
    configs = [ROOT / source for source, target, kind in volume_mounts(proxy)
               if kind == "bind" and source and target.startswith("/etc/caddy")]
    if not configs or not configs[0].is_file():
        return [*problems, "proxy has no Caddyfile mounted from the repository"]
    text = configs[0].read_text(encoding="utf-8")
    ports = {int(p) for p in re.findall(r"\bgateway[ :](\d+)", text)}
    if not ports:
        problems.append("the proxy's Caddyfile does not reverse-proxy to gateway")
    elif not ports <= listening_ports(gateway):
        problems.append(f"the proxy sends to gateway port(s) {sorted(ports)}, "
                        f"the gateway listens on {sorted(listening_ports(gateway))}")
    if "dynamic a gateway" not in text:
        problems.append("the proxy resolves gateway once; replicas added by --scale are missed "
                        "(use dynamic a upstreams)")
    return problems


def _check_gateway_settings(
    gateway: Mapping[str, Any], services: Mapping[str, Any], served_name: str | None
) -> list[str]:
    """Build the gateway's Settings from its environment and follow every internal URL."""
    problems: list[str] = []
    env = environment(gateway)
    kwargs: dict[str, str] = {}
    for key, value in env.items():
        if not key.startswith("QALAKAR_"):
            continue
        field = key.removeprefix("QALAKAR_").lower()
        if field not in Settings.model_fields:
            problems.append(f"gateway sets unknown variable {key}")
            continue
        kwargs[field] = value
    try:
        settings = Settings(_env_file=None, **kwargs)
    except ValidationError as exc:
        return [*problems, f"gateway settings are invalid: {exc.errors()[0]['msg']}"]

    if settings.env != "prod":
        problems.append(f"gateway runs with QALAKAR_ENV={settings.env}, not prod")
    for field in ("database_url", "chroma_url", "llm_base_url", "redis_url"):
        if not getattr(settings, field):
            problems.append(f"gateway leaves {field} unset (embedded default)")
    if served_name is not None and settings.llm_model != served_name:
        problems.append(f"QALAKAR_LLM_MODEL={settings.llm_model!r} but vllm serves {served_name!r}")
    if settings.llm_base_url and not urlsplit(settings.llm_base_url).path.rstrip("/").endswith(
        "/v1"
    ):
        problems.append("QALAKAR_LLM_BASE_URL should end in /v1 (OpenAI-compatible root)")

    url_fields = [
        key.removeprefix("QALAKAR_").lower()
        for key in env
        if key.startswith("QALAKAR_") and key.endswith("_URL")
    ]
    for field in url_fields:
        if field in EXTERNAL_URL_SETTINGS or field not in Settings.model_fields:
            continue
        url = getattr(settings, field)
        if not url:
            continue
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0]
        host = parts.hostname
        if host not in services:
            problems.append(f"{field} host {host!r} is not a compose service")
            continue
        port = parts.port or SCHEME_DEFAULT_PORTS.get(scheme)
        listening = listening_ports(services[host])
        if port not in listening:
            problems.append(f"{field} uses port {port} but {host} listens on {sorted(listening)}")
        if field == "database_url" and host == "postgres":
            pg_env = environment(services[host])
            expected = {
                "POSTGRES_USER": parts.username,
                "POSTGRES_PASSWORD": parts.password,
                "POSTGRES_DB": parts.path.lstrip("/"),
            }
            for key, value in expected.items():
                if pg_env.get(key) != value:
                    problems.append(
                        f"database_url says {key}={value!r}, postgres has {pg_env.get(key)!r}"
                    )
    return problems


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs with continuation lines joined and comments dropped."""
    logical: list[str] = []
    buffer = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        logical.append(buffer + stripped)
        buffer = ""
    if buffer:
        logical.append(buffer)
    result = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def check_dockerfile(
    text: str, scripts: Mapping[str, str], compose: Mapping[str, Any] | None = None
) -> list[str]:
    """Problems with the gateway Dockerfile given pyproject's ``[project.scripts]``."""
    problems: list[str] = []
    instructions = dockerfile_instructions(text)
    froms = [index for index, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    if not froms:
        return ["no FROM"]
    if not any(instructions[i][1].split()[0].startswith("python:3.11-slim") for i in froms):
        problems.append("no python:3.11-slim base")
    final = instructions[froms[-1] :]

    if not any(
        k == "RUN" and re.search(r"pip install .*[\"']?\.\[voice\]", a) for k, a in instructions
    ):
        problems.append("the project is not installed with pip install .[voice]")

    users = [args.split(":", 1)[0] for keyword, args in final if keyword == "USER"]
    if not users or users[-1] in ("root", "0"):
        problems.append("the final stage runs as root")

    cmds = [args for keyword, args in final if keyword == "CMD"]
    port: str | None = None
    if not cmds:
        problems.append("no CMD")
    else:
        try:
            argv = json.loads(cmds[-1])
        except json.JSONDecodeError:
            argv = None
        if not isinstance(argv, list) or not argv:
            problems.append("CMD is not in exec (JSON array) form")
        else:
            if argv[0] not in scripts:
                problems.append(f"CMD runs {argv[0]!r}, not a console script of pyproject")
            if argv[1:2] != ["serve"]:
                problems.append("CMD does not run the serve subcommand")
            if option(argv, "--host") != "0.0.0.0":
                problems.append(
                    "CMD does not bind 0.0.0.0 (unreachable from outside the container)"
                )
            port = option(argv, "--port")
            if port is None:
                problems.append("CMD sets no --port")

    exposed = {p.split("/", 1)[0] for k, a in final if k == "EXPOSE" for p in a.split()}
    if port is not None and port not in exposed:
        problems.append(f"CMD serves on {port} but EXPOSE says {sorted(exposed)}")

    checks = [args for keyword, args in final if keyword == "HEALTHCHECK"]
    if not checks:
        problems.append("no HEALTHCHECK")
    else:
        check = checks[-1]
        if "/healthz" not in check:
            problems.append("HEALTHCHECK does not probe /healthz")
        if port is not None and f":{port}/" not in check:
            problems.append(f"HEALTHCHECK does not probe port {port}")
        if re.search(r"\b(curl|wget)\b", check):
            problems.append("HEALTHCHECK uses curl/wget, which python:3.11-slim lacks")

    if compose is not None and port is not None:
        gateway = (compose.get("services") or {}).get("gateway") or {}
        # Published, or (behind the proxy, scaled) only exposed on the compose network.
        targets = published_container_ports(gateway) or [
            int(str(p).split("/", 1)[0]) for p in gateway.get("expose") or []
        ]
        if targets and int(port) not in targets:
            problems.append(f"compose publishes gateway port(s) {targets}, the image serves {port}")
    return problems


# --------------------------------------------------------------------------- fixtures


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def scripts() -> dict[str, str]:
    with PYPROJECT.open("rb") as handle:
        return tomllib.load(handle)["project"]["scripts"]


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the real files


def test_compose_file_is_sound(compose: dict[str, Any]) -> None:
    assert check_compose(compose) == []


def test_dockerfile_is_sound(
    dockerfile_text: str, scripts: dict[str, str], compose: dict[str, Any]
) -> None:
    assert check_dockerfile(dockerfile_text, scripts, compose) == []


def test_console_script_is_the_gateway_cli(scripts: dict[str, str]) -> None:
    assert scripts.get("qalakar", "").startswith("gateway.cli:")


def test_gateway_urls_resolve_to_compose_services(compose: dict[str, Any]) -> None:
    """Spelled out for the reader: each backend URL lands on a service's listening port."""
    services = interpolate_tree(compose, TEST_ENV)["services"]
    env = environment(services["gateway"])
    settings = Settings(
        _env_file=None,
        **{
            k.removeprefix("QALAKAR_").lower(): v
            for k, v in env.items()
            if k.startswith("QALAKAR_")
        },
    )
    expected = {
        "database_url": ("postgres", 5432),
        "chroma_url": ("chroma", 8000),
        "llm_base_url": ("vllm", 8000),
        "redis_url": ("redis", 6379),
    }
    for field, (host, port) in expected.items():
        parts = urlsplit(getattr(settings, field))
        assert (parts.hostname, parts.port) == (host, port), field
        assert port in listening_ports(services[host]), field


def test_the_gateway_believes_the_proxy_forwarded_address(compose: dict[str, Any]) -> None:
    """Behind ``proxy`` every socket's peer is the proxy: unless its network is trusted, every
    client shares one address (one per-address rate limit and socket cap for all)."""
    services = interpolate_tree(compose, TEST_ENV)["services"]
    trusted = Settings(_env_file=None,
                       trusted_proxies=environment(services["gateway"]).get(
                           "QALAKAR_TRUSTED_PROXIES", "")).proxies()
    subnets = [ipaddress.ip_network(c["subnet"])
               for c in compose.get("networks", {}).get("default", {}).get("ipam", {})
               .get("config", []) if "subnet" in c]
    assert subnets, "the default network has no fixed subnet to trust"
    assert all(any(net.subnet_of(ipaddress.ip_network(t)) for t in trusted) for net in subnets)
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile


def test_compose_refuses_to_start_without_a_secret(compose: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=SECRET_VAR):
        interpolate_tree(compose, {})


def test_dockerignore_keeps_local_state_out() -> None:
    lines = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".venv", "var", ".git", "bench/results", ".env"):
        assert entry in lines, entry
    assert any("__pycache__" in line for line in lines)
    # The build needs these; ignoring them would break `pip install .`.
    for needed in ("pyproject.toml", "README.md", "gateway", "agents"):
        assert needed not in lines, needed


def test_interpolation_follows_compose_rules() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert (
        interpolate("${SET:-d} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} $$HOME $SET", env)
        == "v d d  $HOME v"
    )
    assert interpolate("${SET:+r}${UNSET:+r}", env) == "r"
    with pytest.raises(ValueError):
        interpolate("${EMPTY:?need it}", env)
    assert interpolate("${EMPTY?need it}", env) == ""


# --------------------------------------------------------------------------- broken copies


def _del(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


def _set_env(service: str, key: str, value: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["services"][service].setdefault("environment", {})[key] = value

    return mutate


def _drop_arg(arg: str, with_value: bool = False) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        args = doc["services"]["vllm"]["command"]
        index = args.index(arg)
        del args[index : index + (2 if with_value else 1)]

    return mutate


def _set_arg(arg: str, value: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        args = doc["services"]["vllm"]["command"]
        args[args.index(arg) + 1] = value

    return mutate


def _drop_dependency(name: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        del doc["services"]["gateway"]["depends_on"][name]

    return mutate


def _set_condition(name: str, condition: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["services"]["gateway"]["depends_on"][name] = {"condition": condition}

    return mutate


def _rename_service(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["services"][new] = doc["services"].pop(old)

    return mutate


def _publish(service: str, entry: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["services"][service].setdefault("ports", []).append(entry)

    return mutate


PG = "postgresql+psycopg://qalakar:"

def _mount_caddyfile(text: str) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        path = Path(tempfile.mkdtemp(prefix="caddy-")) / "Caddyfile"
        path.write_text(text, encoding="utf-8")
        doc["services"]["proxy"]["volumes"] = [f"{path}:/etc/caddy/Caddyfile"]

    return mutate


COMPOSE_MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "gateway publishes a host port": (_publish("gateway", "8000:8000"), "--scale gateway=N"),
    "proxy removed": (_del("services.proxy"), "missing service 'proxy'"),
    "proxy not published": (_del("services.proxy.ports"), "proxy publishes no host port"),
    "proxy without config": (_del("services.proxy.volumes"), "no Caddyfile"),
    "proxy to the wrong port": (
        _mount_caddyfile(":8000 {\n reverse_proxy {\n  dynamic a gateway 9000\n }\n}\n"),
        "gateway port(s) [9000]",
    ),
    "proxy resolves once": (
        _mount_caddyfile(":8000 {\n reverse_proxy gateway:8000\n}\n"),
        "replicas added by --scale are missed",
    ),

    # name: (how the copy is broken, a phrase the checker must report)
    "chroma removed": (_del("services.chroma"), "missing service 'chroma'"),
    "postgres removed": (_del("services.postgres"), "missing service 'postgres'"),
    "redis removed": (_del("services.redis"), "missing service 'redis'"),
    "vllm removed": (_del("services.vllm"), "missing service 'vllm'"),
    "gateway removed": (_del("services.gateway"), "missing service 'gateway'"),
    "chroma renamed": (_rename_service("chroma", "chromadb"), "chroma_url host 'chroma'"),
    "chroma url wrong host": (
        _set_env("gateway", "QALAKAR_CHROMA_URL", "http://chromadb:8000"),
        "chroma_url host 'chromadb'",
    ),
    "chroma url wrong port": (
        _set_env("gateway", "QALAKAR_CHROMA_URL", "http://chroma:8001"),
        "chroma_url uses port 8001",
    ),
    "database url wrong host": (
        _set_env("gateway", "QALAKAR_DATABASE_URL", f"{PG}qalakar@db:5432/qalakar"),
        "database_url host 'db'",
    ),
    "database url wrong port": (
        _set_env("gateway", "QALAKAR_DATABASE_URL", f"{PG}qalakar@postgres:5433/qalakar"),
        "database_url uses port 5433",
    ),
    "database url wrong password": (
        _set_env("gateway", "QALAKAR_DATABASE_URL", f"{PG}secret@postgres:5432/qalakar"),
        "POSTGRES_PASSWORD",
    ),
    "database url localhost": (
        _set_env("gateway", "QALAKAR_DATABASE_URL", f"{PG}qalakar@localhost:5432/qalakar"),
        "database_url host 'localhost'",
    ),
    "redis url wrong host": (
        _set_env("gateway", "QALAKAR_REDIS_URL", "redis://cache:6379/0"),
        "redis_url host 'cache'",
    ),
    "redis url wrong port": (
        _set_env("gateway", "QALAKAR_REDIS_URL", "redis://redis:6380/0"),
        "redis_url uses port 6380",
    ),
    "llm url wrong port": (
        _set_env("gateway", "QALAKAR_LLM_BASE_URL", "http://vllm:8080/v1"),
        "llm_base_url uses port 8080",
    ),
    "llm url without /v1": (
        _set_env("gateway", "QALAKAR_LLM_BASE_URL", "http://vllm:8000"),
        "should end in /v1",
    ),
    "llm url unset": (
        _del("services.gateway.environment.QALAKAR_LLM_BASE_URL"),
        "leaves llm_base_url unset",
    ),
    "checkpoint url wrong host": (
        _set_env("gateway", "QALAKAR_CHECKPOINT_URL", "postgresql://q:q@pg:5432/q"),
        "checkpoint_url host 'pg'",
    ),
    "llm model not served": (
        _set_env("gateway", "QALAKAR_LLM_MODEL", "Qwen/Qwen2.5-7B-Instruct"),
        "but vllm serves",
    ),
    "env not prod": (_set_env("gateway", "QALAKAR_ENV", "dev"), "not prod"),
    "env invalid": (_set_env("gateway", "QALAKAR_ENV", "production"), "settings are invalid"),
    "misspelt variable": (
        _set_env("gateway", "QALAKAR_DATABSE_URL", "sqlite:///x.db"),
        "unknown variable QALAKAR_DATABSE_URL",
    ),
    "secret with default": (
        _set_env("gateway", SECRET_VAR, "${QALAKAR_JWT_SECRET:-change-me}"),
        "has a default",
    ),
    "secret literal": (
        _set_env("gateway", SECRET_VAR, "a-literal-secret-in-the-file"),
        "has a default",
    ),
    "secret missing": (
        _del(f"services.gateway.environment.{SECRET_VAR}"),
        f"does not set {SECRET_VAR}",
    ),
    "vllm no auto tool choice": (
        _drop_arg("--enable-auto-tool-choice"),
        "lacks --enable-auto-tool-choice",
    ),
    "vllm no tool parser": (
        _drop_arg("--tool-call-parser", with_value=True),
        "lacks --tool-call-parser",
    ),
    "vllm other port": (_set_arg("--port", "9000"), "vllm listens on [9000]"),
    "vllm no gpu": (_del("services.vllm.deploy"), "no nvidia GPU reservation"),
    "vllm no ipc": (_del("services.vllm.ipc"), "ipc: host or shm_size"),
    "vllm no healthcheck": (
        _del("services.vllm.healthcheck"),
        "waits for vllm to be healthy but it has no healthcheck",
    ),
    "vllm no hf cache": (_del("services.vllm.volumes"), "Hugging Face cache"),
    "gateway not waiting for vllm": (_drop_dependency("vllm"), "does not depend on vllm"),
    "gateway not waiting for chroma": (_drop_dependency("chroma"), "does not depend on chroma"),
    "gateway not waiting for postgres": (
        _drop_dependency("postgres"),
        "does not depend on postgres",
    ),
    "gateway not waiting for redis": (_drop_dependency("redis"), "does not depend on redis"),
    "gateway only starts after vllm": (
        _set_condition("vllm", "service_started"),
        "does not wait for vllm to be healthy",
    ),
    "redis healthcheck removed": (
        _del("services.redis.healthcheck"),
        "waits for redis to be healthy but it has no healthcheck",
    ),
    "postgres healthcheck removed": (_del("services.postgres.healthcheck"), "pg_isready"),
    "chroma healthcheck removed": (
        _del("services.chroma.healthcheck"),
        "waits for chroma to be healthy but it has no healthcheck",
    ),
    "volume undeclared": (_del("volumes.chroma-data"), "undeclared volume 'chroma-data'"),
    "chroma not persistent": (
        _del("services.chroma.volumes"),
        "chroma data is not on a named volume",
    ),
    "gateway no var volume": (_del("services.gateway.volumes"), "no named volume on /app/var"),
    "gateway not built": (_del("services.gateway.build"), "not built from the Dockerfile"),
    "host port clash": (_publish("chroma", "8000:8000"), "host port 0.0.0.0:8000"),
    "published port not listened on": (
        _publish("redis", "6380:6380"),
        "publishes container port 6380",
    ),
}


@pytest.mark.parametrize(
    ("mutate", "expected"), COMPOSE_MUTATIONS.values(), ids=COMPOSE_MUTATIONS.keys()
)
def test_broken_compose_is_reported(
    compose: dict[str, Any], mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    broken = copy.deepcopy(compose)
    mutate(broken)
    problems = check_compose(broken)
    assert any(expected in problem for problem in problems), problems


def test_environment_list_form_is_understood(compose: dict[str, Any]) -> None:
    doc = copy.deepcopy(compose)
    env = doc["services"]["gateway"]["environment"]
    doc["services"]["gateway"]["environment"] = [f"{key}={value}" for key, value in env.items()]
    assert check_compose(doc) == []


def test_broken_file_on_disk_is_reported(tmp_path: Path) -> None:
    """A textual edit of a copy (the chroma host renamed) is caught through the real loader."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "http://chroma:8000" in text
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace("http://chroma:8000", "http://chroma-db:8000"), encoding="utf-8")
    problems = check_compose(load_compose(broken))
    assert any("chroma_url" in problem for problem in problems), problems


def _edit(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return mutate


def _drop_lines(word: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        kept = [line for line in text.splitlines() if not line.startswith(word)]
        assert len(kept) < len(text.splitlines()), word
        return "\n".join(kept)

    return mutate


DOCKERFILE_MUTATIONS: dict[str, tuple[Callable[[str], str], str]] = {
    "unknown console script": (
        _edit('CMD ["qalakar"', 'CMD ["qalakar-server"'),
        "not a console script of pyproject",
    ),
    "shell form CMD": (
        _edit(
            'CMD ["qalakar", "serve", "--host", "0.0.0.0", "--port", "8000"]',
            "CMD qalakar serve --host 0.0.0.0 --port 8000",
        ),
        "exec (JSON array) form",
    ),
    "loopback bind": (
        _edit('"--host", "0.0.0.0"', '"--host", "127.0.0.1"'),
        "does not bind 0.0.0.0",
    ),
    "other port": (_edit('"--port", "8000"', '"--port", "9000"'), "compose publishes gateway"),
    "runs as root": (_drop_lines("USER"), "runs as root"),
    "explicit root": (_edit("USER qalakar", "USER root"), "runs as root"),
    "no healthcheck": (_edit("HEALTHCHECK", "# HEALTHCHECK"), "no HEALTHCHECK"),
    "healthcheck with curl": (
        _edit('CMD ["python", "-c",', "CMD curl -f http://127.0.0.1:8000/healthz ||"),
        "uses curl/wget",
    ),
    "healthcheck wrong path": (_edit("/healthz", "/health"), "does not probe /healthz"),
    "no voice extra": (_edit('pip install ".[voice]"', "pip install ."), "pip install .[voice]"),
    "other base image": (_edit("python:3.11-slim", "python:3.12"), "no python:3.11-slim base"),
    "no expose": (_drop_lines("EXPOSE"), "EXPOSE says []"),
}


@pytest.mark.parametrize(
    ("mutate", "expected"), DOCKERFILE_MUTATIONS.values(), ids=DOCKERFILE_MUTATIONS.keys()
)
def test_broken_dockerfile_is_reported(
    dockerfile_text: str,
    scripts: dict[str, str],
    compose: dict[str, Any],
    mutate: Callable[[str], str],
    expected: str,
) -> None:
    problems = check_dockerfile(mutate(dockerfile_text), scripts, compose)
    assert any(expected in problem for problem in problems), problems


def test_script_renamed_in_pyproject_is_reported(
    dockerfile_text: str, compose: dict[str, Any]
) -> None:
    assert check_dockerfile(dockerfile_text, {"qalakar-cli": "gateway.cli:main"}, compose) != []
